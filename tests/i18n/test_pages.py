"""The account, audit, admin, postcode, dashboard, delivery and error pages in Welsh and Polish
(issue 17): each sentence comes whole from the catalog, with its link still inside it."""

import pytest

from tests.electorate.uploads import upload_and_preview
from tests.factories import make_user

# path: (an English sentence of the page, its Welsh, its Polish)
PAGES = {
    "/login": ("Forgotten your password?", "Wedi anghofio eich cyfrinair?", "Nie pamiętasz hasła?"),
    "/register": ("Register to take part", "Cofrestrwch i gymryd rhan", "Zarejestruj się, aby"),
    "/password/forgot": ("Send the link", "Anfon y ddolen", "Wyślij link"),
    "/check-the-results": ("Re-count a pot", "Ailgyfrif cronfa", "Przelicz pulę ponownie"),
    "/goes-local": ("Show this year", "Dangos y flwyddyn hon", "Pokaż ten rok"),
    "/nowhere": ("Page not found", "Heb ddod o hyd i'r dudalen", "Nie znaleziono strony"),
}


@pytest.mark.parametrize("path", PAGES)
def test_the_page_reads_in_each_language(client, world, path):
    english, welsh, polish = PAGES[path]
    assert english in client.get(path).text
    for lang, wanted in (("cy", welsh), ("pl", polish)):
        page = client.get(f"{path}?lang={lang}").text
        assert wanted in page, (path, lang)
        assert english not in page, (path, lang)


def test_a_link_stays_inside_its_translated_sentence(client, login, world):
    assert 'New here? <a class="govuk-link" href="/register">Register</a>.' in (
        client.get("/login").text
    )
    assert 'Masz już konto? <a class="govuk-link" href="/login">Zaloguj się</a>.' in (
        client.get("/register?lang=pl").text
    )
    login(make_user(email="ffion@example.org"))
    account = client.get("/account?lang=cy").text
    pot = world.voting_pot
    assert f'yn cyfrif yn <a class="govuk-link" href="/pots/{pot.id}">{pot.name}</a>.' in account


def test_counts_take_the_language_s_plural(client, login, world):
    login(make_user(email="admin@example.org", roles=[("admin", None)]))
    content = "pcds,osward\nAB1 1AB,E05000002\nAB8 8HH,E05000002\n"
    preview_url, page = upload_and_preview(client, "/panel/postcodes/", content)
    assert "Import 2 postcodes" in page.text
    assert "Zaimportuj 2 kody pocztowe" in client.get(f"{preview_url}?lang=pl").text
    roles = client.get("/panel/roles/?lang=pl").text
    assert 'Usuń<span class="govuk-visually-hidden"> rolę' in roles

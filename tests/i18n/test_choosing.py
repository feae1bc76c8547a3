"""Choosing the language: Accept-Language, the language link, the session, the account, and
the council's choice of languages."""

import re

from sqlalchemy import select

from pb import i18n
from pb.auth.models import User
from pb.extensions import db
from tests.factories import PASSWORD, make_user


def _lang(page: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', page)
    assert match, page[:200]
    return match.group(1), match.group(2)


def test_the_browser_s_language_is_the_default(client, world):
    assert _lang(client.get("/login").text) == ("en-GB", "ltr")
    page = client.get("/login", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"}).text
    assert _lang(page) == ("cy", "ltr")
    assert "Cyfeiriad e-bost" in page  # the form's label, from the Welsh catalog
    page = client.get("/login", headers={"Accept-Language": "pl-PL,pl;q=0.9"}).text
    assert _lang(page) == ("pl", "ltr")
    assert "Adres e-mail" in page
    # A language the site has no catalog for gives the council's default.
    assert _lang(client.get("/login", headers={"Accept-Language": "de"}).text)[0] == "en-GB"


def test_the_language_link_is_on_every_page_and_kept_in_the_session(client, world):
    page = client.get(f"/pots/{world.voting_pot.id}").text
    assert 'href="/language/cy?next=' in page
    assert 'lang="cy" hreflang="cy">Cymraeg</a>' in page
    assert 'lang="pl" hreflang="pl">Polski</a>' in page
    # hreflang alternates point at this page in the other languages.
    assert f'hreflang="cy" href="http://localhost/pots/{world.voting_pot.id}?lang=cy"' in page
    response = client.get(f"/language/cy?next=/pots/{world.voting_pot.id}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/pots/{world.voting_pot.id}"
    # Kept: the next page, with an English browser, is still Welsh.
    page = client.get("/login", headers={"Accept-Language": "en"}).text
    assert _lang(page)[0] == "cy"
    assert 'aria-current="true">Cymraeg</span>' in page


def test_lang_in_the_query_shows_that_language_for_one_page(client, world):
    assert _lang(client.get("/login?lang=pl").text)[0] == "pl"
    assert _lang(client.get("/login").text)[0] == "en-GB"


def test_the_choice_is_kept_on_the_account(app, client, login, world):
    user = make_user(email="ffion@example.org")
    login(user)
    client.get("/language/cy?next=/")
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "cy"
    # Another device: a new session, signed in, gets Welsh without choosing again.
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert _lang(other.get("/login").text)[0] == "cy"


def test_hostile_language_links_change_nothing(client, world):
    for code in ("xx", "de", "../../etc", "c" * 300, "%00", "en_GB<script>"):
        assert client.get(f"/language/{code}?next=/").status_code == 404
    assert _lang(client.get("/login").text)[0] == "en-GB"
    assert _lang(client.get("/login?lang=<b>").text)[0] == "en-GB"
    # The next address must be on this site (the switch itself is a real one).
    response = client.get("/language/pl?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_the_council_chooses_its_languages_and_default(client, login, world):
    login(make_user(roles=[("admin", None)]))
    page = client.get("/panel/languages")
    assert page.status_code == 200
    response = client.post("/panel/languages", data={"languages": ["cy"], "default_locale": "cy"})
    assert response.status_code == 303
    assert world.council.languages == "en_GB cy"  # English always stays
    assert world.council.default_locale == "cy"
    anonymous = client.application.test_client()
    page = anonymous.get("/login", headers={"Accept-Language": "pl"}).text
    assert _lang(page)[0] == "cy"  # Polish is not offered: the council's default
    assert "Polski" not in page
    assert anonymous.get("/language/pl?next=/").status_code == 404
    assert _lang(anonymous.get("/login", headers={"Accept-Language": "en"}).text)[0] == "en-GB"


def test_the_languages_form_refuses_what_it_does_not_offer(client, login, world):
    login(make_user(roles=[("admin", None)]))
    before = (world.council.languages, world.council.default_locale)
    for data in (
        {"languages": ["cy"], "default_locale": "pl"},  # a default that is not offered
        {"languages": ["xx"], "default_locale": "xx"},
        {"languages": ["cy"], "default_locale": "<script>"},
        {"default_locale": ""},
    ):
        response = client.post("/panel/languages", data=data)
        assert response.status_code == 422, data
    assert (world.council.languages, world.council.default_locale) == before
    data = {"languages": ["pl", "zz"], "default_locale": "en_GB"}
    assert client.post("/panel/languages", data=data).status_code == 422
    data["languages"] = ["pl"]
    assert client.post("/panel/languages", data=data).status_code == 303
    assert world.council.languages == "en_GB pl"


def test_only_the_admin_chooses_the_languages(client, login, world):
    login(make_user(roles=[("panel", world.north.id)]))
    assert client.get("/panel/languages").status_code == 403
    assert client.post("/panel/languages", data={"default_locale": "cy"}).status_code == 403


def test_a_right_to_left_language_needs_only_its_catalog(app, tmp_path):
    assert i18n.text_direction("ar") == "rtl"
    assert i18n.text_direction("ur") == "rtl"
    assert i18n.text_direction("cy") == "ltr"
    folder = tmp_path / "translations" / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n"Language: ar\\n"\n\n'
        'msgid "E-mail address"\nmsgstr "البريد الإلكتروني"\n'
    )
    from pb import catalogs

    catalogs.compile_all(tmp_path / "translations")
    # What PB_TRANSLATIONS=<folder> does at start-up: one more folder of catalogs.
    original = app.config["BABEL_TRANSLATION_DIRECTORIES"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{original};{tmp_path / 'translations'}"
    directories = app.extensions["babel"].translation_directories
    directories.append(str(tmp_path / "translations"))
    try:
        assert "ar" in i18n.catalog_locales()
        client = app.test_client()
        page = client.get("/login", headers={"Accept-Language": "ar"}).text
        assert _lang(page) == ("ar", "rtl")
        assert "البريد الإلكتروني" in page
        assert 'hreflang="ar"' not in page  # the current language is not an alternate
        assert 'hreflang="cy"' in page
    finally:
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = original
        directories.pop()

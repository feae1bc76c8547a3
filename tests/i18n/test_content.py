"""A pot's and a proposal's text in each language the council offers, with marked fallbacks."""

from tests.factories import make_user


def _panel(login, world):
    login(make_user(roles=[("panel", world.north.id)]))


def test_the_panel_gives_a_pot_its_welsh_and_polish_text(client, login, world):
    pot = world.voting_pot
    _panel(login, world)
    page = client.get(f"/panel/pots/{pot.id}/translations")
    assert page.status_code == 200
    assert 'name="cy__name"' in page.text and 'lang="cy"' in page.text
    response = client.post(
        f"/panel/pots/{pot.id}/translations",
        data={
            "cy__name": "Cronfa'r Gogledd",
            "cy__description": "Arian ar gyfer y ward.",
            "pl__name": "",
            "pl__description": "",
        },
    )
    assert response.status_code == 303
    assert pot.translations == {
        "cy": {"name": "Cronfa'r Gogledd", "description": "Arian ar gyfer y ward."}
    }
    welsh = client.get(f"/pots/{pot.id}?lang=cy").text
    assert '<h1 class="govuk-heading-l">Cronfa&#39;r Gogledd</h1>' in welsh
    assert "Heb ei gyfieithu eto" not in welsh
    polish = client.get(f"/pots/{pot.id}?lang=pl").text
    # No Polish yet: the English original, marked, in its own language.
    assert '<h1 class="govuk-heading-l"><span lang="en-GB">North fund</span></h1>' in polish
    assert "Jeszcze nie przetłumaczono: wyświetlono w języku: angielski." in polish
    english = client.get(f"/pots/{pot.id}").text
    assert (
        '<h1 class="govuk-heading-l">North fund</h1>' in english
        and "translation-note" not in english
    )


def test_proposal_titles_and_summaries_in_the_reader_s_language(client, login, world):
    proposal = world.on_ballot[0]
    _panel(login, world)
    response = client.post(
        f"/panel/proposals/{proposal.id}/translations",
        data={"pl__title": "Ogród Alfa", "pl__summary": "Nowy ogród dla sąsiadów."},
    )
    assert response.status_code == 303
    page = client.get(f"/proposals/{proposal.id}?lang=pl").text
    assert (
        '<h1 class="govuk-heading-l">Ogród Alfa</h1>' in page and "Nowy ogród dla sąsiadów." in page
    )
    listing = client.get(f"/pots/{world.voting_pot.id}/proposals?lang=pl").text
    assert "Ogród Alfa" in listing
    assert '<span lang="en-GB">Bravo benches</span>' in listing  # not translated yet


def test_the_api_returns_every_version(client, login, world):
    pot = world.voting_pot
    pot.translations = {"cy": {"name": "Cronfa'r Gogledd"}, "pl": {"name": "Pula Północ"}}
    world.on_ballot[0].translations = {"cy": {"title": "Gardd Alffa"}}
    data = client.get(f"/api/v1/pots/{pot.id}", headers={"Accept-Language": "pl"}).json
    assert data["name"] == "North fund" and data["language"] == "en-GB"
    assert data["translations"] == {
        "cy": {"name": "Cronfa'r Gogledd"},
        "pl": {"name": "Pula Północ"},
    }
    proposals = client.get(f"/api/v1/pots/{pot.id}/proposals").json["proposals"]
    first = next(p for p in proposals if p["id"] == world.on_ballot[0].id)
    assert first["translations"] == {"cy": {"title": "Gardd Alffa"}}


def test_hostile_translations_change_nothing(client, login, world):
    pot = world.voting_pot
    _panel(login, world)
    url = f"/panel/pots/{pot.id}/translations"
    for data in ({"cy__name": "x" * 201}, {"pl__description": "y" * 4001}):
        assert client.post(url, data=data).status_code == 422
    assert pot.translations is None
    # Unknown languages and fields are not stored.
    client.post(url, data={"xx__name": "Nope", "cy__secret": "Nope", "cy__name": "Iawn"})
    assert pot.translations == {"cy": {"name": "Iawn"}}
    # Markup is text, shown escaped.
    client.post(url, data={"cy__name": "<script>alert(1)</script>"})
    page = client.get(f"/pots/{pot.id}?lang=cy").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_only_the_pot_s_panel_translates_it(client, login, world):
    login(make_user(roles=[("panel", world.south.id)]))
    assert client.get(f"/panel/pots/{world.voting_pot.id}/translations").status_code == 403
    assert (
        client.post(
            f"/panel/proposals/{world.on_ballot[0].id}/translations", data={"cy__title": "x"}
        ).status_code
        == 403
    )
    assert world.on_ballot[0].translations is None

"""The showcase election in a real browser: złoty on every page about it, pounds on the
others, and what its source does not say shown as not known."""

from tests.e2e.pages import check, fits


def test_the_real_election_speaks_zloty_and_says_what_is_not_known(
    make_page, server, axe_source, js
):
    page = make_page(width=360, height=740)
    page.goto("/")
    card = page.locator("main li", has_text="Municipal PB in Wieliczka")
    assert "PLN1,000,000" in card.inner_text()
    hillcrest = page.locator("main li", has_text="Hillcrest ranked fund")
    assert "£30,000" in hillcrest.inner_text()
    assert "£1,000,000" not in page.content()

    page.goto(f"/pots/{server.ids['real']}/results")
    check(page, axe_source, what="real election results")
    fits(page, 360)
    text = page.locator("main").inner_text()
    assert "PLN1,000,000" in text and "£" not in text
    assert "agrees with the official outcome" in text
    assert "Not known" in text  # who could vote, and so turnout
    assert "Equal Shares" in text  # the rule in words
    page.goto(f"/check-the-results?pot={server.ids['real']}")
    assert "None: the source names no tie-break lottery" in page.locator("main").inner_text()
    page.goto(f"/pots/{server.ids['real']}/results")
    assert "21 April 2023" in text  # published on the source's end date

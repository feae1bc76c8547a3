"""A resident on a phone: registers, confirms the e-mail, proposes, votes with every ballot
method and checks a receipt; and a whole vote done with the keyboard alone."""

import email
import re
from email import policy

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import check, fits, shot, tap_targets

PASSWORD = "a long enough password 42"
PHONE = 360


def _confirmation_link(server, address: str) -> str:
    for path in sorted(server.outbox.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            return re.search(r"https?://[^/\s]+(/confirm/\S+)", message.get_content()).group(1)
    raise AssertionError(f"no mail to {address}")


def _visit(page, axe_source, what):
    check(page, axe_source, what=what)
    fits(page, PHONE)


def _vote(page, axe_source, screenshots, js, pot_id, method, choose):
    page.goto(f"/pots/{pot_id}/ballot")
    _visit(page, axe_source, f"{method} ballot")
    tap_targets(page, "main input:not([type=hidden]), main select, main button")
    shot(page, screenshots, f"ballot-{method}-{js}-{PHONE}")
    choose(page)
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your choices before you vote"
    _visit(page, axe_source, f"{method} review")
    tap_targets(page, "main button")
    page.get_by_role("button", name="Cast my vote").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your vote is recorded"
    _visit(page, axe_source, f"{method} receipt")
    shot(page, screenshots, f"receipt-{method}-{js}-{PHONE}")
    return page.locator(".pb-receipt code").inner_text()


def test_a_resident_registers_proposes_votes_four_ways_and_checks_a_receipt(
    make_page, server, axe_source, screenshots, js
):
    page = make_page(width=PHONE, height=740)
    address = f"e2e-{js}@example.org"

    # Register; a first try with nothing filled in shows linked errors.
    page.goto("/")
    _visit(page, axe_source, "home")
    tap_targets(page, ".govuk-service-navigation a, .govuk-service-navigation button")
    page.get_by_role("link", name="Register").click()
    _visit(page, axe_source, "register")
    page.get_by_role("button", name=re.compile("Register|Create", re.I)).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "There is a problem" in summary.inner_text()
    assert page.title().startswith("Error")
    email_box = page.get_by_label("E-mail address")
    described = email_box.get_attribute("aria-describedby")
    assert described and page.locator(f"#{described.split()[-1]}").inner_text().strip()
    assert email_box.get_attribute("aria-invalid") == "true"
    _visit(page, axe_source, "register with errors")
    email_box.fill(address)
    page.get_by_label("Your name").fill(f"Eve End-to-end {js}")
    page.get_by_label("Home postcode").fill("RV2 4DE")
    page.get_by_label("Date of birth").fill("1990-04-02")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Register|Create", re.I)).click()
    _visit(page, axe_source, "check your e-mail")

    # Confirm the address with the link from the outbox, then log in.
    page.goto(_confirmation_link(server, address))
    _visit(page, axe_source, "after confirming")
    if page.get_by_role("button", name="Log out").count() == 0:
        page.goto("/login")
        _visit(page, axe_source, "log in")
        page.get_by_label("E-mail address").fill(address)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # Propose a project.
    ideas = server.ids["ideas"]
    page.goto(f"/pots/{ideas}")
    _visit(page, axe_source, "pot taking proposals")
    page.get_by_role("link", name="Propose a project").click()
    _visit(page, axe_source, "proposal form")
    title = f"Wildflower meadow {js}"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Summary").fill("Turn the mown verge into a wildflower meadow.")
    page.get_by_label("Description").fill(
        "Sow native wildflowers along the verge and mow twice a year, to bring back bees."
    )
    page.get_by_label("Estimated cost in British pounds").fill("2,500")
    page.get_by_label("Category").select_option(index=1)
    page.locator("main form button[type=submit]").last.click()
    assert title in page.locator("main").inner_text()
    _visit(page, axe_source, "proposal page")

    ids = server.ids
    receipts = []

    def approval(p):
        boxes = p.locator("main input[type=checkbox]")
        boxes.nth(0).check()
        boxes.nth(2).check()

    def knapsack(p):  # £9,000 + £4,000 under the £15,000 cap
        boxes = p.locator("main input[type=checkbox]")
        boxes.nth(0).check()
        boxes.nth(1).check()

    def ranked(p):
        selects = p.locator("main select")
        selects.nth(1).select_option(label="Choice 1")
        selects.nth(0).select_option(label="Choice 2")

    def points(p):
        boxes = p.locator("main input[type=number]")
        boxes.nth(0).fill("3")
        boxes.nth(3).fill("2")

    for method, choose in [
        ("approval", approval),
        ("knapsack", knapsack),
        ("ranked", ranked),
        ("points", points),
    ]:
        receipts.append(_vote(page, axe_source, screenshots, js, ids[method], method, choose))

    # Every receipt is confirmed as counted.
    for code in receipts:
        page.goto("/receipts/check")
        _visit(page, axe_source, "check a receipt")
        page.get_by_label(re.compile("Receipt", re.I)).fill(code)
        page.get_by_role("button", name="Check").click()
        assert "A ballot with this receipt is recorded" in page.locator("main").inner_text()
    _visit(page, axe_source, "receipt checked")
    shot(page, screenshots, f"receipt-checked-{js}-{PHONE}")


def _focus_is_visible(page) -> None:
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; }"""
    )
    outline_style, outline_width, box_shadow = style
    assert (outline_style != "none" and outline_width > 0) or box_shadow != "none", style


def _tab_to(page, predicate: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches the JS `predicate` (given `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"Tab never reached {predicate}")


@pytest.mark.parametrize("width", [1024])
def test_the_whole_vote_works_with_the_keyboard_alone(make_page, server, js, width):
    page = make_page(width=width)
    page.goto("/login")
    _tab_to(page, "el.name === 'email'")
    _focus_is_visible(page)
    page.keyboard.type(f"keys-{js}@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-password")
    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Log in'")
    _focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("button", name="Log out").count() == 1

    page.goto(f"/pots/{server.ids['approval']}")
    _tab_to(page, "el.tagName === 'A' && el.textContent.trim() === 'Vote now'")
    _focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/ballot")
    _tab_to(page, "el.type === 'checkbox'")
    _focus_is_visible(page)
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Continue'")
    _focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/ballot/review")  # post/redirect/get: a page of its own
    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Cast my vote'")
    _focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/receipt")
    assert page.get_by_role("heading", level=1).inner_text() == "Your vote is recorded"

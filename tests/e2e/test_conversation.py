"""A resident supports a proposal, comments on it, replies, follows its pot and chooses how to
hear, in Chromium (with and without JavaScript), each page checked with axe."""

import re

from playwright.sync_api import expect

from pb.demo import DEMO_PASSWORD
from tests.e2e.pages import check, fits, tap_targets


def test_a_resident_supports_comments_and_follows(make_page, server, axe_source, js):
    page = make_page(width=360, height=740)
    address = f"talk-{js}@example.org"
    page.goto("/login")
    page.get_by_label("E-mail address").fill(address)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # The pot is open for supports: its page says so and links to the proposals.
    pot_id = server.ids["supports"]
    page.goto(f"/pots/{pot_id}")
    check(page, axe_source, what="supports pot")
    assert "Open for supports" in page.locator("main").inner_text()

    # Support a proposal (index by run, so the two runs count separately).
    proposal_id = server.ids["supports_proposals"][0 if js == "js" else 1]
    page.goto(f"/proposals/{proposal_id}")
    check(page, axe_source, what="proposal with supports and comments")
    fits(page, 360)
    page.get_by_role("button", name="Support this proposal").click()
    assert page.url.endswith(f"/proposals/{proposal_id}#supports")
    assert "1 resident supports this" in page.locator("#supports").inner_text()
    expect(page.get_by_role("button", name="Take back my support")).to_be_visible()
    # Supporting follows the proposal.
    expect(page.get_by_role("button", name=re.compile("^Stop following"))).to_be_visible()
    tap_targets(page, "main button:visible")

    # Comment, then reply to the comment.
    page.get_by_label("Your comment").fill("Could the <b>benches</b> face the pond?")
    page.get_by_role("button", name="Post comment").click()
    comment = page.locator("li.comment").first
    assert "Could the <b>benches</b> face the pond?" in comment.inner_text()  # shown as text
    check(page, axe_source, what="proposal after a comment")
    page.locator("details.reply summary").first.click()
    page.locator("details.reply textarea").first.fill("And a bin nearby.")
    page.get_by_role("button", name="Post reply").first.click()
    assert "And a bin nearby." in page.locator("ol.replies").first.inner_text()

    # The outcome page so far, with the counts.
    page.goto(f"/pots/{pot_id}/supports")
    check(page, axe_source, what="supports outcome")
    assert "Supports are still open" in page.locator("main").inner_text()

    # Follow the pot, then choose the weekly digest on the account page.
    page.goto(f"/pots/{pot_id}")
    page.get_by_role("button", name=re.compile("^Follow")).click()
    expect(page.get_by_role("button", name=re.compile("^Stop following"))).to_be_visible()
    page.goto("/account")
    check(page, axe_source, what="account with follows")
    follows = page.locator("ul.follows").inner_text()
    assert "Hillcrest supports fund" in follows
    page.get_by_label("A weekly digest").check()
    page.get_by_role("button", name="Save my choice").click()
    assert page.get_by_label("A weekly digest").is_checked()
    assert "Saved: A weekly digest." in page.locator("main").inner_text()


def test_after_the_results_residents_talk_under_delivery_updates(make_page, server, axe_source, js):
    page = make_page(width=360, height=740)
    page.goto("/login")
    page.get_by_label("E-mail address").fill(f"talk-{js}@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.goto(f"/proposals/{server.ids['delivered']}")
    check(page, axe_source, what="funded proposal with a delivery update")
    fits(page, 360)
    # The pot is published: no comments on the proposal itself, only under its updates.
    assert page.locator("#comments").count() == 0
    section = page.locator("section.update-comments").first
    assert "Comments on the update of" in section.inner_text()
    words = f"When will the benches arrive? ({js})"
    section.get_by_label("Your comment").fill(words)
    section.get_by_role("button", name="Post comment").click()
    section = page.locator("section.update-comments").first
    assert words in section.locator("li.comment").last.inner_text()
    check(page, axe_source, what="delivery update with a comment")
    section.locator("details.reply summary").last.click()
    section.locator("details.reply textarea").last.fill(f"Next month, I hear. ({js})")
    section.get_by_role("button", name="Post reply").last.click()
    section = page.locator("section.update-comments").first
    assert f"Next month, I hear. ({js})" in section.locator("ol.replies").last.inner_text()
    tap_targets(page, "main button:visible")

"""A panel member runs a pot from review to published results (with an officer's paper
batch); an auditor downloads an audit package and `pb verify` accepts it."""

import re
import subprocess

from playwright.sync_api import expect

from tests.e2e.conftest import BIN, ROOT
from tests.e2e.pages import axe, check, fits, shot, tap_targets

DEMO_PASSWORD = "demo-password"


def _log_in(page, axe_source, address):
    page.goto("/login")
    page.get_by_label("E-mail address").fill(address)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def _enter_batch(page, axe_source, pot_id, lines):
    page.goto(f"/panel/pots/{pot_id}/paper/")
    check(page, axe_source, what="paper voting")
    page.locator("input[name=number]").fill("1")
    page.locator("textarea[name=ballots]").fill(lines)
    page.get_by_role("button", name="Save my entry of this batch").click()


def test_a_panel_member_reviews_opens_enters_paper_tallies_and_publishes(
    make_page, server, axe_source, screenshots, js
):
    page = make_page()
    pot_id = server.ids[f"review-{js}"]
    _log_in(page, axe_source, "panel@example.org")
    page.goto("/panel/")
    check(page, axe_source, what="panel dashboard")
    shot(page, screenshots, f"dashboard-panel-{js}")
    page.get_by_role("link", name=f"Hillcrest panel fund {js}").click()
    check(page, axe_source, what="panel pot")
    reviews = page.locator("main table a", has_text="Review")
    assert reviews.count() == 4
    review_urls = [reviews.nth(i).get_attribute("href") for i in range(4)]

    # Not feasible without a reason: the error is announced and linked to the field.
    page.goto(review_urls[3])
    check(page, axe_source, what="review")
    shot(page, screenshots, f"review-{js}")
    page.get_by_role("button", name="Mark as not feasible").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    link = summary.locator("a").first
    target = link.get_attribute("href")
    field = page.locator(target)
    assert page.locator(f"#{field.get_attribute('aria-describedby').split()[-1]}").is_visible()
    check(page, axe_source, what="review with an error")
    shot(page, screenshots, f"review-error-{js}")
    field.fill("The land belongs to the railway.")
    page.get_by_role("button", name="Mark as not feasible").click()

    for url in review_urls[:3]:
        page.goto(url)
        page.get_by_role("button", name="Mark as feasible").click()
    page.goto(f"/panel/pots/{pot_id}")
    for _ in range(3):
        page.get_by_role("button", name=re.compile("^Put on ballot")).first.click()
    assert page.get_by_role("button", name=re.compile("^Take off ballot")).count() == 3
    check(page, axe_source, what="pot ready to open")
    assert page.get_by_role("button", name="Open voting").count() == 0  # no ballot key yet
    page.get_by_role("link", name="Make the ballot key").click()
    check(page, axe_source, what="ballot key")
    page.get_by_role("button", name="Make the key").click()
    key = page.locator(".pb-key code").inner_text()
    check(page, axe_source, what="ballot key made")
    shot(page, screenshots, f"ballot-key-{js}")
    page.get_by_role("link", name=re.compile("I have kept the key")).click()
    page.get_by_label("Ballot key").fill(key)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("button", name="Open voting").click()
    assert "Voting" in page.locator("main .govuk-tag").inner_text()

    # Three paper voters, without accounts, before their batch.
    page.goto(f"/panel/pots/{pot_id}/paper/")
    for n in range(3):
        page.get_by_label("Full name").fill(f"Paper Voter {js} {n}")
        page.get_by_label("Postcode").fill("RV2 4DF")
        page.get_by_label("Date of birth").fill(f"196{n}-04-0{n + 1}")
        page.get_by_role("button", name="Record paper vote").click()
        assert "Recorded" in page.locator("main").inner_text()
    check(page, axe_source, what="paper voters recorded")

    # Paper: the panel member and an officer each type batch 1; it counts when they agree.
    numbers = [re.search(r"/(\d+)/review", u).group(1) for u in review_urls[:3]]  # proposal numbers
    lines = f"{numbers[0]}\n{numbers[0]}, {numbers[1]}\n{numbers[2]}"
    _enter_batch(page, axe_source, pot_id, lines)
    _log_out(page)
    _log_in(page, axe_source, "officer@example.org")
    _enter_batch(page, axe_source, pot_id, lines)
    assert "Counted" in page.locator("main").inner_text()
    check(page, axe_source, what="paper batch counted")
    _log_out(page)

    _log_in(page, axe_source, "panel@example.org")
    page.goto(f"/panel/pots/{pot_id}")
    page.get_by_role("button", name="Close voting").click()
    check(page, axe_source, what="closed, envelopes sealed")
    page.get_by_label("Ballot key").fill(key)
    page.get_by_role("button", name="Open the envelopes").click()
    check(page, axe_source, what="tally")
    page.get_by_role("button", name="Run the tally").click()
    assert "Preview (version 1, not published)" in page.locator("main").inner_text()
    check(page, axe_source, what="tally preview")
    page.get_by_label("Reason").fill("Approved at the panel's meeting.")
    page.get_by_label("I understand this cannot be undone").check()
    page.get_by_role("button", name="Publish these results").click()
    page.goto(f"/pots/{pot_id}/results")
    check(page, axe_source, what="results")
    assert "3 on paper" in page.locator("main").inner_text()
    shot(page, screenshots, f"results-{js}")
    page.goto(f"/panel/pots/{pot_id}/audit")
    check(page, axe_source, what="audit log")


def test_an_auditor_downloads_the_audit_package_and_pb_verify_accepts_it(
    make_page, server, axe_source, screenshots, js, tmp_path
):
    page = make_page()
    _log_in(page, axe_source, "auditor@example.org")
    pot_id = server.ids["published"]
    page.goto(f"/pots/{pot_id}/results")
    check(page, axe_source, what="results for the auditor")
    # The fingerprint the council prints on "Check the results" (and its notices).
    page.goto(f"/check-the-results?pot={pot_id}")
    fingerprint = page.locator("p.pb-fingerprint code.pb-hash").inner_text().strip()
    page.goto(f"/pots/{pot_id}/results")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the audit package").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == f"pb-pot-{pot_id}-audit.zip"
    page.get_by_role("link", name="find out how to check it").click()
    check(page, axe_source, what="how to check")

    def verify(*extra):
        return subprocess.run(
            [str(BIN / "pb"), "verify", str(path), *extra],
            cwd=ROOT,
            env=server.env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    done = verify("--public-key", fingerprint)
    assert done.returncode == 0, done.stdout + done.stderr
    unconfirmed = verify()  # consistent, but nothing ties the key to the council
    assert unconfirmed.returncode == 3, unconfirmed.stdout + unconfirmed.stderr


def test_the_public_pages_fit_a_phone_and_pass_axe(make_page, server, axe_source, screenshots, js):
    page = make_page(width=360, height=740)
    ids = server.ids
    pages = {
        "pots": "/",
        "pot": f"/pots/{ids['approval']}",
        "proposals": f"/pots/{ids['approval']}/proposals",
        "results": f"/pots/{ids['published']}/results",
        "dashboard": "/goes-local",
        "how to check": "/check-the-results",
        "check a receipt": "/receipts/check",
        "log in": "/login",
        "register": "/register",
        "forgot password": "/password/forgot",
    }
    for name, url in pages.items():
        page.goto(url)
        check(page, axe_source, what=name)
        fits(page, 360)
        controls = "main button, main input:not([type=hidden]), main select, main a.govuk-button"
        if page.locator(controls).count():
            tap_targets(page, controls)
        if name in ("results", "dashboard"):
            shot(page, screenshots, f"{name}-{js}-360")
    page.goto(f"/pots/{ids['approval']}/proposals")
    page.locator("main a[href^='/proposals/']").first.click()
    check(page, axe_source, what="proposal")
    fits(page, 360)


def test_axe_does_report_a_real_problem(make_page, server, axe_source):
    """The accessibility checks above can fail: a text box without a label is caught."""
    page = make_page()
    page.goto("/")
    page.evaluate(
        """() => { const box = document.createElement('input'); box.type = 'text';
                   document.querySelector('main').appendChild(box); }"""
    )
    violations = axe(page, axe_source)
    assert [v for v in violations if v[0] == "label" and v[1] == "critical"], violations


def test_the_panel_pages_fit_a_phone_and_pass_axe(make_page, server, axe_source, screenshots, js):
    """Panel, officer and admin pages at 360 px: no sideways scrolling, 44 px buttons, no axe
    problem. Read-only visits: nothing here changes the seeded pots."""
    page = make_page(width=360, height=740)
    _log_in(page, axe_source, "admin@example.org")
    ids = server.ids
    review = ids[f"review-{js}"]  # the panel journey may already have moved it on
    page.goto(f"/panel/pots/{review}")
    public = page.locator("main a[href^='/proposals/']").first.get_attribute("href")
    proposal = "/panel" + public + "/review"
    pages = {
        "panel": "/panel/",
        "panel pot": f"/panel/pots/{review}",
        "review a proposal": proposal,
        "pot set-up": f"/panel/pots/{review}/settings",
        "new pot": "/panel/pots/new",
        "panel pot in voting": f"/panel/pots/{ids['approval']}",
        "paper voting": f"/panel/pots/{ids['approval']}/paper/",
        "tally": f"/panel/pots/{ids['published']}/tally",
        "audit log": f"/panel/pots/{ids['published']}/audit",
        "delivery": f"/panel/pots/{ids['published']}/delivery",
        "roles": "/panel/roles/",
        "postcodes": "/panel/postcodes/",
        "voter roll": f"/panel/pots/{review}/roll",
        "access codes": f"/panel/pots/{review}/codes",
        "void a code": f"/panel/pots/{review}/codes/void",
        "your account": "/account",
        "not eligible to vote": f"/pots/{ids['ideas']}/ballot",
        "paper batch": f"/panel/pots/{ids['published']}/paper/batches/1",
    }
    for name, url in pages.items():
        page.goto(url)
        check(page, axe_source, what=name)
        fits(page, 360)
        controls = "main button, main input:not([type=hidden]), main select, main a.govuk-button"
        if page.locator(controls).count():
            tap_targets(page, controls)
        shot(page, screenshots, f"panel-{name}-{js}-360")

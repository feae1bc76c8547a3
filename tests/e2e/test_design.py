"""Every public page on the design system, at a phone's 360 px and a desktop's 1280 px:
screenshots of each (in a temporary folder), axe-clean, no sideways scrolling, no table cell
narrower than its longest word, and the Wieliczka results page short enough to read."""

import pytest

from tests.e2e.pages import check, fits, height, narrow_cells, open_details, shot, tap_targets

WIDTHS = (360, 1280)
WIELICZKA_MAX_HEIGHT = 6_000  # px at 1280 wide (it was 15,500 before the summary came first)


def _public_pages(ids: dict) -> dict[str, str]:
    pages = {
        "home": "/",
        "search": "/search?q=park",
        "where the money goes": "/goes-local",
        "check the results": "/check-the-results",
        "check a receipt": "/receipts/check",
        "log in": "/login",
        "register": "/register",
        "forgot password": "/password/forgot",
    }
    for key in ("approval", "ideas", "published", "real"):
        pages[f"pot {key}"] = f"/pots/{ids[key]}"
        pages[f"proposals {key}"] = f"/pots/{ids[key]}/proposals"
        pages[f"delivery {key}"] = f"/pots/{ids[key]}/delivery"
    pages["results published"] = f"/pots/{ids['published']}/results"
    pages["results real"] = f"/pots/{ids['real']}/results"
    pages["results not yet"] = f"/pots/{ids['approval']}/results"
    pages["check the results of a pot"] = f"/check-the-results?pot={ids['published']}"
    return pages


@pytest.mark.parametrize("js", ["js"])
@pytest.mark.parametrize("width", WIDTHS)
def test_every_public_page_at_phone_and_desktop_width(
    make_page, server, axe_source, screenshots, width
):
    page = make_page(width=width, height=800)
    for name, path in _public_pages(server.ids).items():
        response = page.goto(path)
        assert response.status == 200, (name, path, response.status)
        # The council's own identity, never GOV.UK's: no crown, no GOV.UK name.
        assert page.locator(".govuk-header__logotype").count() == 0, name
        assert "GOV.UK" not in page.locator("header").inner_text(), name
        if width == 360:
            check(page, axe_source, what=name)
            fits(page, 360)
            tap_targets(page, "main .govuk-button, .govuk-service-navigation__link")
            open_details(page)
            assert narrow_cells(page) == [], (name, narrow_cells(page))
        shot(page, screenshots, f"{name}-{width}")


@pytest.mark.parametrize("js", ["js"])
@pytest.mark.parametrize("language", ["cy", "pl"])
def test_every_public_page_fits_a_phone_in_welsh_and_polish(
    make_page, server, axe_source, language
):
    """Welsh and Polish words run longer than English: the same pages still fit 360 px."""
    page = make_page(width=360, height=800)
    for name, path in _public_pages(server.ids).items():
        response = page.goto(path + ("&" if "?" in path else "?") + f"lang={language}")
        assert response.status == 200, (name, path, response.status)
        assert page.locator("html").get_attribute("lang").startswith(language), name
        check(page, axe_source, what=f"{name} ({language})")
        fits(page, 360)
        tap_targets(page, "main .govuk-button, .govuk-service-navigation__link")
        open_details(page)
        assert narrow_cells(page) == [], (name, language, narrow_cells(page))


@pytest.mark.parametrize("js", ["js"])
def test_the_wieliczka_results_lead_with_a_summary_and_stay_short(make_page, server):
    page = make_page(width=1280, height=900)
    page.goto(f"/pots/{server.ids['real']}/results")
    tall = height(page)
    assert tall < WIELICZKA_MAX_HEIGHT, tall
    main = page.locator("main")
    # The summary (funded, money, turnout) and the chart come before the full table.
    headings = main.locator("h2").all_inner_texts()
    assert headings[:2] == ["Funded projects", "Votes and cost"], headings
    details = main.locator("details", has_text="Every project")
    assert details.count() == 1 and details.get_attribute("open") is None
    assert main.locator("svg[role=img]").count() == 1


@pytest.mark.parametrize("js", ["js"])
def test_the_favicon_is_served(make_page, server):
    page = make_page()
    response = page.goto("/favicon.ico")
    assert response.status == 200 and response.headers["content-type"] == "image/png"

"""Maps in the browser: every map page passes axe with JavaScript on and off. Without it the
server-drawn SVG and the list beside it carry everything; with it Leaflet (served by the app,
no tile server configured) draws the wards as the base map, its markers take the keyboard, and
a click on the picker fills a form's latitude and longitude."""

import re

from tests.e2e.pages import check, fits, shot
from tests.e2e.test_panel import _log_in

PHONE = 360


def _map_pages(ids) -> dict[str, str]:
    return {
        "proposals map": f"/pots/{ids['approval']}/map",
        "funded map": f"/pots/{ids['published']}/funded/map",
        "wards map": "/goes-local/map",
        "community assets": "/assets",
        "community asset": "/assets/1",
    }


def test_every_map_page_passes_axe_and_fits_a_phone(make_page, server, axe_source, screenshots, js):
    page = make_page(width=PHONE, height=740)
    for name, url in _map_pages(server.ids).items():
        page.goto(url)
        check(page, axe_source, what=name)
        fits(page, PHONE)
        if "map" in name:
            shot(page, screenshots, f"{name}-{js}-{PHONE}")
        svg = page.locator("svg.map-svg")
        if name == "community asset":
            continue
        if js == "nojs":
            assert svg.is_visible(), name
            assert page.locator(".map-leaflet").count() == 0
        else:
            page.locator(".map-leaflet.leaflet-container path").first.wait_for()
            assert not svg.is_visible(), name  # Leaflet draws the same map instead
            assert page.locator(
                ".map-leaflet path.leaflet-interactive, .map-leaflet svg path"
            ).count()


def test_markers_match_the_list_and_take_the_keyboard(make_page, server, axe_source, js):
    page = make_page()
    page.goto(f"/pots/{server.ids['published']}/funded/map")
    listed = page.locator("ol.map-list li")
    assert listed.count() == 2  # the two funded projects with a place (Benches, Books)
    first = listed.first.locator("a").inner_text()
    if js == "nojs":
        numbers = page.locator("svg.map-svg g.map-marker text").all_text_contents()
        assert numbers == ["1", "2"]
        return
    pins = page.locator(".map-pin")
    pins.first.wait_for()
    assert pins.count() == 2
    assert pins.first.get_attribute("aria-label") == f"1. {first}"
    pins.first.focus()
    assert page.evaluate("document.activeElement.classList.contains('map-pin')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/proposals/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == first


def test_the_forms_with_a_place_pass_axe_and_the_picker_fills_the_fields(
    make_page, server, axe_source, js
):
    page = make_page()
    _log_in(page, axe_source, "resident@example.org")
    for name, url in {
        "proposal form": f"/pots/{server.ids['ideas']}/proposals/new",
        "asset form": "/assets/new",
    }.items():
        page.goto(url)
        check(page, axe_source, what=name)
        if js == "js":
            box = page.locator("fieldset[data-place-picker] .map-leaflet")
            box.wait_for()
            check(page, axe_source, what=f"{name} with its picker")
            box.click()
            assert re.fullmatch(
                r"-?\d+\.\d{6}", page.get_by_label("Latitude", exact=False).first.input_value()
            )
    # Without JavaScript the fields are typed; a place outside the pot's ward says so.
    page.goto(f"/pots/{server.ids['ideas']}/proposals/new")
    page.get_by_label("Project title").fill("A bench by the river")
    page.get_by_label("Summary").fill("A bench by the river for everyone.")
    page.get_by_label("Description").fill("A sturdy bench by the river, near the bridge.")
    page.get_by_label(re.compile("Estimated cost")).fill("400")
    page.get_by_label("Category").select_option("community")
    page.get_by_label("Latitude (optional)").fill("52.052")
    page.get_by_label("Longitude (optional)").fill("-1.045")  # in Riverside
    page.get_by_role("button", name="Submit proposal").click()
    assert (
        "That place is in Riverside, not Hillcrest" in page.locator(".error-summary").inner_text()
    )
    check(page, axe_source, what="proposal form with a place error")


def test_the_panel_reviews_a_community_asset(make_page, server, axe_source, js):
    page = make_page()
    _log_in(page, axe_source, "panel@example.org")
    page.goto("/panel/assets")
    check(page, axe_source, what="assets waiting")
    page.locator("main ul a").first.click()
    check(page, axe_source, what="asset review")
    page.get_by_role("button", name="Save the decision").click()
    assert "Choose to approve or reject" in page.locator(".error-summary").inner_text()
    check(page, axe_source, what="asset review with an error")

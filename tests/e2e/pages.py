"""Checks every end-to-end page gets: structure, axe-core, width, and screenshots."""

import re

SERIOUS = {"serious", "critical"}
SITE = " \N{EN DASH} "  # then the council's name: see base.html


def check(page, axe_source: str, *, what: str) -> None:
    """The page has a language, a title naming it, landmarks, one h1, no serious axe issue."""
    page.wait_for_load_state()  # after a click the next page may still be arriving
    assert page.locator("html").get_attribute("lang"), what
    title = page.title()
    h1 = page.locator("h1")
    assert h1.count() == 1, (what, page.url, h1.all_inner_texts())
    page_name, _, council = title.rpartition(SITE)
    assert page_name.strip() and council.strip(), (what, title)
    for landmark in ("main", "header", "nav", "footer"):
        assert page.locator(landmark).count() >= 1, (what, landmark)
    violations = axe(page, axe_source)
    assert not violations, (what, page.url, violations)


def axe(page, axe_source: str) -> list:
    """Serious and critical axe-core violations (WCAG 2.0/2.1 A and AA) on the page."""
    target = page
    helper = getattr(page, "axe_helper", None)
    if helper is not None:
        # With JavaScript off, axe's promises never settle: check the same HTML, styled by
        # the same CSS, in a page that runs scripts (document.write keeps the page's URL).
        origin = re.match(r"https?://[^/]+", page.url).group(0)
        helper.goto(origin + "/check-the-results")
        helper.set_content(page.content())
        target = helper
    # evaluate() runs outside the page's CSP, which forbids inline scripts.
    target.evaluate(axe_source)
    result = target.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
    )
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def fits(page, width: int = 360) -> None:
    """No horizontal scrolling at this width."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (page.url, scroll)


def tap_targets(page, selector: str, minimum: int = 44) -> None:
    """Every visible element matching `selector` is at least `minimum` px tall."""
    items = page.locator(selector)
    assert items.count(), selector
    for i in range(items.count()):
        item = items.nth(i)
        if not item.is_visible():
            continue
        box = item.bounding_box()
        assert box["height"] >= minimum, (page.url, selector, i, box)


def shot(page, folder, name: str) -> None:
    page.screenshot(path=str(folder / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"))


# Point 2's measure: no table cell narrower than its longest word (so no word or number is
# split), measured with the cell's own font. Cells inside closed details are not drawn; open
# them first to measure those too.
_NARROW_CELLS = """() => {
  const ctx = document.createElement('canvas').getContext('2d');
  const narrow = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    if (!cell.offsetParent) continue;
    // Visually hidden (a stacked table's header row is kept for screen readers only).
    if (cell.closest('thead') && cell.closest('thead').getBoundingClientRect().width <= 1) continue;
    const st = getComputedStyle(cell);
    ctx.font = `bold ${st.fontSize} ${st.fontFamily}`;  // bold: the widest a word is drawn
    const words = cell.innerText.split(/\\s+/).filter(Boolean);
    const longest = Math.max(0, ...words.map(w => ctx.measureText(w).width));
    const room = cell.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
    if (longest > room + 1) narrow.push([cell.innerText.slice(0, 40), Math.round(longest), room]);
  }
  return narrow;
}"""


def open_details(page) -> None:
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")


def narrow_cells(page) -> list:
    return page.evaluate(_NARROW_CELLS)


def height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")

"""In Welsh and Polish, end to end: a resident registers, votes and checks a receipt entirely in
Welsh; a panel member opens and publishes a pot in Polish; a right-to-left catalog added from
outside the code turns the site around. Every page: its language, axe-clean, no English left."""

import email
import re
from email import policy

import pytest
from playwright.sync_api import expect

from pb import catalogs
from tests.e2e.conftest import serve
from tests.e2e.pages import axe, fits
from tests.e2e.seed import PROJECTS

PHONE = 360
PASSWORD = "hir ddigon o gyfrinair 42"
DEMO_PASSWORD = "demo-password"


def _english_phrases(locale: str) -> list[str]:
    """Messages of the catalogs whose English would show if a page were not translated: whole
    sentences without placeholders, that the language translates differently."""
    english = catalogs.read(catalogs.FOLDER / "en_GB" / "LC_MESSAGES" / "messages.po")
    other = catalogs.read(catalogs.FOLDER / locale / "LC_MESSAGES" / "messages.po")
    phrases = []
    for message in english:
        if not message.id or message.pluralizable or "%" in message.id:
            continue
        if len(message.id.split()) < 3:
            continue
        translated = other.get(message.id)
        if translated is not None and translated.string and translated.string != message.id:
            phrases.append(message.id)
    return phrases


@pytest.fixture(scope="module")
def phrases():
    return {code: _english_phrases(code) for code in ("cy", "pl")}


def _english_pieces(locale: str) -> re.Pattern:
    """Every piece of English the catalogs hold, short ones too: each message's words between
    its placeholders and markup ("Tasks", "of whom must meet"), less those the language's own
    catalog also uses ("online", "CSV"). `phrases` sees whole sentences only; these show a
    label or part of a sentence left in English."""
    english = catalogs.read(catalogs.FOLDER / "en_GB" / "LC_MESSAGES" / "messages.po")
    other = catalogs.read(catalogs.FOLDER / locale / "LC_MESSAGES" / "messages.po")
    own = "\n".join(
        text
        for message in other
        if message.id
        for text in (message.string if message.pluralizable else (message.string,))
        if text
    )
    pieces = set()
    for message in english:
        if not message.id:
            continue
        for text in message.id if message.pluralizable else (message.id,):
            for piece in re.split(r"%\(\w+\)[sd]|<[^>]+>", text):
                piece = piece.strip(" .,:;()·\u2013-…?!“”\"'")
                if len(piece) < 4 or not re.search(r"[A-Za-z]{3}", piece):
                    continue
                if not re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", own):
                    pieces.add(piece)
    alternatives = sorted(pieces, key=len, reverse=True)
    return re.compile("|".join(rf"(?<!\w){re.escape(piece)}(?!\w)" for piece in alternatives))


def _no_english_piece(page, pieces: re.Pattern, content: list[str], what: str) -> None:
    """No English piece in the page's main text, once the content people wrote in English
    (the pot's name, the proposals' titles: not translated yet) is taken out."""
    text = page.locator("main").inner_text()
    for written in sorted(content, key=len, reverse=True):
        text = text.replace(written, " ")
    left = sorted({match.group(0) for match in pieces.finditer(text)})
    assert not left, (what, page.url, left[:10])


def _in(page, axe_source, phrases, code: str, what: str, width: int | None = None) -> None:
    """The page is in `code`: <html lang>, no English message visible, axe-clean, one h1."""
    tag = code.replace("_", "-")
    page.wait_for_load_state()  # after a click the next page may still be arriving
    assert page.locator("html").get_attribute("lang") == tag, (what, page.url)
    text = page.locator("body").inner_text()
    left = [p for p in phrases[code] if p in text]
    assert not left, (what, page.url, left[:5])
    assert page.locator("h1").count() == 1, (what, page.url)
    violations = axe(page, axe_source)
    assert not violations, (what, page.url, violations)
    if width:
        fits(page, width)


# Words that are English and not Welsh: one of them in a Welsh page's main text, outside an
# element marked with another language (a fallback is marked lang="en-GB"), is English left
# over, including text no catalog knows of (a string nobody marked for translation).
ENGLISH_WORDS = {
    "the", "you", "your", "and", "with", "this", "that", "not", "vote", "voted", "voting",
    "ballot", "choices", "choice", "receipt", "project", "projects", "pot", "check", "cast",
    "change", "recorded", "spend", "more", "about", "thank", "continue", "back", "code",
}  # fmt: skip


def _no_unmarked_english(page, what: str) -> None:
    text = page.evaluate(
        """() => {
            const main = document.querySelector('main').cloneNode(true);
            const other = '[lang]:not([lang|="cy"]), code, script';
            main.querySelectorAll(other).forEach(e => e.remove());
            return main.textContent;
        }"""
    )
    words = set(re.findall(r"[a-z]+", text.lower()))
    assert not words & ENGLISH_WORDS, (what, page.url, sorted(words & ENGLISH_WORDS), text)


def _mail_to(server, address: str):
    for path in sorted(server.outbox.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            return message
    raise AssertionError(f"no mail to {address}")


def _submit(page, action: str | None = None):
    """Press the form's own button, whatever its words (they are being translated)."""
    form = f'main form[action$="{action}"]' if action else "main form"
    page.locator(f"{form} button[type=submit]").last.click()


def test_a_resident_registers_votes_and_checks_a_receipt_in_welsh(
    make_page, server, axe_source, phrases, js
):
    page = make_page(width=PHONE, height=740)
    address = f"cymraeg-{js}@example.org"
    page.goto("/")
    # The language link works without JavaScript: a plain link, remembered in the session.
    page.locator('.pb-language-switch a[hreflang="cy"]').click()
    _in(page, axe_source, phrases, "cy", "home", PHONE)

    page.goto("/register")
    _in(page, axe_source, phrases, "cy", "register", PHONE)
    _submit(page)
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert "Rhowch eich cyfeiriad e-bost." in page.locator(".govuk-error-summary").inner_text()
    _in(page, axe_source, phrases, "cy", "register with errors", PHONE)
    page.get_by_label("Cyfeiriad e-bost").fill(address)
    page.get_by_label("Eich enw").fill(f"Gwen {js}")
    page.get_by_label("Cod post eich cartref").fill("RV2 4DE")
    page.get_by_label("Dyddiad geni").fill("1990-04-02")
    page.get_by_label("Cyfrinair", exact=True).fill(PASSWORD)
    page.get_by_label("Cyfrinair eto").fill(PASSWORD)
    _submit(page)
    _in(page, axe_source, phrases, "cy", "check your e-mail", PHONE)

    # The confirmation mail is in Welsh too.
    mail = _mail_to(server, address)
    assert mail["Subject"] == "Cadarnhewch eich cyfeiriad e-bost"
    assert mail["Content-Language"] == "cy"
    body = mail.get_content()
    assert f"Helo Gwen {js}," in body
    page.goto(re.search(r"https?://[^/\s]+(/confirm/\S+)", body).group(1))
    _in(page, axe_source, phrases, "cy", "confirmed", PHONE)
    if page.locator('form[action$="/logout"]').count() == 0:
        page.goto("/login")
        _in(page, axe_source, phrases, "cy", "log in", PHONE)
        page.get_by_label("Cyfeiriad e-bost").fill(address)
        page.get_by_label("Cyfrinair").fill(PASSWORD)
        _submit(page)
    expect(page.locator('form[action$="/logout"]')).to_have_count(1)

    pot = server.ids["welsh"]
    page.goto(f"/pots/{pot}")
    _in(page, axe_source, phrases, "cy", "pot", PHONE)
    _no_unmarked_english(page, "pot")
    assert page.get_by_role("heading", level=1).inner_text() == "Cronfa Gymraeg Hillcrest"
    page.goto(f"/pots/{pot}/ballot")
    _in(page, axe_source, phrases, "cy", "ballot", PHONE)
    _no_unmarked_english(page, "ballot")
    assert "Meinciau wrth y pwll" in page.locator("main").inner_text()
    assert "Benches by the pond" not in page.locator("main").inner_text()
    assert "Ticiwch rhwng 1 a 2 prosiect." in page.locator("main").inner_text()
    page.locator("main input[type=checkbox]").first.check()
    _submit(page, f"/pots/{pot}/ballot")
    _in(page, axe_source, phrases, "cy", "review", PHONE)
    _no_unmarked_english(page, "review")
    _submit(page, f"/pots/{pot}/ballot/cast")
    _in(page, axe_source, phrases, "cy", "receipt", PHONE)
    _no_unmarked_english(page, "receipt")
    receipt = page.locator(".pb-receipt code").inner_text()

    page.goto("/receipts/check")
    _in(page, axe_source, phrases, "cy", "check a receipt", PHONE)
    _no_unmarked_english(page, "check a receipt")
    page.get_by_label("Cod y dderbynneb").fill(receipt)
    _submit(page)
    _in(page, axe_source, phrases, "cy", "receipt checked", PHONE)
    _no_unmarked_english(page, "receipt checked")
    assert "Cronfa Gymraeg Hillcrest" in page.locator("main").inner_text()


def test_a_panel_member_opens_and_publishes_a_pot_in_polish(
    make_page, server, axe_source, phrases, js
):
    page = make_page()
    pot = server.ids[f"polish-{js}"]
    # Written in English by the council, with no Polish version yet: not the interface.
    content = [f"Hillcrest Polish fund {js}"] + [title for title, _cost, _place in PROJECTS]
    pieces = _english_pieces("pl")

    def on_panel_page(what: str) -> None:
        _in(page, axe_source, phrases, "pl", what)
        _no_english_piece(page, pieces, content, what)

    page.goto("/login")
    page.locator('.pb-language-switch a[hreflang="pl"]').click()
    _in(page, axe_source, phrases, "pl", "log in")
    try:
        page.get_by_label("Adres e-mail").fill("panel@example.org")
        page.get_by_label("Hasło").fill(DEMO_PASSWORD)
        _submit(page)
        page.goto("/panel/")
        _in(page, axe_source, phrases, "pl", "your pots")  # the demo's pots, named in English
        page.goto(f"/panel/pots/{pot}")
        on_panel_page("panel pot")
        assert "Zadania" in page.locator("main").inner_text()  # "Tasks"
        page.get_by_role("button", name="Otwórz głosowanie").click()
        on_panel_page("voting open")
        assert "Głosowanie otwarte" in page.locator("main").inner_text()
        page.goto(f"/panel/pots/{pot}/paper/")
        on_panel_page("paper voting")
        page.goto(f"/panel/pots/{pot}")
        page.get_by_role("button", name="Zamknij głosowanie").click()
        on_panel_page("voting closed")
        page.get_by_label("Klucz kart do głosowania").fill(
            "\n".join(server.ids[f"polish-key-{js}"])
        )
        _submit(page, f"/panel/pots/{pot}/open-envelopes")
        on_panel_page("envelopes open")
        _submit(page, f"/panel/pots/{pot}/tally")
        _in(page, axe_source, phrases, "pl", "tally preview")
        page.get_by_label("Powód").fill("Zatwierdzone na posiedzeniu panelu.")
        page.get_by_label("Rozumiem, że tego nie można cofnąć").check()
        _submit(page, f"/panel/pots/{pot}/publish")
        _in(page, axe_source, phrases, "pl", "published")
        assert "Opublikowano wersję 1 wyników." in page.locator("main").inner_text()
        page.goto(f"/pots/{pot}/results")
        _in(page, axe_source, phrases, "pl", "results")
        assert page.get_by_role("heading", level=1).inner_text().count("Pula Hillcrest") <= 1
        # The audit log: its events in words; their details' names come from the payloads.
        page.goto(f"/panel/pots/{pot}/audit")
        _in(page, axe_source, phrases, "pl", "audit log")
        assert "Otwarto koperty" in page.locator("main").inner_text()

    finally:
        # The choice is kept on the panel's account, which the other journeys share.
        page.goto("/language/en_GB")


AR_CATALOG = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Language: ar\\n"
"Plural-Forms: nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
"n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);\\n"

msgid "E-mail address"
msgstr "البريد الإلكتروني"

msgid "Password"
msgstr "كلمة المرور"

msgid "Language"
msgstr "اللغة"
"""


@pytest.fixture(scope="module")
def rtl_server(tmp_path_factory):
    """A server with one more catalog, Arabic, from a folder outside the code."""
    extra = tmp_path_factory.mktemp("catalogs")
    folder = extra / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(AR_CATALOG)
    catalogs.compile_all(extra)
    catalogs.compile_all()
    with serve(tmp_path_factory.mktemp("rtl"), seed=False, PB_TRANSLATIONS=str(extra)) as s:
        yield s


def test_a_right_to_left_catalog_turns_the_layout_around(browser, rtl_server, axe_source):
    context = browser.new_context(
        base_url=rtl_server.url, viewport={"width": PHONE, "height": 740}, locale="ar"
    )
    try:
        page = context.new_page()
        page.goto("/login")
        html = page.locator("html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
        assert page.get_by_label("البريد الإلكتروني").is_visible()
        fits(page, PHONE)  # no horizontal scrolling at 360 px
        assert not axe(page, axe_source)
        # Mirrored: the heading's text and the form's labels start at the right-hand edge.
        edges = page.evaluate(
            """() => {
                const box = document.querySelector('main');
                const style = getComputedStyle(box);
                const outer = box.getBoundingClientRect();
                const main = {left: outer.left + parseFloat(style.paddingLeft),
                              right: outer.right - parseFloat(style.paddingRight)};
                const h1 = document.querySelector('main h1');
                const range = document.createRange();
                range.selectNodeContents(h1);
                const text = range.getBoundingClientRect();
                const label = document.querySelector('main label').getBoundingClientRect();
                return {mainLeft: main.left, mainRight: main.right, textLeft: text.left,
                        textRight: text.right, labelLeft: label.left, labelRight: label.right};
            }"""
        )
        assert abs(edges["mainRight"] - edges["textRight"]) < 4, edges
        assert edges["textLeft"] - edges["mainLeft"] > 40, edges
        assert abs(edges["mainRight"] - edges["labelRight"]) < 24, edges
        # The same page in English reads left to right, from the other edge.
        page.goto("/login?lang=en_GB")
        assert page.locator("html").get_attribute("dir") == "ltr"
        fits(page, PHONE)
    finally:
        context.close()

"""Every page pb serves, walked in Welsh and in Polish as each kind of visitor: no English word
left in its main text (issue 17). The browser journeys read the pages a resident and a panel
pass through; this walk reaches the rest (admin, officer, error and empty pages) and also
catches a string nobody marked, which no catalog knows of."""

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from pb.assets.models import CommunityAsset
from pb.conversation.models import Comment
from pb.councils.models import Council, Ward
from pb.extensions import db
from pb.meetings.models import Meeting
from pb.pots.models import Pot
from pb.proposals.models import DeliveryUpdate, Proposal
from pb.results.services import publish, run_tally
from tests.factories import make_pot, make_proposal, make_user
from tests.results.published import cast
from tests.test_no_500 import JUNK, _paths

# English words that are neither Welsh nor Polish: one of them outside an element marked with
# another language (a fallback is marked lang="en-GB") is English left over.
ENGLISH = {
    "the", "you", "your", "and", "with", "this", "that", "not", "vote", "voted", "voting",
    "ballot", "choices", "choice", "receipt", "project", "projects", "pot", "pots", "check",
    "cast", "change", "recorded", "spend", "more", "about", "thank", "continue", "back",
    "code", "codes", "page", "found", "sign", "save", "delete", "remove", "show",
    "from", "have", "has", "will", "been", "there", "what", "which", "who", "when", "where",
    "proposal", "proposals", "results", "wards", "budget", "funded", "residents", "search",
    "help", "account", "password", "email", "name", "date", "until",
}  # fmt: skip

# Whole words in any alphabet ("hasło" is not "has"); ward_code is one name, not two words.
_WORD = re.compile(r"[^\W\d_]+(?:_[^\W\d_]+)*")
_SKIPPED = {"script", "style", "code", "pre", "textarea", "kbd", "samp"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip


class _MainText(HTMLParser):
    """The text of <main>, less what is marked as another language or as code."""

    def __init__(self, locale: str) -> None:
        super().__init__()
        self.locale = locale
        self.stack: list[bool] = []  # per open element: is its text left out?
        self.in_main = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        attributes = dict(attrs)
        lang = attributes.get("lang")
        skip = tag in _SKIPPED or (lang is not None and not lang.startswith(self.locale))
        self.stack.append(skip or (bool(self.stack) and self.stack[-1]))
        if tag == "main":
            self.in_main += 1

    def handle_endtag(self, tag):
        if tag in _VOID or not self.stack:
            return
        self.stack.pop()
        if tag == "main":
            self.in_main -= 1

    def handle_data(self, data):
        if self.in_main and not (self.stack and self.stack[-1]):
            self.text.append(data)


def _main_text(page: str, locale: str) -> str:
    parser = _MainText(locale)
    parser.feed(page)
    return " ".join(parser.text)


def _written_by_people() -> list[str]:
    """What councils, panels and residents wrote in English (names, titles, comments): content,
    not the interface, and shown as written until someone translates it."""
    columns = [
        (Council.name,), (Ward.name,), (Pot.name, Pot.description),
        (Proposal.title, Proposal.summary, Proposal.description, Proposal.category),
        (Proposal.review_note, Proposal.delivery_note), (DeliveryUpdate.text,), (Comment.body,),
        (Meeting.place, Meeting.address, Meeting.accessibility),
        (CommunityAsset.name, CommunityAsset.offers, CommunityAsset.address),
    ]  # fmt: skip
    written = set()
    for group in columns:
        for row in db.session.execute(select(*group)):
            written.update(value for value in row if value)
    return sorted(written, key=len, reverse=True)


def _english_left(response, locale: str, written: list[str]) -> list[str]:
    text = _main_text(response.text, locale)
    for content in written:
        text = text.replace(content, " ")
    return sorted(set(_WORD.findall(text.lower())) & ENGLISH)


@pytest.mark.parametrize("locale", ["cy", "pl"])
@pytest.mark.parametrize("who", ["anonymous", "resident", "admin"])
def test_no_page_shows_english_in_welsh_or_polish(app, client, login, world, who, locale):
    if who != "anonymous":
        login(make_user(roles=[("admin", None)] if who == "admin" else []))
    paths = list(_paths(app, world, world.on_ballot[0].id))  # makes the rows the ids name
    written = _written_by_people()
    read, left = 0, {}
    for path, methods in paths:
        if "GET" not in methods or path.startswith("/api/"):
            continue
        response = client.get(path, headers={"Accept-Language": locale})
        if response.content_type.startswith("text/html"):
            read += 1
            if words := _english_left(response, locale, written):
                left[path] = words
    assert read >= 40, read
    assert not left, left


@pytest.mark.parametrize("locale", ["cy", "pl"])
def test_no_form_error_shows_english_in_welsh_or_polish(app, client, login, world, locale):
    """Every form sent back with its errors (nothing filled in, or junk), every refusal and the
    page a redirect leads to with its flashed message reads in the language, the messages
    WTForms and Werkzeug write themselves included."""
    login(make_user(roles=[("admin", None)]))
    paths = list(_paths(app, world, world.on_ballot[0].id))
    written = _written_by_people()
    read, left = 0, {}
    for path, methods in paths:
        if "POST" not in methods or path == "/logout" or path.startswith("/api/"):
            continue
        for number, data in enumerate(JUNK):
            response = client.post(path, data=data, headers={"Accept-Language": locale})
            if response.status_code // 100 == 3:  # the page it leads to, with its flash
                response = client.get(response.location, headers={"Accept-Language": locale})
            if not response.content_type.startswith("text/html"):
                continue
            read += 1
            if words := _english_left(response, locale, written):
                left[(path, number)] = words
    assert read >= 100, read
    assert not left, left


COSTS = {"Garden": 60_001, "Benches": 30_000, "Crossing": 50_000, "Dog bins": 20_000}
BALLOTS = [["Garden", "Benches"]] * 5 + [["Crossing"]] * 3 + [["Dog bins"]] * 2


def _pot_in(world, phase: str, rule: str):
    """A pot of the north ward in `phase` with four proposals; a published one is counted."""
    admin = make_user(roles=[("admin", None)])
    settings = {"supports_rule": "top", "supports_number": 2} if phase == "supports" else {}
    made = "closed" if phase == "published" else phase
    pot = make_pot(world.council, world.north, phase=made, rule=rule, **settings)
    status = "submitted" if phase in ("draft", "proposals", "supports", "review") else "on_ballot"
    proposals = {t: make_proposal(pot, cost=c, title=t, status=status) for t, c in COSTS.items()}
    if phase == "published":
        pot.commit_to_seed()
        cast(pot, proposals, BALLOTS)
        run_tally(pot, admin, what_if=True)
        publish(pot, admin)
    db.session.commit()
    return pot, admin


@pytest.mark.parametrize(
    ("phase", "rule"),
    [
        ("draft", "greedy"),
        ("proposals", "greedy"),
        ("supports", "greedy"),
        ("review", "greedy"),
        ("voting", "equalshares"),
        ("closed", "greedy"),
        ("published", "greedy"),
        ("published", "equalshares/add1-comparison"),
    ],
)
@pytest.mark.parametrize("locale", ["cy", "pl"])
def test_a_pot_s_pages_show_no_english_in_each_phase(
    app, client, login, world, phase, rule, locale
):
    """Every page of a pot, as the admin, in each phase of its life: the stepper, the panel's
    next step, and once published the results with each decision explained, the comparison
    with greedy, delivery and the audit package's page (the walk above sees two phases)."""
    pot, admin = _pot_in(world, phase, rule)
    login(admin)
    written = _written_by_people()
    read, left = 0, {}
    for url_rule in app.url_map.iter_rules():
        if "GET" not in (url_rule.methods or ()) or url_rule.rule.startswith("/api/"):
            continue
        path = url_rule.rule.replace("<int:pot_id>", str(pot.id))
        if url_rule.rule == path or "<" in path:
            continue  # not a pot's page, or it needs another id (the walk above has those)
        response = client.get(path, headers={"Accept-Language": locale})
        response.close()  # a download's file is streamed: let it go
        if response.content_type.startswith("text/html"):
            read += 1
            if words := _english_left(response, locale, written):
                left[path] = words
    assert read >= 10, read
    assert not left, left

"""Text people type is shown escaped on every page, never as markup."""

import html
from datetime import date

import pytest

from pb.delivery.services import add_update
from pb.extensions import db
from tests.factories import make_proposal, make_user
from tests.results.published import published_pot
from tests.test_no_500 import _paths

FIELDS = [
    "display_name", "council", "ward", "pot_description", "pot_name", "title", "summary",
    "description", "review_note", "published_pot", "delivery_text",
]  # fmt: skip


def script(field: str) -> str:
    return f"<script>alert({field})</script>"


def escaped(field: str) -> str:
    return html.escape(script(field), quote=False)


@pytest.fixture
def scripted(world):
    """Every text field people fill in, holding a script tag."""
    author = make_user(display_name=script("display_name"))
    world.council.name = script("council")
    world.north.name = script("ward")
    world.voting_pot.description = script("pot_description")
    world.proposals_pot.name = script("pot_name")
    proposal = make_proposal(
        world.proposals_pot,
        status="submitted",
        proposer=author,
        title=script("title"),
        summary=script("summary"),
        description=script("description"),
        review_note=script("review_note"),
    )
    pot, proposals = published_pot(
        world.council,
        world.north,
        {"Funded": 10_000},
        online=[["Funded"]] * 3,
        name=script("published_pot"),
    )
    funded = proposals["Funded"]
    funded.proposer = author
    add_update(
        funded, make_user(roles=[("admin", None)]), status="in_progress", progress=10,
        text=script("delivery_text"), on=date.today(),
    )  # fmt: skip
    db.session.commit()
    return author, proposal, pot, funded


@pytest.mark.parametrize("who", ["anonymous", "proposer", "admin"])
def test_script_tags_are_shown_escaped_everywhere(app, client, login, world, scripted, who):
    author, proposal, pot, funded = scripted
    if who == "proposer":
        login(author)
    elif who == "admin":
        login(make_user(roles=[("admin", None)]))
    seen = set()
    paths = set()
    for pot_id in (world.voting_pot.id, world.proposals_pot.id, pot.id):
        for proposal_id in (proposal.id, funded.id):
            for path, methods in _paths(app, world, proposal_id):
                if "GET" in methods:
                    paths.add(path.replace(f"/{world.voting_pot.id}/", f"/{pot_id}/"))
    for path in sorted(paths):
        response = client.get(path)
        response.close()  # a file response (the audit package) holds its file open
        if not response.content_type.startswith("text/html"):
            response.close()  # a file served from disk (the audit package) stays open till then
            continue
        assert "<script>alert(" not in response.text, path
        seen |= {field for field in FIELDS if escaped(field) in response.text}
    # Each text was shown somewhere (escaped), so the check above means something.
    expected = set(FIELDS) - ({"review_note"} if who == "anonymous" else set())
    assert expected <= seen, expected - seen

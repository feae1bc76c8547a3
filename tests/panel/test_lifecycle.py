"""One pot driven through every phase, for each ballot method and each eligibility mode.

Everything goes through the HTTP routes people use: the admin sets the pot up, residents
propose, the panel reviews, residents vote online, officers take paper votes and enter a
batch twice (the first time with a mismatch), the panel tallies and publishes. The
published outcome must be what pb.tally says when run directly on the stored ballots.
"""

import re
from datetime import date

import pytest
from sqlalchemy import select

from pb import tally
from pb.electorate.models import VoterRollEntry
from pb.electorate.services import format_code, generate_batch
from pb.extensions import db
from pb.pots.models import Pot
from pb.proposals.models import Proposal
from pb.results.models import Result
from pb.voting.models import Ballot, Participation
from tests.factories import (
    BALLOT_KEY,
    PASSWORD,
    make_key_through,
    make_user,
    open_through,
    publish_through,
)

METHODS = {
    "approval": {"min_picks": "1", "max_picks": "3", "spending_cap": "900"},
    "ranked": {"min_picks": "1", "max_picks": "3"},
    "points": {"points_total": "5", "points_max": "3"},
}

PROPOSALS = [
    # title, cost in pounds
    ("Community orchard", "400"),
    ("Benches on the green", "250"),
    ("Youth club sessions", "600"),
    ("Orchard (duplicate)", "400"),
    ("Moon landing", "999"),
]


class Session:
    """A browser-like client for one person."""

    def __init__(self, app, user):
        self.client = app.test_client()
        self.user = user
        response = self.client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def post(self, path, expect=None, **data):
        response = self.client.post(path, data=data)
        if expect is not None:
            problem = re.search(r'<div class="govuk-error-summary".*?</div>', response.text, re.S)
            assert response.status_code == expect, (
                path,
                response.status_code,
                problem.group(0) if problem else response.text[:500],
            )
        return response


def _ballot_form(method, ids):
    """A resident's online ballot: (a) projects 0 and 1, or the equivalent."""
    first, second, _third = ids
    if method == "approval":
        return {"choices": [str(first), str(second)]}
    if method == "ranked":
        return {f"rank-{second}": "1", f"rank-{first}": "2"}
    return {f"points-{first}": "3", f"points-{second}": "2"}


def _paper_line(method, ids, variant=0):
    first, second, third = ids
    if method == "approval":
        return [f"{third}", f"{second}, {third}"][variant]  # 600; 300 + 600 within the cap
    if method == "ranked":
        return [f"{third}, {first}", f"{first}, {third}"][variant]
    return [f"{third}:3", f"{first}:1, {third}:2"][variant]


def _direct_tally(pot) -> tally.Outcome:
    """pb.tally run straight on the stored ballots, converted here independently."""
    on_ballot = db.session.scalars(
        select(Proposal).where(Proposal.pot_id == pot.id, Proposal.status == "on_ballot")
    ).all()
    rows = db.session.scalars(select(Ballot.choices).where(Ballot.pot_id == pot.id)).all()
    if pot.ballot_method == "approval":
        ballots, vote_type = [set(map(str, r)) for r in rows], "approval"
    elif pot.ballot_method == "ranked":
        ballots, vote_type = [list(map(str, r)) for r in rows], "ordinal"
    else:
        ballots, vote_type = [{str(k): v for k, v in r} for r in rows], "cumulative"
    election = tally.Election.from_ballots(
        {str(p.id): p.cost for p in on_ballot},
        pot.amount,
        ballots,
        vote_type,
        max_length=pot.max_picks if pot.ballot_method == "ranked" else None,
    )
    return tally.run(election, pot.rule, seed=pot.seed)


@pytest.mark.parametrize("mode", ["open", "roll", "codes"])
@pytest.mark.parametrize("method", ["approval", "ranked", "points"])
def test_a_pot_from_set_up_to_published_results(app, world, outbox, method, mode):
    _council, north = world.council, world.north
    admin = Session(app, make_user(roles=[("admin", None)]))
    panel = Session(app, make_user(roles=[("panel", north.id)]))
    officer_a = Session(app, make_user(roles=[("officer", None)]))
    officer_b = Session(app, make_user(roles=[("officer", None)]))
    proposer = Session(app, make_user(email="proposer@example.org"))

    # -- set-up (draft) -------------------------------------------------------------
    response = admin.post(
        "/panel/pots/new",
        expect=303,
        name=f"North {method} {mode}",
        description="A test pot.",
        ward_id=str(north.id),
        amount="1,000",
        year="2026",
        ballot_method=method,
        rule="equalshares",
        eligibility_mode=mode,
        min_age="16",
        voting_opens_on="2026-05-01",
        voting_closes_on="2026-05-31",
        **METHODS[method],
    )
    pot_id = int(re.search(r"/panel/pots/(\d+)", response.headers["Location"]).group(1))
    pot = db.session.get(Pot, pot_id)
    assert (pot.phase, pot.amount, pot.ballot_method, pot.eligibility_mode) == (
        "draft",
        100_000,
        method,
        mode,
    )
    phase = f"/panel/pots/{pot_id}/phase"

    # -- proposals --------------------------------------------------------------------
    panel.post(phase, expect=303, action="open_proposals")
    for title, pounds in PROPOSALS:
        proposer.post(
            f"/pots/{pot_id}/proposals/new",
            expect=303,
            title=title,
            summary="A proposal for the test pot.",
            description="A description long enough to pass the form's checks.",
            cost=pounds,
            category="community",
        )
    ids = {
        p.title: p.id for p in db.session.scalars(select(Proposal).where(Proposal.pot_id == pot_id))
    }

    # -- review -----------------------------------------------------------------------
    panel.post(phase, expect=303, action="start_review")
    review = "/panel/proposals/{}/{}"
    panel.post(review.format(ids["Community orchard"], "feasible"), expect=303, cost="400")
    panel.post(
        review.format(ids["Benches on the green"], "feasible"),
        expect=303,
        cost="300",
        note="Includes installation.",
    )
    panel.post(review.format(ids["Youth club sessions"], "feasible"), expect=303, cost="600")
    panel.post(
        review.format(ids["Orchard (duplicate)"], "merge"),
        expect=303,
        into=str(ids["Community orchard"]),
        confirm="y",  # a merge cannot be undone: the panel ticks to confirm it
    )
    panel.post(review.format(ids["Moon landing"], "not-feasible"), expect=422, note="")
    panel.post(
        review.format(ids["Moon landing"], "not-feasible"),
        expect=303,
        note="The council has no rockets.",
    )
    assert "no rockets" in outbox.last_to("proposer@example.org").body
    # Voting cannot open before anything is on the ballot.
    panel.post(phase, expect=409, action="open_voting")
    on_ballot = [ids["Community orchard"], ids["Benches on the green"], ids["Youth club sessions"]]
    for pid in on_ballot:
        panel.post(f"/panel/proposals/{pid}/ballot", expect=303, on_ballot="1")
    panel.post(f"/panel/proposals/{ids['Moon landing']}/ballot", expect=409, on_ballot="1")

    # -- eligibility set-up ---------------------------------------------------------------
    residents = [make_user(postcode="AB1 1AA") for _ in range(4)]
    proofs = {}
    if mode == "roll":
        for n, resident in enumerate([*residents, None, None]):
            entry = VoterRollEntry(
                pot_id=pot_id,
                reference=f"NR{n:03d}",
                postcode="AB1 1AA",
                date_of_birth=date(1980, 1, 1 + n),
            )
            db.session.add(entry)
            if resident is not None:
                proofs[resident.id] = {
                    "reference": entry.reference,
                    "postcode": "AB1 1AA",
                    "date_of_birth": entry.date_of_birth.isoformat(),
                }
        paper_ids = ["NR004", "NR005"]
    elif mode == "codes":
        batch = generate_batch(db.session.get(Pot, pot_id), "North letters", 6, panel.user)
        db.session.refresh(batch)
        for resident, code in zip(residents, batch.codes, strict=False):
            proofs[resident.id] = {"code": format_code(code.code)}
        paper_ids = [batch.codes[4].code, batch.codes[5].code]
    else:
        # Paper voters need no account; the first of them also has one, unused so far.
        paper_people = [make_user(postcode="AB1 1AB", born=date(1990, 2, 1 + n)) for n in range(2)]
        paper_ids = [
            {"name": u.display_name, "postcode": "AB1 1AB", "date_of_birth": f"1990-02-0{n + 1}"}
            for n, u in enumerate(paper_people)
        ]
    db.session.commit()

    # Voting opens only once the ballot key is made and confirmed.
    panel.post(phase, expect=409, action="open_voting")
    key = make_key_through(panel.client, pot, holders=3, threshold=2)
    # Ballot rules are frozen once voting opens.
    panel.post(phase, expect=303, action="open_voting")
    pot = db.session.get(Pot, pot_id)
    # The commitment is published for auditors on "Check the results", not on the pot's page.
    check = panel.get(f"/check-the-results?pot={pot_id}").text
    assert pot.seed_sha256 and pot.seed_sha256 in check
    assert pot.seed not in check
    assert pot.seed_sha256 not in panel.get(f"/pots/{pot_id}").text
    frozen = panel.post(
        f"/panel/pots/{pot_id}/settings",
        expect=409,
        name=pot.name,
        ward_id=str(north.id),
        amount="2,000",
        year="2026",
        ballot_method=method,
        rule="greedy",
        eligibility_mode=mode,
        **METHODS[method],
    )
    assert "cannot change once voting has opened" in frozen.text
    assert db.session.get(Pot, pot_id).rule == "equalshares"

    # -- online voting ------------------------------------------------------------------------
    ballot_ids = (on_ballot[0], on_ballot[1], on_ballot[2])
    voters = [Session(app, r) for r in residents]
    for voter in voters:
        page = voter.get(f"/pots/{pot_id}/ballot")
        if mode != "open":
            assert page.status_code == 403
            voter.post(f"/pots/{pot_id}/ballot/prove", expect=303, **proofs[voter.user.id])
        form = _ballot_form(method, ballot_ids)
        review_page = voter.post(f"/pots/{pot_id}/ballot", expect=303, **form)
        review_page = voter.get(review_page.headers["Location"])
        nonce = re.search(r'name="nonce" value="([^"]+)"', review_page.text).group(1)
        voter.post(f"/pots/{pot_id}/ballot/cast", expect=303, nonce=nonce, **form)

    # -- paper voting -----------------------------------------------------------------------------
    paper = f"/panel/pots/{pot_id}/paper"

    def as_fields(identifier):
        return identifier if isinstance(identifier, dict) else {"identifier": identifier}

    for identifier in paper_ids:
        officer_a.post(f"{paper}/voters", expect=303, **as_fields(identifier))
    twice = officer_a.post(f"{paper}/voters", expect=409, **as_fields(paper_ids[0]))
    assert "already" in twice.text
    online_id = {
        "open": {
            "name": residents[0].display_name,
            "postcode": "AB1 1AA",
            "date_of_birth": "1990-01-01",
        },
        "roll": "NR000",
    }.get(mode) or proofs[residents[0].id]["code"]
    # Voted online: refused (an open pot shows the officer the match).
    refused = officer_a.post(f"{paper}/voters", expect=409, **as_fields(online_id))
    if mode == "open":
        assert f"online in North {method} open" in refused.text
        # Someone who voted on paper cannot vote online.
        paper_voter = Session(app, paper_people[0])
        assert paper_voter.get(f"/pots/{pot_id}/ballot").status_code == 403

    lines = "\n".join([_paper_line(method, ballot_ids, 0), _paper_line(method, ballot_ids, 1)])
    wrong = "\n".join([_paper_line(method, ballot_ids, 0), _paper_line(method, ballot_ids, 0)])
    officer_a.post(f"{paper}/batches", expect=303, number="1", ballots=lines)
    officer_b.post(f"{paper}/batches", expect=303, number="1", ballots=wrong)
    side_by_side = officer_b.get(f"{paper}/batches/1")
    assert "Entries differ" in side_by_side.text and "No: differs" in side_by_side.text
    # The entries side by side name the projects, not ids in brackets ("[6, 7]").
    assert not re.search(r"<td[^>]*>\s*[\[{]", side_by_side.text)
    entries = re.findall(r'data-label="First entry"[^>]*>(.*?)</td>', side_by_side.text)
    assert entries and all("Youth club sessions" in e for e in entries), entries
    paper_ballots = db.session.scalars(
        select(Ballot).where(Ballot.pot_id == pot_id, Ballot.channel == "paper")
    ).all()
    assert paper_ballots == []  # a mismatched batch does not count
    officer_b.post(f"{paper}/batches", expect=303, number="1", ballots=lines)
    assert "Counted" in officer_b.get(f"{paper}/batches/1").text
    bad = officer_a.post(f"{paper}/batches", expect=422, number="2", ballots="999999")
    assert "Line 1" in bad.text

    # -- close, tally, publish -------------------------------------------------------------------
    assert publish_through(panel.client, pot).status_code == 409
    panel.post(phase, expect=303, action="close_voting")
    officer_a.post(f"{paper}/batches", expect=409, number="3", ballots=lines)  # frozen
    assert publish_through(panel.client, pot).status_code == 409  # not tallied yet
    panel.post(f"/panel/pots/{pot_id}/tally", expect=409)  # the envelopes are still sealed
    assert open_through(panel.client, pot, key[:1]).status_code == 409  # one share of two
    assert open_through(panel.client, pot, key[1:]).status_code == 303
    panel.post(f"/panel/pots/{pot_id}/tally", expect=303)
    preview = panel.get(f"/panel/pots/{pot_id}/tally")
    assert "Preview (version 1, not published)" in preview.text
    not_yet = panel.get(f"/pots/{pot_id}/results")  # not public yet: says so, shows nothing
    assert not_yet.status_code == 200 and "not published yet" in not_yet.text
    assert "Funded projects" not in not_yet.text
    assert panel.post(f"/panel/pots/{pot_id}/publish").status_code == 422  # no confirmation
    assert publish_through(panel.client, pot).status_code == 303

    pot = db.session.get(Pot, pot_id)
    counts = {
        c: db.session.scalar(
            select(db.func.count())
            .select_from(Ballot)
            .where(Ballot.pot_id == pot_id, Ballot.channel == c)
        )
        for c in ("online", "paper")
    }
    assert counts == {"online": 4, "paper": 2}
    assert (
        db.session.scalar(
            select(db.func.count()).select_from(Participation).where(Participation.pot_id == pot_id)
        )
        == 6
    )

    published = db.session.scalar(select(Result).where(Result.pot_id == pot_id))
    direct = _direct_tally(pot)
    assert published.outcome["selected"] == list(direct.selected)
    assert published.outcome["total_cost"] == direct.total_cost
    page = panel.client.get(f"/pots/{pot_id}/results")
    assert page.status_code == 200
    assert pot.seed in panel.client.get(f"/check-the-results?pot={pot_id}").text
    titles = {str(p.id): p.title for p in db.session.scalars(select(Proposal))}
    for funded in direct.selected:
        assert titles[funded] in page.text


def test_a_correction_is_a_new_publication_and_the_old_one_stays(app, world):
    pot = world.voting_pot
    panel = Session(app, make_user(roles=[("panel", world.north.id)]))
    voter = Session(app, make_user())
    review = voter.post(f"/pots/{pot.id}/ballot", expect=303, choices=[str(world.on_ballot[0].id)])
    review = voter.get(review.headers["Location"])
    nonce = re.search(r'name="nonce" value="([^"]+)"', review.text).group(1)
    voter.post(
        f"/pots/{pot.id}/ballot/cast", expect=303, nonce=nonce, choices=[str(world.on_ballot[0].id)]
    )
    pot.seed = "test-seed"
    panel.post(f"/panel/pots/{pot.id}/phase", expect=303, action="close_voting")
    assert open_through(panel.client, pot, BALLOT_KEY.codes).status_code == 303
    panel.post(f"/panel/pots/{pot.id}/tally", expect=303)
    assert publish_through(panel.client, pot).status_code == 303

    first = db.session.scalar(select(Result).where(Result.pot_id == pot.id))
    from pb.results.models import ImmutableResultError

    first.outcome = {"selected": []}
    with pytest.raises(ImmutableResultError):
        db.session.flush()
    db.session.rollback()

    assert panel.post(f"/panel/pots/{pot.id}/tally", reason="").status_code == 422
    panel.post(f"/panel/pots/{pot.id}/tally", expect=303, reason="A paper batch was missed.")
    assert publish_through(panel.client, pot).status_code == 303
    versions = db.session.scalars(
        select(Result.version).where(Result.pot_id == pot.id, Result.published_at.is_not(None))
    ).all()
    assert sorted(versions) == [1, 2]
    page = panel.client.get(f"/pots/{pot.id}/results").text
    assert "A paper batch was missed." in page and "Earlier versions" in page

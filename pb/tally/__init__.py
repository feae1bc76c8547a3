"""Participatory-budgeting tally: ballots in, funded projects and the reasons out.

Pure Python and numpy, no Flask and no database, so auditors can run it on its own::

    from pb.tally import Election, run
    election = Election.from_ballots({"a": 40_000, "b": 25_000}, 50_000, [{"a"}, {"a", "b"}])
    outcome = run(election, "equalshares", seed="2024-pot-7")
"""

from pb.tally.election import Ballot, BallotError, Election, Money, Profile, VoteType
from pb.tally.outcome import Outcome, ProjectResult
from pb.tally.rules import RULES, rule_name, run

__all__ = [
    "RULES",
    "Ballot",
    "BallotError",
    "Election",
    "Money",
    "Outcome",
    "Profile",
    "ProjectResult",
    "VoteType",
    "rule_name",
    "run",
]

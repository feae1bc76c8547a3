"""Choosing a rule by name and running it."""

from __future__ import annotations

from collections.abc import Callable

from pb.tally.comparison import equal_shares_add1_comparison, equal_shares_comparison
from pb.tally.election import Election, Money
from pb.tally.equalshares import equal_shares, equal_shares_add1
from pb.tally.greedy import greedy
from pb.tally.outcome import Outcome

RULES: dict[str, Callable[[Election, str], Outcome]] = {
    "greedy": greedy,
    "equalshares": equal_shares,
    "equalshares/add1": equal_shares_add1,
    "equalshares-comparison": equal_shares_comparison,
    "equalshares/add1-comparison": lambda election, seed: equal_shares_add1_comparison(
        election, seed
    ),
}
# Rules that take the Add1 step as well.
ADD1_RULES: dict[str, Callable[[Election, str, Money | None], Outcome]] = {
    "equalshares/add1": equal_shares_add1,
    "equalshares/add1-comparison": equal_shares_add1_comparison,
}

# Spellings of the rules met in pabulib META `rule` fields and in conversation.
_ALIASES = {
    "greedy": "greedy",
    "utilitarian_greedy": "greedy",
    "equalshares": "equalshares",
    "equal_shares": "equalshares",
    "mes": "equalshares",
    "equalshares/add1": "equalshares/add1",
    "equalshares-add1": "equalshares/add1",
    "equalshares+add1": "equalshares/add1",
    "mes/add1": "equalshares/add1",
    "equalshares-comparison": "equalshares-comparison",
    "equalshares/comparison": "equalshares-comparison",
    "mes-comparison": "equalshares-comparison",
    "equalshares/add1-comparison": "equalshares/add1-comparison",
    "equalshares-add1-comparison": "equalshares/add1-comparison",
    "mes/add1-comparison": "equalshares/add1-comparison",
}


def rule_name(text: str | None) -> str | None:
    """The rule a name stands for (case and spaces ignored), or None if it is not one of ours."""
    if text is None:
        return None
    return _ALIASES.get(text.strip().lower().replace(" ", ""))


def run(
    election: Election, rule: str = "greedy", seed: str = "", *, add1_step: Money | None = None
) -> Outcome:
    """Tally ``election`` with ``rule`` (one of :data:`RULES`).

    ``seed`` is the published string that orders the lottery for ties that cost and support
    leave open; ``add1_step`` the money per voter each Add1 step adds (default one unit of the
    money the costs are in). Raises ValueError for an unknown rule.
    """
    name = rule_name(rule)
    if name is None:
        raise ValueError(f"unknown rule {rule!r}; choose one of {', '.join(RULES)}")
    if name in ADD1_RULES:
        return ADD1_RULES[name](election, seed, add1_step)
    return RULES[name](election, seed)

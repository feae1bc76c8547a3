"""How every rule breaks ties: lower cost, then more supporters, then the published lottery."""

from __future__ import annotations

import hashlib

import numpy as np

from pb.tally.election import Election


def lottery_key(seed: str, project_id: str) -> str:
    """The lottery position of a project: ascending sha256 of ``"{seed}:{project_id}"`` in hex.

    The seed is published with the results, so anyone can recompute the order.
    """
    return hashlib.sha256(f"{seed}:{project_id}".encode()).hexdigest()


def tie_ranks(election: Election, seed: str) -> np.ndarray:
    """Per project, its place in the tie order (0 wins every tie it is in)."""
    costs = election.unit_costs.tolist()
    supporters = election.supporters.tolist()
    ids = election.project_ids
    order = sorted(
        range(len(ids)), key=lambda i: (costs[i], -supporters[i], lottery_key(seed, ids[i]))
    )
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[order] = np.arange(len(ids))
    return ranks

"""Grouping identical ballots held as sparse arrays, without a Python loop over ballots.

Each ballot row is hashed to 64 bits; rows with the same hash are then compared entry by entry,
so two different ballots are never merged, however unlucky the hash.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

GroupedRows = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def group_rows(
    num_projects: int,
    indptr: np.ndarray,
    items: np.ndarray,
    weights: np.ndarray | None = None,
    counts: np.ndarray | None = None,
) -> GroupedRows:
    """Group identical ballot rows; return (indptr, items, weights, counts) of distinct rows.

    Entries with weight 0 are dropped (they give no support), rows come out with increasing
    project indices, and rows cast by nobody are left out. The order of the distinct rows
    depends only on their content, never on the order the ballots came in.
    """
    indptr = np.asarray(indptr, dtype=np.int64)
    items = np.asarray(items, dtype=np.int64)
    n = len(indptr) - 1
    weights = np.ones(len(items), np.int64) if weights is None else np.asarray(weights, np.int64)
    counts = np.ones(n, np.int64) if counts is None else np.asarray(counts, np.int64)
    _check_arrays(num_projects, indptr, items, weights, counts)

    lengths = np.diff(indptr)
    row_of = np.repeat(np.arange(n, dtype=np.int64), lengths)
    keep = weights > 0
    if not keep.all():
        items, weights, row_of = items[keep], weights[keep], row_of[keep]
        lengths = np.bincount(row_of, minlength=n).astype(np.int64)
    key = row_of * max(num_projects, 1) + items
    if len(key) > 1 and not bool(np.all(key[1:] > key[:-1])):
        order = np.argsort(key, kind="stable")
        key, items, weights, row_of = key[order], items[order], weights[order], row_of[order]
    if len(key) > 1 and bool(np.any(key[1:] == key[:-1])):
        raise ValueError(
            f"ballot {int(row_of[np.argmax(key[1:] == key[:-1])]) + 1} names a project twice"
        )
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])

    cast = np.flatnonzero(counts > 0)
    row_hash = _row_hashes(items, weights, starts, lengths)[cast]
    _, first, inverse = np.unique(row_hash, return_index=True, return_inverse=True)
    representative = cast[first][inverse]
    repeated = representative != cast  # only rows sharing a hash with an earlier row
    if not _rows_equal(cast[repeated], representative[repeated], items, weights, starts, lengths):
        return _group_exactly(cast, items, weights, starts, counts)
    group_rows_ = cast[first]
    group_counts = np.bincount(inverse, weights=counts[cast], minlength=len(first))
    return _take_rows(group_rows_, items, weights, starts, lengths, group_counts)


def _check_arrays(
    num_projects: int,
    indptr: np.ndarray,
    items: np.ndarray,
    weights: np.ndarray,
    counts: np.ndarray,
) -> None:
    n = len(indptr) - 1
    if n < 0 or indptr[0] != 0 or indptr[-1] != len(items) or np.any(np.diff(indptr) < 0):
        raise ValueError("indptr must start at 0, never decrease and end at len(items)")
    if len(weights) != len(items) or len(counts) != n:
        raise ValueError("weights must match items and counts must match the ballots")
    if len(items) and (items.min() < 0 or items.max() >= num_projects):
        raise ValueError("a ballot names a project index outside the election")
    if len(weights) and weights.min() < 0:
        raise ValueError("weights must not be negative")
    if len(counts) and counts.min() < 0:
        raise ValueError("counts must not be negative")


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads nearby integers over all 64 bits (wrapping on purpose)."""
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def _row_hashes(
    items: np.ndarray, weights: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> np.ndarray:
    entry = _mix((items.astype(np.uint64) << np.uint64(24)) ^ weights.astype(np.uint64))
    # A wrapping prefix sum turns per-entry hashes into per-row sums without a loop.
    prefix = np.zeros(len(entry) + 1, dtype=np.uint64)
    np.cumsum(entry, dtype=np.uint64, out=prefix[1:])
    row_sum = prefix[starts[1:]] - prefix[starts[:-1]]
    return _mix(row_sum ^ _mix(lengths.astype(np.uint64)))


def _rows_equal(
    rows: np.ndarray,
    others: np.ndarray,
    items: np.ndarray,
    weights: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
) -> bool:
    """True when each row in ``rows`` has exactly the entries of its partner in ``others``."""
    if not np.array_equal(lengths[rows], lengths[others]):
        return False
    row_len = lengths[rows]
    offset = np.arange(int(row_len.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(row_len) - row_len, row_len
    )
    mine = np.repeat(starts[rows], row_len) + offset
    theirs = np.repeat(starts[others], row_len) + offset
    return bool(
        np.array_equal(items[mine], items[theirs])
        and np.array_equal(weights[mine], weights[theirs])
    )


def _take_rows(
    rows: np.ndarray,
    items: np.ndarray,
    weights: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    counts: np.ndarray,
) -> GroupedRows:
    row_len = lengths[rows]
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(row_len, out=indptr[1:])
    offset = np.arange(int(indptr[-1]), dtype=np.int64) - np.repeat(indptr[:-1], row_len)
    pos = np.repeat(starts[rows], row_len) + offset
    return indptr, items[pos], weights[pos], np.asarray(counts, dtype=np.int64)


def _group_exactly(
    cast: np.ndarray,
    items: np.ndarray,
    weights: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
) -> GroupedRows:
    """Slow path for a hash collision between different ballots: group on the rows themselves."""
    tally: Counter[tuple[tuple[int, int], ...]] = Counter()
    for r in cast.tolist():
        lo, hi = int(starts[r]), int(starts[r + 1])
        row = tuple(zip(items[lo:hi].tolist(), weights[lo:hi].tolist(), strict=True))
        tally[row] += int(counts[r])
    keys = sorted(tally)
    indptr = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum([len(k) for k in keys], out=indptr[1:])
    flat = np.array([pair for k in keys for pair in k], dtype=np.int64).reshape(-1, 2)
    return (
        indptr,
        flat[:, 0].copy(),
        flat[:, 1].copy(),
        np.array([tally[k] for k in keys], np.int64),
    )

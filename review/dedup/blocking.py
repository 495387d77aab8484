"""Blocking: which pairs of records are worth comparing at all.

Every record gets a few cheap keys (identifiers, title start, title end,
first author + year, volume + first page, its rarest-looking title words);
only records that share a key are compared. A key shared by too many records
(a common surname in a common year) is not all-paired: its records are
sorted by title and each is compared with its next neighbours only, so the
number of pairs stays near-linear in the number of records.

At a million records the keys themselves would outweigh the records, so they
are not kept: each record's keys are hashed into one integer column per kind
of key, a column is sorted, and only runs of equal hashes (a few records
each) have their keys computed again and grouped exactly — a hash collision
costs a recomputation, never a pair. Pairs are packed into 64-bit integers
and made unique with numpy, not held as a set of tuples.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from review.dedup.normalise import Prepared

BLOCK_LIMIT = 40
"""A block larger than this is compared by title neighbourhood, not all-pairs."""
WINDOW = 8
"""Neighbours each record meets in a large block."""
_AFFIX = 28
"""Characters of the title's start and end used as keys."""
KINDS = ("doi", "pmid", "reg", "start", "end", "words", "author", "page")
"""Every kind of key, in the order `block_keys` yields them."""
KEY_NAMES = {
    "doi": "one DOI",
    "pmid": "one PMID",
    "reg": "one trial registration",
    "start": "one title start",
    "end": "one title end",
    "words": "the same rare title words",
    "author": "one first author and year",
    "page": "one volume, first page and year",
}
"""Each kind of key as the run's summary names it."""

_EVERY = 2_000
"""Records between two progress reports."""
_key_hash = hash
"""Any hash will do: equal hashes are only where exact keys are looked for (tests collide them)."""

Pairs = npt.NDArray[np.int64]
"""Candidate pairs, each packed as `i * n + j` (i < j), sorted and unique."""


def block_keys(record: Prepared) -> Iterator[tuple[str, ...]]:
    """The keys of one record; two records sharing any key become a candidate pair."""
    for kind in KINDS:
        key = key_for(record, kind)
        if key is not None:
            yield key


def key_for(record: Prepared, kind: str) -> tuple[str, ...] | None:
    """The record's key of one kind, or None when it has none of that kind."""
    if kind in ("doi", "pmid", "reg"):
        value = {"doi": record.doi, "pmid": record.pmid, "reg": record.registry_id}[kind]
        return (kind, value) if value else None
    if kind in ("start", "end", "words"):
        squashed = record.title.replace(" ", "")
        if len(squashed) < 12:
            return None
        if kind == "start":
            return ("start", squashed[:_AFFIX])
        if kind == "end":
            return ("end", squashed[-_AFFIX:])
        words = sorted(set(record.title.split()), key=lambda w: (-len(w), w))[:3]
        return ("words", *sorted(words))
    if kind == "author":
        families = record.families
        return ("author", families[0], str(record.year)) if families and record.year else None
    if record.volume and record.first_page:
        return ("page", record.volume, record.first_page, str(record.year or ""))
    return None


@dataclass
class Blocking:
    """How the candidate pairs were found, for the run's summary."""

    pairs: int = 0
    """Unique candidate pairs (before records compared in earlier runs are left out)."""
    windowed: list[tuple[str, int]] = field(default_factory=list)
    """(kind of key, records) of every block too large to pair all-with-all."""


def find_pairs(
    records: list[Prepared],
    blocking: Blocking | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Pairs:
    """Every pair of records sharing a key, packed, sorted and unique;
    `progress` hears (done, total) as the keys are hashed, then grouped."""
    n = len(records)
    report = progress or (lambda done, total: None)
    total = n * (1 + len(KINDS))
    hashes = np.zeros((len(KINDS), n), dtype=np.int64)
    present = np.zeros((len(KINDS), n), dtype=np.bool_)
    column = {kind: row for row, kind in enumerate(KINDS)}
    for record in records:
        if record.index % _EVERY == 0:
            report(record.index, total)
        for key in block_keys(record):
            row = column[key[0]]
            hashes[row, record.index] = _key_hash(key)
            present[row, record.index] = True
    chunks: list[Pairs] = [np.zeros(0, dtype=np.int64)]
    for row, kind in enumerate(KINDS):
        found = array("q")
        for begin, members in _equal_runs(hashes[row], present[row]):
            if begin // _EVERY != (begin + len(members)) // _EVERY:
                report(n * (1 + row) + begin, total)
            exact: dict[tuple[str, ...], list[int]] = defaultdict(list)
            for index in members:
                exact[key_for(records[index], kind) or ()].append(index)
            for block in exact.values():
                if len(block) > 1:
                    found.extend(_block_pairs(block, records, n, kind, blocking))
        chunks.append(np.frombuffer(found, dtype=np.int64).copy())
        if sum(len(c) for c in chunks) > 4 * n:  # keep the buffer near the unique pairs
            chunks = [_unique(np.concatenate(chunks))]
        report(n * (2 + row), total)
    pairs = _unique(np.concatenate(chunks))
    if blocking is not None:
        blocking.pairs = len(pairs)
    return pairs


def iter_pairs(
    records: list[Prepared],
    pairs: Pairs,
    *,
    keep: Callable[[Prepared, Prepared], bool] | None = None,
    chunk: int = 65_536,
) -> Iterator[tuple[int, int]]:
    """The packed pairs as (i, j), in order, those `keep` refuses left out;
    unpacked a chunk at a time so a million records never hold every pair as tuples."""
    n = max(len(records), 1)
    for start in range(0, len(pairs), chunk):
        part = pairs[start : start + chunk]
        for i, j in zip((part // n).tolist(), (part % n).tolist(), strict=True):
            if keep is None or keep(records[i], records[j]):
                yield i, j


def _unique(packed: Pairs) -> Pairs:
    """Sorted and unique (numpy's own `unique` hashes first, several times slower)."""
    packed.sort()
    if len(packed) < 2:
        return packed
    return packed[np.concatenate(([True], packed[1:] != packed[:-1]))]


def _equal_runs(
    hashes: npt.NDArray[np.int64], present: npt.NDArray[np.bool_]
) -> Iterator[tuple[int, list[int]]]:
    """(position, record indices) of each run sharing a hash, each run in index order."""
    indices = np.flatnonzero(present)
    order = indices[np.argsort(hashes[indices], kind="stable")]
    ordered = hashes[order]
    if len(ordered) < 2:
        return
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1], [True])))
    for begin, end in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True):
        if end - begin > 1:
            yield begin, order[begin:end].tolist()


def _block_pairs(
    members: list[int], records: list[Prepared], n: int, kind: str, blocking: Blocking | None
) -> Iterator[int]:
    """One block's pairs, packed: all of them, or title neighbours in a large block."""
    if len(members) <= BLOCK_LIMIT:
        return (a * n + b for k, a in enumerate(members) for b in members[k + 1 :])
    if blocking is not None:
        blocking.windowed.append((kind, len(members)))
    ordered = sorted(members, key=lambda i: records[i].title)
    return (
        min(a, b) * n + max(a, b)
        for k, a in enumerate(ordered)
        for b in ordered[k + 1 : k + 1 + WINDOW]
    )

"""Blocking: which pairs of records are worth comparing at all.

Every record gets a few cheap keys (identifiers, title start, title end,
first author + year, volume + first page, its rarest-looking title words);
only records that share a key are compared. A key shared by too many records
(a common surname in a common year) is not all-paired: its records are
sorted by title and each is compared with its next neighbours only, so the
number of pairs stays near-linear in the number of records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from review.dedup.normalise import Prepared

BLOCK_LIMIT = 40
"""A block larger than this is compared by title neighbourhood, not all-pairs."""
WINDOW = 8
"""Neighbours each record meets in a large block."""
_AFFIX = 28
"""Characters of the title's start and end used as keys."""


def block_keys(record: Prepared) -> Iterator[tuple[str, ...]]:
    """The keys of one record; two records sharing any key become a candidate pair."""
    if record.doi:
        yield ("doi", record.doi)
    if record.pmid:
        yield ("pmid", record.pmid)
    if record.registry_id:
        yield ("reg", record.registry_id)
    squashed = record.title.replace(" ", "")
    if len(squashed) >= 12:
        yield ("start", squashed[:_AFFIX])
        yield ("end", squashed[-_AFFIX:])
        words = sorted(set(record.title.split()), key=lambda w: (-len(w), w))[:3]
        yield ("words", *sorted(words))
    families = record.families
    if families and record.year:
        yield ("author", families[0], str(record.year))
    if record.volume and record.first_page:
        yield ("page", record.volume, record.first_page, str(record.year or ""))


def candidate_pairs(
    records: list[Prepared], *, keep: Callable[[Prepared, Prepared], bool] | None = None
) -> set[tuple[int, int]]:
    """Index pairs (i < j) sharing at least one key, filtered by `keep`."""
    blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for record in records:
        for key in block_keys(record):
            blocks[key].append(record.index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        for i, j in _block_pairs(members, records):
            pair = (i, j) if i < j else (j, i)
            if pair not in pairs and (keep is None or keep(records[i], records[j])):
                pairs.add(pair)
    return pairs


def _block_pairs(members: list[int], records: list[Prepared]) -> Iterable[tuple[int, int]]:
    if len(members) <= BLOCK_LIMIT:
        return ((a, b) for n, a in enumerate(members) for b in members[n + 1 :])
    ordered = sorted(members, key=lambda i: records[i].title)
    return ((a, b) for n, a in enumerate(ordered) for b in ordered[n + 1 : n + 1 + WINDOW])

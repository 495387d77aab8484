"""Records that share an identity key but are different papers.

Decisions are stored under a record's key (DOI, PMID, registry id, or title +
year + first author), so records sharing a key are screened as one. Some keys
are shared by different papers: a supplement's DOI on every abstract printed
in it, an erratum carrying its article's DOI. Screening must never merge those
silently, so a record whose key-mates are not certainly the same paper becomes
a screening unit of its own. Missing a duplicate costs a second look; a false
merge loses a study.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

from review.dedup.model import Decision, DedupRecord
from review.dedup.normalise import Prepared, prepare
from review.dedup.rules import THRESHOLDS, Thresholds, conflicting, decide
from review.dedup.scoring import compare
from review.identity import TITLE_KEY

SEPARATOR = "@"
"""Between the shared key and the record's uid in a split unit's key."""


def split_shared_keys(
    records: Iterable[DedupRecord],
    *,
    distinct: Collection[frozenset[str]] = (),
    taken_out: Collection[str] = (),
    thresholds: Thresholds = THRESHOLDS,
    normalised: Mapping[str, Prepared] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[int, str]:
    """Record id → its own unit key, for each record that must not share the
    unit of its key. Records that are certainly one paper stay together,
    unless a reviewer said two of them differ (`distinct`, pairs of uids) or
    took one out of the unit (`taken_out`, uids); the earliest record of a key
    always keeps the key itself. `normalised` (by uid): records prepared already;
    `progress` hears (keys done, keys) on a file where thousands of records share keys."""
    by_key: dict[str, list[DedupRecord]] = {}
    for record in records:
        by_key.setdefault(record.key, []).append(record)
    apart: dict[int, str] = {}
    for done, (key, members) in enumerate(by_key.items()):
        if progress and done % 2_000 == 0:
            progress(done, len(by_key))
        if len(members) < 2:
            continue
        members.sort(key=lambda r: r.id)
        units: list[tuple[DedupRecord, Prepared, str]] = []
        held: dict[str, list[str]] = {}
        """Unit key → uids of its records, to check a reviewer's "distinct"."""
        for index, record in enumerate(members):
            prepared = (normalised or {}).get(record.uid) or prepare(record, index)
            unit_key = None
            if record.uid not in taken_out:
                unit_key = next(
                    (
                        u
                        for first, p, u in units
                        if first.uid not in taken_out
                        and not any(frozenset((record.uid, o)) in distinct for o in held[u])
                        and _same_paper(first, p, record, prepared, thresholds)
                    ),
                    None,
                )
            if unit_key is None:
                unit_key = key if not units else f"{key}{SEPARATOR}{record.uid}"
                units.append((record, prepared, unit_key))
            held.setdefault(unit_key, []).append(record.uid)
            if unit_key != key:
                apart[record.id] = unit_key
    return apart


def _same_paper(
    a: DedupRecord, pa: Prepared, b: DedupRecord, pb: Prepared, thresholds: Thresholds
) -> bool:
    """A certain duplicate by the deduplication rules, with nothing against it.

    Under an identifier (DOI, PMID, registry id) the same title and years
    within one also suffice. A title + year + first-author key is built from
    the very fields it would confirm, so it proves nothing: the same
    guideline in two journals, or an abstract and the article in another
    journal, share it. Those records are compared like any pair.
    """
    evidence = compare(pa, pb)
    if a.key.startswith(TITLE_KEY):
        certain = decide(evidence, thresholds)[0] is Decision.CERTAIN
        return certain and not conflicting(evidence)
    close_years = a.year is None or b.year is None or abs(a.year - b.year) <= 1
    if pa.title and pa.title == pb.title and not pa.generic and close_years:
        return True
    return decide(evidence, thresholds)[0] is Decision.CERTAIN

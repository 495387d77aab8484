"""Blocking and the streamed pipeline: the same pairs, groups and queue as
holding every pair, crowded keys still finding their duplicates, and saying so."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

import pytest
from click.testing import CliRunner

from review.cli import cli
from review.dedup import DedupRecord, DedupResult, DedupState, blocking, find_duplicates
from review.dedup.blocking import BLOCK_LIMIT, WINDOW, block_keys, find_pairs, iter_pairs
from review.dedup.normalise import Prepared, prepare
from review.dedup.pipeline import compare_candidates, settle
from review.dedup.run import dedupe_review
from review.store import Store
from tests.dedup_helpers import add_source, paper

WORDS = [
    "radiotherapy",
    "nivolumab",
    "cetuximab",
    "carcinoma",
    "oral",
    "pharynx",
    "larynx",
    "survival",
    "cohort",
    "trial",
    "randomised",
    "toxicity",
    "quality",
    "life",
    "induction",
    "adjuvant",
    "salvage",
    "recurrent",
]
SURNAMES = ("Smith", "Nguyen", "Garcia", "Okafor", "Tanaka", "Muller")
SHORT = ("Asthma", "Gout", "Lupus", "Rickets", "Scurvy", "Mumps", "Croup", "Tetanus", "Anemia")


def _records(n: int = 400, seed: int = 3) -> list[DedupRecord]:
    """Records crowded onto few keys: few surnames and years, recurring titles,
    some copied again with a database's changes, so blocks of every size occur."""
    rng = random.Random(seed)
    out: list[DedupRecord] = []
    for k in range(1, n + 1):
        if out and rng.random() < 0.3:
            twin = out[rng.randrange(len(out))]
            title = (twin.title or "").upper() if rng.random() < 0.5 else twin.title
            out.append(_copy(twin, k, title=title, source_id=2))
            continue
        title = " ".join(rng.sample(WORDS, rng.randint(2, 7)))
        if rng.random() < 0.15:
            title = f"{rng.choice(SHORT)} {k}"  # a short title: no title keys
        first = rng.randint(1, 400)
        out.append(
            DedupRecord(
                id=k,
                uid=f"u{k}",
                key=f"k{k}",
                source_id=1,
                title=title,
                authors=[f"{rng.choice(SURNAMES)}, {rng.choice('ABC')}."],
                year=rng.choice((2019, 2020)),
                journal=rng.choice(("Oral Oncology", "Head and Neck")),
                volume=str(rng.randint(1, 3)),
                pages=f"{first}-{first + rng.randint(1, 9)}",
                doi=f"10.1000/x{rng.randrange(300)}" if rng.random() < 0.2 else None,
            )
        )
    return out


def _copy(record: DedupRecord, k: int, **changes: Any) -> DedupRecord:
    fields = {name: getattr(record, name) for name in DedupRecord.__dataclass_fields__}
    return DedupRecord(**{**fields, "id": k, "uid": f"u{k}", "key": f"k{k}", **changes})


def _reference_pairs(prepared: list[Prepared]) -> set[tuple[int, int]]:
    """Blocking as it was written first: every key's block held in one dict."""
    blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for record in prepared:
        for key in block_keys(record):
            blocks[key].append(record.index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) > BLOCK_LIMIT:
            members = sorted(members, key=lambda i: prepared[i].title)
            found = [(a, b) for n, a in enumerate(members) for b in members[n + 1 : n + 1 + WINDOW]]
        else:
            found = [(a, b) for n, a in enumerate(members) for b in members[n + 1 :]]
        pairs |= {(min(a, b), max(a, b)) for a, b in found}
    return pairs


def _shape(result: DedupResult) -> tuple[object, ...]:
    groups = [(g.group_key, [(m.index, m.rule, m.score, m.is_new) for m in g.members])
              for g in result.groups]  # fmt: skip
    queue = [(j.a, j.b, j.decision, j.rule, j.score, j.evidence) for j in result.queue]
    return groups, queue, result.compared


def test_packed_pairs_are_the_pairs_sharing_a_key() -> None:
    prepared = [prepare(r, n) for n, r in enumerate(_records())]
    found = find_pairs(prepared, stats := blocking.Blocking())
    want = _reference_pairs(prepared)
    assert set(iter_pairs(prepared, found)) == want
    assert list(iter_pairs(prepared, found, chunk=7)) == sorted(want)  # in order, across chunks
    assert stats.pairs == len(want) and stats.windowed  # the crowded surnames were windowed


def test_colliding_hashes_never_make_a_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    prepared = [prepare(r, n) for n, r in enumerate(_records(150))]
    monkeypatch.setattr(blocking, "_key_hash", lambda key: 42)  # every key of a kind collides
    assert set(iter_pairs(prepared, find_pairs(prepared))) == _reference_pairs(prepared)


def test_streamed_run_gives_the_groups_and_queue_of_holding_every_pair() -> None:
    records = _records()
    streamed = find_duplicates(records)
    held = settle(compare_candidates(records))
    assert streamed.groups and streamed.queue  # the set exercises both
    assert _shape(streamed) == _shape(held)


def test_an_update_run_compares_only_pairs_with_new_records() -> None:
    records = _records()
    old = records[:250]
    first = find_duplicates(old)
    groups = {old[m.index].uid: f"g{n}" for n, g in enumerate(first.groups) for m in g.members}
    distinct = {frozenset((old[j.a].uid, old[j.b].uid)) for j in first.queue}
    state = DedupState(groups=groups, distinct=distinct, checked_through=old[-1].id)
    update = find_duplicates(records, state=state)
    assert _shape(update) == _shape(settle(compare_candidates(records, state=state)))
    new = {r.id for r in records[250:]}
    assert update.groups  # every group formed or grown holds a record of the update
    assert all(any(records[m.index].id in new for m in g.members) for g in update.groups)
    assert all({records[j.a].id, records[j.b].id} & new for j in update.queue)
    prepared = [prepare(r, n) for n, r in enumerate(records)]
    assert update.compared < len(_reference_pairs(prepared))


def test_a_crowded_key_still_finds_its_duplicate_and_is_reported(store: Store) -> None:
    """Sixty short-titled items by one author in one year (no title keys): only
    the author-and-year block links them, too large to pair all-with-all."""
    items = [
        paper(k, f"{SHORT[k % len(SHORT)]} {k}", authors=["Editor, A"], volume=str(k), pages=f"{k}")
        for k in range(1, 61)
    ]
    twin = paper(
        61, "MUMPS 5.", authors=["Editor A"], journal="J Clin Oncol", volume="5", pages=None
    )
    add_source(store, "Journal", items)
    add_source(store, "Other", [twin])
    run = dedupe_review(store)
    assert run.windowed == [("author", 61)]
    paired = {frozenset((p.uid_a, p.uid_b)) for p in store.dedup.pending_pairs()}
    merged = {row[0] for row in store.db.execute("SELECT record_uid FROM dedup_events")}
    assert frozenset(("Journal:5", "Other:61")) in paired or {"Journal:5", "Other:61"} <= merged
    store.close()
    result = CliRunner().invoke(cli, ["dedupe", str(store.path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 blocking key was shared by more than 40 records" in result.output
    assert "one first author and year, 61 records" in result.output


def test_saving_a_long_queue_reports_progress_and_stores_every_pair(store: Store) -> None:
    titles = [" ".join(random.Random(k).sample(WORDS, 6)) for k in range(30)]
    add_source(store, "A", [paper(k, t, volume=None, pages=None) for k, t in enumerate(titles)])
    add_source(store, "B", [paper(k, t, year=2021, volume=None, pages=None)
                            for k, t in enumerate(titles)])  # fmt: skip
    heard: list[tuple[str, int, int]] = []
    run = dedupe_review(store, progress=lambda *call: heard.append(call))
    assert run.queued == 30 == len(store.dedup.pending_pairs())
    assert ("saving probable pairs", 30, 30) in heard
    assert ("preparing records", 60, 60) in heard
    assert any(phase == "preparing records" and total == 60 for phase, _, total in heard)

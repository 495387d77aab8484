"""The probable-pairs queue shows the strongest evidence first: the summed weights.

Two pairs whose old `score` (mostly title similarity) and summed weights
disagree: one DOI on two records whose titles and first authors differ but
whose journal, volume, issue and pages agree (score 0.65, weight +11), and a
reworded title without locators (score 0.96, weight +7). The reviewer sees
the shared DOI and location first.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from review.dedup import find_duplicates
from review.dedup.model import DedupRecord
from review.dedup.rules import THRESHOLDS
from review.dedup.run import dedupe_review
from review.dedup.weights import explain
from review.store import Store
from review.store.dedup import PendingPair
from tests.conftest import fixed_clock
from tests.dedup_helpers import add_source, paper

DOI = "10.1200/jco.2020.1"
NIVO = "Nivolumab after chemoradiotherapy in locally advanced head and neck cancer"
NIVO_OTHER = "Nivolumab with chemoradiation for locally advanced oral cancer"
CIS = "Cisplatin dosing in elderly patients with head and neck cancer"
CIS_OTHER = "Cisplatin dose in older patients with head and neck cancers"


def _record(n: int, title: str, **fields: object) -> DedupRecord:
    base: dict[str, object] = {
        "authors": ["Smith J", "Doe A"], "year": 2020, "journal": "Journal of Clinical Oncology",
        "volume": "38", "issue": "4", "pages": "100-109",
    }  # fmt: skip
    return DedupRecord(id=n, uid=f"u{n}", key=f"k{n}", source_id=1, title=title,
                       **{**base, **fields})  # type: ignore[arg-type]  # fmt: skip


def test_the_pipeline_queues_by_summed_weight_not_by_score() -> None:
    result = find_duplicates(
        [
            _record(1, NIVO, doi=DOI),
            _record(2, NIVO_OTHER, doi=DOI, authors=["Jones K"]),
            _record(3, CIS, pages="400-409"),
            _record(4, CIS_OTHER, volume=None, issue=None, pages=None),
        ]
    )
    first, second = result.queue
    assert (first.a, first.b, second.a, second.b) == (0, 1, 2, 3)
    assert first.weight > second.weight and first.score < second.score
    # the weight stored is the total the duplicates screen and the report show
    assert first.weight == pytest.approx(explain(first.evidence, THRESHOLDS.model).total, abs=0.05)


def _review(path: Path) -> Store:
    store = Store.create(path, now=fixed_clock)
    add_source(
        store,
        "PubMed",
        [paper(1, NIVO, doi=DOI, issue="4"), paper(2, CIS, issue="4", pages="400-409")],
    )
    add_source(
        store,
        "Embase",
        [
            paper(1, NIVO_OTHER, doi=DOI, issue="4", authors=["Jones, Kim"]),
            paper(2, CIS_OTHER, volume=None, pages=None),
        ],
    )
    return store


def test_the_stored_queue_reads_back_strongest_first(tmp_path: Path) -> None:
    with _review(tmp_path / "r.db") as store:
        dedupe_review(store)
    with Store.open(tmp_path / "r.db") as fresh:
        pairs = fresh.dedup.pending_pairs()
        assert [p.uid_a for p in pairs] == ["PubMed:1", "PubMed:2"]
        weights = [p.weight for p in pairs]
        assert None not in weights and weights == sorted(weights, reverse=True)  # type: ignore[type-var]
        assert pairs[0].score < pairs[1].score  # the old order would have been the reverse


def test_pairs_queued_before_weights_were_stored_wait_after_the_others(tmp_path: Path) -> None:
    with _review(tmp_path / "r.db") as store:
        dedupe_review(store)
        # a pair an older version queued: a high score, no weight
        old = PendingPair("PubMed:1", "Embase:2", 0.99, "similar", {}, None)
        store.dedup.save_run("old", [], [old], checked_through=store.dedup.checked_through())
        pairs = store.dedup.pending_pairs()
        assert len(pairs) == 3 and pairs[-1] == old


def test_dedupe_writes_the_queue_strongest_first(tmp_path: Path) -> None:
    """`review dedupe FILE --queue pairs.csv`: the waiting pairs in the
    screen's order, each with its record ids, weight, reason and evidence."""
    from click.testing import CliRunner

    from review.cli import cli

    _review(tmp_path / "r.db").close()
    queue = tmp_path / "out" / "pairs.csv"
    result = CliRunner().invoke(
        cli, ["dedupe", str(tmp_path / "r.db"), "--queue", str(queue)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote 2 probable pairs to {queue}, strongest evidence first." in result.output
    rows = list(csv.DictReader(queue.open(encoding="utf-8-sig")))
    assert [r["rank"] for r in rows] == ["1", "2"]
    weights = [float(r["weight"]) for r in rows]
    assert weights == sorted(weights, reverse=True)
    with Store.open(tmp_path / "r.db") as fresh:
        ids = fresh.records.record_ids_for_uids(["PubMed:1", "Embase:1"])
    assert (rows[0]["record_a"], rows[0]["record_b"]) == (
        str(ids["PubMed:1"]),
        str(ids["Embase:1"]),
    )
    assert (rows[0]["source_a"], rows[0]["source_b"]) == ("PubMed.ris · #1", "Embase.ris · #1")
    assert rows[0]["reason"] == "same DOI, other fields differ"
    assert "doi same +" in rows[0]["evidence"]
    assert rows[0]["evidence"].endswith(f"= {weights[0]:+.1f}")
    assert not list(queue.parent.glob(".pairs.csv.*"))  # no temp file left behind

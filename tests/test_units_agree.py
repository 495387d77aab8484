"""Units are resolved in one place: the groups report, `review status` and the
screening queue count the same units; a reviewer's merge and take-apart reach
all three, records one by an identifier included."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import cli
from review.dedup.report import write_groups_report
from review.dedup.run import dedupe_review
from review.errors import UsageError
from review.models import Stage
from review.review_file import create_review, review_protocol
from review.sample import SAMPLE_PROTOCOL
from review.screening.session import ScreeningSession
from review.store import Store
from tests.dedup_helpers import add_source, paper

TITLE = "Nivolumab with radiotherapy for recurrent head and neck squamous cell carcinoma"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Two databases: one paper in both (a rule merges it), a supplement DOI on two
    abstracts of one paper (one by identifier), a probable pair, and loners."""
    target = tmp_path / "units.db"
    with create_review(target, SAMPLE_PROTOCOL) as store:
        add_source(
            store,
            "PubMed",
            [
                paper(1, TITLE, doi="10.1000/hn.1"),
                paper(2, "Cetuximab and radiotherapy in larynx cancer", doi="10.1000/supp"),
                paper(3, "Pembrolizumab after chemoradiation", year=2019),
                paper(4, "Quality of life after reirradiation", doi="10.1000/q"),
            ],
        )
        add_source(
            store,
            "Embase",
            [
                paper(1, TITLE, journal="J Clin Oncol", pmid="123"),
                paper(2, "Cetuximab and radiotherapy in larynx cancer", doi="10.1000/supp"),
                paper(3, "Pembrolizumab after chemoradiation", year=2021, pages="e6001"),
            ],
        )
        dedupe_review(store)
        # imported after deduplication: one paper by its DOI, no rule has seen it
        add_source(
            store, "Scopus", [paper(1, "Quality of life after reirradiation", doi="10.1000/q")]
        )
    return target


def counts(path: Path) -> tuple[int, int, int]:
    """(units in the queue, unique records in status, records − report's removals)."""
    with Store.open(path) as store:
        session = ScreeningSession(store, review_protocol(store), "ann", Stage.TITLE_ABSTRACT)
        queue = session.counts.to_do
    status = json.loads(CliRunner().invoke(cli, ["status", str(path), "--json"]).output)
    report = path.with_suffix(".csv")
    with Store.open(path) as store:
        write_groups_report(store, report)
    rows = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    removed = len(rows) - len({r["group_id"] for r in rows})
    return queue, status["duplicates"]["unique_records"], status["records"] - removed


def test_report_status_and_queue_agree(path: Path) -> None:
    assert counts(path) == (5, 5, 5)  # 8 records: two rule merges, one shared DOI
    report = path.with_suffix(".csv")
    rows = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    assert sorted(r["decided_by"] for r in rows) == [
        "identifier",
        "identifier",
        *sorted(r["decided_by"] for r in rows if r["decided_by"] != "identifier"),
    ]
    status = json.loads(CliRunner().invoke(cli, ["status", str(path), "--json"]).output)
    dups = status["duplicates"]
    assert dups["groups"] == 3 and dups["records_removed"] == 3
    assert dups["groups_by"] == {"identifier": 1, "rule": 2}
    text = CliRunner().invoke(cli, ["status", str(path)]).output
    assert "Duplicates: 3 groups (1 by identifier, 2 by rule), 3 records removed" in text
    assert "; 5 unique records" in text
    with Store.open(path) as store:
        assert dups["pairs_waiting"] == len(store.dedup.pending_pairs()) > 0


def test_taking_apart_an_identifier_unit_splits_it_everywhere(path: Path) -> None:
    with Store.open(path) as store:
        ids = [r[0] for r in store.db.execute("SELECT id FROM records WHERE doi = '10.1000/q'")]
    result = CliRunner().invoke(cli, ["apart", str(path), str(ids[1]), "--reviewer", "ann"])
    assert result.exit_code == 0, result.output
    assert counts(path) == (6, 6, 6)
    again = CliRunner().invoke(cli, ["same", str(path), *map(str, ids), "--reviewer", "ann"])
    assert again.exit_code == 0, again.output
    assert "2 records" in again.output
    assert counts(path) == (5, 5, 5)


def test_a_reviewer_merges_any_two_records(path: Path) -> None:
    with Store.open(path) as store:
        ids = [r[0] for r in store.db.execute("SELECT id FROM records WHERE title LIKE 'Pembro%'")]
        quality = store.db.execute("SELECT id FROM records WHERE doi = '10.1000/q'").fetchone()[0]
        assert quality
    with Store.open(path) as store:
        waiting = {frozenset((p.uid_a, p.uid_b)) for p in store.dedup.pending_pairs()}
        uids = [
            r[0] for r in store.db.execute("SELECT uid FROM records WHERE title LIKE 'Pembro%'")
        ]
    assert frozenset(uids) in waiting  # the pipeline was unsure: different years
    result = CliRunner().invoke(cli, ["same", str(path), *map(str, ids), "--reviewer", "ann"])
    assert result.exit_code == 0, result.output
    assert counts(path) == (4, 4, 4)
    with Store.open(path) as store:
        settled = {frozenset((p.uid_a, p.uid_b)) for p in store.dedup.pending_pairs()}
    assert settled == waiting - {frozenset(uids)}
    result = CliRunner().invoke(cli, ["same", str(path), str(ids[0]), str(quality)])
    assert isinstance(result.exception, UsageError)  # no reviewer name: refused
    assert "reviewer" in str(result.exception)
    bad = CliRunner().invoke(cli, ["same", str(path), "1", "9999", "--reviewer", "ann"])
    assert isinstance(bad.exception, UsageError) and "no record 9999" in str(bad.exception)

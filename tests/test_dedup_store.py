"""Deduplicating a review file: events, groups, the queue, re-runs, the CLI and its report."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from review.cli import cli
from review.dedup import RULES
from review.dedup.canonical import canonical_record
from review.dedup.manual import merge_records, take_apart
from review.dedup.report import group_rows, safe_cell
from review.dedup.run import dedupe_review
from review.dedup.units import load_resolution
from review.store import Store
from tests.conftest import ROOT, fixed_clock
from tests.dedup_helpers import add_source, paper

TITLE = "Nivolumab with radiotherapy for recurrent head and neck squamous cell carcinoma"


def _two_databases(store: Store) -> None:
    add_source(
        store,
        "PubMed",
        [
            paper(1, TITLE, doi="10.1000/hn.1", abstract="Short."),
            paper(2, "Cetuximab in oral cavity cancer: a cohort", pages="200-210"),
            paper(3, "Durvalumab and chemoradiotherapy in nasopharyngeal carcinoma", pages="5-9"),
        ],
    )
    add_source(
        store,
        "Embase",
        [
            # same paper, another database's formatting: upper case, no DOI, 100-9 pages
            paper(
                1,
                TITLE.upper() + ". [Chinese]",
                authors=["Smith J", "Doe J"],
                journal="J Clin Oncol",
                pages="100-9",
                abstract="A longer abstract here.",
            ),
            # the same title a year later with no volume or pages: queue, not merge
            # (with another volume and page range it would be another item: distinct)
            paper(
                2,
                "Durvalumab and chemoradiotherapy in nasopharyngeal carcinoma",
                year=2021,
                volume=None,
                pages=None,
            ),
        ],
    )


def test_certain_duplicates_merge_and_probable_ones_queue(store: Store) -> None:
    _two_databases(store)
    run = dedupe_review(store)
    assert (run.groups, run.merged, run.queued) == (1, 2, 1)
    assert run.per_source[1].merged == 1 and run.per_source[2].merged == 1
    with Store.open(store.path, now=fixed_clock) as fresh:
        members = group_rows(fresh)
        assert [m.source_file for m in members] == ["PubMed.ris", "Embase.ris"]
        assert {m.reviewer for m in members} == {"review (automatic)"}
        assert members[0].group_key == "doi:10.1000/hn.1"  # the earliest member's key
        assert fresh.records.record_count() == 5  # merges never delete records
        [pair] = fresh.dedup.pending_pairs()
        assert pair.evidence["year"] == "different"


def test_screening_contract_unit_keys_and_canonical_record(store: Store) -> None:
    _two_databases(store)
    dedupe_review(store)
    resolution = load_resolution(store)
    [(group, members)] = resolution.groups.items()
    assert group == "doi:10.1000/hn.1" and len(members) == 2
    records = [store.records.record(m.record_id) for m in members]
    canonical = canonical_record(records, group)
    assert canonical.key == "doi:10.1000/hn.1"
    assert canonical.doi == "10.1000/hn.1"
    assert canonical.abstract == "A longer abstract here."
    assert [r.source_name for r in records] == ["PubMed", "Embase"]


def test_reviewer_confirm_reject_and_undo_are_events(store: Store) -> None:
    _two_databases(store)
    dedupe_review(store)
    [pair] = store.dedup.pending_pairs()
    key = merge_records(store, pair.uid_a, pair.uid_b, "alice")
    assert store.dedup.pending_pairs() == []
    assert len([m for m in group_rows(store) if m.group_key == key]) == 2
    take_apart(store, pair.uid_b, "alice")
    assert key not in {m.group_key for m in group_rows(store)}  # one left: dissolved
    store.dedup.mark_distinct(pair.uid_a, pair.uid_b, "alice")
    assert store.dedup.pending_pairs() == []
    actions = [r[0] for r in store.db.execute("SELECT action FROM dedup_events ORDER BY id")]
    assert actions == ["merge", "merge", "merge", "merge", "unmerge", "unmerge", "distinct"]


def test_a_later_search_is_deduplicated_without_redeciding_old_groups(store: Store) -> None:
    _two_databases(store)
    dedupe_review(store)
    [old] = store.dedup.pending_pairs()
    store.dedup.mark_distinct(old.uid_a, old.uid_b, "alice")
    add_source(store, "Update", [paper(1, TITLE, doi="10.1000/hn.1")])
    run = dedupe_review(store)
    assert (run.merged, run.queued) == (1, 0)
    members = [m for m in group_rows(store) if m.group_key == "doi:10.1000/hn.1"]
    assert [m.source_file for m in members] == ["PubMed.ris", "Embase.ris", "Update.ris"]
    assert dedupe_review(store).compared == 0  # nothing new: nothing compared again


def test_keep_sources_apart_never_groups_one_import(store: Store) -> None:
    add_source(store, "Combined", [paper(1, TITLE), paper(2, TITLE)])
    assert dedupe_review(store, keep_sources_apart=True).merged == 0
    assert dedupe_review(store).merged == 0  # both were compared already


def test_cli_prints_counts_per_source_and_writes_the_report(store: Store, tmp_path: Path) -> None:
    _two_databases(store)
    add_source(store, "Other", [paper(1, "=HYPERLINK(1) " + TITLE[:40], doi="10.1000/x")])
    store.close()
    report = tmp_path / "out" / "groups.csv"
    result = CliRunner().invoke(
        cli, ["dedupe", str(store.path), "--report", str(report)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "2 records merged automatically into 1 group (certain)" in result.output
    assert "#1 PubMed (PubMed.ris)" in result.output
    # Excel reads the titles' accents only with the byte-order mark; a
    # colleague sharing the folder can open it (not mkstemp's 0600).
    assert report.read_bytes().startswith(b"\xef\xbb\xbfgroup_id,")
    assert report.stat().st_mode & 0o777 == 0o644
    rows = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    assert [r["source_file"] for r in rows] == ["PubMed.ris", "Embase.ris"]
    assert all(r["decided_by"] in RULES for r in rows)
    # the second record's comparison with the first: each field's level and weight, the sum
    assert rows[0]["weight"] == "" and rows[0]["evidence"] == ""
    assert float(rows[1]["weight"]) > 0 and "title exact +" in rows[1]["evidence"]
    assert rows[1]["evidence"].endswith(f"= {float(rows[1]['weight']):+.1f}")
    assert not list(report.parent.glob(".groups.csv.*"))  # no temp file left behind


def test_report_cells_cannot_run_as_formulas() -> None:
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("-5") == "'-5"
    assert safe_cell(7) == 7
    assert safe_cell("a\x07b") == "ab"


def test_dedupe_piped_into_a_closed_reader_keeps_report_and_exits_quietly(
    store: Store, tmp_path: Path
) -> None:
    """`review dedupe … --report g.csv --queue q.csv | head -1`: both reports are
    written, the merges are stored, nothing on stderr, exit 0."""
    _two_databases(store)
    store.close()
    report = tmp_path / "groups.csv"
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line is printed
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "review",
            "dedupe",
            str(store.path),
            "--report",
            str(report),
            "--queue",
            str(tmp_path / "pairs.csv"),
        ],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        check=False,
    )
    os.close(write_end)
    assert (done.returncode, done.stderr.decode()) == (0, "")
    # Excel reads the titles' accents only with the byte-order mark; a
    # colleague sharing the folder can open it (not mkstemp's 0600).
    assert report.read_bytes().startswith(b"\xef\xbb\xbfgroup_id,")
    assert report.stat().st_mode & 0o777 == 0o644
    rows = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    assert [r["source_file"] for r in rows] == ["PubMed.ris", "Embase.ris"]
    assert len(list(csv.DictReader((tmp_path / "pairs.csv").open(encoding="utf-8-sig")))) == 1
    with Store.open(store.path, now=fixed_clock) as fresh:
        assert len(group_rows(fresh)) == 2

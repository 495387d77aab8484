"""PRISMA 2020 counts from the ledger: every box of a review with known numbers
(see tests/prisma_helpers.py), the in-progress review, and inconsistent ledgers
refused with the box and the units named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import cli, main
from review.models import SourceKind, Stage
from review.prisma import PrismaCounts, PrismaError, load_prisma
from review.store import Store
from tests.prisma_helpers import build_review, decide


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_review(tmp_path_factory.mktemp("prisma") / "review.db")


@pytest.fixture(scope="module")
def counts(built: Path) -> PrismaCounts:
    with Store.open(built) as store:
        return load_prisma(store)


def test_identification_per_source_kind_and_name(counts: PrismaCounts) -> None:
    assert counts.records_from(SourceKind.DATABASE) == 10
    assert counts.records_from(SourceKind.REGISTER) == 2
    assert counts.records_from(SourceKind.OTHER, "website") == 2
    assert counts.records_from(SourceKind.OTHER, "organisation") == 0
    assert counts.records_from(SourceKind.OTHER, "citation") == 2
    named = [(s.name, s.records) for s in counts.named(SourceKind.DATABASE)]
    assert named == [("PubMed", 6), ("Embase", 4)]
    assert [(s.name, s.records) for s in counts.named(SourceKind.REGISTER)] == [
        ("ClinicalTrials.gov", 2)
    ]


def test_databases_and_registers_arm(counts: PrismaCounts) -> None:
    arm = counts.dbr
    assert (arm.identified, arm.duplicates, arm.removed_automation, arm.removed_other) == (
        12,
        3,
        0,
        0,
    )
    assert (arm.screened, arm.screening_excluded, arm.screening_pending) == (9, 3, 0)
    assert [(r.label, r.count) for r in arm.screening_reasons] == [
        ("Wrong population", 1),
        ("Review or editorial", 1),
        ("No reason recorded", 1),
    ]
    assert (arm.sought, arm.not_retrieved, arm.assessed, arm.excluded, arm.included) == (
        6,
        1,
        5,
        3,
        2,
    )
    assert [(r.id, r.label, r.count) for r in arm.exclusion_reasons] == [
        ("population", "Wrong population", 1),
        ("design", "Wrong study design", 1),
        ("abstract_no_data", "Conference abstract without data", 1),
    ]
    assert counts.members["databases_registers.not_retrieved"] == {"doi:10.1000/p2"}


def test_other_methods_arm_counts_only_units_without_a_database_record(
    counts: PrismaCounts,
) -> None:
    """W2 (= P3, found by PubMed too) is a duplicate here, and P3 stays in the
    databases arm; C1, excluded with the protocol's not-retrieved reason, is
    'not retrieved', not 'excluded'."""
    arm = counts.other
    assert (arm.identified, arm.duplicates, arm.screened, arm.screening_excluded) == (4, 1, 3, 1)
    assert (arm.sought, arm.not_retrieved, arm.assessed, arm.excluded, arm.included) == (
        2,
        1,
        1,
        0,
        1,
    )
    assert arm.exclusion_reasons == ()
    assert "doi:10.1000/p3" in counts.members["databases_registers.screened"]
    assert counts.members["other_methods.not_retrieved"] == {"doi:10.1000/c1"}


def test_studies_and_reports(counts: PrismaCounts) -> None:
    """P1 and its registration NCT01 are two reports of one study."""
    assert (counts.new_studies, counts.new_reports) == (2, 3)
    assert (counts.total_studies, counts.total_reports) == (2, 3)
    assert counts.members["included_studies"] == {"doi:10.1000/p1", "doi:10.1000/w1"}
    assert not counts.in_progress


def test_agrees_with_review_status(built: Path, counts: PrismaCounts) -> None:
    status = json.loads(CliRunner().invoke(cli, ["status", str(built), "--json"]).output)
    assert status["records"] == counts.dbr.identified + counts.other.identified
    removed = counts.dbr.duplicates + counts.other.duplicates
    assert status["duplicates"]["records_removed"] == removed
    assert status["duplicates"]["unique_records"] == counts.dbr.screened + counts.other.screened
    ta = status["decisions"]["title_abstract"]
    assert ta["exclude"] == counts.dbr.screening_excluded + counts.other.screening_excluded
    assert ta["include"] == counts.dbr.sought + counts.other.sought


def test_previous_review_arm(built: Path) -> None:
    with Store.open(built) as store:
        update = load_prisma(store, previous_studies=4, previous_reports=6)
    assert (update.total_studies, update.total_reports) == (6, 9)
    assert update.as_json()["included"]["previous_studies"] == 4
    with Store.open(built) as store, pytest.raises(PrismaError, match="previous reports"):
        load_prisma(store, previous_studies=4, previous_reports=3)


def test_in_progress_review(tmp_path: Path) -> None:
    """P5 is undecided at title/abstract and W1 has one of its two full-text decisions."""
    with Store.open(build_review(tmp_path / "r.db", finish=False)) as store:
        counts = load_prisma(store)
    assert counts.in_progress
    assert (counts.screening_pending, counts.assessment_pending) == (1, 1)
    assert counts.dbr.screening_excluded == 2
    assert counts.dbr.sought == 6  # 9 screened − 2 excluded − 1 awaiting
    assert (counts.other.assessed, counts.other.included) == (1, 0)
    assert counts.as_json()["awaiting_screening"] == 1


def test_a_full_text_decision_on_a_unit_excluded_at_title_abstract_is_refused(
    tmp_path: Path,
) -> None:
    path = build_review(tmp_path / "r.db")
    with Store.open(path) as store:
        store.screening.record_decision(
            "doi:10.1000/p1", Stage.TITLE_ABSTRACT, "exclude", reviewer="cat", kind="resolve"
        )
        with pytest.raises(PrismaError) as raised:
            load_prisma(store)
    text = str(raised.value)
    assert "reports assessed for eligibility" in text
    assert "doi:10.1000/p1" in text
    assert raised.value.exit_code == 7


def test_a_report_not_retrieved_yet_included_is_refused(tmp_path: Path) -> None:
    path = build_review(tmp_path / "r.db")
    with Store.open(path) as store:
        store.fulltexts.mark_not_retrieved("doi:10.1000/w1", reviewer="ann")
        with pytest.raises(PrismaError, match=r"reports not retrieved.*doi:10\.1000/w1"):
            load_prisma(store)
        store.fulltexts.attach("doi:10.1000/w1", "https://example.org/w1.pdf", reviewer="ann")
        assert load_prisma(store).other.included == 1


def test_a_damaged_file_is_refused_naming_the_box(tmp_path: Path) -> None:
    """The imports' own record counts must match the records the file holds."""
    path = build_review(tmp_path / "r.db")
    with Store.open(path) as store:
        store.db.execute("UPDATE sources_all SET record_count = 7 WHERE name = 'PubMed'")
        store.db.conn.commit()
        with pytest.raises(PrismaError) as raised:
            load_prisma(store)
    text = str(raised.value)
    assert "records identified" in text and "PubMed" in text
    assert "records screened (databases and registers)" in text


def test_the_cli_refuses_an_inconsistent_review_without_a_diagram(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build_review(tmp_path / "r.db")
    with Store.open(path) as store:
        decide(store, "doi:10.1000/p4", Stage.FULL_TEXT, "include")
    with pytest.raises(SystemExit) as exited:
        main(["prisma", str(path), "--svg", str(tmp_path / "x.svg")])
    assert exited.value.code == 7
    out = capsys.readouterr()
    assert "doi:10.1000/p4" in out.err and "Records screened" not in out.out
    assert not (tmp_path / "x.svg").exists()


def test_agrees_with_the_studies_extraction_works_on(built: Path, counts: PrismaCounts) -> None:
    """Whenever PRISMA gives numbers, its included studies are extraction's."""
    from review.extraction.studies import load_included
    from review.review_file import review_protocol

    with Store.open(built) as store:
        included = load_included(store, review_protocol(store))
    assert {study.key for study in included} == counts.members["included_studies"]
    reports = {unit for study in included for unit in study.units}
    assert reports == counts.members["included_reports"]

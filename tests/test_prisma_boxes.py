"""The records behind each PRISMA box (what the PRISMA screen opens): as many
as the box counts, and the ones the review of tests/prisma_helpers.py puts
there; violations carry the units involved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import cli
from review.errors import UsageError
from review.models import Stage
from review.prisma import PrismaError, load_prisma
from review.prisma.boxes import PrismaBoxes, load_boxes
from review.store import Store
from tests.prisma_helpers import build_review, decide


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_review(tmp_path_factory.mktemp("boxes") / "review.db")


@pytest.fixture
def boxes(built: Path) -> Iterator[PrismaBoxes]:
    with Store.open(built) as store:
        yield load_boxes(store)


def test_every_box_lists_as_many_rows_as_it_counts(boxes: PrismaBoxes) -> None:
    counts = boxes.counts
    assert boxes.error is None
    for arm, numbers in (("databases_registers", counts.dbr), ("other_methods", counts.other)):
        for box in ("screened", "screening_excluded", "sought", "not_retrieved", "assessed"):
            assert len(boxes.records(f"{arm}.{box}")) == getattr(numbers, box), (arm, box)
        assert len(boxes.records(f"{arm}.excluded")) == numbers.excluded
        assert len(boxes.records(f"{arm}.included")) == numbers.included
        assert len(boxes.records(f"{arm}.identified")) == numbers.identified
        assert len(boxes.records(f"{arm}.duplicates")) == numbers.duplicates
        for reason in numbers.exclusion_reasons:
            listed = boxes.records(f"{arm}.exclusion_reason.{reason.id}")
            assert len(listed) == reason.count
            assert {row.reason.split(";")[0] for row in listed} == {reason.label}
        for reason in numbers.screening_reasons:
            assert len(boxes.records(f"{arm}.screening_reason.{reason.id}")) == reason.count
    assert len(boxes.records("included_studies")) == counts.new_studies
    assert len(boxes.records("included_reports")) == counts.new_reports
    for number, source in enumerate(counts.sources):
        rows = boxes.records(f"source.{number}")
        assert len(rows) == source.records and {r.source for r in rows} == {source.name}


def test_the_records_each_box_holds(boxes: PrismaBoxes) -> None:
    def units(box: str) -> list[str]:
        return sorted(row.unit for row in boxes.records(box))

    assert units("databases_registers.screening_reason.not_recorded") == ["doi:10.1000/e3"]
    assert units("databases_registers.not_retrieved") == ["doi:10.1000/p2"]
    assert units("other_methods.not_retrieved") == ["doi:10.1000/c1"]
    assert units("other_methods.duplicates") == ["doi:10.1000/p3"]  # the website's W2
    assert units("databases_registers.identified.register") == ["reg:NCT01", "reg:NCT02"]
    assert units("other_methods.identified.citation") == ["doi:10.1000/c1", "doi:10.1000/c2"]
    assert boxes.records("databases_registers.removed_automation") == []
    [kept] = boxes.records("other_methods.duplicates")
    assert kept.source == "Journal site" and "duplicate of record" in kept.reason
    [p2] = boxes.records("databases_registers.not_retrieved")
    assert p2.decision == "full text: not retrieved" and "no library" in p2.reason


def test_an_unknown_box_is_an_error(boxes: PrismaBoxes) -> None:
    for box in (
        "nowhere",
        "databases_registers.nothing",
        "source.99",
        "other_methods.identified.x",
    ):
        with pytest.raises(UsageError):
            boxes.records(box)


def test_a_violation_names_its_units_and_their_records(tmp_path: Path) -> None:
    path = build_review(tmp_path / "r.db")
    with Store.open(path) as store:
        decide(store, "doi:10.1000/p4", Stage.FULL_TEXT, "include")
        boxes = load_boxes(store)
        assert boxes.error is not None
        with pytest.raises(PrismaError):
            load_prisma(store)
        involved = [v for v in boxes.error.violations if "doi:10.1000/p4" in v.units]
        assert involved and involved[0].problem.field == "reports assessed for eligibility"
        [row] = boxes.unit_records(["doi:10.1000/p4"], None)
    assert row.decision == "title/abstract: excluded; full text: included"


def test_review_export_only_writes_the_files_chosen(built: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["export", str(built), "--to", str(tmp_path / "out"), "--only", "csv"]
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["outcomes.csv", "prisma.csv", "records.csv", "studies.csv"]
    bad = CliRunner().invoke(cli, ["export", str(built), "--only", "pdf"])
    assert bad.exit_code == 2

"""What `review prisma` prints and writes: the PRISMA2020 R package's CSV with
exactly its template's keys in order, an SVG that parses and holds every
number, the terminal diagram, `--json`, and the in-progress rule."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import cli
from review.errors import ExportError
from review.models import SourceKind, Stage
from review.prisma import PrismaCounts, load_prisma
from review.prisma.svg import render_svg
from review.prisma.template import TEMPLATE, clean_label, render_csv, values, write_csv
from review.prisma.text import render_text
from review.store import Store
from tests.conftest import FIXTURES
from tests.prisma_helpers import add, build_review, decide, paper

TEMPLATES = FIXTURES / "prisma2020"
CURRENT = TEMPLATES / "inst" / "extdata" / "PRISMA.csv"
V2021 = TEMPLATES / "v2021-nealhaddaway" / "PRISMA.csv"
README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_review(tmp_path_factory.mktemp("prisma") / "review.db")


@pytest.fixture(scope="module")
def counts(built: Path) -> PrismaCounts:
    with Store.open(built) as store:
        return load_prisma(store)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_packaged_template_is_the_package_template() -> None:
    assert TEMPLATE.read_bytes() == CURRENT.read_bytes()


def test_csv_has_the_template_keys_in_order_and_its_other_columns(
    counts: PrismaCounts, tmp_path: Path
) -> None:
    out = write_csv(counts, tmp_path / "prisma.csv")
    written, template = rows(out), rows(CURRENT)
    assert [r["data"] for r in written] == [r["data"] for r in template]
    assert list(written[0]) == list(template[0])
    for mine, theirs in zip(written, template, strict=True):
        assert {k: v for k, v in mine.items() if k != "n"} == {
            k: v for k, v in theirs.items() if k != "n"
        }
    assert out.read_bytes().count(b"\r\n") == len(template) + 1
    assert not list(tmp_path.glob(".prisma.csv.*"))  # the temp file was renamed


def test_csv_fills_every_count_key_of_the_2021_template_too() -> None:
    """The older template's keys are a subset of the current one's; all of its
    count keys are ones we fill (only the stage title rows are not counts)."""
    older = [r["data"] for r in rows(V2021)]
    current = [r["data"] for r in rows(CURRENT)]
    assert [k for k in current if k in older] == older
    titles = {"NA", "identification", "screening", "included"}
    assert sorted(set(older) - titles - set(_VALUES)) == []


_VALUES = [
    "previous_studies",
    "previous_reports",
    "database_results",
    "database_specific_results",
    "register_results",
    "register_specific_results",
    "website_results",
    "organisation_results",
    "citations_results",
    "duplicates",
    "excluded_automatic",
    "excluded_other",
    "records_screened",
    "records_excluded",
    "dbr_sought_reports",
    "dbr_notretrieved_reports",
    "other_sought_reports",
    "other_notretrieved_reports",
    "dbr_assessed",
    "dbr_excluded",
    "other_assessed",
    "other_excluded",
    "new_studies",
    "new_reports",
    "total_studies",
    "total_reports",
]


def test_csv_numbers(counts: PrismaCounts) -> None:
    filled = values(counts)
    assert sorted(filled) == sorted(_VALUES)
    n = {r["data"]: r["n"] for r in csv.DictReader(render_csv(counts).splitlines())}
    assert n["database_results"] == "10" and n["register_results"] == "2"
    assert n["database_specific_results"] == "PubMed, 6; Embase, 4"
    assert n["register_specific_results"] == "ClinicalTrials.gov, 2"
    assert (n["website_results"], n["organisation_results"], n["citations_results"]) == (
        "2",
        "0",
        "2",
    )
    assert (n["duplicates"], n["excluded_automatic"], n["excluded_other"]) == ("3", "0", "0")
    assert (n["records_screened"], n["records_excluded"]) == ("9", "3")
    assert (n["dbr_sought_reports"], n["dbr_notretrieved_reports"], n["dbr_assessed"]) == (
        "6",
        "1",
        "5",
    )
    assert n["dbr_excluded"] == (
        "Wrong population, 1; Wrong study design, 1; Conference abstract without data, 1"
    )
    assert (n["other_sought_reports"], n["other_notretrieved_reports"]) == ("2", "1")
    assert (n["other_assessed"], n["other_excluded"]) == ("1", "0")
    assert (n["new_studies"], n["new_reports"], n["total_studies"], n["total_reports"]) == (
        "2",
        "3",
        "2",
        "3",
    )
    assert n["total_studies_ma"] == "0"  # not derived: the template's value


def test_no_exclusion_reasons_is_the_packages_bare_count(counts: PrismaCounts) -> None:
    """PRISMA2020's PRISMA_parse_reasons_ reads a reasons cell with no letters
    as a total without a breakdown (reason '', n = the number) and draws
    "Reports excluded: (n = 0)"; an empty cell or NA reaches as.numeric as NA
    and is drawn "(n = NA)". So a box nobody was excluded from gets "0", and a
    list of reasons never ends up blank."""
    assert counts.dbr.excluded == 3 and counts.other.excluded == 0
    nobody = replace(counts, dbr=replace(counts.dbr, exclusion_reasons=(), excluded=0))
    text = render_csv(nobody)
    n = {r["data"]: r["n"] for r in csv.DictReader(text.splitlines())}
    assert (n["dbr_excluded"], n["other_excluded"]) == ("0", "0")
    line = next(row for row in text.split("\r\n") if row.startswith("dbr_excluded,"))
    assert line.endswith(",0")  # as written: not "", not NA


def test_labels_lose_separators_the_package_splits_on() -> None:
    assert clean_label("Wrong population; adults, mostly") == "Wrong population - adults - mostly"
    assert clean_label("Line\nbreak") == "Line - break"
    assert clean_label(";,") == "unnamed"


def test_svg_parses_and_holds_every_number(counts: PrismaCounts) -> None:
    svg = render_svg(counts, title="Radiotherapy & checkpoint <inhibitors>")
    root = ET.fromstring(svg.encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Radiotherapy & checkpoint <inhibitors>" in text
    for phrase in (
        "Identification of new studies via databases and registers",
        "Identification of new studies via other methods",
        "Databases (n = 10)",
        "PubMed (n = 6)",
        "Embase (n = 4)",
        "Registers (n = 2)",
        "ClinicalTrials.gov (n = 2)",
        "Duplicate records removed (n = 3)",
        "automation tools (n = 0)",
        "Records removed for other reasons (n = 0)",
        "Websites (n = 2)",
        "Organisations (n = 0)",
        "Citation searching (n = 2)",
        "Records screened (n = 9)",
        "Records excluded (n = 3)",
        "Reports sought for retrieval (n = 6)",
        "Reports sought for retrieval (n = 2)",
        "Reports not retrieved (n = 1)",
        "Reports assessed for eligibility (n = 5)",
        "Reports assessed for eligibility (n = 1)",
        "Reports excluded (n = 3):",
        "Reports excluded (n = 0)",
        "Wrong population (n = 1)",
        "Conference abstract without data (n = 1)",
        "New studies included in review (n = 2)",
        "Reports of new included studies (n = 3)",
        "Identification",
        "Screening",
        "Included",
    ):
        assert phrase in _joined(root), phrase
    assert "DRAFT" not in text


def _joined(root: ET.Element) -> str:
    """Box text with wrapped lines joined, so a phrase split over two lines is found."""
    lines = [(t.text or "").strip() for t in root.iter("{http://www.w3.org/2000/svg}text")]
    return " ".join(lines)


def test_svg_of_an_update_draws_the_previous_studies(built: Path) -> None:
    with Store.open(built) as store:
        update = load_prisma(store, previous_studies=4, previous_reports=6)
    joined = _joined(ET.fromstring(render_svg(update).encode()))
    assert "Previous studies" in joined
    assert "previous version of review (n = 4)" in joined
    assert "Total studies included in review (n = 6)" in joined
    assert "Reports of total included studies (n = 9)" in joined


def test_terminal_diagram_fits_100_columns(counts: PrismaCounts) -> None:
    text = render_text(counts)
    assert max(len(line) for line in text.splitlines()) <= 100
    for phrase in ("Records screened (n = 9)", "Duplicate records (n = 3)", "(n = 2)"):
        assert phrase in text
    assert "IN PROGRESS" not in text


def test_json_keys_are_documented_in_the_readme(built: Path) -> None:
    out = CliRunner().invoke(cli, ["prisma", str(built), "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["databases_registers"]["records_screened"] == 9
    readme = README.read_text(encoding="utf-8")
    section = readme[readme.index("## PRISMA 2020") :]
    keys = set(report) | set(report["databases_registers"]) | set(report["included"])
    keys |= set(report["identification"])
    missing = sorted(k for k in keys if f"`{k}`" not in section)
    assert missing == []


def test_cli_prints_the_diagram_and_writes_both_files(built: Path, tmp_path: Path) -> None:
    csv_path, svg_path = tmp_path / "out" / "prisma.csv", tmp_path / "prisma.svg"
    out = CliRunner().invoke(
        cli, ["prisma", str(built), "--csv", str(csv_path), "--svg", str(svg_path)]
    )
    assert out.exit_code == 0, out.output
    assert "Records screened (n = 9)" in out.output
    assert f"Wrote {csv_path}" in out.output
    assert [r["data"] for r in rows(csv_path)] == [r["data"] for r in rows(CURRENT)]
    ET.parse(svg_path)


def test_in_progress_shows_numbers_and_writes_only_a_draft(tmp_path: Path) -> None:
    path = build_review(tmp_path / "r.db", finish=False)
    runner = CliRunner()
    shown = runner.invoke(cli, ["prisma", str(path)])
    assert shown.exit_code == 0
    assert re.search(r"IN PROGRESS: 1 record awaits title/abstract screening", shown.output)
    assert "1 report awaits a full-text decision" in shown.output
    svg = tmp_path / "p.svg"
    refused = runner.invoke(cli, ["prisma", str(path), "--svg", str(svg)])
    assert refused.exit_code != 0 and not svg.exists()
    assert "--draft" in str(refused.exception)
    drafted = runner.invoke(cli, ["prisma", str(path), "--svg", str(svg), "--draft"])
    assert drafted.exit_code == 0, drafted.output
    assert "DRAFT: 1 record awaits" in _joined(ET.parse(svg).getroot())


def test_other_methods_without_a_method_are_drawn_but_refused_in_the_csv(tmp_path: Path) -> None:
    path = build_review(tmp_path / "r.db")
    with Store.open(path) as store:
        add(store, "Colleague", SourceKind.OTHER, [paper(1, "x1")])
        decide(store, "doi:10.1000/x1", Stage.TITLE_ABSTRACT, "exclude")
    runner = CliRunner()
    shown = runner.invoke(cli, ["prisma", str(path)])
    assert "Colleague, method not given (n = 1)" in shown.output
    assert (
        json.loads(runner.invoke(cli, ["prisma", str(path), "--json"]).output)["identification"][
            "other_unspecified"
        ]
        == 1
    )
    target = tmp_path / "p.csv"
    refused = runner.invoke(cli, ["prisma", str(path), "--csv", str(target)])
    assert isinstance(refused.exception, ExportError)
    assert "Colleague (1 record)" in str(refused.exception)
    assert not target.exists() and "Records screened" not in refused.output

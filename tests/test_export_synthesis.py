"""What the synthesis reads from the export: every file names a study alike, so
a statistician can join them — the Outcomes sheet's `label` (metafor's `slab`)
is robvis's `Study` (for RoB 2, `label · result`, the row named in `result`),
and `result_id` is rob_long.csv's; robvis's `rob_append_to_forest` stops on
any name that differs — and values dual extractors have not agreed on are
blank and counted, never silently missing."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

from review.exports.writer import export_review
from review.extraction.labels import family_name, label_of
from review.extraction.session import ExtractionSession
from review.models import RecordDraft, SourceKind, Stage
from review.review_file import create_review, review_protocol
from review.rob import OVERALL
from review.rob.reports import export as rob_export
from review.sample import INCLUDED, SAMPLE_PROTOCOL, build_sample
from review.store import Store
from tests.conftest import fixed_clock
from tests.prisma_helpers import REVIEWERS, add
from tests.rob_session_helpers import COHORT, TRIAL, fill, make_trial, session
from tests.test_cli import run


def sheet(path: Path, name: str) -> list[dict[str, object]]:
    book = load_workbook(path, read_only=True)
    rows = list(book[name].iter_rows(values_only=True))
    book.close()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, [*row, *[None] * len(header)], strict=False)) for row in rows[1:]]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_outcomes_studies_and_robvis_tables_name_each_study_alike(tmp_path: Path) -> None:
    path = tmp_path / "sample.db"
    with build_sample(path, now=fixed_clock) as store:
        protocol = review_protocol(store)
        result = make_trial(store, protocol)
        trial = session(store, protocol, "ann", result=result)
        fill(trial)
        trial.decide(OVERALL, "High", "as a whole high")
        cohort = session(store, protocol, "kim", study=COHORT)
        fill(cohort)
        export_review(store, tmp_path / "out", draft=True)
        rob_export(store, protocol, tmp_path / "rob")
    book = tmp_path / "out" / "review-draft.xlsx"
    studies = {r["study"]: r["label"] for r in sheet(book, "Studies")}
    outcome = next(r for r in sheet(book, "Outcomes") if r["study"] == TRIAL)
    assert outcome["label"] == studies[TRIAL]
    assert outcome["result"] == "OS · 2 years · RT+ICI vs RT"
    assert outcome["result_id"] == result
    rob2 = [r["Study"] for r in sheet(book, "RoB rob2")]
    assert rob2 == [f"{outcome['label']} · {outcome['result']}"]
    # The cohort has a title but no authors: the title's words stand in, the same everywhere.
    robins = [r["Study"] for r in read_csv(tmp_path / "rob" / "robins_i.csv")]
    assert robins == [studies[COHORT]] == ["The impact of… 2024"]
    long = read_csv(tmp_path / "rob" / "rob_long.csv")
    assert {r["result_id"] for r in long if r["tool"] == "rob2"} == {result}
    assert {r["study_label"] for r in long if r["study"] == COHORT} == {studies[COHORT]}


def test_a_label_is_the_family_name_and_year_whatever_the_author_style() -> None:
    assert family_name("Müller, Hans") == "Müller"
    assert family_name("Smith JA") == "Smith"
    assert family_name("van der Berg J-P") == "van der Berg"
    assert family_name("Zhōu W") == "Zhōu"
    assert family_name("RECOVERY Collaborative Group") == "RECOVERY Collaborative Group"
    assert label_of(["Øster A", "Zhōu W"], 2021) == "Øster 2021"
    title = "Radiotherapy with nivolumab in HNSCC"
    assert label_of([], 2024, title) == "Radiotherapy with nivolumab… 2024"
    assert label_of([], None, None) == ""


def test_values_dual_extractors_have_not_agreed_on_are_blank_and_counted(
    tmp_path: Path,
) -> None:
    """Dual extraction: a number the two extractors entered differently is
    left out of Outcomes (and so is the row's measure) — and the Dictionary
    says so, instead of a meta-analysis quietly losing the row."""
    protocol = tmp_path / "dual.yaml"
    text = SAMPLE_PROTOCOL.read_text(encoding="utf-8")
    protocol.write_text(
        text.replace(
            "extraction:\n  sections:", "extraction:\n  reviewers_per_study: 2\n  sections:"
        ),
        encoding="utf-8",
    )
    key = "doi:10.1000/dual"
    with create_review(tmp_path / "dual.db", protocol) as store:
        add(
            store,
            "PubMed",
            SourceKind.DATABASE,
            [RecordDraft(1, title="A trial", authors=["Ng, A"], year=2020, doi="10.1000/dual")],
        )
        for stage in Stage:
            for who in REVIEWERS:
                store.screening.record_decision(key, stage, "include", reviewer=who)
        two = review_protocol(store)
        ann = ExtractionSession(store, two, "ann", key, included=[key])
        result = ann.add_row("results.result", "ORR")
        bob = ExtractionSession(store, two, "bob", key, included=[key])
        for session, events in ((ann, "12"), (bob, "13")):
            session.set_value("study.study_design", "", "rct")
            session.set_value("study.country", "", {"12": "Spain", "13": "Italy"}[events])
            for field, value in (
                ("outcome", "orr"),
                ("timepoint", "6 months"),
                ("comparison", "A vs B"),
                ("events_1", events),
                ("total_1", "40"),
                ("events_2", "6"),
                ("total_2", "38"),
            ):
                session.set_value(f"results.result.{field}", result, value)
        export_review(store, tmp_path / "out")
        [row] = sheet(tmp_path / "out" / "review.xlsx", "Outcomes")
        assert (row["ai"], row["ci"], row["measure"]) == (None, 6, None)
        notes = [str(r["meaning"]) for r in sheet(tmp_path / "out" / "review.xlsx", "Dictionary")]
        assert any(
            n.startswith("1 result row of 1 study holds values the extractors") for n in notes
        )
        assert any(n.startswith("1 study holds values the extractors") for n in notes)
        [study] = sheet(tmp_path / "out" / "review.xlsx", "Studies")
        assert (study["study_design"], study["country"]) == ("rct", None)
        ann.set_value("results.result.events_1", result, "12", agreed=True)
        ann.set_value("study.country", "", "Spain", agreed=True)
        export_review(store, tmp_path / "out")
    [row] = sheet(tmp_path / "out" / "review.xlsx", "Outcomes")
    assert (row["ai"], row["bi"], row["measure"]) == (12, 28, "RR")
    [study] = sheet(tmp_path / "out" / "review.xlsx", "Studies")
    assert study["country"] == "Spain"
    notes = [str(r["meaning"]) for r in sheet(tmp_path / "out" / "review.xlsx", "Dictionary")]
    assert not any("not agreed on" in n for n in notes)


def test_result_rows_sharing_a_name_get_one_name_each(tmp_path: Path) -> None:
    """Two machines may each add an "OS" row (one file refuses a second one,
    a merge cannot): robvis's Study and the Outcomes sheet's `result` number
    the second, so each plot row is one result."""
    path, copy = tmp_path / "sample.db", tmp_path / "bob.db"
    name = "OS · 2 years · RT+ICI vs RT"
    with build_sample(path, now=fixed_clock) as store:
        form = ExtractionSession(store, review_protocol(store), "kim", TRIAL, included=INCLUDED)
        form.set_value("study.study_design", "", "rct")
    assert run("copy", path, copy) == 0
    made = []
    for file, who in ((path, "kim"), (copy, "bob")):
        with Store.open(file) as store:
            protocol = review_protocol(store)
            form = ExtractionSession(store, protocol, who, TRIAL, included=INCLUDED)
            made.append(form.add_row("results.result", name))
            fill(session(store, protocol, who, result=made[-1]))
    assert run("merge", path, copy) == 0
    assert run("merge", copy, path) == 0
    for file in (path, copy):  # either file, the same names
        with Store.open(file) as store:
            export_review(store, tmp_path / file.stem, draft=True)
        book = tmp_path / file.stem / "review-draft.xlsx"
        rows = [r for r in sheet(book, "Outcomes") if r["study"] == TRIAL]
        assert sorted(str(r["result"]) for r in rows) == [name, f"{name} (2)"]
        assert {r["result_id"] for r in rows} == set(made)
        rob2 = [r["Study"] for r in sheet(book, "RoB rob2")]
        assert sorted(rob2) == sorted(f"{r['label']} · {r['result']}" for r in rows)

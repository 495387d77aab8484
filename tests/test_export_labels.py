"""The export names a study the same way in every file, so a statistician can
join them: the Outcomes sheet's `label` (metafor's `slab`) is robvis's `Study`
(for RoB 2, `label · result`, the row named in `result`), and `result_id` is
rob_long.csv's. robvis's `rob_append_to_forest` stops on any name that differs."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

from review.exports.writer import export_review
from review.extraction.labels import family_name, label_of
from review.review_file import review_protocol
from review.rob import OVERALL
from review.rob.reports import export as rob_export
from review.sample import build_sample
from tests.conftest import fixed_clock
from tests.rob_session_helpers import COHORT, TRIAL, fill, make_trial, session


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

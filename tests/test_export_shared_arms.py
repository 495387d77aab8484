"""Multi-arm trials: comparisons of one study that share an arm are flagged
in the Outcomes sheet (`arm_1 arm_2 shared_arm`), the Dictionary, `review
export` and `review status`, and R pools them both ways the README shows.

The review is dat.senn2013 (metadat) as extracted: Willms (1999) randomised
metformin, acarbose and placebo, so its two comparisons share the placebo group.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from review.exports import export_review
from review.extraction.shared_arms import (
    ResultRow,
    comparison_sides,
    find_shared_arms,
)
from review.ledger.entities import Entity
from review.store import Store
from tests.conftest import FIXTURES
from tests.export_helpers import SENN, UNLISTED, build_senn_review, senn_key, senn_trials
from tests.test_cli import run
from tests.test_export_metafor import _rscript
from tests.test_export_synthesis import read_csv, sheet

SCRIPT = FIXTURES / "r" / "shared_arms.R"
WILLMS = senn_key(list(senn_trials()).index("Willms (1999)") + 1)
WARNING = (
    "2 comparisons in 1 study share a control arm (column shared_arm): pooled together "
    "they count its participants twice; split its n or model the correlation"
)


@pytest.fixture(scope="module")
def senn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_senn_review(tmp_path_factory.mktemp("senn") / "senn.db")


def _arm(study: str, name: str, n: int) -> Entity:
    return Entity(f"{study}-{n}", study, "arm", name, {}, "ann", "", False, (f"{n:04}", ""))


def _row(rid: str, comparison: str, timepoint: str = "12 months", study: str = "s") -> ResultRow:
    return ResultRow(rid, study, "orr", timepoint, comparison)


ARMS = {"s": [_arm("s", "Nivo q2w", 1), _arm("s", "Nivo q4w", 2), _arm("s", "RT alone", 3)]}


def test_a_comparison_names_two_arms_in_any_usual_spelling() -> None:
    assert comparison_sides("Nivo q2w vs RT") == ("Nivo q2w", "RT")
    assert comparison_sides("Nivo q2w vs. RT") == ("Nivo q2w", "RT")
    assert comparison_sides("Nivo q2w  VERSUS  RT") == ("Nivo q2w", "RT")
    assert comparison_sides("A v B") == ("A", "B")
    assert comparison_sides("Cohort V vs Cohort I") == ("Cohort V", "Cohort I")
    assert comparison_sides("Phase V v. Phase IV") == ("Phase V", "Phase IV")
    assert comparison_sides("single arm") is None
    assert comparison_sides("vs RT") is None
    assert comparison_sides("A vs B vs C") is None


def test_two_comparisons_against_one_control_share_it() -> None:
    found = find_shared_arms(
        [_row("r1", "Nivo q2w vs RT alone"), _row("r2", "nivo  Q4W vs rt alone")], ARMS
    )
    assert found.arms("r1") == found.rows["r1"]
    assert (found.rows["r1"].arm_1, found.rows["r1"].arm_2) == ("s-1", "s-3")
    assert found.rows["r2"].arm_1 == "s-2"  # case and spacing aside
    assert found.rows["r1"].shared == found.rows["r2"].shared == "s-3"
    assert found.summary() is not None and found.summary().startswith(WARNING)
    assert found.unmatched_summary() is None


def test_an_arm_shared_from_either_side_is_named_and_not_called_a_control() -> None:
    found = find_shared_arms(
        [_row("r1", "Nivo q2w vs RT alone"), _row("r2", "RT alone vs Nivo q4w")], ARMS
    )
    assert found.rows["r1"].shared == found.rows["r2"].shared == "s-3"
    assert "share an arm" in (found.summary() or "")


def test_every_pair_of_three_arms_shares_group_2s_arm_when_both_are_shared() -> None:
    rows = [
        _row("r1", "Nivo q2w vs RT alone"),
        _row("r2", "Nivo q4w vs RT alone"),
        _row("r3", "Nivo q2w vs Nivo q4w"),
    ]
    found = find_shared_arms(rows, ARMS)
    assert [found.rows[r].shared for r in ("r1", "r2", "r3")] == ["s-3", "s-3", "s-2"]
    assert found.summary() is not None and found.summary().startswith("3 comparisons in 1 study")


def test_no_shared_arm_across_timepoints_studies_or_one_comparison_reported_twice() -> None:
    other = {**ARMS, "t": [_arm("t", "Nivo q4w", 1), _arm("t", "RT alone", 2)]}
    rows = [
        _row("r1", "Nivo q2w vs RT alone", "12 months"),
        _row("r2", "Nivo q4w vs RT alone", "24 months"),  # another analysis
        _row("r3", "Nivo q4w vs RT alone", study="t"),  # another study
        _row("r4", "Nivo q2w vs RT alone", "12 months"),  # the same pair again (ITT, PP)
        _row("r5", "single arm"),
    ]
    found = find_shared_arms(rows, other)
    assert found.sharing() == [] and found.summary() is None
    assert "r5" not in found.rows


def test_merged_copies_of_an_arm_stand_for_the_first_one() -> None:
    arms = {"s": [*ARMS["s"], _arm("s", "rt ALONE", 4)]}
    found = find_shared_arms([_row("r1", "Nivo q2w vs RT alone")], arms)
    assert found.rows["r1"].arm_2 == "s-3"


def test_names_not_in_the_arms_list_are_reported_only_where_an_arm_could_be_shared() -> None:
    alone = find_shared_arms([_row("r1", "experimental vs control")], ARMS)
    assert alone.rows["r1"].arm_1 is None and alone.unmatched_summary() is None
    rows = [_row("r1", "Nivo q2w vs RT"), _row("r2", "Nivo q4w vs RT")]
    found = find_shared_arms(rows, ARMS)
    assert found.sharing() == []  # not guessed from the words
    assert found.unmatched == {"s": ["RT", "RT"]}
    assert found.unmatched_summary() == (
        "1 study with several comparisons of one outcome and timepoint names arms not in its "
        "Arms list (s: 'RT'): whether they share an arm cannot be checked; name the arms as "
        "listed under Arms, or add them"
    )


def test_outcomes_sheet_and_csv_name_the_arms_and_the_shared_one(
    senn: Path, tmp_path: Path
) -> None:
    with Store.open(senn) as store:
        result = export_review(store, tmp_path / "out")
        arms = {e.name: e.id for e in store.entities.entities(WILLMS, "arm")}
    assert result.warnings == [
        WARNING + " (README: multi-arm studies)"
    ]  # the unlisted trial has one comparison: nothing to check
    book = tmp_path / "out" / "review.xlsx"
    rows = sheet(book, "Outcomes")
    notes = [r["meaning"] for r in sheet(book, "Dictionary") if r["sheet"] == "Outcomes"]
    header = list(rows[0])
    assert header[header.index("result_id") + 1 : header.index("measure")] == [
        "arm_1",
        "arm_2",
        "shared_arm",
    ]
    willms = sorted((r for r in rows if r["study"] == WILLMS), key=lambda r: str(r["comparison"]))
    assert [(r["arm_1"], r["arm_2"], r["shared_arm"]) for r in willms] == [
        (arms["acarbose"], arms["placebo"], arms["placebo"]),
        (arms["metformin"], arms["placebo"], arms["placebo"]),
    ]
    others = [r for r in rows if r["study"] != WILLMS]
    assert all(r["shared_arm"] is None for r in others)
    assert all(r["arm_1"] and r["arm_2"] for r in others if r["study"] != UNLISTED)
    unlisted = next(r for r in rows if r["study"] == UNLISTED)
    assert (unlisted["arm_1"], unlisted["arm_2"]) == (None, None)
    assert any(str(note).startswith(WARNING) for note in notes)
    assert any("shared_arm" in str(note) for note in notes)  # the column's meaning
    csv_rows = read_csv(tmp_path / "out" / "outcomes.csv")
    assert {r["shared_arm"] for r in csv_rows} == {"", arms["placebo"]}
    assert sum(r["shared_arm"] == arms["placebo"] for r in csv_rows) == 2


def test_export_and_status_say_so_on_the_command_line(
    senn: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run("export", senn, "--to", tmp_path / "out", "--only", "csv") == 0
    exported = capsys.readouterr()
    assert f"warning: {WARNING}" in exported.err
    assert "warning" not in exported.out
    assert run("export", senn, "--to", tmp_path / "ris", "--only", "ris") == 0
    assert "share a control arm" not in capsys.readouterr().err  # no sheet, nothing to say
    assert run("status", senn) == 0
    assert f"  warning: {WARNING}" in capsys.readouterr().out
    assert run("status", senn, "--json") == 0
    report = json.loads(capsys.readouterr().out)
    shared = report["stages"]["extraction"]["shared_arms"]
    assert (shared["comparisons"], shared["studies"], shared["unmatched_studies"]) == (2, 1, 0)
    assert shared["lines"][0].startswith(WARNING)


def test_r_pools_the_shared_arm_as_the_readme_shows(senn: Path, tmp_path: Path) -> None:
    rscript = _rscript()
    with Store.open(senn) as store:
        export_review(store, tmp_path / "out")
    run_r = subprocess.run(
        [
            rscript,
            str(SCRIPT),
            str(tmp_path / "out" / "review.xlsx"),
            str(FIXTURES / "metadat" / SENN),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run_r.returncode == 0, run_r.stderr
    lines = {
        line.split()[0]: line.split()[1:] for line in run_r.stdout.splitlines() if line.strip()
    }
    assert lines["types"] == ["character"] * 3  # ids read as text, blanks as NA
    assert run_r.stdout.splitlines()[1] == "sharing|acarbose vs placebo|metformin vs placebo"
    for check in ("vcalc", "split", "covariance"):
        exported, _, by_hand = " ".join(lines[check]).partition(" | ")
        got, want = [float(v) for v in exported.split()], [float(v) for v in by_hand.split()]
        assert got == pytest.approx(want, abs=1e-9), check
    assert float(lines["covariance"][0]) > 0  # the placebo group's covariance is modelled
    assert lines["rows"] == ["28", "28"]
    assert lines["naive_differs"] == ["TRUE"]


def test_the_readme_recipe_is_the_one_r_runs() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("md <- escalc(", readme.index("#### Multi-arm studies"))
    recipe = readme[start : readme.index("```", start)]
    script = SCRIPT.read_text(encoding="utf-8")
    lines = [line.split("  #")[0].rstrip() for line in recipe.splitlines()]
    code = [line for line in lines if line and not line.startswith("#")]
    assert len(code) == 13
    assert [line for line in code if line not in script] == []


def test_the_unmatched_line_names_each_study_with_its_names() -> None:
    """Which study to open (`review extract --study KEY`), not only which names."""
    arms = {**ARMS, "t": [_arm("t", "Nivo q4w", 1), _arm("t", "RT alone", 2)]}
    rows = [
        _row("r1", "Nivo q2w vs RT"),
        _row("r2", "Nivo q4w vs RT"),
        _row("r3", "Nivo q4w vs control", study="t"),
        _row("r4", "Nivo vs control", study="t"),
    ]
    line = find_shared_arms(rows, arms).unmatched_summary() or ""
    assert line.startswith(
        "2 studies with several comparisons of one outcome and timepoint name arms not in "
        "their Arms list (s: 'RT'; t: 'Nivo', 'control'): "
    )

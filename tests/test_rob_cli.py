"""`review rob …`: tools, status, the coloured summary, robvis's tables column
for column as robvis's own example data, the long file out and back in (all or
nothing, every bad row named), and the exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from review.entry import main
from review.errors import ExitCode
from review.review_file import review_protocol
from review.rob import OVERALL, TOOLS, get_tool
from review.rob.events import SHARED, RobLedger
from review.rob.reports import (
    LONG_COLUMNS,
    ROBVIS_TOOL,
    ROBVIS_WORDS,
    ToolSummary,
    export,
    robvis_table,
)
from review.sample import build_sample
from review.store import Store
from tests.conftest import FIXTURES, fixed_clock
from tests.rob_session_helpers import COHORT, TRIAL, fill, judged_sample, make_trial, session

ROBVIS = FIXTURES / "robvis"
ROBVIS_DATA = {
    "rob2": "data_rob2.csv",
    "rob2_cluster": "data_rob2_cluster.csv",
    "robins_i": "data_robins_i.csv",
    "robins_e": "data_robins_e.csv",
    "quadas2": "data_quadas.csv",
    "quips": "data_quips.csv",
    "rob1": "data_rob1.csv",
}
GENERIC_WORDS = {
    "Critical",
    "High",
    "Unclear",
    "Some concerns",
    "Moderate",
    "Low",
    "No information",
}
"""The judgements robvis's `Generic` template draws (its app's list of values)."""


def run(*args: str | Path) -> int:
    with pytest.raises(SystemExit) as exited:
        main([str(a) for a in args])
    return int(exited.value.code or 0)


def read(path: Path) -> list[list[str]]:
    """A CSV as written (a byte-order mark first, for Excel) or as robvis ships it."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def review_file(tmp_path: Path) -> Path:
    """The sample with a randomised trial fully assessed (RoB 2, one result)."""
    path = tmp_path / "sample.db"
    judged_sample(path).close()
    return path


def test_tools_lists_every_tool_with_domains_and_items(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("rob", "tools") == 0
    text = capsys.readouterr().out
    assert "RoB 2" in text and "2.1, 2.2" in text and "QUADAS-2" in text
    assert run("rob", "tools", "--json") == 0
    tools = json.loads(capsys.readouterr().out)
    assert [t["id"] for t in tools] == list(TOOLS)
    rob2 = tools[0]
    assert rob2["robvis"] == "ROB2" and rob2["level"] == "result"
    assert [i["item"] for i in rob2["domains"][0]["items"]] == ["1.1", "1.2", "1.3"]


def test_tools_lists_the_crossover_robins_e_quips_and_rob1_tools(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run("rob", "tools") == 0
    text = capsys.readouterr().out
    assert (
        "DS   Bias arising from period and carryover effects: S.1, S.2, S.3 [derived rule]" in text
    )
    assert "5.1, 5.2, 5.3, 5.4 [derived rule]" in text
    assert "D1   Risk of bias due to confounding: 1.1, 1.2, 1.3, 1.4 [derived rule]" in text
    assert "judgements: Low, Some concerns, High, Very high" in text
    assert "robvis template: ROBINS-E" in text and "robvis template: QUIPS" in text
    assert "Random sequence generation (selection bias): (judged directly)\n" in text
    assert run("rob", "tools", "--json") == 0
    tools = {t["id"]: t for t in json.loads(capsys.readouterr().out)}
    assert tools["rob2_crossover"]["robvis"] == "Generic"
    assert tools["rob2_crossover"]["level"] == "result"
    assert [d["id"] for d in tools["robins_e"]["domains"]] == [f"D{n}" for n in range(1, 8)]
    assert tools["robins_e"]["answers"]["SN"] == "Strong no"


def test_status_lists_studies_results_tools_and_states(
    review_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("rob", "status", review_file) == 0
    out = capsys.readouterr().out
    assert "rob2  complete" in out and "robins_i  in progress" in out
    assert "OS · 2 years" in out
    assert run("rob", "status", review_file, "--only", "not started") == 0
    out = capsys.readouterr().out
    assert "robins_i  not started" in out and "complete" not in out


def test_status_warns_of_an_overall_set_before_the_domains(
    review_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As the assessment screen does; the judgement stays stored as chosen."""
    with Store.open(review_file, now=fixed_clock) as store:
        cohort = session(store, review_protocol(store), study=COHORT)
        cohort.decide(OVERALL, "Low")
        cohort.decide("D1", "Serious")
    assert run("rob", "status", review_file) == 0
    out = capsys.readouterr().out
    assert "    warning: Overall Low was set before D2, D3" in out
    assert "    warning: Overall Low is lower risk than the domains imply (at least Serious)" in out
    assert out.count("warning:") == 2  # the trial's High overall, all domains judged: none


def test_summary_shows_full_words_and_counts(
    review_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("rob", "summary", review_file) == 0
    out = capsys.readouterr().out
    assert "RoB 2 (1)" in out and "ROBINS-I (2)" in out
    assert "High" in out and "Serious" in out
    assert "Serious 1 (50%), Not yet judged 1 (50%)" in out


@pytest.mark.parametrize("tool_id", sorted(ROBVIS_DATA))
def test_robvis_columns_and_words_are_robvis_own(tool_id: str) -> None:
    """Column for column as robvis's example data, and only judgement words
    that data (or robvis's 'No information') uses for the tool."""
    assert set(ROBVIS_DATA) | {"rob2_crossover"} == set(ROBVIS_TOOL)
    tool = get_tool(tool_id)
    example = read(ROBVIS / ROBVIS_DATA[tool_id])
    columns = (*[d.id for d in tool.bias_domains()], OVERALL)
    summary = ToolSummary(tool, columns, columns, ())
    header, rows, left_out = robvis_table(summary)
    assert header == example[0]
    assert rows == [] and left_out == []
    robvis_words = {cell for row in example[1:] for cell in row[1:]} | {"No information"}
    words = ROBVIS_WORDS.get(tool_id, {})
    ours = {words.get(j, j.value) for j in (*tool.scale, *tool.overall_scale)}
    assert ours <= robvis_words


def test_crossover_goes_to_robvis_generic_template_with_domain_s() -> None:
    """robvis has no crossover template; its Generic one takes any domain columns."""
    tool = get_tool("rob2_crossover")
    assert ROBVIS_TOOL[tool.id] == "Generic"
    columns = (*[d.id for d in tool.bias_domains()], OVERALL)
    header, _, _ = robvis_table(ToolSummary(tool, columns, columns, ()))
    assert header == ["Study", "D1", "DS", "D2", "D3", "D4", "D5", "Overall"]
    assert {j.value for j in (*tool.scale, *tool.overall_scale)} <= GENERIC_WORDS


def test_export_writes_robvis_tables_and_the_long_file(
    review_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run("rob", "export", review_file, "--to", out) == 0
    said = capsys.readouterr().out
    assert 'rob2: 1 row (robvis tool "ROB2")' in said
    assert "robins_i: 0 rows" in said and "2 not fully judged left out" in said
    plain = read(out / "rob2.csv")
    assert plain[0] == read(ROBVIS / "data_rob2.csv")[0]
    [row] = plain[1:]
    assert row[0].endswith("· OS · 2 years · RT+ICI vs RT") and row[-1] == "High"
    weighted = read(out / "rob2_weighted.csv")
    assert weighted[0] == [*plain[0], "Weight"] and weighted[1] == [*row, "1"]
    long = read(out / "rob_long.csv")
    assert tuple(long[0]) == LONG_COLUMNS
    [overall] = [r for r in long[1:] if r[7] == OVERALL and r[2] == "rob2"]
    assert overall[5] == "ann" and overall[8:11] == ["", "", ""]
    assert overall[12:14] == ["High", "several domains with concerns, as a whole high"]
    assert overall[11] in {"Low", "Some concerns", "High"}  # the suggestion beside it
    answers = [r for r in long[1:] if r[2] == "rob2" and r[8]]
    assert answers and all(r[10] == "p. 1" and r[12] for r in answers)
    assert not list(tmp_path.glob("out/.*"))  # no temporary files left


def test_import_round_trip_gives_the_same_answers(review_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("rob", "export", review_file, "--to", out) == 0
    blank = tmp_path / "blank.db"
    with build_sample(blank, now=fixed_clock) as store:
        protocol = review_protocol(store)
        make_trial(store, protocol)
    long = read(out / "rob_long.csv")
    header, rows = long[0], long[1:]
    with Store.open(blank) as store:
        result_id = store.entities.entities(TRIAL)[0].id
    at = header.index("result_id")
    for r in rows:
        if r[at]:
            r[at] = result_id
    edited = tmp_path / "answers.csv"
    with edited.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    assert run("rob", "import", blank, edited, "--reviewer", "ann") == 0
    with Store.open(review_file) as a, Store.open(blank) as b:
        tool = get_tool("rob2")
        a_result = a.entities.entities(TRIAL)[0].id
        first = RobLedger(a.rob.events(TRIAL)).assessment(tool, (TRIAL, a_result, "rob2"), SHARED)
        second = RobLedger(b.rob.events(TRIAL)).assessment(tool, (TRIAL, result_id, "rob2"), SHARED)
        assert first == second and first.is_complete
        robins = get_tool("robins_i")
        target = (COHORT, "", "robins_i")
        assert RobLedger(a.rob.events(COHORT)).assessment(robins, target, SHARED) == RobLedger(
            b.rob.events(COHORT)
        ).assessment(robins, target, SHARED)
        imported = len(b.rob.events())
    assert run("rob", "import", blank, edited, "--reviewer", "ann") == 0  # again: nothing new
    with Store.open(blank) as b:
        assert len(b.rob.events()) == imported


def test_a_malformed_import_changes_nothing_and_names_each_row(
    review_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "study,tool,result,item,answer,support\n"
        f"{COHORT},robins_i,,1.1,N,p. 2\n"
        f"{COHORT},robins_i,,1.1,Maybe,\n"
        f"{COHORT},robins_i,,9.9,Y,\n"
        f"{COHORT},rob2,,1.1,Y,\n"
        "doi:nowhere,robins_i,,1.1,Y,\n"
        f"{TRIAL},rob2,no such result,1.1,Y,\n",
        encoding="utf-8",
    )
    with Store.open(review_file) as store:
        before = len(store.rob.events())
    capsys.readouterr()
    assert run("rob", "import", review_file, bad, "--reviewer", "ann") == ExitCode.INPUT
    err = capsys.readouterr().err
    assert "5 problems; nothing was imported" in err
    assert ":3:answer: RoB" not in err and "bad.csv:3:answer:" in err and "'Maybe'" in err
    assert "bad.csv:4:item:" in err and "'9.9'" in err
    assert "bad.csv:5:tool:" in err and "bad.csv:6:study:" in err and "bad.csv:7:result:" in err
    with Store.open(review_file) as store:
        assert len(store.rob.events()) == before
    missing = tmp_path / "missing.csv"
    missing.write_text("study,item\nx,1.1\n", encoding="utf-8")
    assert run("rob", "import", review_file, missing, "--reviewer", "ann") == ExitCode.INPUT
    assert "missing columns: tool, answer" in capsys.readouterr().err


def test_judgement_rows_take_domains_in_any_case_and_name_overall(
    review_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spreadsheet's `overall` or `d2` is the tool's Overall and D2; an
    unknown domain's hint names the overall judgement's spelling too."""
    rows = tmp_path / "judge.csv"
    head = "study,tool,item,answer,domain,final,justification\n"
    rows.write_text(head + f"{COHORT},robins_i,,,overall judgement,Low,x\n", encoding="utf-8")
    capsys.readouterr()
    assert run("rob", "import", review_file, rows, "--reviewer", "kim") == ExitCode.INPUT
    err = capsys.readouterr().err
    assert "judge.csv:2:domain:" in err and "or Overall for the overall judgement" in err
    rows.write_text(
        head
        + f"{COHORT},robins_i,,,d2,Serious,as read\n"
        + f"{COHORT},robins_i,,,overall,Serious,as a whole\n",
        encoding="utf-8",
    )
    assert run("rob", "import", review_file, rows, "--reviewer", "kim") == 0
    with Store.open(review_file) as store:
        decisions = session(store, review_protocol(store), "kim", COHORT).assessment.decisions
        assert decisions["D2"].final.value == "Serious"
        assert decisions[OVERALL].justification == "as a whole"


def test_an_override_without_justification_is_refused_on_import(
    review_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = tmp_path / "judge.csv"
    rows.write_text(
        f"study,tool,item,answer,domain,final,justification\n{COHORT},robins_i,,,D1,Low,\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert run("rob", "import", review_file, rows, "--reviewer", "kim") == ExitCode.INPUT
    assert "departs from the suggested Serious" in capsys.readouterr().err
    rows.write_text(
        "study,tool,item,answer,domain,final,justification\n"
        f"{COHORT},robins_i,,,D1,Low,confounders were measured well\n",
        encoding="utf-8",
    )
    assert run("rob", "import", review_file, rows, "--reviewer", "kim") == 0
    with Store.open(review_file) as store:
        s = session(store, review_protocol(store), "kim", COHORT)
        assert s.assessment.decisions["D1"].justification == "confounders were measured well"


def test_exit_codes(review_file: Path, tmp_path: Path) -> None:
    answers = tmp_path / "a.csv"
    answers.write_text("study,tool,item,answer\n", encoding="utf-8")
    assert run("rob", "import", review_file, answers) == ExitCode.USAGE  # no reviewer
    assert run("rob", "status", tmp_path / "none.db") == ExitCode.STORE
    assert run("rob", "summary", tmp_path / "none.db") == ExitCode.STORE
    assert run("rob", "export", review_file, "--to", review_file) == ExitCode.USAGE


def test_review_export_holds_the_same_robvis_table(review_file: Path, tmp_path: Path) -> None:
    """The workbook's RoB sheet and rob_<tool>.csv are `review rob export`'s table."""
    rob_out, out = tmp_path / "rob", tmp_path / "export"
    assert run("rob", "export", review_file, "--to", rob_out) == 0
    assert run("export", review_file, "--to", out, "--draft") == 0
    robvis = read(rob_out / "rob2.csv")
    assert read(out / "rob_rob2-draft.csv") == robvis
    sheet = openpyxl.load_workbook(out / "review-draft.xlsx", read_only=True)["RoB rob2"]
    assert [[str(v) for v in row] for row in sheet.iter_rows(values_only=True)] == robvis


def test_export_writes_the_new_tools_in_robvis_layouts(tmp_path: Path) -> None:
    """A crossover trial (RoB 2 crossover, robvis Generic) and an exposure cohort
    (ROBINS-E) chosen by the design map, fully judged, go out as robvis reads them."""
    with build_sample(tmp_path / "s.db", now=fixed_clock) as store:
        protocol = review_protocol(store)
        tools = {**protocol.risk_of_bias.tools, "rct": "rob2_crossover", "cohort": "robins_e"}
        rob = protocol.risk_of_bias.model_copy(update={"tools": tools})
        protocol = protocol.model_copy(update={"risk_of_bias": rob})
        trial = session(store, protocol, "ann", result=make_trial(store, protocol))
        fill(trial)
        cohort = session(store, protocol, "ann", COHORT)
        fill(cohort)
        report = export(store, protocol, tmp_path / "out")
    crossover = read(tmp_path / "out" / "rob2_crossover.csv")
    assert crossover[0] == ["Study", "D1", "DS", "D2", "D3", "D4", "D5", "Overall"]
    assert len(crossover) == 2 and set(crossover[1][1:]) <= {"Low", "Some concerns", "High"}
    exposure = read(tmp_path / "out" / "robins_e.csv")
    assert exposure[0] == read(ROBVIS / "data_robins_e.csv")[0]
    assert report.rows["robins_e"] == 1 and report.rows["rob2_crossover"] == 1
    long = read(tmp_path / "out" / "rob_long.csv")
    assert any(r[2] == "rob2_crossover" and r[8] == "S.1" for r in long[1:])
    assert any(r[2] == "robins_e" and r[8] == "1.1" and r[9] == "Y" for r in long[1:])

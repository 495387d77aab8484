"""Protocol files: the sample and template load, and every problem is reported at once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.errors import ExitCode, Problem, ProtocolError
from review.models import Stage
from review.protocol.loader import (
    check_protocol,
    check_protocol_text,
    load_protocol,
    parse_protocol,
    read_yaml,
)
from review.protocol.models import term_pattern

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "protocols" / "rt-io-head-neck.yaml"
TEMPLATE = ROOT / "protocols" / "template.yaml"
BAD = Path(__file__).resolve().parent / "fixtures" / "protocol"


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `needle`, so tests name lines by content."""
    hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def by_field(problems: list[Problem], field: str) -> list[Problem]:
    return [p for p in problems if p.field == field]


def one(problems: list[Problem], field: str) -> Problem:
    found = by_field(problems, field)
    assert len(found) == 1, (field, problems)
    return found[0]


# --- the shipped files --------------------------------------------------------


def test_sample_protocol_loads_and_drives_every_stage() -> None:
    loaded = load_protocol(SAMPLE)
    protocol = loaded.protocol
    assert "immune checkpoint inhibitors" in protocol.review.title
    assert protocol.screening.reviewers_per_record == 2 and protocol.screening.is_blind

    title_abstract = protocol.stage(Stage.TITLE_ABSTRACT)
    full_text = protocol.stage("full_text")
    assert not title_abstract.reason_required and full_text.reason_required
    assert full_text.reason("no_radiotherapy").label == "No radiotherapy component"
    assert [r.id for r in full_text.reasons if r.not_retrieved] == ["not_retrieved"]
    for stage in (title_abstract, full_text):
        assert all("," not in r.label and ";" not in r.label for r in stage.reasons)

    design = protocol.design_field()
    assert design is not None
    assert design.option_ids() == [
        "rct",
        "non_randomised_trial",
        "cohort",
        "case_series",
        "case_report",
    ]
    assert protocol.risk_of_bias.tool_for("rct") == "rob2"
    assert protocol.risk_of_bias.tool_for("cohort") == "robins_i"
    assert protocol.risk_of_bias.tool_for("case_report") == "jbi_case_report"
    assert set(protocol.synthesis.narrative_only) == {"case_report", "case_series"}

    fields = {ref.key: ref for ref in protocol.all_form_fields()}
    assert fields["study.follow_up_median"].field.unit == "months"
    assert fields["arms.arm.rt_dose_gy"].group is not None
    assert fields["arms.arm.rt_dose_gy"].group.repeat == "arm"
    metafor = {ref.field.metafor: ref.key for ref in fields.values() if ref.field.metafor}
    assert metafor["ai"] == "results.result.events_1"
    assert metafor["m1i"] == "results.result.mean_1"
    assert {"ai", "ci", "n1i", "n2i", "xi", "ni", "sd1i", "sd2i", "hr"} <= set(metafor)
    assert {metafor["ci_lower"], metafor["ci_upper"]} == {
        "results.result.hr_ci_lower",
        "results.result.hr_ci_upper",
    }

    terms = protocol.highlight_terms()
    assert "nivolumab" in terms.include and "xenograft" in terms.exclude
    pattern = term_pattern(terms.include)
    assert pattern is not None
    found = pattern.findall("Oropharyngeal SCC after IMRT with nivolumab; irradiated")
    assert found == ["Oropharyngeal", "IMRT", "nivolumab"]
    variants = term_pattern(["checkpoint inhibitor", "therapy", "case report"])
    assert variants is not None
    text = "Checkpoint-inhibitors, therapies, a case report; reporter therapist"
    assert variants.findall(text) == ["Checkpoint-inhibitors", "therapies", "case report"]


def test_template_loads_and_keeps_no_as_text() -> None:
    protocol = load_protocol(TEMPLATE).protocol
    field = protocol.form_field("study.blinded_assessors").field
    assert field.option_ids() == ["yes", "no", "unclear"]
    assert protocol.risk_of_bias.tool_for("other") == "robins_i"
    assert check_protocol(TEMPLATE) == []


def test_hash_is_of_the_text_and_changes_with_it(tmp_path: Path) -> None:
    first = load_protocol(SAMPLE)
    assert first.text == SAMPLE.read_text(encoding="utf-8")
    assert first.hash == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    copy = tmp_path / "edited.yaml"
    copy.write_text(first.text.replace("Sample Reviewer B", "Sample Reviewer C"), "utf-8")
    edited = load_protocol(copy)
    assert edited.hash != first.hash
    assert edited.protocol.review.authors[-1] == "Sample Reviewer C"
    assert parse_protocol(first.text).hash == first.hash  # the copy a review file keeps


# --- every problem at once -------------------------------------------------------


def test_many_problems_are_all_reported_with_lines_and_hints() -> None:
    path = BAD / "many_problems.yaml"
    problems = check_protocol(path)

    missing = one(problems, "review.question")
    assert missing.line == line_of(path, "review:")
    assert "missing" in missing.message and "add `question:` under review" in (missing.hint or "")

    unknown = one(problems, "screening.reviewrs_per_record")
    assert unknown.line == line_of(path, "reviewrs_per_record")
    assert unknown.hint == "did you mean `reviewers_per_record`?"

    duplicate = one(problems, "screening.stages.full_text.reasons[1].id")
    assert duplicate.line == line_of(path, "- id: population", 2)
    assert f"first on line {line_of(path, '- id: population')}" in duplicate.message

    semicolon = one(problems, "screening.stages.full_text.reasons[2].label")
    assert semicolon.line == line_of(path, "Wrong design; or setting")
    assert "';'" in semicolon.message

    lonely = one(problems, "extraction.sections[0].fields[1].options")
    assert lonely.line == line_of(path, "options: [single]")
    assert "at least 2 options" in lonely.message

    bounds = one(problems, "extraction.sections[0].fields[2].min")
    assert bounds.line == line_of(path, "min: 90")
    assert "greater than max" in bounds.message

    enum = one(problems, "extraction.sections[0].fields[3].type")
    assert enum.line == line_of(path, "type: txt")
    assert enum.hint == "did you mean 'text'?"

    # `options: [no, yes]` is a valid choice: no problem mentions that field.
    assert not [
        p for p in problems if (p.field or "").startswith("extraction.sections[0].fields[0]")
    ]
    raw, _, _ = read_yaml(path.read_text())
    assert raw["extraction"]["sections"][0]["fields"][0]["options"] == ["no", "yes"]

    assert len(problems) == 7, "\n".join(p.render() for p in problems)
    assert [p.line for p in problems] == sorted(p.line or 0 for p in problems)


def test_load_raises_protocol_error_listing_every_problem() -> None:
    path = BAD / "many_problems.yaml"
    with pytest.raises(ProtocolError) as caught:
        load_protocol(path)
    error = caught.value
    assert error.exit_code == ExitCode.PROTOCOL
    assert error.path == path and len(error.problems) == 7
    assert f"{path}:{line_of(path, 'type: txt')}:extraction.sections[0].fields[3].type" in str(
        error
    )


def test_yaml_syntax_error_reports_its_line() -> None:
    [problem] = check_protocol(BAD / "syntax_error.yaml")
    assert problem.line == 7 and "starts on line 4" in problem.message
    assert problem.hint == "a quote or bracket is not closed"
    [tab] = check_protocol(BAD / "tab_indent.yaml")
    assert tab.line == 3 and "tabs" in (tab.hint or "")


def test_a_control_character_is_named_with_its_line(tmp_path: Path) -> None:
    pasted = tmp_path / "pasted.yaml"
    pasted.write_text('version: 1\nreview:\n  title: "RT \x07 and ICI"\n', encoding="utf-8")
    [problem] = check_protocol(pasted)
    assert problem.line == 3 and "U+0007" in problem.message


def test_duplicate_keys_are_refused_naming_both_lines() -> None:
    path = BAD / "duplicate_key.yaml"
    problem = one(check_protocol(path), "review.title")
    assert problem.line == line_of(path, "Second title")
    assert f"also on line {line_of(path, 'First title')}" in problem.message


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.yaml", "is empty"),
        ("comment_only.yaml", "is empty"),
        ("list.yaml", "not a list"),
    ],
)
def test_empty_or_list_files_give_one_clear_problem(name: str, words: str) -> None:
    [problem] = check_protocol(BAD / name)
    assert words in problem.message and problem.line == 1 and problem.hint


def test_unreadable_files_are_problems_not_crashes(tmp_path: Path) -> None:
    [missing] = check_protocol(tmp_path / "absent.yaml")
    assert "cannot read" in missing.message
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes("version: 1\nreview:\n  title: Caf\xe9\n".encode("latin-1"))
    [problem] = check_protocol(latin)
    assert problem.line == 3 and "UTF-8" in problem.message
    with pytest.raises(ProtocolError):
        load_protocol(latin)


# --- YAML 1.1 traps and strict types ---------------------------------------------


def test_only_true_and_false_are_booleans() -> None:
    raw, lines, problems = read_yaml(
        "a: [no, yes, on, off, y, n, NO, true, False]\n"
        "b: [012, '7', 1:30, 2024-05-01, 1.5, 3, ~, null, none]\n"
    )
    assert problems == []
    assert raw["a"] == ["no", "yes", "on", "off", "y", "n", "NO", True, False]
    assert raw["b"] == [12, "7", "1:30", "2024-05-01", 1.5, 3, None, None, "none"]
    assert lines[("b",)] == 2 and lines[("a", 0)] == 1


def test_yes_for_a_boolean_is_an_error_with_a_hint() -> None:
    text = TEMPLATE.read_text().replace("blind: true", "blind: yes")
    problem = one(check_protocol_text(text), "screening.blind")
    assert "true or false" in problem.message and "'yes' is read as text" in (problem.hint or "")


def template_with(*edits: tuple[str, str]) -> str:
    text = TEMPLATE.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def test_blinding_needs_two_reviewers() -> None:
    text = template_with(("reviewers_per_record: 2", "reviewers_per_record: 1"))
    problem = one(check_protocol_text(text), "screening.blind")
    assert "two reviewers" in problem.message


def test_extractors_per_study_and_blinding() -> None:
    protocol = parse_protocol(TEMPLATE.read_text(), path=str(TEMPLATE)).protocol
    assert protocol.extraction.reviewers_per_study == 1 and not protocol.extraction.is_blind
    dual = parse_protocol(
        template_with(("reviewers_per_study: 1", "reviewers_per_study: 2")), path="t.yaml"
    ).protocol
    assert dual.extraction.is_blind
    text = template_with(("# blind: true  ", "blind: true    "))
    problem = one(check_protocol_text(text), "extraction.blind")
    assert "two extractors" in problem.message and problem.line is not None
    problem = one(
        check_protocol_text(template_with(("reviewers_per_study: 1", "reviewers_per_study: 3"))),
        "extraction.reviewers_per_study",
    )
    assert problem.line is not None


def test_risk_of_bias_designs_must_be_options_of_the_design_field() -> None:
    text = template_with(("    other: robins_i", "    othr: robins_i"))
    problems = check_protocol_text(text)
    typo = one(problems, "risk_of_bias.tools.othr")
    assert typo.hint == "did you mean `other`?"
    assert "no risk-of-bias tool for design `other`" in one(problems, "risk_of_bias.tools").message


def test_bad_tool_and_unit_rules() -> None:
    text = template_with(
        ("    rct: rob2", "    rct: rob3"),
        ("          unit: months\n", ""),
    )
    problems = check_protocol_text(text)
    assert one(problems, "risk_of_bias.tools.rct").hint == "did you mean 'rob2'?"
    assert "needs a `unit`" in one(problems, "extraction.sections[0].fields[2].unit").message


def test_metafor_columns_only_in_results_groups() -> None:
    text = template_with(("          min: 1\n", "          min: 1\n          metafor: n1i\n"))
    problem = one(check_protocol_text(text), "extraction.sections[0].fields[1].metafor")
    assert "outcome_timepoint" in problem.message


def test_unknown_key_without_a_near_name_lists_the_allowed_ones() -> None:
    text = template_with(("pico:", "colour: blue\npico:"))
    problem = one(check_protocol_text(text), "colour")
    assert "keys allowed here: version, review" in (problem.hint or "")


def test_stage_helpers() -> None:
    protocol = load_protocol(TEMPLATE).protocol
    assert protocol.stage("title_abstract").reasons == []
    with pytest.raises(KeyError, match="population, design, not_retrieved"):
        protocol.stage(Stage.FULL_TEXT).reason("wrong_dose")
    with pytest.raises(ValueError):
        protocol.stage("abstract")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_problems_never_a_crash(text: str) -> None:
    problems = check_protocol_text(text)
    assert problems and all(isinstance(p, Problem) and p.message for p in problems)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=20_000), st.text(max_size=5))
def test_damaged_sample_gives_problems_never_a_crash(cut: int, junk: str) -> None:
    text = SAMPLE.read_text()
    damaged = text[:cut] + junk + text[cut + len(junk) :]
    problems = check_protocol_text(damaged)
    assert all(isinstance(p, Problem) and p.message for p in problems)

"""The registry, the tools' shape, answer validation and the Assessment value."""

from __future__ import annotations

import typing

import pytest

from review.errors import ExitCode
from review.protocol.models import RESULT_LEVEL_TOOLS, RobTool
from review.rob import (
    OVERALL,
    TOOLS,
    UNAVAILABLE,
    Assessment,
    Difference,
    InvalidAnswer,
    InvalidJudgement,
    Judgement,
    ToolUnavailable,
    compare,
    get_tool,
    parse_answer,
    parse_judgement,
    suggest,
    validate_answer,
)
from review.rob.model import When
from review.rob.rob2 import ROB2
from tests.rob_helpers import paths

L, S, H = Judgement.LOW, Judgement.SOME_CONCERNS, Judgement.HIGH

# A RoB 2 result at low risk in every domain (effect of assignment).
ALL_LOW = {
    "1.1": "Y", "1.2": "Y", "1.3": "N",
    "2.1": "N", "2.2": "N", "2.6": "Y",
    "3.1": "Y",
    "4.1": "N", "4.2": "N", "4.3": "N",
    "5.1": "Y", "5.2": "N", "5.3": "N",
}  # fmt: skip


def test_every_protocol_tool_id_is_known() -> None:
    ids = set(typing.get_args(RobTool))
    assert ids <= set(TOOLS) | set(UNAVAILABLE)
    assert not set(TOOLS) & set(UNAVAILABLE)
    assert {t for t in TOOLS if TOOLS[t].level == "result"} == set(RESULT_LEVEL_TOOLS)


def test_unavailable_tools_say_why() -> None:
    with pytest.raises(ToolUnavailable, match="not appraised") as caught:
        get_tool("none")
    assert caught.value.exit_code == ExitCode.USAGE
    with pytest.raises(ToolUnavailable, match="unknown risk-of-bias tool 'rob3'"):
        get_tool("rob3")
    assert get_tool("rob2") is ROB2


@pytest.mark.parametrize("tool_id", sorted(TOOLS))
def test_tool_is_well_formed(tool_id: str) -> None:
    tool = TOOLS[tool_id]
    assert tool.citation.year and tool.citation.source and tool.overall_source
    for variant in [v.id for v in tool.variants] or [None]:
        domains = tool.domains_for(variant)
        items = [q.item for d in domains for q in d.questions]
        assert len(items) == len(set(items)), "items repeat within a variant"
        assert len({d.id for d in domains}) == len(domains)
        for d in domains:
            assert d.rule_source
            assert (d.rule is None) == (d.rule_kind == "reviewer")
            earlier: list[str] = []
            for q in d.questions:
                assert len(q.text) <= 100, "a short paraphrase, not the published wording"
                for option in q.options:
                    assert option in q.labels or option in tool.answer_labels
                conditions = [] if q.when is None else getattr(q.when, "conditions", [q.when])
                for c in conditions:
                    assert isinstance(c, When) and set(c.items) <= set(earlier), q.item
                earlier.append(q.item)


@pytest.mark.parametrize("tool_id", sorted(TOOLS))
def test_suggestions_stay_on_the_scale(tool_id: str) -> None:
    tool = TOOLS[tool_id]
    for variant in [v.id for v in tool.variants] or [None]:
        for d in tool.domains_for(variant):
            if d.rule is None or len(d.questions) > 8:
                continue
            for a in paths(tool, d):
                assert suggest(tool, d, a) in tool.scale


def test_invalid_answers_are_refused_naming_the_item() -> None:
    with pytest.raises(InvalidAnswer, match=r"RoB 2 item 1\.2: 'maybe' is not an allowed") as e:
        validate_answer(ROB2, "1.2", "maybe")
    assert e.value.field == "1.2" and "Y, PY, PN, N, NI" in str(e.value)
    with pytest.raises(InvalidAnswer, match=r"no item '9\.9'"):
        validate_answer(ROB2, "9.9", "Y")
    with pytest.raises(InvalidAnswer, match=r"item 2\.4: 'NA'"):
        validate_answer(ROB2, "2.4", "NA")  # only the adhering version offers NA
    validate_answer(ROB2, "2.4", "NA", variant="adhering")
    with pytest.raises(InvalidAnswer, match="no variant 'per_protocol'"):
        Assessment(ROB2, "per_protocol")
    with pytest.raises(InvalidAnswer, match=r"item 1\.1"):
        suggest(ROB2, "D1", {"1.1": "yes", "1.2": "Y", "1.3": "N"})


def _filled(values: dict[str, str], variant: str | None = None) -> Assessment:
    a = Assessment(ROB2, variant)
    for item, value in values.items():
        a = a.answer(item, value, support=f"p. 3: quote for {item}")
    return a


def test_confirming_needs_no_justification_and_overall_follows() -> None:
    a = _filled(ALL_LOW)
    assert a.variant == "assignment"
    assert [a.suggested(d.id) for d in a.domains] == [L] * 5
    assert a.suggested(OVERALL) is None  # no domain confirmed yet
    for d in a.domains:
        a = a.decide(d.id, L)
    assert a.suggested(OVERALL) == L
    a = a.decide(OVERALL, L)
    assert a.is_complete
    assert a.answers["1.1"].support == "p. 3: quote for 1.1"


def test_an_override_needs_a_justification() -> None:
    a = _filled({**ALL_LOW, "5.2": "NI"})
    assert a.suggested("D5") == S
    with pytest.raises(InvalidJudgement, match="departs from the suggested Some concerns"):
        a.decide("D5", L)
    with pytest.raises(InvalidJudgement):
        a.decide("D5", L, "   ")
    a = a.decide("D5", L, "Registered protocol lists one measure only (NCT…)")
    assert a.decisions["D5"].justification.startswith("Registered")
    assert a.final("D5") == L


def test_several_concerns_raised_to_high_with_a_justification() -> None:
    a = _filled({**ALL_LOW, "1.3": "Y", "5.1": "N", "3.1": "N", "3.2": "N", "3.3": "N"})
    for d in a.domains:
        a = a.decide(d.id, a.suggested(d.id) or L)
    assert a.suggested(OVERALL) == S
    with pytest.raises(InvalidJudgement):
        a.decide(OVERALL, H)
    a = a.decide(OVERALL, H, "Concerns in D1 and D5 together substantially lower confidence")
    assert a.final(OVERALL) == H and a.is_complete


def test_a_changed_answer_flags_a_confirmed_judgement() -> None:
    a = _filled(ALL_LOW)
    for d in a.domains:
        a = a.decide(d.id, L)
    a = a.decide(OVERALL, L)
    a = a.answer("1.2", "N")  # concealment broken: D1 now suggests high
    assert a.suggested("D1") == H
    assert a.problems() == [
        "D1: Low departs from the suggested High unjustified",
    ]
    a = a.decide("D1", H)
    assert a.problems() == ["Overall: Low departs from the suggested High unjustified"]


def test_unanswered_and_undecided_are_listed_in_order() -> None:
    a = _filled({"1.1": "Y", "2.1": "Y"})
    problems = a.problems()
    assert problems[:3] == [
        "D1: unanswered 1.2, 1.3",
        "D1: no judgement yet",
        "D2: unanswered 2.2, 2.3, 2.6",
    ]
    assert problems[-1] == "Overall: no judgement yet"


def test_direction_of_bias_is_optional_and_checked() -> None:
    a = _filled(ALL_LOW).decide("D1", L, direction="Towards null")
    assert a.decisions["D1"].direction == "Towards null"
    with pytest.raises(InvalidJudgement, match="not a direction of bias"):
        a.decide("D2", L, direction="sideways")


def test_judgement_off_the_scale_is_refused() -> None:
    with pytest.raises(InvalidJudgement, match="D1: 'Moderate' is not on the scale"):
        _filled(ALL_LOW).decide("D1", Judgement.MODERATE)


def test_adhering_variant_walks_its_own_domain_2() -> None:
    a = _filled({"2.1": "N", "2.2": "N", "2.4": "NA", "2.5": "N"}, "adhering")
    assert a.suggested("D2") == L
    assert "2.3" not in [q.item for d in a.domains for q in d.questions if q.item in a.answers]


def test_answers_and_judgements_parse_from_codes_or_words() -> None:
    assert parse_answer(ROB2, "1.1", " probably yes ") == "PY"
    assert parse_answer(ROB2, "1.1", "py") == "PY"
    assert parse_answer(ROB2, "2.4", "Not applicable", variant="adhering") == "NA"
    with pytest.raises(InvalidAnswer, match=r"item 3\.2: 'No information'"):
        parse_answer(ROB2, "3.2", "No information")
    assert parse_answer(TOOLS["nos"], "S1", "somewhat representative") == "b"
    assert parse_judgement(ROB2, "D1", "some concerns") == S
    assert parse_judgement(TOOLS["jbi_case_report"], OVERALL, "seek further info", overall=True)
    with pytest.raises(InvalidJudgement, match="'Moderate' is not on the scale"):
        parse_judgement(ROB2, "D1", "Moderate")


def test_two_reviewers_differences() -> None:
    alice = _filled(ALL_LOW)
    bob = _filled({**ALL_LOW, "2.1": "Y", "2.3": "N", "5.1": "PY", "4.3": "Y", "4.4": "N"})
    for d in alice.domains:
        alice = alice.decide(d.id, L)
        bob = bob.decide(d.id, L)
    bob = bob.decide("D5", S, "Plan registered after enrolment ended")
    assert compare(alice, bob) == [
        Difference("D2", "2.1", "N", "Y"),
        Difference("D2", "2.3", "NA", "N"),
        Difference("D4", "4.3", "N", "Y"),
        Difference("D4", "4.4", "NA", "N"),
        Difference("D5", "5.1", "Y", "PY"),
        Difference("D5", None, L, S),
    ]
    assert compare(alice, alice.answer("2.4", "Y")) == []  # a stale answer neither is asked
    with pytest.raises(ValueError, match="cannot compare"):
        compare(alice, Assessment(ROB2, "adhering"))

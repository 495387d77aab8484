"""The Newcastle–Ottawa Scale for cohort and case–control studies, and its AHRQ conversion.

Stars per item as published (Wells GA, Shea B, O'Connell D, et al., ohri.ca);
each domain's stars are banded and the worst band is the study's rating,
following the thresholds for converting NOS to AHRQ standards as commonly
applied (e.g. Sharmin S, Kypri K, Khanam M, et al. Int J Environ Res Public
Health 2017;14(3):287):

    good  selection 3–4  and comparability 1–2  and outcome/exposure 2–3
    fair  selection 2    and comparability 1–2  and outcome/exposure 2–3
    poor  selection 0–1  or  comparability 0    or  outcome/exposure 0–1

The published wording joins the poor criteria with "plus", which would leave
e.g. 4 / 0 / 3 stars unrated; like most reviews we read them as "or", so
every score has exactly one rating.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from review.rob.model import Citation, Domain, Judgement, Question, Tool, Variant
from review.rob.rob2 import worst

GOOD, FAIR, POOR = Judgement.GOOD, Judgement.FAIR, Judgement.POOR

CITATION = Citation(
    authors="Wells GA, Shea B, O'Connell D, Peterson J, Welch V, Losos M, Tugwell P",
    year=2000,
    title="The Newcastle-Ottawa Scale (NOS) for assessing the quality of nonrandomised studies "
    "in meta-analyses",
    source="https://www.ohri.ca/programs/clinical_epidemiology/oxford.asp; AHRQ conversion as "
    "applied in Sharmin et al. Int J Environ Res Public Health 2017;14(3):287",
)


def _item(item: str, text: str, options: Sequence[tuple[str, str, int]]) -> Question:
    """An item whose options are (code, label, stars)."""
    return Question(
        item,
        text,
        tuple(code for code, _, _ in options),
        labels={code: label for code, label, _ in options},
        stars={code: stars for code, _, stars in options},
    )


def stars(domain: Domain, answers: Mapping[str, str]) -> int:
    """Stars earned in a domain; unanswered items earn none."""
    return sum(q.stars.get(answers.get(q.item, ""), 0) for q in domain.questions)


def _banded(
    questions: tuple[Question, ...], good: int, fair: int | None
) -> Callable[[Mapping[str, str]], Judgement]:
    """A rule: at least `good` stars → good, at least `fair` → fair, fewer → poor."""

    def rule(answers: Mapping[str, str]) -> Judgement:
        earned = sum(q.stars.get(answers.get(q.item, ""), 0) for q in questions)
        if earned >= good:
            return GOOD
        return FAIR if fair is not None and earned >= fair else POOR

    return rule


def overall_rule(judgements: Sequence[Judgement]) -> Judgement:
    """The worst domain band: poor anywhere → poor; fair selection → fair; else good."""
    return worst(judgements, (GOOD, FAIR, POOR))


COMPARABILITY = _item(
    "C1",
    "Comparable on design or analysis: controls for the main factor (a), any other (b)",
    (
        ("a+b", "Both a and b", 2),
        ("a", "Main factor only", 1),
        ("b", "Other factor only", 1),
        ("none", "Neither", 0),
    ),
)

COHORT_SELECTION = (
    _item(
        "S1",
        "How representative is the exposed cohort?",
        (
            ("a", "Truly representative", 1),
            ("b", "Somewhat representative", 1),
            ("c", "Selected group", 0),
            ("d", "Not described", 0),
        ),
    ),
    _item(
        "S2",
        "Where was the non-exposed cohort drawn from?",
        (
            ("a", "Same community as exposed", 1),
            ("b", "Different source", 0),
            ("c", "Not described", 0),
        ),
    ),
    _item(
        "S3",
        "How was exposure ascertained?",
        (
            ("a", "Secure record", 1),
            ("b", "Structured interview", 1),
            ("c", "Written self-report", 0),
            ("d", "Not described", 0),
        ),
    ),
    _item("S4", "Was the outcome shown absent at the start?", (("a", "Yes", 1), ("b", "No", 0))),
)
COHORT_OUTCOME = (
    _item(
        "O1",
        "How was the outcome assessed?",
        (
            ("a", "Independent blind assessment", 1),
            ("b", "Record linkage", 1),
            ("c", "Self-report", 0),
            ("d", "Not described", 0),
        ),
    ),
    _item(
        "O2",
        "Was follow-up long enough for the outcome to occur?",
        (("a", "Yes", 1), ("b", "No", 0)),
    ),
    _item(
        "O3",
        "Was follow-up adequate?",
        (
            ("a", "Complete", 1),
            ("b", "Losses small or unlikely to bias", 1),
            ("c", "Losses large and not described", 0),
            ("d", "Not stated", 0),
        ),
    ),
)
CASE_CONTROL_SELECTION = (
    _item(
        "S1",
        "Is the case definition adequate?",
        (
            ("a", "Yes, independently validated", 1),
            ("b", "Yes, by records or self-report", 0),
            ("c", "Not described", 0),
        ),
    ),
    _item(
        "S2",
        "Are the cases representative?",
        (
            ("a", "Consecutive or clearly representative", 1),
            ("b", "Possible selection bias or not stated", 0),
        ),
    ),
    _item(
        "S3",
        "Where were controls selected from?",
        (("a", "Community", 1), ("b", "Hospital", 0), ("c", "Not described", 0)),
    ),
    _item(
        "S4",
        "Are controls defined as free of the outcome?",
        (("a", "No history of the disease", 1), ("b", "Source not described", 0)),
    ),
)
CASE_CONTROL_EXPOSURE = (
    _item(
        "E1",
        "How was exposure ascertained?",
        (
            ("a", "Secure record", 1),
            ("b", "Interview blind to case status", 1),
            ("c", "Interview not blind", 0),
            ("d", "Written self-report or chart only", 0),
            ("e", "Not described", 0),
        ),
    ),
    _item(
        "E2",
        "Was exposure ascertained the same way for cases and controls?",
        (("a", "Yes", 1), ("b", "No", 0)),
    ),
    _item(
        "E3",
        "Non-response rate",
        (
            ("a", "Same in both groups", 1),
            ("b", "Non-respondents described", 0),
            ("c", "Differs, not designated", 0),
        ),
    ),
)

SOURCE = "AHRQ conversion of NOS stars ({}), as tabulated in Sharmin et al. 2017"


def _domain(
    domain_id: str,
    name: str,
    questions: tuple[Question, ...],
    good: int,
    fair: int | None,
    variant: str | None,
    band: str,
) -> Domain:
    return Domain(
        id=domain_id,
        name=name,
        full_name=name,
        questions=questions,
        rule=_banded(questions, good, fair),
        rule_kind="published",
        rule_source=SOURCE.format(band),
        variant=variant,
    )


SELECTION_BAND = "selection: 3–4 good, 2 fair, 0–1 poor"
OUTCOME_BAND = "2–3 good, 0–1 poor"

NOS = Tool(
    id="nos",
    name="Newcastle–Ottawa Scale",
    citation=CITATION,
    level="study",
    answer_labels={},
    scale=(GOOD, FAIR, POOR),
    overall_scale=(GOOD, FAIR, POOR),
    domains=(
        _domain("D1", "Selection", COHORT_SELECTION, 3, 2, "cohort", SELECTION_BAND),
        _domain("D1", "Selection", CASE_CONTROL_SELECTION, 3, 2, "case_control", SELECTION_BAND),
        _domain(
            "D2",
            "Comparability",
            (COMPARABILITY,),
            1,
            None,
            None,
            "comparability: 1–2 good, 0 poor",
        ),
        _domain("D3", "Outcome", COHORT_OUTCOME, 2, None, "cohort", "outcome: " + OUTCOME_BAND),
        _domain(
            "D3",
            "Exposure",
            CASE_CONTROL_EXPOSURE,
            2,
            None,
            "case_control",
            "exposure: " + OUTCOME_BAND,
        ),
    ),
    overall_rule=overall_rule,
    overall_source="AHRQ thresholds (good / fair / poor), as applied in Sharmin et al. 2017",
    overall_note="Poor if any domain is poor (the thresholds' 'plus' read as 'or').",
    variants=(Variant("cohort", "Cohort study"), Variant("case_control", "Case–control study")),
    notes="A maximum of 9 stars: selection 4, comparability 2, outcome or exposure 3.",
)

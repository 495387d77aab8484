"""Risk-of-bias tools as data, their judgement algorithms, and the assessment value.

Pure: no store, no UI. The store replays events into an `Assessment`; the
screens ask `applicable_questions` what to show and `suggest` what the
algorithm makes of it; the reviewer's `decide` is the final word.
"""

from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY, Answer, Assessment, Decision
from review.rob.compare import Difference, compare
from review.rob.engine import (
    applicable_questions,
    check_judgement,
    effective_answers,
    missing,
    overall,
    parse_answer,
    parse_judgement,
    suggest,
    validate_answer,
)
from review.rob.model import (
    NA,
    Citation,
    Domain,
    InvalidAnswer,
    InvalidJudgement,
    Judgement,
    Question,
    Tool,
    Variant,
    When,
)
from review.rob.tools import TOOLS, UNAVAILABLE, ToolUnavailable, get_tool, is_available

__all__ = [
    "NA",
    "OVERALL",
    "OVERALL_APPLICABILITY",
    "TOOLS",
    "UNAVAILABLE",
    "Answer",
    "Assessment",
    "Citation",
    "Decision",
    "Difference",
    "Domain",
    "InvalidAnswer",
    "InvalidJudgement",
    "Judgement",
    "Question",
    "Tool",
    "ToolUnavailable",
    "Variant",
    "When",
    "applicable_questions",
    "check_judgement",
    "compare",
    "effective_answers",
    "get_tool",
    "is_available",
    "missing",
    "overall",
    "parse_answer",
    "parse_judgement",
    "suggest",
    "validate_answer",
]

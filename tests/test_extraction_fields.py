"""Every field type: what a reviewer may type, what is stored, what is refused and why."""

from __future__ import annotations

from typing import Any

import pytest

from review.extraction.fields import (
    FieldValueError,
    accepted,
    cell_text,
    format_value,
    from_json,
    parse,
    to_json,
)
from review.protocol.form import FormField


def field(type_: str, **extra: Any) -> FormField:
    return FormField.model_validate({"id": "f", "label": "F", "type": type_, **extra})


CHOICE = field("choice", options=[{"id": "rct", "label": "Randomised trial"}, {"id": "cohort"}])
MULTI = field("multi_choice", options=["oral cavity", "larynx", "I/II"])


@pytest.mark.parametrize(
    ("form_field", "raw", "expected"),
    [
        (field("text"), "  two   words ", "two words"),
        (field("long_text"), "line one\n  line two\n", "line one\n  line two"),
        (field("integer"), "42", 42),
        (field("integer"), "1,234", 1234),
        (field("integer"), 12.0, 12),
        (field("integer", min=0, max=100), "100", 100),
        (field("number", unit="Gy"), "59.4", 59.4),
        (field("number", unit="Gy"), "60", 60),
        (field("number", unit="none"), 0.75, 0.75),
        (field("number", unit="none"), "1e-3", 0.001),
        (field("number", unit="mg"), "1,234,567", 1234567),
        (field("number", unit="mg"), "1,234.5", 1234.5),
        (CHOICE, "rct", "rct"),
        (CHOICE, "randomised TRIAL", "rct"),
        (CHOICE, " Cohort ", "cohort"),
        (MULTI, "larynx; oral cavity", ["oral cavity", "larynx"]),
        (MULTI, "Larynx, larynx", ["larynx"]),
        (MULTI, "I/II", ["I/II"]),
        (field("yes_no"), "Yes", True),
        (field("yes_no"), "n", False),
        (field("yes_no"), True, True),
        (field("date"), "2021-11-30", "2021-11-30"),
        (field("date"), "2021-11", "2021-11"),
        (field("date"), "2021", "2021"),
        (field("integer"), "   ", None),
        (CHOICE, None, None),
    ],
)
def test_each_type_parses_what_reviewers_type(
    form_field: FormField, raw: object, expected: object
) -> None:
    value = parse(form_field, raw)
    assert value == expected and type(value) is type(expected)
    assert from_json(to_json(value)) == expected
    if value is not None:
        assert parse(form_field, format_value(form_field, value)) == value


@pytest.mark.parametrize(
    ("form_field", "raw", "message"),
    [
        (field("integer"), "12.5", "'12.5' is not a whole number"),
        (field("integer"), "many", "'many' is not a whole number"),
        (field("integer", min=1), "0", "0 is out of range: expected of at least 1"),
        (field("number", unit="Gy", min=0, max=100), "120", "expected from 0 to 100 Gy"),
        (field("number", unit="Gy"), "sixty", "'sixty' is not a number in Gy"),
        (field("number", unit="none"), "1,5", "decimal comma; write 1.5 instead"),
        (field("number", unit="mg"), "1,250", "write 1250 (a thousands separator) or 1.250"),
        (field("number", unit="mg"), "12,000", "write 12000 (a thousands separator) or 12.000"),
        (field("number", unit="none"), "nan", "not a finite number"),
        (CHOICE, "trial", "expected one of: rct (Randomised trial), cohort"),
        (MULTI, "larynx; pharynx", "'pharynx': not an option"),
        (field("yes_no"), "maybe", "'maybe' is not yes or no"),
        (field("date"), "30/11/2021", "expected YYYY-MM-DD, or YYYY-MM / YYYY"),
        (field("date"), "2021-13", "is not a date"),
        (field("date"), "2021-02-30", "is not a date"),
    ],
)
def test_each_type_refuses_with_what_it_accepts(
    form_field: FormField, raw: str, message: str
) -> None:
    with pytest.raises(FieldValueError) as refused:
        parse(form_field, raw)
    assert message in str(refused.value)


def test_formatting_and_hints() -> None:
    assert format_value(field("yes_no"), False) == "no"
    assert format_value(MULTI, ["oral cavity", "larynx"]) == "oral cavity; larynx"
    assert format_value(field("number", unit="Gy"), 60.0) == "60"
    assert format_value(field("text"), None) == ""
    assert accepted(field("integer", min=1, max=60)) == "a whole number from 1 to 60"
    assert accepted(field("yes_no")) == "yes or no"
    assert cell_text(30.0) == "30" and cell_text(None) == "" and cell_text(" a ") == "a"
    assert from_json("not json") == "not json"  # a hand-edited file still reads

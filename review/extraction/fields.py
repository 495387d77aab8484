"""A reviewer's text for a form field → a typed value, and back.

Typed values are what the file stores (as JSON text): int, float, str, bool,
a list of option ids (multi_choice) or an ISO date string. Parsing refuses
with a message that names what is wrong and what is accepted, so a form can
keep the reviewer in the field and an import can list the row.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date

from review.protocol.form import FormField

Typed = int | float | str | bool | list[str]
"""A field's value once parsed; None (not a member) means empty."""

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SPLIT = re.compile(r"\s*[;,|\n]\s*")


class FieldValueError(ValueError):
    """Text a field cannot take; the message says what is accepted."""


def parse(form_field: FormField, raw: object) -> Typed | None:
    """The typed value of `raw` (text, or a number from a spreadsheet cell), or
    None when it is blank; FieldValueError when the field cannot take it."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    if isinstance(raw, int | float):
        raw = _number_text(raw)
    text = str(raw)
    text = text.strip() if form_field.type != "long_text" else text.strip("\n ")
    if not text:
        return None
    match form_field.type:
        case "text":
            return " ".join(text.split())
        case "long_text":
            return text
        case "integer":
            return _in_range(form_field, _integer(text))
        case "number":
            return _in_range(form_field, _number(text, form_field))
        case "choice":
            return _option(form_field, text)
        case "multi_choice":
            return _options(form_field, text)
        case "yes_no":
            return _yes_no(text)
        case "date":
            return _date(text)
    raise FieldValueError(f"unknown field type {form_field.type!r}")  # pragma: no cover


def format_value(form_field: FormField, value: object) -> str:
    """The text a reviewer sees and types for a typed value; '' when empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


def cell_text(cell: object) -> str:
    """A spreadsheet cell as text: numbers without a spurious `.0`."""
    if cell is None:
        return ""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return _number_text(cell)
    return str(cell).strip()


def to_json(value: Typed | None) -> str | None:
    """The stored form: JSON text, or NULL to clear."""
    return None if value is None else json.dumps(value, ensure_ascii=False)


def from_json(text: str | None) -> Typed | None:
    """A stored value; text that is not JSON (a hand-edited file) reads as text."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, int | float | str | bool):
        return value
    if isinstance(value, list):
        return [str(item) for item in value]
    return text


def accepted(form_field: FormField) -> str:
    """What the field takes, in words, for hints and help lines."""
    match form_field.type:
        case "integer" | "number":
            kind = "a whole number" if form_field.type == "integer" else "a number"
            return kind + _range_text(form_field)
        case "choice":
            return "one of: " + _option_list(form_field)
        case "multi_choice":
            return "any of (separated by ;): " + _option_list(form_field)
        case "yes_no":
            return "yes or no"
        case "date":
            return "a date: YYYY-MM-DD, YYYY-MM or YYYY"
    return "text"


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _integer(text: str) -> int:
    clean = text.replace(" ", "").replace("_", "")
    if re.fullmatch(r"[+-]?\d+", clean):
        return int(clean)
    if re.fullmatch(r"[+-]?\d+\.0*", clean):
        return int(float(clean))
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", clean):
        return int(clean.replace(",", ""))
    raise FieldValueError(f"{text!r} is not a whole number (a count such as 42)")


def _number(text: str, form_field: FormField) -> float | int:
    clean = text.replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,3}((,\d{3}){2,}|(,\d{3})+\.\d+)", clean):
        # 1,234,567 and 1,234.5 can only have thousands separators
        clean = clean.replace(",", "")
    elif re.fullmatch(r"[+-]?\d{1,3},\d{3}", clean):  # 1,234: thousands, or 1.234?
        plain, decimal = clean.replace(",", ""), clean.replace(",", ".")
        raise FieldValueError(
            f"{text!r} is ambiguous: write {plain} (a thousands separator) or {decimal}"
            " (a decimal comma)"
        )
    if re.fullmatch(r"[+-]?\d+,\d+", clean):
        raise FieldValueError(
            f"{text!r} uses a decimal comma; write {clean.replace(',', '.')} instead"
        )
    try:
        value = float(clean)
    except ValueError:
        unit = f" in {form_field.unit}" if form_field.unit and form_field.unit != "none" else ""
        raise FieldValueError(f"{text!r} is not a number{unit} (e.g. 0.75 or 60)") from None
    if not math.isfinite(value):
        raise FieldValueError(f"{text!r} is not a finite number")
    return int(value) if value.is_integer() and re.fullmatch(r"[+-]?\d+", clean) else value


def _in_range(form_field: FormField, value: int | float) -> int | float:
    low, high = form_field.min, form_field.max
    if (low is not None and value < low) or (high is not None and value > high):
        raise FieldValueError(
            f"{_number_text(value)} is out of range: expected{_range_text(form_field)}"
        )
    return value


def _range_text(form_field: FormField) -> str:
    low, high = form_field.min, form_field.max
    unit = f" {form_field.unit}" if form_field.unit and form_field.unit != "none" else ""
    if low is not None and high is not None:
        return f" from {_number_text(low)} to {_number_text(high)}{unit}"
    if low is not None:
        return f" of at least {_number_text(low)}{unit}"
    if high is not None:
        return f" of at most {_number_text(high)}{unit}"
    return unit and f" in{unit}"


def _option_list(form_field: FormField) -> str:
    return ", ".join(
        o.id if o.label is None or o.label == o.id else f"{o.id} ({o.label})"
        for o in form_field.options
    )


def _find_option(form_field: FormField, text: str) -> str | None:
    wanted = " ".join(text.split()).casefold()
    for option in form_field.options:
        if option.id == text:
            return option.id
    for option in form_field.options:
        if wanted in (option.id.casefold(), option.text.casefold()):
            return option.id
    return None


def _option(form_field: FormField, text: str) -> str:
    found = _find_option(form_field, text)
    if found is None:
        raise FieldValueError(f"{text!r} is not an option; expected {accepted(form_field)}")
    return found


def _options(form_field: FormField, text: str) -> list[str]:
    whole = _find_option(form_field, text)
    parts = [whole] if whole is not None else [p for p in _SPLIT.split(text) if p]
    chosen: set[str] = set()
    unknown: list[str] = []
    for part in parts:
        found = _find_option(form_field, part)
        if found is None:
            unknown.append(part)
        else:
            chosen.add(found)
    if unknown:
        names = ", ".join(repr(u) for u in unknown)
        raise FieldValueError(f"{names}: not an option; expected {accepted(form_field)}")
    return [option for option in form_field.option_ids() if option in chosen]


def _yes_no(text: str) -> bool:
    folded = text.casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise FieldValueError(f"{text!r} is not yes or no")


def _date(text: str) -> str:
    match = _DATE.match(text)
    if match:
        year, month, day = (int(part) if part else None for part in match.groups())
        try:
            date(year or 1, month or 1, day or 1)
        except ValueError:
            pass
        else:
            return text
    raise FieldValueError(
        f"{text!r} is not a date: expected YYYY-MM-DD, or YYYY-MM / YYYY when that is all "
        "the report gives"
    )

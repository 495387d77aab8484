"""Checks of a protocol that span several keys, run on the raw YAML data.

They read plain dicts and lists rather than the validated model so they run
even when pydantic has found type errors elsewhere: a user sees a duplicate
reason id and a misspelt key in the same report. Anything of the wrong shape
is skipped here; pydantic reports it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any, NamedTuple, TypeGuard

from review.protocol.form import (
    ARM_KEY_FIELD,
    CHOICE_TYPES,
    COUNT_COLUMNS,
    ESTIMATE_COLUMNS,
    NUMERIC_TYPES,
    RESULT_KEY_FIELDS,
)

Loc = tuple[str | int, ...]
"""A path into the protocol data, as pydantic writes it: ("screening", "stages", …)."""
Lines = dict[Loc, int]
"""1-based line of every mapping key and list item, by path."""


class Issue(NamedTuple):
    """One broken rule at one path; the loader turns it into a `Problem`."""

    loc: Loc
    message: str
    hint: str | None = None


def rule_issues(raw: dict[str, Any], lines: Lines) -> list[Issue]:
    """Every cross-key rule broken in a protocol read from YAML."""
    return [
        *_criteria(raw, lines),
        *_highlight(raw),
        *_screening(raw, lines),
        *_form(raw, lines),
        *_designs(raw),
    ]


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any, loc: Loc) -> Iterator[tuple[Loc, dict[str, Any]]]:
    """The mapping items of a list, with their paths; anything else is pydantic's."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield (*loc, index), item


def _duplicates(entries: list[tuple[Loc, Any]], what: str, lines: Lines) -> Iterator[Issue]:
    """Repeats of an id or label (case-insensitively), each naming the first use."""
    first: dict[str, Loc] = {}
    for loc, value in entries:
        if not isinstance(value, str | int) or isinstance(value, bool):
            continue
        key = str(value).strip().casefold()
        if key in first:
            where = lines.get(first[key]) or lines.get(first[key][:-1])
            also = f" (first on line {where})" if where else ""
            yield Issue(loc, f"duplicate {what} `{value}`{also}", f"give each {what} its own value")
        else:
            first[key] = loc


def _criteria(raw: dict[str, Any], lines: Lines) -> Iterator[Issue]:
    eligibility = _map(raw.get("eligibility"))
    entries = [
        ((*loc, "id"), item.get("id"))
        for part in ("include", "exclude")
        for loc, item in _items(eligibility.get(part), ("eligibility", part))
    ]
    yield from _duplicates(entries, "criterion id", lines)


def _highlight(raw: dict[str, Any]) -> Iterator[Issue]:
    highlight = _map(raw.get("highlight"))
    include = highlight.get("include_terms")
    exclude = highlight.get("exclude_terms")
    if not isinstance(include, list) or not isinstance(exclude, list):
        return
    wanted = {term.casefold() for term in include if isinstance(term, str)}
    for index, term in enumerate(exclude):
        if isinstance(term, str) and term.casefold() in wanted:
            message = f"`{term}` is both an include and an exclude term"
            yield Issue(("highlight", "exclude_terms", index), message, "keep it in one list")


def _screening(raw: dict[str, Any], lines: Lines) -> Iterator[Issue]:
    screening = _map(raw.get("screening"))
    if screening.get("reviewers_per_record") == 1 and screening.get("blind") is True:
        yield Issue(
            ("screening", "blind"),
            "`blind: true` needs two reviewers per record",
            "set `reviewers_per_record: 2`, or remove `blind`",
        )
    extraction = _map(raw.get("extraction"))
    if extraction.get("reviewers_per_study", 1) == 1 and extraction.get("blind") is True:
        yield Issue(
            ("extraction", "blind"),
            "`blind: true` needs two extractors per study",
            "set `reviewers_per_study: 2`, or remove `blind`",
        )
    stages = _map(screening.get("stages"))
    for stage_id in ("title_abstract", "full_text"):
        stage = stages.get(stage_id)
        if not isinstance(stage, dict):
            continue
        loc: Loc = ("screening", "stages", stage_id)
        reasons = list(_items(stage.get("reasons"), (*loc, "reasons")))
        yield from _duplicates(
            [((*r, "id"), item.get("id")) for r, item in reasons], "reason id", lines
        )
        labels = [((*r, "label"), item.get("label")) for r, item in reasons]
        yield from _duplicates(labels, "reason label", lines)
        for label_loc, label in labels:
            if isinstance(label, str) and any(mark in label for mark in ",;"):
                yield Issue(
                    label_loc,
                    f"reason label {label!r} contains ',' or ';'",
                    "PRISMA exports separate reasons with them; use 'or', '/' or '-' instead",
                )
        retrieval = [r for r, item in reasons if item.get("not_retrieved") is True]
        if retrieval and stage_id == "title_abstract":
            for r in retrieval:
                message = "`not_retrieved` only applies at full text"
                yield Issue((*r, "not_retrieved"), message, "move this reason to full_text")
        for r in retrieval[1:]:
            message = "only one reason can mean 'report not retrieved'"
            yield Issue((*r, "not_retrieved"), message, "remove `not_retrieved` from the others")
        default_required = stage_id == "full_text"
        if stage.get("reason_required", default_required) is True and not reasons:
            yield Issue(
                (*loc, "reasons"),
                f"`{stage_id}` requires a reason for each exclusion but lists none",
                "add `reasons:` with an id and label each, or set `reason_required: false`",
            )


def _form(raw: dict[str, Any], lines: Lines) -> Iterator[Issue]:
    sections = list(_items(_map(raw.get("extraction")).get("sections"), ("extraction", "sections")))
    yield from _duplicates(
        [((*s, "id"), item.get("id")) for s, item in sections], "section id", lines
    )
    for loc, section in sections:
        fields = list(_items(section.get("fields"), (*loc, "fields")))
        groups = list(_items(section.get("groups"), (*loc, "groups")))
        if not section.get("fields") and not section.get("groups"):
            yield Issue(loc, "a section needs `fields` or `groups`", "add at least one field")
        entries = [((*f, "id"), item.get("id")) for f, item in fields + groups]
        yield from _duplicates(entries, "field or group id", lines)
        for field_loc, field in fields:
            yield from _field(field_loc, field, None, lines)
        for group_loc, group in groups:
            yield from _group(group_loc, group, lines)


def _group(loc: Loc, group: dict[str, Any], lines: Lines) -> Iterator[Issue]:
    repeat = group.get("repeat")
    if repeat is not None and group.get("repeats") is False:
        yield Issue((*loc, "repeats"), f"`repeat: {repeat}` contradicts `repeats: false`")
    fields = list(_items(group.get("fields"), (*loc, "fields")))
    ids = [item.get("id") for _, item in fields]
    yield from _duplicates([((*f, "id"), item.get("id")) for f, item in fields], "field id", lines)
    needed = {"outcome_timepoint": RESULT_KEY_FIELDS, "arm": (ARM_KEY_FIELD,)}.get(str(repeat), ())
    for name in needed:
        if name not in ids:
            why = (
                "the export's row key"
                if repeat == "outcome_timepoint"
                else "how comparisons name arms"
            )
            yield Issue(
                (*loc, "fields"),
                f"a `repeat: {repeat}` group needs a `{name}` field ({why})",
                f"add a field with `id: {name}`",
            )
    for field_loc, field in fields:
        yield from _field(field_loc, field, repeat, lines)
    mapped = [((*f, "metafor"), item.get("metafor")) for f, item in fields if item.get("metafor")]
    yield from _duplicates(mapped, "metafor column", lines)
    columns = {str(value) for _, value in mapped}
    estimates = sorted(columns & ESTIMATE_COLUMNS)
    if len(estimates) > 1:
        yield Issue(
            (*loc, "fields"),
            f"a results group holds one ratio estimate, not {' and '.join(estimates)}",
            "keep one of hr, or, rr per group so each row's measure is unambiguous",
        )
    bounds = columns & {"ci_lower", "ci_upper"}
    if estimates and len(bounds) < 2:
        message = f"the `{estimates[0]}` estimate needs fields mapped to `ci_lower` and `ci_upper`"
        yield Issue((*loc, "fields"), message, "add the missing confidence limit")
    if bounds and not estimates:
        message = "confidence limits need an estimate field mapped to `hr`, `or` or `rr`"
        yield Issue((*loc, "fields"), message)


def _field(loc: Loc, field: dict[str, Any], repeat: Any, lines: Lines) -> Iterator[Issue]:
    kind = field.get("type")
    if not isinstance(kind, str):
        return
    options = list(_options(field.get("options"), (*loc, "options")))
    if kind in CHOICE_TYPES:
        if len(options) < 2:
            yield Issue(
                (*loc, "options"),
                f"a {kind} field needs at least 2 options, has {len(options)}",
                "list the answers under `options:`, one `- answer` per line",
            )
        yield from _duplicates(options, "option", lines)
    elif "options" in field:
        yield Issue((*loc, "options"), f"`options` only apply to choice fields, not `{kind}`")
    numeric = kind in NUMERIC_TYPES
    for key in ("unit", "min", "max", "metafor"):
        if key in field and field[key] is not None and not numeric:
            yield Issue(
                (*loc, key), f"`{key}` only applies to integer and number fields, not `{kind}`"
            )
    low, high = field.get("min"), field.get("max")
    if _is_number(low) and _is_number(high) and low > high:
        yield Issue((*loc, "min"), f"min {low} is greater than max {high}", "swap them")
    column = field.get("metafor")
    if kind == "number" and not field.get("unit") and not column:
        yield Issue(
            (*loc, "unit"),
            "a number field needs a `unit`",
            "e.g. `unit: months` or `unit: Gy`; write `unit: none` for ratios and scores",
        )
    if numeric and isinstance(column, str):
        if column in COUNT_COLUMNS and kind != "integer":
            yield Issue(
                (*loc, "type"), f"metafor column `{column}` holds counts: use `type: integer`"
            )
        if repeat != "outcome_timepoint":
            yield Issue(
                (*loc, "metafor"),
                "metafor columns belong in a `repeat: outcome_timepoint` group",
                "the export writes one row per study × outcome × timepoint × comparison",
            )


def _options(value: Any, loc: Loc) -> Iterator[tuple[Loc, Any]]:
    if not isinstance(value, list):
        return
    for index, item in enumerate(value):
        option = item.get("id") if isinstance(item, dict) else item
        yield (*loc, index), option


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _designs(raw: dict[str, Any]) -> Iterator[Issue]:
    """Designs in the risk-of-bias map and the synthesis must be answers of the design field."""
    rob = _map(raw.get("risk_of_bias"))
    field_id = rob.get("design_field", "study_design")
    sections = _map(raw.get("extraction")).get("sections")
    found = [
        (loc, field)
        for section_loc, section in _items(sections, ("extraction", "sections"))
        for loc, field in _items(section.get("fields"), (*section_loc, "fields"))
        if field.get("id") == field_id
    ]
    if not found:
        if "design_field" in rob and sections:
            yield Issue(
                ("risk_of_bias", "design_field"),
                f"no per-study field `{field_id}` in the extraction form",
                "name the choice field that records each study's design",
            )
        return
    field_loc, field = found[0]
    if field.get("type") != "choice":
        yield Issue((*field_loc, "type"), "the study-design field must be a `choice` field")
        return
    declared = [str(o) for _, o in _options(field.get("options"), ()) if o is not None]
    tools = _map(rob.get("tools"))
    for design in tools:
        if design not in declared:
            yield _unknown_design(("risk_of_bias", "tools", design), design, declared)
    narrative = _map(raw.get("synthesis")).get("narrative_only")
    for index, design in enumerate(narrative if isinstance(narrative, list) else []):
        if isinstance(design, str) and design not in declared:
            yield _unknown_design(("synthesis", "narrative_only", index), design, declared)
    if tools:
        for design in declared:
            if design not in tools:
                yield Issue(
                    ("risk_of_bias", "tools"),
                    f"no risk-of-bias tool for design `{design}`",
                    f"add `{design}: none` if studies of this design are not appraised",
                )


def _unknown_design(loc: Loc, design: str, declared: list[str]) -> Issue:
    near = difflib.get_close_matches(design, declared, n=1, cutoff=0.6)
    hint = f"did you mean `{near[0]}`?" if near else f"designs on the form: {', '.join(declared)}"
    return Issue(loc, f"`{design}` is not an option of the study-design field", hint)

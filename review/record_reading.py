"""Stored fields a reviewer reads beside the bibliographic ones.

Importers keep what they do not map in a record's `extra`, under the
source's own names: a ClinicalTrials.gov CSV says `Primary Outcome
Measures`, the API's JSON `primary outcomes`, a saved registration page
`outcomes`. A registration's conditions, interventions, outcomes, phase,
status and enrolment are what a screener decides on, so they are gathered
here under one label each, whichever importer stored them. Bookkeeping
columns (funder type, posting dates) stay in the file only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

READING_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Conditions", ("conditions", "condition", "health condition(s) or problem(s) studied")),
    ("Interventions", ("interventions", "intervention", "intervention(s)")),
    (
        "Primary outcomes",
        ("primary outcomes", "primary outcome measures", "primary outcome", "outcome measures"),
    ),
    ("Secondary outcomes", ("secondary outcomes", "secondary outcome measures")),
    ("Outcomes", ("outcomes",)),
    ("Phase", ("phases", "phase")),
    ("Status", ("status", "study status", "overall status", "recruitment status")),
    ("Enrolment", ("enrollment", "enrolment", "target sample size", "sample size")),
    ("Study type", ("study type",)),
    ("Design", ("study design", "study designs", "design")),
    ("Participants", ("sex", "gender", "age")),
    ("Sponsor", ("sponsor", "sponsor/collaborators", "lead sponsor")),
    ("Start", ("start date", "study start")),
    ("Completion", ("primary completion date", "completion date")),
    ("Results", ("study results", "results first posted")),
    ("Official title", ("official title", "scientific title")),
    ("Acronym", ("acronym",)),
    ("Other ids", ("other ids", "organisation study id", "secondary ids")),
    ("Description", ("description", "detailed description")),
)
"""(label, the `extra` names importers store it under), in reading order.
The first name a record has gives the value; `Participants` joins all it has."""
_JOINED = {"Participants"}

_OTHER_ABSTRACT = re.compile(r"abstract[_ ]\(?([a-z]{2,3})\)?")
_SEPARATORS = re.compile(r"\s*[|\n]\s*")


class ReadingField(NamedTuple):
    """One label and its values (a list: interventions, outcomes repeat)."""

    label: str
    values: list[str]


def reading_fields(extras: Iterable[Mapping[str, str]]) -> list[ReadingField]:
    """The fields worth reading from the `extra` of a record (or of the records
    of one duplicate group, first found wins), in `READING_FIELDS` order,
    then abstracts in other languages (`abstract_zh` → `Abstract (zh)`)."""
    found: dict[str, list[str]] = {}
    for extra in extras:
        named = {" ".join(key.lower().split()): value for key, value in extra.items()}
        for label, names in READING_FIELDS:
            if label in found:
                continue
            present = [values for name in names if (values := _values(named.get(name, "")))]
            if present and label in _JOINED:
                found[label] = [" · ".join(v for values in present for v in values)]
            elif present:
                found[label] = present[0]
        for key, value in named.items():
            if (match := _OTHER_ABSTRACT.fullmatch(key)) and value.strip():
                found.setdefault(f"Abstract ({match.group(1)})", [value.strip()])
    order = [label for label, _ in READING_FIELDS]
    ranked = sorted(found, key=lambda label: order.index(label) if label in order else len(order))
    return [ReadingField(label, found[label]) for label in ranked]


def _values(text: str) -> list[str]:
    """Values split where the source joined them (`|` in CT.gov exports, lines in pages)."""
    text = text.strip()
    if not text:
        return []
    return [part for part in _SEPARATORS.split(text) if part]

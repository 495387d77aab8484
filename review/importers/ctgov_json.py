"""ClinicalTrials.gov API v2 JSON downloads: one trial registration per study."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from review.errors import ImportFormatError, Problem
from review.importers.base import Document, Format, check_count, parse_year, refuse
from review.models import RecordDraft

_STUDY = re.compile(r'"protocolSection"\s*:')
_NCT = re.compile(r"NCT\d{8}")
# The API writes its text fields as Markdown and escapes punctuation: `\*`, `\<=`.
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>=|~])")


def _sniff(path: Path, head: str) -> bool:
    start = head.lstrip()[:1]
    return start in ("[", "{") and _STUDY.search(head) is not None


def _parse(doc: Document) -> list[RecordDraft]:
    try:
        data = json.loads(doc.text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"not valid JSON: {exc.msg}",
            path=doc.path,
            line=exc.lineno,
            hint="the download may be cut short; download the studies again",
        ) from None
    studies = data
    if isinstance(data, dict):  # a page of the API, or a single study
        studies = [data] if "protocolSection" in data else data.get("studies")
    if not isinstance(studies, list):
        raise ImportFormatError(
            'expected a list of studies (or {"studies": [...]})',
            path=doc.path,
            hint="download the studies from ClinicalTrials.gov as JSON",
        )
    lines = _study_lines(doc.text)
    records: list[RecordDraft] = []
    problems: list[Problem] = []
    for index, study in enumerate(studies):
        line = lines[index] if index < len(lines) else None
        protocol = _get(study, "protocolSection")
        nct = _text(_get(protocol, "identificationModule", "nctId"))
        if not isinstance(protocol, dict) or not nct or not _NCT.fullmatch(nct):
            problems.append(Problem(f"study {index + 1} has no NCT number", line=line))
            continue
        records.append(_draft(protocol, nct, len(records) + 1, line))
    refuse(doc, problems, "studies")
    check_count(doc, records, len(lines), "studies")
    return records


def _study_lines(text: str) -> list[int]:
    """The line of each study's `"protocolSection"` key: the independent count."""
    lines = []
    line, last = 1, 0
    for match in _STUDY.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        lines.append(line)
    return lines


def _draft(protocol: dict[str, Any], nct: str, position: int, line: int | None) -> RecordDraft:
    ident = protocol.get("identificationModule") or {}
    draft = RecordDraft(position=position, line=line)
    draft.registry_id = draft.source_id = nct
    draft.record_type = "trial registration"
    draft.url = f"https://clinicaltrials.gov/study/{nct}"
    brief = _one_line(_text(ident.get("briefTitle")))
    official = _one_line(_text(ident.get("officialTitle")))
    draft.title = brief or official
    if official and official != draft.title:
        draft.extra["official title"] = official
    draft.abstract = _paragraphs(_text(_get(protocol, "descriptionModule", "briefSummary")))

    start = _text(_get(protocol, "statusModule", "startDateStruct", "date"))
    draft.year = parse_year(start)
    if start and draft.year is None:
        draft.warn("bad_year", f"start date {start!r} has no year", "year")

    conditions = _get(protocol, "conditionsModule") or {}
    seen: set[str] = set()
    for term in [*_strings(conditions.get("conditions")), *_strings(conditions.get("keywords"))]:
        if term.lower() not in seen:
            seen.add(term.lower())
            draft.keywords.append(term)

    extra = {
        "acronym": _text(ident.get("acronym")),
        "organisation study id": _text(_get(ident, "orgStudyIdInfo", "id")),
        "status": _text(_get(protocol, "statusModule", "overallStatus")),
        "study type": _text(_get(protocol, "designModule", "studyType")),
        "phases": ", ".join(_strings(_get(protocol, "designModule", "phases"))),
        "enrollment": _text(_get(protocol, "designModule", "enrollmentInfo", "count")),
        "sponsor": _text(_get(protocol, "sponsorCollaboratorsModule", "leadSponsor", "name")),
        "interventions": "|".join(
            f"{_text(i.get('type')) or ''}: {_text(i.get('name')) or ''}".strip(": ")
            for i in _dicts(_get(protocol, "armsInterventionsModule", "interventions"))
        ),
        "primary outcomes": "|".join(
            _text(o.get("measure")) or ""
            for o in _dicts(_get(protocol, "outcomesModule", "primaryOutcomes"))
        ),
    }
    draft.extra.update({key: value for key, value in extra.items() if value})
    return draft


def _get(value: Any, *keys: str) -> Any:
    """`value[k1][k2]…`, or None as soon as a level is missing or not an object."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    if "\\" in text:
        text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    return text or None


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [t for t in (_one_line(_text(v)) for v in value) if t]


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _one_line(value: str | None) -> str | None:
    if not value:
        return None
    return " ".join(value.split()) or None


def _paragraphs(value: str | None) -> str | None:
    """Keep the summary's line breaks as paragraph breaks, tidy the rest."""
    if not value:
        return None
    lines = (" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line) or None


FORMATS = [Format("ctgov_json", "ClinicalTrials.gov JSON (API v2)", _sniff, _parse)]

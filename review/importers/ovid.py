"""Ovid's own text export: `<1. >` headed records, tagged (`TI  - `) or labelled (`Title`)."""

from __future__ import annotations

import re
from pathlib import Path

from review.errors import ImportFormatError
from review.importers.base import Document, Format, check_count
from review.importers.cut_end import refuse_cut_end
from review.importers.tagged_values import (
    document_type,
    doi_in,
    first_line,
    issn,
    keep,
    marked_pmid,
    pages,
    paragraphs,
    pmid_in_url,
    registry_id,
    split_values,
    unique,
    urls,
    year,
)
from review.models import RecordDraft

# Ovid writes every record under a numbered header, `<1. >` (Citavi, EndNote,
# "Ovid fields" downloads) or `<1>` (display downloads), then either two-letter
# tags like RIS (`VN  - Ovid Technologies`, continuation lines indented by six
# spaces) or field labels on their own line with the values indented below.
# No library reads this format; the parser is written here.

_HEADER = re.compile(r"[ \t]*<\s*\d+\s*\.?\s*>[ \t]*$")
_SNIFF_HEADER = re.compile(r"(?:\A|[\r\n])[ \t]*<\s*\d+\s*\.?\s*>[ \t]*(?:\r\n|\r|\n)")
_RIS_TY = re.compile(r"(?:\A|[\r\n])TY[ \t]{1,2}-")
_TAG = re.compile(r"([A-Z][A-Z0-9]{1,3})[ \t]{1,2}-(?:[ \t](.*))?$")
_LINK = re.compile(r"\s*Link to\b[^:]*:\s*(.*)$", re.IGNORECASE)
_BRACKETS = re.compile(r"\s*\[[^\]]*\]\s*$")
# "Journal Name. 12(3):45-67, 2004." — Ovid's citation line (`SO`, "Source"):
# the journal ends at the first ". " before a volume (or Embase's "Conference:"),
# the volume follows the start or a ". ", issue in brackets, pages after ":".
_JOURNAL_END = re.compile(r"\.\s+(?=\d|Vol\b|Conference\b)")
_JOURNAL_BARE = re.compile(r"(.+?)[\s.,]+\d")
_VOLUME = re.compile(
    r"(?:^|\.)\s*(?:Vol\.?\s*)?(\d+[A-Za-z]?)\s*(?:\(([^)]*)\))?"
    r"(?:\s*:\s*([A-Za-z]?\d+(?:-[A-Za-z]?\d+)?))?"
)

# Ovid's field labels (display downloads) and the tags they stand for.
_LABELS = {
    "unique identifier": "UI",
    "accession number": "AN",
    "embase accession number": "AN",
    "title": "TI",
    "original title": "OT",
    "authors": "AU",
    "author": "AU",
    "authors full name": "FA",
    "author names full": "FA",
    "institution": "IN",
    "source": "SO",
    "journal name": "JN",
    "nlm journal name": "JN",
    "abstract": "AB",
    "language": "LG",
    "publication type": "PT",
    "year of publication": "YR",
    "date of publication": "DP",
    "digital object identifier": "DO",
    "doi": "DO",
    "issn": "IS",
    "issn print": "IS",
    "issn electronic": "IS",
    "issn linking": "IS",
    "volume": "VI",
    "issue": "IP",
    "issue/part": "IP",
    "page": "PG",
    "pages": "PG",
    "keyword heading": "KW",
    "keywords": "KW",
    "mesh subject headings": "MH",
    "subject headings": "MH",
    "emtree heading": "MH",
    "database": "DB",
    "pubmed id": "PM",
    "pmid": "PM",
    "medline pmid": "PM",
    "link to the ovid full text or citation": "XL",
    "link to the external link resolver": "XL",
    "url": "UR",
    "clinical trial number": "CN",
    "secondary source id": "SI",
    "version id": "VN",
}
_ID_FIELDS = ("AN", "UI", "ID", "OI", "CN", "SI", "XL", "UR")
_USED = frozenset(
    {"TI", "AB", "AU", "FA", "YR", "JN", "JT", "VI", "VO", "IP", "PG", "DO", "DI", "PM", "PT"}
    | {"LG", "LA", "KW", "MH", "IS", "XL", "UR", "AN", "UI", "SO", "VN", "OD"}
)


def _sniff(path: Path, head: str) -> bool:
    """An Ovid `<n>` header followed by a tag or a field label; RIS with such
    headers (Ovid's RIS download) is left to the RIS reader."""
    found = _SNIFF_HEADER.search(head)
    if found is None or _RIS_TY.search(head):
        return False
    indent = _indent(found.group(0).strip("\r\n"))
    after = [line[indent:] for line in head[found.end() :].splitlines()[:4] if line.strip()]
    if not after:
        return False
    return bool(_TAG.match(after[0])) or (
        len(after) > 1 and after[0].strip().rstrip(":").casefold() in _LABELS
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _dedented(lines: list[str], starts: list[int]) -> list[str]:
    """Lines with the indent the record headers share removed.

    Some copies of an Ovid download (pasted from a mail or a web page) start
    every line with a space: ` <7. >`, ` TI  - …`. The tags are still the
    tags; only the margin moved, so continuation lines keep their own indent.
    """
    margin = min(_indent(lines[n]) for n in starts)
    if not margin:
        return lines
    return [line[min(margin, _indent(line)) :] for line in lines]


def _parse(doc: Document) -> list[RecordDraft]:
    lines = list(doc.lines())
    starts = [number for number, line in enumerate(lines) if _HEADER.match(line)]
    if not starts:
        raise ImportFormatError(
            "no Ovid record found (no `<1. >` header line)",
            path=doc.path,
            hint="check that this is an Ovid export, or name the format with --format",
        )
    lines = _dedented(lines, starts)
    # Display downloads name the database once, above the search strategy.
    database = next(
        (line[9:].strip() for line in lines[: starts[0]] if line.startswith("Database:")), ""
    )
    drafts = []
    for position, start in enumerate(starts, start=1):
        end = starts[position] if position < len(starts) else len(lines)
        chunk = lines[start + 1 : end]
        first = next((line for line in chunk if line.strip()), "")
        fields, links = _tagged(chunk) if _TAG.match(first) else _labelled(chunk)
        if database and "DB" not in fields:
            fields["DB"] = [database]
        drafts.append(_draft(position, start + 1, fields, links))
    # Ovid closes no record: only the last line shows a file cut there.
    last_tag = next((m.group(1) for line in reversed(chunk) if (m := _TAG.match(line))), "")
    refuse_cut_end(doc, lines[-1], len(lines), last_tag, closed=False)
    check_count(doc, drafts, len(starts), "`<n>` record headers")
    return drafts


def _tagged(chunk: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """`TI  - value` lines; untagged lines continue the previous value.

    After a blank line an unindented untagged line is not a continuation but
    what Ovid writes between records ("Database: …", the search strategy).
    """
    fields: dict[str, list[list[str]]] = {}
    links: list[str] = []
    target: list[str] | None = None
    blank = noise = in_link = False
    for line in chunk:
        text = line.strip()
        if not text:
            blank = True
            continue
        match = _TAG.match(line)
        if match:
            target = [(match.group(2) or "").strip()]
            fields.setdefault(match.group(1), []).append(target)
            blank = noise = in_link = False
            continue
        link = _LINK.match(text)
        if link or (in_link and text.lower().startswith(("http://", "https://"))):
            links.extend(urls([link.group(1) if link else text]))
            in_link = True
            continue
        in_link = False
        if noise or target is None or (blank and line[:1] not in (" ", "\t")):
            noise = True
            continue
        if blank:
            target.append("")
        target.append(text)
        blank = False
    return _joined(fields), links


def _labelled(chunk: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """A field label on its own line, its values indented on the lines below."""
    fields: dict[str, list[list[str]]] = {}
    links: list[str] = []
    values: list[str] | None = None
    for line in chunk:
        if not line.strip():
            continue
        if line[:1] in (" ", "\t"):
            if values is not None:
                values.append(line.strip())
            continue
        label = line.strip().rstrip(":").strip()
        link = _LINK.match(line)
        if link and link.group(1).strip():
            links.extend(urls([link.group(1)]))
            values = None
            continue
        values = []
        tag = _LABELS.get(label.casefold(), label)
        fields.setdefault(tag, []).append(values)
    return _joined(fields), links


def _joined(fields: dict[str, list[list[str]]]) -> dict[str, list[str]]:
    """Each occurrence's lines as one value with `\\n` between, empty ones dropped."""
    return {
        tag: joined
        for tag, occurrences in fields.items()
        if (joined := [text for lines in occurrences if (text := "\n".join(lines).strip())])
    }


def _draft(position: int, line: int, fields: dict[str, list[str]], links: list[str]) -> RecordDraft:
    draft = RecordDraft(position=position, line=line)
    databases = " ".join(fields.get("DB", [])).casefold()
    # Ovid MEDLINE's `UI` is the PMID; Embase's is its own accession number.
    medline = ("medline" in databases or "pubmed" in databases) and "embase" not in databases
    source = first_line(fields.get("SO"))
    cited = _citation(source)

    draft.title = first_line(fields.get("TI"))
    draft.abstract = "\n".join(paragraphs(value) for value in fields.get("AB", [])) or None
    names = fields.get("FA") or fields.get("AU", [])
    draft.authors = unique(_BRACKETS.sub("", name) for name in split_values(names))
    draft.year = year(first_line(fields.get("YR"))) or year(first_line(fields.get("DP")))
    if draft.year is None and source:
        draft.year = year(source)
    draft.journal = first_line(fields.get("JN")) or first_line(fields.get("JT")) or cited[0]
    draft.volume = first_line(fields.get("VI")) or first_line(fields.get("VO")) or cited[1]
    draft.issue = first_line(fields.get("IP")) or cited[2]
    draft.pages = pages(first_line(fields.get("PG")), None) or cited[3]
    draft.doi = next(
        (doi for value in fields.get("DO", []) + fields.get("DI", []) if (doi := doi_in(value))),
        None,
    ) or next((doi for value in fields.get("XL", []) + links if (doi := doi_in(value))), None)
    draft.pmid = _pmid(fields, links, medline)
    draft.source_id = first_line(fields.get("AN")) or first_line(fields.get("UI"))
    draft.registry_id = registry_id(v for tag in _ID_FIELDS for v in fields.get(tag, []))
    types = [
        words for value in split_values(fields.get("PT", [])) if (words := document_type(value))
    ]
    draft.record_type = _most_telling(types)
    draft.language = first_line(fields.get("LG")) or first_line(fields.get("LA"))
    draft.keywords = unique(
        split_values(fields.get("KW", []), ";") + split_values(fields.get("MH", []))
    )
    draft.issn = issn(split_values(fields.get("IS", [])))
    draft.url = next(iter(urls(fields.get("XL", []) + fields.get("UR", []) + links)), None)
    for tag, values in fields.items():
        if tag not in _USED:
            keep(draft.extra, tag, values)
    keep(draft.extra, "SO", [source] if source and cited[0] is None else [])
    keep(draft.extra, "links", links)
    return draft


def _citation(source: str | None) -> tuple[str | None, str | None, str | None, str | None]:
    """Journal, volume, issue and pages read from Ovid's citation line."""
    if not source:
        return None, None, None, None
    cut = _JOURNAL_END.search(source)
    if cut is not None:
        journal, rest = source[: cut.start()], source[cut.end() :]
    elif bare := _JOURNAL_BARE.match(source):
        journal, rest = bare.group(1), source[bare.end(1) :]
    else:
        return None, None, None, None
    numbers = _VOLUME.search(rest)
    if numbers is None:
        return journal.strip(), None, None, None
    return journal.strip(), numbers.group(1), numbers.group(2), numbers.group(3)


def _pmid(fields: dict[str, list[str]], links: list[str], medline: bool) -> str | None:
    """`PM` (Embase's MEDLINE PMID), Ovid MEDLINE's `UI`/`AN`, or a marked one."""
    for tag in ("PM", "PMID"):
        value = first_line(fields.get(tag))
        if value and value.isdigit():
            return value
    if medline:
        for tag in ("UI", "AN"):
            value = first_line(fields.get(tag))
            if value and value.isdigit():
                return value
    for value in fields.get("ID", []) + fields.get("OI", []):
        if pmid := marked_pmid(value):
            return pmid
    return next((pmid for value in links if (pmid := pmid_in_url(value))), None)


_RANK = ("conference abstract", "systematic review", "review", "randomized controlled trial")


def _most_telling(types: list[str]) -> str | None:
    """MEDLINE lists several publication types; show the most telling one."""
    for wanted in _RANK:
        if wanted in types:
            return wanted
    return types[0] if types else None


FORMATS = [Format("ovid", "Ovid tagged export", _sniff, _parse)]

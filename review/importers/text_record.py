"""Record type (article, case report, registration, web page) and what a reviewer misses."""

from __future__ import annotations

import re

from review.importers.text_fields import registry_ids
from review.importers.text_lines import (
    INTERVENTION,
    LABEL,
    OUTCOME,
    REGISTRY,
    TYPE,
    Block,
    is_skipped,
    labelled,
)
from review.models import RecordDraft
from review.wording import counted

_COPYRIGHT_NAMES = re.compile(r"(?:©|\(c\))\s*\d{4}\s+([^.]{3,120})", re.IGNORECASE)
_TYPE_WORDS = (
    ("case report", "case report"),
    ("systematic review", "systematic review"),
    ("meta-analysis", "meta-analysis"),
    ("review", "review"),
    ("editorial", "editorial"),
    ("letter", "letter"),
    ("comment", "commentary"),
    ("perspective", "commentary"),
    ("opinion", "commentary"),
    ("protocol", "study protocol"),
)


def classify_record(
    draft: RecordDraft, blocks: list[Block], markers: list[str], *, cited: bool
) -> None:
    """Set record_type, and registry_id where the page is a registration or names its own.

    Two signals of a register (intervention or outcome lines, condition /
    study-type labels, a registry id on its own line) make a registration; a
    page that merely mentions trial ids keeps them in `extra`.
    """
    useful = [b for b in blocks if not is_skipped(b)]
    labels = {b.field for b in useful if b.kind == LABEL and b.values}
    signals = (
        any(b.kind == INTERVENTION for b in useful)
        + any(b.kind == OUTCOME for b in useful)
        + len(labels & {"conditions", "interventions", "outcomes", "study"})
        + ("registry" in labels or any(b.kind == REGISTRY for b in useful))
    )
    text = "\n".join(t for b in useful for t in ([b.text, *b.value_texts()]))
    ids = registry_ids(text)
    labelled_ids = registry_ids(
        " ".join(t for b in labelled(useful, "registry") for t in b.value_texts())
    )
    marker = (
        [b.text for b in useful if b.kind == TYPE]
        + [t for b in labelled(useful, "type") for t in b.value_texts()]
        + markers
    )
    if signals >= 2:
        draft.record_type = "trial registration"
        chosen = labelled_ids or ids
        draft.registry_id = chosen[0] if chosen else None
        if len(ids) > 1:
            draft.warn(
                "several_registry_ids",
                f"the page names {len(ids)} registry ids ({', '.join(ids[:5])}); "
                f"kept {draft.registry_id}",
                "registry_id",
            )
        return
    draft.record_type = _type_from_markers(marker)
    if draft.record_type is None:
        draft.record_type = "journal article" if cited or draft.journal else "web page"
    if len(labelled_ids) == 1:
        draft.registry_id = labelled_ids[0]
    mentioned = [i for i in ids if i != draft.registry_id]
    if mentioned:
        draft.extra["registry_ids_mentioned"] = ", ".join(mentioned)


def _type_from_markers(markers: list[str]) -> str | None:
    lowered = " | ".join(markers).lower()
    if not lowered:
        return None
    for word, record_type in _TYPE_WORDS:
        if word in lowered:
            return record_type
    return "journal article"


def warn_missing(draft: RecordDraft) -> None:
    """Say which reviewer-facing field is missing and why, in this page's terms."""
    kind = draft.record_type
    if kind == "trial registration":
        if not draft.registry_id:
            draft.warn(
                "missing_registry_id",
                "registration page without an NCT or other registry id",
                "registry_id",
            )
        if draft.year is None:
            draft.warn(
                "missing_year",
                "registration page shows no registration, posting or start date",
                "year",
            )
        return
    article = kind != "web page"
    if not draft.authors:
        draft.warn("missing_authors", _authors_message(draft, article), "authors")
    if draft.year is None:
        what = "article page" if article else "web page"
        draft.warn("missing_year", f"{what} shows no publication year", "year")
    if article and not draft.doi:
        draft.warn("missing_doi", f"{kind} page without a DOI", "doi")
    if draft.title is None and (draft.journal or draft.doi or "affiliations" in draft.extra):
        draft.warn(
            "title_lost",
            "the page has a citation or affiliations but no title line; "
            "the title was probably lost when the page was saved",
            "title",
        )


def _authors_message(draft: RecordDraft, article: bool) -> str:
    hints = []
    copyright_names = _COPYRIGHT_NAMES.search(draft.extra.get("copyright", ""))
    if copyright_names:
        hints.append(f"the copyright line names {copyright_names.group(1).strip()!r}")
    if "correspondence" in draft.extra:
        hints.append(f"correspondence: {draft.extra['correspondence'].split(',')[0]!r}")
    if "affiliations" in draft.extra:
        count = draft.extra["affiliations"].count("\n") + 1
        hints.append(
            f"{counted(count, 'affiliation')} {'is' if count == 1 else 'are'} listed without names"
        )
    base = "no author names on the page" if article else "the web page names no author"
    return f"{base} ({'; '.join(hints)})" if hints else base

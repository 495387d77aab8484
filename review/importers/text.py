"""Plain-text documents (saved web, registry or PubMed pages) as one record per file.

The pipeline is a chain of pure steps: `clean` (HTML to text, whitespace,
bullets) → `build_blocks` (labelled fields and classified lines) → one
extractor per field over the blocks → `classify_record` → `warn_missing`. Signals are general
(labels, citation lines, prose runs, name lists), never keyed to one site.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from review.errors import ImportFormatError
from review.importers.base import (
    Document,
    Format,
    clean_doi,
    find_doi,
    parse_year,
    split_lines,
)
from review.importers.text_fields import (
    Citation,
    author_list,
    detect_language,
    format_names,
    language_code,
    looks_like_journal_abbrev,
    parse_citation,
    script,
    split_keywords,
    split_names,
)
from review.importers.text_guards import refuse_exports, refuse_several_records
from review.importers.text_html import apply_meta, looks_like_html
from review.importers.text_lines import (
    AFFILIATION,
    AUTHORS,
    CITATION,
    DATE,
    DOI,
    INTERVENTION,
    JUNK,
    LABEL,
    OUTCOME,
    PROSE,
    REGISTRY,
    TEXT,
    TYPE,
    Block,
    build_blocks,
    clean,
    first_value,
    is_skipped,
    labelled,
)
from review.importers.text_record import classify_record, warn_missing
from review.models import RecordDraft

_TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"})
_LETTER = re.compile(r"[^\W\d_]")
_NUMBERED = re.compile(r"^(\d{1,5})\.\s")
_PMID = re.compile(r"\b(\d{1,9})\b")
_PUBMED_URL = re.compile(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d{1,9})")
_NUMBERING = re.compile(r"^\(?\d{1,3}[.)]?\s+|^[a-z]\s+(?=[A-Z])")
_DATE_RANK = (
    "published",
    "publicationdate",
    "datepublished",
    "epub",
    "firstpublished",
    "date",
    "dateofregistration",
    "registrationdate",
    "firstsubmitted",
    "firstposted",
)


def sniff(path: Path, head: str) -> bool:
    """The fallback: any text file named .txt/.md/.html, or with no extension at all."""
    suffix = path.suffix.lower()
    if suffix and suffix not in _TEXT_SUFFIXES:
        return False
    sample = head[:8192]
    if not sample.strip():
        return False
    control = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f")
    return control * 100 <= len(sample) and "\ufffd" not in sample[:64]


def parse(doc: Document) -> list[RecordDraft]:
    """Exactly one record; ImportFormatError for a wordless file, an export or a table."""
    suffix = doc.path.suffix.lower()
    html = looks_like_html(suffix, doc.text[:65_536])
    if not html:
        refuse_exports(doc, split_lines(doc.text))
    lines, meta = clean(doc.text, html=html, markdown=suffix in (".md", ".markdown"))
    titled = any(key in meta for key in ("citation_title", "dc.title"))
    if not titled and not any(_LETTER.search(line.text) for line in lines):
        raise ImportFormatError(
            "the document has no words in it",
            path=doc.path,
            hint="save the page again as text, or import the search results instead",
        )
    blocks = build_blocks(lines)
    refuse_several_records(doc, blocks)
    draft = RecordDraft(position=1, line=lines[0].number if lines else 1)
    cited = _fill(draft, [b for b in blocks if b.kind != JUNK and not is_skipped(b)])
    markers = apply_meta(draft, meta)
    classify_record(draft, blocks, markers, cited=cited)
    draft.source_id = draft.pmid or (
        draft.registry_id if draft.record_type == "trial registration" else None
    )
    warn_missing(draft)
    return [draft]


# ---------------------------------------------------------------- extraction


def _fill(draft: RecordDraft, blocks: list[Block]) -> bool:
    """Every field the text gives; True when a citation line was found."""
    end = next(
        (
            i
            for i, b in enumerate(blocks)
            if b.kind == PROSE or (b.kind == LABEL and b.field == "abstract")
        ),
        len(blocks),
    )
    draft.title, draft.vernacular_title = _titles(blocks, end)
    draft.authors = _authors(blocks, end)
    cited = _apply_citation(draft, blocks)
    draft.doi = draft.doi or _doi(blocks)
    if draft.year is None:
        draft.year = _labelled_year(blocks)
    if draft.year is None:  # a web article's dateline
        draft.year = next((parse_year(b.text) for b in blocks if b.kind == DATE), None)
    draft.abstract, other = _abstract(blocks, draft.title)
    if other:
        code = detect_language(other) or script(other)
        draft.extra[f"abstract_{code}"] = other
    keywords = labelled(blocks, "keywords") or labelled(blocks, "mesh")
    draft.keywords = split_keywords([t for b in keywords for t in b.value_texts()])
    label = first_value(blocks, "language")
    draft.language = language_code(label) if label else None
    if draft.language is None:
        draft.language = detect_language(f"{draft.title or ''}\n{draft.abstract or ''}")
    pmid = first_value(blocks, "pmid")
    url = first_value(blocks, "url") or _source_url(blocks)
    draft.url = url
    found = _PMID.search(pmid) if pmid else _PUBMED_URL.search(url or "")
    draft.pmid = found.group(1) if found else None
    _extras(draft, blocks)
    return cited


def _title_like(text: str) -> bool:
    if text.endswith(":") or text.lower().startswith(("http", "www.")):
        return False
    if script(text) == "cjk":
        return 6 <= len(text) <= 200
    return 3 <= len(text.split()) <= 60


def _titles(blocks: list[Block], end: int) -> tuple[str | None, str | None]:
    """(title, vernacular title): a labelled title, else the best heading line.

    Web pages repeat their title and put it beside the citation, the author
    line or the abstract; each of these adds to a heading's score.
    """
    given = [" ".join(" ".join(b.value_texts()).split()) for b in labelled(blocks, "title")]
    vernacular = first_value(blocks, "vernacular_title")
    if given:  # a registry may label both: `Public title` in Chinese, `English title`
        latin = next((t for t in given if script(t) == "latin"), None)
        other = next((t for t in given if script(t) not in ("latin", "none")), None)
        return (latin, vernacular or other) if latin and other else (given[0], vernacular)
    title, other = _heading_titles(blocks, end)
    if title is None and vernacular is not None:
        # The only title is the vernacular one: show it as the title too.
        return vernacular, vernacular
    return title, vernacular or other


def _heading_titles(blocks: list[Block], end: int) -> tuple[str | None, str | None]:
    found = [i for i in range(end) if blocks[i].kind == TEXT and _title_like(blocks[i].text)]
    if not found:
        return None, None
    seen = Counter(blocks[i].text.casefold() for i in found)
    heads: list[int] = []
    for i in found:  # the second of two identical adjacent lines adds nothing
        if not (heads and heads[-1] == i - 1 and blocks[i - 1].text == blocks[i].text):
            heads.append(i)

    def neighbour(i: int, step: int) -> Block | None:
        j = i + step  # the repeated title and a date line between do not count
        while 0 <= j < len(blocks) and (blocks[j].text == blocks[i].text or blocks[j].kind == DATE):
            j += step
        return blocks[j] if 0 <= j < len(blocks) else None

    def score(i: int) -> int:
        points = (i == heads[0]) + 2 * (seen[blocks[i].text.casefold()] > 1)
        before, after = neighbour(i, -1), neighbour(i, 1)
        if before is not None and before.kind in (CITATION, DOI, TYPE):
            points += 2
        if after is not None:
            if after.kind in (AUTHORS, REGISTRY) or after.field in ("authors", "registry"):
                points += 3
            elif after.kind in (CITATION, DOI, PROSE) or after.field == "abstract":
                points += 1
        return points

    best = max(heads, key=lambda i: (score(i), -i))
    title = blocks[best].text
    for step in (-1, 1):  # a bilingual page prints both titles together
        other = neighbour(best, step)
        if (
            other is not None
            and other.kind == TEXT
            and _title_like(other.text)
            and script(other.text) != script(title)
        ):
            return (title, other.text) if script(title) == "latin" else (other.text, title)
    return title, None


def _authors(blocks: list[Block], end: int) -> list[str]:
    for block in labelled(blocks, "authors"):
        names = split_names(" ".join(block.value_texts()))
        if names:
            return format_names(names)
    for block in blocks[:end]:
        if block.kind == AUTHORS:
            return author_list(block.text) or []
    return []


def _citations(blocks: list[Block]) -> list[tuple[Citation, str | None]]:
    """Each citation found, with a journal name taken from its surroundings."""
    found: list[tuple[Citation, str | None]] = []
    for i, block in enumerate(blocks):
        if block.kind == CITATION:
            citation = parse_citation(block.text)
            journal = None
            for back in blocks[max(0, i - 3) : i]:
                if back.kind == TEXT and looks_like_journal_abbrev(back.text):
                    journal = back.text
            if citation:
                found.append((citation, journal))
        elif block.kind == LABEL and block.field == "source":
            texts = block.value_texts()
            parsed = [parse_citation(t) for t in texts]
            names = [
                t
                for t, c in zip(texts, parsed, strict=True)
                if c is None and not t.lower().startswith("http") and _LETTER.search(t)
            ]
            for citation in parsed:
                if citation:
                    found.append((citation, names[0] if names else None))
                    break
            else:  # `Journal: Oral Oncology` names a journal; `From: Jane` names nobody's
                if names and not found and block.text.lower().startswith(("journal", "刊名")):
                    found.append((Citation(names[0], None, None, None, None, None), None))
    return found


def _apply_citation(draft: RecordDraft, blocks: list[Block]) -> bool:
    found = _citations(blocks)
    if not found:
        return False
    citation, journal = found[0]
    draft.journal = citation.journal or journal
    draft.year, draft.volume, draft.issue = citation.year, citation.volume, citation.issue
    draft.pages, draft.doi = citation.pages, citation.doi
    return citation.year is not None


def _doi(blocks: list[Block]) -> str | None:
    given = clean_doi(first_value(blocks, "doi"))
    if given:
        return given
    for block in blocks:
        if block.kind == DOI:
            return find_doi(block.text)
    return None


def _labelled_year(blocks: list[Block]) -> int | None:
    dated = [
        (b.text.split(":")[0].replace(" ", "").casefold(), " ".join(b.value_texts()))
        for b in labelled(blocks, "date")
    ]
    dated.sort(key=lambda d: _DATE_RANK.index(d[0]) if d[0] in _DATE_RANK else len(_DATE_RANK))
    for _, value in dated:
        year = parse_year(value)
        if year is not None:
            return year
    return None


def _abstract(blocks: list[Block], title: str | None) -> tuple[str | None, str | None]:
    """(abstract, text in another script): the longest labelled abstract, else the
    longest run of prose, in the title's script; a paragraph repeated verbatim (a
    registry's summary and description) is kept once."""
    runs = [b.value_texts() for b in labelled(blocks, "abstract")]
    if not runs:
        current: list[str] = []
        for block in blocks:
            if current and (block.kind != PROSE or script(block.text) != script(current[-1])):
                runs.append(current)
                current = []
            if block.kind == PROSE:
                current.append(block.text)
        if current:
            runs.append(current)
    seen: set[str] = set()
    kept: list[tuple[str, str]] = []
    for run in runs:
        paragraphs = [p for p in dict.fromkeys(run) if p not in seen]
        seen.update(paragraphs)
        if paragraphs:
            text = "\n".join(paragraphs)
            kept.append((script(text), text))
    if not kept:
        return None, None
    main = script(title) if title and script(title) in {k for k, _ in kept} else kept[0][0]
    ours = [text for kind, text in kept if kind == main]
    theirs = [text for kind, text in kept if kind != main]
    return max(ours, key=len), (max(theirs, key=len) if theirs else None)


def _source_url(blocks: list[Block]) -> str | None:
    value = first_value(blocks, "source")
    return value if value and value.lower().startswith("http") else None


def _extras(draft: RecordDraft, blocks: list[Block]) -> None:
    """The few unmapped fields a reviewer may want: affiliations, registry details."""
    affiliations = [
        _NUMBERING.sub("", t)
        for b in blocks
        for t in (b.value_texts() if b.kind == LABEL and b.field == "affiliations" else [b.text])
        if b.kind == AFFILIATION or (b.kind == LABEL and b.field == "affiliations")
    ]
    affiliations = [a for a in dict.fromkeys(affiliations) if _LETTER.search(a)]
    if affiliations:
        draft.extra["affiliations"] = "\n".join(affiliations)
    for key in ("conditions", "interventions", "outcomes", "description", "pmcid"):
        values = [
            part.strip()
            for b in labelled(blocks, key)
            for t in b.value_texts()
            for part in (t.split("|") if key in ("interventions", "outcomes") else [t])
        ]
        if values:
            draft.extra[key] = "\n".join(values)
    for kind, key in ((INTERVENTION, "interventions"), (OUTCOME, "outcomes")):
        lines = [p.strip() for b in blocks if b.kind == kind for p in b.text.split("|")]
        if lines and key not in draft.extra:
            draft.extra[key] = "\n".join(p for p in lines if p)
    first = next((i for i, b in enumerate(blocks) if b.kind == INTERVENTION), None)
    before = blocks[first - 1] if first else None
    if before and before.kind == TEXT and len(before.text.split()) <= 12:
        draft.extra.setdefault("conditions", before.text)
    for key in ("copyright", "correspondence"):
        value = first_value(blocks, key)
        if value:  # the first sentence names the holder; the licence text adds nothing
            draft.extra[key] = re.split(r"(?<=\w\w)\.\s+(?=[A-Z])", value, maxsplit=1)[0][:300]


FORMATS = [Format("text", "Plain-text document (saved web page)", sniff, parse)]

"""Line stages of the plain-text importer: cleaning, line kinds and labelled blocks."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from review.importers.base import split_lines
from review.importers.text_fields import author_list, parse_citation, registry_ids, words
from review.importers.text_html import html_lines

# Kinds of line. A labelled field (`Keywords: …`) becomes one LABEL block.
LABEL, JUNK, TYPE, CITATION, DOI, REGISTRY = "label", "junk", "type", "citation", "doi", "registry"
INTERVENTION, OUTCOME, AFFILIATION = "intervention", "outcome", "affiliation"
PROSE, AUTHORS, TEXT, DATE = "prose", "authors", "text", "date"

# Label fields. SKIP swallows what follows (reference lists, "similar articles").
SKIP = "skip"
REGISTER_FIELDS = frozenset({"conditions", "interventions", "outcomes", "study", "registry"})


@dataclass(slots=True, frozen=True)
class Line:
    number: int
    """1-based line of the file (of the HTML source for web pages)."""
    text: str


@dataclass(slots=True)
class Block:
    """One classified line, or a labelled field with the lines of its value."""

    kind: str
    line: Line
    field: str | None = None
    values: list[Line] = dataclasses.field(default_factory=list)

    @property
    def text(self) -> str:
        return self.line.text

    def value_texts(self) -> list[str]:
        return [value.text for value in self.values]


# ---------------------------------------------------------------- cleaning

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\ufeff]")
_SPACES = re.compile(r"\s+")
_BULLET = re.compile(r"^(?:[-–—•·▪◦*+#>]+\s+)+")
_MARKDOWN = re.compile(r"\*\*|__|`")
_CONTINUATION = re.compile(r"^\.\s*(?:1[89]|2[01])\d\d\b")


def clean(text: str, *, html: bool, markdown: bool) -> tuple[list[Line], dict[str, list[str]]]:
    """Non-empty lines with whitespace collapsed and bullets dropped.

    A line that starts `. 2022 Sep 1;…` is the second half of a PubMed
    citation whose journal sat on the line above; the two are joined.
    """
    meta: dict[str, list[str]] = {}
    if html:
        raw, meta = html_lines(text)
    else:
        raw = list(enumerate(split_lines(text), 1))
    lines: list[Line] = []
    for number, original in raw:
        value = _CONTROL.sub(" ", original)
        if markdown:
            value = _MARKDOWN.sub("", value)
        value = _BULLET.sub("", _SPACES.sub(" ", value).strip())
        if not value:
            continue
        if lines and _CONTINUATION.match(value):
            lines[-1] = Line(lines[-1].number, lines[-1].text + value)
        else:
            lines.append(Line(number, value))
    return lines, meta


# ---------------------------------------------------------------- labels

# Structured-abstract sections that may also open an abstract with no heading.
_SECTIONS = words(
    "background objective objectives objectivesofstudy studyobjectives purpose aim aims "
    "研究目的 目的 背景"
)
_FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "title": words(
        "title articletitle publictitle brieftitle officialtitle scientifictitle englishtitle "
        "标题 题目 题名"
    ),
    "vernacular_title": words("vernaculartitle originaltitle 中文标题"),
    "authors": words("author authors authorlist 作者"),
    "affiliations": words("affiliation affiliations authorinformation 作者单位 单位"),
    "abstract": words("abstract summary briefsummary 摘要") + _SECTIONS,
    "description": words("detaileddescription description"),
    "keywords": words("keywords keyword indexterms 关键词 关键字"),
    "mesh": words("meshterms"),
    "source": words("from source journal publishedin 出处 刊名"),
    "doi": ("doi",),
    "pmid": ("pmid",),
    "pmcid": ("pmcid",),
    "registry": words(
        "registrationnumber registrationno trialregistration nctnumber nctid clinicaltrialsgovid "
        "clinicaltrialsgovidentifier trialid identifier 注册号"
    ),
    "date": words(
        "published publicationdate datepublished epub firstpublished date accepted received "
        "dateofregistration registrationdate firstposted firstsubmitted studystart startdate "
        "lastupdateposted "
        "发表日期"
    ),
    "language": words("language 语种 语言"),
    "url": words("url link 网址"),
    "type": words("articletype publicationtype publicationtypes typeofarticle documenttype"),
    "conditions": words(
        "condition conditions targetcondition targetdisease conditionsstudied 疾病 研究疾病"
    ),
    "interventions": words("intervention interventions 干预措施"),
    "outcomes": words(
        "primaryoutcome primaryoutcomes secondaryoutcome secondaryoutcomes outcomemeasures "
        "primaryoutcomemeasures secondaryoutcomemeasures 主要结局指标"
    ),
    "study": words(
        "studytype studydesign phase enrollment recruitmentstatus overallstatus sponsor "
        "primarysponsor eligibilitycriteria inclusioncriteria exclusioncriteria 研究类型"
    ),
    "copyright": ("copyright",),
    "correspondence": words("correspondence correspondingauthor"),
    SKIP: words(
        "references similararticles citedby commentin relatedinformation linkoutmoreresources "
        "supplementarymaterial figures substances grantsandfunding conflictofinterest "
        "conflictofintereststatement disclaimer publishersnote acknowledgements "
        "acknowledgments funding ethicsstatement dataavailabilitystatement "
        "authorcontributions country recommend recommended relatedarticles youmayalsolike"
    ),
}
_LABELS = {name: key for key, names in _FIELD_LABELS.items() for name in names}
# Headings that stand alone on a line with no colon.
_BARE = frozenset(
    words(
        "abstract summary keywords keyword authors affiliations authorinformation meshterms "
        "publicationtypes 摘要 关键词"
    )
    + tuple(name for name in _FIELD_LABELS[SKIP] if name not in {"country", "funding", "figures"})
)
_LABEL = re.compile(r"^([^\W\d_][^:：]{0,40}?)\s*[:：]\s*(.*)$")
_LABEL_NORM = re.compile(r"[^a-z\u3400-\u9fff]")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|[。！？]")
_ABSTRACT_STOP = re.compile(
    r"^(?:©|copyright\b|\(c\)\s*\d{4}|introduction$|\d\.?\s+introduction$)", re.I
)


def _label_key(label: str) -> str | None:
    return _LABELS.get(_LABEL_NORM.sub("", label.casefold()))


def is_section(text: str) -> bool:
    """`Objective: …`, `Background: …`: a part of a structured abstract."""
    match = _LABEL.match(text)
    return match is not None and _LABEL_NORM.sub("", match.group(1).casefold()) in _SECTIONS


def is_heading(text: str) -> bool:
    """A known heading standing alone: `Abstract`, `Similar articles`, `MeSH terms`."""
    return len(text) <= 40 and _LABEL_NORM.sub("", text.casefold()) in _BARE


def match_label(text: str) -> tuple[str, str] | None:
    """(field, inline value) when the line is a known label or heading."""
    if is_heading(text):
        return _LABELS[_LABEL_NORM.sub("", text.casefold())], ""
    match = _LABEL.match(text)
    if not match:
        return None
    key, value = _label_key(match.group(1)), match.group(2).strip()
    # Bilingual pages double their labels: `注册时间：Date of Registration：2020-03-25`.
    inner = _LABEL.match(value)
    if inner and _label_key(inner.group(1)) and key in (None, _label_key(inner.group(1))):
        key, value = _label_key(inner.group(1)), inner.group(2).strip()
    if key is None:
        return None
    # "Interventions: Patients received …" is a structured-abstract section, not a field.
    if key in REGISTER_FIELDS and is_prose(value):
        return None
    return key, value


# ---------------------------------------------------------------- line kinds

_JUNK = re.compile(
    r"^(?:skip to (?:main )?(?:page )?content|an official website of the united states"
    r"|here'?s how you know|this article is part of the research topic|provisionally accepted"
    r"|sec\.\s|<<|>>|this is an open[- ]access article|all rights reserved|publisher'?s note"
    r"|we use cookies|this (?:web)?site uses cookies|accept (?:all )?cookies"
    r"|\(c\)\s*\d{4}|©)"
    r"|^(?:log ?in|sign ?in|sign ?up|menu|search|advanced|user guide|save|email|send to|share"
    r"|cite|print|display options|full text links|download(?: pdf)?|view (?:pdf|full text)"
    r"|open in a separate window|go to|back to top|next|previous|home|advertisement|expand"
    r"|collapse|show more|show less)$"
    r"|^[^>]{1,40}(?:\s+>\s+[^>]{1,40}){2,}$"  # breadcrumb: Home > Search > Record
    r"|view all \d+ articles|will be published soon\.?$",
    re.IGNORECASE,
)
_LETTER = re.compile(r"[^\W\d_]")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_LINE = re.compile(
    r"^(?:(?:published|posted|updated|last updated|first published)(?:\s+on)?\s*:?\s*)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    rf"|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{4}}|{_MONTH}\s+\d{{4}}"
    r"|\d{4}年\d{1,2}月(?:\d{1,2}日)?)"
    r"(?:\s*[,|·]?\s*\d{1,2}:\d{2}.*)?$",
    re.IGNORECASE,
)
_TYPE_MARKER = re.compile(
    r"^(case reports?|review|systematic review|mini review|meta-analysis|original research"
    r"|research|brief research report|editorial|letter|commentary|perspective|opinion"
    r"|clinical trial|randomi[sz]ed controlled trial|study protocol)"
    r"(?:\s+(?:article|paper))?$",
    re.IGNORECASE,
)
_DOI_LINE = re.compile(
    r"^(?:doi\s*[:：]?\s*|https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/\S+(?:\s.{0,80})?$",
    re.IGNORECASE,
)
_INTERVENTION = re.compile(
    r"^(?:DRUG|DEVICE|BIOLOGICAL|PROCEDURE|RADIATION|BEHAVIORAL|OTHER|DIETARY[_ ]SUPPLEMENT"
    r"|GENETIC|COMBINATION[_ ]PRODUCT|DIAGNOSTIC[_ ]TEST)\s*:"
)
_TIME_FRAME = re.compile(
    r"time frame\s*:|,\s*(?:up to|through|from|at|within|after|until|during|over|baseline"
    r"|approximately|\d+)\b[^,|]{0,60}?\b(?:days?|weeks?|months?|years?|hours?|cycles?|visits?)\b",
    re.IGNORECASE,
)
_INSTITUTION = re.compile(
    r"\b(?:universit\w*|hospital|hôpital|h[oô]pital|department|d[ée]partement|institut\w*"
    r"|cent(?:re|er)|school|college|faculty|laborator\w*|clinic|clinique|inserm|cnrs"
    r"|ministry|foundation)\b|大学|医院|学院|研究所|研究院|中心",
    re.IGNORECASE,
)
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\u3040-\u30ff\uac00-\ud7af]")


def is_prose(text: str) -> bool:
    """Running text: many words, or several sentences (CJK counted by characters)."""
    cjk = len(_CJK_CHAR.findall(text))
    if cjk >= 40:
        return cjk >= 100 or bool(_SENTENCE_END.search(text)) or "，" in text
    words = len(text.split())
    return words >= 40 or (words >= 15 and len(_SENTENCE_END.findall(text)) >= 2)


def _is_affiliation(text: str) -> bool:
    if len(text) > 600 or ("," not in text and "，" not in text):
        return False
    parts = [p for p in re.split(r"[.;](?:\s|$)", text) if p.strip()]
    hits = sum(1 for p in parts if _INSTITUTION.search(p))
    return hits > 0 and hits * 5 >= len(parts) * 3 and all(len(p.split()) <= 40 for p in parts)


def _is_outcome_list(text: str) -> bool:
    """`Overall survival, up to 2 years|Adverse events, Time Frame: …` (registry export)."""
    parts = text.split("|")
    if any(len(part.split()) > 40 for part in parts):
        return False
    timed = sum(1 for part in parts if _TIME_FRAME.search(part))
    return timed * 2 >= len(parts) and timed > 0


def classify(text: str) -> str:
    """The kind of an unlabelled line; order matters (a citation holds a DOI)."""
    if not _LETTER.search(text) or _JUNK.search(text):
        return JUNK
    if len(text) < 100 and text.endswith(("...", "…")):  # teaser of another article
        return JUNK
    words = len(text.split())
    if words <= 5 and _TYPE_MARKER.match(text):
        return TYPE
    if words <= 8 and _DATE_LINE.match(text):
        return DATE
    if parse_citation(text):
        return CITATION
    if words <= 14 and _DOI_LINE.match(text):
        return DOI
    if words <= 6 and registry_ids(text):
        return REGISTRY
    if _INTERVENTION.match(text):
        return INTERVENTION
    if _is_outcome_list(text):
        return OUTCOME
    if _is_affiliation(text):
        return AFFILIATION
    if is_prose(text):
        return PROSE
    if author_list(text):
        return AUTHORS
    return TEXT


def labelled(blocks: list[Block], key: str) -> list[Block]:
    """The label blocks of one field that have a value."""
    return [b for b in blocks if b.kind == LABEL and b.field == key and b.values]


def first_value(blocks: list[Block], key: str) -> str | None:
    """The first value of a labelled field, whitespace collapsed."""
    for block in labelled(blocks, key):
        text = " ".join(" ".join(block.value_texts()).split())
        if text:
            return text
    return None


def is_skipped(block: Block) -> bool:
    """A reference list, "similar articles" or disclaimer: about other records."""
    return block.kind == LABEL and block.field == SKIP


def build_blocks(lines: list[Line]) -> list[Block]:
    """Lines → blocks: a label takes the lines after it until the next label.

    A label with an inline value is one line, except the abstract, whose
    paragraphs follow. Other labels stop at running text, so a `Keywords`
    heading never swallows the abstract after it.
    """
    blocks: list[Block] = []
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        index += 1
        label = match_label(line.text)
        if label is None:
            blocks.append(Block(classify(line.text), line))
            continue
        key, value = label
        block = Block(LABEL, line, key)
        blocks.append(block)
        if value:
            block.values.append(Line(line.number, value))
            if key not in ("abstract", "description"):
                continue
        while index < count:
            following = lines[index]
            if key == "abstract" and is_section(following.text):
                block.values.append(following)
                index += 1
                continue
            # A reference list holds `PMID: …` lines of other papers: only a heading ends it.
            if is_heading(following.text) if key == SKIP else match_label(following.text):
                break
            if key in ("abstract", "description"):
                if _ABSTRACT_STOP.match(following.text):
                    break
                if classify(following.text) == JUNK:
                    index += 1
                    continue
            elif key != SKIP and is_prose(following.text):
                break
            block.values.append(following)
            index += 1
    return blocks

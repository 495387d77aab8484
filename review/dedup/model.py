"""What deduplication takes in and gives back: plain dataclasses, no I/O.

The pipeline sees records only through `DedupRecord`, built by the caller
from the store, so it runs the same on a review file, a benchmark CSV or a
test's hand-made records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Decision(StrEnum):
    """How a compared pair of records is judged."""

    CERTAIN = "certain"
    """Merged without asking: identifiers or full bibliographic data agree."""
    PROBABLE = "probable"
    """Probably one study: a reviewer confirms or rejects it in the queue."""
    DISTINCT = "distinct"
    """Two different records."""


@dataclass(slots=True)
class DedupRecord:
    """The fields deduplication compares, as stored; normalised later."""

    id: int
    """Row id; lower means imported earlier (the group key follows the earliest)."""
    uid: str
    key: str
    source_id: int
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    registry_id: str | None = None
    record_type: str | None = None


@dataclass(slots=True, frozen=True)
class Evidence:
    """Per-field comparison of two records; what the rules and the reviewer see.

    Field relations are `same`, `compatible` (e.g. a journal abbreviation and
    its full name, pages `123-9` and `123-129`), `different` or `missing`
    (absent on at least one side).
    """

    title: float
    """Title similarity 0..1 after normalisation (1.0 = identical)."""
    title_numbers: str
    """`same` when the numbers in both titles agree (Part 1 vs Part 2 differ)."""
    title_kind: str
    """`same` when both titles start alike: both or neither `Erratum:`, `Reply:`, …"""
    title_words: int
    """Words in the shorter title: a long title is not a recurring column's."""
    first_author: str
    authors: float
    """Similarity 0..1 of the author lists' family names."""
    author_count: int
    """How many authors the shorter list names (what `authors` was measured on, up to 8)."""
    year: str
    year_gap: int | None
    journal: str
    volume: str
    issue: str
    supplement: bool
    """Either record is in a supplement, whose volume and issue databases write many ways."""
    pages: str
    page_range: bool
    """Either record gives a page range (an article), not a single page (an abstract)."""
    single_page: bool
    """Either record gives one page only (an abstract, a notice), not a range."""
    pages_touch: bool
    """One record's pages overlap the other's or follow them (a letter, then its reply)."""
    doi: str
    pmid: str
    registry_id: str
    record_type: str
    generic_title: bool
    """A title that names no study (`Editorial`, `Book review`, …)."""

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(slots=True, frozen=True)
class Judgement:
    """One compared pair: positions in the input, decision, rule and evidence."""

    a: int
    b: int
    decision: Decision
    rule: str
    score: float
    evidence: Evidence
    weight: float = 0.0
    """The evidence's summed weights under the model: the queue shows the highest first."""


@dataclass(slots=True)
class Member:
    """A record in a group and why it is there."""

    index: int
    """Position in the pipeline's input list."""
    rule: str
    """The rule that joined it, or `existing` for an earlier group's member."""
    score: float
    is_new: bool = True
    """False for members that were already in the group before this run."""


@dataclass(slots=True)
class Group:
    """Records merged as one study report; `group_key` is set for earlier groups."""

    members: list[Member]
    group_key: str | None = None


@dataclass(slots=True)
class DedupState:
    """What earlier runs and reviewers decided; a new run never re-decides it."""

    groups: dict[str, str] = field(default_factory=dict)
    """record uid → group key, for current members of merged groups."""
    distinct: set[frozenset[str]] = field(default_factory=set)
    """Pairs of record uids a reviewer said are different records."""
    unmerged: set[tuple[str, str]] = field(default_factory=set)
    """(record uid, group key) a reviewer took out of a group: never rejoined automatically."""
    checked_through: int = 0
    """Records with an id up to this were compared before; pairs of two such are skipped."""


@dataclass(slots=True)
class DedupResult:
    """Groups to merge now and pairs for a reviewer, with the counts behind them."""

    groups: list[Group]
    queue: list[Judgement]
    compared: int
    """Candidate pairs scored (blocking keeps this near-linear in the records)."""
    windowed: list[tuple[str, int]] = field(default_factory=list)
    """(kind of key, records) of each block too large to pair all-with-all, whose
    records met only their title neighbours: a crowd of near-identical records."""

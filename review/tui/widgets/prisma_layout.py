"""The PRISMA 2020 flow diagram as boxes on a grid of text, for the PRISMA screen.

Two layouts from the same boxes: wide (the figure's columns side by side:
previous studies when an update gives them, databases and registers, other
methods) and, when the terminal is too narrow for that, narrow (one arm
after the other, each a main column and the boxes beside it, as `review
prisma` prints). Every line that carries a number names the box it opens
(`review.prisma.boxes` ids); the renderer records where each one landed so
the screen can move between them and scroll to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from review.models import SourceKind
from review.prisma.arms import Arm
from review.prisma.counts import ArmCounts, PrismaCounts, ReasonCount
from review.prisma.text import wrap

ARROW = 5
"""Columns between a main box and the box beside it: ' ──▶ '."""
GAP = 2
"""Columns between two arms."""
WIDE_MIN = 26
"""Narrowest box of the wide layout; below it the arms are stacked."""
NARROW_MAX = 48
"""Widest box of the narrow layout: wider only spreads the text thin."""


@dataclass(frozen=True)
class Item:
    """One line of a box: text, and the box id it opens (None for a heading)."""

    text: str
    box: str | None = None


@dataclass(frozen=True)
class Cell:
    """A box at column `col` (spanning `span` columns); `side` boxes take an arrow
    from the box on their left."""

    col: int
    items: tuple[Item, ...]
    span: int = 1
    side: bool = False


@dataclass(frozen=True)
class Band:
    """One row of boxes, with the stage label drawn above it (if any)."""

    cells: tuple[Cell, ...]
    label: str | None = None


@dataclass(frozen=True)
class Section:
    """Bands under column headings; arrows join main boxes only within a section."""

    headings: tuple[tuple[int, str], ...]
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Spot:
    """Where an openable item landed: lines y0..y1, columns x0..x1 (exclusive ends)."""

    box: str
    text: str
    col: int
    y0: int
    y1: int
    x0: int
    x1: int
    order: int
    """Reading order (row of boxes, box left to right, line): tab follows it."""
    top: int = 0
    """First line of the box the item is in."""


@dataclass
class Drawing:
    lines: list[str] = field(default_factory=list)
    spots: list[Spot] = field(default_factory=list)
    headings: list[tuple[int, int, int]] = field(default_factory=list)
    """(line, x0, x1) of every heading, drawn bold."""


def n(label: str, value: int, box: str | None, indent: int = 0) -> Item:
    return Item(f"{' ' * indent}{label} (n = {value})", box)


def _reasons(items: tuple[ReasonCount, ...], arm: Arm, group: str) -> list[Item]:
    return [n(r.label, r.count, f"{arm.value}.{group}.{r.id}", 2) for r in items]


def identified(counts: PrismaCounts, arm: Arm) -> tuple[Item, ...]:
    a = arm.value
    items = [Item("Records identified from:")]
    if arm is Arm.DBR:
        for kind, title, key in (
            (SourceKind.DATABASE, "Databases", "database"),
            (SourceKind.REGISTER, "Registers", "register"),
        ):
            items.append(n(title, counts.records_from(kind), f"{a}.identified.{key}", 2))
            items += [
                n(s.name, s.records, f"source.{i}", 4)
                for i, s in enumerate(counts.sources)
                if s.kind == kind.value
            ]
        return tuple(items)
    for method, title in (
        ("website", "Websites"),
        ("organisation", "Organisations"),
        ("citation", "Citation searching"),
    ):
        value = counts.records_from(SourceKind.OTHER, method)
        items.append(n(title, value, f"{a}.identified.{method}", 2))
    items += [
        n(f"{s.name}, method not given", s.records, f"source.{i}", 2)
        for i, s in enumerate(counts.sources)
        if s.kind == SourceKind.OTHER.value and not s.method
    ]
    return tuple(items)


def removed(arm: ArmCounts) -> tuple[Item, ...]:
    a = Arm.DBR.value
    return (
        Item("Records removed before screening:"),
        n("Duplicate records removed", arm.duplicates, f"{a}.duplicates", 2),
        n("Marked ineligible by automation tools", arm.removed_automation, None, 2),
        n("Removed for other reasons", arm.removed_other, None, 2),
    )


def other_screening(arm: ArmCounts) -> tuple[Item, ...]:
    """What this tool does with other methods' records that PRISMA 2020 does not draw."""
    a = Arm.OTHER.value
    items = [
        Item("Not drawn by PRISMA 2020:"),
        n("Duplicates", arm.duplicates, f"{a}.duplicates", 2),
        n("Screened", arm.screened, f"{a}.screened", 2),
        n("Excluded on title/abstract", arm.screening_excluded, f"{a}.screening_excluded", 2),
        *_reasons(arm.screening_reasons, Arm.OTHER, "screening_reason"),
    ]
    items += _pending(arm.screening_pending, arm.screening_conflicts, Arm.OTHER, "screening", 2)
    return tuple(items)


def _pending(pending: int, conflicts: int, arm: Arm, stage: str, indent: int = 0) -> list[Item]:
    if not pending:
        return []
    label = "Awaiting screening" if stage == "screening" else "Awaiting a decision"
    box = "screening" if stage == "screening" else "assessment"
    items = [n(label, pending, f"{arm.value}.{box}_pending", indent)]
    if conflicts:
        items.append(
            n("of which in conflict", conflicts, f"{arm.value}.{box}_conflicts", indent + 2)
        )
    return items


def screened(arm: ArmCounts) -> tuple[tuple[Item, ...], tuple[Item, ...]]:
    a = Arm.DBR.value
    main = (n("Records screened", arm.screened, f"{a}.screened"),)
    side = [n("Records excluded", arm.screening_excluded, f"{a}.screening_excluded")]
    side += _reasons(arm.screening_reasons, Arm.DBR, "screening_reason")
    side += _pending(arm.screening_pending, arm.screening_conflicts, Arm.DBR, "screening")
    return main, tuple(side)


def retrieval(arm: ArmCounts, which: Arm) -> tuple[tuple[Item, ...], tuple[Item, ...]]:
    a = which.value
    return (
        (n("Reports sought for retrieval", arm.sought, f"{a}.sought"),),
        (n("Reports not retrieved", arm.not_retrieved, f"{a}.not_retrieved"),),
    )


def assessment(arm: ArmCounts, which: Arm) -> tuple[tuple[Item, ...], tuple[Item, ...]]:
    a = which.value
    colon = ":" if arm.exclusion_reasons else ""
    side = [Item(f"Reports excluded (n = {arm.excluded}){colon}", f"{a}.excluded")]
    side += _reasons(arm.exclusion_reasons, which, "exclusion_reason")
    side += _pending(arm.assessment_pending, arm.assessment_conflicts, which, "assessment")
    main = (n("Reports assessed for eligibility", arm.assessed, f"{a}.assessed"),)
    return main, tuple(side)


def has_previous(counts: PrismaCounts) -> bool:
    return bool(counts.previous_studies or counts.previous_reports)


def previous(counts: PrismaCounts) -> tuple[Item, ...]:
    return (
        n("Studies included in previous version of review", counts.previous_studies, None),
        n("Reports of studies included in previous version", counts.previous_reports, None),
    )


def included(counts: PrismaCounts) -> tuple[Item, ...]:
    new = "New studies" if has_previous(counts) else "Studies"
    items = [
        n(f"{new} included in review", counts.new_studies, "included_studies"),
        n(f"Reports of {new.lower()} included", counts.new_reports, "included_reports"),
    ]
    if has_previous(counts):
        items += [
            n("Total studies included in review", counts.total_studies, None),
            n("Reports of total included studies", counts.total_reports, None),
        ]
    return tuple(items)


def wide_sections(counts: PrismaCounts) -> tuple[int, list[Section]]:
    """The figure's layout: (number of columns, one section)."""
    first = 1 if has_previous(counts) else 0
    d, ds, o, os_ = first, first + 1, first + 2, first + 3
    dbr, other = counts.dbr, counts.other
    ident = [
        Cell(d, identified(counts, Arm.DBR)),
        Cell(ds, removed(dbr), side=True),
        Cell(o, identified(counts, Arm.OTHER)),
        Cell(os_, other_screening(other), side=True),
    ]
    if first:
        ident.insert(0, Cell(0, previous(counts)))
    screen_main, screen_side = screened(dbr)
    bands = [
        Band(tuple(ident), "Identification"),
        Band((Cell(d, screen_main), Cell(ds, screen_side, side=True)), "Screening"),
    ]
    for step in (retrieval, assessment):
        (dm, dside), (om, oside) = step(dbr, Arm.DBR), step(other, Arm.OTHER)
        bands.append(
            Band(
                (Cell(d, dm), Cell(ds, dside, side=True), Cell(o, om), Cell(os_, oside, side=True))
            )
        )
    bands.append(Band((Cell(d, included(counts), span=3),), "Included"))
    headings = [
        (d, "New studies via databases and registers"),
        (o, "New studies via other methods"),
    ]
    if first:
        headings.insert(0, (0, "Previous studies"))
    return first + 4, [Section(tuple(headings), tuple(bands))]


def narrow_sections(counts: PrismaCounts) -> tuple[int, list[Section]]:
    """One arm after the other, two columns each (main box and the box beside it)."""
    dbr, other = counts.dbr, counts.other
    sections: list[Section] = []
    if has_previous(counts):
        sections.append(Section(((0, "Previous studies"),), (Band((Cell(0, previous(counts)),)),)))
    screen_main, screen_side = screened(dbr)
    arms = (
        (
            Arm.DBR,
            dbr,
            "New studies via databases and registers",
            [
                Band((Cell(0, identified(counts, Arm.DBR)), Cell(1, removed(dbr), side=True))),
                Band((Cell(0, screen_main), Cell(1, screen_side, side=True))),
            ],
        ),
        (
            Arm.OTHER,
            other,
            "New studies via other methods",
            [
                Band(
                    (
                        Cell(0, identified(counts, Arm.OTHER)),
                        Cell(1, other_screening(other), side=True),
                    )
                )
            ],
        ),
    )
    for which, arm, heading, bands in arms:
        for step in (retrieval, assessment):
            main, side = step(arm, which)
            bands.append(Band((Cell(0, main), Cell(1, side, side=True))))
        sections.append(Section(((0, heading),), tuple(bands)))
    sections.append(Section(((0, "Included"),), (Band((Cell(0, included(counts), span=2),)),)))
    return 2, sections


def draw(counts: PrismaCounts, width: int) -> Drawing:
    """The diagram in `width` columns: wide when the boxes fit, else narrow."""
    columns, sections = wide_sections(counts)
    sides = columns // 2
    box = (width - sides * ARROW - (columns - sides - 1) * GAP) // columns
    if box < WIDE_MIN:
        columns, sections = narrow_sections(counts)
        box = min(NARROW_MAX, max(20, (width - ARROW) // 2))
    return _Canvas(columns, box, sections).drawing


class _Canvas:
    """Characters on a grid: boxes, arrows, headings; `drawing` is the result."""

    def __init__(self, columns: int, box: int, sections: list[Section]) -> None:
        self.box = box
        self.rows: list[list[str]] = []
        self.drawing = Drawing()
        self.x: list[int] = []
        left = 0
        sides = {c.col for s in sections for b in s.bands for c in b.cells if c.side}
        for col in range(columns):
            if col:
                left += ARROW if col in sides else GAP
            self.x.append(left)
            left += box
        self.width = left
        self.order = 0
        y = 0
        for number, section in enumerate(sections):
            y += 1 if number else 0
            for col, text in section.headings:
                self._text(y, self.x[col], text[: self.width - self.x[col]], heading=True)
            y += 1
            bottoms: dict[int, int] = {}
            for band in section.bands:
                y = self._band(y, band, bottoms)
        self.drawing.lines = ["".join(row).rstrip() for row in self.rows]

    def _put(self, y: int, x: int, char: str) -> None:
        while len(self.rows) <= y:
            self.rows.append([" "] * self.width)
        if 0 <= x < self.width:
            self.rows[y][x] = char

    def _text(self, y: int, x: int, text: str, *, heading: bool = False) -> None:
        for i, char in enumerate(text):
            self._put(y, x + i, char)
        if heading:
            self.drawing.headings.append((y, x, x + len(text)))

    def _span_width(self, cell: Cell) -> int:
        return self.x[cell.col + cell.span - 1] + self.box - self.x[cell.col]

    def _band(self, y: int, band: Band, bottoms: dict[int, int]) -> int:
        """Draw one band at `y` (after the arrows into it); return the next free line."""
        arrows = [c for cell in band.cells if not cell.side for c in _covered(cell)]
        if band.label:
            self._text(y, 0, band.label.upper(), heading=True)
            y += 1
        top = y + 2 if any(col in bottoms for col in arrows) else y
        height = 0
        for cell in band.cells:
            height = max(height, self._box(top, cell))
            if cell.side:
                self._text(top + 1, self.x[cell.col] - ARROW, " ──▶ ")
        for cell in band.cells:
            if cell.side:
                continue
            centre_of = {c: self.x[c] + self.box // 2 for c in _covered(cell)}
            for col, x in centre_of.items():
                if col in bottoms:
                    for line in range(bottoms[col] + 1, top - 1):
                        if self.rows[line][x] == " ":
                            self._put(line, x, "│")
                    self._put(top - 1, x, "▼")
                bottoms[col] = top + height - 1
        return top + height

    def _box(self, top: int, cell: Cell) -> int:
        """Draw a box; return its height."""
        width = self._span_width(cell)
        inner = width - 4
        x0 = self.x[cell.col]
        y = top + 1
        for item in cell.items:
            indent = len(item.text) - len(item.text.lstrip())
            lines = wrap(item.text, inner, indent + 2)
            for line in lines:
                self._text(y, x0 + 2, line)
                y += 1
            if item.box is not None:
                self.drawing.spots.append(
                    Spot(
                        item.box,
                        item.text.strip(),
                        cell.col,
                        y - len(lines),
                        y,
                        x0 + 1,
                        x0 + width - 1,
                        0,
                        top,
                    )
                )
        bottom = y
        self._text(top, x0, "┌" + "─" * (width - 2) + "┐")
        for row in range(top + 1, bottom):
            self._put(row, x0, "│")
            self._put(row, x0 + width - 1, "│")
        self._text(bottom, x0, "└" + "─" * (width - 2) + "┘")
        return bottom - top + 1


def _covered(cell: Cell) -> range:
    return range(cell.col, cell.col + cell.span)


def reading_order(spots: list[Spot]) -> list[Spot]:
    """Spots renumbered as tab visits them: box by box along each row, top to bottom."""
    ordered = sorted(spots, key=lambda s: (s.top, s.col, s.y0))
    return [
        Spot(s.box, s.text, s.col, s.y0, s.y1, s.x0, s.x1, i, s.top) for i, s in enumerate(ordered)
    ]

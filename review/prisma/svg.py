"""The PRISMA 2020 flow diagram as SVG, in the standard layout, by string building.

Columns as in Page et al. 2021 (BMJ 372:n71), figure 1: previous studies
(only for an update), new studies via databases and registers (main boxes
with the boxes beside them taking what leaves), and new studies via other
methods; rows identification, screening, included, with the blue stage
labels on the left. Exclusion reasons are listed in their box. A draft (a
review in progress) says so across the top. Plain SVG 1.1 with system
fonts: no browser, no script, opens in Inkscape, Word and any browser.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape

from review.models import SourceKind
from review.prisma.counts import PrismaCounts, ReasonCount
from review.prisma.text import progress_line, wrap

FONT = "Arial, Helvetica, sans-serif"
SIZE = 12
LINE = 15
PAD = 8
BOX = 270
"""Width of a box; text wraps to fit."""
GAP = 40
"""Space between a main box and the box beside it, and between columns."""
STAGE = 28
"""Width of the blue stage labels on the left."""
CHARS = 41
"""Characters per wrapped line at 12 px in a 270 px box."""
BLUE, YELLOW, GREY = "#a8d1e7", "#ffc000", "#d9d9d9"


@dataclass
class _Box:
    x: float
    y: float
    lines: list[str]
    width: float = BOX

    @property
    def height(self) -> float:
        return len(self.lines) * LINE + 2 * PAD

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def middle_x(self) -> float:
        return self.x + self.width / 2


def _wrap(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        indent = len(line) - len(line.lstrip())
        out += wrap(line, CHARS, indent + 2)
    return out


def _n(value: int) -> str:
    return f"(n = {value})"


def _excluded(count: int, reasons: tuple[ReasonCount, ...]) -> str:
    return f"Reports excluded {_n(count)}" + (":" if reasons else "")


def _reasons(items: tuple[ReasonCount, ...]) -> list[str]:
    return [f"  {r.label} {_n(r.count)}" for r in items]


class _Canvas:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def box(self, box: _Box, fill: str = "#ffffff") -> None:
        self.parts.append(
            f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.width:.0f}" '
            f'height="{box.height:.0f}" fill="{fill}" stroke="#000000" stroke-width="1"/>'
        )
        for i, line in enumerate(box.lines):
            indent = (len(line) - len(line.lstrip())) * 3.5
            y = box.y + PAD + (i + 1) * LINE - 3
            self.text(box.x + PAD + indent, y, line.strip())

    def text(self, x: float, y: float, text: str, **attrs: str) -> None:
        extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
        self.parts.append(f'<text x="{x:.0f}" y="{y:.0f}"{extra}>{escape(text)}</text>')

    def arrow(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.parts.append(
            f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
            'stroke="#000000" stroke-width="1.2" marker-end="url(#arrow)"/>'
        )

    def path(self, points: list[tuple[float, float]]) -> None:
        d = " ".join(f"{'M' if i == 0 else 'L'} {x:.0f} {y:.0f}" for i, (x, y) in enumerate(points))
        self.parts.append(
            f'<path d="{d}" fill="none" stroke="#000000" stroke-width="1.2" '
            'marker-end="url(#arrow)"/>'
        )

    def banner(self, x: float, y: float, width: float, text: str, fill: str) -> float:
        lines = textwrap.wrap(text, int(width / 7))
        height = len(lines) * LINE + 2 * PAD
        self.parts.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{width:.0f}" height="{height:.0f}" '
            f'rx="8" fill="{fill}" stroke="#000000" stroke-width="1"/>'
        )
        for i, line in enumerate(lines):
            self.text(
                x + width / 2, y + PAD + (i + 1) * LINE - 3, line,
                text_anchor="middle", font_weight="bold",
            )  # fmt: skip
        return y + height

    def stage(self, y1: float, y2: float, label: str) -> None:
        self.parts.append(
            f'<rect x="{PAD}" y="{y1:.0f}" width="{STAGE}" height="{y2 - y1:.0f}" rx="6" '
            f'fill="{BLUE}" stroke="#000000" stroke-width="1"/>'
        )
        cx, cy = PAD + STAGE / 2 + 4, (y1 + y2) / 2
        self.text(
            cx, cy, label, text_anchor="middle", font_weight="bold",
            transform=f"rotate(-90 {cx:.0f} {cy:.0f})",
        )  # fmt: skip


def render_svg(counts: PrismaCounts, *, title: str | None = None) -> str:
    """The diagram as an SVG document; a draft says so across the top."""
    canvas = _Canvas()
    dbr, other = counts.dbr, counts.other
    previous = bool(counts.previous_studies or counts.previous_reports)
    left = PAD + STAGE + GAP / 2
    x_prev = left
    x_dbr = left + (BOX + GAP if previous else 0)
    x_dbr_side = x_dbr + BOX + GAP
    x_other = x_dbr_side + BOX + GAP * 1.5
    x_other_side = x_other + BOX + GAP
    width = x_other_side + BOX + PAD
    y: float = PAD
    if title:
        canvas.text(width / 2, y + LINE, title, text_anchor="middle", font_weight="bold")
        y += LINE + PAD
    if counts.in_progress:
        canvas.text(
            width / 2, y + LINE, f"DRAFT: {progress_line(counts)}",
            text_anchor="middle", font_weight="bold", fill="#c00000",
        )  # fmt: skip
        y += LINE + PAD
    if previous:
        canvas.banner(x_prev, y, BOX, "Previous studies", GREY)
    dbr_head = canvas.banner(
        x_dbr, y, 2 * BOX + GAP, "Identification of new studies via databases and registers",
        YELLOW,
    )  # fmt: skip
    other_head = canvas.banner(
        x_other, y, 2 * BOX + GAP, "Identification of new studies via other methods", GREY
    )
    y = max(dbr_head, other_head) + GAP / 2

    # Identification
    identified = ["Records identified from:"]
    for kind, label in ((SourceKind.DATABASE, "Databases"), (SourceKind.REGISTER, "Registers")):
        identified.append(f"  {label} {_n(counts.records_from(kind))}")
        identified += [f"    {s.name} {_n(s.records)}" for s in counts.named(kind)]
    b_ident = _Box(x_dbr, y, _wrap(identified))
    b_removed = _Box(
        x_dbr_side,
        y,
        _wrap(
            [
                "Records removed before screening:",
                f"  Duplicate records removed {_n(dbr.duplicates)}",
                f"  Records marked as ineligible by automation tools {_n(dbr.removed_automation)}",
                f"  Records removed for other reasons {_n(dbr.removed_other)}",
            ]
        ),
    )
    other_lines = ["Records identified from:"]
    for method, label in (
        ("website", "Websites"),
        ("organisation", "Organisations"),
        ("citation", "Citation searching"),
    ):
        other_lines.append(f"  {label} {_n(counts.records_from(SourceKind.OTHER, method))}")
    for source in counts.unspecified_other():
        other_lines.append(f"  {source.name}, method not given {_n(source.records)}")
    b_other = _Box(x_other, y, _wrap(other_lines))
    row_end = max(b_ident.bottom, b_removed.bottom, b_other.bottom)
    ident_top = y
    y = row_end + GAP

    # Screening
    screening_top = y
    b_screened = _Box(x_dbr, y, _wrap([f"Records screened {_n(dbr.screened)}"]))
    excluded = [f"Records excluded {_n(dbr.screening_excluded)}"]
    if dbr.screening_reasons and any(r.id != "not_recorded" for r in dbr.screening_reasons):
        excluded += _reasons(dbr.screening_reasons)
    if dbr.screening_pending:
        excluded.append(f"Records awaiting screening {_n(dbr.screening_pending)}")
    b_excluded = _Box(x_dbr_side, y, _wrap(excluded))
    y = max(b_screened.bottom, b_excluded.bottom) + GAP

    b_sought = _Box(x_dbr, y, _wrap([f"Reports sought for retrieval {_n(dbr.sought)}"]))
    b_missing = _Box(x_dbr_side, y, _wrap([f"Reports not retrieved {_n(dbr.not_retrieved)}"]))
    b_o_sought = _Box(x_other, y, _wrap([f"Reports sought for retrieval {_n(other.sought)}"]))
    b_o_missing = _Box(x_other_side, y, _wrap([f"Reports not retrieved {_n(other.not_retrieved)}"]))
    y = max(b.bottom for b in (b_sought, b_missing, b_o_sought, b_o_missing)) + GAP

    b_assessed = _Box(x_dbr, y, _wrap([f"Reports assessed for eligibility {_n(dbr.assessed)}"]))
    dbr_out = [_excluded(dbr.excluded, dbr.exclusion_reasons)]
    dbr_out += _reasons(dbr.exclusion_reasons)
    if dbr.assessment_pending:
        dbr_out.append(f"Reports awaiting a decision {_n(dbr.assessment_pending)}")
    b_dbr_out = _Box(x_dbr_side, y, _wrap(dbr_out))
    b_o_assessed = _Box(
        x_other, y, _wrap([f"Reports assessed for eligibility {_n(other.assessed)}"])
    )
    other_out = [_excluded(other.excluded, other.exclusion_reasons)]
    other_out += _reasons(other.exclusion_reasons)
    if other.assessment_pending:
        other_out.append(f"Reports awaiting a decision {_n(other.assessment_pending)}")
    b_other_out = _Box(x_other_side, y, _wrap(other_out))
    y = max(b.bottom for b in (b_assessed, b_dbr_out, b_o_assessed, b_other_out)) + GAP
    screening_end = y - GAP / 2

    # Included
    included_top = y
    new = [
        f"New studies included in review {_n(counts.new_studies)}",
        f"Reports of new included studies {_n(counts.new_reports)}",
    ]
    b_new = _Box(x_dbr, y, _wrap(new))
    boxes = [b_new]
    b_total = b_prev = None
    if previous:
        b_prev = _Box(
            x_prev,
            ident_top,
            _wrap(
                [
                    f"Studies included in previous version of review {_n(counts.previous_studies)}",
                    "Reports of studies included in previous version of review "
                    f"{_n(counts.previous_reports)}",
                ]
            ),
        )
        b_total = _Box(
            x_dbr,
            b_new.bottom + GAP,
            _wrap(
                [
                    f"Total studies included in review {_n(counts.total_studies)}",
                    f"Reports of total included studies {_n(counts.total_reports)}",
                ]
            ),
        )
        boxes += [b_prev, b_total]
    y = max(b.bottom for b in boxes) + PAD

    note = _other_note(counts)
    for box in (
        b_ident, b_removed, b_other, b_screened, b_excluded, b_sought, b_missing, b_o_sought,
        b_o_missing, b_assessed, b_dbr_out, b_o_assessed, b_other_out, *boxes,
    ):  # fmt: skip
        canvas.box(box)
    for upper, lower in ((b_ident, b_screened), (b_screened, b_sought), (b_sought, b_assessed)):
        canvas.arrow(upper.middle_x, upper.bottom, lower.middle_x, lower.y)
    canvas.arrow(b_assessed.middle_x, b_assessed.bottom, b_new.middle_x, b_new.y)
    for main, side in (
        (b_ident, b_removed), (b_screened, b_excluded), (b_sought, b_missing),
        (b_assessed, b_dbr_out), (b_o_sought, b_o_missing), (b_o_assessed, b_other_out),
    ):  # fmt: skip
        mid = main.y + min(main.height, side.height) / 2
        canvas.arrow(main.x + main.width, mid, side.x, mid)
    canvas.arrow(b_other.middle_x, b_other.bottom, b_o_sought.middle_x, b_o_sought.y)
    canvas.arrow(b_o_sought.middle_x, b_o_sought.bottom, b_o_assessed.middle_x, b_o_assessed.y)
    elbow_y = b_new.y + b_new.height / 2
    canvas.path(
        [
            (b_o_assessed.middle_x, b_o_assessed.bottom),
            (b_o_assessed.middle_x, elbow_y),
            (b_new.x + b_new.width, elbow_y),
        ]
    )
    if b_prev is not None and b_total is not None:
        canvas.path(
            [
                (b_prev.middle_x, b_prev.bottom),
                (b_prev.middle_x, b_total.y + b_total.height / 2),
                (b_total.x, b_total.y + b_total.height / 2),
            ]
        )
        canvas.arrow(b_new.middle_x, b_new.bottom, b_total.middle_x, b_total.y)
    canvas.stage(ident_top, row_end + GAP / 2, "Identification")
    canvas.stage(screening_top - GAP / 2 + PAD, screening_end, "Screening")
    canvas.stage(included_top - GAP / 2 + PAD, y - PAD, "Included")
    for line in note:
        y += LINE
        canvas.text(left, y, line, font_size="11")
    height = y + PAD * 2
    body = "\n".join(canvas.parts)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="{FONT}" font-size="{SIZE}">\n'
        "<title>PRISMA 2020 flow diagram</title>\n"
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="#000000"/>'
        "</marker></defs>\n"
        f'<rect width="100%" height="100%" fill="#ffffff"/>\n{body}\n</svg>\n'
    )


def _other_note(counts: PrismaCounts) -> list[str]:
    """What the layout has no box for: other methods' duplicates and screening."""
    other = counts.other
    if not other.identified:
        return []
    text = (
        "Other methods, screened here though PRISMA 2020 draws no box for it: "
        f"{other.identified} records identified, {other.duplicates} removed as duplicates "
        f"(of each other or of records found above), {other.screened} screened on title "
        f"and abstract, {other.screening_excluded} excluded"
    )
    if other.screening_pending:
        text += f", {other.screening_pending} awaiting screening"
    text += "."
    return textwrap.wrap(text, 150)

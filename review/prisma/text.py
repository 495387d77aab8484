"""The flow diagram in the terminal: boxes with counts, under 100 columns.

One column pair at a time (main box, then the box beside it that takes the
records or reports leaving), so it stays readable in 80-100 columns. Plain
text; the command line may colour it.
"""

from __future__ import annotations

import textwrap

from review.models import SourceKind
from review.prisma.counts import ArmCounts, PrismaCounts, ReasonCount

WIDTH = 44
"""Inside width of a box; two boxes and the arrow between them take 97 columns."""


def wrap(line: str, width: int, indent: int) -> list[str]:
    """Wrap one line, never between "(n =" and its number."""
    held = line.replace("(n = ", "(n\0=\0")
    lines = textwrap.wrap(held, width, subsequent_indent=" " * indent) or [""]
    return [text.replace("\0", " ") for text in lines]


def _box(lines: list[str]) -> list[str]:
    wrapped: list[str] = []
    for line in lines:
        indent = len(line) - len(line.lstrip())
        wrapped += wrap(line, WIDTH - 2, indent + 2)
    top, bottom = "┌" + "─" * WIDTH + "┐", "└" + "─" * WIDTH + "┘"
    return [top, *(f"│ {text:<{WIDTH - 2}} │" for text in wrapped), bottom]


def _pair(left: list[str], right: list[str] | None) -> list[str]:
    a = _box(left)
    if right is None:
        return a
    b = _box(right)
    height = max(len(a), len(b))
    blank = " " * (WIDTH + 2)
    a += [blank] * (height - len(a))
    b += [""] * (height - len(b))
    rows = enumerate(zip(a, b, strict=True))
    return [f"{x} {'──▶' if i == 1 else '   '} {y}".rstrip() for i, (x, y) in rows]


def _down() -> list[str]:
    middle = " " * (WIDTH // 2 + 1)
    return [f"{middle}│", f"{middle}▼"]


def _reasons(items: tuple[ReasonCount, ...]) -> list[str]:
    return [f"  {r.label} (n = {r.count})" for r in items]


def _arm(counts: PrismaCounts, arm: ArmCounts, dbr: bool) -> list[str]:
    out: list[str] = []
    if dbr:
        identified = ["Records identified from:"]
        for kind, title in ((SourceKind.DATABASE, "Databases"), (SourceKind.REGISTER, "Registers")):
            identified.append(f"  {title} (n = {counts.records_from(kind)})")
            identified += [f"    {s.name} (n = {s.records})" for s in counts.named(kind)]
        removed = [
            "Records removed before screening:",
            f"  Duplicate records (n = {arm.duplicates})",
            f"  Marked ineligible by automation tools (n = {arm.removed_automation})",
            f"  Removed for other reasons (n = {arm.removed_other})",
        ]
        out += _pair(identified, removed) + _down()
        excluded = [f"Records excluded (n = {arm.screening_excluded})"]
        excluded += _reasons(arm.screening_reasons)
        if arm.screening_pending:
            excluded.append(f"Awaiting screening (n = {arm.screening_pending})")
        out += _pair([f"Records screened (n = {arm.screened})"], excluded) + _down()
    else:
        identified = ["Records identified from:"]
        for method, title in (
            ("website", "Websites"),
            ("organisation", "Organisations"),
            ("citation", "Citation searching"),
        ):
            identified.append(f"  {title} (n = {counts.records_from(SourceKind.OTHER, method)})")
        for source in counts.unspecified_other():
            identified.append(f"  {source.name}, method not given (n = {source.records})")
        beside = [
            "Not drawn by PRISMA 2020:",
            f"  Duplicates (n = {arm.duplicates})",
            f"  Screened (n = {arm.screened})",
            f"  Excluded on title/abstract (n = {arm.screening_excluded})",
        ]
        if arm.screening_pending:
            beside.append(f"  Awaiting screening (n = {arm.screening_pending})")
        out += _pair(identified, beside) + _down()
    out += _pair(
        [f"Reports sought for retrieval (n = {arm.sought})"],
        [f"Reports not retrieved (n = {arm.not_retrieved})"],
    )
    out += _down()
    colon = ":" if arm.exclusion_reasons else ""
    excluded = [f"Reports excluded (n = {arm.excluded}){colon}", *_reasons(arm.exclusion_reasons)]
    if arm.assessment_pending:
        excluded.append(f"Awaiting a decision (n = {arm.assessment_pending})")
    out += _pair([f"Reports assessed for eligibility (n = {arm.assessed})"], excluded)
    return out


def render_text(counts: PrismaCounts) -> str:
    """The diagram as lines of text, with an 'in progress' line first when it is a draft."""
    lines: list[str] = []
    if counts.in_progress:
        lines.append(f"IN PROGRESS: {progress_line(counts)}")
        lines.append("")
    lines += ["IDENTIFICATION — new studies via databases and registers", ""]
    lines += _arm(counts, counts.dbr, dbr=True)
    lines += ["", "IDENTIFICATION — new studies via other methods", ""]
    lines += _arm(counts, counts.other, dbr=False)
    lines += ["", "INCLUDED", ""]
    included = [
        f"Studies included in review (n = {counts.new_studies})",
        f"Reports of included studies (n = {counts.new_reports})",
    ]
    if counts.previous_studies or counts.previous_reports:
        previous = [
            f"Studies in previous version of review (n = {counts.previous_studies})",
            f"Reports of those studies (n = {counts.previous_reports})",
        ]
        lines += _pair(previous, None)
        included += [
            f"Total studies included in review (n = {counts.total_studies})",
            f"Reports of total included studies (n = {counts.total_reports})",
        ]
    lines += _pair(included, None)
    return "\n".join(lines) + "\n"


def progress_line(counts: PrismaCounts) -> str:
    """What is still open, in one line: the reason the diagram is a draft."""
    parts = []
    if pending := counts.screening_pending:
        conflicts = counts.dbr.screening_conflicts + counts.other.screening_conflicts
        note = f" ({conflicts} in conflict)" if conflicts else ""
        await_ = "record awaits" if pending == 1 else "records await"
        parts.append(f"{pending} {await_} title/abstract screening{note}")
    if pending := counts.assessment_pending:
        conflicts = counts.dbr.assessment_conflicts + counts.other.assessment_conflicts
        note = f" ({conflicts} in conflict)" if conflicts else ""
        await_ = "report awaits" if pending == 1 else "reports await"
        parts.append(f"{pending} {await_} a full-text decision{note}")
    return "; ".join(parts) + "; these numbers are not final"

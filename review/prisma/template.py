"""The PRISMA2020 R package's input CSV (`PRISMA_data(read.csv(...))`), filled in.

The template beside this module is the package's own `inst/extdata/PRISMA.csv`
(prisma-flowdiagram/PRISMA2020 at 620aaf9, MIT): every row is kept, in its
order, with its other columns as they are; only `n` is filled for the keys
the ledger counts. Rows we do not derive (the title boxes, the
meta-analysis box `total_studies_ma` / `total_reports_ma`, which waits for
the synthesis stage) keep the template's value.

Lists go in one cell as the package reads them: "Name, n; Name, n". A
reason or source name holding `,` or `;` would split wrongly there, so those
characters become " -" (protocol labels should hold neither; names of
imports can). A box with no exclusion reasons (none excluded) gets the
count alone, `0`: the package's parser reads a cell without letters as a
total with no breakdown and draws "Reports excluded: (n = 0)", where an
empty cell or `NA` becomes "(n = NA)".
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from pathlib import Path

from review.errors import ExportError
from review.file_modes import give_usual_mode
from review.models import SourceKind
from review.prisma.counts import ArmCounts, PrismaCounts, SourceCount
from review.wording import counted

TEMPLATE = Path(__file__).with_name("PRISMA2020_template.csv")
KEY = "data"
VALUE = "n"
_SEPARATORS = re.compile(r"\s*[,;\r\n]+\s*")


def clean_label(text: str) -> str:
    """A name or reason label safe inside "Name, n; Name, n": no `,` `;` or newline."""
    return _SEPARATORS.sub(" - ", text).strip(" -") or "unnamed"


def listing(items: list[tuple[str, int]]) -> str:
    """ "Name, n; Name, n" as PRISMA2020 reads specific sources and exclusion reasons."""
    return "; ".join(f"{clean_label(name)}, {n}" for name, n in items)


def template_rows(path: Path = TEMPLATE) -> tuple[list[str], list[dict[str, str]]]:
    """The template's header and rows, as they are."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def values(counts: PrismaCounts) -> dict[str, str]:
    """The `n` of every key the ledger counts."""
    dbr, other = counts.dbr, counts.other
    if unspecified := counts.unspecified_other():
        names = ", ".join(f"{s.name} ({counted(s.records, 'record')})" for s in unspecified)
        raise ExportError(
            f"other-methods imports without a method: {names}; the PRISMA2020 CSV counts "
            "only websites, organisations and citation searching",
            field="records identified (other methods)",
            hint="import those files with --kind other --method website|organisation|citation",
        )

    def named(kind: SourceKind) -> str:
        return listing([(s.name, s.records) for s in _named(counts.named(kind))])

    def reasons(arm: ArmCounts) -> str:
        # No reasons (nothing excluded) goes as the bare count, which the
        # package reads as a total without a breakdown and draws "(n = 0)";
        # an empty cell or NA would be drawn "(n = NA)".
        items = arm.exclusion_reasons
        return listing([(r.label, r.count) for r in items]) or str(arm.excluded)

    numbers: dict[str, int | str] = {
        "previous_studies": counts.previous_studies,
        "previous_reports": counts.previous_reports,
        "database_results": counts.records_from(SourceKind.DATABASE),
        "database_specific_results": named(SourceKind.DATABASE),
        "register_results": counts.records_from(SourceKind.REGISTER),
        "register_specific_results": named(SourceKind.REGISTER),
        "website_results": counts.records_from(SourceKind.OTHER, "website"),
        "organisation_results": counts.records_from(SourceKind.OTHER, "organisation"),
        "citations_results": counts.records_from(SourceKind.OTHER, "citation"),
        "duplicates": dbr.duplicates,
        "excluded_automatic": dbr.removed_automation,
        "excluded_other": dbr.removed_other,
        "records_screened": dbr.screened,
        "records_excluded": dbr.screening_excluded,
        "dbr_sought_reports": dbr.sought,
        "dbr_notretrieved_reports": dbr.not_retrieved,
        "other_sought_reports": other.sought,
        "other_notretrieved_reports": other.not_retrieved,
        "dbr_assessed": dbr.assessed,
        "dbr_excluded": reasons(dbr),
        "other_assessed": other.assessed,
        "other_excluded": reasons(other),
        "new_studies": counts.new_studies,
        "new_reports": counts.new_reports,
        "total_studies": counts.total_studies,
        "total_reports": counts.total_reports,
    }
    return {key: str(value) for key, value in numbers.items()}


def _named(sources: tuple[SourceCount, ...]) -> list[SourceCount]:
    return [s for s in sources if s.records]


def render_csv(counts: PrismaCounts, template: Path = TEMPLATE) -> str:
    """The filled template as text, with the template's CRLF line ends."""
    header, rows = template_rows(template)
    filled = values(counts)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        if row[KEY] in filled:
            row = {**row, VALUE: filled[row[KEY]]}
        writer.writerow(row)
    return out.getvalue()


def write_csv(counts: PrismaCounts, path: Path) -> Path:
    """Write atomically (a temp file beside `path`, then rename) and read it back.
    A byte-order mark goes first, as in every CSV the review writes, so Excel
    reads source names in UTF-8; R's read.csv skips it."""
    text = render_csv(counts)
    atomic_write(path, "\ufeff" + text)
    _, rows = template_rows(path)
    written = {row[KEY]: row[VALUE] for row in rows}
    wrong = [key for key, value in values(counts).items() if written.get(key) != value]
    if wrong:
        raise ExportError(f"read back, {', '.join(wrong)} differ from the counts", path=path)
    return path


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write `text` (UTF-8, as given; bytes as they are) so a reader sees the
    old file or the new one."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            data = text.encode("utf-8") if isinstance(text, str) else text
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            give_usual_mode(Path(temp), path)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ExportError(f"cannot write the file: {exc}", path=path) from None

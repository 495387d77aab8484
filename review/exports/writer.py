"""`export_review`: every file of an export, written all or nothing and checked.

Order of work: load the review (PRISMA's arithmetic is checked there, so an
inconsistent ledger writes nothing); refuse an in-progress review unless
asked for a draft; write each file to a temporary file in the target folder;
read each back and compare it with what the store holds (row counts against
the store's own counts, a sample of rows cell by cell, every RIS title); only
when all agree, rename them into place. A failure anywhere leaves the
folder as it was, temporary files removed, and names the file.

`parts` picks what is written (the workbook, the CSVs, the RIS files);
the CSVs are written in the workbook's pass, so CSVs alone still build the
workbook in a temporary file and drop it. `progress` hears each step, for a
screen that shows the work as it goes.

A draft (the review still has open decisions, and `draft=True`) is written
under names ending in `-draft` (review-draft.xlsx …), says so in its
Dictionary and workbook title, and never replaces the final files.
"""

from __future__ import annotations

import math
import os
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from review.errors import ExportError, UsageError
from review.exports import csv_files, ris, xlsx
from review.exports.agreement import agreement_table
from review.exports.background import Job
from review.exports.cells import Cell
from review.exports.dictionary import dictionary_table
from review.exports.extracted import study_values
from review.exports.load import ExportData, load_export
from review.exports.methods import methods_table
from review.exports.outcomes import outcomes_table
from review.exports.prisma import prisma_table
from review.exports.records import records_table
from review.exports.rob_sheets import rob_tables
from review.exports.studies import studies_table
from review.exports.table import Table
from review.file_modes import give_usual_mode
from review.prisma.text import progress_line
from review.store import Store, utc_now
from review.wording import counted

WORKBOOK = "review.xlsx"
RIS_INCLUDED = "included.ris"
RIS_ALL = "records.ris"
PARTS = ("xlsx", "csv", "ris")
"""What an export can be limited to (`review export --only`): review.xlsx, the
CSVs, the two RIS files."""


@dataclass(frozen=True)
class WrittenFile:
    """One file of the export and what it holds."""

    path: Path
    rows: dict[str, int]
    """Sheet (or the file itself) → data rows or records written."""

    def contents(self) -> str:
        """`3 records`, `1 row`, or per sheet `Studies 3, Outcomes 1`."""
        unit = "record" if self.path.suffix == ".ris" else "row"
        return ", ".join(
            f"{name} {n:,}" if name != self.path.name else counted(n, unit)
            for name, n in self.rows.items()
        )


@dataclass
class ExportResult:
    folder: Path
    draft: bool
    files: list[WrittenFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What the analyst must act on before pooling (`Table.warnings`), as the
    Dictionary words it."""


def export_tables(data: ExportData, *, exported_at: str) -> list[Table]:
    """Every sheet in workbook order, the Dictionary last."""
    values = study_values(data)
    tables = [
        records_table(data),
        studies_table(data, values),  # Studies and Outcomes share the values read once
        outcomes_table(data, values),
        prisma_table(data),
        agreement_table(data),
        *rob_tables(data),
    ]
    if (methods := methods_table(data)) is not None:
        tables.append(methods)
    return [*tables, dictionary_table(data, tables, exported_at=exported_at)]


def export_review(
    store: Store,
    folder: Path,
    *,
    draft: bool = False,
    parts: Collection[str] = PARTS,
    now: Callable[[], str] = utc_now,
    progress: Callable[[str], None] | None = None,
) -> ExportResult:
    """Write review.xlsx, the CSVs and the RIS files (or those of `parts`) into `folder`."""
    if unknown := sorted(set(parts) - set(PARTS)):
        raise UsageError(f"cannot export {', '.join(unknown)}", hint=f"choose {', '.join(PARTS)}")
    if not parts:
        raise UsageError("nothing to export", hint=f"choose one or more of {', '.join(PARTS)}")
    say = progress or (lambda step: None)
    say("Reading the review")
    data = load_export(store)
    if data.draft and not draft:
        raise UsageError(
            f"the review is in progress: {progress_line(data.prisma)}",
            path=store.path,
            hint="finish screening (`review status` shows what is open), "
            "or add --draft to export it as it stands (files named …-draft)",
        )
    tables = export_tables(data, exported_at=now())
    mark = "-draft" if data.draft else ""
    sheets = "xlsx" in parts or "csv" in parts
    result = ExportResult(
        folder, data.draft, warnings=[w for t in tables for w in t.warnings] if sheets else []
    )
    with _staging(folder) as stage:
        ris_job: Job[tuple[int, int]] | None = None
        if "ris" in parts:
            say(f"Writing {_named(RIS_INCLUDED, mark)} and {_named(RIS_ALL, mark)}")
            included = ris.included_record_ids(data)
            targets = (
                stage.target(_named(RIS_INCLUDED, mark)),
                stage.target(_named(RIS_ALL, mark)),
            )
            expected = (len(included), store.records.record_count())
            temps = (stage.temp(targets[0]), stage.temp(targets[1]))
            # The RIS files beside the workbook, in a second process where it is safe.
            ris_job = Job(partial(_write_ris, data, included, temps, targets, expected))
        try:
            if "xlsx" in parts or "csv" in parts:
                _write_tables(stage, result, tables, data, mark, parts, say)
        except BaseException:
            if ris_job is not None:
                ris_job.cancel()
            raise
        if ris_job is not None:
            counts = ris_job.result()
            for target, count in zip(targets, counts, strict=True):
                result.files.append(WrittenFile(target, {target.name: count}))
    return result


def _write_tables(
    stage: _Stage,
    result: ExportResult,
    tables: list[Table],
    data: ExportData,
    mark: str,
    parts: Collection[str],
    say: Callable[[str], None],
) -> None:
    """The workbook and its CSVs in one pass, each read back."""
    workbook = stage.target(_named(WORKBOOK, mark))
    csv_targets = (
        {t.sheet: stage.target(_named(t.csv_name, mark)) for t in tables if t.csv_name}
        if "csv" in parts
        else {}
    )
    say(f"Writing {workbook.name}" + (" and the CSVs" if csv_targets else ""))
    written, mirrored = xlsx.write_xlsx(
        stage.temp(workbook),
        tables,
        title=data.title,
        draft=data.draft,
        csv_paths={sheet: stage.temp(target) for sheet, target in csv_targets.items()},
    )
    check: Job[None] | None = None
    if "xlsx" in parts:
        say(f"Checking {workbook.name}")
        # The workbook is read back in a second process while this one reads the CSVs.
        check = Job(partial(_check_xlsx, stage.temp(workbook), workbook, tables, written))
    else:
        stage.drop(workbook)
    checked: list[WrittenFile] = []
    try:
        for table in tables:
            if (target := csv_targets.get(table.sheet)) is not None:
                say(f"Checking {target.name}")
                _check_csv(stage.temp(target), target, table, mirrored[table.sheet])
                checked.append(WrittenFile(target, {target.name: table.count}))
    except BaseException:
        if check is not None:
            check.cancel()
        raise
    if check is not None:
        check.result()
        result.files.append(WrittenFile(workbook, {t.sheet: t.count for t in tables}))
    result.files.extend(checked)


def _write_ris(
    data: ExportData,
    included: set[int],
    temps: tuple[Path, Path],
    targets: tuple[Path, Path],
    expected: tuple[int, int],
) -> tuple[int, int]:
    """Both RIS files written and read back; the records read through a
    connection of this process's own (see `background`)."""
    with Store.open(data.store.path) as own:
        sent = ris.write_ris(*temps, replace(data, store=own), included)
    for temp, target, (count, titles), wanted in zip(temps, targets, sent, expected, strict=True):
        _check_ris(temp, target, wanted, count, titles)
    return sent[0][0], sent[1][0]


_WHERE_TO = "free some space, or choose another folder you can write in"


def _named(name: str, mark: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}{mark}{dot}{suffix}"


class _Stage:
    """Temporary files in the target folder, renamed into place together."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.temps: dict[Path, Path] = {}
        self.dropped: set[Path] = set()

    def target(self, name: str) -> Path:
        target = self.folder / name
        if target.is_dir():
            raise ExportError("a folder is in the way of the file", path=target)
        try:
            handle, temp = tempfile.mkstemp(
                prefix=f".{name}.", suffix=target.suffix, dir=self.folder
            )
        except OSError as exc:
            raise ExportError(
                f"cannot write in the folder: {exc.strerror}", path=target, hint=_WHERE_TO
            ) from None
        os.close(handle)
        self.temps[target] = Path(temp)
        return target

    def temp(self, target: Path) -> Path:
        return self.temps[target]

    def drop(self, target: Path) -> None:
        """Written only to feed another file: removed, never renamed into place."""
        self.dropped.add(target)

    def commit(self) -> None:
        for target, temp in self.temps.items():
            if target in self.dropped:
                continue
            try:
                give_usual_mode(temp, target)
                os.replace(temp, target)
            except OSError as exc:
                raise ExportError(f"cannot replace the file: {exc.strerror}", path=target) from None

    def discard(self) -> None:
        for temp in self.temps.values():
            temp.unlink(missing_ok=True)


@contextmanager
def _staging(folder: Path) -> Iterator[_Stage]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"cannot create the folder: {exc.strerror}", path=folder, hint=_WHERE_TO
        ) from None
    if not folder.is_dir():
        raise ExportError("not a folder", path=folder, hint="give --to a folder")
    stage = _Stage(folder)
    try:
        yield stage
        stage.commit()
    except OSError as exc:
        raise ExportError(
            f"cannot write the export: {exc.strerror or exc}; the folder is as it was",
            path=folder,
            hint=_WHERE_TO,
        ) from None
    finally:
        stage.discard()


def _check_xlsx(temp: Path, target: Path, tables: list[Table], written: xlsx.Written) -> None:
    try:
        back = xlsx.read_back(temp, written)
    except (ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise ExportError(f"read back, the workbook does not open: {exc}", path=target) from None
    if list(back) != [t.sheet for t in tables]:
        raise ExportError(f"read back, the sheets are {', '.join(back)}", path=target)
    for table in tables:
        header, count, samples = back[table.sheet]
        _compare(target, table, header, count, written[table.sheet][1])
        for position, cells in written[table.sheet][2].items():
            if not _same_cells(samples.get(position, []), cells):
                raise ExportError(
                    f"read back, sheet {table.sheet} row {position + 2} differs from the review",
                    path=target,
                )


def _check_csv(temp: Path, target: Path, table: Table, sent: csv_files.Written) -> None:
    header, count, samples = csv_files.read_back(temp, sent)
    _compare(target, table, header, count, sent[1])
    for position, cells in sent[2].items():
        if samples.get(position) != cells:
            raise ExportError(f"read back, row {position + 2} differs from the review", path=target)


def _check_ris(temp: Path, target: Path, expected: int, count: int, titles: list[str]) -> None:
    back, back_titles = ris.read_back(temp)
    if not back == count == expected:
        raise ExportError(
            f"read back {back:,} records, wrote {count:,}; the review has {expected:,}",
            path=target,
        )
    if back_titles != titles:
        raise ExportError("read back, a record's title differs from the review", path=target)


def _compare(target: Path, table: Table, header: list[str], count: int, sent: int) -> None:
    where = f"sheet {table.sheet}: " if target.suffix == ".xlsx" else ""
    if header != table.header:
        raise ExportError(f"read back, {where}the header differs", path=target)
    if not count == sent == table.count:
        raise ExportError(
            f"{where}read back {count:,} rows, wrote {sent:,}; the review has {table.count:,}",
            path=target,
        )


def _same_cells(back: list[Cell], sent: list[Cell]) -> bool:
    """Equal, up to trailing blanks (a read-only sheet may drop them) and the
    16 significant digits openpyxl writes a float with."""
    back, sent = _trimmed(back), _trimmed(sent)
    if len(back) != len(sent):
        return False
    for got, meant in zip(back, sent, strict=True):
        if isinstance(meant, float) and isinstance(got, int | float):
            if not math.isclose(got, meant, rel_tol=1e-15, abs_tol=1e-300):
                return False
        elif got != meant:
            return False
    return True


def _trimmed(cells: list[Cell]) -> list[Cell]:
    end = len(cells)
    while end and cells[end - 1] is None:
        end -= 1
    return list(cells[:end])

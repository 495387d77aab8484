"""Import files into a review: sniff, parse, identify, store.

A file is either wholly in the review or not at all, and so is a folder:
if one of its files fails, none is stored and every failure is reported.
Files are staged in short transactions and published at once (see
`store.imports`), so an import never holds up a colleague's decisions.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from review.errors import DuplicateImportError, ImportFormatError, Problem, UsageError
from review.identity import identifier_key, positional_key
from review.importers import by_name, read_document
from review.importers.base import Document, Format
from review.models import FILE_WARNING_KINDS, RecordDraft, Source, SourceKind
from review.process_stream import (
    ChildStream,
    CpuSample,
    cpu_sample,
    spare_core,
    stream_in_child,
)
from review.store import KeyedRecord, NewSource, RowChunk, Store, row_chunks
from review.wording import counted

Progress = Callable[[str, int, int], None]
"""Called with (phase, done, total) as an import advances; `total` is an
estimate from the share of the file read until the file is done."""

Parsed = tuple[RowChunk, float]
"""A chunk of rows and how far into the file the parser had read (0–1)."""

_PROGRESS_STEP = 2_000
"""Records between progress reports."""
_SKIPPED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ImportOptions:
    """What the user said about the search these files come from."""

    kind: SourceKind
    source_name: str
    method: str | None = None
    search_date: str | None = None
    reviewer: str | None = None
    encoding: str | None = None
    format_name: str | None = None
    force: bool = False
    """Import even when a file with the same content was imported before."""


FORMAT_SOURCES: dict[str, tuple[SourceKind, str, str | None]] = {
    "medline": (SourceKind.DATABASE, "PubMed", None),
    "pubmed_xml": (SourceKind.DATABASE, "PubMed", None),
    "wos": (SourceKind.DATABASE, "Web of Science", None),
    "ctgov_json": (SourceKind.REGISTER, "ClinicalTrials.gov", None),
    "text": (SourceKind.OTHER, "Web search", "website"),
}
"""(kind, source, method) a file's format implies, offered as the import
dialog's defaults; a format many vendors export (RIS, CSV) implies none."""


@dataclass
class ImportResult:
    """One file's outcome, for the summary the CLI and TUI print."""

    source: Source
    format_label: str
    warnings: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    notices: list[str] = field(default_factory=list)
    """Warnings about the whole file (e.g. it may be incomplete), shown in full."""


def import_paths(
    store: Store, paths: list[Path], options: ImportOptions, progress: Progress | None = None
) -> list[ImportResult]:
    """Import files and folders (each file of a folder is one source).

    All files are opened, sniffed and checked for repeats first; then each is
    parsed and staged: written in short transactions, a batch at a time, under
    a marker that hides it from every reader, so colleagues keep screening
    while it runs. Records stream from parser to SQLite, so memory stays flat
    at 100k records. Only when every file is staged are they published
    together in one short transaction; if any file fails, every failure is
    reported and what was staged is deleted, so nothing at all is stored.
    """
    _check_options(options)
    files = expand_paths(paths, store.path)
    return import_each(store, [(file, options) for file in files], progress)


def import_each(
    store: Store, files: list[tuple[Path, ImportOptions]], progress: Progress | None = None
) -> list[ImportResult]:
    """Import files in order, each with its own options (kind, source, date):
    the home's import dialog, where several searches arrive at once. All or
    nothing, as `import_paths`: one result per file, or every failure named."""
    for _, options in files:
        _check_options(options)
    store.removed_imports += store.imports.discard_dead()
    # Watched while the files are opened and sniffed, the CPUs tell whether
    # the first file can be parsed in a second process without a wait.
    since: CpuSample | None = cpu_sample()
    opened: list[tuple[Document, Format, ImportOptions]] = []
    failures: list[ImportFormatError] = []
    for path, options in files:
        try:
            doc, fmt = read_document(
                path, encoding=options.encoding, format_name=options.format_name
            )
        except ImportFormatError as exc:
            failures.append(exc)
            continue
        opened.append((doc, fmt, options))
    if failures:
        _raise_all(failures, len(files))
    # The first file starts parsing (in a second process, where a core is
    # free) while the files' hashes are computed and checked for repeats.
    parsed = _start_parser(opened[0][0], opened[0][1], since) if opened else None
    results: list[ImportResult] = []
    staged: list[int] = []
    try:
        seen: dict[str, Path] = {}
        for doc, _, options in opened:
            _refuse_repeat(store, doc, seen, options.force)
            seen[doc.sha256] = doc.path
        for index, (doc, fmt, options) in enumerate(opened):
            if index:
                parsed = _start_parser(doc, fmt, None)
            try:
                results.append(_store_file(store, doc, fmt, options, progress, staged, parsed))
            except ImportFormatError as exc:
                failures.append(exc)
        if failures:
            _raise_all(failures, len(files))
        force = all(options.force for _, options in files)
        published = store.imports.publish(staged, refuse_repeats=not force)
    except BaseException:
        if parsed is not None:
            parsed.close()
        store.imports.discard(staged)
        raise
    for result, source in zip(results, published, strict=True):
        result.source = source
    return results


def _start_parser(
    doc: Document, fmt: Format, since: CpuSample | None
) -> ChildStream[Parsed] | None:
    """A large file's parser started in a second process, when a core is
    free for it (`since`: where to watch the CPUs from); else None, and the
    file is parsed in line as it is stored."""
    if doc.streamed and spare_core(since):
        return stream_in_child(partial(_child_chunks, doc, fmt.name))
    return None


def _store_file(
    store: Store,
    doc: Document,
    fmt: Format,
    options: ImportOptions,
    progress: Progress | None,
    staged: list[int],
    parsed: ChildStream[Parsed] | None = None,
) -> ImportResult:
    """Stage one file, adding its source id to `staged` for publishing (or
    deleting, when another file fails); `parsed`: its parser's output, when
    it was started in a second process."""
    t0 = time.perf_counter()
    warnings: Counter[str] = Counter()
    notices: list[str] = []
    # The uid is the same on every machine that imports this file; a forced
    # re-import is a new source, so its records get their own uids.
    repeat = store.imports.import_count(doc.sha256)
    prefix = doc.sha256[:16] if not repeat else f"{doc.sha256[:16]}.{repeat}"

    read = [0.0]
    """How far into the file the parser has read (0–1), for the progress bar."""

    def chunks(source_id: int) -> Iterator[RowChunk]:
        made: ChildStream[Parsed] | Generator[Parsed, None, None] = (
            parsed if parsed is not None else file_chunks(doc, fmt)
        )
        try:
            for (rows, chunk_warnings), fraction in made:
                read[0] = fraction
                for _, kind, _, message in chunk_warnings:
                    warnings[kind] += 1
                    if kind in FILE_WARNING_KINDS:
                        notices.append(message)
                rows = [_identified(row, prefix, doc.sha256, source_id) for row in rows]
                yield rows, chunk_warnings
        finally:  # stopped early (a failure while storing): stop the parser too
            made.close()

    reported = [0]

    def on_batch(done: int) -> None:
        # Write batches are sized to hold the lock briefly (a few hundred
        # records); the bar moves every `_PROGRESS_STEP`, where the share
        # of the file read is a steadier guide to the total.
        if progress and done - reported[0] >= _PROGRESS_STEP:
            reported[0] = done
            # Records stream from the parser: the total is estimated from
            # how far into the file it has read, exact once it is done.
            fraction = read[0]
            estimate = round(done / fraction) if fraction > 0.01 else 0
            progress(f"importing {doc.path.name}", done, max(estimate, done))

    source = store.imports.stage_rows(
        _new_source(doc, fmt, options), chunks, on_batch=on_batch, ready=parsed is not None
    )
    staged.append(source.id)
    if progress:
        progress(f"importing {doc.path.name}", source.record_count, source.record_count)
    if source.record_count == 0:
        raise ImportFormatError(
            f"no records found in this {fmt.label} file",
            path=doc.path,
            hint="check that the export finished and holds results",
        )
    return ImportResult(source, fmt.label, warnings, time.perf_counter() - t0, notices)


def file_chunks(doc: Document, fmt: Format) -> Generator[Parsed, None, None]:
    """The file's records as rows to store, a chunk at a time, each with how
    far into the file the parser had read: parse, warn, identify, lay out.

    Identity that needs the file's hash (the uid, the key of a record with
    neither identifier nor title) is left for `_identified`: parsing need
    not wait for the hash.
    """

    def keyed() -> Iterator[KeyedRecord]:
        for draft in fmt.parse(doc):
            add_missing_field_warnings(draft)
            yield KeyedRecord(identifier_key(draft) or "", "", draft)

    for chunk in row_chunks(keyed(), 0):
        yield chunk, doc.read_fraction()


def _child_chunks(doc: Document, format_name: str) -> Generator[Parsed, None, None]:
    """`file_chunks` in the parsing process, which is given the format by name
    (a spawned process gets its arguments pickled, and a parser by reference)."""
    return file_chunks(doc, by_name(format_name))


def _identified(
    row: tuple[Any, ...], prefix: str, file_hash: str, source_id: int
) -> tuple[Any, ...]:
    """A row of `file_chunks` with its uid, source and (for a record with no
    identifier or title) its key: `prefix:position`, the same on every
    machine that imports the file (a forced re-import's prefix differs)."""
    _, key, _, position, *rest = row
    return (
        f"{prefix}:{position}",
        key or positional_key(file_hash, position),
        source_id,
        position,
        *rest,
    )


def add_missing_field_warnings(draft: RecordDraft) -> None:
    """The same warnings for every format, so gaps are never silent."""
    registration = bool(draft.record_type and "regist" in draft.record_type)
    # A parser's own warning on a field says more (e.g. where the authors
    # were seen but could not be read); do not repeat it generically.
    warned = {w.field for w in draft.warnings}
    if not draft.title and not draft.vernacular_title and "title" not in warned:
        draft.warn("missing_title", "no title found", "title")
    if not draft.abstract and "abstract" not in warned:
        draft.warn("missing_abstract", "no abstract found", "abstract")
    if draft.year is None and "year" not in warned:
        draft.warn("missing_year", "no publication year found", "year")
    if not draft.authors and not registration and "authors" not in warned:
        draft.warn("missing_authors", "no authors found", "authors")


def _refuse_repeat(store: Store, doc: Document, seen: dict[str, Path], force: bool) -> None:
    if force:
        return
    earlier = store.imports.source_with_hash(doc.sha256)
    if earlier is not None:
        raise DuplicateImportError(
            f"this file was already imported on {earlier.imported_at[:10]} "
            f"as source #{earlier.id} "
            f"({earlier.file_name}, {counted(earlier.record_count, 'record')})",
            path=doc.path,
            hint="nothing was imported; use --force to import it again as a new source",
        )
    if doc.sha256 in seen:
        raise DuplicateImportError(
            f"same content as {seen[doc.sha256]}",
            path=doc.path,
            hint="nothing was imported; remove one of the two, or use --force",
        )


def _new_source(doc: Document, fmt: Format, options: ImportOptions) -> NewSource:
    return NewSource(
        file_name=doc.path.name,
        file_path=str(doc.path.resolve()),
        file_hash=doc.sha256,
        file_size=doc.size,
        format=fmt.name,
        encoding=doc.encoding,
        kind=options.kind,
        method=options.method,
        name=options.source_name,
        search_date=options.search_date,
        imported_by=options.reviewer,
    )


OWN_SUFFIXES = ("", "-wal", "-shm", "-journal")
"""The review's file and SQLite's beside it: never read by an import, as
closing a handle on them drops this process's locks, and the next close
elsewhere deletes the live -wal with the decisions made after it."""


def own_files(review: Path) -> frozenset[Path]:
    """The review's own files (`OWN_SUFFIXES`), resolved."""
    base = review.resolve()
    return frozenset(base.with_name(base.name + suffix) for suffix in OWN_SUFFIXES)


def expand_paths(paths: list[Path], review: Path | None = None) -> list[Path]:
    """The files to import: each file, and every file in each folder (hidden
    ones skipped, and the `review`'s own files, which a folder beside it holds)."""
    own = own_files(review) if review is not None else frozenset()
    files: list[Path] = []
    for path in paths:
        if path.resolve() in own:
            raise ImportFormatError(
                "this is the review's own file: it is not imported",
                path=path,
                hint="name the search exports to import",
            )
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not p.name.startswith(".")
                and p.name not in _SKIPPED_NAMES
                and p.resolve() not in own
            )
            if not inside:
                raise ImportFormatError("the folder holds no files", path=path)
            files.extend(inside)
        elif path.is_file():
            files.append(path)
        else:
            raise ImportFormatError("no such file or folder", path=path)
    return files


def _check_options(options: ImportOptions) -> None:
    if options.method and options.kind is not SourceKind.OTHER:
        raise UsageError(
            "--method only applies to --kind other",
            hint="methods are website, organisation or citation",
        )
    if not options.source_name.strip():
        raise UsageError("--source must name the database, register or method")
    if options.search_date is not None:
        check_search_date(options.search_date)


def check_search_date(text: str) -> None:
    """An ISO calendar date (YYYY-MM-DD), not after tomorrow: PRISMA reports it
    as the date each source was last searched, so "last tuesday" will not do."""
    try:
        when = date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        when = None
    if when is None:
        raise UsageError(
            f"--search-date {text!r} is not a date",
            hint="give the day the search was run as YYYY-MM-DD, e.g. 2024-03-01",
        )
    if when > date.today() + timedelta(days=1):
        raise UsageError(
            f"--search-date {text} is in the future",
            hint="give the day the search was run as YYYY-MM-DD",
        )


def import_report(results: list[ImportResult]) -> list[str]:
    """Per file: records, format, encoding, source and warnings by kind, then
    the total — what `review import` prints and the TUI's import dialog shows."""
    lines = []
    for result in results:
        source = result.source
        lines.append(
            f"{source.file_name}: {counted(source.record_count, 'record')} ({result.format_label}, "
            f"{source.encoding}) as source #{source.id} {source.name!r} [{source.kind}]"
        )
        lines += [f"  warning: {notice}" for notice in result.notices]
        lines += [f"  {count} × {kind}" for kind, count in result.warnings.most_common()]
    total = sum(result.source.record_count for result in results)
    seconds = sum(result.seconds for result in results)
    lines.append(
        f"Imported {counted(total, 'record')} from {counted(len(results), 'file')} "
        f"in {seconds:.1f} s."
    )
    return lines


def _raise_all(failures: list[ImportFormatError], total: int) -> None:
    if len(failures) == 1:
        raise failures[0]
    problems = [
        Problem(
            str(f).replace("\n", " | "),
        )
        for f in failures
    ]
    raise ImportFormatError(
        f"{len(failures)} of {total} files did not import; nothing was stored",
        problems=problems,
        hint="fix or remove those files and run the import again",
    )

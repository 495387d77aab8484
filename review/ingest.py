"""Import files into a review: sniff, parse, identify, store.

Every file is parsed completely before anything is written, and stored in
one transaction: a file is either wholly in the review or not at all. A
folder is all-or-nothing at the parsing step too: if one file fails, none
is stored and every failure is reported.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from review.errors import DuplicateImportError, ImportFormatError, Problem, UsageError
from review.identity import record_key
from review.importers import read_document
from review.models import RecordDraft, Source, SourceKind
from review.store import KeyedRecord, NewSource, Store

Progress = Callable[[str, int, int], None]
"""Called with (phase, done, total) as an import advances."""

_SKIPPED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


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


@dataclass
class ImportResult:
    """One file's outcome, for the summary the CLI and TUI print."""

    source: Source
    format_label: str
    warnings: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


@dataclass(frozen=True)
class _Parsed:
    path: Path
    file_hash: str
    size: int
    format_name: str
    format_label: str
    encoding: str
    records: list[KeyedRecord]


def import_paths(
    store: Store, paths: list[Path], options: ImportOptions, progress: Progress | None = None
) -> list[ImportResult]:
    """Import files and folders (each file of a folder is one source)."""
    _check_options(options)
    files = _expand(paths)
    started = time.perf_counter()
    parsed: list[_Parsed] = []
    failures: list[ImportFormatError] = []
    seen: dict[str, Path] = {}
    for index, path in enumerate(files):
        if progress:
            progress(f"reading {path.name}", index, len(files))
        try:
            item = _parse(path, options, store)
        except ImportFormatError as exc:
            failures.append(exc)
            continue
        _refuse_repeat(store, item, seen, options.force)
        seen[item.file_hash] = path
        parsed.append(item)
    if failures:
        _raise_all(failures, len(files))
    results = []
    for item in parsed:
        if progress:
            progress(f"storing {item.path.name}", 0, len(item.records))
        t0 = time.perf_counter()
        source = store.add_import(_new_source(item, options), item.records)
        if progress:
            progress(f"storing {item.path.name}", len(item.records), len(item.records))
        warnings = Counter(w.kind for r in item.records for w in r.draft.warnings)
        results.append(ImportResult(source, item.format_label, warnings, time.perf_counter() - t0))
    if results:
        results[-1].seconds = time.perf_counter() - started
    return results


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def add_missing_field_warnings(draft: RecordDraft) -> None:
    """The same warnings for every format, so gaps are never silent."""
    registration = bool(draft.record_type and "regist" in draft.record_type)
    if not draft.title and not draft.vernacular_title:
        draft.warn("missing_title", "no title found", "title")
    if not draft.abstract:
        draft.warn("missing_abstract", "no abstract found", "abstract")
    if draft.year is None:
        draft.warn("missing_year", "no publication year found", "year")
    if not draft.authors and not registration:
        draft.warn("missing_authors", "no authors found", "authors")


def _parse(path: Path, options: ImportOptions, store: Store) -> _Parsed:
    doc, fmt = read_document(path, encoding=options.encoding, format_name=options.format_name)
    drafts = fmt.parse(doc)
    if not drafts:
        raise ImportFormatError(
            f"no records found in this {fmt.label} file",
            path=path,
            hint="check that the export finished and holds results",
        )
    digest = file_hash(doc.data)
    # The uid is the same on every machine that imports this file; a forced
    # re-import is a new source, so its records get their own uids.
    repeat = store.import_count(digest)
    prefix = digest[:16] if not repeat else f"{digest[:16]}.{repeat}"
    records = []
    for draft in drafts:
        add_missing_field_warnings(draft)
        uid = f"{prefix}:{draft.position}"
        records.append(KeyedRecord(record_key(draft, file_hash=digest), uid, draft))
    return _Parsed(path, digest, len(doc.data), fmt.name, fmt.label, doc.encoding, records)


def _refuse_repeat(store: Store, item: _Parsed, seen: dict[str, Path], force: bool) -> None:
    if force:
        return
    earlier = store.source_with_hash(item.file_hash)
    if earlier is not None:
        raise DuplicateImportError(
            f"this file was already imported on {earlier.imported_at[:10]} "
            f"as source #{earlier.id} ({earlier.file_name}, {earlier.record_count} records)",
            path=item.path,
            hint="nothing was imported; use --force to import it again as a new source",
        )
    if item.file_hash in seen:
        raise DuplicateImportError(
            f"same content as {seen[item.file_hash]}",
            path=item.path,
            hint="nothing was imported; remove one of the two, or use --force",
        )


def _new_source(item: _Parsed, options: ImportOptions) -> NewSource:
    return NewSource(
        file_name=item.path.name,
        file_path=str(item.path.resolve()),
        file_hash=item.file_hash,
        file_size=item.size,
        format=item.format_name,
        encoding=item.encoding,
        kind=options.kind,
        method=options.method,
        name=options.source_name,
        search_date=options.search_date,
        imported_by=options.reviewer,
    )


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not p.name.startswith(".") and p.name not in _SKIPPED_NAMES
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

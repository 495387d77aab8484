"""Full-text files: which record a file in a folder belongs to, and how to open one.

Reviewers download PDFs into one folder, named by whatever saved them:
a DOI with its slash replaced (`10.1000_xyz.pdf`, `10.1000%2Fxyz.pdf`), a
PMID (`12345678.pdf`, `PMID12345678.pdf`), or a (shortened) title with an
author and year around it. `match_folder` tries those in that order and
only takes a title match that is clearly better than any other: a wrong
attachment costs more than a file left for the reviewer to attach by hand.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from rapidfuzz import fuzz, process

from review.errors import InputFileError, UsageError
from review.identity import normalise_title
from review.store import Store
from review.store.fulltexts import FulltextCandidate

__all__ = [
    "FolderAttach",
    "FolderMatch",
    "FulltextCandidate",
    "FulltextMatch",
    "attach_folder",
    "folder_files",
    "fulltext_location",
    "is_url",
    "match_folder",
    "open_command",
]

TITLE_THRESHOLD = 90.0
"""Score (0–100) a file name must reach against a title: the lower of
token_set_ratio (the same words) and partial_ratio (in the same order)."""
TITLE_MARGIN = 5.0
"""How far the best title must lead the next one; closer is ambiguous."""
_MIN_TITLE_WORDS = 4
_MIN_LENGTH_RATIO = 0.5
_LONG_NAME = 30
"""A name under 30 characters must be at least half the title's length:
this stops `head and neck cancer.pdf` matching a title that merely contains
those words (both scores give a contained stretch 100). Longer names are
shortened titles often enough (Zotero cuts at ~60) to be let through."""
_MAX_SCORED = 2_000
"""Titles scored per file at most, unless its words cannot narrow them further."""

_DOI_SEPARATOR = re.compile(r"[^0-9a-z.]+")
_DOI_START = re.compile(r"(?<![0-9])10\.[0-9]{4,9}_")
_PMID_IN_NAME = re.compile(r"(?:^|[^a-z])pmid[\s_:=-]*([0-9]{1,9})(?![0-9])")
_DOCUMENT_SUFFIX = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")
_AUTHOR_YEAR_PREFIXES = (
    re.compile(r"^.{1,100}? [-–] (?:(?:1[89]|20)\d\d[a-z]?|n\.d\.) [-–] (?P<title>.+)$"),
    re.compile(
        r"^[^\W\d_]+(?:[ _.]+et[ _.]+al\.?)?[ _-]*(?:1[89]|20)\d\d[a-z]?[ _-]+(?P<title>.+)$"
    ),
)
"""File names that put the author(s) and year before the title."""
_URL_SCHEMES = ("http", "https", "ftp", "file")
_HIDDEN = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class FulltextMatch:
    """A file matched to a record, and how: 'doi', 'pmid' or 'title' (with its score)."""

    path: Path
    record_key: str
    method: str
    score: float = 100.0


@dataclass(frozen=True)
class FolderMatch:
    """The result of matching a folder: matches, and files left for a human."""

    matches: list[FulltextMatch]
    unmatched: list[Path]


def match_folder(files: list[Path], records: list[FulltextCandidate]) -> FolderMatch:
    """Match each file to at most one record by DOI, PMID, then title.

    A record matched by two files keeps neither (which is the report?), so
    both go to `unmatched`; so does a file whose name fits two records.
    """
    index = _Index(records)
    found: list[FulltextMatch] = []
    unmatched: list[Path] = []
    for path in files:
        match = index.match(path)
        if match is None:
            unmatched.append(path)
        else:
            found.append(match)
    per_record: dict[str, list[FulltextMatch]] = defaultdict(list)
    for match in found:
        per_record[match.record_key].append(match)
    matches = []
    for match in found:
        if len(per_record[match.record_key]) == 1:
            matches.append(match)
        else:
            unmatched.append(match.path)
    return FolderMatch(matches, sorted(unmatched))


@dataclass(frozen=True)
class FolderAttach:
    """What `attach_folder` did (or, dry, would do)."""

    matches: list[FulltextMatch]
    """Files attached (or to attach) to a record."""
    already: list[FulltextMatch]
    """Files matched to a record that already has a full text attached: left alone."""
    unmatched: list[Path]


def attach_folder(
    store: Store,
    folder: Path,
    *,
    reviewer: str,
    dry_run: bool = False,
    candidates: list[FulltextCandidate] | None = None,
) -> FolderAttach:
    """Match the files in `folder` to records and attach them, in one transaction.

    Records that already have a full text attached keep it, so running this
    again after adding files to the folder only attaches the new ones.
    `candidates` narrows the records (e.g. those at full-text screening);
    default: every record. A dry run checks what the real run checks.
    """
    if not reviewer.strip():
        raise UsageError("a reviewer name is needed", field="reviewer")
    files = folder_files(folder)
    if candidates is None:
        candidates = store.fulltexts.candidates()
    found = match_folder(files, candidates)
    current = store.fulltexts.all()
    todo: list[FulltextMatch] = []
    already: list[FulltextMatch] = []
    for match in found.matches:
        state = current.get(match.record_key)
        (already if state and state.status == "attached" else todo).append(match)
    if not dry_run and todo:
        with store.write():
            for match in todo:
                store.fulltexts.attach(
                    match.record_key,
                    str(match.path.resolve()),
                    reviewer=reviewer,
                    note=f"matched by {match.method}",
                )
    return FolderAttach(todo, already, found.unmatched)


def folder_files(folder: Path) -> list[Path]:
    """The files directly in `folder` (not hidden, not in subfolders), sorted."""
    if not folder.is_dir():
        raise UsageError("not a folder", path=folder, hint="name the folder holding the PDFs")
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and not path.name.startswith(".") and path.name not in _HIDDEN
    )


def is_url(location: str) -> bool:
    parsed = urlparse(location.strip())
    return parsed.scheme.lower() in _URL_SCHEMES and bool(parsed.netloc or parsed.path)


def fulltext_location(raw: str, *, cwd: Path | None = None) -> str:
    """A location worth storing: a URL as given, a path made absolute and checked.

    Absolute, because the TUI may run in another folder than the command
    that attached the file.
    """
    text = raw.strip()
    if not text:
        raise UsageError("a full-text location (a path or URL) is needed", field="location")
    if is_url(text):
        return text
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = (cwd or Path.cwd()) / path
    if not path.is_file():
        raise InputFileError(
            "is a folder, not the full text's file"
            if path.is_dir()
            else "no such file: the full text to attach is not there",
            path=path,
            hint="check the path of the PDF (or give a URL starting with https://)",
        )
    return str(path.resolve())


def open_command(location: str, *, platform: str | None = None) -> list[str]:
    """The command that opens `location` in the system viewer; not run here.

    The TUI runs it detached so the app keeps the terminal. On Windows,
    `start` is a shell builtin, and its first quoted argument is a window
    title, hence the empty "" before the location.
    """
    platform = sys.platform if platform is None else platform
    target = location.strip()
    if not is_url(target):
        target = str(Path(target).expanduser())
    if platform == "darwin":
        return ["open", target]
    if platform.startswith("win"):
        return ["cmd", "/c", "start", "", target]
    return ["xdg-open", target]


class _Index:
    """Lookups from identifiers and title words to candidate records."""

    def __init__(self, records: list[FulltextCandidate]) -> None:
        self.by_doi: dict[str, set[str]] = defaultdict(set)
        self.by_pmid: dict[str, set[str]] = defaultdict(set)
        self.titles: list[tuple[str, str]] = []
        self.by_word: dict[str, list[int]] = defaultdict(list)
        for record in records:
            if record.doi:
                self.by_doi[_doi_form(record.doi)].add(record.record_key)
            if record.pmid and record.pmid.strip().isdigit():
                self.by_pmid[record.pmid.strip().lstrip("0")].add(record.record_key)
            title = normalise_title(record.title)
            if len(title.split()) >= _MIN_TITLE_WORDS:
                position = len(self.titles)
                self.titles.append((record.record_key, title))
                for word in set(title.split()):
                    self.by_word[word].append(position)

    def match(self, path: Path) -> FulltextMatch | None:
        stem = _stem(path.name)
        return self._by_doi(path, stem) or self._by_pmid(path, stem) or self._by_title(path, stem)

    def _by_doi(self, path: Path, stem: str) -> FulltextMatch | None:
        """The longest DOI of a record found in the name, if only one record has it."""
        form = _doi_form(stem)
        for start in (m.start() for m in _DOI_START.finditer(form)):
            for end in range(len(form), start, -1):
                if end < len(form) and form[end] != "_":
                    continue  # a DOI ends at a separator or the end of the name
                keys = self.by_doi.get(form[start:end].rstrip("._"))
                if keys:
                    return FulltextMatch(path, next(iter(keys)), "doi") if len(keys) == 1 else None
        return None

    def _by_pmid(self, path: Path, stem: str) -> FulltextMatch | None:
        lowered = stem.lower().strip()
        found = _PMID_IN_NAME.search(lowered)
        pmid = found.group(1) if found else lowered if lowered.isdigit() else None
        keys = self.by_pmid.get(pmid.lstrip("0")) if pmid else None
        if keys and len(keys) == 1:
            return FulltextMatch(path, next(iter(keys)), "pmid")
        return None

    def _by_title(self, path: Path, stem: str) -> FulltextMatch | None:
        scored: dict[str, float] = {}
        for name in _title_texts(stem):
            self._score_titles(name, scored)
        ranked = sorted(scored.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < TITLE_THRESHOLD:
            return None
        if len(ranked) > 1 and ranked[1][1] > ranked[0][1] - TITLE_MARGIN:
            return None
        return FulltextMatch(path, ranked[0][0], "title", round(ranked[0][1], 1))

    def _score_titles(self, name: str, scored: dict[str, float]) -> None:
        """Add each title's score against `name` to `scored`, keeping the best per key."""
        words = set(name.split())
        if len(words) < _MIN_TITLE_WORDS:
            return
        numbers = {word for word in words if word.isdigit()}
        choices = {position: self.titles[position][1] for position in self._positions(words)}
        cutoff = TITLE_THRESHOLD - TITLE_MARGIN
        found = process.extract(
            name, choices, scorer=fuzz.token_set_ratio, score_cutoff=cutoff, limit=None
        )
        for title, words_score, position in found:
            shorter, longer = sorted((len(name), len(title)))
            if shorter < _LONG_NAME and shorter / longer < _MIN_LENGTH_RATIO:
                continue
            if not numbers <= set(title.split()):
                continue  # "Part 2 of 4" is not "Part 1 of 4"
            # Word order too: a shortened title is a stretch of the real one,
            # while shared words in another order are another paper.
            score = min(words_score, fuzz.partial_ratio(name, title))
            key = self.titles[position][0]
            scored[key] = max(score, scored.get(key, 0.0))

    def _positions(self, words: set[str]) -> set[int]:
        """Titles worth scoring: those with one of the name's two rarest words.

        Two, because one may be an author's name that some title happens to
        contain. Common words only narrow that set when it is large, so a
        folder of files costs milliseconds each even against 100k records.
        """
        postings = sorted((self.by_word[word] for word in words if word in self.by_word), key=len)
        positions = {p for posting in postings[:2] for p in posting}
        for posting in postings[2:]:
            if len(positions) <= _MAX_SCORED:
                break
            narrowed = positions & set(posting)
            if not narrowed:
                break
            positions = narrowed
        return positions


def _title_texts(stem: str) -> list[str]:
    """The normalised stem, and its title part when an author and year lead it.

    Zotero and Mendeley name files "Author et al. - 2021 - Title…", others
    "Smith2021_Title…"; the author and year are not in the record's title.
    """
    texts = [normalise_title(stem)]
    for pattern in _AUTHOR_YEAR_PREFIXES:
        if match := pattern.match(stem):
            texts.append(normalise_title(match.group("title")))
    return texts


def _stem(name: str) -> str:
    """The name without a document suffix; `10.1000_xyz.12` keeps its `.12`."""
    match = _DOCUMENT_SUFFIX.search(name)
    return name[: match.start()] if match else name


def _doi_form(text: str) -> str:
    """A DOI or file name with every separator made `_`, for comparing the two.

    Saving a DOI as a file name replaces `/` with `_`, `-` or `%2F`, and
    sometimes `:` or brackets too; mapping all of them (in both) to `_`
    lets any of those spellings meet.
    """
    return _DOI_SEPARATOR.sub("_", unquote(text).lower())

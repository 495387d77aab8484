"""What every parser receives and must guarantee.

A parser is a pure function `parse(doc) -> list[RecordDraft]`. It either
returns every record in the file, or raises `ImportFormatError` whose
`problems` give the line numbers of what did not parse. Parsers never touch
the store; `ingest.py` stages their records and publishes them all at once.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import NamedTuple, TextIO

from review.errors import ImportFormatError, Problem
from review.identity import canonical_doi
from review.models import RecordDraft

_NEWLINE = re.compile(r"\r\n|\r|\n")
_CHUNK = 1 << 18
"""Characters (or bytes) split at a time: C speed, and fine enough steps for the
progress estimate."""
_XML_ENCODING = re.compile(rb"<\?xml[^>]*?encoding=[\"']([A-Za-z0-9._-]+)[\"']")


class Document:
    """A file as parsers see it: its bytes and decoded text, loaded on demand.

    Small files are held in memory. A large file is streamed: `lines()` and
    `open_text()` read it from disk, so a 100k-record export never sits in
    memory as bytes, text and a list of lines at once.
    """

    def __init__(
        self,
        path: Path,
        data: bytes | None,
        text: str | None,
        encoding: str,
        *,
        size: int | None = None,
    ) -> None:
        self.path = path
        self._sha256: str | None = None
        self.size = size if size is not None else len(data or b"")
        self.encoding = encoding
        """The codec used (`utf-8`, `utf-8-sig`, `utf-16`, `cp1252` …; `binary` for xlsx)."""
        self._data = data
        self._text = text
        self._consumed = 0

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the file's bytes: how a repeated import is recognised.

        A large file's is computed when first asked for, which an import does
        once its parsing process has started (forked before any thread
        exists here, and parsing while this one reads)."""
        if self._sha256 is None:
            if self._data is not None:
                self._sha256 = hashlib.sha256(self._data).hexdigest()
            else:
                self._sha256 = _file_sha256(self.path)
        return self._sha256

    def __getstate__(self) -> dict[str, object]:
        """Pickled (for a spawned parsing process) with its hash."""
        return {**self.__dict__, "_sha256": self.sha256}

    @property
    def streamed(self) -> bool:
        """Read from disk as it is parsed (a large file), not held in memory:
        another process can parse it from its path alone."""
        return self._data is None and self._text is None

    def read_fraction(self) -> float:
        """How far `lines()` or `rows()` has read into the file (0–1): what a
        progress bar shows while records stream to the store."""
        total = len(self._text) if self._text is not None else self.size
        return min(1.0, self._consumed / total) if total else 0.0

    def _advance(self, position: int) -> None:
        self._consumed = position

    def counted(self, handle: TextIO) -> Iterator[str]:
        """The handle's lines, counting what was read for `read_fraction`."""
        consumed = 0
        for line in handle:
            consumed += len(line)
            self._consumed = consumed
            yield line

    @property
    def data(self) -> bytes:
        if self._data is None:
            self._data = self.path.read_bytes()
        return self._data

    @property
    def text(self) -> str:
        """The whole decoded text without BOM; empty for binary formats."""
        if self._text is None:
            if self.encoding == "binary":
                return ""
            self._text = self.data.decode(self.encoding).removeprefix("\ufeff")
        return self._text

    def head(self, chars: int = 65_536) -> str:
        """The first `chars` characters, without loading a streamed file."""
        if self._text is not None:
            return self._text[:chars]
        with self.open_text() as handle:
            return handle.read(chars)

    def ends_with_line_break(self) -> bool:
        """Whether the file's last character is a line break; a file cut by
        size (a download stopped, `head -c`) usually ends mid-line."""
        if self._text is not None:
            return self._text[-1:] in ("\n", "\r")
        with self.path.open("rb") as handle:
            handle.seek(max(0, self.size - 4))
            tail = handle.read().decode(self.encoding, errors="ignore")
        return tail[-1:] in ("\n", "\r")

    def lines(self) -> Iterator[str]:
        """Lines without their endings (CRLF, bare CR or LF), lazily."""
        if self._text is not None:
            return iter_lines(self._text, self._advance)
        return _stream_lines(self.path, self.encoding, self._advance)

    def open_text(self) -> TextIO:
        """A text stream with line endings untranslated (as `csv` wants)."""
        if self._text is not None:
            return io.StringIO(self._text, newline="")
        return _without_bom(self.path.open(encoding=self.encoding, newline=""))


def _file_sha256(path: Path) -> str:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise ImportFormatError(f"cannot read file: {exc.strerror}", path=path) from None
    return digest.hexdigest()


class Format(NamedTuple):
    """One importable format: how to recognise it and how to parse it."""

    name: str
    """Stored in the sources table, e.g. `ris`, `medline`, `csv`."""
    label: str
    """Shown to users, e.g. 'RIS (any vendor)'."""
    sniff: Callable[[Path, str], bool]
    """Given the path and the first ~64 KiB of decoded text: is this ours?"""
    parse: Callable[[Document], Iterable[RecordDraft]]
    """Every record of the file, or ImportFormatError; a generator may raise late."""
    binary: bool = False
    """True when the parser reads `doc.data` (xlsx) and needs no decoded text."""


def iter_lines(text: str, progress: Callable[[int], None] | None = None) -> Iterator[str]:
    """Like `split_lines`, lazily: split 256 KiB at a time (C speed), yield lines.

    `progress` is told about where reading stands as each block is split.
    """

    def blocks() -> Iterator[list[str]]:
        start, size = 0, len(text)
        while start < size:
            end = text.find("\n", start + _CHUNK)
            end = size if end < 0 else end + 1
            lines = _split_block(text[start:end])
            if lines and lines[-1] == "":
                lines.pop()
            if progress:  # halfway through the block: its lines are read next
                progress((start + end) // 2)
            yield lines
            start = end

    return chain.from_iterable(blocks())


def _stream_lines(
    path: Path, encoding: str, progress: Callable[[int], None] | None = None
) -> Iterator[str]:
    """Lines of a file decoded 256 KiB at a time; a line cut by a chunk carries over."""

    def blocks() -> Iterator[list[str]]:
        decoder = codecs.getincrementaldecoder(encoding)()
        carry, first = "", True
        read = 0
        with path.open("rb") as handle:
            while True:
                data = handle.read(_CHUNK)
                read += len(data)
                if progress:  # halfway through the chunk: its lines are read next
                    progress(read - len(data) // 2)
                try:
                    block = carry + decoder.decode(data, final=not data)
                except UnicodeDecodeError:
                    # Rare and fatal: decode the whole file once more to
                    # name the line; the import's transaction rolls back.
                    decode(path.read_bytes(), path, encoding)
                    raise
                if first:
                    block, first = block.removeprefix("\ufeff"), False
                carry = ""
                if data and block.endswith("\r"):  # maybe the first half of a CRLF
                    carry, block = "\r", block[:-1]
                lines = _split_block(block)
                if not data:
                    if lines and lines[-1] == "":
                        lines.pop()
                    yield lines
                    return
                carry = lines.pop() + carry
                yield lines

    return chain.from_iterable(blocks())


def _split_block(block: str) -> list[str]:
    return block.split("\n") if "\r" not in block else _NEWLINE.split(block)


def _without_bom(handle: TextIO) -> TextIO:
    if handle.read(1) not in ("\ufeff", ""):
        handle.seek(0)
    return handle


def split_lines(text: str) -> list[str]:
    """Split on CRLF, bare CR and LF only.

    `str.splitlines` also splits on form feeds, U+2028 and friends, which
    occur inside abstracts and would silently cut a field in two.
    """
    lines = _NEWLINE.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def find_doi(text: str | None) -> str | None:
    """The first DOI in free text, bare and lower-case, trailing punctuation cut."""
    return canonical_doi(text)


def clean_doi(value: str | None) -> str | None:
    """`https://doi.org/10.1/ABC.` → `10.1/abc`; None when it is not a DOI.
    Entities and percent-encoding are decoded (see `canonical_doi`)."""
    return canonical_doi(value)


def parse_year(value: str | None) -> int | None:
    """The first plausible four-digit year (1800–2199) in a date-like string."""
    if not value:
        return None
    match = re.search(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)", value)
    return int(match.group(1)) if match else None


def check_count(doc: Document, records: list[RecordDraft] | int, expected: int, what: str) -> None:
    """Refuse the file when the parser found a different number of records
    than the file announces (e.g. `TY  -` lines, `PMID-` lines, `@` entries)."""
    parsed = records if isinstance(records, int) else len(records)
    if parsed != expected:
        raise ImportFormatError(
            f"found {expected} {what} but parsed {parsed} records",
            path=doc.path,
            hint="the file may be truncated or mix formats; nothing was imported",
        )


def refuse(doc: Document, problems: list[Problem], what: str, *, one: str | None = None) -> None:
    """Raise one error listing every problem in line order, if there are any.

    `what` names the problems in the plural; `one` is its singular when the
    plural is not simply what a count of one reads well with.
    """
    if problems:
        noun = one if one is not None and len(problems) == 1 else what
        raise ImportFormatError(
            f"{len(problems)} {noun} did not parse; nothing was imported",
            path=doc.path,
            problems=sorted(problems, key=lambda problem: problem.line or 0),
            hint="fix or remove the lines listed, or export the file again",
        )


_MAGIC = (
    (
        b"%PDF-",
        "a PDF file",
        "import the search results, not the PDF; full texts go to `review fulltext`",
    ),
    (
        b"SQLite format 3\x00",
        "an SQLite database (a review file?)",
        "use `review merge` to bring in another review file",
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an Excel 97-2003 (.xls) or old Word file",
        "open it in Excel and save it as .xlsx or CSV",
    ),
    (b"\x1f\x8b", "a gzip archive", "unpack it (gunzip) and import the file inside"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "unpack it and import the files inside"),
    (b"Rar!\x1a\x07", "a RAR archive", "unpack it and import the files inside"),
    (b"\x89PNG", "a PNG image", "import the search results export instead"),
    (b"\xff\xd8\xff", "a JPEG image", "import the search results export instead"),
)


def refuse_binary(head: bytes, path: Path) -> None:
    """Refuse a file whose magic bytes say it is not text: naming what it is
    helps more than "not valid UTF-8" and an encoding to try."""
    for magic, what, hint in _MAGIC:
        if head.startswith(magic):
            raise ImportFormatError(f"this is {what}, not a search export", path=path, hint=hint)


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 (BOM, or the NUL pattern of ASCII text).

    Anything else must be named with `--encoding`: we never fall back to
    latin-1, which decodes every byte and so turns a cp1252 or GBK file into
    silent mojibake.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] != 0:
        return "utf-16-be"
    declared = _XML_ENCODING.match(head)
    if declared:  # an XML file names its own encoding; that is not a guess
        name = declared.group(1).decode("ascii").lower()
        try:
            return codecs.lookup(name).name
        except LookupError:
            return "utf-8"
    return "utf-8"


def check_codec(encoding: str, path: Path) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ImportFormatError(
            f"unknown encoding {encoding!r}",
            path=path,
            hint="use a Python codec name such as utf-8, cp1252, latin-1, gbk",
        ) from None


def decode(data: bytes, path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes to text (BOM removed) and name the encoding used."""
    name = encoding or detect_encoding(data[:200])
    check_codec(name, path)
    try:
        return data.decode(name).removeprefix("\ufeff"), name
    except UnicodeDecodeError as exc:
        raise _decode_error(data, path, exc, name) from None


def _decode_error(
    data: bytes, path: Path, exc: UnicodeDecodeError, tried: str
) -> ImportFormatError:
    line = data.count(b"\n", 0, exc.start) + 1
    guesses = _guess_encodings(data)
    hint = (
        f"it looks like {' or '.join(guesses)}: run the import again with "
        f"--encoding {guesses[0]} and check a few accented names afterwards"
        if guesses
        else "name the file's encoding with --encoding (e.g. cp1252, gbk)"
    )
    return ImportFormatError(
        f"not valid {tried} (byte 0x{data[exc.start]:02x} at offset {exc.start})",
        path=path,
        line=line,
        hint=hint,
    )


def _guess_encodings(data: bytes) -> list[str]:
    """Up to three suggestions for the hint, likeliest first; never applied silently.

    Single-byte code pages often all decode a file, so candidates are ranked
    by how plausible the text they give is (`_implausible`), ties going to
    the commonest: cp1252 (Windows' Western code page, the usual non-UTF-8
    export) before cp1250 before what charset_normalizer proposed.
    """
    from charset_normalizer import from_bytes  # deferred: only on failure

    sample = data[:200_000]
    proposed = [match.encoding for match in from_bytes(sample)][:3]
    candidates = [
        name for name in dict.fromkeys(["cp1252", "cp1250", *proposed]) if _decodes(sample, name)
    ]
    scored = sorted(
        candidates, key=lambda name: (_implausible(sample.decode(name)), candidates.index(name))
    )
    return scored[:3]


_TYPOGRAPHY = frozenset("’‘“”‚„–—…«»‹›•·€£§©®™°×±\u00a0")


def _implausible(text: str) -> int:
    """Non-ASCII characters a wrong code page would produce: symbols that are
    not typography (`¹`, `³`, `¿` for Polish `ą`, `ł`, `ż` read as cp1252), and
    capitals right after a small letter (`EfficacitÈ`)."""
    bad = 0
    previous = ""
    for char in text:
        if char > "\x7f":
            if not char.isalpha():
                bad += char not in _TYPOGRAPHY
            elif char.isupper() and previous.islower():
                bad += 1
        previous = char
    return bad


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True

"""BibTeX field values as plain text: LaTeX decoding, person names, identifiers."""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache

from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

# pylatexenc logs what it tolerates; without a handler Python would print it
# on stderr, over the TUI.
logging.getLogger("pylatexenc").addHandler(logging.NullHandler())

_LATEX_SPECIAL = re.compile(r"(?<!\\)[%&]")
_ESCAPED = re.compile(r"\\([_%&#$])")
# Accent macros and the combining mark each stands for.
_COMBINING = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331",
}  # fmt: skip
_ACCENT = re.compile(
    r"\\(['`^\"~=.])\s*(?:\{\s*([A-Za-z]|\\[ij])\s*\}|([A-Za-z]))"
    r"|\\([uvHckrdb])(?:\s*\{\s*([A-Za-z]|\\[ij])\s*\}|\s+([A-Za-z]))"
)
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def authors(value: str | None, warn: Callable[..., None]) -> list[str]:
    """`Jean Laid{\\'e} and von Neumann, John` → ['Laidé, Jean', 'von Neumann, John'].

    Brace-free lists and "Family, Given" names (what databases export) are
    split here; other names go through bibtexparser's BibTeX name rules.
    """
    if not value or not value.strip():
        return []
    braced = "{" in value
    names = split_multiple_persons_names(value) if braced else _AND.split(value.strip())
    found = []
    for name in names:
        if name.strip().lower() == "others":
            warn("authors_truncated", "the author list ends with 'and others'", "author")
            continue
        if not braced and name.count(",") == 1:
            family, given = name.split(",")
            parts = [family, given]
        else:
            split = parse_single_name_into_parts(name, strict=False)
            parts = [" ".join(split.von + split.last), " ".join(split.first), " ".join(split.jr)]
        text = ", ".join(p for p in (one_line(latex(part)) for part in parts) if p)
        if text:
            found.append(text)
    return found


def keywords(values: Iterable[str]) -> list[str]:
    """`a; b` (Scopus) or `a, b` (JabRef, Zotero), repeats dropped."""
    seen: set[str] = set()
    found: list[str] = []
    for value in values:
        for keyword in value.split(";" if ";" in value else ","):
            keyword = " ".join(keyword.split())
            if keyword and keyword.lower() not in seen:
                seen.add(keyword.lower())
                found.append(keyword)
    return found


@cache
def _decoder() -> object:
    from pylatexenc.latex2text import (  # deferred: only values with macros need it
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )

    context = get_default_latex_context_db()
    context.add_context_category(
        "review-bibtex", prepend=True, macros=[MacroTextSpec("url", simplify_repl="%s")]
    )
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


def latex(value: str | None) -> str | None:
    """LaTeX to Unicode: accents, protection braces, `--`, `~`.

    pylatexenc costs about a millisecond a call, too slow for 100,000
    records, so the common cases are done here: no macro at all, or only
    accents (`{\\'e}`, `\\"{u}`) and escaped specials (`\\&`). Anything else
    goes to pylatexenc, after escaping bare `%` and `&`: LaTeX reads `%` as
    a comment and would drop the rest of the line. HTML entities, which
    some exporters write, are decoded last.
    """
    if not value:
        return None
    text = value
    if "\\" in text:
        text = _ESCAPED.sub(r"\1", _ACCENT.sub(_accent, text))
        if "\\" in text:
            text = _pylatexenc(value)
    if "{" in text or "}" in text:
        text = text.replace("{", "").replace("}", "")
    if "~" in text or "--" in text:
        text = text.replace("~", " ").replace("---", "—").replace("--", "–")
    # Wiley, EBSCO and Europe PMC put HTML entities (&#169; &amp;) in BibTeX.
    return html.unescape(text) if "&" in text else text


def _accent(match: re.Match[str]) -> str:
    if match.group(1):
        macro, letter = match.group(1), match.group(2) or match.group(3)
    else:
        macro, letter = match.group(4), match.group(5) or match.group(6)
    letter = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return unicodedata.normalize("NFC", letter + _COMBINING[macro])


def _pylatexenc(value: str) -> str:
    escaped = _LATEX_SPECIAL.sub(lambda m: "\\" + m.group(0), value)
    try:
        return str(_decoder().latex_to_text(escaped))  # type: ignore[attr-defined]
    except Exception:  # pylatexenc is tolerant; this guards against its bugs
        return _ESCAPED.sub(r"\1", value)


def plain(value: str | None) -> str | None:
    """Identifiers and numbers: drop braces and `\\_`-style escapes, no LaTeX."""
    if not value:
        return None
    text = _ESCAPED.sub(r"\1", value).replace("{", "").replace("}", "").strip()
    return " ".join(text.split()) or None


def one_line(value: str | None) -> str | None:
    if not value:
        return None
    return _squash(value) or None


def _squash(text: str) -> str:
    """Collapse whitespace runs (tabs, newlines, NBSP too) to one space."""
    return " ".join(text.split())


def paragraphs(value: str | None) -> str | None:
    """BibTeX wraps lines; only a blank line is a paragraph break."""
    if not value:
        return None
    parts = (_squash(p) for p in _PARAGRAPH.split(value.strip()))
    return "\n".join(p for p in parts if p) or None

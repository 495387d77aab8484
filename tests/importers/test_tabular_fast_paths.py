"""The CSV row reader's shortcuts give exactly what the plain code gave.

`tabular_rows` skips work on cells that need none (a 1M-row import reads
tens of millions of cells); these tests hold each shortcut to the slow
reading it replaced, on any text hypothesis can think of.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from review.importers.tabular_rows import _authors, _keywords, _squash

_WHITESPACE = st.sampled_from(
    [" ", "  ", "\t", "\n", "\r\n", "\xa0", "\u2003", "\u3000", "\x1f", "\x85", "\u2028"]
)
_TEXT = st.lists(st.one_of(st.text(max_size=8), _WHITESPACE), max_size=12).map("".join)
_CELL = st.lists(st.one_of(_TEXT, st.sampled_from([";", "|", ",", " ; "])), max_size=6).map("".join)
_SCOPUS_ID = re.compile(r"\s*\(\d+\)$")


@given(_TEXT)
def test_squash_is_split_and_join(text: str) -> None:
    assert _squash(text) == " ".join(text.split())


@given(
    st.lists(
        st.one_of(_TEXT, st.just(" (57190394669)"), st.just("(٣٤)"), st.just(";")), max_size=8
    ).map("".join)
)
def test_author_ids_go_as_the_regex_removed_them(cell: str) -> None:
    text = " ".join(cell.split())
    expected = []
    if ";" in text and "|" not in text and not re.search(r"\s+and\s+", text):
        for name in text.split(";"):
            name = _SCOPUS_ID.sub("", name).strip()
            if name and name.lower() not in {
                "[no author name available]",
                "anonymous",
                "[anonymous]",
            }:
                expected.append(name)
        assert _authors(cell) == expected


def test_scopus_full_names_lose_their_author_ids() -> None:
    cell = "Wilson, Lauren N. (58975547800); Gardner, Jacob D.  (57190394669); Organ (Jr), Chris"
    assert _authors(cell) == ["Wilson, Lauren N.", "Gardner, Jacob D.", "Organ (Jr), Chris"]


@given(st.lists(_CELL, max_size=3), st.booleans())
def test_keywords_as_before(cells: list[str], commas: bool) -> None:
    seen: set[str] = set()
    expected: list[str] = []
    for value in cells:
        separator = ";" if ";" in value else "|" if "|" in value else None
        separator = separator or ("," if commas else None)
        for keyword in value.split(separator) if separator else [value]:
            keyword = " ".join(keyword.split())
            if keyword and keyword.lower() not in seen:
                seen.add(keyword.lower())
                expected.append(keyword)
    assert _keywords(cells, commas) == expected

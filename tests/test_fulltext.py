"""Matching downloaded full texts to records by file name, and the viewer command."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.errors import InputFileError, UsageError
from review.fulltext import (
    FulltextCandidate,
    folder_files,
    fulltext_location,
    match_folder,
    open_command,
)

RECORDS = [
    FulltextCandidate(
        "doi:10.1016/s0140-6736(20)30183-5",
        "10.1016/s0140-6736(20)30183-5",
        None,
        "Clinical features of patients infected with a novel coronavirus in Wuhan",
    ),
    FulltextCandidate(
        "doi:10.1000/xyz.1",
        "10.1000/xyz.1",
        "31234567",
        "Stereotactic radiotherapy plus nivolumab in recurrent head and neck cancer",
    ),
    FulltextCandidate(
        "doi:10.1000/xyz.12",
        "10.1000/xyz.12",
        None,
        "Pembrolizumab with chemoradiotherapy for locally advanced head and neck cancer",
    ),
    FulltextCandidate(
        "pmid:1234",
        None,
        "1234",
        "The impact of dissociated response of immunotherapy on the treatment strategy "
        "of advanced head and neck cancer",
    ),
    FulltextCandidate("reg:NCT01234567", None, None, "Short"),
]


def matched(*names: str) -> dict[str, tuple[str, str]]:
    result = match_folder([Path("pdfs") / name for name in names], RECORDS)
    found = {m.path.name: (m.record_key, m.method) for m in result.matches}
    for path in result.unmatched:
        found[path.name] = ("", "unmatched")
    return found


@pytest.mark.parametrize(
    "name",
    [
        "10.1000_xyz.1.pdf",
        "10.1000-xyz.1.pdf",
        "10.1000%2Fxyz.1.pdf",
        "10.1000%2fXYZ.1.PDF",
        "Smith 2021 - 10.1000_xyz.1.pdf",
        "10.1000_xyz.1_supplement.pdf",
    ],
)
def test_doi_in_the_name_in_any_spelling(name: str) -> None:
    assert matched(name) == {name: ("doi:10.1000/xyz.1", "doi")}


def test_the_longest_doi_wins_and_dots_are_not_boundaries() -> None:
    assert matched("10.1000_xyz.12.pdf")["10.1000_xyz.12.pdf"] == ("doi:10.1000/xyz.12", "doi")
    assert matched("10.1000_xyz.123.pdf")["10.1000_xyz.123.pdf"] == ("", "unmatched")


def test_doi_with_brackets_and_dashes() -> None:
    name = "10.1016_S0140-6736(20)30183-5.pdf"
    assert matched(name)[name] == ("doi:10.1016/s0140-6736(20)30183-5", "doi")


@pytest.mark.parametrize("name", ["31234567.pdf", "PMID31234567.pdf", "pmid_31234567 smith.pdf"])
def test_pmid_in_the_name(name: str) -> None:
    assert matched(name) == {name: ("doi:10.1000/xyz.1", "pmid")}


@pytest.mark.parametrize(
    "name",
    [
        "Stereotactic radiotherapy plus nivolumab in recurrent head and neck cancer.pdf",
        "stereotactic_radiotherapy_plus_nivolumab_in_recurrent_head_and_neck.pdf",
        "Müller et al. - 2021 - Stereotactic radiotherapy plus nivolumab in recurrent.pdf",
        "Muller2021_Stereotactic radiotherapy plus nivolumab in recurrent head.pdf",
    ],
)
def test_title_in_the_name(name: str) -> None:
    assert matched(name) == {name: ("doi:10.1000/xyz.1", "title")}


def test_short_or_generic_names_stay_unmatched() -> None:
    names = ["paper.pdf", "head and neck cancer.pdf", "Short.pdf", "scan 0001.pdf"]
    assert all(value == ("", "unmatched") for value in matched(*names).values())


def test_a_name_fitting_two_titles_equally_is_ambiguous() -> None:
    records = [
        FulltextCandidate("a", None, None, "Nivolumab in recurrent head and neck cancer"),
        FulltextCandidate("b", None, None, "Nivolumab in recurrent head and neck cancer."),
    ]
    result = match_folder([Path("Nivolumab in recurrent head and neck cancer.pdf")], records)
    assert result.matches == []
    assert len(result.unmatched) == 1


def test_numbers_in_the_name_must_be_in_the_title() -> None:
    records = [
        FulltextCandidate("p1", None, None, "Canadian contraception consensus (part 1 of 4)")
    ]
    result = match_folder([Path("Canadian Contraception Consensus (Part 2 of 4).pdf")], records)
    assert result.matches == []
    result = match_folder([Path("Canadian Contraception Consensus (Part 1 of 4).pdf")], records)
    assert [m.record_key for m in result.matches] == ["p1"]


def test_two_files_for_one_record_are_both_left_for_a_human() -> None:
    found = matched("10.1000_xyz.1.pdf", "31234567.pdf", "1234.pdf")
    assert found["10.1000_xyz.1.pdf"] == ("", "unmatched")
    assert found["31234567.pdf"] == ("", "unmatched")
    assert found["1234.pdf"] == ("pmid:1234", "pmid")


def test_folder_files_skips_hidden_and_subfolders(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden.pdf").write_bytes(b"%PDF")
    (tmp_path / "Thumbs.db").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.pdf").write_bytes(b"%PDF")
    assert folder_files(tmp_path) == [tmp_path / "a.pdf"]
    with pytest.raises(UsageError, match="not a folder"):
        folder_files(tmp_path / "a.pdf")


def test_location_keeps_urls_and_makes_paths_absolute(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    assert fulltext_location(" https://example.org/a.pdf ") == "https://example.org/a.pdf"
    assert fulltext_location("a.pdf", cwd=tmp_path) == str((tmp_path / "a.pdf").resolve())
    with pytest.raises(InputFileError) as raised:
        fulltext_location("missing.pdf", cwd=tmp_path)
    assert raised.value.path == tmp_path / "missing.pdf"
    with pytest.raises(UsageError):
        fulltext_location("  ")


def test_open_command_per_platform() -> None:
    assert open_command("/papers/a b.pdf", platform="linux") == ["xdg-open", "/papers/a b.pdf"]
    assert open_command("https://x.org/a", platform="darwin") == ["open", "https://x.org/a"]
    assert open_command(r"C:\papers\a.pdf", platform="win32") == [
        "cmd",
        "/c",
        "start",
        "",
        r"C:\papers\a.pdf",
    ]

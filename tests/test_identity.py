from __future__ import annotations

import pytest

from review.identity import (
    canonical_doi,
    first_author_family,
    normalise_title,
    record_key,
    registry_id,
)
from review.models import RecordDraft


def test_doi_wins_and_is_case_insensitive() -> None:
    a = RecordDraft(position=1, doi="10.1000/ABC", pmid="1", title="X")
    b = RecordDraft(position=9, doi="10.1000/abc", title="Different title")
    assert record_key(a, file_hash="f1") == record_key(b, file_hash="f2") == "doi:10.1000/abc"


def test_pmid_then_registration() -> None:
    assert record_key(RecordDraft(position=1, pmid="123"), file_hash="f") == "pmid:123"
    reg = RecordDraft(position=1, registry_id="nct01234567", record_type="trial registration")
    assert record_key(reg, file_hash="f") == "reg:NCT01234567"


def test_article_mentioning_a_trial_is_not_keyed_as_the_registration() -> None:
    article = RecordDraft(
        position=1, registry_id="NCT01234567", record_type="journal article", title="A trial"
    )
    assert record_key(article, file_hash="f").startswith("tya:")


def test_title_key_ignores_case_accents_markup_and_language_note() -> None:
    a = RecordDraft(
        position=1,
        title="Pembrolizumab <i>and</i> Radiothérapie.",
        year=2020,
        authors=["Smith, John"],
    )
    b = RecordDraft(
        position=2,
        title="pembrolizumab and radiotherapie [Article in French]",
        year=2020,
        authors=["J Smith"],
    )
    assert record_key(a, file_hash="x") == record_key(b, file_hash="y")


def test_no_identifier_and_no_title_falls_back_to_file_position() -> None:
    draft = RecordDraft(position=7)
    assert record_key(draft, file_hash="abcdef0123456789ff") == "pos:abcdef0123456789:7"


def test_normalisers() -> None:
    assert normalise_title("放疗联合免疫治疗") == "放疗联合免疫治疗"
    assert first_author_family(["Smith JA"]) == "smith"
    assert first_author_family(["Cui, Tenglu"]) == "cui"
    assert registry_id("Registered at ChiCTR2000012345 and NCT01234567") == "CHICTR2000012345"


SICI = "10.1002/(sici)1097-4547(19981001)54:1<1::aid-jnr1>3.0.co;2-a"
SICI_NEXT = "10.1002/(sici)1097-4547(19981001)54:1<12::aid-jnr2>3.0.co;2-q"


@pytest.mark.parametrize(
    "written",
    [
        "10.1002/(SICI)1097-4547(19981001)54:1<1::AID-JNR1>3.0.CO;2-A",
        "10.1002/(SICI)1097-4547(19981001)54:1&lt;1::AID-JNR1&gt;3.0.CO;2-A",
        "https://doi.org/10.1002/(SICI)1097-4547(19981001)54:1%3C1::AID-JNR1%3E3.0.CO;2-A",
        "doi: 10.1002/(sici)1097-4547(19981001)54:1<1::aid-jnr1>3.0.co;2-a.",
    ],
)
def test_a_sici_doi_is_kept_whole_in_every_written_form(written: str) -> None:
    """Wiley's old SICI DOIs hold `<…>`: cut there, every paper of the issue
    would share `…54:1`; entity- or URL-encoded, one DOI would give two keys."""
    assert canonical_doi(written) == SICI
    assert record_key(RecordDraft(1, doi=written), file_hash="f") == f"doi:{SICI}"


def test_two_papers_of_one_issue_under_sici_dois_get_two_keys() -> None:
    first = record_key(RecordDraft(1, doi=SICI), file_hash="f")
    second = record_key(RecordDraft(2, doi=SICI_NEXT.upper()), file_hash="f")
    assert first != second


def test_markup_around_a_doi_is_not_part_of_it() -> None:
    assert (
        canonical_doi("<p>doi:10.1016/j.ijrobp.2020.01.001</p>") == "10.1016/j.ijrobp.2020.01.001"
    )
    assert canonical_doi("10.1016/j.ijrobp.2020.01.001&lt;br&gt;") == "10.1016/j.ijrobp.2020.01.001"
    assert canonical_doi("not a doi") is None

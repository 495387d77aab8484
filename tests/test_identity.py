from __future__ import annotations

from review.identity import first_author_family, normalise_title, record_key, registry_id
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

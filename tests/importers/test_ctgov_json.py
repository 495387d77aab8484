"""ClinicalTrials.gov API v2 JSON: real downloads, their shapes, and broken files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import ImportFormatError
from review.importers import read_document
from review.importers.base import Document, decode
from review.importers.ctgov_json import FORMATS
from review.models import RecordDraft

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ctgov_json"
CTGOV = FORMATS[0]


def load(name: str) -> list[RecordDraft]:
    doc, fmt = read_document(FIXTURES / name)
    assert fmt.name == "ctgov_json"
    return fmt.parse(doc)


def parse(text: str | bytes, name: str = "inline.json") -> list[RecordDraft]:
    data = text.encode() if isinstance(text, str) else text
    path = Path(name)
    decoded, encoding = decode(data, path)
    return CTGOV.parse(Document(path, data, decoded, encoding))


def study(nct: str | None, **identification: object) -> dict[str, object]:
    ident: dict[str, object] = {"briefTitle": f"Trial {nct}", **identification}
    if nct:
        ident["nctId"] = nct
    return {"protocolSection": {"identificationModule": ident}}


def test_download_of_several_studies() -> None:
    records = load("ctg-studies_first3.json")
    assert len(records) == 3
    first = records[0]
    assert first.registry_id == first.source_id == "NCT05923281"
    assert first.record_type == "trial registration"
    assert first.url == "https://clinicaltrials.gov/study/NCT05923281"
    assert first.title == (
        "A Phase III Confirmatory Study of K-877 (Pemafibrate) in Patients With "
        "Hypercholesterolemia and Statin Intolerance"
    )
    assert first.extra["official title"].endswith("Statin Intolerant Hypercholesterolemia-")
    assert first.year == 2023
    assert first.keywords == ["Hypercholesterolemia"]
    assert first.extra["phases"] == "PHASE3"
    assert first.extra["sponsor"] == "Kowa Company, Ltd."
    # Markdown escapes (\*) are removed, paragraph breaks kept
    assert first.abstract is not None
    assert "Statin Intolerant* Hypercholesterolemia" in first.abstract
    assert "\n*Statin Intolerant:" in first.abstract
    assert [r.line for r in records] == [2, 3, 4]


def test_download_of_one_study() -> None:
    (record,) = load("ctg-studies-single.json")
    assert record.registry_id == "NCT02663973"
    assert record.title is not None and record.title.startswith("Prospective Evaluation of")
    assert record.year == 2016
    assert record.line == 2


def test_api_page_and_single_object_shapes() -> None:
    page = json.dumps(
        {"studies": [study("NCT00000001"), study("NCT00000002")], "nextPageToken": "x"}
    )
    assert [r.registry_id for r in parse(page)] == ["NCT00000001", "NCT00000002"]
    assert [r.registry_id for r in parse(json.dumps(study("NCT00000003")))] == ["NCT00000003"]


def test_pretty_printed_file_gives_each_study_its_line() -> None:
    text = json.dumps([study("NCT00000001"), study("NCT00000002")], indent=2)
    records = parse(text)
    lines = text.splitlines()
    assert ['"protocolSection"' in lines[r.line - 1] for r in records] == [True, True]


def test_study_without_nct_number_is_refused() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse(json.dumps([study("NCT00000001"), study(None)], indent=1))
    assert [p.message for p in caught.value.problems] == ["study 2 has no NCT number"]


def test_invalid_json_is_refused_with_its_line() -> None:
    raw = (FIXTURES / "ctg-studies_first3.json").read_bytes()
    cut = raw[: len(raw) // 2]  # inside the third study, on line 4
    with pytest.raises(ImportFormatError) as caught:
        parse(cut, "cut.json")
    assert caught.value.line == 4
    with pytest.raises(ImportFormatError) as caught:
        parse('[\n{"protocolSection": {}},\n{"protocolSection": }\n]')
    assert caught.value.line == 3
    with pytest.raises(ImportFormatError, match="expected a list of studies"):
        parse('{"protocolSections": []}')


def test_sniffing() -> None:
    assert CTGOV.sniff(Path("x.json"), '[\n{"protocolSection":{"identificationModule":{}}}]')
    assert CTGOV.sniff(Path("x.txt"), '{"studies":[{"protocolSection":{}}]}')
    assert not CTGOV.sniff(Path("x.json"), '{"records": [{"title": "x"}]}')
    assert not CTGOV.sniff(Path("x.txt"), 'TI  - "protocolSection": oddly quoted')


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_parse_or_refuse(data: bytes) -> None:
    try:
        parse(b'[{"protocolSection":' + data)
    except ImportFormatError as exc:
        assert exc.message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "protocolSection",
                        "identificationModule",
                        "nctId",
                        "briefTitle",
                        "studies",
                        "statusModule",
                        "conditionsModule",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_any_json_shape_parses_or_refuses(value: object) -> None:
    try:
        parse(json.dumps(value))
    except ImportFormatError as exc:
        assert exc.message

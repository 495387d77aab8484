"""Zip downloads (ClinicalTrials.gov) and binary files that are not exports."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from review.errors import ImportFormatError
from review.ingest import ImportOptions, import_paths
from review.models import SourceKind
from review.store import Store
from tests.conftest import FIXTURES

REGISTER = ImportOptions(kind=SourceKind.REGISTER, source_name="ClinicalTrials.gov")
STUDIES = FIXTURES / "ctgov_json/ctg-studies_first3.json"
CSV = FIXTURES / "tabular/ctg-studies_first40.csv"


def registry_ids(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("SELECT registry_id FROM records ORDER BY id")]
    finally:
        conn.close()


def study_zip(path: Path, extra: dict[str, bytes] | None = None) -> Path:
    """The site's JSON download: one pretty-printed file per study, named by NCT number."""
    studies = json.loads(STUDIES.read_text(encoding="utf-8"))
    with zipfile.ZipFile(path, "w") as archive:
        for study in studies:
            nct = study["protocolSection"]["identificationModule"]["nctId"]
            archive.writestr(f"{nct}.json", json.dumps(study, indent=2))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def test_a_zip_of_json_studies_imports_each_study(store: Store, tmp_path: Path) -> None:
    path = study_zip(tmp_path / "ctg-studies.json.zip")
    [result] = import_paths(store, [path], REGISTER)
    assert (result.source.format, result.source.record_count) == ("zip", 3)
    ids = registry_ids(store.path)
    assert len(ids) == 3 and all(i.startswith("NCT") for i in ids)


def test_a_zip_of_a_csv_download_imports_its_rows(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "ctg-studies.csv.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(CSV, "ctg-studies.csv")
        archive.writestr("__MACOSX/._ctg-studies.csv", b"\x00\x05\x16\x07")
    [result] = import_paths(store, [path], REGISTER)
    assert result.source.record_count == 40


def test_one_bad_member_refuses_the_whole_zip_naming_it(store: Store, tmp_path: Path) -> None:
    path = study_zip(tmp_path / "download.zip", {"NCT99999999.json": b'{"protocolSection": {'})
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], REGISTER)
    assert "NCT99999999.json" in str(error.value)
    assert "Excel" not in str(error.value)
    assert registry_ids(store.path) == []


def test_an_empty_or_broken_zip_is_never_called_an_excel_file(store: Store, tmp_path: Path) -> None:
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w"):
        pass
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [empty], REGISTER)
    assert "zip" in str(error.value) and "Excel" not in str(error.value)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [broken], REGISTER)
    assert "zip" in str(error.value) and "Excel" not in str(error.value)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"SQLite format 3\x00\x10\x00\x01\x01", "SQLite"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "Excel 97"),
    ],
)
def test_a_binary_file_is_named_as_binary_not_a_bad_encoding(
    store: Store, tmp_path: Path, head: bytes, kind: str
) -> None:
    path = tmp_path / "results.ris"
    path.write_bytes(head + bytes(range(256)) * 4)
    for options in (REGISTER, ImportOptions(REGISTER.kind, "CT.gov", format_name="ris")):
        with pytest.raises(ImportFormatError) as error:
            import_paths(store, [path], options)
        assert kind in str(error.value)
        assert "--encoding" not in (error.value.hint or "")

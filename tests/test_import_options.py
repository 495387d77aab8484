"""What the user says about an import: the search date, and the encoding hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import cli
from review.entry import main
from review.errors import ImportFormatError, UsageError
from review.ingest import ImportOptions, import_paths
from review.models import SourceKind
from review.store import Store
from tests.conftest import FIXTURES, SAMPLE_PROTOCOL

RIS = FIXTURES / "ris/citation-file-formatting/_baseline_scopus.ris"


def options(search_date: str | None) -> ImportOptions:
    return ImportOptions(kind=SourceKind.DATABASE, source_name="Scopus", search_date=search_date)


@pytest.mark.parametrize(
    "when", ["last tuesday", "2031-02-30", "01/03/2024", "2024-3-1", "3000-01-01"]
)
def test_a_search_date_that_is_not_an_iso_date_is_refused(store: Store, when: str) -> None:
    with pytest.raises(UsageError) as error:
        import_paths(store, [RIS], options(when))
    assert "--search-date" in str(error.value) and "YYYY-MM-DD" in (error.value.hint or "")
    assert store.imports.sources() == []


def test_an_iso_search_date_is_stored(store: Store) -> None:
    [result] = import_paths(store, [RIS], options("2024-02-29"))
    assert result.source.search_date == "2024-02-29"


def test_the_cli_refuses_a_bad_search_date_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "r.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(db), "--protocol", str(SAMPLE_PROTOCOL)]).exit_code == 0
    args = ["import", str(db), str(RIS), "--kind", "database", "--source", "Scopus"]
    with pytest.raises(SystemExit) as exited:
        main([*args, "--search-date", "last tuesday"])
    assert exited.value.code == 2
    assert "last tuesday" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "codec", "first"),
    [
        (
            "Efficacité de la radiothérapie associée à l’immunothérapie: étude française, "
            "Lefèvre Hélène, très, où, déjà, œuvre",
            "cp1252",
            "cp1252",
        ),
        ("Strahlentherapie für ältere Patienten: Größe und Übersicht", "cp1252", "cp1252"),
        (
            "Skuteczność radioterapii łącznie z immunoterapią u pacjentów, Wiśniewski Łukasz",
            "cp1250",
            "cp1250",
        ),
    ],
)
def test_the_encoding_hint_names_the_likeliest_code_page_first(
    store: Store, tmp_path: Path, text: str, codec: str, first: str
) -> None:
    path = tmp_path / "legacy.ris"
    path.write_bytes(f"TY  - JOUR\nTI  - {text}\nER  - \n".encode(codec))
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], options(None))
    assert f"--encoding {first}" in (error.value.hint or "")


@pytest.mark.parametrize("suffix", [".ris", ".csv"])
def test_progress_estimates_the_total_and_ends_exact(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    import review.importers.base as base

    monkeypatch.setattr(base, "_CHUNK", 16_384)
    n = 9_000
    path = tmp_path / f"big{suffix}"
    if suffix == ".ris":
        body = "".join(f"TY  - JOUR\nTI  - Radiotherapy trial {i}\nER  - \n\n" for i in range(n))
    else:
        body = "Title,Year\n" + "".join(f"Radiotherapy trial {i},2020\n" for i in range(n))
    path.write_text(body)
    calls: list[tuple[int, int]] = []
    import_paths(store, [path], options(None), progress=lambda _, d, t: calls.append((d, t)))
    assert calls[-1] == (n, n)
    assert len(calls) >= 4
    for done, total in calls[:-1]:
        assert done <= total and abs(total - n) <= n * 0.25, (done, total)

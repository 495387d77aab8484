"""`review fulltext …` as a user meets it: what is printed, stored and refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.entry import main
from review.errors import ExitCode
from review.models import Stage
from review.sample import build_sample
from review.store import Store
from tests.conftest import fixed_clock

DOI_RECORD = "doi:10.3389/fimmu.2024.1460480"
"""A seed record with a DOI; its title starts "The impact of dissociated response"."""
OTHER_RECORD = "doi:10.1259/bjr.20220548"
UNSCREENED = "doi:10.3760/cma.j.cn371439-20230612-00105"
"""A seed record nobody has screened yet: its report may still be marked not retrieved."""


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The developer's own ~/.config/review must not change what these tests see."""
    home = tmp_path / "config-home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.delenv("REVIEW_CONFIG", raising=False)
    return home


def run(*args: str | Path) -> int:
    with pytest.raises(SystemExit) as exited:
        main([str(a) for a in args])
    return int(exited.value.code or 0)


@pytest.fixture
def review_file(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    build_sample(path, now=fixed_clock).close()
    return path


def test_attach_by_key_or_id_stores_an_absolute_path(
    review_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    monkeypatch.chdir(tmp_path)
    assert run("fulltext", "attach", review_file, DOI_RECORD, "a.pdf", "--reviewer", "ann") == 0
    assert f"{DOI_RECORD}: attached {(tmp_path / 'a.pdf').resolve()}" in capsys.readouterr().out
    assert run("fulltext", "attach", review_file, "5", "https://x.org/b", "--reviewer", "ann") == 0
    with Store.open(review_file) as store:
        states = store.fulltexts.all()
        assert states[DOI_RECORD].location == str((tmp_path / "a.pdf").resolve())
        assert states[store.records.key_for("5")].location == "https://x.org/b"


def test_reviewer_comes_from_env_then_config(
    review_file: Path,
    _no_user_config: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run("fulltext", "not-retrieved", review_file, UNSCREENED) == ExitCode.USAGE
    assert "reviewer" in capsys.readouterr().err
    (_no_user_config / "review").mkdir(parents=True)
    (_no_user_config / "review" / "config.toml").write_text('reviewer = "Cora"\n')
    assert run("fulltext", "not-retrieved", review_file, UNSCREENED, "--note", "paywall") == 0
    monkeypatch.setenv("REVIEW_REVIEWER", "Eve")
    assert run("fulltext", "not-retrieved", review_file, "3") == 0
    with Store.open(review_file) as store:
        states = store.fulltexts.all()
        other = store.records.key_for("3")
    assert (states[UNSCREENED].reviewer, states[UNSCREENED].note) == ("Cora", "paywall")
    assert states[other].reviewer == "Eve"


def test_a_broken_config_file_is_reported(
    review_file: Path, _no_user_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _no_user_config / "review" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("reviewer = Cora\n")
    assert run("fulltext", "not-retrieved", review_file, DOI_RECORD) == ExitCode.USAGE
    assert f"{config}:1: not valid TOML" in capsys.readouterr().err


def test_attach_folder_dry_run_then_for_real(
    review_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for name in (
        "10.1259_bjr.20220548.pdf",
        "Li et al. - 2024 - The impact of dissociated response of immunotherapy on the.pdf",
        "scan0001.pdf",
    ):
        (folder / name).write_bytes(b"%PDF")
    assert run("fulltext", "attach-folder", review_file, folder, "--dry-run") == ExitCode.USAGE
    assert "a reviewer name is needed" in capsys.readouterr().err  # as the real run says
    dry = ("fulltext", "attach-folder", review_file, folder, "--dry-run", "--reviewer", "ann")
    assert run(*dry) == 0
    out = capsys.readouterr().out
    assert f"would attach 10.1259_bjr.20220548.pdf → {OTHER_RECORD} (by doi)" in out
    assert f"→ {DOI_RECORD} (by title 100)" in out
    assert "unmatched scan0001.pdf" in out
    assert "2 would attach, 0 already attached, 1 unmatched." in out
    with Store.open(review_file) as store:
        assert store.fulltexts.all() == {}
    assert run("fulltext", "attach-folder", review_file, folder, "--reviewer", "ann") == 0
    assert "2 attached, 0 already attached, 1 unmatched." in capsys.readouterr().out
    assert run("fulltext", "attach-folder", review_file, folder, "--reviewer", "ann") == 0
    assert "0 attached, 2 already attached, 1 unmatched." in capsys.readouterr().out
    with Store.open(review_file) as store:
        assert set(store.fulltexts.all()) == {OTHER_RECORD, DOI_RECORD}
        assert store.db.execute("SELECT count(*) FROM fulltexts").fetchone()[0] == 2


def test_link_and_list(review_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("fulltext", "link", review_file, "2", "1", "--reviewer", "ann") == 0
    assert run("fulltext", "link", review_file, "3", "2", "--reviewer", "ann") == 0
    out = capsys.readouterr().out
    with Store.open(review_file) as store:
        study = store.records.key_for("1")
        assert set(store.studies.links().values()) == {study}
    assert f"→ study {study} (3 reports:" in out
    assert run("fulltext", "list", review_file) == 0
    assert "1 study with linked reports" in capsys.readouterr().out
    assert run("fulltext", "unlink", review_file, "3", "--reviewer", "ann") == 0
    with Store.open(review_file) as store:
        assert len(store.studies.links()) == 1


def test_linking_an_extracted_study_as_a_report_warns_what_leaves_the_lists(
    review_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sample's DOI record is extracted and assessed as a study: linking
    it under another study hides that work from the lists and exports, so
    the link says so (on stderr) and how to undo it; unlinking brings it back."""
    with Store.open(review_file) as store:
        values = len(store.extraction.value_events(DOI_RECORD))
        answers = len(store.rob.events(DOI_RECORD))
    assert values and answers
    assert run("fulltext", "link", review_file, DOI_RECORD, OTHER_RECORD, "--reviewer", "ann") == 0
    captured = capsys.readouterr()
    assert f"{DOI_RECORD} → study {OTHER_RECORD}" in captured.out
    assert (
        f"warning: {DOI_RECORD} was extracted or assessed as a study of its own "
        f"({values} extracted values, {answers} risk-of-bias entries)"
    ) in captured.err
    assert f"`review fulltext unlink FILE {DOI_RECORD}`" in captured.err
    # A report with no work of its own links without a warning.
    assert run("fulltext", "unlink", review_file, DOI_RECORD, "--reviewer", "ann") == 0
    assert run("fulltext", "link", review_file, OTHER_RECORD, DOI_RECORD, "--reviewer", "ann") == 0
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("link", "1", "1"), "cannot be linked to itself"),
        (("link", "1", "999"), "no record '999'"),
        (("attach", "doi:10.9/none", "https://x.org"), "no record 'doi:10.9/none'"),
        (("detach", "1"), "no full text to detach"),
    ],
)
def test_mistakes_exit_with_usage_and_store_nothing(
    review_file: Path,
    args: tuple[str, ...],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    command, *rest = args
    assert run("fulltext", command, review_file, *rest, "--reviewer", "ann") == ExitCode.USAGE
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    with Store.open(review_file) as store:
        assert store.db.execute("SELECT count(*) FROM fulltexts").fetchone()[0] == 0
        assert store.db.execute("SELECT count(*) FROM study_links").fetchone()[0] == 0


def test_a_missing_pdf_is_an_input_error_named_clearly(
    review_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 3 (input), as the README's table says, naming the file (issue 14: it
    was exit 2 with `/nonexistent.pdf:location: no such file`)."""
    missing = tmp_path / "nonexistent.pdf"
    assert run("fulltext", "attach", review_file, "1", missing, "--reviewer", "ann") == 3
    err = capsys.readouterr().err
    assert f"error: {missing}: no such file: the full text to attach is not there" in err
    assert ":location:" not in err
    assert run("fulltext", "attach", review_file, "1", tmp_path, "--reviewer", "ann") == 3
    assert "is a folder" in capsys.readouterr().err
    with Store.open(review_file) as store:
        assert store.db.execute("SELECT count(*) FROM fulltexts").fetchone()[0] == 0


def test_not_retrieved_is_refused_where_prisma_could_not_count_it(
    review_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report both reviewers already decided at full text was retrieved, and
    one excluded at title/abstract was never sought: marking either used to be
    stored and left `review prisma` and the export refusing the review."""
    with Store.open(review_file) as store:
        for who in ("kim", "lee"):
            store.screening.record_decision(
                UNSCREENED, Stage.TITLE_ABSTRACT, "exclude", reviewer=who, reasons=["review"]
            )
    refused = ExitCode.USAGE
    assert run("fulltext", "not-retrieved", review_file, DOI_RECORD, "--reviewer", "kim") == refused
    err = capsys.readouterr().err
    assert f"{DOI_RECORD} already has full-text decisions" in err and "hint: undo" in err
    assert run("fulltext", "not-retrieved", review_file, UNSCREENED, "--reviewer", "kim") == refused
    assert "excluded at title/abstract" in capsys.readouterr().err
    with Store.open(review_file) as store:
        assert store.fulltexts.all() == {}
    assert run("prisma", review_file) == 0
    assert "Reports not retrieved (n = 0)" in capsys.readouterr().out

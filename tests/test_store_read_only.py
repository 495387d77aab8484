"""A review file that cannot be written is named with the way out (exit 5),
never a traceback; reading it still works where SQLite can."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from review.errors import ExitCode, StoreError
from review.sample import build_sample
from review.store import Store
from review.store.store import _configure
from tests.conftest import SAMPLE_PROTOCOL
from tests.test_cli import run


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    build_sample(path).close()
    return path


def test_a_write_refused_by_sqlite_is_a_store_error_and_stores_nothing(sample: Path) -> None:
    """What a read-only file does to a write (as root, chmod cannot show it:
    a read-only connection refuses the same way)."""
    with Store.open(sample) as store:
        before = store.fulltexts.all()
    readonly = sqlite3.connect(f"file:{sample}?mode=ro", uri=True)
    store = Store(_configure(readonly), sample)
    with pytest.raises(StoreError) as refused:
        store.fulltexts.mark_not_retrieved("doi:10.1259/bjr.20220548", reviewer="ann")
    store.close()
    assert refused.value.exit_code is ExitCode.STORE
    assert "cannot write to the review file: the file is read-only" in str(refused.value)
    assert "nothing was changed" in str(refused.value) and refused.value.hint
    with Store.open(sample) as store:
        assert store.fulltexts.all() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files and folders")
def test_read_only_file_and_folder_at_the_command_line(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = sample.parent
    folder.chmod(0o555)
    try:
        # Without its -wal and -shm files SQLite cannot open it at all.
        assert run("status", sample) == 5
        assert f"its folder {folder.resolve()} is read-only" in capsys.readouterr().err
        assert run("init", folder / "new.db", "--protocol", SAMPLE_PROTOCOL) == 5
        assert f"the folder {folder.resolve()} is read-only" in capsys.readouterr().err
    finally:
        folder.chmod(0o755)
    sample.chmod(0o444)
    assert run("status", sample) == 0  # reading needs only the folder
    capsys.readouterr()
    assert run("fulltext", "not-retrieved", sample, "1", "--reviewer", "ann") == 5
    err = capsys.readouterr().err
    assert "the file is read-only" in err and "nothing was changed" in err

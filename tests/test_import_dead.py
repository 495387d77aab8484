"""An import killed half-way is deleted when the review is next opened,
quickly, leaving the search index exact, and the user is told once."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from review.entry import main
from review.ingest import import_paths
from review.store import Store
from tests.conftest import SAMPLE_PROTOCOL
from tests.test_import_staging import (
    LONG_AGO,
    OPTIONS,
    _drafts,
    _source,
    raw_counts,
    tamper,
    write_ris,
)


def kill(path: Path) -> None:
    """Mark every import in progress as one whose process is gone."""
    tamper(path, f"UPDATE pending_imports SET host = 'gone', heartbeat = '{LONG_AGO}'")


def index_is_exact(path: Path) -> bool:
    """FTS5's own check that the index holds exactly the published records."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO records_fts (records_fts) VALUES ('integrity-check')")
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


@pytest.mark.parametrize("published", [3, 6_000], ids=["rebuilt", "deleted-in-chunks"])
def test_a_dead_import_goes_and_the_search_index_stays_exact(
    tmp_path: Path, published: int
) -> None:
    # Fewer published records than dead ones: the index is rebuilt from them;
    # more: the dead import's entries are deleted a chunk at a time.
    path = tmp_path / "r.db"
    with Store.create(path) as store:
        import_paths(store, [write_ris(tmp_path / "a.ris", published, word="medaka")], OPTIONS)
        store.imports.stage(_source("update.ris"), _drafts(5_200))
    kill(path)
    with Store.open(path) as reopened:
        [said] = reopened.removed_imports
        assert re.fullmatch(
            r"removed an unfinished import of update\.ris \(5,200 records\) "
            r"from \d{4}-\d\d-\d\d \d\d:\d\d UTC",
            said,
        )
        assert reopened.records.record_count() == published
        assert reopened.records.count_matching("medaka") == published
    assert raw_counts(path) == (1, published, 0, 0, 0)  # no zebrafish left in the index
    assert index_is_exact(path)
    with Store.open(path) as again:  # said once: nothing left to remove
        assert again.removed_imports == []


def test_the_command_line_says_once_what_it_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.db"
    with pytest.raises(SystemExit):
        main(["init", str(path), "--protocol", str(SAMPLE_PROTOCOL)])
    with Store.open(path) as store:
        store.imports.stage(_source("embase-update.ris"), _drafts(1_500))
    kill(path)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(["status", str(path)])
    assert exited.value.code == 0
    err = capsys.readouterr().err
    assert "note: removed an unfinished import of embase-update.ris (1,500 records) from " in err
    assert err.count("removed an unfinished import") == 1
    with pytest.raises(SystemExit):
        main(["status", str(path)])
    assert "unfinished import" not in capsys.readouterr().err

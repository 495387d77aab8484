"""Syncing an import's write-ahead log to disk in the background.

An import's batches commit without fsync (`Store.write(bulk=True)`): each
fsync under the write lock made a colleague's decision wait for it, and
made the import itself wait on the disk for every batch (80k Scopus rows:
about 2 of 9 s). Instead this thread syncs the log after each batch, while
the import builds the next one: a colleague's decision, which syncs the log
when it commits, still finds little of the import's left to write.

Only the -wal is opened here, never the database or its -shm: closing any
descriptor of a file drops every POSIX lock this process holds on it, and
SQLite locks those two files (never the -wal), so this descriptor's close
takes no lock from under the process's connections.

Nothing here is needed for safety: SQLite's WAL is consistent after a crash
without it, the import is not published until its last, synced, commit,
and a staged import whose process died is deleted on the next open.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


class WalSyncer:
    """Fsync `<file>-wal` in a thread whenever `batch_written` is called;
    calls that come while a sync runs are folded into the next one."""

    def __init__(self, database: Path) -> None:
        self._path = Path(f"{database}-wal")
        self._wanted = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="wal-sync", daemon=True)
        self._thread.start()

    def batch_written(self) -> None:
        self._wanted.set()

    def close(self) -> None:
        """Finish the last sync asked for, then stop."""
        self._stopping = True
        self._wanted.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            fd = os.open(self._path, os.O_RDONLY)
        except OSError:  # no log (not WAL mode, or an unusual file system)
            return
        try:
            while True:
                self._wanted.wait()
                self._wanted.clear()
                stopping = self._stopping
                try:
                    os.fsync(fd)
                except OSError:
                    return
                if stopping:
                    return
        finally:
            os.close(fd)

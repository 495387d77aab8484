"""Work an export does beside the workbook: a forked process, and a thread
that compresses.

An export of 100k records is bound by Python's own work (rows, cells, RIS
lines), so a second core helps only through a second process. The RIS
files need nothing the workbook writes, so they are written and checked
in a forked child while the parent writes review.xlsx and the CSVs; the
child inherits the loaded review (no second replay) and reads records
through its own connection to the file (SQLite connections must not cross
a fork). Where fork is missing (Windows) or unsafe (other threads are
running, as in the TUI, whose locks the child would copy held), the job
runs in this process when its result is asked for: the same files and
checks, one core.

`ChunkWriter` hands the workbook's XML to a thread: zlib compresses and
the file is written with the GIL released, alongside the next rows.
"""

from __future__ import annotations

import multiprocessing
import queue
import sys
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Generic, TypeVar

from review.errors import ExportError, ReviewError

T = TypeVar("T")


class Job(Generic[T]):
    """`job()` started now in a forked process when that is safe; `result()`
    waits for it and returns its value, or raises the error it raised."""

    def __init__(self, job: Callable[[], T]) -> None:
        self._job = job
        self._process: multiprocessing.process.BaseProcess | None = None
        self._receive: Connection | None = None
        if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
            for stream in (sys.stdout, sys.stderr):  # else the child prints it again
                if stream is not None:
                    stream.flush()
            context = multiprocessing.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            self._process = context.Process(target=_run, args=(job, send), daemon=True)
            self._process.start()
            send.close()

    def result(self) -> T:
        if self._process is None or self._receive is None:
            return self._job()
        try:
            outcome = self._receive.recv()
        except EOFError:
            outcome = ("crash", f"the process stopped (exit code {self._process.exitcode})")
        finally:
            self._receive.close()
            self._process.join()
        kind, *rest = outcome
        if kind == "ok":
            return rest[0]  # type: ignore[no-any-return]
        if kind == "error":
            message, path, hint = rest
            raise ExportError(message, path=Path(path) if path else None, hint=hint)
        raise RuntimeError(f"an export job failed: {rest[0]}")

    def cancel(self) -> None:
        """Stop the child (the export failed elsewhere); its temp files are the caller's."""
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join()


def _run(job: Callable[[], object], send: Connection) -> None:
    try:
        send.send(("ok", job()))
    except ReviewError as exc:
        send.send(("error", exc.message, str(exc.path) if exc.path else "", exc.hint))
    except BaseException:
        send.send(("crash", traceback.format_exc()))
    finally:
        send.close()


class ChunkWriter:
    """Writes byte chunks to `out` from a thread, a few chunks behind the caller."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def write(self, chunk: bytes) -> None:
        if self._failed is not None:
            raise self._failed
        self._chunks.put(chunk)

    def close(self) -> None:
        """Wait until every chunk is written; raise what writing raised."""
        self._chunks.put(None)
        self._thread.join()
        if self._failed is not None:
            raise self._failed

    def _drain(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            if self._failed is None:
                try:
                    self._out.write(chunk)
                except BaseException as exc:  # handed to the caller's thread
                    self._failed = exc

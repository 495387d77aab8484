"""The export's helpers beside the workbook: a job in a forked process gives
back its value or its error, runs in this process when other threads are
alive (fork would copy their locks held), and the compressing thread
passes a write error to the caller."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest

from review.errors import ExportError
from review.exports.background import ChunkWriter, Job


def _fail() -> int:
    raise ExportError("read back, a record's title differs", path=Path("x.ris"), hint="retry")


def test_a_job_runs_in_another_process_and_returns_its_value() -> None:
    job = Job(os.getpid)
    assert job.result() != os.getpid()


def test_a_jobs_error_reaches_the_caller_as_an_export_error() -> None:
    with pytest.raises(ExportError) as raised:
        Job(_fail).result()
    assert raised.value.message == "read back, a record's title differs"
    assert raised.value.path == Path("x.ris")
    assert raised.value.hint == "retry"


def test_with_other_threads_alive_the_job_runs_here() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert Job(os.getpid).result() == os.getpid()
    finally:
        stop.set()
        other.join()


class _Broken(io.BytesIO):
    def write(self, data: bytes) -> int:  # type: ignore[override]
        raise OSError(28, "No space left on device")


def test_a_write_error_in_the_thread_is_raised_to_the_writer() -> None:
    writer = ChunkWriter(_Broken())
    writer.write(b"<row/>")
    with pytest.raises(OSError, match="No space left"):
        writer.close()


def test_chunks_arrive_whole_and_in_order() -> None:
    out = io.BytesIO()
    writer = ChunkWriter(out)
    for n in range(100):
        writer.write(f"<row r='{n}'/>".encode())
    writer.close()
    assert out.getvalue() == b"".join(f"<row r='{n}'/>".encode() for n in range(100))

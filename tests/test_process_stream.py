"""An iterator run in a second process: items in order, its failures raised
here, and no process left behind however the iteration ends."""

from __future__ import annotations

import itertools
import os
import signal
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from review import process_stream
from review.errors import ImportFormatError
from review.process_stream import (
    ChildDied,
    busy_cores,
    cpu_sample,
    spare_core,
    start_method,
    stream_in_child,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGKILL are POSIX")


def _gone(pid: int, within: float = 10.0) -> bool:
    """Whether process `pid` has ended (reaped, or a zombie) within the time."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_items_arrive_in_order_from_another_process(method: str) -> None:
    # `partial` of a builtin pickles, as a spawned child needs.
    assert list(stream_in_child(partial(range, 0, 5_000, 3), method=method)) == list(
        range(0, 5_000, 3)
    )


def _int_items(text: str) -> list[int]:
    return [int(text)]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_failure_in_the_child_is_raised_here_with_its_details(method: str) -> None:
    with pytest.raises(ValueError, match="invalid literal") as error:
        list(stream_in_child(partial(_int_items, "not a number"), method=method))
    assert any("in the parsing process" in note for note in error.value.__notes__)


def _refuse_late() -> Iterator[int]:
    yield 1
    raise ImportFormatError(
        "found 3 `TY  -` lines but parsed 2 records", path="x.ris", line=12, hint="export again"
    )


def test_a_users_error_keeps_its_file_line_and_hint() -> None:
    got: list[int] = []
    with pytest.raises(ImportFormatError) as error:
        got.extend(stream_in_child(_refuse_late, method="fork"))
    assert got == [1]
    assert (error.value.path, error.value.line, error.value.hint) == (
        Path("x.ris"),
        12,
        "export again",
    )


def _killed_after_one() -> Iterator[int]:
    yield 1
    os.kill(os.getpid(), signal.SIGKILL)
    yield 2  # never reached


def test_a_child_that_dies_is_reported_not_taken_for_the_end() -> None:
    with pytest.raises(ChildDied, match="stopped unexpectedly"):
        list(stream_in_child(_killed_after_one, method="fork"))


def _pids() -> Iterator[int]:
    while True:
        yield os.getpid()


def test_stopping_early_ends_the_child() -> None:
    items = stream_in_child(_pids, method="fork")
    child = next(items)
    assert child != os.getpid()
    items.close()
    assert _gone(child, within=1.0)


def test_an_exception_while_handling_an_item_ends_the_child() -> None:
    seen: list[int] = []

    def consume() -> None:
        for pid in stream_in_child(_pids, method="fork"):
            seen.append(pid)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        consume()
    assert _gone(seen[0], within=1.0)


def test_the_child_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    """A `review import` killed with SIGKILL leaves no parser running."""
    import subprocess

    code = (
        "import sys, time\n"
        "from tests.test_process_stream import _pids\n"
        "from review.process_stream import stream_in_child\n"
        "for pid in stream_in_child(_pids, method='fork'):\n"
        "    print(pid, flush=True)\n"
        "    time.sleep(60)\n"
    )
    root = Path(__file__).resolve().parents[1]
    parent = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait(timeout=10)
    assert _gone(child)


def test_fork_only_where_no_other_thread_could_hold_a_lock() -> None:
    import threading

    started = threading.Event()
    finish = threading.Event()

    def wait() -> None:
        started.set()
        finish.wait(10)

    worker = threading.Thread(target=wait)
    worker.start()
    started.wait(10)
    try:
        assert start_method() == "spawn"  # the TUI imports in a worker thread
    finally:
        finish.set()
        worker.join()


def test_a_second_process_only_where_a_core_is_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    cores = os.cpu_count() or 1
    monkeypatch.setattr(process_stream, "busy_cores", lambda since=None: cores - 2.0)
    assert spare_core()
    monkeypatch.setattr(process_stream, "busy_cores", lambda since=None: cores - 1.0)
    assert not spare_core()


def test_busy_cores_are_watched_now_not_a_minute_ago(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ticks of all CPUs, then a tenth of a second later: half of them were
    idle, so on 4 cores 2 are busy, whatever the load average still says."""
    readings = itertools.cycle([(1_000, 400, 0), (1_200, 500, 0)])
    monkeypatch.setattr(process_stream, "_cpu_ticks", lambda: next(readings))
    monkeypatch.setattr(process_stream.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    monkeypatch.setattr(os, "getloadavg", lambda: (4.0, 4.0, 4.0))
    assert busy_cores() == 2.0
    assert spare_core()


def test_the_importing_process_own_work_is_not_a_busy_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Watched while this process hashed a file on one of two cores: that
    core is not taken from the parser, so a second process still goes."""
    readings = iter([(1_000, 400, 70), (1_200, 500, 168)])
    monkeypatch.setattr(process_stream, "_cpu_ticks", lambda: next(readings))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    since = cpu_sample()
    slept: list[float] = []
    monkeypatch.setattr(process_stream.time, "sleep", slept.append)
    monkeypatch.setattr(process_stream.time, "monotonic", lambda: since.at + 0.4)
    assert busy_cores(since) == pytest.approx(0.02)
    assert slept == []  # watched long enough already: no wait


def test_a_fresh_watch_waits_a_tenth_of_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    readings = itertools.cycle([(1_000, 400, 0), (1_200, 600, 0)])
    monkeypatch.setattr(process_stream, "_cpu_ticks", lambda: next(readings))
    slept: list[float] = []
    monkeypatch.setattr(process_stream.time, "sleep", slept.append)
    busy_cores()
    assert len(slept) == 1 and 0.09 < slept[0] <= 0.1


def test_without_proc_stat_the_load_average_says(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> tuple[int, int, int]:
        raise FileNotFoundError("/proc/stat")

    monkeypatch.setattr(process_stream, "_cpu_ticks", missing)
    monkeypatch.setattr(process_stream.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.25, 0.0, 0.0))
    assert busy_cores() == 1.25


@pytest.mark.skipif(not Path("/proc/stat").exists(), reason="Linux only")
def test_the_kernel_counts_are_read() -> None:
    assert 0.0 <= busy_cores() <= (os.cpu_count() or 1)
    before = process_stream._cpu_ticks()
    end = time.process_time() + 0.3
    while time.process_time() < end:  # this process's own work, counted as its own
        pass
    after = process_stream._cpu_ticks()
    assert after[2] - before[2] >= 10  # ticks are hundredths of a second

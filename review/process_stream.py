"""An iterator run in a second process, its items streamed back as they come.

A large import parses on one core while SQLite writes on another: a thread
could not overlap them (sqlite3 takes the GIL back for every row it binds),
a process can. The items travel pickled through a pipe, which holds little,
so the child waits while the parent is behind and memory stays flat.

Where the child may be forked (Linux, one thread) it starts in
milliseconds; elsewhere (macOS, Windows, the TUI's worker threads, where a
fork could inherit a lock another thread held) it is spawned: a fresh
interpreter, so `produce` must then be picklable (a module-level function,
or a `functools.partial` of one). The child ignores Ctrl+C: the parent is
interrupted, stops it and deletes what it staged. A child whose parent dies
finds the pipe closed at its next item and exits.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Generator, Iterable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from review.errors import ReviewError

T = TypeVar("T")

_ITEM, _DONE, _ERROR = 0, 1, 2
_AHEAD = 40
"""Items the child may have made before the parent takes them (an import's
item is 50 records: about 2,000 records, a few MB)."""
_SPARE = 1.5
"""Idle cores (CPU count less the cores busy now) that `spare_core` asks
for: on 2 cores, under half a core busy."""
_SAMPLE = 0.1
"""Seconds over which `busy_cores` watches the CPUs."""
_SWITCH = 0.0005
"""Seconds the child's parsing thread runs before it hands the GIL to the
sending thread that waits for it (Python's default: 0.005)."""


class ChildDied(RuntimeError):
    """The child stopped without saying why (killed, out of memory)."""


def start_method() -> str:
    """`fork` where it is fast and safe (Linux, no other thread), else `spawn`."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "spawn"


def spare_core() -> bool:
    """Whether a core is idle for a second process: with none, it only adds
    its cost (and its pauses for colleagues) to a machine that is busy anyway."""
    return (os.cpu_count() or 1) - busy_cores() >= _SPARE


def busy_cores() -> float:
    """How many cores are at work now, watched for a tenth of a second.

    Not the load average where the kernel says more: it trails by a minute,
    so a job that has just ended (a parse, a test run) would still keep the
    second process away. Where /proc/stat is missing (macOS, Windows), the
    1-minute load average, or nothing known."""
    try:
        first = _cpu_ticks()
        time.sleep(_SAMPLE)
        second = _cpu_ticks()
    except (OSError, ValueError, IndexError):
        try:
            return os.getloadavg()[0]
        except (AttributeError, OSError):  # Windows has no load average
            return 0.0
    total, idle = second[0] - first[0], second[1] - first[1]
    return (os.cpu_count() or 1) * (total - idle) / total if total > 0 else 0.0


def _cpu_ticks() -> tuple[int, int]:
    """All and idle (idle + waiting on disk) CPU ticks since boot: the first
    line of /proc/stat is `cpu user nice system idle iowait irq softirq steal …`."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:9]]
    return sum(ticks), ticks[3] + ticks[4]


def stream_in_child(
    produce: Callable[[], Iterable[T]], *, method: str | None = None
) -> Generator[T, None, None]:
    """The items of `produce()`, computed in a child process.

    An exception raised there is raised here (a bug's traceback from the
    child added as a note); closing this iterator, or an exception while the
    caller handles an item, stops the child.
    """
    context: Any = multiprocessing.get_context(method or start_method())
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(produce, sender, receiver), daemon=True)
    child.start()
    sender.close()
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                child.join()
                raise ChildDied(
                    f"the parsing process stopped unexpectedly (exit code {child.exitcode})"
                ) from None
            if kind == _ITEM:
                yield payload
            elif kind == _DONE:
                return
            else:
                raise payload
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _run(produce: Callable[[], Iterable[Any]], sender: Connection, receiver: Connection) -> None:
    """The child: make the items while a thread sends them, then the end or
    the exception.

    The pipe holds 64 KiB, less than one item: sent from the parsing thread,
    each item would wait for the parent to finish its SQLite batch, and the
    two processes would take turns instead of working at once (80k records:
    12.6 s against 11.9 s in one process). The queue lets the parser run up
    to `_AHEAD` items ahead.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked child holds the pipe's reading end too; closed, a parent that
    # dies leaves the pipe with no reader and the next send fails.
    receiver.close()
    # The parser holds the GIL; the sender needs it briefly per item, and
    # would wait up to the default 5 ms each time (measured: 80k records
    # 11.8 s → 9.8 s with 0.5 ms).
    sys.setswitchinterval(_SWITCH)
    ahead: queue.Queue[tuple[bool, bytes]] = queue.Queue(maxsize=_AHEAD)
    thread = threading.Thread(target=_send_all, args=(ahead, sender), daemon=True)
    thread.start()

    # Pickled here, by the parser, so that the sender only writes bytes:
    # pickled in the sender, each item made the two threads hand the GIL
    # back and forth (80k Scopus CSV rows: 11.1–12.4 s against 9.1–9.6 s).
    def put(kind: int, payload: Any, *, last: bool = False) -> None:
        ahead.put((last, pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)))

    try:
        for item in produce():
            put(_ITEM, item)
        put(_DONE, None, last=True)
    except BaseException as exc:  # every failure goes to the parent
        put(_ERROR, _picklable(exc), last=True)
    thread.join()


def _send_all(ahead: queue.Queue[tuple[bool, bytes]], sender: Connection) -> None:
    while True:
        last, data = ahead.get()
        try:
            sender.send_bytes(data)
        except OSError:  # the parent is gone or stopped listening: stop at once
            os._exit(0)
        if last:
            sender.close()
            return


def _picklable(exc: BaseException) -> BaseException:
    """The exception to send: a bug's with its traceback from here as a note;
    one that would not pickle, as a RuntimeError holding its traceback."""
    if not isinstance(exc, ReviewError):
        exc.add_note("in the parsing process:\n" + "".join(traceback.format_exception(exc)))
    try:
        pickle.dumps(exc)
    except Exception:
        text = "".join(traceback.format_exception(exc))
        return RuntimeError(f"the parsing process failed:\n{text}")
    return exc

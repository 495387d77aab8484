"""An iterator run in a second process, its items streamed back as they come.

A large import parses on one core while SQLite writes on another: a thread
could not overlap them (sqlite3 takes the GIL back for every row it binds),
a process can. The items travel marshalled (or pickled) through a pipe,
emptied by a thread on this side; it holds a few items, so the child waits
while the parent is behind and memory stays flat.

Where the child may be forked (Linux, one thread) it starts in
milliseconds; elsewhere (macOS, Windows, the TUI's worker threads, where a
fork could inherit a lock another thread held) it is spawned: a fresh
interpreter, so `produce` must then be picklable (a module-level function,
or a `functools.partial` of one). The child ignores Ctrl+C: the parent is
interrupted, stops it and deletes what it staged. A child whose parent dies
finds the pipe closed at its next item and exits.
"""

from __future__ import annotations

import contextlib
import marshal
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from typing import Any, Generic, NamedTuple, TypeVar

from review.errors import ReviewError

T = TypeVar("T")

_ITEM, _DONE, _ERROR = 0, 1, 2
_AHEAD = 40
"""Items the child may have made before the parent takes them (an import's
item is 50 records: about 2,000 records, a few MB)."""
_PIPE_BYTES = 1 << 20
"""The pipe's size where the system lets it grow (Linux's limit for a user)."""
_MARSHAL, _PICKLE = b"m", b"p"
_SPARE = 1.5
"""Idle cores (CPU count less the cores busy now) that `spare_core` asks
for: on 2 cores, under half a core busy."""
_SAMPLE = 0.1
"""Seconds over which `busy_cores` watches the CPUs."""


class ChildDied(RuntimeError):
    """The child stopped without saying why (killed, out of memory)."""


def start_method() -> str:
    """`fork` where it is fast and safe (Linux, no other thread), else `spawn`."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "spawn"


class CpuSample(NamedTuple):
    """CPU ticks at one moment: all CPUs', the idle ones', this process's."""

    at: float
    ticks: tuple[int, int, int] | None
    """None where the kernel does not say (no /proc)."""


def cpu_sample() -> CpuSample:
    """Where to watch the CPUs from: taken before work that needs no second
    process (opening and sniffing files), `spare_core` then adds no wait."""
    try:
        ticks: tuple[int, int, int] | None = _cpu_ticks()
    except (OSError, ValueError, IndexError):
        ticks = None
    return CpuSample(time.monotonic(), ticks)


def spare_core(since: CpuSample | None = None) -> bool:
    """Whether a core is idle for a second process: with none, it only adds
    its cost (and its pauses for colleagues) to a machine that is busy anyway."""
    return (os.cpu_count() or 1) - busy_cores(since) >= _SPARE


def busy_cores(since: CpuSample | None = None) -> float:
    """How many cores other processes keep at work, watched from `since`
    (for at least a tenth of a second); this process's own work is left out.

    Not the load average where the kernel says more: it trails by a minute,
    so a job that has just ended (a parse, a test run) would still keep the
    second process away. Where /proc/stat is missing (macOS, Windows), the
    1-minute load average, or nothing known."""
    first = since or cpu_sample()
    wait = _SAMPLE - (time.monotonic() - first.at)
    if wait > 0:
        time.sleep(wait)
    second = cpu_sample()
    if first.ticks is None or second.ticks is None:
        try:
            return os.getloadavg()[0]
        except (AttributeError, OSError):  # Windows has no load average
            return 0.0
    total, idle, own = (b - a for a, b in zip(first.ticks, second.ticks, strict=True))
    busy = max(0, total - idle - own)
    return (os.cpu_count() or 1) * busy / total if total > 0 else 0.0


def _cpu_ticks() -> tuple[int, int, int]:
    """All, idle (idle + waiting on disk) and this process's CPU ticks since
    boot: /proc/stat's first line is `cpu user nice system idle iowait irq
    softirq steal …`; /proc/self/stat's 14th and 15th fields are the
    process's user and system ticks (after its name, which may hold spaces)."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:9]]
    with open("/proc/self/stat", encoding="ascii", errors="replace") as mine:
        fields = mine.read().rpartition(")")[2].split()
    return sum(ticks), ticks[3] + ticks[4], int(fields[11]) + int(fields[12])


def stream_in_child(
    produce: Callable[[], Iterable[T]], *, method: str | None = None
) -> ChildStream[T]:
    """The items of `produce()`, computed in a child process that starts now."""
    return ChildStream(produce, method=method)


class ChildStream(Generic[T]):
    """An iterator over items made in a child process.

    The child starts at once, not at the first `next`: an import starts
    parsing while the file's hash is still being computed. An exception
    raised there is raised here (a bug's traceback from the child added as a
    note); `close`, or dropping the iterator (an exception while the caller
    handles an item), stops the child.
    """

    def __init__(self, produce: Callable[[], Iterable[T]], *, method: str | None = None) -> None:
        context: Any = multiprocessing.get_context(method or start_method())
        self._receiver, sender = context.Pipe(duplex=False)
        _widen(self._receiver)
        self._child = context.Process(
            target=_run, args=(produce, sender, self._receiver), daemon=True
        )
        self._child.start()
        sender.close()
        self._drain: _Drain | None = _Drain(self._receiver)

    def __iter__(self) -> ChildStream[T]:
        return self

    def __next__(self) -> T:
        if self._drain is None:
            raise StopIteration
        data = self._drain.next()
        if data is None:
            self._child.join()
            code = self._child.exitcode
            self.close()
            raise ChildDied(f"the parsing process stopped unexpectedly (exit code {code})")
        kind, payload = _decoded(data)
        if kind == _ITEM:
            item: T = payload
            return item
        self.close()
        if kind == _DONE:
            raise StopIteration
        raise payload

    def close(self) -> None:
        """Stop the child (if it still runs) and let go of the pipe."""
        if self._drain is None:
            return
        if self._child.is_alive():
            self._child.kill()
        self._child.join()
        self._drain.stop()
        self._drain = None
        self._receiver.close()

    def __del__(self) -> None:
        # Dropped unfinished (an exception while an item was handled); at
        # interpreter exit the child is a daemon and goes anyway.
        if getattr(self, "_drain", None) is not None:
            with contextlib.suppress(Exception):
                self.close()


class _Drain:
    """Empties the pipe in a thread while the caller works on an item.

    The pipe holds a few items at most (64 KiB, or `_PIPE_BYTES` where it
    can grow): read only between the caller's SQLite batches, the child
    would wait on its sends and the two processes would take turns instead
    of working at once. Reading here, in the process that waits for SQLite
    anyway (sqlite3 lets go of the GIL while SQLite works), leaves the child
    one thread that only parses and sends (a sending thread in the child
    made its two threads hand the GIL back and forth: 80k Scopus CSV rows
    took 7.5 s of wall time there for 5.7 s of parsing). At most `_AHEAD`
    items wait, so memory stays flat.
    """

    def __init__(self, receiver: Connection) -> None:
        self._receiver = receiver
        self._items: queue.Queue[bytes | None] = queue.Queue(maxsize=_AHEAD)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def next(self) -> bytes | None:
        """The next item's bytes; None once the child is gone."""
        return self._items.get()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _read(self) -> None:
        while not self._stopped.is_set():
            try:
                data: bytes | None = self._receiver.recv_bytes()
            except (EOFError, OSError):
                data = None
            while not self._stopped.is_set():
                try:
                    self._items.put(data, timeout=0.05)
                    break
                except queue.Full:
                    continue
            if data is None:
                return


def _run(produce: Callable[[], Iterable[Any]], sender: Connection, receiver: Connection) -> None:
    """The child: make the items and send each, then the end or the exception."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked child holds the pipe's reading end too; closed, a parent that
    # dies leaves the pipe with no reader and the next send fails.
    receiver.close()

    def put(kind: int, payload: Any) -> None:
        try:
            sender.send_bytes(_encoded(kind, payload))
        except OSError:  # the parent is gone or stopped listening: stop at once
            os._exit(0)

    try:
        for item in produce():
            put(_ITEM, item)
        put(_DONE, None)
    except BaseException as exc:  # every failure goes to the parent
        put(_ERROR, _picklable(exc))
    sender.close()


def _encoded(kind: int, payload: Any) -> bytes:
    """An item as bytes: by `marshal` where it can (an import's rows are
    tuples, lists and dicts of text and numbers, written in half pickle's
    time), else by pickle; the first byte says which."""
    try:
        return _MARSHAL + marshal.dumps((kind, payload))
    except ValueError:  # an object marshal does not know
        return _PICKLE + pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)


def _decoded(data: bytes) -> tuple[int, Any]:
    body = memoryview(data)[1:]
    loaded: tuple[int, Any] = marshal.loads(body) if data[:1] == _MARSHAL else pickle.loads(body)
    return loaded


def _widen(connection: Connection) -> None:
    """Let the pipe hold `_PIPE_BYTES` (Linux): the child then waits for the
    parent's reading thread eight items at a time, not on every item
    (80k Scopus CSV rows: 6.6 s against 7.1 s). Elsewhere it stays as it is."""
    try:
        import fcntl

        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


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

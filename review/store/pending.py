"""Imports in progress: the markers that hide them, and telling live from dead.

An import writes its rows in short transactions under a `pending_imports`
row, which the `sources`, `records` and `record_warnings` views filter out
(migration m009). The marker says who is importing (host, process id, a
token for this run) and when it last wrote a batch, so that a later
`Store.open` can delete an import whose process was killed while leaving a
colleague's running import alone.
"""

from __future__ import annotations

import os
import socket
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

STALE_AFTER = timedelta(minutes=30)
"""A marker not touched for this long is dead whoever holds it: a batch is
written every few seconds at most, so only a vanished machine (or one whose
process id cannot be checked from here) is this quiet."""

_RUNNING: set[str] = set()
"""Tokens of the imports this process is running now: a marker with our own
process id but a token not in here was left by an import that failed here
and could not clean up after itself."""


@dataclass(frozen=True)
class Marker:
    """What `pending_imports` holds about one import."""

    source_id: int
    host: str
    pid: int
    token: str
    heartbeat: str


def new_token() -> str:
    token = uuid.uuid4().hex
    _RUNNING.add(token)
    return token


def finished(token: str) -> None:
    _RUNNING.discard(token)


def host() -> str:
    return socket.gethostname()


def now() -> str:
    """Wall-clock time, not the store's (tests may fix that one)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def is_dead(marker: Marker) -> bool:
    """True when the import under `marker` can no longer finish."""
    try:
        beat = datetime.fromisoformat(marker.heartbeat)
    except ValueError:
        return True
    if datetime.now(UTC) - beat > STALE_AFTER:
        return True
    if marker.host != host():
        return False
    if marker.pid == os.getpid():
        return marker.token not in _RUNNING
    return not _process_exists(marker.pid)


def _process_exists(pid: int) -> bool:
    if sys.platform == "win32":
        # os.kill(pid, 0) would send CTRL_C there; staleness decides instead.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, alive
    return True

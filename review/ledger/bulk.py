"""Building a million small objects at once without the cycle collector.

Replaying a living review makes a tuple per event and a few dicts and
lists per unit. Python's cycle collector, triggered by allocation counts,
would rescan all of them again and again while they are built (about half
the load time at a million events) and on every full collection afterwards
(a pause the reviewer feels between key presses). None of them form cycles,
so the collector is paused while they are built and what was built is
frozen: reference counting still frees it, the collector skips it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk_load() -> Iterator[None]:
    """Pause the cycle collector while building; freeze what was built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()

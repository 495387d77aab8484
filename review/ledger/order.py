"""The one replay rule: events take effect in (created_at, uid) order.

State is a pure function of the *set* of events, so two reviewers' files
merged in either order, any number of times, give one review. Row ids are
never used: they number rows in one file only. `created_at` is a hybrid
logical clock written by the store (`next_stamp`): never earlier than the
newest event already in the file, so an action always replays after what
its author saw, even when another machine's clock ran ahead. The uid breaks
ties between machines.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime, timedelta
from typing import Protocol, TypeVar


class Stamped(Protocol):
    """Anything the ledger replays: an event with its clock stamp and uid."""

    @property
    def created_at(self) -> str: ...

    @property
    def uid(self) -> str: ...


E = TypeVar("E", bound=Stamped)
K = TypeVar("K", bound=Hashable)


def order_key(event: Stamped) -> tuple[str, str]:
    """Where an event falls in replay: by its stamp, then by its uid."""
    return (event.created_at, event.uid)


def in_order(events: Iterable[E]) -> list[E]:
    """The events in replay order, whatever order they were stored in."""
    return sorted(events, key=order_key)


def newest(events: Iterable[E], key: Callable[[E], K]) -> dict[K, E]:
    """For each key, the event that replays last: "newest wins", once, for all kinds."""
    out: dict[K, E] = {}
    for event in events:
        k = key(event)
        held = out.get(k)
        if held is None or order_key(event) > order_key(held):
            out[k] = event
    return out


def next_stamps(wall_clock: str, newest_in_file: str | None, count: int = 1) -> list[str]:
    """`count` stamps for one action: from the wall clock, but each after the
    newest stamp already in the file and after the one before it.

    Microsecond ISO-8601 in UTC; a stamp the file holds that is not ISO-8601
    is compared as text, as replay compares it.
    """
    start = _parse(wall_clock)
    if newest_in_file is not None and newest_in_file >= _format(start):
        parsed = _parse(newest_in_file, fallback=start)
        start = max(start, parsed + _TICK)
    return [_format(start + _TICK * n) for n in range(count)]


_TICK = timedelta(microseconds=1)


def _parse(stamp: str, fallback: datetime | None = None) -> datetime:
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        if fallback is None:
            raise
        return fallback


def _format(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")

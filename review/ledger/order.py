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
        # order_key inlined: this loop folds a million events
        if (
            held is None
            or event.created_at > held.created_at
            or (event.created_at == held.created_at and event.uid > held.uid)
        ):
            out[k] = event
    return out


def next_stamps(wall_clock: str, newest_in_file: str | None, count: int = 1) -> list[str]:
    """`count` stamps for one action: the wall clock, unless the file already
    holds a stamp as late (then a microsecond after it), each after the one
    before. Stamps compare as text, as replay compares them.
    """
    if newest_in_file is None or wall_clock > newest_in_file:
        first = wall_clock  # the usual case: kept as the clock wrote it
        start = _parse(wall_clock)
    else:
        start = max(_parse(wall_clock), _parse(newest_in_file, fallback=_parse(wall_clock)))
        first = _format(start + _TICK)
        start += _TICK
    return [first, *(_format(start + _TICK * n) for n in range(1, count))]


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

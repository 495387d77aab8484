"""The replay rule and the clock that stamps events."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from review.ledger.order import in_order, newest, next_stamps
from review.store import Store


@dataclass(frozen=True)
class Ev:
    created_at: str
    uid: str
    key: str = "k"


def test_newest_is_by_stamp_then_uid_never_by_arrival() -> None:
    a = Ev("2026-01-01T00:00:00.000001+00:00", "b")
    b = Ev("2026-01-01T00:00:00.000001+00:00", "a")
    c = Ev("2026-01-01T00:00:00.000000+00:00", "z")
    for events in ([a, b, c], [c, b, a], [b, c, a]):
        assert newest(events, lambda e: e.key) == {"k": a}
        assert in_order(events) == [c, b, a]


def test_stamps_never_go_back_behind_the_file() -> None:
    ahead = "2026-05-01T00:00:00.000000+00:00"  # another machine's clock ran ahead
    stamps = next_stamps("2026-01-01T00:00:00.000+00:00", ahead, 3)
    assert stamps == [
        "2026-05-01T00:00:00.000001+00:00",
        "2026-05-01T00:00:00.000002+00:00",
        "2026-05-01T00:00:00.000003+00:00",
    ]
    assert next_stamps("2026-06-01T00:00:00.000000+00:00", ahead) == [
        "2026-06-01T00:00:00.000000+00:00"
    ]


def test_a_stopped_clock_still_orders_each_action_after_the_last(tmp_path: Path) -> None:
    """With the wall clock standing still, every event still replays after the one before."""
    with Store.create(tmp_path / "r.db", now=lambda: "2026-01-02T03:04:05.000+00:00") as store:
        for n in range(3):
            store.append_event("labels", "ann", record_key="k", label=f"l{n}", action="add")
        stamps = [r[0] for r in store.db.execute("SELECT created_at FROM labels ORDER BY id")]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3

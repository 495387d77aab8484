"""Completion checks from the protocol's roles, rows of any repeating group,
and a file made before extraction gaining its tables on open."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import MappingProxyType

from review.extraction.checks import check_form
from review.extraction.form import rows_by_group
from review.extraction.studies import Status, overall, statuses
from review.ledger.entities import Entity
from review.ledger.extraction import StatusEvent, ValueEvent
from review.protocol.loader import load_protocol
from review.store import Store
from tests.conftest import SAMPLE_PROTOCOL

PROTOCOL = load_protocol(SAMPLE_PROTOCOL).protocol
R = "results.result."


def row(entity_id: str, kind: str = "result", **attrs: object) -> Entity:
    return Entity(entity_id, "s", kind, entity_id, MappingProxyType(dict(attrs)),  # type: ignore[arg-type]
                  "ann", "t", False, ("t", entity_id))  # fmt: skip


def messages(values: dict[tuple[str, str], object]) -> dict[str, str]:
    rows = {"results.result": [row("r1")], "arms.arm": []}
    found = check_form(PROTOCOL, values, rows)  # type: ignore[arg-type]
    return {p.field: p.message for p in found if p.instance == "r1"}


BASE = {(R + "outcome", "r1"): "os", (R + "timepoint", "r1"): "2 years",
        (R + "comparison", "r1"): "A vs B"}  # fmt: skip


def test_a_complete_row_of_one_shape_passes() -> None:
    full_2x2 = {(R + f, "r1"): n for f, n in
                (("events_1", 3), ("total_1", 10), ("events_2", 4), ("total_2", 10))}  # fmt: skip
    assert messages({**BASE, **full_2x2}) == {}
    proportion = {(R + "events_single", "r1"): 3, (R + "total_single", "r1"): 3}
    assert messages({**BASE, **proportion}) == {}
    abcd = {(R + f, "r1"): n for f, n in
            (("events_1", 3), ("events_2", 4))}  # fmt: skip
    assert set(messages({**BASE, **abcd})) == {R + "total_1", R + "total_2"}


def test_shapes_started_must_be_finished() -> None:
    found = messages({**BASE, (R + "hr", "r1"): 0.7, (R + "events_single", "r1"): 2})
    assert set(found) == {R + "hr_ci_lower", R + "hr_ci_upper", R + "total_single"}
    assert "ratio estimate" in found[R + "hr_ci_lower"]
    found = messages({**BASE, (R + "hr_ci_lower", "r1"): 0.5, (R + "hr_ci_upper", "r1"): 0.9})
    assert set(found) == {R + "hr"}


def test_required_fields_of_each_row() -> None:
    found = messages({(R + "outcome", "r1"): "os"})
    assert set(found) == {R + "timepoint", R + "comparison"}


def test_rows_are_listed_per_group() -> None:
    arm, result, loose = row("a", "arm", group="arms.arm"), row("r"), row("x", "arm")
    other = row("o", "result", group="results.nope")  # a group the protocol no longer has
    groups = rows_by_group(PROTOCOL, [arm, result, loose, other])
    assert [e.id for e in groups["arms.arm"]] == ["a", "x"]
    assert [e.id for e in groups["results.result"]] == ["r"]


def test_status_per_reviewer_follows_the_newest_status_event() -> None:
    value = ValueEvent("u1", "2026-01-01T00:00:01", "ann", "s", "study.x", "", "1")
    done = StatusEvent("u2", "2026-01-01T00:00:02", "ann", "s", "complete")
    reopened = StatusEvent("u3", "2026-01-01T00:00:03", "ann", "s", "reopened")
    assert statuses(["s", "t"], [value], [done]) == {"s": {"ann": Status.COMPLETE}, "t": {}}
    assert statuses(["s"], [value], [reopened, done])["s"]["ann"] is Status.IN_PROGRESS
    assert overall({"ann": Status.COMPLETE}, 2) is Status.IN_PROGRESS
    assert overall({}, 1) is Status.NOT_STARTED


def test_a_file_made_before_extraction_events_gains_them_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Store.create(path).close()
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        DROP TABLE extraction_status;
        ALTER TABLE extraction_values DROP COLUMN source;
        ALTER TABLE extraction_values DROP COLUMN kind;
        DELETE FROM _sqlite_migrations WHERE name = 'm005_extraction';
        """
    )
    conn.close()
    with Store.open(path) as store:
        assert store.extraction.status_events() == []
        columns = {r[1] for r in store.db.execute("PRAGMA table_info(extraction_values)")}
        assert {"source", "kind"} <= columns
        indexes = {r[1] for r in store.db.execute("PRAGMA index_list(extraction_status)")}
        assert {"extraction_status_order", "extraction_status_study"} <= indexes

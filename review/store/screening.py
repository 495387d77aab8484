"""Screening in the review file: decisions, notes and labels as events.

Decisions are keyed by the unit's record key (shared by every record with
the same DOI, PMID or registry id, or by a duplicate group), so two
reviewers' files merge by identity and re-imports keep their decisions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from review.errors import UsageError
from review.ledger.labels import LabelEvent, current_labels
from review.models import DecisionEvent, DecisionValue, EventKind, Stage

if TYPE_CHECKING:
    from review.store.store import Store


@dataclass(frozen=True, slots=True)
class Note:
    """A reviewer's note on a record at a stage."""

    record_key: str
    stage: Stage
    text: str
    reviewer: str
    created_at: str


@dataclass(frozen=True, slots=True)
class ImportedDecision:
    """A screening decision made elsewhere, on its way into the ledger."""

    record_key: str
    """The unit's key, as a decision in the screening screen names it."""
    stage: Stage
    decision: DecisionValue
    reasons: tuple[str, ...]
    note: str | None
    reviewer: str
    origin: str
    """Where it came from: file, row, hash, who imported it."""


class ScreeningRepository:
    """`store.screening`: decisions, notes and labels."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- reads --------------------------------------------------------------

    def decisions(
        self,
        after_id: int = 0,
        *,
        reviewer: str | None = None,
        stage: Stage | None = None,
        record_keys: Iterable[str] | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> list[DecisionEvent]:
        """Decision events in replay order (or newest first), stored after row
        `after_id` (a cursor in this file, so a screen can pick up another
        process's decisions or a merge cheaply), optionally one reviewer's,
        one stage's, or some records'."""
        clauses: list[str] = ["id > ?"]
        params: list[object] = [after_id]
        if reviewer is not None:
            spellings = self._store.reviewers.stored_as(reviewer)
            clauses.append(f"reviewer IN ({', '.join('?' * len(spellings))})")
            params.extend(spellings)
        if stage is not None:
            clauses.append("stage = ?")
            params.append(stage.value)
        if record_keys is not None:
            keys = list(record_keys)
            clauses.append(f"record_key IN ({', '.join('?' * len(keys))})")
            params.extend(keys)
        cursor = self._store.db.execute(
            f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE {' AND '.join(clauses)} "
            f"ORDER BY {_NEWEST_FIRST if newest_first else _REPLAY} LIMIT ?",
            [*params, -1 if limit is None else limit],
        )
        return _events(cursor, self._store.reviewers.aliases())

    def notes(self, record_key: str, stage: Stage) -> list[Note]:
        rows = self._store.db.execute(
            "SELECT record_key, stage, text, reviewer, created_at FROM notes "
            "WHERE record_key = ? AND stage = ? ORDER BY created_at, uid",
            [record_key, stage.value],
        ).fetchall()
        return self._notes(rows)

    def all_notes(self) -> list[Note]:
        """Every note of the review in replay order, for exports."""
        rows = self._store.db.execute(
            "SELECT record_key, stage, text, reviewer, created_at FROM notes "
            "ORDER BY created_at, uid"
        ).fetchall()
        return self._notes(rows)

    def _notes(self, rows: list[Any]) -> list[Note]:
        return [
            Note(r[0], Stage(r[1]), r[2], r[3], r[4])
            for r in self._store.reviewers.read_as(rows, 3)
        ]

    def labels(self, alias: dict[str, str] | None = None) -> dict[str, set[str]]:
        """Current labels per record key (or per unit, through `alias`)."""
        return current_labels(self.label_events(), alias)

    def label_events(self) -> list[LabelEvent]:
        cursor = self._store.db.execute(
            "SELECT uid, created_at, reviewer, record_key, label, action FROM labels"
        )
        shared: dict[str, str] = {}
        keep = shared.setdefault
        named = self._store.reviewers.aliases().setdefault  # seeded: other spellings read as one
        out: list[LabelEvent] = []
        while rows := cursor.fetchmany(50_000):
            out.extend(
                LabelEvent(uid, at, named(who, who), keep(key, key), keep(label, label), keep(a, a))
                for uid, at, who, key, label, a in rows
            )
        return out

    # -- writes (one event, one transaction each) ---------------------------

    def record_decision(
        self,
        record_key: str,
        stage: Stage,
        decision: DecisionValue | None,
        *,
        reviewer: str,
        reasons: Iterable[str] = (),
        note: str | None = None,
        kind: EventKind = "screen",
    ) -> DecisionEvent:
        """Append a screen, resolve or undo event and return it as stored."""
        if (kind == "undo") != (decision is None):
            raise UsageError("an undo carries no decision; a screen or resolve needs one")
        uid = self._store.append_event(
            "decisions",
            reviewer,
            record_key=record_key,
            stage=stage.value,
            kind=kind,
            decision=decision,
            reasons=json.dumps(list(reasons)),
            note=note,
        )
        cursor = self._store.db.execute(
            f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE uid = ?", [uid]
        )
        return _events(cursor, self._store.reviewers.aliases())[0]

    def import_decisions(self, decisions: Sequence[ImportedDecision]) -> None:
        """Append screens brought in from a file, all in one transaction (a
        failure stores none of them), each carrying its `origin`."""
        by_reviewer: dict[str, list[dict[str, object]]] = {}
        for d in decisions:
            by_reviewer.setdefault(d.reviewer, []).append(
                {
                    "record_key": d.record_key,
                    "stage": d.stage.value,
                    "kind": "screen",
                    "decision": d.decision,
                    "reasons": json.dumps(list(d.reasons)),
                    "note": d.note,
                    "origin": d.origin,
                }
            )
        with self._store.write():
            for reviewer, rows in by_reviewer.items():
                self._store.append_events("decisions", reviewer, rows)

    def origins(self) -> dict[str, str]:
        """Event uid → origin, for every decision that was imported."""
        rows = self._store.db.execute(
            "SELECT uid, origin FROM decisions WHERE origin IS NOT NULL"
        ).fetchall()
        return {uid: origin for uid, origin in rows}

    def add_note(self, record_key: str, stage: Stage, text: str, *, reviewer: str) -> None:
        self._store.append_event(
            "notes", reviewer, record_key=record_key, stage=stage.value, text=text
        )

    def set_label(self, record_key: str, label: str, *, reviewer: str, on: bool = True) -> None:
        self._store.append_event(
            "labels", reviewer, record_key=record_key, label=label, action="add" if on else "remove"
        )


_DECISION_COLUMNS = (
    "id, record_key, stage = 'full_text', "
    "CASE kind WHEN 'screen' THEN 0 WHEN 'resolve' THEN 1 ELSE 2 END, "
    "CASE decision WHEN 'include' THEN 0 WHEN 'exclude' THEN 1 WHEN 'maybe' THEN 2 ELSE 3 END, "
    "nullif(reasons, '[]'), note, reviewer, created_at, uid"
)
"""Stage, kind and decision come as small codes and no reasons as NULL: the
conversion is then a tuple index, ~20% of a million-row read."""
_STAGE_CODES: tuple[Stage, ...] = (Stage.TITLE_ABSTRACT, Stage.FULL_TEXT)
_KIND_CODES: tuple[EventKind, ...] = ("screen", "resolve", "undo")
_DECISION_CODES: tuple[DecisionValue | None, ...] = ("include", "exclude", "maybe", None)
_REPLAY = "created_at, uid"
"""The ledger's replay order (`review.ledger.order`), served by decisions_order."""
_NEWEST_FIRST = "created_at DESC, uid DESC"
_NO_REASONS: tuple[str, ...] = ()


def _events(cursor: Any, aliases: dict[str, str]) -> list[DecisionEvent]:
    """Rows as events, read in slices. Repeated text (record keys, names, kinds)
    is shared rather than held once per row: a million events then fit in a
    few hundred MB. `aliases` (other spelling → a reviewer's) seeds the names."""
    shared: dict[str, str] = {}
    keep, named = shared.setdefault, aliases.setdefault
    stages, kinds, decisions = _STAGE_CODES, _KIND_CODES, _DECISION_CODES
    no_reasons, loads = _NO_REASONS, json.loads
    out: list[DecisionEvent] = []
    while rows := cursor.fetchmany(50_000):
        out.extend(
            DecisionEvent(
                id_,
                keep(key, key),
                stages[stage],
                kinds[kind],
                decisions[decision],
                no_reasons if reasons is None else tuple(loads(reasons)),
                note,
                named(reviewer, reviewer),
                created_at,
                uid,
            )
            for id_, key, stage, kind, decision, reasons, note, reviewer, created_at, uid in rows
        )
    return out

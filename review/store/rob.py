"""Risk-of-bias events in the review file.

The only SQL about `rob_answers`. No domain rules here: which answer is
current, what is valid and what a judgement must carry belong to
`review.rob`; this appends events and reads them back in replay order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from review.ledger.rob import RobEvent

if TYPE_CHECKING:
    from review.store.store import Store

_COLUMNS = (
    "uid, created_at, reviewer, study_key, result, tool, kind, domain, item, value, note, "
    "support, variant, direction, agreed"
)


class NewRobEvent(NamedTuple):
    """A risk-of-bias event to append (see `RobEvent` for the fields)."""

    study_key: str
    result: str
    tool: str
    kind: str
    domain: str = ""
    item: str = ""
    value: str | None = None
    note: str | None = None
    support: str | None = None
    variant: str = ""
    direction: str | None = None
    agreed: bool = False
    reviewer: str | None = None
    """Whose entry it is when it differs from the appending reviewer (imports)."""

    @classmethod
    def of(
        cls,
        target: tuple[str, str, str],
        kind: str,
        fields: Mapping[str, str | None],
        *,
        agreed: bool,
        reviewer: str | None = None,
    ) -> NewRobEvent:
        """An event for (study, result, tool) from named fields, as the session
        and the long-file import both give them: absent keys are empty."""
        return cls(
            *target,
            kind,
            domain=fields.get("domain") or "",
            item=fields.get("item") or "",
            value=fields.get("value"),
            note=fields.get("note"),
            support=fields.get("support"),
            variant=fields.get("variant") or "",
            direction=fields.get("direction"),
            agreed=agreed,
            reviewer=reviewer,
        )


class RobRepository:
    """`store.rob`: append and read risk-of-bias events."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def append(
        self, events: Sequence[NewRobEvent], *, reviewer: str, bulk: bool = False
    ) -> list[str]:
        """Append events in one transaction (one save, or a whole import);
        returns their uids. Rows naming another reviewer are stamped so."""
        uids: list[str] = []
        with self._store.write(bulk=bulk):
            batches: dict[str, list[dict[str, Any]]] = {}
            for event in events:
                row = event._asdict()
                who = row.pop("reviewer") or reviewer
                row["agreed"] = int(bool(row["agreed"]))
                batches.setdefault(who, []).append(row)
            for who, rows in batches.items():
                uids += self._store.append_events("rob_answers", who, rows)
        return uids

    def events(self, study_key: str | None = None) -> list[RobEvent]:
        """Events of one study (or all), in replay order."""
        where, params = ("WHERE study_key = ?", [study_key]) if study_key is not None else ("", [])
        rows = self._store.db.execute(
            f"SELECT {_COLUMNS} FROM rob_answers {where} ORDER BY created_at, uid", params
        ).fetchall()
        return [_event(row) for row in self._store.reviewers.read_as(rows, 2)]

    def event(self, uid: str) -> RobEvent | None:
        row = self._store.db.execute(
            f"SELECT {_COLUMNS} FROM rob_answers WHERE uid = ?", [uid]
        ).fetchone()
        return _event(self._store.reviewers.read_as([row], 2)[0]) if row else None


def _event(row: Sequence[Any]) -> RobEvent:
    fields = dict(zip(_COLUMNS.split(", "), row, strict=True))
    fields["agreed"] = bool(fields["agreed"])
    return RobEvent(**fields)

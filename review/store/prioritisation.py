"""Prioritised screening in the review file: when a reviewer turned the
ranking on or off and where they chose to stop, as append-only events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from review.models import Stage

if TYPE_CHECKING:
    from review.store.store import Store

Action = Literal["start", "off", "stop"]


@dataclass(frozen=True, slots=True)
class PrioritisationEvent:
    stage: Stage
    action: Action
    settings: dict[str, Any]
    """The model, its settings and seed."""
    figures: dict[str, Any]
    """The stopping rule's figures when the reviewer stopped."""
    reviewer: str
    created_at: str
    uid: str
    app_version: str = ""
    """The version of review that wrote the event, for the methods section."""


class PrioritisationRepository:
    """`store.prioritisation`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def record(
        self,
        stage: Stage,
        action: Action,
        *,
        reviewer: str,
        settings: dict[str, Any] | None = None,
        figures: dict[str, Any] | None = None,
    ) -> None:
        self._store.append_event(
            "prioritisation",
            reviewer,
            stage=stage.value,
            action=action,
            settings=json.dumps(settings or {}, sort_keys=True),
            figures=json.dumps(figures or {}, sort_keys=True),
        )

    def events(self) -> list[PrioritisationEvent]:
        """Every event in replay order."""
        rows = self._store.db.execute(
            "SELECT stage, action, settings, figures, reviewer, created_at, uid, app_version "
            "FROM prioritisation ORDER BY created_at, uid"
        ).fetchall()
        return [
            PrioritisationEvent(
                Stage(stage),
                action,
                json.loads(settings),
                json.loads(figures),
                who,
                at,
                uid,
                version or "",
            )
            for stage, action, settings, figures, who, at, uid, version in (
                self._store.reviewers.read_as(rows, 4)
            )
        ]

"""The counts `review status` prints and the TUI's header shows."""

from __future__ import annotations

from typing import Any

from review.store import Store


def review_status(store: Store) -> dict[str, Any]:
    """Records in total and per source, warnings by kind, decisions per stage.

    A plain dict so `review status --json` can print it as it is; the keys are
    part of the scripting interface documented in the README.
    """
    sources = store.sources()
    return {
        "file": str(store.path),
        "records": store.record_count(),
        "sources": [
            {
                "id": s.id,
                "name": s.name,
                "kind": str(s.kind),
                "method": str(s.method) if s.method else None,
                "file_name": s.file_name,
                "format": s.format,
                "encoding": s.encoding,
                "search_date": s.search_date,
                "imported_at": s.imported_at,
                "records": s.record_count,
                "warnings": s.warning_count,
            }
            for s in sources
        ],
        "records_by_kind": _by_kind(sources),
        "warnings": store.warning_counts(),
        "decisions": store.decision_counts(),
    }


def _by_kind(sources: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for source in sources:
        counts[str(source.kind)] = counts.get(str(source.kind), 0) + source.record_count
    return counts

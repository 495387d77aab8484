"""Reports that describe one study: links from a report to its study's main record.

A record's newest link event says which study it reports (or, `unlink`,
that it stands alone). Links never chain when made (`linking`), but files
merged from two reviewers can hold a chain or a loop, so replay resolves them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from review.errors import UsageError
from review.ledger.order import newest


class LinkEvent(NamedTuple):
    """A record linked to (or unlinked from) the study named by its main record."""

    uid: str
    created_at: str
    reviewer: str
    record_key: str
    study_key: str
    action: str


def current_links(events: Iterable[LinkEvent]) -> dict[str, str]:
    """Record key → study key for every linked report, chains and loops resolved."""
    latest = newest(events, lambda e: e.record_key)
    return resolve_chains({k: e.study_key for k, e in latest.items() if e.action == "link"})


def resolve_chains(links: dict[str, str]) -> dict[str, str]:
    """Point every report at the end of its chain; break loops.

    In a loop the smallest key becomes the study, so every file resolves it
    the same way.
    """
    resolved: dict[str, str] = {}
    for start in links:
        path = [start]
        seen = {start}
        current = links[start]
        while current in links and current not in seen:
            path.append(current)
            seen.add(current)
            current = links[current]
        if current in seen:  # a loop: its members, from `current` on
            loop = path[path.index(current) :]
            current = min(loop)
        for key in path:
            if key != current:
                resolved[key] = current
    return resolved


def reports_of(links: dict[str, str], study_key: str) -> list[str]:
    """The study's records: its main record first, then linked reports sorted.

    A key linked to another study gives that study's reports.
    """
    study = links.get(study_key, study_key)
    return [study, *sorted(key for key, target in links.items() if target == study)]


def linking(links: dict[str, str], record_key: str, study_key: str) -> tuple[str, list[str]]:
    """Linking `record_key` to `study_key` without making a chain: the study
    actually linked to (the study `study_key` reports, if it is a report)
    and the record keys to link to it, none when already linked there.

    A study that joins another brings its reports along. Refused when the
    study is `record_key` itself (`study_key` is one of its reports).
    """
    study = links.get(study_key, study_key)
    if study == record_key:
        raise UsageError(
            f"{study_key} is already a report of the study {record_key}",
            hint=f"to make {study_key} the main record, unlink it first",
        )
    if links.get(record_key) == study:
        return study, []
    moved = [key for key, target in links.items() if target == record_key]
    return study, [record_key, *sorted(moved)]

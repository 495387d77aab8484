"""One record's full text and study link, changed by a reviewer: each action
resolves the record as typed (key, DOI, PMID, …) and says what it did in
one line, so the CLI and the TUI's dialogs do and word it the same."""

from __future__ import annotations

from review.store import Store


def attach(store: Store, record: str, location: str, *, reviewer: str, note: str | None) -> str:
    """`location` as `fulltext_location` stored it (a resolved path or a URL)."""
    key = store.records.key_for(record)
    store.fulltexts.attach(key, location, reviewer=reviewer, note=note)
    return f"{key}: attached {location}"


def not_retrieved(store: Store, record: str, *, reviewer: str, note: str | None) -> str:
    key = store.records.key_for(record)
    store.fulltexts.mark_not_retrieved(key, reviewer=reviewer, note=note)
    return f"{key}: not retrieved"


def detach(store: Store, record: str, *, reviewer: str) -> str:
    key = store.records.key_for(record)
    store.fulltexts.detach(key, reviewer=reviewer)
    return f"{key}: detached"


def link(store: Store, record: str, study_record: str, *, reviewer: str) -> str:
    """The link, then a `warning:` line when the record was extracted or
    assessed as a study of its own: that work stays stored under its key but
    leaves the study lists and exports until it is unlinked."""
    key = store.records.key_for(record)
    study = store.studies.link(key, store.records.key_for(study_record), reviewer=reviewer)
    reports = store.studies.reports(study)
    line = f"{key} → study {study} ({len(reports)} reports: {', '.join(reports)})"
    values, answers = len(store.extraction.value_events(key)), len(store.rob.events(key))
    if study != key and (values or answers):
        line += (
            f"\nwarning: {key} was extracted or assessed as a study of its own ({values} "
            f"extracted values, {answers} risk-of-bias entries): they stay stored but no "
            f"longer show or export, as {study} is the study now; enter what they hold there, "
            f"or `review fulltext unlink FILE {key}` to bring them back"
        )
    return line


def unlink(store: Store, record: str, *, reviewer: str) -> str:
    key = store.records.key_for(record)
    store.studies.unlink(key, reviewer=reviewer)
    return f"{key}: unlinked"

"""The review file's schema as registered migrations, oldest first.

Each migration runs in one transaction with its row in `_sqlite_migrations`;
`Store.open` applies pending ones and refuses a file that has migrations this
version does not know (made by a newer release).

The workflow's shape is fixed here: imports (`sources`) hold `records`;
everything a reviewer decides is an append-only event keyed by stable
identifiers (record `key`, record `uid`, `study_key`) rather than row ids, so
two reviewers' files merge as a union of events. Triggers refuse UPDATE and
DELETE on every event table: undo is a newer event.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("review")

_M001_EVENT_TABLES = (
    "decisions",
    "labels",
    "fulltexts",
    "study_links",
    "dedup_events",
    "extraction_values",
    "rob_answers",
)

_M003_EVENT_TABLES = (*_M001_EVENT_TABLES, "notes")
"""The event tables m003 indexes: frozen, as a migration must not change once
shipped; tables added later create their own order index."""

EVENT_TABLES = (*_M003_EVENT_TABLES, "entities", "extraction_status", "prioritisation")
"""Append-only tables; each row has a globally unique `uid` so merges are idempotent."""

_EVENT_COMMON = """
    uid TEXT NOT NULL UNIQUE,
    reviewer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    app_version TEXT NOT NULL
"""


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    """Sources, records, warnings, full-text search, protocol and event tables."""
    db.executescript(
        f"""
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE protocols (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            text TEXT NOT NULL,
            hash TEXT NOT NULL,
            loaded_at TEXT NOT NULL
        );
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            file_name TEXT NOT NULL,
            file_path TEXT NOT NULL,
            file_hash TEXT NOT NULL,
            file_size INTEGER NOT NULL,
            format TEXT NOT NULL,
            encoding TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('database', 'register', 'other')),
            method TEXT CHECK (method IN ('website', 'organisation', 'citation')),
            name TEXT NOT NULL,
            search_date TEXT,
            imported_at TEXT NOT NULL,
            imported_by TEXT,
            record_count INTEGER NOT NULL,
            warning_count INTEGER NOT NULL,
            app_version TEXT NOT NULL
        );
        CREATE INDEX sources_hash ON sources(file_hash);
        CREATE TABLE records (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            key TEXT NOT NULL,
            source_id INTEGER NOT NULL REFERENCES sources(id),
            position INTEGER NOT NULL,
            line INTEGER,
            source_ref TEXT NOT NULL,
            title TEXT,
            vernacular_title TEXT,
            abstract TEXT,
            authors TEXT NOT NULL DEFAULT '[]',
            year INTEGER,
            journal TEXT,
            volume TEXT,
            issue TEXT,
            pages TEXT,
            doi TEXT,
            pmid TEXT,
            registry_id TEXT,
            record_type TEXT,
            language TEXT,
            keywords TEXT NOT NULL DEFAULT '[]',
            url TEXT,
            issn TEXT,
            extra TEXT NOT NULL DEFAULT '{{}}'
        );
        CREATE INDEX records_source ON records(source_id);
        CREATE INDEX records_key ON records(key);
        CREATE TABLE record_warnings (
            id INTEGER PRIMARY KEY,
            record_id INTEGER NOT NULL REFERENCES records(id),
            kind TEXT NOT NULL,
            field TEXT,
            message TEXT NOT NULL
        );
        CREATE INDEX record_warnings_record ON record_warnings(record_id);
        CREATE VIRTUAL TABLE records_fts USING fts5(
            title, vernacular_title, abstract, keywords, authors,
            content='records', content_rowid='id', tokenize='unicode61 remove_diacritics 2',
            detail=none, columnsize=0
        );

        -- Screening decisions per stage; `kind` says whether a reviewer
        -- screened, resolved a conflict, or undid their previous event.
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            record_key TEXT NOT NULL,
            stage TEXT NOT NULL CHECK (stage IN ('title_abstract', 'full_text')),
            kind TEXT NOT NULL CHECK (kind IN ('screen', 'resolve', 'undo')),
            decision TEXT CHECK (decision IN ('include', 'exclude', 'maybe')),
            reasons TEXT NOT NULL DEFAULT '[]',
            note TEXT,
            {_EVENT_COMMON}
        );
        CREATE INDEX decisions_record ON decisions(record_key, stage);
        CREATE TABLE labels (
            id INTEGER PRIMARY KEY,
            record_key TEXT NOT NULL,
            label TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('add', 'remove')),
            {_EVENT_COMMON}
        );
        CREATE INDEX labels_record ON labels(record_key);
        -- Full-text reports: attached (a path or URL), or sought but not retrieved.
        CREATE TABLE fulltexts (
            id INTEGER PRIMARY KEY,
            record_key TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('attached', 'not_retrieved', 'detached')),
            location TEXT,
            note TEXT,
            {_EVENT_COMMON}
        );
        CREATE INDEX fulltexts_record ON fulltexts(record_key);
        -- Reports (records) that describe one study; PRISMA counts both.
        CREATE TABLE study_links (
            id INTEGER PRIMARY KEY,
            record_key TEXT NOT NULL,
            study_key TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('link', 'unlink')),
            {_EVENT_COMMON}
        );
        CREATE INDEX study_links_record ON study_links(record_key);
        CREATE INDEX study_links_study ON study_links(study_key);
        -- Duplicate groups: a record (by uid) joins or leaves a group, by a
        -- rule (automatic) or by a reviewer.
        CREATE TABLE dedup_events (
            id INTEGER PRIMARY KEY,
            group_key TEXT NOT NULL,
            record_uid TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('merge', 'unmerge', 'distinct')),
            rule TEXT,
            score REAL,
            {_EVENT_COMMON}
        );
        CREATE INDEX dedup_events_record ON dedup_events(record_uid);
        CREATE INDEX dedup_events_group ON dedup_events(group_key);
        -- Extraction form values per study; `instance` names the repeat
        -- (an arm, or outcome × timepoint × comparison), '' for study level.
        CREATE TABLE extraction_values (
            id INTEGER PRIMARY KEY,
            study_key TEXT NOT NULL,
            field TEXT NOT NULL,
            instance TEXT NOT NULL DEFAULT '',
            value TEXT,
            {_EVENT_COMMON}
        );
        CREATE INDEX extraction_values_study ON extraction_values(study_key, field, instance);
        -- Risk-of-bias answers per study (RoB 2: per result): signalling
        -- questions, domain judgements and the overall judgement.
        CREATE TABLE rob_answers (
            id INTEGER PRIMARY KEY,
            study_key TEXT NOT NULL,
            result TEXT NOT NULL DEFAULT '',
            tool TEXT NOT NULL,
            domain TEXT NOT NULL,
            item TEXT NOT NULL,
            value TEXT,
            note TEXT,
            {_EVENT_COMMON}
        );
        CREATE INDEX rob_answers_study ON rob_answers(study_key, result);
        """
    )
    for table in _M001_EVENT_TABLES:
        _refuse_changes(db, table)


@MIGRATIONS()
def m002_notes(db: Database) -> None:
    """Reviewers' notes on a record at a stage, kept apart from decisions so a
    note written before deciding (or without deciding) is never lost."""
    db.executescript(
        f"""
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            record_key TEXT NOT NULL,
            stage TEXT NOT NULL CHECK (stage IN ('title_abstract', 'full_text')),
            text TEXT NOT NULL,
            {_EVENT_COMMON}
        );
        CREATE INDEX notes_record ON notes(record_key, stage);
        """
    )
    _refuse_changes(db, "notes")


def _refuse_changes(db: Database, table: str) -> None:
    """Triggers that make an event table append-only."""
    for verb in ("UPDATE", "DELETE"):
        db.execute(
            f"""
            CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
            BEGIN
                SELECT RAISE(ABORT, '{table} is append-only: record a newer event instead');
            END
            """
        )


@MIGRATIONS()
def m002_dedup(db: Database) -> None:
    """Probable duplicate pairs found by `review dedupe`, awaiting a reviewer.

    Derived data, not an event table: each pair is resolved by a later
    `dedup_events` row (a merge of both records, or `distinct`), so merging
    two reviewers' files needs only their events.
    """
    db.executescript(
        """
        CREATE TABLE dedup_pairs (
            id INTEGER PRIMARY KEY,
            uid_a TEXT NOT NULL,
            uid_b TEXT NOT NULL,
            score REAL NOT NULL,
            reason TEXT NOT NULL,
            evidence TEXT NOT NULL,
            found_at TEXT NOT NULL,
            UNIQUE (uid_a, uid_b)
        );
        """
    )


@MIGRATIONS()
def m003_event_order(db: Database) -> None:
    """Events are replayed by (created_at, uid), and each new stamp is read
    off the newest one in the file: an index per event table serves both."""
    for table in _M003_EVENT_TABLES:
        db.execute(f"CREATE INDEX {table}_order ON {table}(created_at, uid)")


@MIGRATIONS()
def m004_entities(db: Database) -> None:
    """Things that repeat within a study (arms, outcomes, timepoints,
    comparisons, results), created by events with a stable `entity_id`.

    Extraction values (`instance`) and RoB 2 answers (`result`) point at the
    id, so a rename is one newer event and never rewrites a value. Later
    events name the entity's id and repeat its study and kind, so a study's
    events are read through one index. `attrs` is a JSON object: on `create`
    the first attributes, on `set` only those that change (null clears one).
    """
    db.executescript(
        f"""
        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            entity_id TEXT NOT NULL,
            study_key TEXT NOT NULL,
            kind TEXT NOT NULL
                CHECK (kind IN ('arm', 'outcome', 'timepoint', 'comparison', 'result')),
            action TEXT NOT NULL
                CHECK (action IN ('create', 'rename', 'remove', 'restore', 'set')),
            name TEXT,
            attrs TEXT NOT NULL DEFAULT '{{}}',
            {_EVENT_COMMON}
        );
        CREATE INDEX entities_study ON entities(study_key);
        CREATE INDEX entities_entity ON entities(entity_id);
        CREATE INDEX entities_order ON entities(created_at, uid);
        """
    )
    _refuse_changes(db, "entities")


@MIGRATIONS()
def m005_extraction(db: Database) -> None:
    """Extraction values carry a source note (page, table, figure, quote) and a
    kind: 'value' is one extractor's entry, 'agreed' the consensus of dual
    extraction. `extraction_status` records a study's form marked complete by
    an extractor, or reopened; the newest event per study and extractor wins."""
    db.executescript(
        f"""
        ALTER TABLE extraction_values ADD COLUMN source TEXT;
        ALTER TABLE extraction_values ADD COLUMN kind TEXT NOT NULL DEFAULT 'value'
            CHECK (kind IN ('value', 'agreed'));
        CREATE TABLE extraction_status (
            id INTEGER PRIMARY KEY,
            study_key TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('complete', 'reopened')),
            note TEXT,
            {_EVENT_COMMON}
        );
        CREATE INDEX extraction_status_study ON extraction_status(study_key);
        CREATE INDEX extraction_status_order ON extraction_status(created_at, uid);
        """
    )
    _refuse_changes(db, "extraction_status")


@MIGRATIONS()
def m006_rob(db: Database) -> None:
    """Risk-of-bias events say what they set (`kind`: a signalling question's
    answer, a domain or overall judgement, or the tool variant chosen), carry
    the answer's support (quote + page) and a judgement's predicted direction
    of bias, name the variant a variant-specific item was answered under
    (RoB 2's two domain 2s share item numbers), and `agreed` marks the
    consensus of dual assessment, whoever records it. The justification of a
    judgement is `note`. m003 already indexes rob_answers(created_at, uid)."""
    db.executescript(
        """
        ALTER TABLE rob_answers ADD COLUMN support TEXT;
        ALTER TABLE rob_answers ADD COLUMN kind TEXT NOT NULL DEFAULT 'answer'
            CHECK (kind IN ('answer', 'judgement', 'variant'));
        ALTER TABLE rob_answers ADD COLUMN variant TEXT NOT NULL DEFAULT '';
        ALTER TABLE rob_answers ADD COLUMN direction TEXT;
        ALTER TABLE rob_answers ADD COLUMN agreed INTEGER NOT NULL DEFAULT 0
            CHECK (agreed IN (0, 1));
        """
    )


@MIGRATIONS()
def m007_decision_origin(db: Database) -> None:
    """A decision brought in from elsewhere (`review decisions import`) says so:
    `origin` names the file, its row and hash, and who imported it. NULL for
    decisions made in this tool; merges copy it like any other column."""
    db.execute("ALTER TABLE decisions ADD COLUMN origin TEXT")


@MIGRATIONS()
def m008_prioritisation(db: Database) -> None:
    """Prioritised screening, for the methods section: a reviewer turned the
    ranking on (`start`, with the model, its settings and seed) or off, or
    chose to stop screening (`stop`, with the stopping rule's figures at that
    point). `settings` and `figures` are JSON objects."""
    db.executescript(
        f"""
        CREATE TABLE prioritisation (
            id INTEGER PRIMARY KEY,
            stage TEXT NOT NULL CHECK (stage IN ('title_abstract', 'full_text')),
            action TEXT NOT NULL CHECK (action IN ('start', 'off', 'stop')),
            settings TEXT NOT NULL DEFAULT '{{}}',
            figures TEXT NOT NULL DEFAULT '{{}}',
            {_EVENT_COMMON}
        );
        CREATE INDEX prioritisation_order ON prioritisation(created_at, uid);
        """
    )
    _refuse_changes(db, "prioritisation")


@MIGRATIONS()
def m009_staged_imports(db: Database) -> None:
    """Imports are written in short transactions and shown only once whole.

    An import used to be one write transaction for its whole length, so a
    decision pressed meanwhile waited on the lock and failed. Now its rows go
    into the tables in batches while a `pending_imports` row marks its source
    unfinished; publishing deletes that row. Readers keep reading `sources`,
    `records` and `record_warnings`, which become views that leave out every
    pending import, so nobody ever sees half an import; writers (imports
    only) use the `*_all` tables. A pending import whose process is gone is
    deleted by the next `Store.open`. Later migrations alter the `*_all`
    tables (a view has no ALTER). The warnings' filter walks from the few
    pending sources (CROSS JOIN fixes that order), never the whole index.
    """
    db.executescript(
        """
        ALTER TABLE sources RENAME TO sources_all;
        ALTER TABLE records RENAME TO records_all;
        ALTER TABLE record_warnings RENAME TO record_warnings_all;
        CREATE TABLE pending_imports (
            source_id INTEGER PRIMARY KEY REFERENCES sources_all(id),
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            token TEXT NOT NULL,
            started_at TEXT NOT NULL,
            heartbeat TEXT NOT NULL
        );
        CREATE VIEW sources AS
            SELECT * FROM sources_all
            WHERE id NOT IN (SELECT source_id FROM pending_imports);
        CREATE VIEW records AS
            SELECT * FROM records_all
            WHERE source_id NOT IN (SELECT source_id FROM pending_imports);
        CREATE VIEW record_warnings AS
            SELECT * FROM record_warnings_all
            WHERE record_id NOT IN (
                SELECT r.id FROM pending_imports p
                CROSS JOIN records_all r ON r.source_id = p.source_id
            );
        """
    )


@MIGRATIONS()
def m010_dedup_pair_weight(db: Database) -> None:
    """Each queued duplicate pair keeps its summed evidence weight, so the queue
    shows the strongest evidence first. Pairs queued before have none (NULL)
    and wait after the others, in their old order."""
    db.execute("ALTER TABLE dedup_pairs ADD COLUMN weight REAL")


@MIGRATIONS()
def m011_dedup_batch(db: Database) -> None:
    """A reviewer's merge names the action its events belong to (`batch`), so
    undoing it finds every record it moved and puts each back where it was.
    Events stored before have none: their merges are taken apart as before."""
    db.execute("ALTER TABLE dedup_events ADD COLUMN batch TEXT")

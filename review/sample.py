"""The sample review that ships with the code: the seeds under the sample protocol.

A newcomer's first command opens the TUI on it, so it must build from a
clean clone with nothing else present.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from review.ingest import ImportOptions, import_paths
from review.models import OtherMethod, SourceKind
from review.review_file import create_review
from review.store import Store, utc_now

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT_ROOT / "seeds"
SAMPLE_PROTOCOL = PROJECT_ROOT / "protocols" / "rt-io-head-neck.yaml"
SAMPLE_NAME = "sample-review.db"


def build_sample(
    path: Path,
    *,
    seeds: Path = SEEDS,
    protocol: Path = SAMPLE_PROTOCOL,
    now: Callable[[], str] = utc_now,
) -> Store:
    """Create the sample review at `path` and return it open."""
    store = create_review(path, protocol, now=now)
    try:
        options = ImportOptions(
            kind=SourceKind.OTHER,
            method=OtherMethod.WEBSITE,
            source_name="Web search",
        )
        import_paths(store, [seeds], options)
    except BaseException:
        store.close()
        path.unlink(missing_ok=True)
        raise
    return store


def open_or_build_sample(path: Path) -> Store:
    """The sample review at `path`, built on first use."""
    return Store.open(path) if path.exists() else build_sample(path)

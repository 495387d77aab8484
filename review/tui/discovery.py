"""Find the review files in a folder without touching any other SQLite file."""

from __future__ import annotations

from pathlib import Path

from review.errors import ReviewError
from review.review_file import open_review
from review.store import Store


def review_files(folder: Path) -> list[Path]:
    """The `*.db` files in `folder` that open as review files, sorted by name."""
    return [p for p in sorted(folder.glob("*.db")) if Store.is_review_file(p) and _opens(p)]


def _opens(path: Path) -> bool:
    try:
        open_review(path).close()
    except ReviewError:
        return False
    return True

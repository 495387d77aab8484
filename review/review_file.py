"""Create and open review files together with their protocol."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from review.errors import StoreError, TargetExistsError
from review.store import Store, utc_now

if TYPE_CHECKING:
    from review.protocol.models import Protocol


def create_review(path: Path, protocol_path: Path, *, now: Callable[[], str] = utc_now) -> Store:
    """A new review file under a protocol that has been checked first.

    The protocol is validated before the file is created, so a bad protocol
    leaves nothing behind.
    """
    from review.protocol.loader import load_protocol

    loaded = load_protocol(protocol_path)
    if path.exists():
        raise TargetExistsError(
            "a file already exists here",
            path=path,
            hint=f"choose another name, or open it: `review {path}`",
        )
    store = Store.create(path, now=now)
    try:
        store.save_protocol(path=str(protocol_path), text=loaded.text, hash=loaded.hash)
    except BaseException:
        store.close()
        path.unlink(missing_ok=True)
        raise
    return store


def open_review(path: Path) -> Store:
    return Store.open(path)


def review_title(store: Store) -> str:
    """The protocol's `review.title`, else the file name: what headers show.

    Read leniently from the stored text so a title shows even for a review
    whose protocol a newer version would reject.
    """
    protocol = store.protocol_text()
    if protocol is not None:
        try:
            data = yaml.load(protocol[1], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            data = None
        review = data.get("review") if isinstance(data, dict) else None
        title = review.get("title") if isinstance(review, dict) else None
        if isinstance(title, str) and title.strip():
            return title.strip()
    return store.path.name


def review_protocol(store: Store) -> Protocol:
    """The protocol kept in the review file, checked as strictly as on `init`."""
    from review.protocol.loader import parse_protocol

    stored = store.protocol_text()
    if stored is None:
        raise StoreError(
            "this review file has no protocol",
            path=store.path,
            hint="create reviews with `review init FILE --protocol PROTOCOL`",
        )
    path, text, _ = stored
    return parse_protocol(text, path=path).protocol

"""Create and open review files together with their protocol."""

from __future__ import annotations

from pathlib import Path

from review.errors import StoreError
from review.store import Store


def create_review(path: Path, protocol_path: Path) -> Store:
    """A new review file under a protocol that has been checked first.

    The protocol is validated before the file is created, so a bad protocol
    leaves nothing behind.
    """
    from review.protocol import load_protocol

    loaded = load_protocol(protocol_path)
    if path.exists():
        raise StoreError(
            "a file already exists here",
            path=path,
            hint="choose another name, or open it with `review status`",
        )
    store = Store.create(path)
    try:
        store.save_protocol(path=str(protocol_path), text=loaded.text, hash=loaded.hash)
    except BaseException:
        store.close()
        path.unlink(missing_ok=True)
        raise
    return store


def open_review(path: Path) -> Store:
    return Store.open(path)

"""Detect review files in places where SQLite corrupts: network and synced folders."""

from __future__ import annotations

from pathlib import Path

_SYNCED = (
    "dropbox",
    "onedrive",
    "google drive",
    "googledrive",
    "icloud",
    "mobile documents",
    "box sync",
    "nextcloud",
    "owncloud",
    "pcloud",
    "sync.com",
)
_NETWORK_FS = {
    "nfs",
    "nfs4",
    "cifs",
    "smbfs",
    "smb3",
    "afpfs",
    "9p",
    "fuse.sshfs",
    "fuse.rclone",
    "fuse.gcsfuse",
    "davfs",
    "fuse.davfs2",
}


def risky_location(path: Path) -> str | None:
    """A warning when `path` is on a network filesystem or in a cloud-synced folder.

    SQLite's locking is unreliable there (WAL needs shared memory on one
    host) and sync clients copy half-written files: both corrupt reviews.
    """
    resolved = path.resolve()
    lowered = str(resolved).casefold()
    for name in _SYNCED:
        if name in lowered:
            return (
                f"{resolved} looks like a cloud-synced folder ({name}); SQLite files there "
                "can be corrupted by the sync client: keep the review file on a local disk; "
                "give each reviewer a copy (`review copy`) and combine them with `review merge`"
            )
    fs = _filesystem_type(resolved)
    if fs in _NETWORK_FS:
        return (
            f"{resolved} is on a network filesystem ({fs}); SQLite locking is unreliable "
            "there: keep the review file on a local disk"
        )
    return None


def _filesystem_type(path: Path) -> str | None:
    """The mount type of the longest /proc/mounts entry containing `path` (Linux only)."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    best, best_type = "", None
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3:
            mount = parts[1].replace("\\040", " ")
            if str(path).startswith(mount) and len(mount) > len(best):
                best, best_type = mount, parts[2]
    return best_type

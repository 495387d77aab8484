"""Files written through a temporary file keep the mode a plain write gives.

`tempfile.mkstemp` makes files only their owner can read (0600): renamed into
place as they are, a colleague sharing the export folder could not open the
CSV, SVG or spreadsheet. A file that replaces another takes its mode; a new
one gets 0644, as a plain `open()` gives under the usual umask.
"""

from __future__ import annotations

from pathlib import Path


def give_usual_mode(temp: Path, target: Path) -> None:
    """Before `os.replace(temp, target)`: the replaced file's mode, else 0644."""
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    temp.chmod(mode)

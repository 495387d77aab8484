"""Killing the app mid-screening loses nothing it showed as saved.

The app runs in a child process, driven by key presses; after each
decision it prints the id of the event the screen just showed as saved.
The parent kills it with SIGKILL part-way and reopens the file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from review.store import Store
from tests.conftest import ROOT

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from review.models import Stage
    from review.store import Store
    from review.tui.app import ReviewApp

    async def drive(pilot):
        await pilot.pause()
        screen = pilot.app.screen
        for n in range(300):  # one decision per record; the parent kills long before
            await pilot.press("iem"[n % 3])
            if n % 3 == 1:
                await pilot.press("1")  # the exclusion's reason
            await pilot.pause()
            print(screen.session.state.last_event_id, flush=True)

    app = ReviewApp(Store.open(Path(sys.argv[1])), reviewer=sys.argv[2],
                    screening=Stage.TITLE_ABSTRACT)
    app.run(headless=True, size=(120, 40), auto_pilot=drive)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_loses_no_decision_shown_as_saved(tmp_path: Path) -> None:
    from tests.tui.conftest import _record, _source

    path = tmp_path / "kill.db"
    with Store.create(path) as store:
        store.imports.add(_source("big.ris"), [_record(i) for i in range(1, 301)])
        store.save_protocol(
            path="protocol.yaml",
            text=(ROOT / "protocols" / "rt-io-head-neck.yaml").read_text(encoding="utf-8"),
            hash="h",
        )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), "ann"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    shown_saved: list[int] = []
    try:
        while len(shown_saved) < 40:
            line = child.stdout.readline()
            if not line:
                break
            shown_saved.append(int(line))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert len(shown_saved) == 40, child.stderr.read() if child.stderr else ""
    assert child.returncode == -signal.SIGKILL
    with Store.open(path) as fresh:
        assert fresh.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {event.id for event in fresh.screening.decisions()}
        assert set(shown_saved) <= stored
        assert len(stored) >= 40

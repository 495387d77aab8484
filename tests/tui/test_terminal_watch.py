"""The app quits when its terminal goes away, even when it never gets the
SIGHUP (run under `make run` it did not, and spun at 93% CPU for as long as
the machine ran, holding the review file open)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from review.sample import build_sample
from review.tui.terminal_watch import HANGUP_EXIT

pty = pytest.importorskip("pty")
termios = pytest.importorskip("termios")
fcntl = pytest.importorskip("fcntl")


def test_the_app_quits_when_its_terminal_hangs_up_without_a_sighup(tmp_path: Path) -> None:
    review = tmp_path / "s.db"
    build_sample(review).close()
    master, terminal = pty.openpty()

    def on_the_terminal() -> None:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # a wrapper that never passes it on
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    app = subprocess.Popen(
        [sys.executable, "-c", "import sys; from review.entry import main; main(sys.argv[1:])",
         str(review)],
        stdin=terminal, stdout=terminal, stderr=terminal, preexec_fn=on_the_terminal,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"},
    )  # fmt: skip
    os.close(terminal)
    shown = b""
    started = time.monotonic()
    while b"Sources and imports" not in shown and time.monotonic() - started < 60:
        shown += os.read(master, 65_536)  # the home drawn: the app is running
    os.close(master)  # the terminal window closes
    try:
        code = app.wait(timeout=30)
    finally:
        app.kill()
    assert b"Sources and imports" in shown
    assert code == HANGUP_EXIT

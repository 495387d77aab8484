"""review.xlsx read by R as a meta-analyst would: `readxl::read_excel` then
`metafor::escalc` and `rma` on each measure, without renaming or recoding a
column, against the same data entered in R by hand from metadat's tables.

Skips when Rscript, metafor or readxl is missing, unless REVIEW_REQUIRE_R=1
(CI sets it, after `.ci/run` installs them), when it fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from review.exports import export_review
from review.store import Store
from tests.conftest import FIXTURES
from tests.export_helpers import HACKSHAW_ROWS, METADAT, build_meta_review

SCRIPT = FIXTURES / "r" / "pool_outcomes.R"
KNOWN_BCG_RR = (-0.7145, 0.1798, 0.3132)
"""metafor's documented REML result for dat.bcg as log RR: estimate, SE, tau²."""


def _rscript() -> str:
    found = shutil.which("Rscript")
    missing = None
    if found is None:
        missing = "Rscript is not installed"
    else:
        probe = subprocess.run(
            [found, "-e", "library(metafor); library(readxl)"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode != 0:
            missing = "R lacks metafor or readxl"
    if missing:
        if os.environ.get("REVIEW_REQUIRE_R") == "1":
            pytest.fail(f"{missing}, and REVIEW_REQUIRE_R=1 says this test must run")
        pytest.skip(f"{missing} (apt-get install r-base-core r-cran-metafor r-cran-readxl)")
    assert found is not None
    return found


def test_outcomes_pool_in_metafor_as_the_data_entered_by_hand(tmp_path: Path) -> None:
    rscript = _rscript()
    path = build_meta_review(tmp_path / "meta.db")
    with Store.open(path) as store:
        result = export_review(store, tmp_path / "out")
    workbook = result.files[0].path
    run = subprocess.run(
        [rscript, str(SCRIPT), str(workbook), str(METADAT), str(HACKSHAW_ROWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = {line.split()[0]: line.split()[1:] for line in run.stdout.splitlines() if line}
    for measure in ("RR", "OR", "MD", "PLO", "HR"):
        exported, _, by_hand = " ".join(lines[measure]).partition(" | ")
        got = [float(v) for v in exported.split()]
        want = [float(v) for v in by_hand.split()]
        assert got[3] == want[3]  # studies pooled
        assert got[:3] == pytest.approx(want[:3], abs=1e-6), measure
    rr = [float(v) for v in lines["RR"][:3]]
    assert rr == pytest.approx(KNOWN_BCG_RR, abs=1e-4)
    assert lines["numeric"] == ["TRUE"]
    assert lines["designs"] == ["HR,MD,PLO,RR"]  # the case report's row is left out

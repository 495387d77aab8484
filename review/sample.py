"""The sample review that ships with the code: the seeds under the sample protocol.

A newcomer's first command opens the TUI on it, so it must build from a
clean clone with nothing else present.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from review.extraction.session import ExtractionSession
from review.ingest import ImportOptions, import_paths
from review.models import OtherMethod, SourceKind, Stage
from review.protocol.models import Protocol
from review.review_file import create_review, review_protocol
from review.rob.session import RobSession
from review.store import Store, utc_now

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGED = Path(__file__).resolve().parent / "_sample"
"""Where an installed wheel holds `seeds/` and `protocols/` (pyproject's
force-include); a clone or an editable install reads them at the top level."""


def _shipped(name: str) -> Path:
    return PACKAGED / name if (PACKAGED / name).is_dir() else PROJECT_ROOT / name


SEEDS = _shipped("seeds")
SAMPLE_PROTOCOL = _shipped("protocols") / "rt-io-head-neck.yaml"
SAMPLE_NAME = "sample-review.db"


def build_sample(
    path: Path,
    *,
    seeds: Path = SEEDS,
    protocol: Path = SAMPLE_PROTOCOL,
    now: Callable[[], str] = utc_now,
    screened: bool = True,
) -> Store:
    """Create the sample review at `path` and return it open. `screened` adds
    the sample screeners' decisions and partly filled forms (the seeds only)."""
    store = create_review(path, protocol, now=now)
    try:
        options = ImportOptions(
            kind=SourceKind.OTHER,
            method=OtherMethod.WEBSITE,
            source_name="Web search",
        )
        import_paths(store, [seeds], options)
        if screened and seeds == SEEDS:
            _screen_and_extract(store)
    except BaseException:
        store.close()
        path.unlink(missing_ok=True)
        raise
    return store


def open_or_build_sample(path: Path) -> Store:
    """The sample review at `path`, built on first use."""
    return Store.open(path) if path.exists() else build_sample(path)


SAMPLE_REVIEWERS = ("kim", "lee")
"""The sample's two screeners and its extractor (kim); the names a newcomer
picks (ann, bob, …) still have records to screen."""
SAMPLE_SOURCE = "sample: illustrative value, not read from the report"
_SINTILIMAB = "tya:d309c0c4181834ca188c"
_DISSOCIATED = "doi:10.3389/fimmu.2024.1460480"
_NOT_STARTED = "doi:10.1259/bjr.20220548"
INCLUDED = (_DISSOCIATED, _SINTILIMAB, _NOT_STARTED)
"""Included at both stages by both sample screeners; the other two seeds
stay undecided so the screening queue is not empty."""


def _screen_and_extract(store: Store) -> None:
    """Decisions and partly filled forms, so extraction shows data at once."""
    for key in INCLUDED:
        for stage in Stage:
            for who in SAMPLE_REVIEWERS:
                store.screening.record_decision(key, stage, "include", reviewer=who)
    protocol = review_protocol(store)
    kim = SAMPLE_REVIEWERS[0]
    trial = ExtractionSession(store, protocol, kim, _SINTILIMAB, included=INCLUDED)
    for field, value in (
        ("study.study_design", "non_randomised_trial"),
        ("study.setting", "recurrent_metastatic"),
        ("study.tumour_sites", "nasopharynx"),
        ("study.centres", "multicentre"),
    ):
        trial.set_value(field, "", value, SAMPLE_SOURCE)
    arm = trial.add_row("arms.arm", "Sintilimab + RT")
    for field, value in (
        ("arms.arm.role", "single arm"),
        ("arms.arm.ici_drug", "sintilimab"),
        ("arms.arm.rt_technique", "imrt_vmat"),
        ("arms.arm.rt_dose_gy", "60"),
        ("arms.arm.rt_fractions", "30"),
    ):
        trial.set_value(field, arm, value, SAMPLE_SOURCE)
    result = trial.add_row("results.result", "ORR · end of treatment · single arm")
    for field, value in (
        ("results.result.outcome", "orr"),
        ("results.result.timepoint", "end of treatment"),
        ("results.result.comparison", "single arm"),
        ("results.result.events_single", "18"),
        ("results.result.total_single", "24"),
    ):
        trial.set_value(field, result, value, SAMPLE_SOURCE)
    cohort = ExtractionSession(store, protocol, kim, _DISSOCIATED, included=INCLUDED)
    cohort.set_value("study.study_design", "", "cohort", SAMPLE_SOURCE)
    cohort.set_value("study.setting", "", "recurrent_metastatic", SAMPLE_SOURCE)
    _appraise(store, protocol, kim)


def _appraise(store: Store, protocol: Protocol, reviewer: str) -> None:
    """A partly done ROBINS-I assessment of the cohort: confounding answered and
    judged with the suggestion, selection begun, so the summary shows data."""
    session = RobSession(store, protocol, reviewer, _DISSOCIATED, included=INCLUDED)
    for item, value in (("1.1", "Y"), ("1.2", "N"), ("1.4", "PN"), ("1.6", "N"), ("2.1", "N")):
        session.answer(item, value, SAMPLE_SOURCE)
    session.confirm("D1")

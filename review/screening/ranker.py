"""Retraining off the UI's process: a one-worker process pool that builds a
review's TF-IDF features once and then, per request, fits the classifier on
the reviewer's decisions and ranks every record.

A process, not a thread: tokenising and fitting hold Python's lock for
seconds at 100k records, and a thread doing that would make every key press
wait its turn. The worker opens the review file itself (read only), so
nothing but the labels crosses over per retrain, and only the order and the
scores come back.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import warnings
from array import array
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from review.prioritise.model import ModelSettings, build_features, relevance
from review.prioritise.order import ranked_order

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix


@dataclass(frozen=True)
class RankRequest:
    """What one retrain needs."""

    path: Path
    record_ids: tuple[int, ...] = field(repr=False)
    """Per unit position, the record whose text stands for the unit."""
    labels: dict[int, int] = field(repr=False)
    """Unit position → 1 relevant (include, maybe, known relevant), 0 excluded."""
    settings: ModelSettings


@dataclass(frozen=True)
class Ranking:
    """A retrain's result: the queue order and each unit's predicted relevance.

    Arrays, not lists: the answer crosses from the worker as three blocks of
    bytes (a list of 100k ints unpickles in ~10 ms on the UI's process, an
    array in well under one), and dropping the previous ranking frees three
    blocks rather than 300k objects. The UI only swaps the order in.
    """

    order: array[int] = field(repr=False)
    """Unit positions: undecided ones by relevance (warm-up: seeded random), then decided."""
    rank: array[int] = field(repr=False)
    """Unit position → its index in `order`."""
    scores: array[float] | None = field(repr=False)
    """Unit position → predicted relevance; None during the warm-up."""
    decisions: int
    """Labels the model learned from."""
    seconds: float


_FEATURES: dict[tuple[Any, ...], Any] = {}
"""The worker's features, per review file and unit list: built once."""


def rank(request: RankRequest) -> Ranking:
    """Train on the labels and rank every unit (runs in the worker)."""
    started = time.perf_counter()
    scores = relevance(_features(request), request.labels, request.settings)
    return make_ranking(
        len(request.record_ids),
        request.labels,
        None if scores is None else scores.tolist(),
        request.settings.seed,
        started,
    )


def make_ranking(
    units: int, labels: dict[int, int], scores: list[float] | None, seed: int, started: float
) -> Ranking:
    """Undecided units by score (no scores: the seeded warm-up order), then decided ones."""
    undecided = [p for p in range(units) if p not in labels]
    if scores is None:
        order = ranked_order(undecided, None, seed)
    else:
        import numpy as np

        order = ranked_order(undecided, np.asarray(scores), seed)
    order += sorted(labels)
    where = array("q", bytes(8 * units))
    for index, position in enumerate(order):
        where[position] = index
    relevance = None if scores is None else array("d", scores)
    return Ranking(array("q", order), where, relevance, len(labels), time.perf_counter() - started)


def _features(request: RankRequest) -> csr_matrix:
    settings = request.settings
    features = (
        settings.ngram_max, settings.min_df, settings.max_df, settings.sublinear_tf,
        settings.title_weight, settings.keywords,
    )  # fmt: skip
    key = (request.path, len(request.record_ids), hash(request.record_ids), features)
    if key not in _FEATURES:
        from review.store import Store

        with Store.open(request.path) as store:
            texts = store.records.ranking_texts()
        blank: tuple[None, None, list[str]] = (None, None, [])
        rows = [settings.text(*texts.get(rid, blank)) for rid in request.record_ids]
        _FEATURES.clear()
        _FEATURES[key] = build_features(rows, settings)
    return _FEATURES[key]


class RankingPool:
    """One worker process, started on first use and reused for every retrain."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, request: RankRequest) -> Future[Ranking]:
        with _stderr_with_a_descriptor():
            if self._pool is None:
                # spawn: forking a process that runs a UI (threads, a terminal) is unsafe.
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=context, initializer=_quiet_worker
                )
            return self._pool.submit(rank, request)

    def shutdown(self) -> None:
        """Stop the worker now, even mid-retrain: quitting must not wait for a model."""
        if self._pool is None:
            return
        processes = dict(getattr(self._pool, "_processes", None) or {})
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes.values():
            process.terminate()
        self._pool = None


def _quiet_worker() -> None:
    """The worker shares the terminal a TUI draws on: nothing it prints may reach
    it; and it yields the CPU to the UI (nice 10) where they share cores."""
    with suppress(OSError):
        os.nice(10)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    warnings.simplefilter("ignore")


@contextmanager
def _stderr_with_a_descriptor() -> Iterator[None]:
    """Starting a process hands it sys.stderr's file descriptor; a TUI (and
    pytest) replace sys.stderr with an object that has none."""
    try:
        usable = sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable or sys.__stderr__ is None:
        yield
        return
    held, sys.stderr = sys.stderr, sys.__stderr__
    try:
        yield
    finally:
        sys.stderr = held

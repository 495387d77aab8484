"""A Fellegi–Sunter model: how much each field's comparison says for or against a pair.

Each field of a pair's `Evidence` falls in one *level* (title `exact`,
`≥95 %`, …; journal `same`, `compatible`, `different`, `missing`). On
labelled sets, `m` is how often a level occurs among true duplicate pairs and
`u` among candidate pairs that are not duplicates; the level's weight is
log2(m / u), in bits: positive is evidence for one paper, negative against.
A pair's total is the sum over fields. Two cut-offs read the total: at or
above `certain_at` the pair is merged (unless a hard conflict rule vetoes it),
at or above `ask_at` a reviewer is asked, below it the records are distinct.

`benchmarks/dedup_fit.py` fits the weights and cut-offs on the labelled sets
and writes `weights.json` beside this module, which the package ships.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from review.dedup.model import Evidence

FIELDS = ("title", "title_numbers", "title_kind", "first_author", "authors", "year", "journal",
          "volume", "issue", "pages", "doi", "pmid", "record_type")  # fmt: skip
"""The compared fields, in the order the evidence is shown."""
SMOOTHING = 0.5
"""Added to every level's count, so a level unseen in training weighs little, not infinitely."""


def levels(e: Evidence) -> dict[str, str]:
    """Each field's comparison level: the categories the weights are counted over."""
    if e.year_gap is None:
        year = "missing"
    else:
        year = "same" if e.year_gap == 0 else "1 apart" if e.year_gap == 1 else "further apart"
    return {
        "title": _band(e.title) if e.title else "missing",
        "title_numbers": e.title_numbers,
        "title_kind": e.title_kind,
        "first_author": e.first_author,
        "authors": _band(e.authors) if e.author_count else "missing",
        "year": year,
        "journal": e.journal,
        "volume": e.volume,
        "issue": e.issue,
        "pages": "adjacent" if e.pages == "different" and e.pages_touch else e.pages,
        "doi": e.doi,
        "pmid": e.pmid,
        "record_type": e.record_type,
    }


def _band(similarity: float) -> str:
    if similarity >= 1.0:
        return "exact"
    for floor in (0.95, 0.85, 0.7):
        if similarity >= floor:
            return f"≥{floor:.0%}"
    return "<70%"


@dataclass(frozen=True, slots=True)
class Weights:
    """Log-likelihood-ratio weights per field and level, and the two cut-offs.

    Frozen and made of tuples, so it can sit in `Thresholds` (hashable)."""

    table: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    certain_at: float
    """Totals at or above this merge a pair no rule made certain and no veto holds apart."""
    ask_at: float
    """Totals at or above this (and below `certain_at`) go to a reviewer."""
    fitted_on: tuple[str, ...] = ()
    """The labelled sets the weights were counted on."""

    def weight(self, field: str, level: str) -> float:
        return _lookup(self).get(field, {}).get(level, 0.0)

    def as_json(self) -> dict[str, Any]:
        return {
            "fitted_on": list(self.fitted_on),
            "certain_at": self.certain_at,
            "ask_at": self.ask_at,
            "weights": {name: dict(by_level) for name, by_level in self.table},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Weights:
        table = tuple(
            (name, tuple((str(level), float(w)) for level, w in by_level.items()))
            for name, by_level in data["weights"].items()
        )
        return cls(
            table,
            float(data["certain_at"]),
            float(data["ask_at"]),
            tuple(data.get("fitted_on", ())),
        )


@dataclass(frozen=True, slots=True)
class Explained:
    """One pair's evidence as the model reads it: (field, level, weight) and the sum."""

    parts: tuple[tuple[str, str, float], ...]
    total: float

    def as_text(self) -> str:
        """`title exact +6.2; pages different -3.1; … = 9.4`, for the report."""
        shown = "; ".join(f"{f} {lv} {w:+.1f}" for f, lv, w in self.parts if w)
        return f"{shown} = {self.total:+.1f}"


def explain(e: Evidence, weights: Weights) -> Explained:
    parts = tuple((f, level, round(weights.weight(f, level), 2)) for f, level in levels(e).items())
    return Explained(parts, round(sum(w for _, _, w in parts), 2))


def total(e: Evidence, weights: Weights) -> float:
    lookup = _lookup(weights)
    return sum(lookup.get(f, {}).get(level, 0.0) for f, level in levels(e).items())


@cache
def _lookup(weights: Weights) -> dict[str, dict[str, float]]:
    """field → level → weight, built once per model: every kept pair is weighed."""
    return {name: dict(by_level) for name, by_level in weights.table}


def fit(
    pairs: Iterable[tuple[Evidence, bool]], *, certain_at: float, ask_at: float,
    fitted_on: tuple[str, ...] = (),
) -> Weights:  # fmt: skip
    """Weights counted on labelled candidate pairs (evidence, is a true duplicate)."""
    seen: dict[str, tuple[Counter[str], Counter[str]]] = {f: (Counter(), Counter()) for f in FIELDS}
    n_match = n_other = 0
    for evidence, duplicate in pairs:
        n_match, n_other = n_match + duplicate, n_other + (not duplicate)
        for field, level in levels(evidence).items():
            seen[field][0 if duplicate else 1][level] += 1
    table = []
    for field in FIELDS:
        match, other = seen[field]
        known = sorted(set(match) | set(other))
        k = len(known) or 1
        by_level = tuple(
            (
                level,
                round(
                    math.log2(
                        ((match[level] + SMOOTHING) / (n_match + SMOOTHING * k))
                        / ((other[level] + SMOOTHING) / (n_other + SMOOTHING * k))
                    ),
                    3,
                ),
            )
            for level in known
        )
        table.append((field, by_level))
    return Weights(tuple(table), certain_at, ask_at, fitted_on)


WEIGHTS_FILE = "weights.json"


@cache
def shipped_weights() -> Weights:
    """The weights fitted on every labelled set (`benchmarks/dedup_fit.py`)."""
    text = resources.files("review.dedup").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    return Weights.from_json(json.loads(text))

"""Prioritised screening in words a methods section can cite (PRISMA 2020
item 8; RAISE asks for the tool, its version, settings and how it was used,
and how stopping was decided).

Built only from what the ledger recorded (`priority_ledger`), never from
the settings in force today, so a report written a year later still says
what was done. `review status` prints these sentences and the export's
Methods sheet holds them, one per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from review.prioritise.stopping import CITATION
from review.screening.priority_ledger import ReviewerPrioritisation
from review.wording import counted, plural

_DESCRIBED = {
    "model", "classifier", "c", "ratio", "ngram_max", "min_df", "max_df", "sublinear_tf", "seed",
    "title_weight", "keywords", "rescale_weights", "retrain_every",
    "retrain_after_relevant", "warm_up", "known_relevant", "learns_from", "library",
}  # fmt: skip
"""Settings the sentences spell out; any other is listed as it was recorded."""


@dataclass(frozen=True, slots=True)
class Statement:
    """One sentence of the methods, about one reviewer (or the review: None)."""

    topic: str
    reviewer: str | None
    text: str


def methods_statements(history: list[ReviewerPrioritisation]) -> list[Statement]:
    """Every reviewer's prioritised screening and stop, then the rule's reference;
    nothing at all when no one ever prioritised or stopped."""
    statements: list[Statement] = []
    for mine in history:
        statements += _reviewer(mine)
    if any(mine.stop is not None for mine in history):
        statements.append(Statement("Reference", None, f"Stopping rule: {CITATION}."))
    return statements


def _fields(settings: dict[str, Any]) -> str:
    """What the text was made of: 'title (counted twice), abstract and keywords'."""
    times = settings.get("title_weight", 1)
    counted = {2: "twice", 3: "three times"}.get(times, f"{times} times")
    title = "title" if times == 1 else f"title (counted {counted})"
    if settings.get("keywords", True):
        return f"{title}, abstract and keywords"
    return f"{title} and abstract"


def describe_model(settings: dict[str, Any]) -> str:
    """The model and its settings in a phrase: 'TF-IDF … and logistic regression (C = 0.3) …'."""
    name = settings.get("model")
    if name in ("tfidf-logistic", "tfidf-svm", "tfidf-svm+nb", "tfidf-svm+logistic"):
        grams = settings.get("ngram_max", 1)
        features = "single words" if grams == 1 else f"word n-grams of 1 to {grams} words"
        scaled = ", log-scaled term frequency" if settings.get("sublinear_tf") else ""
        common = settings.get("max_df", 1.0)
        cap = f", in at most {common:.0%} of records" if common < 1 else ""
        kind = "a logistic regression" if name == "tfidf-logistic" else "a linear SVM"
        ratio = settings.get("ratio")
        if ratio is None or ratio == 1:  # the first release recorded no ratio: balanced
            weights = f"{kind} with balanced class weights (C = {settings.get('c')})"
        else:
            weights = (
                f"{kind} (C = {settings.get('c')}) with the relevant records weighted "
                f"{ratio:g} to 1 against the irrelevant ones"
            )
        if settings.get("rescale_weights") is False:
            weights += " (class weights not rescaled to the number of records)"
        if name == "tfidf-svm+nb":
            weights += ", its ranking averaged with a multinomial naive Bayes's (equally weighted)"
        if name == "tfidf-svm+logistic":
            weights += (
                ", its ranking averaged with a logistic regression's (the same C and weights, "
                "equally weighted)"
            )
        text = (
            f"TF-IDF features of {_fields(settings)} ({features}, terms in at least "
            f"{counted(settings.get('min_df', 1), 'record')}{cap}{scaled}) and {weights}"
        )
    else:
        text = str(name or "an unnamed model")
    parts = [text, f"model id {name}"] if name else [text]
    if "seed" in settings:
        parts.append(f"random seed {settings['seed']}")
    if "library" in settings:
        parts.append(str(settings["library"]))
    others = [f"{key} {value}" for key, value in sorted(settings.items()) if key not in _DESCRIBED]
    if others:
        parts.append("other settings: " + ", ".join(others))
    return "; ".join(parts)


def when(stamp: str) -> str:
    """A ledger stamp as a methods section would write it: 2026-12-06 08:01 UTC."""
    return stamp[:16].replace("T", " ") + " UTC"


def _reviewer(mine: ReviewerPrioritisation) -> list[Statement]:
    who, stage = mine.reviewer, mine.stage.value.replace("_", "/")
    out: list[Statement] = []
    settings = mine.settings
    if settings is not None:
        periods = _periods(mine.periods)
        out.append(Statement(
            "Prioritised screening", who,
            f"{who} screened {stage} records in order of predicted relevance (prioritised "
            f"screening), {periods}.",
        ))  # fmt: skip
        version = f", as run by review {mine.app_version}" if mine.app_version else ""
        out.append(Statement("Model", who, f"Model: {describe_model(settings)}{version}."))
        out.append(Statement("Warm-up", who, _warm_up(who, settings)))
        if "retrain_every" in settings:
            every = settings["retrain_every"]
            schedule = (
                "after every decision (one retrain at a time; decisions made during one went "
                "into the next)"
                if every == 1
                else f"after every include or maybe and after every {every} decisions"
            )
            out.append(Statement(
                "Retraining", who,
                f"The model was retrained in a background process {schedule}, learning from "
                f"{who}'s own decisions only (never another reviewer's, so dual screening stayed "
                f"blind); each new order applied from the next record on.",
            ))  # fmt: skip
    if mine.stop is not None:
        out += _stop(who, mine.stop.at, mine.stop.figures, mine.stop.settings)
    later = mine.after_stop
    if later is not None:
        out.append(Statement(
            "After the stop", who,
            f"{who} went on screening after that stop: {later.screened:,} more "
            f"{plural(later.screened, 'record')} up to {when(later.last)}, with "
            f"{later.relevant:,} more {plural(later.relevant, 'relevant record')} found "
            "(include or maybe).",
        ))  # fmt: skip
    return out


def _periods(periods: list[tuple[str, str | None]]) -> str:
    """'from A to B; from C (still on)', or, over many screening sessions,
    'in 7 sessions between A and D'."""
    if len(periods) > 3:
        last = periods[-1][1]
        end = when(last) if last else "now (still on)"
        return f"in {len(periods)} sessions between {when(periods[0][0])} and {end}"
    return "; ".join(
        f"from {when(on)} " + (f"to {when(off)}" if off else "(still on)") for on, off in periods
    )


def _warm_up(who: str, settings: dict[str, Any]) -> str:
    text = (
        f"Warm-up: until {who}'s decisions held at least one include and one exclude, records "
        f"were offered in a random order drawn with seed {settings.get('seed')}"
    )
    known = settings.get("known_relevant")
    if known is not None:
        were = "was" if known == 1 else "were"
        text += f"; {counted(known, 'record')} known to be relevant {were} given as prior knowledge"
    return text + "."


def _stop(who: str, at: str, figures: dict[str, Any], settings: dict[str, Any]) -> list[Statement]:
    screened, total = figures.get("screened", 0), figures.get("total", 0)
    share = f" ({screened / total:.1%})" if total else ""
    order = "" if settings else "; the queue was not prioritised at that point"
    out = [Statement(
        "Stopping", who,
        f"{who} chose to stop screening at {when(at)} after {screened:,} of "
        f"{counted(total, 'record')}{share}, with "
        f"{counted(figures.get('includes', 0), 'relevant record')} found (include or maybe) and "
        f"{counted(figures.get('excludes_since_include', 0), 'consecutive exclusion')} since "
        f"the last relevant one{order}.",
    )]  # fmt: skip
    target, confidence = figures.get("target_recall"), figures.get("confidence")
    rule = f"Stopping rule: {figures.get('rule', 'hypergeometric')}, target recall "
    rule += f"{target:.0%} at {confidence:.0%} confidence" if target and confidence else "unknown"
    p_value = figures.get("p_value")
    if p_value is None:
        rule += "; nothing had been screened."
    else:
        met = "reached" if figures.get("safe_to_stop") else "NOT shown to be reached"
        p_text = "< 0.001" if p_value < 0.001 else f"= {p_value:.3f}"
        rule += f": p {p_text} at that point, so the target recall was {met}"
        if figures.get("remaining_estimate") is not None and confidence:
            rule += (
                f"; about {figures['remaining_estimate']:.1f} relevant records were estimated "
                f"to remain unscreened (at most {figures.get('remaining_upper')} at "
                f"{confidence:.0%} confidence; recall at least "
                f"{figures.get('recall_lower', 0):.0%})"
            )
        rule += "."
    out.append(Statement("Stopping rule", who, rule))
    return out

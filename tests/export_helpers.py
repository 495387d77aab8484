"""Reviews built for the export tests.

`build_odd_review`: the PRISMA tests' finished review (tests/prisma_helpers)
plus three records a spreadsheet must not mangle — a title that is a formula,
an abstract longer than a cell holds, an author starting with `@` — excluded
at title/abstract by both reviewers, a label and a note.

`build_meta_review`: a review whose included studies carry metafor's data
sets (tests/fixtures/metadat, copied from wviechtb/metadat): dat.bcg as 2×2
counts, dat.normand1999 as continuous summaries, dat.pritz1997 as
proportions, the first rows of dat.hackshaw1998 as ratio estimates with
their CI, and one case report whose result row must stay out of Outcomes.

`build_senn_review`: dat.senn2013's trials (one row per arm) as extracted:
every arm under Arms, and one result row per arm against the trial's last
arm (placebo where there is one), so Willms (1999)'s metformin and acarbose
rows share its placebo arm; plus one trial whose comparison names arms not
listed under Arms.
"""

from __future__ import annotations

import csv
import shlex
from pathlib import Path

from review.extraction.session import ExtractionSession
from review.models import RecordDraft, SourceKind, Stage
from review.review_file import create_review, review_protocol
from review.sample import SAMPLE_PROTOCOL
from review.store import Store
from tests.conftest import FIXTURES
from tests.prisma_helpers import REVIEWERS, add, build_review, decide

METADAT = FIXTURES / "metadat"
FORMULA_TITLE = '=HYPERLINK("http://example.org","click me")'
LONG_ABSTRACT = "Radiotherapy and immunotherapy. " * 1_500  # 48,000 characters
HACKSHAW_ROWS = 8
SENN = "dat.senn2013.txt"
UNLISTED = "doi:10.1000/unlisted"
"""The trial whose comparison names arms its Arms list does not have."""


def read_metadat(name: str) -> list[dict[str, str]]:
    """A metadat raw table (whitespace-separated, quoted names) as dicts."""
    lines = (METADAT / name).read_text(encoding="utf-8").splitlines()
    header = lines[0].split()
    rows = [shlex.split(line) for line in lines[1:] if line.strip()]
    # Files with a row-number column have one value more than header names.
    return [dict(zip(header, row[len(row) - len(header) :], strict=True)) for row in rows]


def build_odd_review(path: Path) -> Path:
    build_review(path)
    with Store.open(path) as store:
        odd = [
            RecordDraft(1, title=FORMULA_TITLE, year=2022, authors=["Doe, J"]),
            RecordDraft(2, title="A very long abstract", abstract=LONG_ABSTRACT, year=2023),
            RecordDraft(3, title="Mentioned", authors=["@someone"], year=2024, pmid="123456"),
        ]
        add(store, "Odd", SourceKind.DATABASE, odd)
        last = store.records.record_count()
        keys = [store.records.record(i).key for i in range(last - 2, last + 1)]
        for key in keys:
            decide(store, key, Stage.TITLE_ABSTRACT, "exclude", "population")
        store.screening.set_label(keys[0], "odd-one", reviewer="ann")
        store.screening.add_note(keys[0], Stage.TITLE_ABSTRACT, "+ looks like spam", reviewer="bob")
    return path


def build_meta_review(path: Path) -> Path:
    """Every study included by both reviewers and extracted by ann."""
    bcg = read_metadat("dat.bcg.txt")
    normand = read_metadat("dat.normand1999.txt")
    pritz = read_metadat("dat.pritz1997.txt")
    hackshaw = read_metadat("dat.hackshaw1998.txt")[:HACKSHAW_ROWS]
    studies: list[tuple[str, str, dict[str, str]]] = []  # (tag, kind, data)
    studies += [(f"bcg{i}", "bcg", row) for i, row in enumerate(bcg, 1)]
    studies += [(f"normand{i}", "normand", row) for i, row in enumerate(normand, 1)]
    studies += [(f"pritz{i}", "pritz", row) for i, row in enumerate(pritz, 1)]
    studies += [(f"hackshaw{i}", "hackshaw", row) for i, row in enumerate(hackshaw, 1)]
    studies.append(("case1", "case", {}))
    with create_review(path, SAMPLE_PROTOCOL) as store:
        drafts = [
            RecordDraft(
                n,
                title=f"Study {tag}",
                authors=[f"{tag.capitalize()}, A"],
                year=2000 + n % 20,
                doi=f"10.1000/{tag}",
            )
            for n, (tag, _, _) in enumerate(studies, 1)
        ]
        add(store, "PubMed", SourceKind.DATABASE, drafts)
        keys = [f"doi:10.1000/{tag}" for tag, _, _ in studies]
        for key in keys:
            for stage in Stage:
                for who in REVIEWERS:
                    store.screening.record_decision(key, stage, "include", reviewer=who)
        protocol = review_protocol(store)
        for key, (_, kind, row) in zip(keys, studies, strict=True):
            form = ExtractionSession(store, protocol, "ann", key, included=keys)
            form.set_value("study.study_design", "", "case_report" if kind == "case" else "rct")
            result = form.add_row("results.result", f"{kind} result")
            for field, value in _result_values(kind, row).items():
                form.set_value(f"results.result.{field}", result, value)
    return path


def _result_values(kind: str, row: dict[str, str]) -> dict[str, str]:
    keys = {"timepoint": "end of study", "comparison": "experimental vs control"}
    if kind == "bcg":
        n1 = int(row["tpos"]) + int(row["tneg"])
        n2 = int(row["cpos"]) + int(row["cneg"])
        return {
            **keys,
            "outcome": "ae_grade3",
            "events_1": row["tpos"],
            "total_1": str(n1),
            "events_2": row["cpos"],
            "total_2": str(n2),
        }
    if kind == "normand":
        return {
            **keys,
            "outcome": "qol",
            "mean_1": row["m1i"],
            "sd_1": row["sd1i"],
            "total_1": row["n1i"],
            "mean_2": row["m2i"],
            "sd_2": row["sd2i"],
            "total_2": row["n2i"],
        }
    if kind == "pritz":
        return {
            **keys,
            "outcome": "orr",
            "comparison": "single arm",
            "events_single": row["xi"],
            "total_single": row["ni"],
        }
    if kind == "hackshaw":
        return {
            **keys,
            "outcome": "os",
            "hr": row["or"],
            "hr_ci_lower": row["ci.lb"],
            "hr_ci_upper": row["ci.ub"],
        }
    return {**keys, "outcome": "orr", "events_single": "1", "total_single": "1"}


def senn_trials() -> dict[str, list[dict[str, str]]]:
    """dat.senn2013's arms by trial, in file order."""
    with (METADAT / SENN).open(encoding="utf-8", newline="") as handle:
        trials: dict[str, list[dict[str, str]]] = {}
        for row in csv.DictReader(handle):
            trials.setdefault(row["study"], []).append(row)
    return trials


def senn_key(n: int) -> str:
    return f"doi:10.1000/senn{n}"


def build_senn_review(path: Path) -> Path:
    """Every trial included by both reviewers and extracted by ann."""
    trials = senn_trials()
    with create_review(path, SAMPLE_PROTOCOL) as store:
        drafts = [
            RecordDraft(n, title=f"Trial {name}", authors=[f"{name.split()[0]}, A"], year=2000 + n,
                        doi=f"10.1000/senn{n}")
            for n, name in enumerate(trials, 1)
        ]  # fmt: skip
        drafts.append(
            RecordDraft(len(drafts) + 1, title="Unlisted", year=2024, doi="10.1000/unlisted")
        )
        add(store, "PubMed", SourceKind.DATABASE, drafts)
        keys = [senn_key(n) for n in range(1, len(trials) + 1)] + [UNLISTED]
        for key in keys:
            for stage in Stage:
                for who in REVIEWERS:
                    store.screening.record_decision(key, stage, "include", reviewer=who)
        protocol = review_protocol(store)
        for key, arms in zip(keys, trials.values(), strict=False):
            form = ExtractionSession(store, protocol, "ann", key, included=keys)
            form.set_value("study.study_design", "", "rct")
            for arm in arms:
                form.add_row("arms.arm", arm["treatment"])
            control = arms[-1]
            for arm in arms[:-1]:
                _continuous(form, f"{arm['treatment']} vs {control['treatment']}", arm, control)
        form = ExtractionSession(store, protocol, "ann", UNLISTED, included=keys)
        form.set_value("study.study_design", "", "rct")
        first, second = trials["Willms (1999)"][:2]
        _continuous(form, "experimental vs control", first, second)
    return path


def _continuous(
    form: ExtractionSession, comparison: str, one: dict[str, str], two: dict[str, str]
) -> None:
    result = form.add_row("results.result", comparison)
    values = {
        "outcome": "qol",
        "timepoint": "end of study",
        "comparison": comparison,
        "mean_1": one["mi"],
        "sd_1": one["sdi"],
        "total_1": one["ni"],
        "mean_2": two["mi"],
        "sd_2": two["sdi"],
        "total_2": two["ni"],
    }
    for field, value in values.items():
        form.set_value(f"results.result.{field}", result, value)

"""Large inputs for the deduplication scale benchmark, and a RIS writer for them.

`synthetic` is `dedup_bench`'s set (corpus titles recombined, a quarter
copied again with database changes). `crowded` adds what blows blocking up
on real searches: a third of its records come in families that share a title
or nearly so — recurring items of a serial (`Correction`, `Editorial`,
`Reply`, `Editor's comments`) in one journal with the same editor, trial
registrations of one sponsor that differ in one word, conference abstracts
with near-identical titles in one supplement — each family hundreds to
thousands strong, and a quarter of all records copied again.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from dedup_bench import _variant, synthetic_rows
from dedup_sets import Row

SERIAL_TITLES = (
    "Correction",
    "Editorial",
    "Reply",
    "Editor's comments",
    "Erratum",
    "In this issue",
)
CONDITIONS = ("Asthma", "COPD", "Psoriasis", "Crohn's Disease", "Ulcerative Colitis", "Lupus",
              "Atopic Dermatitis", "Rheumatoid Arthritis", "Migraine", "Gout",
              "Obesity")  # fmt: skip
DRUGS = tuple(f"ABX-{n:03d}" for n in range(40))


def rows_for(kind: str, n: int, seed: int = 7) -> tuple[list[Row], list[set[str]]]:
    """`n` rows of `kind` (`synthetic` or `crowded`) and their true duplicate groups."""
    if kind == "synthetic":
        return synthetic_rows(n, seed)
    return crowded_rows(n, seed)


def crowded_rows(n: int, seed: int = 7) -> tuple[list[Row], list[set[str]]]:
    rng = random.Random(seed)
    base, _ = synthetic_rows(n // 2, seed)
    plain = [r for r in base if r["ID"] == r["group"]]  # the distinct papers only
    rows: list[Row] = []
    groups: dict[str, set[str]] = {}
    while len(rows) < n:
        row_id = f"c{len(rows)}"
        roll = rng.random()
        if rows and roll < 0.25:
            original = rows[rng.randrange(len(rows))]
            if "-" in original["pages"]:
                copy = _variant(original, rng, len(rows))
            else:  # an abstract or a registration: the other database capitalises
                copy = dict(original, title=original["title"].upper(), ID=row_id)
            groups.setdefault(original["group"], {original["ID"]}).add(row_id)
            rows.append(copy)
            continue
        if roll < 0.35:
            row = _serial_item(rng, len(rows))
        elif roll < 0.45:
            row = _registration(rng, len(rows))
        elif roll < 0.6:
            row = _abstract(rng, len(rows))
        else:
            row = dict(plain[rng.randrange(len(plain))])
            row["title"] += f" {rng.randrange(10**6)}"  # a distinct paper
        rows.append({**row, "ID": row_id, "group": row_id, "source_id": str(1 + len(rows) % 4)})
    return rows, [g for g in groups.values() if len(g) > 1]


def _serial_item(rng: random.Random, position: int) -> Row:
    journal = rng.randrange(30)
    year = rng.randint(2000, 2024)
    first = rng.randint(1, 3000)
    return {
        "ENTRYTYPE": "article",
        "title": SERIAL_TITLES[journal % len(SERIAL_TITLES)],
        "author": f"Editor{journal}, A.",
        "year": str(year),
        "journal": f"Journal of Recurring Items {journal}",
        "volume": str(year - 1980),
        "number": str(rng.randint(1, 12)),
        "pages": f"{first}-{first + rng.randint(0, 2)}",
    }


def _registration(rng: random.Random, position: int) -> Row:
    return {
        "ENTRYTYPE": "trial registration",
        "title": (
            f"A Phase {rng.randint(1, 3)}, Randomized, Double-blind, Placebo-controlled Study "
            f"of {rng.choice(DRUGS)} in Participants With {rng.choice(CONDITIONS)}"
        ),
        "author": "Sponsor Pharma",
        "year": str(rng.randint(2015, 2024)),
        "journal": "",
        "volume": "",
        "number": "",
        "pages": "",
    }


def _abstract(rng: random.Random, position: int) -> Row:
    year = rng.randint(2015, 2024)
    page = rng.randint(1, 9000)
    return {
        "ENTRYTYPE": "conference abstract",
        "title": (
            f"Outcomes of {rng.choice(DRUGS)} in {rng.choice(CONDITIONS)}: "
            f"results from the {rng.choice(('EU', 'US', 'Asian', 'Global'))} registry"
        ),
        "author": f"Investigator{rng.randrange(50)}, B. and Coauthor{rng.randrange(50)}, C.",
        "year": str(year),
        "journal": "Annals of Meeting Abstracts",
        "volume": f"{year - 1950} Suppl 1",
        "number": "",
        "pages": str(page),
    }


_RIS_TYPES = {"article": "JOUR", "trial registration": "CTR", "conference abstract": "ABST"}


def write_ris(rows: list[Row], path: Path) -> None:
    """The rows as one RIS file, the way a database export writes them."""
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.writelines(_ris_lines(row))


def _ris_lines(row: Row) -> Iterator[str]:
    yield f"TY  - {_RIS_TYPES.get(row['ENTRYTYPE'], 'JOUR')}\n"
    yield f"TI  - {row['title']}\n"
    for author in row["author"].split(" and "):
        yield f"AU  - {author}\n"
    yield f"PY  - {row['year']}\n"
    for tag, field in (("JO", "journal"), ("VL", "volume"), ("IS", "number"), ("DO", "doi")):
        if row.get(field):
            yield f"{tag}  - {row[field]}\n"
    if row.get("pages"):
        first, _, last = row["pages"].partition("-")
        yield f"SP  - {first}\n"
        if last:
            yield f"EP  - {last}\n"
    yield f"ID  - {row['ID']}\n"
    yield "ER  - \n\n"

"""`review export` at living-review size: 100,000 records with decisions.

Builds a review of N records (default 100,000; titles, abstracts, authors
and keywords cycled from real Scopus records, each with its own DOI) under
the sample protocol; two reviewers screen every unit at title/abstract (1 in
20 included, the rest excluded), then the included at full text (half
included, half excluded for a reason), in batches through the store, so the
review is finished and PRISMA's arithmetic holds. Then, in a fresh process
(so peak memory is the export's own), `export_review` writes review.xlsx,
the four CSVs and both RIS files (in a forked process, beside the
workbook) and reads each back.

Targets (issue #11): under 20 s and under 1 GB peak.

    python benchmarks/export_bench.py [--records 100000] [--keep FILE]
"""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCOPUS = ROOT / "tests" / "fixtures" / "ris" / "citation-file-formatting" / "_baseline_scopus.ris"
PROTOCOL = ROOT / "protocols" / "rt-io-head-neck.yaml"
REVIEWERS = ("ann", "bob")

EXPORT = """
import json, resource, sys, time
from pathlib import Path
from review.exports import export_review
from review.store import Store
t0 = time.perf_counter()
with Store.open(Path(sys.argv[1])) as store:
    result = export_review(store, Path(sys.argv[2]))
total = time.perf_counter() - t0
files = {f.path.name: [f.path.stat().st_size, f.rows] for f in result.files}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
cpu = time.process_time()
print(json.dumps({"total": total, "peak_mb": peak, "child_peak_mb": child, "cpu": cpu,
                  "files": files}))
"""


def build(path: Path, n: int) -> None:
    from review.importers import read_document
    from review.models import SourceKind
    from review.review_file import create_review
    from review.store import KeyedRecord, NewSource

    document, fmt = read_document(SCOPUS)
    drafts = list(fmt.parse(document))

    def records() -> object:
        for i in range(n):
            draft = copy.copy(drafts[i % len(drafts)])
            draft.title = f"{draft.title} (copy {i})"
            draft.doi = f"10.99999/bench.{i}"
            yield KeyedRecord(f"doi:10.99999/bench.{i}", f"bench:{i}", draft)

    source = NewSource("bench.ris", str(SCOPUS), "bench", 0, "ris", "utf-8",
                       SourceKind.DATABASE, None, "Scopus", None, None)  # fmt: skip
    with create_review(path, PROTOCOL) as store:
        store.imports.add(source, records())  # type: ignore[arg-type]
        for stage, keys in (
            ("title_abstract", range(n)),
            ("full_text", range(0, n, 20)),
        ):
            for start in range(0, len(keys), 10_000):
                rows = [_decision(i, stage) for i in keys[start : start + 10_000]]
                for who in REVIEWERS:
                    store.append_events("decisions", who, rows)


def _decision(i: int, stage: str) -> dict[str, object]:
    if stage == "title_abstract":
        include = i % 20 == 0
        reasons = "[]"
    else:
        include = i % 40 == 0
        reasons = "[]" if include else '["population"]'
    return {
        "record_key": f"doi:10.99999/bench.{i}",
        "stage": stage,
        "kind": "screen",
        "decision": "include" if include else "exclude",
        "reasons": reasons,
    }


def export(path: Path, out: Path) -> dict[str, object]:
    run = subprocess.run(
        [sys.executable, "-c", EXPORT, str(path), str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if run.returncode != 0:
        raise SystemExit(run.stderr[-3000:])
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="Build (or reuse) the review file here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "export.db"
        if not path.exists():
            t0 = time.perf_counter()
            build(path, args.records)
            print(
                f"built {args.records:,} records with decisions in {time.perf_counter() - t0:.0f} s"
            )
        result = export(path, Path(tmp) / "out")
        for name, (size, rows) in result["files"].items():  # type: ignore[attr-defined]
            counts = ", ".join(f"{k} {v:,}" for k, v in rows.items())
            print(f"  {name:<14} {size / 1e6:7.1f} MB  {counts}")
        # The RIS files are written in a forked process (review.exports.background):
        # both peaks count, as both processes are alive together.
        peak, child = result["peak_mb"], result["child_peak_mb"]
        print(
            f"export: {result['total']:.1f} s (CPU {result['cpu']:.1f} s in the main process), "
            f"peak {peak:.0f} MB + {child:.0f} MB (RIS process) = {peak + child:.0f} MB   "  # type: ignore[operator]
            "(target < 20 s, < 1 GB)"
        )


if __name__ == "__main__":
    main()

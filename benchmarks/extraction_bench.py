"""Extraction latency: opening a study's form and saving a field.

Builds a review of N included studies (default 1,000: records, then two
reviewers' includes at both stages, written through the store) under the
sample protocol with its form scaled to ~150 fields, gives every study a
few values and one study a full form with 6 arms and 20 result rows, then
times in this process:

- open: `ExtractionSession(...)` on the full study, given the included
  study keys as a screen has them, and once reading the screening state;
- save: `set_value` of a new value (parse, check, one event, one
  transaction with FULL sync), p50/p95 over 300 saves;
- check: `problems()` on the full form (what "complete" runs).

Targets (issue #9): open under 150 ms; save p95 under 20 ms.

    python benchmarks/extraction_bench.py [--studies 1000] [--keep FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROTOCOL = ROOT / "protocols" / "rt-io-head-neck.yaml"
ARMS, RESULTS = 6, 20


def scaled_protocol(target: Path) -> None:
    """The sample protocol with extra fields: ~150 in all."""
    data = yaml.safe_load(PROTOCOL.read_text(encoding="utf-8"))
    study, arms, results = data["extraction"]["sections"]
    study["fields"] += [
        {"id": f"extra_{i}", "label": f"Extra {i}", "type": "number" if i % 2 else "text",
         **({"unit": "none"} if i % 2 else {})}
        for i in range(60)
    ]  # fmt: skip
    arms["groups"][0]["fields"] += [
        {"id": f"arm_extra_{i}", "label": f"Arm extra {i}", "type": "integer", "min": 0}
        for i in range(18)
    ]
    results["groups"][0]["fields"] += [
        {"id": f"result_extra_{i}", "label": f"Result extra {i}", "type": "text"} for i in range(20)
    ]
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")


def build(path: Path, protocol_path: Path, studies: int) -> tuple[list[str], str]:
    from review.extraction.session import ExtractionSession
    from review.models import RecordDraft, SourceKind
    from review.review_file import create_review, review_protocol
    from review.store import KeyedRecord, NewSource

    keys = [f"doi:10.99999/extract.{i}" for i in range(studies)]
    drafts = (
        KeyedRecord(key, f"extract:{i}", RecordDraft(i + 1, title=f"Trial {i} of radiotherapy"))
        for i, key in enumerate(keys)
    )
    with create_review(path, protocol_path) as store:
        source = NewSource("bench.ris", "/bench.ris", "bench", 0, "ris", "utf-8",
                           SourceKind.DATABASE, None, "Bench", None, None)  # fmt: skip
        store.imports.add(source, drafts)  # type: ignore[arg-type]
        for who in ("ann", "bob"):
            for stage in ("title_abstract", "full_text"):
                store.append_events(
                    "decisions",
                    who,
                    [
                        {"record_key": key, "stage": stage, "kind": "screen",
                         "decision": "include", "reasons": "[]"}
                        for key in keys
                    ],
                )  # fmt: skip
        rows: list[dict[str, Any]] = [
            {"study_key": key, "field": f"study.extra_{j}", "instance": "",
             "value": json.dumps(j if j % 2 else f"text {j}"), "kind": "value"}
            for key in keys[1:]
            for j in range(20)
        ]  # fmt: skip
        store.append_events("extraction_values", "ann", rows)
        protocol = review_protocol(store)
        study = keys[0]
        session = ExtractionSession(store, protocol, "ann", study, included=keys)
        refs = list(protocol.all_form_fields())
        with store.write():
            for ref in refs:
                if ref.group is None:
                    session.set_value(ref.key, "", _sample_value(ref.field))
            for group, count in (("arms.arm", ARMS), ("results.result", RESULTS)):
                for n in range(count):
                    row = session.add_row(group, f"{group.split('.')[1]} {n + 1}")
                    for ref in refs:
                        in_group = ref.group is not None and ref.key.startswith(group + ".")
                        if in_group and ref.field.id != "name":
                            session.set_value(ref.key, row, _sample_value(ref.field))
        return keys, study


def _sample_value(form_field: Any) -> str:
    if form_field.options:
        return form_field.options[0].id
    return {"integer": "10", "number": "0.5", "yes_no": "yes", "date": "2021-03"}.get(
        form_field.type, "some text"
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--studies", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="Keep the built review here.")
    args = parser.parse_args()

    from review.extraction.session import ExtractionSession
    from review.review_file import review_protocol
    from review.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        protocol_path = Path(tmp) / "scaled.yaml"
        scaled_protocol(protocol_path)
        path = args.keep or Path(tmp) / "bench.db"
        started = time.perf_counter()
        keys, study = build(path, protocol_path, args.studies)
        built = time.perf_counter() - started
        with Store.open(path) as store:
            protocol = review_protocol(store)
            fields = sum(1 for _ in protocol.all_form_fields())
            opens = []
            for _ in range(20):
                t0 = time.perf_counter()
                session = ExtractionSession(store, protocol, "ann", study, included=keys)
                opens.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            ExtractionSession(store, protocol, "ann", study)
            open_with_state = time.perf_counter() - t0
            t0 = time.perf_counter()
            problems = session.problems()
            check = time.perf_counter() - t0
            arm = session.rows("arms.arm")[0].id
            saves = []
            targets = [("study.extra_1", ""), ("arms.arm.rt_dose_gy", arm), ("study.country", "")]
            for n in range(300):
                key, instance = targets[n % 3]
                raw = f"{n % 90}.25" if key != "study.country" else f"Country {n}"
                t0 = time.perf_counter()
                session.set_value(key, instance, raw)
                saves.append(time.perf_counter() - t0)
            events = len(store.extraction.value_events())
    result = {
        "studies": args.studies,
        "form_fields": fields,
        "arms": ARMS,
        "result_rows": RESULTS,
        "value_events": events,
        "build_s": round(built, 1),
        "open_ms_median": round(statistics.median(opens) * 1000, 1),
        "open_ms_p95": round(percentile(opens, 0.95) * 1000, 1),
        "open_with_screening_state_ms": round(open_with_state * 1000, 1),
        "problems_ms": round(check * 1000, 1),
        "problems_found": len(problems),
        "save_ms_p50": round(percentile(saves, 0.5) * 1000, 2),
        "save_ms_p95": round(percentile(saves, 0.95) * 1000, 2),
        "targets": {"open_ms": 150, "save_ms_p95": 20},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

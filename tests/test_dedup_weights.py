"""The weighted-evidence model: levels per field, weights shipped and refitted,
each pair's total, and the vetoes that no total outvotes."""

from __future__ import annotations

import json
from dataclasses import replace

from review.dedup import Decision, DedupRecord, find_duplicates
from review.dedup.normalise import prepare
from review.dedup.pipeline import judge
from review.dedup.rules import RULES, THRESHOLDS, Thresholds, decide
from review.dedup.scoring import compare
from review.dedup.weights import Weights, explain, fit, levels, shipped_weights, total

TITLE = "Anti-factor H autoantibodies in a renal transplant recipient with atypical HUS"


def record(n: int, title: str = TITLE, **fields: object) -> DedupRecord:
    defaults: dict[str, object] = {
        "authors": ["Le Quintrec, M.", "Zuber, J.", "Noel, L. H."],
        "year": 2009,
        "journal": "American Journal of Transplantation",
        "volume": "9",
        "issue": "5",
        "pages": "1223-1229",
    }
    return DedupRecord(id=n, uid=f"u{n}", key=f"k{n}", source_id=n, title=title,
                       **{**defaults, **fields})  # type: ignore[arg-type]  # fmt: skip


def evidence(a: DedupRecord, b: DedupRecord):  # type: ignore[no-untyped-def]
    return compare(prepare(a, 0), prepare(b, 1))


def test_the_shipped_weights_load_and_say_which_way_each_level_points() -> None:
    weights = shipped_weights()
    assert set(weights.fitted_on) == {"haematology", "stroke", "special", "cases"}
    assert weights.ask_at < weights.certain_at
    assert weights.weight("title", "exact") > 0 > weights.weight("title", "<70%")
    assert weights.weight("volume", "same") > 0 > weights.weight("volume", "different")
    assert weights.weight("year", "further apart") < weights.weight("year", "1 apart") < 0
    assert weights.weight("title", "no such level") == 0.0


def test_levels_read_the_evidence_field_by_field() -> None:
    reply = record(2, pages="1229-1230", authors=["Smith, A."])
    found = levels(evidence(record(1), reply))
    assert found["title"] == "exact" and found["first_author"] == "different"
    assert found["pages"] == "adjacent"  # printed right after: not any other page
    assert found["doi"] == "missing" and found["year"] == "same"
    later = levels(evidence(record(1), record(2, year=2011, volume=None, pages=None)))
    assert later["year"] == "further apart" and later["volume"] == "missing"


def test_each_pair_gets_its_per_field_weights_and_total() -> None:
    weights = shipped_weights()
    same = evidence(record(1), record(2, title=TITLE.upper(), pages="1223-9"))
    explained = explain(same, weights)
    fields = [f for f, _, _ in explained.parts]
    assert fields[:3] == ["title", "title_numbers", "title_kind"] and "pages" in fields
    assert explained.total == round(sum(w for _, _, w in explained.parts), 2)
    assert explained.total > weights.certain_at
    assert "title exact +" in explained.as_text()
    shiga = record(2, "Eculizumab in severe Shiga-toxin HUS", authors=["Lapeyraque, A."],
                   pages="2561-2563")  # fmt: skip
    other = evidence(record(1), shiga)
    assert total(other, weights) < weights.ask_at


def test_the_weights_follow_the_pairs_they_are_fitted_on() -> None:
    """Refitting on other labelled pairs moves the weights: they are counted, not set."""
    dup = evidence(record(1), record(2, pages="1223-9"))
    apart = evidence(record(1), record(2, title="Complement in PNH", pages="40-49"))
    moved = evidence(record(1), record(2, issue="9", pages="2205"))
    one = fit([(dup, True), (apart, False), (moved, False)], certain_at=9, ask_at=1)
    two = fit([(dup, True), (apart, False), (moved, True)], certain_at=9, ask_at=1)
    assert one.weight("issue", "different") < 0 < two.weight("issue", "different")
    assert one.weight("title", "exact") != two.weight("title", "exact")
    again = Weights.from_json(json.loads(json.dumps(two.as_json())))
    assert again == two


def test_a_veto_wins_over_any_total() -> None:
    """Weights that call every field a match cannot merge another item of the journal."""
    eager = fit([], certain_at=-100, ask_at=-200)  # every level weighs 0: total 0 ≥ cut-offs
    thresholds = Thresholds(model=eager)
    article = record(1)
    erratum = record(2, issue="9", pages="2205-2210")  # same title, another issue and pages
    decided, rule = decide(evidence(article, erratum), thresholds)
    assert decided is Decision.DISTINCT and "another" in rule
    result = find_duplicates([article, erratum], thresholds=thresholds)
    assert result.groups == [] and result.queue == []


def test_the_weights_decide_what_no_rule_does() -> None:
    """A title reworded (≥ 85 %), no locators on one side: no rule applies, the
    total decides — asked with the shipped weights, merged with a low cut-off."""
    a = record(1)
    b = record(2, title=TITLE.replace("renal transplant", "kidney graft"), volume=None,
               issue=None, pages=None)  # fmt: skip
    e = evidence(a, b)
    decided, rule = decide(e, THRESHOLDS)
    assert decided is Decision.PROBABLE and rule.startswith("weighted evidence")
    low = replace(THRESHOLDS.model, certain_at=total(e, THRESHOLDS.model) - 0.1)
    assert decide(e, Thresholds(model=low)) == (Decision.CERTAIN, "weighted-evidence")
    assert "weighted-evidence" in RULES


def test_an_erratum_prefix_one_database_dropped_is_the_same_item() -> None:
    """`Erratum: X` and `X` at one journal, volume, issue and page: one notice."""
    fields = {"volume": "142", "issue": "6", "pages": "616", "journal": "J Pediatr",
              "authors": ["Veyradier, A."], "year": 2003}  # fmt: skip
    title = "Severe deficiency of the von Willebrand factor-cleaving protease in a subgroup"
    one = record(1, f"Erratum: {title}", **fields)
    two = record(2, title, **{**fields, "journal": "Journal of Pediatrics"})
    judged = judge(prepare(one, 0), prepare(two, 1))
    assert judged.evidence.title_kind == "different" and judged.evidence.title_numbers == "same"
    assert (judged.decision, judged.rule) == (Decision.CERTAIN, "same-item")
    # the article itself, at its own pages, stays apart from the notice
    article = record(3, title, **{**fields, "issue": "3", "pages": "310-317"})
    assert judge(prepare(one, 0), prepare(article, 1)).decision is Decision.DISTINCT


def test_registrations_with_different_trial_ids_are_different_studies() -> None:
    """One sponsor's registrations, titles a word apart: distinct whatever the weights say,
    and never chained into one group through a record without an id."""
    title = "Open Label Controlled Trial of Eculizumab in {} Patients With Plasma Therapy-{} aHUS"
    fields: dict[str, object] = {"authors": ["Alexion Pharmaceuticals, Inc"], "year": 2011,
              "journal": None, "volume": None, "issue": None, "pages": None,
              "record_type": "Trial registration"}  # fmt: skip
    adult = record(1, title.format("Adult", "Resistant"), registry_id="NCT00844545", **fields)
    teens = record(2, title.format("Adolescent", "Resistant"), registry_id="NCT00844844", **fields)
    e = evidence(adult, teens)
    assert e.registry_id == "different"
    eager = Thresholds(model=fit([], certain_at=-100, ask_at=-200))
    assert decide(e, eager) == (Decision.DISTINCT, "registrations of different trials")
    same = record(3, title.format("Adult", "Resistant"), registry_id="nct00844545", **fields)
    assert decide(evidence(adult, same), THRESHOLDS) == (Decision.CERTAIN, "same-registry-id")
    unnumbered = record(4, title.format("Adult", "Resistant"), **fields)
    result = find_duplicates([adult, teens, unnumbered], thresholds=eager)
    assert all({m.index for m in g.members} != {0, 1, 2} for g in result.groups)
    grouped = [{m.index for m in g.members} for g in result.groups]
    assert not any({0, 1} <= g for g in grouped)

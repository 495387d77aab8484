"""Agreement statistics checked against tables worked out by hand."""

from __future__ import annotations

import json
import re

import pytest

from review.screening.agreement import (
    KAPPA_UNDEFINED,
    Agreement,
    TwoByTwo,
    agreement,
    bias_index,
    cohen_kappa,
    expected_agreement,
    observed_agreement,
    pabak,
    prevalence_index,
)


def pairs_for(a: int, b: int, c: int, d: int) -> list[tuple[str, str]]:
    """Expand a 2×2 table back into (A, B) decision pairs."""
    return (
        [("include", "include")] * a
        + [("include", "exclude")] * b
        + [("exclude", "include")] * c
        + [("exclude", "exclude")] * d
    )


def test_worked_example() -> None:
    # a=20 b=5 c=10 d=15, n=50
    # Po = (20+15)/50 = 0.70
    # A include = a+b = 25, A exclude = c+d = 25; B include = a+c = 30, B exclude = b+d = 20
    # Pe = (25·30 + 25·20)/50² = (750 + 500)/2500 = 0.50
    # κ = (0.70 − 0.50)/(1 − 0.50) = 0.40
    # PABAK = 2·0.70 − 1 = 0.40
    # PI = (20 − 15)/50 = 0.10; BI = (5 − 10)/50 = −0.10
    result = agreement(pairs_for(20, 5, 10, 15))
    assert result.table == TwoByTwo(20, 5, 10, 15)
    assert result.n == 50
    assert result.observed == pytest.approx(0.70)
    assert result.expected == pytest.approx(0.50)
    assert result.kappa == pytest.approx(0.40)
    assert result.pabak == pytest.approx(0.40)
    assert result.prevalence_index == pytest.approx(0.10)
    assert result.bias_index == pytest.approx(-0.10)
    assert result.maybe_as == "include"
    assert result.maybe_recoded == 0
    assert result.kappa_note is None


def test_functions_work_on_a_table_directly() -> None:
    table = TwoByTwo(20, 5, 10, 15)
    assert observed_agreement(table) == pytest.approx(0.70)
    assert expected_agreement(table) == pytest.approx(0.50)
    assert cohen_kappa(table) == pytest.approx(0.40)
    assert pabak(table) == pytest.approx(0.40)
    assert prevalence_index(table) == pytest.approx(0.10)
    assert bias_index(table) == pytest.approx(-0.10)


def test_perfect_agreement() -> None:
    # a=12 b=0 c=0 d=8, n=20
    # Po = 20/20 = 1; Pe = (12·12 + 8·8)/400 = 208/400 = 0.52
    # κ = (1 − 0.52)/(1 − 0.52) = 1; PABAK = 2·1 − 1 = 1
    # PI = (12 − 8)/20 = 0.20; BI = 0/20 = 0
    result = agreement(pairs_for(12, 0, 0, 8))
    assert result.observed == pytest.approx(1.0)
    assert result.expected == pytest.approx(0.52)
    assert result.kappa == pytest.approx(1.0)
    assert result.pabak == pytest.approx(1.0)
    assert result.prevalence_index == pytest.approx(0.20)
    assert result.bias_index == pytest.approx(0.0)


def test_kappa_paradox_high_prevalence() -> None:
    # a=45 b=2 c=3 d=0, n=50
    # Po = 45/50 = 0.90
    # A include = 47, A exclude = 3; B include = 48, B exclude = 2
    # Pe = (47·48 + 3·2)/2500 = (2256 + 6)/2500 = 0.9048
    # κ = (0.90 − 0.9048)/(1 − 0.9048) = −0.0048/0.0952 ≈ −0.0504
    # PABAK = 2·0.90 − 1 = 0.80
    # PI = (45 − 0)/50 = 0.90; BI = (2 − 3)/50 = −0.02
    result = agreement(pairs_for(45, 2, 3, 0))
    assert result.observed == pytest.approx(0.90)
    assert result.expected == pytest.approx(0.9048)
    assert result.kappa == pytest.approx(-0.0048 / 0.0952)
    assert result.kappa == pytest.approx(-0.05, abs=0.001)
    assert result.pabak == pytest.approx(0.80)
    assert result.prevalence_index == pytest.approx(0.90)
    assert result.bias_index == pytest.approx(-0.02)


@pytest.mark.parametrize(
    ("table", "agreed"),
    [
        # Both include everything: a=10, n=10; Pe = (10·10 + 0·0)/100 = 1 → κ = 0/0.
        (TwoByTwo(10, 0, 0, 0), "include"),
        # Both exclude everything: d=7, n=7; Pe = (0·0 + 7·7)/49 = 1 → κ = 0/0.
        (TwoByTwo(0, 0, 0, 7), "exclude"),
    ],
)
def test_kappa_undefined_when_chance_agreement_is_one(table: TwoByTwo, agreed: str) -> None:
    result = Agreement.from_table(table)
    assert result.expected == pytest.approx(1.0)
    assert result.kappa is None
    assert result.kappa_note == KAPPA_UNDEFINED
    # PABAK stays defined: Po = 1 → 2·1 − 1 = 1.
    assert result.observed == pytest.approx(1.0)
    assert result.pabak == pytest.approx(1.0)
    # PI = ±n/n = ±1.
    assert result.prevalence_index == pytest.approx(1.0 if agreed == "include" else -1.0)


def test_opposite_single_answers_give_kappa_zero_not_undefined() -> None:
    # A includes all, B excludes all: b=6, n=6.
    # Pe = (6·0 + 0·6)/36 = 0; Po = 0 → κ = (0 − 0)/(1 − 0) = 0; PABAK = −1; BI = 6/6 = 1
    result = Agreement.from_table(TwoByTwo(0, 6, 0, 0))
    assert result.kappa == pytest.approx(0.0)
    assert result.pabak == pytest.approx(-1.0)
    assert result.bias_index == pytest.approx(1.0)


def test_empty_input_gives_no_statistics() -> None:
    result = agreement([])
    assert result.n == 0
    assert result.table == TwoByTwo(0, 0, 0, 0)
    for value in (
        result.observed,
        result.expected,
        result.kappa,
        result.pabak,
        result.prevalence_index,
        result.bias_index,
    ):
        assert value is None
    assert result.kappa_note is not None
    assert "no records" in result.kappa_note


def test_maybe_counts_as_include_by_default() -> None:
    pairs = [
        ("maybe", "include"),  # → (include, include): a
        ("maybe", "exclude"),  # → (include, exclude): b
        ("exclude", "maybe"),  # → (exclude, include): c
        ("maybe", "maybe"),  # → (include, include): a
        ("exclude", "exclude"),  # d
    ]
    table = TwoByTwo.from_pairs(pairs)
    # a = 2, b = 1, c = 1, d = 1; maybes recoded = 1+1+1+2 = 5
    assert table == TwoByTwo(2, 1, 1, 1, maybe_recoded=5)
    assert table.n == 5


def test_maybe_as_exclude_moves_the_cells() -> None:
    pairs = [
        ("maybe", "include"),  # → (exclude, include): c
        ("maybe", "exclude"),  # → (exclude, exclude): d
        ("exclude", "maybe"),  # → (exclude, exclude): d
        ("maybe", "maybe"),  # → (exclude, exclude): d
        ("exclude", "exclude"),  # d
    ]
    result = agreement(pairs, maybe_as="exclude")
    # a = 0, b = 0, c = 1, d = 4
    assert result.table == TwoByTwo(0, 0, 1, 4, maybe_recoded=5)
    assert result.maybe_as == "exclude"
    assert result.maybe_recoded == 5
    # Po = 4/5 = 0.8; A include = 0, A exclude = 5; B include = 1, B exclude = 4
    # Pe = (0·1 + 5·4)/25 = 0.8 → κ = 0/0.2 = 0; PABAK = 0.6
    assert result.observed == pytest.approx(0.8)
    assert result.expected == pytest.approx(0.8)
    assert result.kappa == pytest.approx(0.0)
    assert result.pabak == pytest.approx(0.6)


def test_maybe_rule_changes_the_statistics() -> None:
    pairs = [*pairs_for(3, 0, 0, 3), ("maybe", "include"), ("maybe", "exclude")]
    as_include = agreement(pairs, maybe_as="include")
    as_exclude = agreement(pairs, maybe_as="exclude")
    # include: a = 3+1 = 4, b = 0+1 = 1, c = 0, d = 3 → Po = 7/8
    assert as_include.table == TwoByTwo(4, 1, 0, 3, maybe_recoded=2)
    assert as_include.observed == pytest.approx(7 / 8)
    # exclude: a = 3, b = 0, c = 0+1 = 1, d = 3+1 = 4 → Po = 7/8 too, but the table differs
    assert as_exclude.table == TwoByTwo(3, 0, 1, 4, maybe_recoded=2)
    assert as_include.bias_index == pytest.approx(1 / 8)
    assert as_exclude.bias_index == pytest.approx(-1 / 8)


@pytest.mark.parametrize("bad", ["Include", "yes", "", "excluded", None])
def test_invalid_decision_names_the_value(bad: object) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(bad))) as info:
        TwoByTwo.from_pairs([("include", "include"), ("exclude", bad)])  # type: ignore[list-item]
    assert "pair 2" in str(info.value)
    assert "reviewer B" in str(info.value)


def test_invalid_maybe_as_is_refused() -> None:
    with pytest.raises(ValueError, match="'skip'"):
        agreement([("include", "include")], maybe_as="skip")  # type: ignore[arg-type]


def test_negative_cell_is_refused() -> None:
    with pytest.raises(ValueError, match="both_exclude"):
        TwoByTwo(1, 0, 0, -1)


def test_to_dict_is_json_ready() -> None:
    result = agreement([*pairs_for(20, 5, 10, 15), ("maybe", "include")])
    data = json.loads(json.dumps(result.to_dict()))
    assert data["n"] == 51
    assert data["table"] == {
        "both_include": 21,
        "a_include_b_exclude": 5,
        "a_exclude_b_include": 10,
        "both_exclude": 15,
        "n": 51,
    }
    assert data["maybe_as"] == "include"
    assert data["maybe_recoded"] == 1
    assert data["kappa_note"] is None
    assert set(data) >= {
        "observed_agreement",
        "expected_agreement",
        "cohen_kappa",
        "pabak",
        "prevalence_index",
        "bias_index",
    }


def test_to_dict_empty_uses_null() -> None:
    data = json.loads(json.dumps(agreement([]).to_dict()))
    assert data["cohen_kappa"] is None
    assert data["pabak"] is None
    assert data["n"] == 0

"""Newcastle–Ottawa: stars per item and the AHRQ good / fair / poor thresholds at their edges.

Thresholds (selection / comparability / outcome or exposure stars): good 3–4 /
1–2 / 2–3; fair 2 / 1–2 / 2–3; poor 0–1 or 0 or 0–1 — the NOS-to-AHRQ
conversion as applied by Sharmin et al., Int J Environ Res Public Health
2017;14(3):287, with "plus" in the poor row read as "or" (module docstring).
"""

from __future__ import annotations

import itertools

import pytest

from review.rob import Assessment, Judgement, overall, suggest
from review.rob.nos import NOS, stars

G, F, P = Judgement.GOOD, Judgement.FAIR, Judgement.POOR

# Answer sets earning 0..4 selection, 0..2 comparability, 0..3 outcome stars (cohort).
SELECTION = {
    0: "S1=c S2=b S3=c S4=b",
    1: "S1=a S2=b S3=c S4=b",
    2: "S1=a S2=a S3=d S4=b",
    3: "S1=b S2=a S3=b S4=b",
    4: "S1=a S2=a S3=a S4=a",
}
COMPARABILITY = {0: "C1=none", 1: "C1=a", 2: "C1=a+b"}
OUTCOME = {0: "O1=c O2=b O3=c", 1: "O1=a O2=b O3=d", 2: "O1=b O2=a O3=d", 3: "O1=a O2=a O3=b"}


def _answers(row: str) -> dict[str, str]:
    return dict(p.split("=") for p in row.split())


def _expected(s: int, c: int, o: int) -> Judgement:
    if s <= 1 or c == 0 or o <= 1:
        return P
    return G if s >= 3 else F


@pytest.mark.parametrize(("s", "c", "o"), list(itertools.product(range(5), range(3), range(4))))
def test_every_star_combination(s: int, c: int, o: int) -> None:
    a = {**_answers(SELECTION[s]), **_answers(COMPARABILITY[c]), **_answers(OUTCOME[o])}
    domains = NOS.domains_for("cohort")
    assert [stars(d, a) for d in domains] == [s, c, o]
    judgements = {d.id: suggest(NOS, d, a) for d in domains}
    assert overall(NOS, judgements) == _expected(s, c, o)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("s", "c", "o", "expected"),
    [
        (3, 1, 2, G),  # the lowest good
        (2, 1, 2, F),  # one selection star less: fair
        (1, 2, 3, P),  # selection 1: poor whatever else
        (4, 0, 3, P),  # comparability 0: poor (a gap if "plus" were read literally)
        (4, 2, 1, P),  # outcome 1: poor
        (2, 2, 3, F),
        (4, 2, 3, G),
    ],
)
def test_thresholds_at_their_edges(s: int, c: int, o: int, expected: Judgement) -> None:
    assert _expected(s, c, o) == expected
    a = {**_answers(SELECTION[s]), **_answers(COMPARABILITY[c]), **_answers(OUTCOME[o])}
    judgements = {d.id: suggest(NOS, d, a) for d in NOS.domains_for("cohort")}
    assert overall(NOS, judgements) == expected  # type: ignore[arg-type]


def test_case_control_awards_stars_of_its_own() -> None:
    # Case–control S1 b ("yes, by records or self-report") earns no star; cohort S1 b does.
    a = {"S1": "b", "S2": "a", "S3": "a", "S4": "a", "C1": "a", "E1": "a", "E2": "a", "E3": "a"}
    cc = NOS.domains_for("case_control")
    assert [d.name for d in cc] == ["Selection", "Comparability", "Exposure"]
    assert [stars(d, a) for d in cc] == [3, 1, 3]
    assert stars(NOS.domain("D1", "cohort"), {"S1": "b"}) == 1
    assessment = Assessment(NOS, "case_control")
    for item, value in a.items():
        assessment = assessment.answer(item, value)
    assert [assessment.suggested(d.id) for d in cc] == [G, G, G]


def test_maximum_nine_stars() -> None:
    for variant in ("cohort", "case_control"):
        best = sum(max(q.stars.values()) for d in NOS.domains_for(variant) for q in d.questions)
        assert best == 9

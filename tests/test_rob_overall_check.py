"""What the domains imply for the overall judgement, and the warnings when the
overall is set first or lower than they allow (it stays stored as chosen)."""

from __future__ import annotations

from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY, Assessment
from review.rob.model import Judgement
from review.rob.overall_check import check_overall
from review.rob.quadas2 import QUADAS2
from review.rob.rob2 import ROB2
from review.rob.robins_i import ROBINS_I

LOW, SOME, HIGH = Judgement.LOW, Judgement.SOME_CONCERNS, Judgement.HIGH


def judged(tool: object = ROB2, **finals: Judgement) -> Assessment:
    a = Assessment(tool)  # type: ignore[arg-type]
    for key, final in finals.items():
        a = a.decide(key.replace("_", " "), final, "reviewer's call")
    return a


def test_nothing_judged_implies_nothing_and_an_empty_assessment_warns_nothing() -> None:
    check = check_overall(judged())
    assert (check.implied, check.warnings, check.describe()) == (None, (), "")
    assert check.unjudged == ("D1", "D2", "D3", "D4", "D5")


def test_one_high_domain_already_implies_high_before_the_rest_are_judged() -> None:
    check = check_overall(judged(D1=HIGH))
    assert check.implied is HIGH
    assert check.describe() == (
        "domains judged so far suggest: at least High (D2, D3, D4, D5 not judged)"
    )


def test_low_so_far_implies_nothing_yet_and_some_concerns_a_floor() -> None:
    assert check_overall(judged(D1=LOW, D2=LOW)).implied is None  # "at least low" is no news
    check = check_overall(judged(D1=LOW, D2=SOME))
    assert check.implied is SOME
    assert "at least Some concerns" in check.describe()


def test_every_domain_judged_gives_the_suggestion_itself() -> None:
    a = judged(D1=LOW, D2=LOW, D3=SOME, D4=LOW, D5=LOW)
    check = check_overall(a)
    assert check.implied is SOME is a.suggested(OVERALL)
    assert check.describe() == "domains suggest: Some concerns"
    assert check.warnings == ()


def test_an_overall_set_before_the_domains_is_kept_and_warned_about() -> None:
    a = judged(Overall=LOW)
    assert a.final(OVERALL) is LOW  # stored as chosen, not refused
    [warning] = check_overall(a).warnings
    assert warning == (
        "Overall Low was set before D1, D2, D3, D4, D5 were judged: check it once they are"
    )


def test_an_overall_lower_than_a_high_domain_is_warned_about_early_and_late() -> None:
    early = check_overall(judged(Overall=LOW, D1=HIGH))
    assert early.warnings[1] == "Overall Low is lower risk than the domains imply (at least High)"
    late = check_overall(judged(Overall=SOME, D1=HIGH, D2=LOW, D3=LOW, D4=LOW, D5=LOW))
    assert late.warnings == (
        "Overall Some concerns is lower risk than the domains imply (High): D1 judged High",
    )


def test_higher_risk_than_the_domains_imply_is_the_reviewer_s_call_and_not_warned() -> None:
    # RoB 2: some concerns in several domains may together make the result high risk.
    a = judged(D1=SOME, D2=SOME, D3=SOME, D4=LOW, D5=LOW, Overall=HIGH)
    assert check_overall(a).warnings == ()


def test_no_information_is_neither_lower_nor_higher_than_a_judged_risk() -> None:
    a = judged(ROBINS_I, Overall=Judgement.MODERATE)
    for domain in [d.id for d in a.domains]:
        a = a.decide(domain, Judgement.NO_INFORMATION, "not reported")
    check = check_overall(a)
    assert check.implied is Judgement.NO_INFORMATION
    assert check.warnings == ()


def test_quadas2_applicability_is_checked_apart_from_bias() -> None:
    a = judged(QUADAS2, A1=HIGH, Overall_applicability=LOW)
    applicability = check_overall(a, OVERALL_APPLICABILITY)
    assert applicability.implied is HIGH
    assert applicability.unjudged == ("A2", "A3")
    assert "lower risk" in applicability.warnings[1]
    assert check_overall(a).implied is None  # no bias domain judged


def test_no_information_overall_beside_a_serious_or_critical_domain_is_warned_about() -> None:
    # ROBINS-I: no information is the overall only when nothing is serious or
    # critical; robvis would show a study with a critical domain as "No information".
    NI, CRITICAL = Judgement.NO_INFORMATION, Judgement.CRITICAL
    early = check_overall(judged(ROBINS_I, Overall=NI, D1=CRITICAL))
    assert early.warnings[1] == (
        "Overall No information is lower risk than the domains imply (at least Critical)"
    )
    a = judged(ROBINS_I, Overall=NI, D1=Judgement.SERIOUS)
    for domain in ("D2", "D3", "D4", "D5", "D6", "D7"):
        a = a.decide(domain, LOW if domain != "D3" else NI, "reviewer's call")
    assert check_overall(a).warnings == (
        "Overall No information is lower risk than the domains imply (Serious): D1 judged Serious",
    )
    a = a.decide("D1", Judgement.MODERATE, "changed back")  # nothing serious: NI stands
    assert check_overall(a).warnings == ()

"""Register fields gathered under one label whatever the importer named them."""

from __future__ import annotations

from review.record_reading import ReadingField, reading_fields


def test_each_importers_names_give_one_label_in_reading_order() -> None:
    csv = {
        "Study Status": "COMPLETED",
        "Interventions": "DRUG: A|DRUG: Placebo",
        "Primary Outcome Measures": "Overall survival",
        "Phases": "PHASE2|PHASE3",
        "Enrollment": "120",
        "Sex": "ALL",
        "Age": "ADULT",
        "Funder Type": "OTHER",  # bookkeeping: not shown
    }
    assert reading_fields([csv]) == [
        ReadingField("Interventions", ["DRUG: A", "DRUG: Placebo"]),
        ReadingField("Primary outcomes", ["Overall survival"]),
        ReadingField("Phase", ["PHASE2", "PHASE3"]),
        ReadingField("Status", ["COMPLETED"]),
        ReadingField("Enrolment", ["120"]),
        ReadingField("Participants", ["ALL · ADULT"]),
    ]
    api = {"status": "RECRUITING", "primary outcomes": "LDL-C", "enrollment": "60"}
    page = {"conditions": "Nasopharyngeal Carcinoma", "outcomes": "ORR\nPFS"}
    assert [f.label for f in reading_fields([api])] == ["Primary outcomes", "Status", "Enrolment"]
    assert reading_fields([page]) == [
        ReadingField("Conditions", ["Nasopharyngeal Carcinoma"]),
        ReadingField("Outcomes", ["ORR", "PFS"]),
    ]


def test_a_group_takes_the_first_value_and_other_abstracts_come_last() -> None:
    fields = reading_fields(
        [{"status": "RECRUITING"}, {"Study Status": "COMPLETED", "abstract_zh": "中文摘要"}]
    )
    assert fields == [
        ReadingField("Status", ["RECRUITING"]),
        ReadingField("Abstract (zh)", ["中文摘要"]),
    ]
    assert reading_fields([{"affiliations": "Somewhere", "copyright": "© 2024"}]) == []

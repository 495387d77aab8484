"""The Agreement sheet: for each stage and pair of screeners, the 2×2 table
of their decisions on the units both screened, Cohen's kappa, PABAK and the
prevalence and bias indices (definitions in `review.screening.agreement`),
with how "maybe" was counted."""

from __future__ import annotations

from review.exports.load import ExportData
from review.exports.table import Column, Table
from review.models import Stage

COLUMNS = (
    Column("stage", "title_abstract or full_text"),
    Column("reviewer_a", "First reviewer of the pair"),
    Column("reviewer_b", "Second reviewer of the pair"),
    Column("n", "Units both screened", "units"),
    Column("both_include", "a: both include", "units"),
    Column("a_include_b_exclude", "b: A includes, B excludes", "units"),
    Column("a_exclude_b_include", "c: A excludes, B includes", "units"),
    Column("both_exclude", "d: both exclude", "units"),
    Column("observed_agreement", "Po = (a + d) / n", "proportion"),
    Column("expected_agreement", "Pe, chance agreement from the marginals", "proportion"),
    Column("kappa", "Cohen's kappa = (Po − Pe) / (1 − Pe); blank when undefined"),
    Column("kappa_note", "Why kappa is blank"),
    Column("pabak", "Prevalence- and bias-adjusted kappa = 2·Po − 1"),
    Column("prevalence_index", "(a − d) / n"),
    Column("bias_index", "(b − c) / n"),
    Column("maybe_as", "How 'maybe' was counted"),
    Column("maybe_recoded", "Single decisions that were 'maybe'", "decisions"),
)


def agreement_table(data: ExportData) -> Table:
    rows: list[list[object]] = []
    for stage in Stage:
        for pair in data.state.agreement(stage):
            s, t = pair.stats, pair.stats.table
            rows.append(
                [
                    stage.value,
                    pair.first,
                    pair.second,
                    s.n,
                    t.both_include,
                    t.a_include_b_exclude,
                    t.a_exclude_b_include,
                    t.both_exclude,
                    s.observed,
                    s.expected,
                    s.kappa,
                    s.kappa_note,
                    s.pabak,
                    s.prevalence_index,
                    s.bias_index,
                    s.maybe_as,
                    s.maybe_recoded,
                ]
            )
    return Table("Agreement", COLUMNS, lambda: iter(rows), len(rows), width={"kappa_note": 40})

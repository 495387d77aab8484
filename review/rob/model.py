"""What a risk-of-bias tool is, as data: domains, signalling questions, answers, rules.

A tool is plain frozen data plus small pure functions (the published
algorithms), so the TUI, the command line and the exports walk the same
definition, and a test can check every path of an algorithm against the
guidance. Question wording is a short paraphrase: the tools' own wording is
their authors'; the published item numbers tie each paraphrase back to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from review.errors import ExitCode, ReviewError


class Judgement(StrEnum):
    """Every level of every tool's scale, spelled as robvis expects (full words)."""

    LOW = "Low"
    SOME_CONCERNS = "Some concerns"
    HIGH = "High"
    MODERATE = "Moderate"
    SERIOUS = "Serious"
    CRITICAL = "Critical"
    VERY_HIGH = "Very high"
    NO_INFORMATION = "No information"
    UNCLEAR = "Unclear"
    GOOD = "Good"
    FAIR = "Fair"
    POOR = "Poor"
    INCLUDE = "Include"
    EXCLUDE = "Exclude"
    SEEK_INFO = "Seek further info"


NA = "NA"
"""The answer recorded for a question that does not apply given earlier answers."""

YES = frozenset({"Y", "PY"})
NO = frozenset({"N", "PN"})
NI = frozenset({"NI"})
"""Groups of the Y/PY/PN/N/NI answers, as the guidance's flowcharts branch on them."""

RuleKind = Literal["published", "derived", "reviewer"]
"""Where a domain's algorithm comes from: the guidance's own flowchart or
table (`published`), our reading of the guidance's criteria where it gives
none, conservative and documented (`derived`), or no suggestion at all: the
reviewer judges (`reviewer`)."""


class InvalidAnswer(ReviewError):
    """An answer that the tool does not allow for that item; nothing was recorded."""

    exit_code = ExitCode.INPUT


class InvalidJudgement(ReviewError):
    """A judgement off the tool's scale, or an override without its justification."""

    exit_code = ExitCode.INPUT


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a tool and its algorithm are published."""

    authors: str
    year: int
    title: str
    source: str
    """Journal reference or URL."""

    def __str__(self) -> str:
        return f"{self.authors} ({self.year}). {self.title}. {self.source}"


@dataclass(frozen=True, slots=True)
class When:
    """A question applies when an earlier item was answered with one of `values`.

    `any_of` lists several items read the same way ("if Y/PY/NI to 2.1 or
    2.2"); `all_of` needs every one of them ("if N/PN/NI to 4.1 and 4.2").
    An unanswered or not-applicable item never satisfies a condition, so a
    conditional question appears only once the answers it hangs on exist.
    """

    items: tuple[str, ...]
    values: frozenset[str]
    all_of: bool = False

    def holds(self, answers: Mapping[str, str]) -> bool:
        hits = [answers.get(item) in self.values for item in self.items]
        return all(hits) if self.all_of else any(hits)

    def describe(self) -> str:
        values = "/".join(v for v in ("Y", "PY", "PN", "N", "NI") if v in self.values)
        values = values or "/".join(sorted(self.values))
        joiner = " and " if self.all_of else " or "
        return f"if {values} to {joiner.join(self.items)}"


@dataclass(frozen=True, slots=True)
class Either:
    """A question that applies when any one of several conditions holds."""

    conditions: tuple[When, ...]

    def holds(self, answers: Mapping[str, str]) -> bool:
        return any(c.holds(answers) for c in self.conditions)

    def describe(self) -> str:
        return ", or ".join(c.describe() for c in self.conditions)


Condition = When | Either


@dataclass(frozen=True, slots=True)
class Question:
    """One signalling question or checklist item."""

    item: str
    """Published item number (`1.1`, `2.3`, `S1`), unique within a tool and variant."""
    text: str
    """A short paraphrase in our own words."""
    options: tuple[str, ...]
    """Answer codes the reviewer may give when the question applies."""
    when: Condition | None = None
    """None: always asked. Otherwise asked only when the condition holds;
    when it does not, the answer is NA whatever was typed before."""
    stars: Mapping[str, int] = field(default_factory=dict)
    """Newcastle–Ottawa: stars earned by each answer code."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Labels of this question's own options (NOS); empty: the tool's answer labels."""


@dataclass(frozen=True, slots=True)
class Domain:
    """A domain of bias (or of applicability), its questions and its algorithm."""

    id: str
    """Short id as robvis labels columns: `D1`, `D1b`, `D2`…"""
    name: str
    """Short name for narrow columns."""
    full_name: str
    questions: tuple[Question, ...]
    rule: Callable[[Mapping[str, str]], Judgement] | None
    """Answers (every applicable question answered; the others NA) → the
    suggested judgement. None: the reviewer judges without a suggestion."""
    rule_kind: RuleKind
    rule_source: str
    """The page, figure or table of the guidance the rule follows, or how it was derived."""
    variant: str | None = None
    """Set when the domain exists in one variant of the tool only (RoB 2's
    domain 2 for the effect of assignment or of adhering)."""
    kind: Literal["bias", "applicability", "checklist"] = "bias"
    """QUADAS-2 judges applicability apart from bias; JBI items have no domain judgement."""

    def question(self, item: str) -> Question | None:
        return next((q for q in self.questions if q.item == item), None)


@dataclass(frozen=True, slots=True)
class Variant:
    """A choice made once per assessment that swaps some domains."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Tool:
    """A published risk-of-bias or appraisal tool, complete enough to assess with."""

    id: str
    """Tool id as the protocol names it (`rob2`, `robins_i`…)."""
    name: str
    citation: Citation
    level: Literal["result", "study"]
    """`result`: one assessment per outcome × timepoint × comparison (RoB 2)."""
    answer_labels: Mapping[str, str]
    """Answer code → label, in the order a picker shows them."""
    scale: tuple[Judgement, ...]
    """Domain judgements, best first."""
    overall_scale: tuple[Judgement, ...]
    domains: tuple[Domain, ...]
    overall_rule: Callable[[Sequence[Judgement]], Judgement] | None
    """Domain judgements → the suggested overall judgement; None: the reviewer decides."""
    overall_source: str
    overall_note: str = ""
    """What the algorithm cannot decide and the reviewer may, shown beside the suggestion."""
    variants: tuple[Variant, ...] = ()
    """Empty, or the choices of which the first is the default."""
    directions: tuple[str, ...] = ()
    """Allowed predicted directions of bias (RoB 2); empty when the tool asks none."""
    notes: str = ""
    """What an assessor should know about how the tool is modelled here."""

    def domains_for(self, variant: str | None = None) -> tuple[Domain, ...]:
        """The domains an assessment walks, in order, for a variant (default: the first)."""
        chosen = self.variant_id(variant)
        return tuple(d for d in self.domains if d.variant is None or d.variant == chosen)

    def variant_id(self, variant: str | None) -> str | None:
        if not self.variants:
            if variant is not None:
                raise InvalidAnswer(
                    f"{self.name} has no variants; got {variant!r}", field="variant"
                )
            return None
        if variant is None:
            return self.variants[0].id
        known = [v.id for v in self.variants]
        if variant not in known:
            raise InvalidAnswer(
                f"{self.name} has no variant {variant!r}",
                field="variant",
                hint=f"choose one of {', '.join(known)}",
            )
        return variant

    def domain(self, domain_id: str, variant: str | None = None) -> Domain:
        for d in self.domains_for(variant):
            if d.id == domain_id:
                return d
        raise InvalidAnswer(
            f"{self.name} has no domain {domain_id!r}",
            field=domain_id,
            hint=f"domains: {', '.join(d.id for d in self.domains_for(variant))}",
        )

    def bias_domains(self, variant: str | None = None) -> tuple[Domain, ...]:
        """The domains that enter the overall judgement and robvis's D1..Dn columns."""
        return tuple(d for d in self.domains_for(variant) if d.kind == "bias")

"""The protocol file's schema as pydantic models: the reference for every key.

Every model forbids unknown keys (a typo is an error, not a silently ignored
setting) and is strict (`"2"` is not 2, `yes` is not true). Checks that span
several keys — unique ids, option counts, `min <= max`, designs named in the
risk-of-bias map — live in `review.protocol.rules`, which runs them on the raw
file so that all of them are reported together with the type errors found here;
load files through `review.protocol.load_protocol`, not `Protocol(...)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, NamedTuple

from pydantic import Field

from review.models import Stage
from review.protocol.base import Code, Key, StrictModel, Text, TextList
from review.protocol.form import Extraction, FormField, FormFieldRef

RobTool = Literal[
    "rob2",
    "rob2_cluster",
    "rob2_crossover",
    "robins_i",
    "robins_e",
    "quadas2",
    "quips",
    "rob1",
    "nos",
    "jbi_case_report",
    "none",
]
RESULT_LEVEL_TOOLS = frozenset({"rob2", "rob2_cluster", "rob2_crossover"})
"""Tools judged once per result (outcome × timepoint) rather than once per study."""


class ReviewInfo(StrictModel):
    """What the review is and who runs it."""

    title: Text
    """The review's working title, as it will head the report."""
    question: Text
    """The review question in one or two sentences."""
    authors: list[Text] = []
    """Review authors, in byline order."""
    team: Text | None = None
    """The group or unit running the review, if it has a name."""
    registration: Text | None = None
    """Where the protocol is registered, e.g. `PROSPERO CRD42024512345` or an OSF DOI."""


class Pico(StrictModel):
    """The question broken into its PICO elements; each is text or a list of text."""

    population: TextList = Field(min_length=1)
    """Who the evidence is about."""
    intervention: TextList = Field(min_length=1)
    """The treatment or exposure under review."""
    comparator: TextList = []
    """What the intervention is compared with; empty when single-arm evidence is accepted."""
    outcomes: TextList = Field(min_length=1)
    """Outcomes of interest, primary first."""


class Criterion(StrictModel):
    """One eligibility criterion, shown to screeners on demand."""

    id: Code
    """Short code, unique across inclusion and exclusion criteria, e.g. `I2`, `E4`."""
    text: Text
    """The criterion as a screener should apply it."""


class Eligibility(StrictModel):
    """Inclusion and exclusion criteria."""

    include: list[Criterion] = Field(min_length=1)
    """A study must meet every inclusion criterion."""
    exclude: list[Criterion] = []
    """A study meeting any exclusion criterion is excluded."""


class Highlight(StrictModel):
    """Words the screening screen highlights in titles and abstracts.

    Matched case-insensitively as whole words or phrases; a trailing `*`
    matches any ending (`oropharyn*` finds oropharynx and oropharyngeal).
    """

    include_terms: list[Text] = []
    """Terms suggesting a record is relevant."""
    exclude_terms: list[Text] = []
    """Terms suggesting a record is not (animal work, other cancers, reviews)."""


class Reason(StrictModel):
    """An exclusion reason a screener picks; PRISMA lists them with counts."""

    id: Code
    """Stored with each exclusion; unique within its stage."""
    label: Text
    """Shown in the picker and in PRISMA exports, so it holds no `,` or `;`."""
    help: Text | None = None
    """When to use this reason, shown beside it."""
    not_retrieved: bool = False
    """True for the one full-text reason meaning 'report could not be obtained':
    PRISMA 2020 counts those as 'reports not retrieved', not as exclusions."""


class ScreeningStage(StrictModel):
    """Settings shared by both screening stages."""

    reasons: list[Reason] = []
    """Exclusion reasons offered at this stage, in picker order."""
    reason_required: bool = False
    """Whether an exclusion is refused until a reason is picked."""

    def reason(self, reason_id: str) -> Reason:
        """The reason with this id; KeyError names the ids that exist."""
        for reason in self.reasons:
            if reason.id == reason_id:
                return reason
        known = ", ".join(r.id for r in self.reasons) or "none"
        raise KeyError(f"no exclusion reason {reason_id!r} (known: {known})")


class TitleAbstractStage(ScreeningStage):
    """Title/abstract screening: reasons optional by default, as most reviews do."""


class FullTextStage(ScreeningStage):
    """Full-text screening: every exclusion carries one reason (PRISMA 2020 item 16a)."""

    reason_required: bool = True
    """Whether an exclusion is refused until a reason is picked."""


class Stages(StrictModel):
    """The two screening stages, keyed by `review.models.Stage` values."""

    title_abstract: TitleAbstractStage = TitleAbstractStage()
    """Screening on title and abstract."""
    full_text: FullTextStage
    """Screening on the full report."""


class Stopping(StrictModel):
    """The stopping rule's settings (prioritised title/abstract screening)."""

    target_recall: float = Field(default=0.95, gt=0, le=1)
    """Share of the relevant records screening must find before stopping."""
    confidence: float = Field(default=0.95, gt=0, lt=1)
    """How sure the rule must be that the target recall is reached."""


class Screening(StrictModel):
    """How records are screened."""

    reviewers_per_record: Literal[1, 2] = 2
    """Independent screeners per record; 2 is the Cochrane standard."""
    blind: bool | None = None
    """Whether screeners see each other's decisions before deciding. Unset means
    blind when two reviewers screen; `true` with one reviewer is an error."""
    maybe_counts_as: Literal["include"] = "include"
    """How a 'maybe' is treated when moving on and in agreement statistics:
    as an include, so uncertain records reach the full text."""
    stages: Stages
    """Per-stage exclusion reasons."""
    prioritise: bool = False
    """Offer title/abstract records most likely relevant first, ranked by a model
    trained on each reviewer's own decisions (`p` on the screening screen toggles it)."""
    stopping: Stopping = Stopping()
    """Target recall and confidence of the stopping rule."""

    @property
    def is_blind(self) -> bool:
        return self.blind if self.blind is not None else self.reviewers_per_record == 2


class RiskOfBias(StrictModel):
    """Which appraisal tool applies to which study design."""

    design_field: Key = "study_design"
    """Id of the per-study choice field that records the design; when the form
    has it, every design below must be one of its options and vice versa."""
    tools: dict[Text, RobTool] = {}
    """Design → tool. Tools: `rob2` (RoB 2, randomised trials, per result),
    `rob2_cluster`, `rob2_crossover` (crossover trials, per result), `robins_i`
    (non-randomised studies of interventions),
    `robins_e` (exposures), `quadas2` (diagnostic accuracy), `quips`
    (prognosis), `rob1` (Cochrane's original tool), `nos` (Newcastle-Ottawa),
    `jbi_case_report` (JBI checklist for case reports), `none` (not appraised)."""

    def tool_for(self, design: str) -> RobTool | None:
        """The tool for a design, or None when the protocol does not name one."""
        return self.tools.get(design)


class Synthesis(StrictModel):
    """How extracted studies enter the synthesis."""

    narrative_only: list[Text] = []
    """Designs extracted and appraised but left out of the meta-analysis export
    (e.g. case reports): they are described narratively."""


class HighlightTerms(NamedTuple):
    """The protocol's highlight terms, de-duplicated, ready for the screening screen."""

    include: tuple[str, ...]
    exclude: tuple[str, ...]


class Protocol(StrictModel):
    """A review protocol: the question, screening rules, forms and appraisal tools."""

    version: Literal[1]
    """Version of this file's schema (not of the review's protocol); currently 1."""
    review: ReviewInfo
    """Title, question, authors, registration."""
    pico: Pico
    """Population, intervention, comparator, outcomes."""
    eligibility: Eligibility
    """Inclusion and exclusion criteria."""
    highlight: Highlight = Highlight()
    """Terms highlighted while screening."""
    screening: Screening
    """Reviewers per record, blinding and exclusion reasons per stage."""
    extraction: Extraction = Extraction()
    """The data extraction form."""
    risk_of_bias: RiskOfBias = RiskOfBias()
    """Appraisal tool per study design."""
    synthesis: Synthesis = Synthesis()
    """Which designs stay out of the meta-analysis."""

    def stage(self, stage_id: Stage | str) -> ScreeningStage:
        """Settings and reasons of a screening stage (`title_abstract` or `full_text`)."""
        stage = Stage(stage_id)
        stages = self.screening.stages
        return stages.title_abstract if stage is Stage.TITLE_ABSTRACT else stages.full_text

    def all_form_fields(self) -> Iterator[FormFieldRef]:
        """Every extraction field in form order, with its section and group."""
        for section in self.extraction.sections:
            for form_field in section.fields:
                yield FormFieldRef((section.id, form_field.id), section, None, form_field)
            for group in section.groups:
                for form_field in group.fields:
                    path = (section.id, group.id, form_field.id)
                    yield FormFieldRef(path, section, group, form_field)

    def form_field(self, key: str) -> FormFieldRef:
        """The field at a dotted path such as `study.study_design`."""
        for ref in self.all_form_fields():
            if ref.key == key:
                return ref
        raise KeyError(f"no extraction field {key!r}")

    def design_field(self) -> FormField | None:
        """The per-study choice field recording the study design, if the form has one."""
        for ref in self.all_form_fields():
            if ref.group is None and ref.field.id == self.risk_of_bias.design_field:
                return ref.field
        return None

    def highlight_terms(self) -> HighlightTerms:
        return HighlightTerms(
            _unique(self.highlight.include_terms), _unique(self.highlight.exclude_terms)
        )


def _unique(terms: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for term in terms:
        seen.setdefault(term.casefold(), term)
    return tuple(seen.values())


def term_pattern(terms: tuple[str, ...] | list[str]) -> re.Pattern[str] | None:
    """One case-insensitive regex matching any term as a whole word or phrase.

    A trailing `*` matches any word ending; otherwise the last word also
    matches its simple plural (`inhibitor` → `inhibitors`, `therapy` →
    `therapies`). Spaces inside a phrase match any whitespace run or hyphen.
    Longer terms come first so a phrase wins over its first word.
    """
    parts: list[str] = []
    for term in sorted(terms, key=len, reverse=True):
        stem = term.rstrip("*")
        if not stem:
            continue
        words = [re.escape(word) for word in stem.split()]
        if term.endswith("*"):
            tail = r"\w*"
        elif words[-1][-1:].lower() == "y" and words[-1][-2:-1].lower() not in "aeiou":
            words[-1], tail = words[-1][:-1], "(?:y|ies)"
        elif words[-1][-1:].isalpha():
            tail = "(?:s|es)?"
        else:
            tail = ""
        parts.append(r"[\s-]+".join(words) + tail)
    if not parts:
        return None
    # One boundary check around the whole alternation, not one per term: the
    # engine then tries the terms only where a word starts (~10x faster).
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.IGNORECASE)

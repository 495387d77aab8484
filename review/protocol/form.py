"""The extraction form's schema: fields, groups, sections, and the metafor
columns a results field may feed. Kept apart from the rest of the protocol
because the form is its largest part and the exports read it on its own."""

from __future__ import annotations

from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BeforeValidator, Field

from review.protocol.base import Key, StrictModel, Text


def _options_to_mappings(value: Any) -> Any:
    """Accept `- no` and `- 3` as options whose id and label are the value itself."""
    if not isinstance(value, list):
        return value
    return [
        {"id": str(item)}
        if isinstance(item, str | int | float) and not isinstance(item, bool)
        else item
        for item in value
    ]


FieldType = Literal[
    "text", "long_text", "integer", "number", "choice", "multi_choice", "yes_no", "date"
]
CHOICE_TYPES = frozenset({"choice", "multi_choice"})
NUMERIC_TYPES = frozenset({"integer", "number"})

MetaforColumn = Literal[
    "ai", "bi", "ci", "di", "n1i", "n2i",
    "m1i", "sd1i", "m2i", "sd2i",
    "xi", "ni",
    "yi", "vi", "sei",
    "hr", "or", "rr", "ci_lower", "ci_upper",
]  # fmt: skip
COUNT_COLUMNS = frozenset({"ai", "bi", "ci", "di", "n1i", "n2i", "xi", "ni"})
"""metafor columns that hold counts of participants or events: integer fields only."""
ESTIMATE_COLUMNS = frozenset({"hr", "or", "rr"})
"""Ratio estimates reported with a confidence interval (`ci_lower`, `ci_upper`)."""

RepeatKind = Literal["arm", "outcome_timepoint"]
RESULT_KEY_FIELDS = ("outcome", "timepoint", "comparison")
"""Field ids every `repeat: outcome_timepoint` group has: the export's row key."""
ARM_KEY_FIELD = "name"
"""Field id every `repeat: arm` group has, so comparisons can name arms."""


class Option(StrictModel):
    """One answer of a choice field; a bare `- value` sets the id only."""

    id: Text
    """The value stored and exported, unique within the field."""
    label: Text | None = None
    """What the form shows; defaults to the id."""

    @property
    def text(self) -> str:
        return self.label or self.id


class FormField(StrictModel):
    """One item of the extraction form."""

    id: Key
    """Column name in exports; unique within its section or group."""
    label: Text
    """The question as the form shows it."""
    type: FieldType
    """`text` (one line), `long_text`, `integer`, `number`, `choice` (one of
    `options`), `multi_choice` (any of `options`), `yes_no`, or `date` (ISO
    `YYYY-MM-DD`, or `YYYY-MM` / `YYYY` when that is all the report gives)."""
    help: Text | None = None
    """Guidance for the extractor: where to look, how to record edge cases."""
    required: bool = False
    """Whether a study's form counts as complete only once this is filled."""
    unit: Text | None = None
    """Unit of an integer or number, e.g. `months`, `Gy`; every `number` field
    states one (`none` for ratios, scores and p-values) unless it maps to metafor."""
    min: float | None = None
    """Smallest accepted value of an integer or number."""
    max: float | None = None
    """Largest accepted value of an integer or number."""
    options: Annotated[list[Option], BeforeValidator(_options_to_mappings)] = []
    """Answers of a choice or multi_choice field; at least two."""
    metafor: MetaforColumn | None = None
    """The metafor column this field feeds in the meta-analysis export: 2×2
    counts `ai bi ci di n1i n2i`, continuous `m1i sd1i m2i sd2i` (with `n1i
    n2i`), proportions `xi ni`, precomputed `yi vi sei`, or a ratio estimate
    `hr`/`or`/`rr` with `ci_lower` and `ci_upper`. Only in results groups."""

    def option_ids(self) -> list[str]:
        return [option.id for option in self.options]


class Group(StrictModel):
    """Fields answered once per arm, per result, or per item of any repeated list."""

    id: Key
    """Unique within its section."""
    label: Text
    """Heading of the group; for a generic repeating group it names one item."""
    help: Text | None = None
    """Guidance shown above the group."""
    repeat: RepeatKind | None = None
    """`arm`: once per arm (needs a `name` field). `outcome_timepoint`: once per
    outcome × timepoint × comparison, the row of the meta-analysis export (needs
    `outcome`, `timepoint` and `comparison` fields)."""
    repeats: bool | None = None
    """`true` for a group repeated any number of times that is neither arms nor
    results (e.g. adverse events by type); implied by `repeat`."""
    fields: list[FormField] = Field(min_length=1)
    """The group's fields, in form order."""

    @property
    def is_repeating(self) -> bool:
        return self.repeat is not None or bool(self.repeats)


class Section(StrictModel):
    """A page of the extraction form: fields answered once per study, and groups."""

    id: Key
    """Unique across the form."""
    label: Text
    """Heading of the page."""
    help: Text | None = None
    """Guidance shown above the section."""
    fields: list[FormField] = []
    """Fields answered once per study."""
    groups: list[Group] = []
    """Groups of fields, repeating or not, after the section's own fields."""


class Extraction(StrictModel):
    """The data extraction form, filled once per study."""

    reviewers_per_study: Literal[1, 2] = 1
    """Independent extractors per study: 2 for dual extraction (Cochrane's
    standard for outcome data), whose differences are compared and agreed."""
    blind: bool | None = None
    """Whether an extractor sees the other's values before the comparison.
    Unset means blind when two extract; `true` with one extractor is an error."""
    sections: list[Section] = []
    """Pages of the form, in order."""

    @property
    def is_blind(self) -> bool:
        return self.blind if self.blind is not None else self.reviewers_per_study == 2


class FormFieldRef(NamedTuple):
    """A field with where it sits: `path` is (section, [group,] field) ids."""

    path: tuple[str, ...]
    section: Section
    group: Group | None
    field: FormField

    @property
    def key(self) -> str:
        """Dotted path, e.g. `results.hr` — the field's stable address."""
        return ".".join(self.path)

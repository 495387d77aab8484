"""The extraction values the synthesis uses (`extraction.final`), for the
export's included studies: read once for the Studies and Outcomes sheets."""

from __future__ import annotations

from review.exports.load import ExportData
from review.extraction import final
from review.extraction.final import StudyValues
from review.protocol.form import FormFieldRef

__all__ = ["StudyValues", "design_ref", "study_values"]


def study_values(data: ExportData) -> dict[str, StudyValues]:
    """Final values of every included study, by study key."""
    return final.final_study_values(data.store, data.protocol, [s.key for s in data.included])


def design_ref(data: ExportData) -> FormFieldRef | None:
    """The per-study field recording the design (the risk-of-bias map's), if any."""
    return final.design_ref(data.protocol)

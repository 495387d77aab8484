"""Judging on the risk-of-bias assessment screen: confirm the suggestion,
judge otherwise (with a justification), the predicted direction of bias, and
the variant (which effect domain 2 assesses).

Every choice goes through `RobSession`, which refuses an override without a
justification; the pickers only collect what it needs.
"""

from __future__ import annotations

from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY
from review.rob.model import Judgement
from review.rob.overall_check import check_overall
from review.tui.screens.choice_picker import ChoicePicker
from review.tui.screens.rob_assessment_view import AssessmentView
from review.tui.screens.text_prompt import TextPrompt


class JudgingKeys(AssessmentView):
    """The judging keys (c, j, b, v); the assessment screen binds them."""

    def action_confirm(self) -> None:
        key = self.key
        if self._run(lambda: self.session.confirm(key, agreed=self.agreed)):
            self._warn_overall(key)

    def _warn_overall(self, key: str) -> None:
        """Say at once when an overall judgement just stored comes before the
        domains or below what they imply; it stays stored as chosen."""
        if key in (OVERALL, OVERALL_APPLICABILITY):
            for warning in check_overall(self.assessment, key).warnings:
                self.notify(warning, severity="warning", timeout=8)

    def action_judge(self) -> None:
        key = self.key
        a = self.assessment
        is_overall = key in (OVERALL, OVERALL_APPLICABILITY)
        scale = self.session.tool.overall_scale if is_overall else self.session.tool.scale
        if not scale:
            self.notify(f"{key}: items only, no judgement", severity="warning")
            return
        suggested = a.suggested(key)
        final = a.final(key)
        choices = [(j.value, j.value, str(n + 1)) for n, j in enumerate(scale)]

        def chosen(value: str | None) -> None:
            if value is None:
                return
            judgement = Judgement(value)
            if suggested is None or judgement == suggested:
                if self._run(lambda: self.session.decide(key, judgement, agreed=self.agreed)):
                    self._warn_overall(key)
                return

            def justified(text: str | None) -> None:
                if text is None:
                    return
                if not text:
                    self.notify(
                        f"{key}: {judgement} departs from the suggested {suggested}; "
                        "a justification is needed — nothing saved",
                        severity="error",
                    )
                    return
                if self._run(lambda: self.session.decide(key, judgement, text, agreed=self.agreed)):
                    self._warn_overall(key)

            self.app.push_screen(
                TextPrompt(
                    f"Why {judgement}, not the suggested {suggested}?",
                    placeholder="Justification (required for an override)",
                ),
                justified,
            )

        self.app.push_screen(
            ChoicePicker(f"Judge {key}", choices, current=final.value if final else ""), chosen
        )

    def action_direction(self) -> None:
        key = self.key
        tool = self.session.tool
        decision = self.assessment.decisions.get(key)
        if not tool.directions:
            self.notify(f"{tool.name} asks no direction of bias", severity="warning")
            return
        if decision is None:
            self.notify(f"Judge {key} first (c or j)", severity="warning")
            return
        choices = [(d, d, str(n + 1)) for n, d in enumerate(tool.directions)]
        choices.append(("", "No direction", "0"))

        def chosen(value: str | None) -> None:
            if value is not None:
                self._run(
                    lambda: self.session.decide(
                        key,
                        decision.final,
                        decision.justification,
                        direction=value or None,
                        agreed=self.agreed,
                    )
                )

        self.app.push_screen(
            ChoicePicker(f"Direction of bias: {key}", choices, current=decision.direction or ""),
            chosen,
        )

    def action_variant(self) -> None:
        tool = self.session.tool
        if not tool.variants:
            self.notify(f"{tool.name} has no variants", severity="warning")
            return
        choices = [(v.id, v.label, str(n + 1)) for n, v in enumerate(tool.variants)]

        def chosen(value: str | None) -> None:
            if value is not None:
                self._run(lambda: self.session.set_variant(value, agreed=self.agreed))

        self.app.push_screen(
            ChoicePicker(
                "Which effect is assessed? (domain 2 follows)",
                choices,
                current=self.assessment.variant or "",
            ),
            chosen,
        )

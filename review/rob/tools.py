"""The registry: tool id (as the protocol names it) → tool, or why it is not available yet."""

from __future__ import annotations

from review.errors import ExitCode, ReviewError
from review.rob.jbi import JBI_CASE_REPORT, JBI_CASE_SERIES
from review.rob.model import Tool
from review.rob.nos import NOS
from review.rob.quadas2 import QUADAS2
from review.rob.quips import QUIPS
from review.rob.rob1 import ROB1
from review.rob.rob2 import ROB2, ROB2_CLUSTER
from review.rob.rob2_crossover import ROB2_CROSSOVER
from review.rob.robins_e import ROBINS_E
from review.rob.robins_i import ROBINS_I

TOOLS: dict[str, Tool] = {
    t.id: t
    for t in (
        ROB2,
        ROB2_CLUSTER,
        ROB2_CROSSOVER,
        ROBINS_I,
        ROBINS_E,
        QUADAS2,
        QUIPS,
        NOS,
        JBI_CASE_REPORT,
        JBI_CASE_SERIES,
        ROB1,
    )
}
"""Tools ready to assess with. `jbi_case_series` is built but not yet a protocol tool id."""

UNAVAILABLE: dict[str, str] = {
    "none": "The protocol says studies of this design are not appraised",
}
"""Tool ids the protocol accepts that have no tool here, with what to tell the user."""


class ToolUnavailable(ReviewError):
    """A tool id that is known (or not) but cannot be assessed with."""

    exit_code = ExitCode.USAGE


def get_tool(tool_id: str) -> Tool:
    """The tool for an id, or `ToolUnavailable` saying why there is none."""
    if tool_id in TOOLS:
        return TOOLS[tool_id]
    if tool_id in UNAVAILABLE:
        raise ToolUnavailable(f"{tool_id}: {UNAVAILABLE[tool_id]}", field=tool_id)
    raise ToolUnavailable(
        f"unknown risk-of-bias tool {tool_id!r}",
        field=tool_id,
        hint=f"tools: {', '.join([*TOOLS, *UNAVAILABLE])}",
    )


def is_available(tool_id: str) -> bool:
    return tool_id in TOOLS

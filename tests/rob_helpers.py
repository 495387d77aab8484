"""Shared helpers for the risk-of-bias golden tests: rows as text, every path of a domain."""

from __future__ import annotations

from collections.abc import Iterator

from review.rob import Judgement, Tool, applicable_questions, suggest
from review.rob.model import Domain


def answers(row: str) -> dict[str, str]:
    """`"1.1=Y 1.2=PN"` → {"1.1": "Y", "1.2": "PN"}."""
    return dict(pair.split("=") for pair in row.split())


def judge(tool: Tool, domain: str, row: str, variant: str | None = None) -> Judgement | None:
    return suggest(tool, domain, answers(row), variant=variant)


def paths(tool: Tool, domain: Domain) -> Iterator[dict[str, str]]:
    """Every complete answer set reachable by answering only the questions that apply."""

    def walk(given: dict[str, str]) -> Iterator[dict[str, str]]:
        asked = applicable_questions(tool, domain, given)
        todo = [q for q in asked if q.item not in given]
        if not todo:
            yield given
            return
        q = todo[0]
        for option in q.options:
            yield from walk({**given, q.item: option})

    yield from walk({})

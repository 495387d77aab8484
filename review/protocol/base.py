"""Types every part of the protocol schema shares: strict models and the
constrained strings (non-blank text, machine keys, short codes)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints


def _text_to_list(value: Any) -> Any:
    """Let a PICO element be one sentence or a list of them."""
    return [value] if isinstance(value, str) else value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Non-blank text; surrounding whitespace is dropped."""

TextList = Annotated[list[Text], BeforeValidator(_text_to_list)]
"""One sentence or a list of sentences; always a list once loaded."""

KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=60)]
"""A machine name that becomes a column or a stored key: `n_randomised`."""

CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=40)]
"""A short code a reviewer may type or see in exports: `E3`, `wrong_population`."""


class StrictModel(BaseModel):
    """Base of every protocol model: unknown keys and loose types are errors."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True
    )

"""The user's settings file: who is reviewing and which keys they prefer.

One TOML file per user, found in one place (`config_path`): `$REVIEW_CONFIG`,
else `$XDG_CONFIG_HOME/review/config.toml`, else `~/.config/review/config.toml`.
No file means defaults. The file is read strictly, so a typo is an error
naming the file, line and key rather than a setting silently ignored::

    reviewer = "Ann"

    [keys]
    "screening.include" = "i"
    "screening.exclude" = "x,e"      # alternatives, comma-separated

Binding ids are checked against the app's bindings by the TUI, which knows
them (`unknown_binding_ids` helps); this module only checks the file's shape.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from review.errors import UsageError

_TOP_LEVEL = ("reviewer", "keys")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_KEY_ALTERNATIVE = re.compile(r"^\S+$")
_HINT = "see the Configuration section of the README"


class ConfigError(UsageError):
    """The settings file cannot be used as written; nothing from it was applied."""


@dataclass(frozen=True)
class Settings:
    """What the settings file says; defaults when there is none."""

    reviewer: str | None = None
    """Default reviewer name; `--reviewer` and `$REVIEW_REVIEWER` win over it."""
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id → Textual key string (alternatives comma-separated, no spaces)."""
    path: Path | None = None
    """The file these settings came from; None when no file was found."""

    def key(self, binding_id: str, default: str) -> str:
        """The keys for a binding: the user's choice, else the app's default."""
        return self.keys.get(binding_id, default)


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the settings file is looked for, whether or not it exists."""
    env = os.environ if env is None else env
    if explicit := env.get("REVIEW_CONFIG", "").strip():
        return Path(explicit).expanduser()
    base = env.get("XDG_CONFIG_HOME", "").strip()
    root = Path(base).expanduser() if base else Path.home() / ".config"
    return root / "review" / "config.toml"


def load_settings(path: Path | None = None, *, env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings file at `path` (default: `config_path(env)`).

    A missing file gives defaults, except one named by `$REVIEW_CONFIG`:
    a user who points at a file expects it to be read, so a typo there is
    an error rather than a silent fallback.
    """
    env = os.environ if env is None else env
    explicit = path is not None or bool(env.get("REVIEW_CONFIG", "").strip())
    target = path if path is not None else config_path(env)
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        if explicit:
            raise ConfigError(
                "the settings file does not exist",
                path=target,
                hint="create it, or unset REVIEW_CONFIG to use the default location",
            ) from None
        return Settings()
    except OSError as exc:
        raise ConfigError(f"cannot read the settings file ({exc.strerror})", path=target) from None
    return parse_settings(raw, path=target)


def parse_settings(raw: bytes | str, *, path: Path | None = None) -> Settings:
    """Settings from the text of a TOML file; `path` is used in messages only."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ConfigError("the settings file is not UTF-8 text", path=path, hint=_HINT) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = _split_position(str(exc))
        raise ConfigError(
            f"not valid TOML: {message}",
            path=path,
            line=line,
            hint='TOML strings need quotes, e.g. reviewer = "Ann"; ' + _HINT,
        ) from None
    lines = text.splitlines()
    for name in data:
        if name not in _TOP_LEVEL:
            close = difflib.get_close_matches(name, _TOP_LEVEL, n=1)
            raise ConfigError(
                "unknown setting",
                path=path,
                line=_line_of(lines, name),
                field=name,
                hint=f"did you mean {close[0]!r}?"
                if close
                else f"known: reviewer, [keys]; {_HINT}",
            )
    return Settings(
        reviewer=_reviewer(data.get("reviewer"), lines, path),
        keys=_keys(data.get("keys", {}), lines, path),
        path=path,
    )


def resolve_reviewer(cli_value: str | None, env: Mapping[str, str], config: Settings) -> str | None:
    """The reviewer's name: `--reviewer`, else `$REVIEW_REVIEWER`, else the config.

    Blank values count as absent, so `REVIEW_REVIEWER=` does not hide the config.
    """
    for value in (cli_value, env.get("REVIEW_REVIEWER"), config.reviewer):
        if value and value.strip():
            return value.strip()
    return None


def unknown_binding_ids(settings: Settings, known: set[str]) -> list[str]:
    """Binding ids in the settings the app does not have, sorted (typos, old names)."""
    return sorted(set(settings.keys) - known)


def _reviewer(value: Any, lines: list[str], path: Path | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            "reviewer must be a non-empty text in quotes",
            path=path,
            line=_line_of(lines, "reviewer"),
            field="reviewer",
            hint='e.g. reviewer = "Ann"',
        )
    return value.strip()


def _keys(value: Any, lines: list[str], path: Path | None) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(
            "keys must be a table of binding id = key",
            path=path,
            line=_line_of(lines, "keys"),
            field="keys",
            hint='e.g. [keys] then "screening.include" = "i" on the next line',
        )
    keys: dict[str, str] = {}
    for binding_id, spec in _flatten(value):
        line, name = _line_of(lines, binding_id), f"keys.{binding_id}"
        if not isinstance(spec, str):
            raise ConfigError(
                "a key must be text in quotes",
                path=path,
                line=line,
                field=name,
                hint='e.g. "i", "ctrl+z", or alternatives "x,e"',
            )
        parts = [part.strip() for part in spec.split(",")]
        if not all(parts) or not all(_KEY_ALTERNATIVE.match(part) for part in parts):
            raise ConfigError(
                f"{spec!r} is not a key or a comma-separated list of keys",
                path=path,
                line=line,
                field=name,
                hint='key names have no spaces: "space", "ctrl+z", "question_mark"',
            )
        keys[binding_id] = ",".join(parts)
    return keys


def _flatten(table: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Dotted TOML keys as binding ids: `screening.include = "i"` (unquoted) and
    `[keys.screening]` tables parse as nested tables but mean the same id."""
    items: list[tuple[str, Any]] = []
    for name, value in table.items():
        if isinstance(value, dict):
            items += _flatten(value, f"{prefix}{name}.")
        else:
            items.append((f"{prefix}{name}", value))
    return items


def _split_position(message: str) -> tuple[str, int | None]:
    """tomllib's message without its "(at line L, column C)" tail, and L."""
    match = _TOML_POSITION.search(message)
    if not match:
        return message, None
    return message[: match.start()], int(match.group(1))


def _line_of(lines: list[str], name: str) -> int | None:
    """The first line that assigns `name` (bare or quoted) or opens table `[name]`.

    tomllib keeps no positions for values, so a type error is placed by
    finding the key in the text: good enough to point a user at the line.
    """
    quoted = re.escape(name)
    pattern = re.compile(
        rf"""^\s*(?:\[\s*{quoted}\s*\]|(?:keys\s*\.\s*)?(?:{quoted}|"{quoted}"|'{quoted}')\s*=)"""
    )
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return number
    return None

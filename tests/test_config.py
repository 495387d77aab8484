"""The settings file as a user writes it: where it is found, what is read, what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.config import (
    ConfigError,
    Settings,
    config_path,
    load_settings,
    parse_settings,
    resolve_reviewer,
    unknown_binding_ids,
)
from review.errors import ExitCode, UsageError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_path_from_review_config_then_xdg_then_home(tmp_path: Path) -> None:
    assert config_path({"REVIEW_CONFIG": str(tmp_path / "mine.toml")}) == tmp_path / "mine.toml"
    assert config_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "review" / "config.toml"
    assert config_path({}) == Path.home() / ".config" / "review" / "config.toml"


def test_no_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert settings == Settings(reviewer=None, keys={}, path=None)


def test_a_missing_file_named_by_review_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(env={"REVIEW_CONFIG": str(tmp_path / "typo.toml")})
    assert raised.value.path == tmp_path / "typo.toml"
    assert "REVIEW_CONFIG" in (raised.value.hint or "")


def test_reads_reviewer_and_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
reviewer = "Ann"

[keys]
"screening.include" = "i"
"screening.exclude" = "x, e"
screening.undo = "ctrl+z"
""",
    )
    settings = load_settings(env={"REVIEW_CONFIG": str(path)})
    assert settings.reviewer == "Ann"
    assert settings.path == path
    assert settings.keys == {
        "screening.include": "i",
        "screening.exclude": "x,e",
        "screening.undo": "ctrl+z",
    }
    assert settings.key("screening.include", "y") == "i"
    assert settings.key("screening.maybe", "m") == "m"


def test_nested_key_tables_mean_dotted_ids() -> None:
    settings = parse_settings('[keys.screening]\ninclude = "i"\n')
    assert settings.keys == {"screening.include": "i"}


def test_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'reviewer = "Ann"\n[keys]\n"screening.include" = i\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    error = raised.value
    assert error.exit_code == ExitCode.USAGE
    assert isinstance(error, UsageError)
    assert error.line == 3
    assert str(error).startswith(f"{path}:3: not valid TOML")
    assert "hint:" in str(error)


def test_unknown_setting_suggests_the_closest(tmp_path: Path) -> None:
    path = write(tmp_path, 'reviewr = "Ann"\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert (raised.value.line, raised.value.field) == (1, "reviewr")
    assert "did you mean 'reviewer'" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("reviewer = 3\n", 1, "reviewer"),
        ('reviewer = "  "\n', 1, "reviewer"),
        ('keys = "i"\n', 1, "keys"),
        ('\n[keys]\n"screening.include" = 1\n', 3, "keys.screening.include"),
        ('[keys]\n"screening.include" = "ctrl + z"\n', 2, "keys.screening.include"),
        ('[keys]\n"screening.include" = "i,"\n', 2, "keys.screening.include"),
    ],
)
def test_wrong_types_name_line_and_field(text: str, line: int, field: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_settings(text, path=Path("config.toml"))
    assert (raised.value.line, raised.value.field) == (line, field)
    assert raised.value.hint


def test_not_utf8_is_refused() -> None:
    with pytest.raises(ConfigError, match="not UTF-8"):
        parse_settings('reviewer = "Jos\xe9"'.encode("latin-1"))


def test_reviewer_precedence_cli_then_env_then_config() -> None:
    config = Settings(reviewer="Config")
    assert resolve_reviewer("Cli", {"REVIEW_REVIEWER": "Env"}, config) == "Cli"
    assert resolve_reviewer(None, {"REVIEW_REVIEWER": "Env"}, config) == "Env"
    assert resolve_reviewer(None, {"REVIEW_REVIEWER": " "}, config) == "Config"
    assert resolve_reviewer("", {}, config) == "Config"
    assert resolve_reviewer(None, {}, Settings()) is None


def test_unknown_binding_ids() -> None:
    settings = Settings(keys={"screening.include": "i", "screening.inclde": "j", "zz": "z"})
    assert unknown_binding_ids(settings, {"screening.include"}) == ["screening.inclde", "zz"]

"""Load a protocol file and report every problem in it with file:line:field and a hint.

Three passes, all of which run before anything is reported, so a user fixes
a file in one round: YAML is read into plain data with a line for every key
and list item; pydantic checks shapes and types against `protocol_models`;
then the rules below check what spans several keys. Each finding becomes a
`Problem` whose line comes from the line table (or the nearest enclosing key
that has one) and whose field is a dotted path such as
`screening.stages.full_text.reasons[2].label`.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from review.errors import Problem, ProtocolError
from review.protocol.models import Protocol
from review.protocol.rules import Issue, Lines, Loc, rule_issues

__all__ = [
    "LoadedProtocol",
    "Protocol",
    "check_protocol",
    "check_protocol_text",
    "load_protocol",
    "parse_protocol",
    "read_yaml",
]


@dataclass(frozen=True)
class LoadedProtocol:
    """A valid protocol with the exact text it came from, so the store can keep both."""

    protocol: Protocol
    text: str
    hash: str
    """Hex SHA-256 of `text` encoded as UTF-8 (the file's bytes, minus any BOM)."""
    path: Path | None = None


def load_protocol(path: Path | str) -> LoadedProtocol:
    """Read and validate a protocol file; ProtocolError lists every problem."""
    path = Path(path)
    text, problems = _read(path)
    if text is None:
        raise ProtocolError("cannot read the protocol file", path=path, problems=problems)
    return parse_protocol(text, path=path)


def parse_protocol(text: str, *, path: Path | str | None = None) -> LoadedProtocol:
    """Validate protocol text (e.g. the copy kept in a review file)."""
    protocol, problems = _analyse(text)
    if protocol is None or problems:
        count = len(problems)
        raise ProtocolError(
            f"the protocol has {count} problem{'s' if count != 1 else ''}",
            path=path,
            problems=problems,
            hint="fix them all, then run `review protocol check` again",
        )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedProtocol(protocol, text, digest, Path(path) if path is not None else None)


def check_protocol(path: Path | str) -> list[Problem]:
    """Every problem in a protocol file, in line order; empty when it is valid."""
    text, problems = _read(Path(path))
    return problems if text is None else check_protocol_text(text)


def check_protocol_text(text: str) -> list[Problem]:
    return _analyse(text)[1]


def _read(path: Path) -> tuple[str | None, list[Problem]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [Problem(f"cannot read the file: {error.strerror or error}")]
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        # No newline translation: the hash must match the bytes on disk.
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        hint = "save the file as UTF-8"
        return None, [Problem("the file is not UTF-8 text", line=line, hint=hint)]


def _analyse(text: str) -> tuple[Protocol | None, list[Problem]]:
    raw, lines, problems = read_yaml(text)
    if problems and raw is None:
        return None, problems
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        hint = "copy protocols/template.yaml and edit it"
        return None, [*problems, Problem("the protocol file is empty", line=1, hint=hint)]
    if not isinstance(raw, dict):
        kind = "a list" if isinstance(raw, list) else "a single value"
        message = f"the protocol must be a mapping of keys (version, review, pico, …), not {kind}"
        hint = "start each top-level key at the left margin: `version: 1`, `review:` …"
        return None, [*problems, Problem(message, line=1, hint=hint)]
    protocol: Protocol | None = None
    try:
        protocol = Protocol.model_validate(raw)
    except ValidationError as error:
        problems += [_from_pydantic(err, raw, lines) for err in error.errors()]
    problems += [_from_issue(issue, raw, lines) for issue in rule_issues(raw, lines)]
    return protocol, _sorted_unique(problems)


# --- YAML with a line for every key ------------------------------------------


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it: 5-10x faster, same nodes and marks."""


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader reading YAML 1.2 core scalars: only true/false are booleans.

    YAML 1.1 turns `no`, `on`, `y` into booleans, `012` into 10, `1:30` into 90
    and `2024-05-01` into a date; a protocol's option `no` must stay "no".
    """


# A fresh table, so the YAML 1.1 resolvers inherited from SafeLoader are gone.
_Loader.yaml_implicit_resolvers = {}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
# Decimal only: PyYAML's own int constructor reads a leading 0 as octal.
_Loader.add_constructor(
    "tag:yaml.org,2002:int",
    lambda loader, node: int(loader.construct_scalar(typing.cast(yaml.ScalarNode, node))),
)


def read_yaml(text: str) -> tuple[Any, Lines, list[Problem]]:
    """Plain data, a path → 1-based line table, and duplicate-key or syntax problems."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:  # the pure-Python reader checks up front
        return None, {}, [_character_problem(text, error)]
    lines: Lines = {}
    problems: list[Problem] = []
    try:
        node = loader.get_single_node()
        data = _build(loader, node, (), lines, problems, set()) if node is not None else None
    except yaml.reader.ReaderError as error:  # libyaml checks while parsing
        return None, lines, [_character_problem(text, error)]
    except yaml.MarkedYAMLError as error:
        return None, lines, [_syntax_problem(error)]
    except yaml.YAMLError as error:
        return None, lines, [Problem(f"YAML error: {error}")]
    except RecursionError:
        return None, lines, [Problem("the YAML is nested too deeply to be a protocol")]
    finally:
        loader.dispose()
    return data, lines, problems


def _character_problem(text: str, error: yaml.reader.ReaderError) -> Problem:
    line = text[: error.position].count("\n") + 1
    message = f"character U+{error.character:04X} is not allowed in YAML"
    hint = "delete it; such characters often come from pasting out of a PDF"
    return Problem(message, line=line, hint=hint)


def _build(
    loader: _Loader,
    node: yaml.Node,
    path: Loc,
    lines: Lines,
    problems: list[Problem],
    open_nodes: set[int],
) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_object(node, deep=True)
    if id(node) in open_nodes:
        line = node.start_mark.line + 1
        problems.append(Problem("an alias refers to itself", line=line, field=_dotted(path)))
        return None
    open_nodes.add(id(node))
    try:
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                lines[(*path, index)] = item.start_mark.line + 1
                items.append(_build(loader, item, (*path, index), lines, problems, open_nodes))
            return items
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = (
                loader.construct_object(key_node, deep=True)
                if isinstance(key_node, yaml.ScalarNode)
                else None
            )
            if not isinstance(key, str):
                message = "a key must be a word, not a number, a list or a mapping"
                problems.append(Problem(message, line=line, field=_dotted(path) or None))
                continue
            if key in mapping:
                first = lines[(*path, key)]
                where = _dotted((*path, key))
                message = f"duplicate key `{key}` (also on line {first})"
                problems.append(Problem(message, line=line, field=where, hint="keep one of them"))
                continue
            lines[(*path, key)] = line
            mapping[key] = _build(loader, value_node, (*path, key), lines, problems, open_nodes)
        return mapping
    finally:
        open_nodes.discard(id(node))


_SYNTAX_HINTS = (
    (
        "cannot start any token",
        "indent with spaces, never tabs, and quote values starting with @ or `",
    ),
    ("mapping values are not allowed", "quote text containing ': ' or check the indentation"),
    ("expected <block end>", "check the indentation of this line against the one above"),
    ("found undefined alias", "define the anchor (&name) before using *name"),
    ("could not find expected ':'", "a key is missing its ':' or a quote is not closed"),
    ("found unexpected end of stream", "a quote or bracket is not closed"),
    ("expected a single document", "remove the '---' separating a second document"),
)


def _syntax_problem(error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    what = (error.problem or error.context or "unreadable YAML").removeprefix("but ")
    if error.context and error.problem:
        start = error.context_mark.line + 1 if error.context_mark else None
        begun = f" that starts on line {start}" if start and start != line else ""
        what += f" ({error.context}{begun})"
    hint = next((h for needle, h in _SYNTAX_HINTS if needle in str(error)), None)
    return Problem(f"YAML syntax error: {what}", line=line, hint=hint)


# --- from pydantic errors and rule issues to problems -----------------------


def _from_issue(issue: Issue, raw: Any, lines: Lines) -> Problem:
    loc, line = _locate(issue.loc, raw, lines)
    return Problem(issue.message, line=line, field=_dotted(loc) or None, hint=issue.hint)


def _from_pydantic(error: Any, raw: Any, lines: Lines) -> Problem:
    loc = tuple(part for part in error["loc"] if part != "[key]")
    loc, line = _locate(loc, raw, lines)
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    message, hint = _explain(kind, error["msg"], loc, value, ctx)
    return Problem(message, line=line, field=_dotted(loc) or None, hint=hint)


def _explain(
    kind: str, text: str, loc: Loc, value: Any, ctx: dict[str, Any]
) -> tuple[str, str | None]:
    name = (
        _dotted(loc[-2:])
        if loc and isinstance(loc[-1], int)
        else str(loc[-1])
        if loc
        else "protocol"
    )
    hint: str | None
    if kind == "missing":
        if loc == ("version",):
            return "missing required key `version`", "add `version: 1` as the first line"
        where = f"under {_dotted(loc[:-1])}" if loc[:-1] else "at the top level"
        model = _model_at(loc[:-1])
        info = model.model_fields.get(name) if model else None
        about = _first_sentence(info.description) if info and info.description else ""
        return f"missing required key `{name}`", f"add `{name}:` {where}" + (
            f" — {about}" if about else ""
        )
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        known = list(model.model_fields) if model else []
        near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        if near:
            hint = f"did you mean `{near[0]}`?"
        elif name == "<<":
            hint = "YAML merge keys are not supported; write the keys out"
        else:
            hint = f"keys allowed here: {', '.join(known)}" if known else None
        return f"unknown key `{name}`", hint
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        near = difflib.get_close_matches(str(value), expected, n=1, cutoff=0.6)
        hint = f"did you mean '{near[0]}'?" if near else None
        if loc == ("version",):
            hint = "this app reads protocol files of version 1; a newer file needs a newer app"
        return f"{_short(value)} is not allowed here: {text[0].lower()}{text[1:]}", hint
    if kind == "bool_type":
        hint = "write true or false"
        if isinstance(value, str) and value.lower() in {"yes", "no", "on", "off", "y", "n"}:
            hint += f" ('{value}' is read as text here, not as a yes/no)"
        return f"`{name}` must be true or false, not {_short(value)}", hint
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        rule = (
            "lower-case letters, digits and _, starting with a letter (e.g. `n_randomised`)"
            if "a-z0-9_]" in pattern and "A-Z" not in pattern
            else "letters, digits, _ and -, starting with a letter (e.g. `E3`, `wrong_design`)"
        )
        return f"{_short(value)} is not a valid id", f"use {rule}"
    if kind in {"string_type", "int_type", "float_type"}:
        want = {"string_type": "text", "int_type": "a whole number", "float_type": "a number"}
        hint = 'put the value in quotes: "…"' if kind == "string_type" else None
        if kind != "string_type" and isinstance(value, str):
            hint = "write the number without quotes"
        return f"`{name}` must be {want[kind]}, not {_kind_of(value)}", hint
    if kind == "model_type" and len(loc) > 1 and loc[-2] == "options":
        hint = f'put it in quotes: "{str(value).lower()}"' if isinstance(value, bool) else None
        return f"an option must be text or an `id:` with a `label:`, not {_kind_of(value)}", hint
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        hint = "indent its keys under it as `key: value` lines"
        return f"`{name}` must be a mapping of keys, not {_kind_of(value)}", hint
    if kind == "list_type":
        return f"`{name}` must be a list, not {_kind_of(value)}", "write each item as `- item`"
    if kind == "too_short":
        return f"`{name}` is empty: {text[0].lower()}{text[1:]}", None
    if kind == "string_too_short":
        return f"`{name}` is blank", "write some text or remove the key"
    return text, None


def _kind_of(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return _short(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…" + text[-1]


def _locate(loc: Loc, raw: Any, lines: Lines) -> tuple[Loc, int | None]:
    """Trim `loc` where the raw data stops being a container, and find its line.

    pydantic adds an `id` to a bare option (`- no`) that the file never had;
    the name should stop at the option. The line is that of the deepest part
    of the path the file has, e.g. the parent key of a missing one.
    """
    node, kept = raw, 0
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str):
            kept += 1
            if part not in node:
                break
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            kept += 1
            node = node[part]
        else:
            break
    loc = loc[:kept]
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return loc, lines[loc[:end]]
    return loc, None


def _dotted(loc: Iterable[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The protocol model at a path, to name its allowed keys and describe them."""
    annotation: Any = Protocol
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return None
            annotation = field.annotation
        elif typing.get_origin(annotation) in {list, dict}:
            annotation = typing.get_args(annotation)[-1]
        else:
            return None
    annotation = _unwrap(annotation)
    is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return annotation if is_model else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in {typing.Union, types.UnionType}:
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _first_sentence(text: str) -> str:
    sentence = text.split(". ")[0].strip().replace("\n", " ")
    return re.sub(r"\s+", " ", sentence).rstrip(".")


def _sorted_unique(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.line is not None, p.line or 0))

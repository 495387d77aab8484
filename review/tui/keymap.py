"""Which key bindings a settings file may remap: found in the screens and widgets.

Every binding with an id is remappable. The owners are collected by walking
`review.tui.screens` and `review.tui.widgets`, so a new screen's keys can be
remapped without anyone remembering to list it (a hand-written list once
left out the duplicates screen).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

from review.config import Settings, unknown_binding_ids
from review.tui import screens, widgets
from review.wording import plural


@cache
def binding_owners() -> tuple[type[DOMNode], ...]:
    """Screens and widgets of the TUI that declare bindings with ids, by module name."""
    found: dict[str, type[DOMNode]] = {}
    for package in (screens, widgets):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if (
                    issubclass(cls, DOMNode)
                    and cls.__module__ == module.__name__
                    and binding_ids(cls)
                ):
                    found[f"{cls.__module__}.{name}"] = cls
    return tuple(found[name] for name in sorted(found))


def binding_ids(owner: type[DOMNode]) -> set[str]:
    """The ids of `owner`'s own bindings."""
    return {b.id for b in owner.BINDINGS if isinstance(b, Binding) and b.id}


def clashes(
    app_owner: type[DOMNode], owners: tuple[type[DOMNode], ...], keymap: dict[str, str]
) -> list[tuple[str, str, str]]:
    """(key, id, id) where the remapped keys give two bindings of one screen
    (or a screen and the app) the same key."""
    app_bindings = [b for b in app_owner.BINDINGS if isinstance(b, Binding)]
    found: list[tuple[str, str, str]] = []
    for owner in owners:
        taken: dict[str, str] = {}
        for binding in [*app_bindings, *(b for b in owner.BINDINGS if isinstance(b, Binding))]:
            ident = binding.id or binding.action
            keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
            for key in keys.split(","):
                key = key.strip()
                if key in taken and taken[key] != ident:
                    clash = (key, taken[key], ident)
                    if clash not in found and (taken[key] in keymap or ident in keymap):
                        found.append(clash)
                taken.setdefault(key, ident)
    return found


def apply_keymap(app: App[Any], settings: Settings) -> None:
    """The settings file's `[keys]` on `app`; an unknown binding id, or a key
    that two bindings of one screen would share, is named rather than ignored."""
    if not settings.keys:
        return
    owners = binding_owners()
    known = binding_ids(type(app)).union(*(binding_ids(owner) for owner in owners))
    problems = []
    if unknown := unknown_binding_ids(settings, known):
        problems.append(f"unknown {plural(len(unknown), 'key binding id')} {', '.join(unknown)}")
    problems += [
        f"{key} is bound to both {first} and {second}"
        for key, first, second in clashes(type(app), owners, settings.keys)
    ]
    if problems:
        app.notify(
            f"{settings.path}: {'; '.join(problems)}; see the README for the ids",
            severity="warning",
            timeout=15,
        )
    app.set_keymap({k: v for k, v in settings.keys.items() if k in known})

"""Every command of the command line has a route in the TUI, and every route works.

The issue's rule is "every action of the home is also a command of the CLI,
and the reverse". This walks the CLI's commands as click knows them, so a
command added without a TUI route (or a route naming an action the app
lacks) fails here rather than going unnoticed.
"""

from __future__ import annotations

import re

import click
from textual.binding import Binding

from review.cli import cli
from review.tui.app import ReviewApp
from review.tui.commands import COMMANDS
from review.tui.routes import EXEMPT, SCREENS, TASK_ROUTES, routes
from review.tui.screens.home import HomeScreen
from review.tui.tasks import TASKS


def cli_commands(group: click.Group = cli, prefix: str = "") -> list[str]:
    """Every leaf command, as typed after `review` (`fulltext attach-folder`),
    asked of click as `review --help` asks (the commands load lazily)."""
    context = click.Context(group)
    found = []
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            found += cli_commands(command, f"{prefix}{name} ")
        else:
            found.append(prefix + name)
    return found


def test_every_cli_command_has_a_tui_route_or_a_documented_exemption() -> None:
    commands = cli_commands()
    assert len(commands) > 30  # the walk found the groups' subcommands too
    missing = [c for c in commands if c not in routes() and c not in EXEMPT]
    assert missing == []
    assert all(reason.strip() for reason in EXEMPT.values())


def test_no_route_names_a_command_the_cli_lacks() -> None:
    commands = set(cli_commands())
    assert set(routes()) - commands == set()
    assert set(EXEMPT) - commands == set()
    assert not set(SCREENS) & set(TASK_ROUTES)


def test_every_route_runs_an_action_the_app_has() -> None:
    for command, route in routes().items():
        match = re.fullmatch(r"app\.(\w+)(?:\((.*)\))?", route.action)
        assert match, (command, route.action)
        assert hasattr(ReviewApp, f"action_{match[1]}"), (command, route.action)


def test_every_task_is_in_the_palette_and_the_homes_list_with_its_own_key() -> None:
    palette = {command.action for command in COMMANDS}
    for task in TASKS:
        assert f"app.task({task.id!r})" in palette, task.id
    keys = [task.key for task in TASKS]
    assert len(set(keys)) == len(keys)
    home_keys = {b.key: b.action for b in HomeScreen.BINDINGS if isinstance(b, Binding)}
    assert home_keys.get("m") == "app.more"


def test_every_screen_route_on_the_home_names_a_key_the_home_binds() -> None:
    bound = {b.key for b in HomeScreen.BINDINGS if isinstance(b, Binding)}
    for command, route in SCREENS.items():
        if match := re.fullmatch(r"(\w) on the home.*", route.keys):
            assert match[1] in bound, command

"""The `sanctionwatch` command. Subcommands live in their own modules and load lazily.

Each module in COMMANDS exposes `register(app)`; only the module for the command being run is
imported, so `sanctionwatch screen` does not pay for Spark, spaCy or FastAPI.
"""

from __future__ import annotations

import importlib
import sys

import typer

# command name -> module that registers it
COMMANDS: dict[str, str] = {
    "run": "sanctionwatch.cli.run",
    "import": "sanctionwatch.cli.lists",
    "datasets": "sanctionwatch.cli.lists",
    "changes": "sanctionwatch.cli.lists",
    "export": "sanctionwatch.cli.lists",
    "sync": "sanctionwatch.cli.lists",
    "entity": "sanctionwatch.cli.lists",
    "screen": "sanctionwatch.cli.screen",
    "screen-file": "sanctionwatch.cli.screen",
    "serve": "sanctionwatch.cli.serve",
    "analyze": "sanctionwatch.cli.analyze",
    "ais": "sanctionwatch.cli.ais",
    "monitor": "sanctionwatch.cli.monitor",
    "report": "sanctionwatch.cli.report",
    "alerts": "sanctionwatch.cli.alerts",
    "cases": "sanctionwatch.cli.cases",
    "users": "sanctionwatch.cli.users",
}


def build_app(command: str | None = None) -> typer.Typer:
    """The app with one command's module registered, or all of them for help."""
    app = typer.Typer(
        name="sanctionwatch",
        help="Open sanctions monitoring: lists, screening, open sources, ships, cases.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    # A callback keeps Typer in group mode even when only one command is registered.
    app.callback()(_root)
    modules = [COMMANDS[command]] if command in COMMANDS else sorted(set(COMMANDS.values()))
    for name in dict.fromkeys(modules):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # not written yet; keep the rest of the CLI usable
                continue
            raise
        module.register(app)
    return app


def _root() -> None:
    """Open sanctions monitoring: lists, screening, open sources, ships, cases."""


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    command = next((a for a in args if not a.startswith("-")), None)
    app = build_app(command)
    app(args=args, prog_name="sanctionwatch")

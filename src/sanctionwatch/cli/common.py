"""Helpers every CLI module shares: settings, JSON output, errors, progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress

from sanctionwatch.errors import ParseError, SanctionwatchError
from sanctionwatch.settings import Settings, load_settings

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

# soft_wrap: error lines carry file paths that must stay whole for copy and paste.
err_console = Console(stderr=True, soft_wrap=True)


def settings() -> Settings:
    return load_settings()


def print_json(obj: Any) -> None:
    """One JSON document on one line on stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn our own errors into a clear message and exit code 2; let bugs surface."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ParseError as exc:
            err_console.print(f"[red]error:[/red] {len(exc.problems)} problem(s) in input:")
            for problem in exc.problems:
                err_console.print(f"  {problem}", markup=False, highlight=False)
            raise typer.Exit(2) from exc
        except SanctionwatchError as exc:
            err_console.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(2) from exc

    return wrapper


def progress_iter(items: Iterable[T], *, description: str, total: int | None = None) -> Iterator[T]:
    """Iterate with a rich progress bar on a terminal; quietly when piped."""
    if not err_console.is_terminal:
        yield from items
        return
    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task(description, total=total)
        for item in items:
            yield item
            progress.advance(task)

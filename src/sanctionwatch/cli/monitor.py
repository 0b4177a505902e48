"""`sanctionwatch monitor`: one monitoring run (`--once`) or runs on the schedule.

Thin shell: options and settings -> `cases.monitor.MonitorOptions` -> `run_once` (or the
scheduler of `cases.schedule`) -> the run summary as JSON or a short table.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sanctionwatch.cli.common import err_console, handle_errors, print_json, settings

if TYPE_CHECKING:
    from sanctionwatch.cases.monitor import MonitorOptions
    from sanctionwatch.settings import Settings

# Summary keys printed by the table view, in order (the JSON has them all).
SHOWN = (
    "run_id",
    "alerts_new",
    "alerts_total",
    "alerts_new_by_kind",
    "lists_synced",
    "lists_changed",
    "portfolio_rows_screened",
    "documents_read",
    "documents_skipped",
    "documents_flagged",
    "ais_files_read",
    "ais_files_skipped",
    "events_found",
    "events_new",
    "list_versions",
    "duration_s",
)


def register(app: typer.Typer) -> None:
    app.command("monitor")(monitor_command)


@handle_errors
def monitor_command(
    once: Annotated[bool, typer.Option("--once", help="One run, then exit.")] = False,
    portfolio: Annotated[
        Path | None,
        typer.Option(help="Watched parties: CSV or Excel with a 'name' column."),
    ] = None,
    documents: Annotated[
        list[str] | None,
        typer.Option("--documents", help="Folder, file or feed URL to read (repeatable)."),
    ] = None,
    ais: Annotated[
        list[Path] | None, typer.Option("--ais", help="AIS folder or file (repeatable).")
    ] = None,
    ais_context: Annotated[
        Path | None, typer.Option(help="Folder with wpi_ports.csv and the watchlist CSV.")
    ] = None,
    sync: Annotated[bool, typer.Option(help="Sync the lists first.")] = True,
    mirror: Annotated[
        Path | None, typer.Option(help="Read list files from this folder instead of the internet.")
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Screening threshold for hits.")
    ] = None,
    ner: Annotated[
        bool, typer.Option(help="Statistical NER when reading documents (~2x slower).")
    ] = False,
    interval: Annotated[
        float | None,
        typer.Option("--interval-minutes", help="Schedule (default: monitor_interval_minutes)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON summary per run.")] = False,
) -> None:
    """Sync the lists, re-screen the portfolio, read new documents, detect ship events on new
    AIS files, and raise alerts; runs twice on the same inputs raise nothing new."""
    from sanctionwatch.cases.monitor import interval_minutes, run_once

    config = settings()
    options = build_options(
        config,
        portfolio=portfolio,
        documents=documents,
        ais=ais,
        ais_context=ais_context,
        sync=sync,
        mirror=mirror,
        threshold=threshold,
        ner=ner,
    )

    def one_run() -> Mapping[str, Any]:
        return run_once(config, options, on_step=_step)

    if once:
        show_summary(one_run(), as_json=as_json)
        return
    from sanctionwatch.cases.schedule import run_schedule, scheduler_lock

    minutes = interval if interval is not None else interval_minutes(config)
    if minutes <= 0:
        raise typer.BadParameter("must be positive", param_hint="--interval-minutes")
    with scheduler_lock(config.db_url, home=config.home):
        err_console.print(f"monitoring every {minutes:g} minutes; Ctrl-C stops")
        try:
            run_schedule(
                one_run,
                interval_s=minutes * 60,
                on_run=lambda summary: show_summary(summary, as_json=as_json),
                on_error=lambda exc: err_console.print(f"[red]run failed:[/red] {exc}"),
            )
        except KeyboardInterrupt:
            err_console.print("monitor stopped")


def build_options(config: Settings, **overrides: Any) -> MonitorOptions:
    """Options from the settings, command-line values winning; the AIS context folder from
    the option, the `ais_context` setting or `../shared/data/ais/context` when present."""
    from sanctionwatch.cases.monitor import MonitorOptions
    from sanctionwatch.cli.ais import _context_dir

    given = {k: v for k, v in overrides.items() if v not in (None, [])}
    for key in ("documents", "ais"):
        if key in given:
            given[key] = tuple(given[key])
    options = MonitorOptions.from_settings(config, **given)
    if options.ais and options.ais_context is None:
        context = _context_dir(None)
        if context is not None:
            options = MonitorOptions.from_settings(config, **given, ais_context=context)
    return options


def _step(name: str) -> None:
    if err_console.is_terminal:
        err_console.print(f"[dim]monitor: {name}[/dim]", highlight=False)


def show_summary(summary: Mapping[str, Any], *, as_json: bool) -> None:
    """The run summary as one JSON line, or a short table and the warnings on stderr."""
    if as_json:
        print_json(dict(summary))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="monitor run", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    for key in SHOWN:
        if key in summary:
            value = summary[key]
            if isinstance(value, Mapping):
                value = ", ".join(f"{k}: {v}" for k, v in value.items()) or "-"
            table.add_row(key, str(value))
    Console().print(table)
    for warning in summary.get("warnings") or []:
        err_console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)

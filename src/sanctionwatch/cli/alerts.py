"""`sanctionwatch alerts`: the workspace's alerts, newest first, as a table or JSON.

Thin shell over `Workspace.alerts`; the acting-user and workspace helpers shared by the
`cases` and `users` commands live here too.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sanctionwatch.cli.common import handle_errors, print_json, settings

if TYPE_CHECKING:
    from sanctionwatch.cases.workspace import Workspace

console = Console()

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ActorOpt = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar="SANCTIONWATCH_USER",
        help="Who makes the change, for the audit log (default: the `user` setting, "
        "else cli:<login name>).",
    ),
]


def open_ws() -> Workspace:
    from sanctionwatch.cases.workspace import open_workspace

    return open_workspace(settings().db_url)


def acting_user(explicit: str | None) -> str:
    """`--as` (or SANCTIONWATCH_USER), else the settings file's `user`, else cli:<login>."""
    if explicit and explicit.strip():
        return explicit.strip()
    configured = settings().extra.get("user")
    if isinstance(configured, str) and configured.strip():
        return configured.strip()
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare container
        login = "unknown"
    return f"cli:{login}"


def cell(value: object) -> Text:
    """Table cell text, never read as rich markup (names and notes are user input)."""
    return Text("" if value is None else str(value))


@handle_errors
def alerts_command(
    as_json: JsonOpt = False,
    status: Annotated[
        str | None, typer.Option(help="new, in_case or dismissed.", show_default=False)
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="list_change, screening_hit, document_finding or ship_event.",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many alerts.")] = 100,
) -> None:
    """Alerts raised by monitoring runs, newest first."""
    with open_ws() as ws:
        alerts = ws.alerts(status=status, kind=kind, limit=limit)
    if as_json:
        print_json([a.to_dict() for a in alerts])
        return
    table = Table("id", "status", "kind", "severity", "occurred", "title", "cases")
    for stored in alerts:
        alert = stored.alert
        table.add_row(
            str(stored.id),
            stored.status,
            alert.kind,
            alert.severity,
            cell(alert.occurred_at or "-"),
            cell(alert.title),
            ", ".join(str(c) for c in stored.case_ids) or "-",
        )
    console.print(table)
    if not alerts:
        console.print("no alerts match", style="dim")


def register(app: typer.Typer) -> None:
    app.command("alerts")(alerts_command)

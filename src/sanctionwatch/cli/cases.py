"""`sanctionwatch cases`: list, open, show, add to, decide and suggest cases.

Thin shell over the workspace; every change names its actor (`--as`, see `acting_user`).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.table import Table

from sanctionwatch.cli.alerts import ActorOpt, JsonOpt, acting_user, cell, console, open_ws
from sanctionwatch.cli.common import handle_errors, print_json
from sanctionwatch.errors import InputError

cases_app = typer.Typer(
    help="Cases: alerts and evidence grouped into an incident, with notes and decisions.",
    invoke_without_command=True,
    no_args_is_help=False,
)

AlertIds = Annotated[
    list[int] | None, typer.Option("--alert", help="An alert id (repeat for several).")
]


def _case_table(cases: list[Any]) -> Table:
    table = Table("id", "status", "title", "updated", "by")
    for case in cases:
        table.add_row(
            str(case.id), case.status, cell(case.title), case.updated_at, cell(case.created_by)
        )
    return table


@cases_app.callback()
@handle_errors
def cases_command(
    ctx: typer.Context,
    as_json: JsonOpt = False,
    status: Annotated[
        str | None,
        typer.Option(help="open, under_review, confirmed or dismissed.", show_default=False),
    ] = None,
) -> None:
    """List cases, most recently changed first (or run a subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    with open_ws() as ws:
        cases = ws.cases(status=status)
    if as_json:
        print_json([c.to_dict() for c in cases])
        return
    console.print(_case_table(cases))


@cases_app.command("new")
@handle_errors
def new_command(
    title: Annotated[str, typer.Argument(help="What the incident is.")],
    summary: Annotated[str, typer.Option(help="A short summary.")] = "",
    alert: AlertIds = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Open a case, optionally with alerts."""
    with open_ws() as ws:
        case = ws.create_case(
            title, actor=acting_user(actor), summary=summary, alert_ids=alert or ()
        )
    if as_json:
        print_json(case.to_dict())
    else:
        console.print(f"case {case.id} opened: ", cell(case.title))


def _show_json(dossier: Any) -> dict[str, Any]:
    return {
        "case": dossier.case.to_dict(),
        "alerts": [a.to_dict() for a in dossier.alerts],
        "notes": [asdict(n) for n in dossier.notes],
        "decisions": [asdict(d) for d in dossier.decisions],
        "audit": [{**asdict(e), "details": dict(e.details)} for e in dossier.audit],
    }


@cases_app.command("show")
@handle_errors
def show_command(
    case_id: Annotated[int, typer.Argument(help="Case id.")],
    as_json: JsonOpt = False,
) -> None:
    """A case with its alerts, notes, decisions and audit trail."""
    with open_ws() as ws:
        dossier = ws.dossier(case_id)
    if as_json:
        print_json(_show_json(dossier))
        return
    case = dossier.case
    console.print(cell(f"case {case.id}: {case.title}"), style="bold")
    console.print(cell(f"status {case.status}, opened {case.created_at} by {case.created_by}"))
    if case.summary:
        console.print(cell(case.summary))
    alerts = Table("alert", "kind", "occurred", "title", title="alerts")
    for stored in dossier.alerts:
        a = stored.alert
        alerts.add_row(str(stored.id), a.kind, cell(a.occurred_at or "-"), cell(a.title))
    console.print(alerts)
    for note in dossier.notes:
        console.print(cell(f"note {note.created_at} {note.author}: {note.text}"))
    for decision in dossier.decisions:
        console.print(
            cell(
                f"decision {decision.created_at} {decision.actor}: {decision.status} "
                f"({decision.rationale})"
            )
        )
    trail = Table("at", "actor", "action", "target", title="audit")
    for entry in dossier.audit:
        trail.add_row(entry.at, cell(entry.actor), entry.action, entry.target)
    console.print(trail)


@cases_app.command("add")
@handle_errors
def add_command(
    case_id: Annotated[int, typer.Argument(help="Case id.")],
    alert: AlertIds = None,
    note: Annotated[str | None, typer.Option(help="A note to add.", show_default=False)] = None,
    actor: ActorOpt = None,
) -> None:
    """Add alerts and/or a note to a case."""
    if not alert and note is None:
        raise InputError("nothing to add: give --alert ID (repeatable) and/or --note TEXT")
    who = acting_user(actor)
    with open_ws() as ws:
        if alert:
            ws.add_alerts_to_case(case_id, alert, actor=who)
        if note is not None:
            ws.add_note(case_id, note, actor=who)
    console.print(f"case {case_id} updated")


@cases_app.command("decide")
@handle_errors
def decide_command(
    case_id: Annotated[int, typer.Argument(help="Case id.")],
    status: Annotated[
        str, typer.Option(help="open, under_review, confirmed or dismissed.", show_default=False)
    ],
    rationale: Annotated[str, typer.Option(help="Why (kept in the audit log).")],
    actor: ActorOpt = None,
) -> None:
    """Record a decision on a case; the case takes its status."""
    with open_ws() as ws:
        decision = ws.decide(case_id, status, actor=acting_user(actor), rationale=rationale)
    console.print(f"case {case_id}: {decision.status} (decision {decision.id})")


@cases_app.command("suggest")
@handle_errors
def suggest_command(
    as_json: JsonOpt = False,
    window_hours: Annotated[
        float, typer.Option(min=0, help="Alerts further apart in time are not grouped.")
    ] = 72.0,
    report_window_days: Annotated[
        float,
        typer.Option(
            min=0, help="How far back a dated news report reaches to the events it reports."
        ),
    ] = 90.0,
) -> None:
    """New alerts that belong together or with an open case (shared entity, IMO, MMSI)."""
    with open_ws() as ws:
        suggestions = ws.suggestions(
            window_hours=window_hours, report_window_days=report_window_days
        )
    if as_json:
        print_json([asdict(s) for s in suggestions])
        return
    table = Table("alerts", "join case", "because")
    for s in suggestions:
        table.add_row(
            ", ".join(str(i) for i in s.alert_ids),
            "-" if s.case_id is None else str(s.case_id),
            cell("; ".join(s.reasons)),
        )
    console.print(table)
    if not suggestions:
        console.print("no suggestions", style="dim")


def register(app: typer.Typer) -> None:
    app.add_typer(cases_app, name="cases")

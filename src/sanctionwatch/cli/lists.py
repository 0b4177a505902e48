"""List commands: import, datasets, changes, export, sync, entity.

Thin shell: parse options, call one service function, render JSON or a rich table.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from sanctionwatch.cli.common import handle_errors, print_json, settings

console = Console()

# Entities that describe a listing rather than a listed party; left out of summaries.
HELPER_SCHEMAS = frozenset(
    {
        "Sanction",
        "Address",
        "Identification",
        "Passport",
        "UnknownLink",
        "Ownership",
        "Directorship",
        "Family",
        "Associate",
        "Membership",
        "Employment",
        "Representation",
    }
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _store() -> Any:
    from sanctionwatch.store import open_store

    return open_store(settings().db_url)


@handle_errors
def import_command(
    files: Annotated[list[Path], typer.Argument(help="List files; the format is detected.")],
    dataset: Annotated[str | None, typer.Option(help="Dataset name to import into.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import official list files into the store as new versions."""
    from sanctionwatch.ingest.service import import_paths

    with _store() as store:
        reports = import_paths(store, files, dataset=dataset)
    for report in reports:
        if as_json:
            print_json(report.to_dict())
        else:
            state = (
                "unchanged" if report.unchanged else ("current" if report.current else "history")
            )
            console.print(
                f"[bold]{report.dataset}[/bold] {report.version}: {report.entities} entities "
                f"({state}), {len(report.issues)} value issue(s)"
            )


@handle_errors
def datasets_command(as_json: JsonOpt = False) -> None:
    """Datasets in the store, their versions, counts and current version."""
    with _store() as store:
        infos = store.datasets()
    if as_json:
        print_json([info.to_dict() for info in infos])
        return
    table = Table("dataset", "current", "versions", "entities (current)", "by schema")
    for info in infos:
        current = next((v for v in info.versions if v.version == info.current_version), None)
        by_schema = current.by_schema if current else {}
        schemas = ", ".join(f"{k} {n}" for k, n in by_schema.items() if k not in HELPER_SCHEMAS)
        table.add_row(
            info.name,
            info.current_version or "-",
            str(len(info.versions)),
            str(current.entities if current else 0),
            schemas,
        )
    console.print(table)


@handle_errors
def changes_command(
    dataset: Annotated[str, typer.Argument(help="Dataset name, e.g. un_sc_sanctions.")],
    from_version: Annotated[str | None, typer.Option("--from", help="Older version.")] = None,
    to_version: Annotated[str | None, typer.Option("--to", help="Newer version.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Designations, delistings and amendments between two versions of a dataset."""
    with _store() as store:
        changes = store.changes(dataset, from_version=from_version, to_version=to_version)
    if as_json:
        print_json(changes.to_dict())
        return
    console.print(
        f"[bold]{dataset}[/bold] {changes.from_version or '(nothing)'} -> {changes.to_version}: "
        f"{len(changes.added)} added, {len(changes.removed)} removed, "
        f"{len(changes.modified)} modified"
    )
    for label, items in (("+", changes.added), ("-", changes.removed), ("~", changes.modified)):
        for item in items:
            refs = "; ".join(dict.fromkeys(v for vals in item.references.values() for v in vals))
            props = ", ".join(sorted(item.properties))
            detail = f" [{props}]" if props else ""
            console.print(f" {label} {item.caption} ({item.schema}) {refs}{detail}", markup=False)


@handle_errors
def export_command(
    dataset: Annotated[str | None, typer.Option(help="Only this dataset.")] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default stdout).")
    ] = None,
) -> None:
    """Export entities as FtM JSON lines."""
    from sanctionwatch.store.export import export_ftm

    with _store() as store:
        if output is None:
            export_ftm(store, sys.stdout, dataset=dataset)
            return
        with output.open("w", encoding="utf-8") as handle:
            count = export_ftm(store, handle, dataset=dataset)
    Console(stderr=True).print(f"wrote {count} entities to {output}")


@handle_errors
def sync_command(
    mirror: Annotated[
        Path | None,
        typer.Option(help="Read list files from this folder instead of the internet."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Fetch the official lists (or read them from a mirror) and import new versions."""
    from sanctionwatch.ingest.service import sync

    config = settings()
    with _store() as store:
        result = sync(config, store, mirror=mirror)
    if as_json:
        print_json(result.to_dict())
        return
    render_sync(result)


def render_sync(result: Any) -> None:
    """A short human summary of a sync: what was imported and what changed."""
    for report in result.imports:
        state = "unchanged" if report.unchanged else ("current" if report.current else "history")
        console.print(f"imported {report.dataset} {report.version} ({state}): {report.entities}")
    for skipped in result.skipped:
        console.print(f"[dim]skipped {skipped}[/dim]", markup=True, highlight=False)


@handle_errors
def entity_command(
    entity_id: Annotated[str, typer.Argument(help="Entity id, e.g. ofac-20157.")],
    as_json: JsonOpt = False,
) -> None:
    """One entity with its sanctions, identifiers and addresses nested."""
    with _store() as store:
        data = store.entity_nested(entity_id)
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{data.get('caption', entity_id)}[/bold] ({data['schema']}) {data['id']}")
    _print_properties(data.get("properties", {}), indent=1)


def _print_properties(properties: dict[str, Any], indent: int) -> None:
    pad = "  " * indent
    for prop, values in sorted(properties.items()):
        for value in values:
            if isinstance(value, dict):
                console.print(f"{pad}{prop}: {value.get('caption', '')} ({value.get('schema')})")
                _print_properties(value.get("properties", {}), indent + 1)
            else:
                console.print(f"{pad}{prop}: {value}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("datasets")(datasets_command)
    app.command("changes")(changes_command)
    app.command("export")(export_command)
    app.command("sync")(sync_command)
    app.command("entity")(entity_command)

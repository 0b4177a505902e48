"""`sanctionwatch run`: the main job on the embedded default.

For now: sync every list (from the mirror in SANCTIONWATCH_MIRROR or --mirror, else the
internet), then print what the store holds and what changed in each dataset's last version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sanctionwatch.cli.common import err_console, handle_errors, print_json, settings
from sanctionwatch.cli.lists import console, datasets_command


@handle_errors
def run_command(
    mirror: Annotated[
        Path | None, typer.Option(help="Read list files from this folder instead of the internet.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON summary.")] = False,
) -> None:
    """Sync the lists into the store, then report what they hold and what changed."""
    from sanctionwatch.ingest.service import sync
    from sanctionwatch.store import open_store

    config = settings()
    source = mirror or config.mirror
    err_console.print(f"syncing lists from {source or 'the publishers'} into {config.db_url}")
    with open_store(config.db_url) as store:
        result = sync(config, store, mirror=mirror, on_file=_progress)
        summary = _summary(store)
    if as_json:
        print_json({"sync": result.to_dict(), "datasets": summary})
        return
    for report in result.imports:
        state = "unchanged" if report.unchanged else ("current" if report.current else "history")
        console.print(f"imported {report.dataset} {report.version} ({state}): {report.entities}")
    for failure in result.failures:
        console.print(f"[red]failed[/red] {failure['error']}", highlight=False, soft_wrap=True)
    if result.failures and not result.imports and not summary:
        err_console.print(
            "no list could be read. Offline? Point SANCTIONWATCH_MIRROR (or --mirror) at a "
            "folder of list files, e.g. SANCTIONWATCH_MIRROR=../shared/data/lists make run"
        )
        raise typer.Exit(2)
    datasets_command(as_json=False)
    for item in summary:
        if item["changes"] is not None:
            c = item["changes"]
            console.print(
                f"{item['dataset']} {c['from']} -> {c['to']}: {c['added']} designated, "
                f"{c['removed']} delisted, {c['modified']} amended"
            )


def _progress(name: str) -> None:
    if err_console.is_terminal:
        err_console.print(f"[dim]reading {name}[/dim]", highlight=False)


def _summary(store: Any) -> list[dict[str, Any]]:
    """Per dataset: current version, entity count and the change counts of its last import."""
    rows: list[dict[str, Any]] = []
    for info in store.datasets():
        changes = None
        if len(info.versions) > 1:
            diff = store.changes(info.name)
            changes = {
                "from": diff.from_version,
                "to": diff.to_version,
                "added": len(diff.added),
                "removed": len(diff.removed),
                "modified": len(diff.modified),
            }
        current = next(v for v in info.versions if v.version == info.current_version)
        rows.append(
            {
                "dataset": info.name,
                "version": info.current_version,
                "entities": current.entities,
                "versions": len(info.versions),
                "changes": changes,
            }
        )
    return rows


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)

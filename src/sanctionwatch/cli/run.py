"""`sanctionwatch run`: the main job on the embedded default.

One command, one data folder, no server to set up: sync every list (from the mirror in
SANCTIONWATCH_MIRROR or --mirror, else the internet), print what the store holds and what
changed, run one monitoring pass over the example inputs (the portfolio in `examples/`, the
documents and a small AIS folder of `../shared/data`, or the `monitor_*` settings), print its
summary, then serve the web UI with the results (`--no-serve` to stop after the summary).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sanctionwatch.cli.common import err_console, handle_errors, print_json, settings
from sanctionwatch.cli.lists import console, datasets_command

if TYPE_CHECKING:
    from sanctionwatch.settings import Settings

REPO = Path(__file__).resolve().parents[3]
# Example inputs of a source checkout, used when the settings name none.
EXAMPLE_PORTFOLIO = Path("examples") / "portfolio.csv"
SHARED_DOCUMENTS = Path("shared") / "data" / "documents"
SHARED_AIS = Path("shared") / "data" / "ais" / "gfw_segment" / "regression"
SHARED_AIS_CONTEXT = Path("shared") / "data" / "ais" / "context"


@handle_errors
def run_command(
    mirror: Annotated[
        Path | None, typer.Option(help="Read list files from this folder instead of the internet.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON summary.")] = False,
    monitor: Annotated[
        bool, typer.Option(help="Run one monitoring pass over the example inputs.")
    ] = True,
    serve: Annotated[bool, typer.Option(help="Serve the web UI at the end.")] = True,
    host: Annotated[str, typer.Option(help="Interface the UI binds to.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port of the UI.")] = 8000,
    ner: Annotated[
        bool, typer.Option(help="Statistical NER when reading documents (~2x slower).")
    ] = False,
) -> None:
    """Sync the lists, report what changed, run one monitoring pass, serve the web UI."""
    from sanctionwatch.ingest.service import sync
    from sanctionwatch.store import open_store

    config = settings()
    source = mirror or config.mirror
    err_console.print(f"syncing lists from {source or 'the publishers'} into {config.db_url}")
    with open_store(config.db_url) as store:
        result = sync(config, store, mirror=mirror, on_file=_progress)
        summary = _summary(store)
    if not as_json:
        _print_lists(result, summary)
    if result.failures and not result.imports and not summary:
        if as_json:
            print_json({"sync": result.to_dict(), "datasets": summary, "monitor": None})
        err_console.print(
            "no list could be read. Offline? Point SANCTIONWATCH_MIRROR (or --mirror) at a "
            "folder of list files, e.g. SANCTIONWATCH_MIRROR=../shared/data/lists make run"
        )
        raise typer.Exit(2)
    monitored = _monitor(config, ner=ner) if monitor else None
    if as_json:
        print_json({"sync": result.to_dict(), "datasets": summary, "monitor": monitored})
    else:
        if monitored is not None:
            from sanctionwatch.cli.monitor import show_summary

            show_summary(monitored, as_json=False)
    if serve:
        _serve(config, host=host, port=port)


def _print_lists(result: Any, summary: list[dict[str, Any]]) -> None:
    for report in result.imports:
        state = "unchanged" if report.unchanged else ("current" if report.current else "history")
        console.print(f"imported {report.dataset} {report.version} ({state}): {report.entities}")
    for failure in result.failures:
        console.print(f"[red]failed[/red] {failure['error']}", highlight=False, soft_wrap=True)
    datasets_command(as_json=False)
    for item in summary:
        if item["changes"] is not None:
            c = item["changes"]
            console.print(
                f"{item['dataset']} {c['from']} -> {c['to']}: {c['added']} designated, "
                f"{c['removed']} delisted, {c['modified']} amended"
            )


def _example(relative: Path, *, shared: bool) -> Path | None:
    """An example input: beside the repository (`../shared/...`) or in it (`examples/`),
    looked up from the working folder first, then from the source checkout."""
    bases = [Path.cwd().parent, REPO.parent] if shared else [Path.cwd(), REPO]
    return next((b / relative for b in bases if (b / relative).exists()), None)


def _monitor(config: Settings, *, ner: bool) -> dict[str, Any]:
    """One monitoring pass over the configured inputs, else the examples; the lists were
    just synced, so the pass does not sync again. Missing examples are said, not guessed."""
    from sanctionwatch.cases.monitor import MonitorOptions, run_once

    options = MonitorOptions.from_settings(config, sync=False, ner=ner)
    defaults: dict[str, Any] = {}
    if options.portfolio is None:
        defaults["portfolio"] = _example(EXAMPLE_PORTFOLIO, shared=False)
    if not options.documents:
        found = _example(SHARED_DOCUMENTS, shared=True)
        # The texts only: the folder's README and gold annotations describe the data set.
        texts = sorted(str(p) for p in found.rglob("*.txt")) if found else []
        defaults["documents"] = tuple(texts) or None
    if not options.ais:
        found = _example(SHARED_AIS, shared=True)
        defaults["ais"] = (found,) if found else None
    if options.ais_context is None:
        defaults["ais_context"] = _example(SHARED_AIS_CONTEXT, shared=True)
    for name, value in defaults.items():
        if value is None and name != "ais_context":
            err_console.print(
                f"[yellow]monitor:[/yellow] no {name} configured and no example found "
                f"(set monitor_{name} in the settings); this input is skipped",
                highlight=False,
            )
    options = MonitorOptions.from_settings(config, sync=False, ner=ner, **defaults)
    err_console.print(
        f"monitoring: portfolio {options.portfolio or '-'}, {len(options.documents)} document "
        f"input(s), AIS {', '.join(str(p) for p in options.ais) or '-'}",
        highlight=False,
    )
    return run_once(config, options, on_step=_step)


def _step(name: str) -> None:
    if err_console.is_terminal:
        err_console.print(f"[dim]monitor: {name}[/dim]", highlight=False)


def _serve(config: Settings, *, host: str, port: int) -> None:
    """The web UI (and the API) on HOST:PORT until interrupted."""
    import uvicorn

    err_console.print(
        f"serving the UI at http://{host}:{port}/ on {config.db_url} (Ctrl-C stops)",
        highlight=False,
    )
    uvicorn.run("sanctionwatch.web.asgi:make_app", factory=True, host=host, port=port)


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

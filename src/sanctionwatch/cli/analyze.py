"""`sanctionwatch analyze INPUT...`: find sanctions-relevant activities in documents."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sanctionwatch.documents.gazetteer import Gazetteer
    from sanctionwatch.documents.linking import ScreenerLike
    from sanctionwatch.settings import Settings

from sanctionwatch.cli.common import err_console, handle_errors, print_json, progress_iter, settings


def register(app: typer.Typer) -> None:
    if app.registered_callback is None:
        # With one registered command typer would run it as the app itself and read the
        # word "analyze" as an input; a group callback keeps `sanctionwatch analyze ...`.
        @app.callback()
        def _group() -> None:
            """Open sanctions monitoring."""

    @app.command("analyze")
    @handle_errors
    def analyze(
        inputs: Annotated[list[str], typer.Argument(help="Files, folders, feeds or URLs.")],
        as_json: Annotated[
            bool, typer.Option("--json", help="One JSON object per document.")
        ] = False,
        ner: Annotated[
            bool, typer.Option(help="Packaged statistical NER (en, fr, ru); ~2x slower.")
        ] = False,
        lists: Annotated[bool, typer.Option(help="Link mentions to the stored lists.")] = True,
        screen: Annotated[
            bool, typer.Option(help="Screen unlinked names with the screening engine.")
        ] = True,
        regime: Annotated[Path | None, typer.Option(help="Regime taxonomy YAML.")] = None,
    ) -> None:
        """Read documents in de/en/fr/ru/ko and report DPRK sanctions-relevant activities."""
        from dataclasses import replace

        from sanctionwatch.documents.model import Document, Finding
        from sanctionwatch.documents.render import render_finding
        from sanctionwatch.documents.service import (
            AnalyzeOptions,
            analyze_documents,
            build_reader,
            group_findings,
            read_inputs,
        )
        from sanctionwatch.errors import Problem

        conf = settings()
        if regime is not None:
            conf = replace(conf, extra={**conf.extra, "regime_path": str(regime)})
        gazetteer, screener = _lists(conf, lists=lists, screen=screen)
        reader = build_reader(conf, gazetteer, options=AnalyzeOptions(ner=ner), screener=screener)
        docs: list[Document] = []
        problems = 0
        for item in read_inputs(inputs, conf):
            if isinstance(item, Problem):
                problems += 1
                err_console.print(f"[red]skipped:[/red] {item.message}", highlight=False)
                if as_json:
                    print_json({"document": {"source": item.file}, "error": item.message})
            else:
                docs.append(item)
        findings: list[Finding] = list(
            progress_iter(analyze_documents(reader, docs), description="reading", total=len(docs))
        )
        for finding in group_findings(findings):
            if as_json:
                print_json(finding.to_dict())
            else:
                render_finding(finding)
        if problems:
            err_console.print(f"{problems} input(s) could not be read; {len(findings)} analysed")


def _lists(conf: Settings, *, lists: bool, screen: bool) -> tuple[Gazetteer, ScreenerLike | None]:
    """The gazetteer of the current lists (cached per list versions) and, with `screen`, the
    screening engine (its index persisted as the API does); the store is read only when one
    of them has to be built."""
    from sanctionwatch.documents.cache import load_or_build_gazetteer
    from sanctionwatch.documents.gazetteer import Gazetteer
    from sanctionwatch.errors import StoreError
    from sanctionwatch.store import open_store

    if not lists:
        return Gazetteer.build(), None
    try:
        store = open_store(conf.db_url)
        versions = store.current_versions()
    except StoreError as exc:
        err_console.print(f"[yellow]warning:[/yellow] lists not loaded ({exc})")
        return Gazetteer.build(), None
    if not versions:
        err_console.print(
            "[yellow]warning:[/yellow] no lists imported; mentions are not linked "
            "(run `sanctionwatch import` first)"
        )
        return Gazetteer.build(), None
    gazetteer = load_or_build_gazetteer(
        store.entities, versions=versions, cache_dir=conf.home / "documents-cache"
    )
    if not screen:
        return gazetteer, None
    from sanctionwatch.documents.linking import build_screener
    from sanctionwatch.screening.loader import index_dir

    return gazetteer, build_screener(store.entities(), versions=versions, index_dir=index_dir(conf))

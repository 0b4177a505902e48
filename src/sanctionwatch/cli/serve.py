"""`sanctionwatch serve`: run the web UI and the yente-compatible HTTP API with uvicorn.

Scoring is CPU-bound and Python holds one core per process, so the server runs one worker
process per available core by default. Workers share nothing but the store (and the
workspace in it) and the persisted screening index: each builds its app with the factory,
loads the index from disk and keeps it fresh on its own. uvicorn picks uvloop and httptools
when they are installed (they are dependencies); the access log costs a few percent of CPU
under load, so it can be turned off. On Linux each worker listens on its own socket so the
kernel spreads connections evenly (`cli.workers`).
"""

from __future__ import annotations

import os
from typing import Any

import typer

from sanctionwatch.cli.common import handle_errors, settings
from sanctionwatch.errors import InputError


def default_workers() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def register(app: typer.Typer) -> None:
    @app.command("serve")
    @handle_errors
    def serve(
        host: str = typer.Option("127.0.0.1", help="Interface to bind."),
        port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
        workers: int | None = typer.Option(
            None,
            min=1,
            help="Worker processes; /match is CPU-bound, so one per core (the default).",
            show_default="one per available core",
        ),
        access_log: bool = typer.Option(True, help="Log every request (uvicorn's access log)."),
        log_level: str = typer.Option("info", help="uvicorn log level."),
    ) -> None:
        """Serve the web UI, /api/* and yente's /match, /search, /entities... on HOST:PORT."""
        import uvicorn

        from sanctionwatch.cli import workers as worker_processes

        settings()  # fail early, with a clear message, on a broken settings file
        count = workers or default_workers()
        config: dict[str, Any] = {
            "app": "sanctionwatch.web.asgi:make_app",
            "factory": True,
            "host": host,
            "port": port,
            "access_log": access_log,
            "log_level": log_level,
        }
        if count == 1 or not worker_processes.reuse_port_supported():
            uvicorn.run(**config, workers=count)
            return
        uvicorn.Config(**config)  # sets up uvicorn's logging in this process too
        try:
            worker_processes.check_port(host, port)
        except OSError as exc:
            raise InputError(f"cannot listen on {host}:{port}: {exc}") from exc
        spec = worker_processes.WorkerSpec(config)
        code = worker_processes.Supervisor(spec, count).run()
        if code:
            raise typer.Exit(code)

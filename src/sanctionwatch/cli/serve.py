"""`sanctionwatch serve`: run the yente-compatible HTTP API with uvicorn."""

from __future__ import annotations

import typer

from sanctionwatch.cli.common import handle_errors, settings


def register(app: typer.Typer) -> None:
    @app.command("serve")
    @handle_errors
    def serve(
        host: str = typer.Option("127.0.0.1", help="Interface to bind."),
        port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
        workers: int = typer.Option(
            1, min=1, help="Worker processes; /match is CPU-bound, so one per core."
        ),
        log_level: str = typer.Option("info", help="uvicorn log level."),
    ) -> None:
        """Serve /match, /search, /entities, /catalog... as yente does, on HOST:PORT."""
        import uvicorn

        settings()  # fail early, with a clear message, on a broken settings file
        uvicorn.run(
            "sanctionwatch.api.asgi:make_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
        )

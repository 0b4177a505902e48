"""ASGI entry point for uvicorn: `uvicorn --factory sanctionwatch.web.asgi:make_app`.

`sanctionwatch serve` runs this factory: each worker calls `make_app()` once, so settings are
read at the entry point (settings file and SANCTIONWATCH_* variables), never at import.
On a workspace without any user, the first worker creates an `admin` with a random password
and prints it once on stderr: the UI is unusable without an account, and a fixed default
password would be a standing hole.
"""

from __future__ import annotations

import sys

from fastapi import FastAPI

from sanctionwatch.api.auth import ensure_first_admin
from sanctionwatch.errors import InputError
from sanctionwatch.settings import load_settings
from sanctionwatch.web.app import create_web_app


def make_app() -> FastAPI:
    app = create_web_app(load_settings())
    try:
        password = ensure_first_admin(app.state.workspace)
    except InputError:
        password = None  # another worker created it first
    if password is not None:
        print(
            "sanctionwatch: created the first user 'admin' with the password "
            f"{password}\n  (change it: sanctionwatch users ...; this is shown once)",
            file=sys.stderr,
        )
    return app

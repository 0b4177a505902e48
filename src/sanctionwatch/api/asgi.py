"""ASGI entry point for uvicorn: `uvicorn --factory sanctionwatch.api.asgi:make_app`.

Each uvicorn worker calls `make_app()` once, so settings are read at the entry point (from the
settings file and SANCTIONWATCH_* variables), never at import.
"""

from __future__ import annotations

from fastapi import FastAPI

from sanctionwatch.api.app import create_app
from sanctionwatch.settings import load_settings


def make_app() -> FastAPI:
    return create_app(load_settings())

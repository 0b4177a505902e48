"""`sanctionwatch serve`: options reach uvicorn, which builds the app with the factory."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from sanctionwatch.cli.main import build_app
from sanctionwatch.cli.serve import default_workers

CASES = {
    "defaults": (
        [],
        {"host": "127.0.0.1", "port": 8000, "workers": default_workers(), "access_log": True},
    ),
    "all-options": (
        ["--host", "0.0.0.0", "--port", "9001", "--workers", "3", "--no-access-log"],
        {"host": "0.0.0.0", "port": 9001, "workers": 3, "access_log": False},
    ),
}


@pytest.mark.parametrize(("args", "expected"), CASES.values(), ids=CASES.keys())
def test_serve_options(
    monkeypatch: pytest.MonkeyPatch, args: list[str], expected: dict[str, Any]
) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    result = CliRunner().invoke(build_app("serve"), ["serve", *args])
    assert result.exit_code == 0, result.output
    [(target, kwargs)] = calls
    assert target == "sanctionwatch.web.asgi:make_app" and kwargs["factory"] is True
    assert {k: kwargs[k] for k in expected} == expected


@pytest.mark.parametrize(
    "args", [["--workers", "0"], ["--port", "70000"]], ids=["0-workers", "bad-port"]
)
def test_serve_rejects_bad_options(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: pytest.fail("must not start"))
    result = CliRunner().invoke(build_app("serve"), ["serve", *args])
    assert result.exit_code == 2

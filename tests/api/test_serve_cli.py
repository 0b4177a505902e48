"""`sanctionwatch serve`: options reach uvicorn, which builds the app with the factory."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from sanctionwatch.cli import workers
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
    "one-worker": (
        ["--port", "9002", "--workers", "1"],
        {"host": "127.0.0.1", "port": 9002, "workers": 1, "access_log": True},
    ),
}


@pytest.mark.parametrize(("args", "expected"), CASES.values(), ids=CASES.keys())
def test_serve_options(
    monkeypatch: pytest.MonkeyPatch, args: list[str], expected: dict[str, Any]
) -> None:
    """One worker: uvicorn.run; more (on Linux): our supervisor, with the same options."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.setattr(workers, "check_port", lambda host, port: None)

    def supervise(self: workers.Supervisor) -> int:
        calls.append({**self.spec.config, "workers": self.count})
        return 0

    monkeypatch.setattr(workers.Supervisor, "run", supervise)
    result = CliRunner().invoke(build_app("serve"), ["serve", *args])
    assert result.exit_code == 0, result.output
    [kwargs] = calls
    assert kwargs["app"] == "sanctionwatch.web.asgi:make_app" and kwargs["factory"] is True
    assert {k: kwargs[k] for k in expected} == expected


def test_serve_reports_a_taken_port() -> None:
    with socket.socket() as taken:  # no SO_REUSEPORT: nobody may share it
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            build_app("serve"), ["serve", "--port", str(port), "--workers", "2"]
        )
    assert result.exit_code != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_workers_share_a_port() -> None:
    first = workers.listening_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    second = workers.listening_socket("127.0.0.1", port)
    try:
        assert second.getsockname()[1] == port
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize(
    "args", [["--workers", "0"], ["--port", "70000"]], ids=["0-workers", "bad-port"]
)
def test_serve_rejects_bad_options(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: pytest.fail("must not start"))
    result = CliRunner().invoke(build_app("serve"), ["serve", *args])
    assert result.exit_code == 2

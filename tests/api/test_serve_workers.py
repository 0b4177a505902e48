"""`serve --workers 2` for real: two worker processes on one port, a dead worker is
replaced, SIGTERM stops them all (`cli.workers`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sanctionwatch.cli import workers
from tests.api.conftest import free_port

pytestmark = pytest.mark.skipif(
    not workers.reuse_port_supported(), reason="SO_REUSEPORT workers are Linux only"
)
TIMEOUT = 90.0


def children(pid: int) -> set[int]:
    """The worker processes of `pid` (not multiprocessing's resource tracker)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    found = {int(p) for p in path.read_text().split()} if path.exists() else set()
    return {p for p in found if b"spawn_main" in _cmdline(p)}


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # it ended meanwhile
        return b""


def wait_for(condition: str, check: object, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {condition}")


def healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_two_workers_restart_and_stop(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SANCTIONWATCH_HOME": str(tmp_path)}
    script = Path(sys.executable).with_name("sanctionwatch")
    command = [str(script), "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", "2", "--log-level", "warning", "--no-access-log"], env=env
    )
    try:
        wait_for("two workers", lambda: len(children(server.pid)) == 2)
        wait_for("the server", lambda: healthy(url))
        first = children(server.pid)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        wait_for("a replacement", lambda: len(children(server.pid) - {victim}) == 2)
        assert children(server.pid) & first == first - {victim}
        # every connection is answered: the dead worker's socket left the port with it
        for _ in range(20):
            assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200
        kids = children(server.pid)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=TIMEOUT) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in kids)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

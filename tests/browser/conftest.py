"""Browser fixtures: the web app served by a real uvicorn on a free port (a tmp store with the
UN DPRK list, a workspace with an admin and an analyst) and Debian's Chromium driven by
Playwright's Python package. No `playwright install`: `scripts/setup-system.sh` installs
`/usr/bin/chromium`, and a missing browser fails these tests with that message (CI must run
them, not skip them)."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

from sanctionwatch.web.app import create_web_app
from tests.api.conftest import free_port, wait_ready
from tests.web.conftest import WebEnv, make_env

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def browser_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    env = make_env(tmp_path_factory.mktemp("browser"))
    yield env
    env.workspace.close()


@pytest.fixture(scope="session")
def base_url(browser_env: WebEnv) -> Iterator[str]:
    """The app on a real uvicorn server (a thread of this process), ready to serve."""
    app = create_web_app(browser_env.settings, workspace=browser_env.workspace)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    with httpx.Client(base_url=url) as http:
        wait_ready(http)
    app.state.readers.start()  # build the document reader while the browser starts
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(run `sh scripts/setup-system.sh` as root, or apt-get install chromium)",
            pytrace=False,
        )
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def context(playwright: Playwright) -> Iterator[BrowserContext]:
    profile = Path(tempfile.mkdtemp(prefix="sw-chromium-"))
    ctx = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=LAUNCH_ARGS,
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    tab = context.new_page()
    yield tab
    tab.close()

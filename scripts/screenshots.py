"""Screenshots of the main pages for the README, taken in Debian's Chromium from a real server.

    .venv/bin/python scripts/screenshots.py [--home DIR] [--out docs/screenshots]

The data is real: with no store in `--home` (default: a fresh folder under /tmp), the script
first runs the main job there (`sanctionwatch run --no-serve` with the shared list mirror:
lists synced, the example portfolio screened, the example documents read, the detectors run on
the example AIS data). It then opens a case from the first suggestion (if no case exists),
serves the web app with uvicorn on a free port, logs in as a throwaway admin and saves one PNG
per page. Nothing is downloaded: Chromium comes from `scripts/setup-system.sh`.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from playwright.sync_api import Page, sync_playwright

from sanctionwatch.cases.workspace import Workspace, open_workspace
from sanctionwatch.errors import InputError
from sanctionwatch.settings import Settings, load_settings
from sanctionwatch.web.app import create_web_app

REPO = Path(__file__).resolve().parents[1]
MIRROR = REPO.parent / "shared" / "data" / "lists"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
USER = "screenshots"


def prepare(home: Path) -> Settings:
    """Settings for `home`, after running the main job there if it holds no store yet."""
    env = {**os.environ, "SANCTIONWATCH_HOME": str(home)}
    env.pop("SANCTIONWATCH_DB_URL", None)
    if not (home / "sanctionwatch.sqlite").exists():
        if MIRROR.is_dir():
            env.setdefault("SANCTIONWATCH_MIRROR", str(MIRROR))
        cmd = [str(Path(sys.executable).parent / "sanctionwatch"), "run", "--no-serve"]
        print("running:", " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, env=env, check=True, cwd=REPO)
    settings = load_settings(env={"SANCTIONWATCH_HOME": str(home)})
    return dataclasses.replace(settings, extra={**settings.extra, "reader_ner": False})


def first_case(workspace: Workspace) -> int | None:
    """An open case to show: the newest one, or one opened from the first suggestion."""
    cases = workspace.cases()
    if cases:
        return cases[0].id
    suggestions = workspace.suggestions()
    if not suggestions:
        return None
    suggestion = max(suggestions, key=lambda s: len(s.alert_ids))
    first = workspace.alert(suggestion.alert_ids[0])
    case = workspace.create_case(
        first.alert.title,
        actor=USER,
        summary="Alerts the workspace proposed together: " + ", ".join(suggestion.reasons),
        alert_ids=suggestion.alert_ids,
    )
    workspace.add_note(case.id, "Opened from the suggestion for the screenshots.", actor=USER)
    return case.id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve(settings: Settings, workspace: Workspace) -> tuple[str, uvicorn.Server]:
    app = create_web_app(settings, workspace=workspace)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    with httpx.Client(base_url=url) as http:
        while time.monotonic() < deadline:
            if server.started and http.get("/readyz").status_code == 200:
                return url, server
            time.sleep(0.2)
    raise SystemExit("the server did not become ready in 120 s")


def shoot(page: Page, url: str, out: Path, name: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(out / f"{name}.png"), full_page=False)
    print(f"{out / name}.png  <- {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, default=None, help="data folder (default: new)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="sw-screenshots-"))
    settings = prepare(home)
    workspace = open_workspace(settings.db_url)
    password = secrets.token_urlsafe(16)
    if any(u.name == USER for u in workspace.users()):
        workspace.set_password(USER, password, actor=USER)
    else:
        workspace.add_user(USER, "admin", actor="scripts/screenshots.py", password=password)
    case_id = first_case(workspace)
    url, server = serve(settings, workspace)
    args.out.mkdir(parents=True, exist_ok=True)
    document = next(iter(workspace.documents(limit=50)), None)
    alerts = workspace.alerts(kind="document_finding", limit=1) or workspace.alerts(limit=1)
    pages = [
        ("dashboard", "/"),
        ("alerts", "/alerts"),
        ("map", "/map"),
        ("graph", "/graph"),
        ("timeline", "/timeline"),
        ("lists", "/lists"),
    ]
    if case_id is not None:
        pages.append(("case", f"/cases/{case_id}"))
    if document is not None:
        pages.append(("document", f"/documents/{document['id']}"))
    if alerts:
        pages.append(("alert", f"/alerts/{alerts[0].id}"))
    with tempfile.TemporaryDirectory(prefix="sw-chromium-") as profile, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1360, "height": 900},
        )
        page = ctx.new_page()
        page.goto(url + "/login")
        page.get_by_label("User").fill(USER)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(url + "/")
        for name, path in pages:
            shoot(page, url + path, args.out, name)
        page.goto(url + "/screen")
        page.get_by_label("Name").fill("Ким Ён Чхоль")
        page.get_by_role("button", name="Screen", exact=True).click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(args.out / "screening.png"))
        print(f"{args.out / 'screening'}.png  <- POST /screen")
        ctx.close()
    server.should_exit = True
    try:  # the throwaway login must not outlive the script
        workspace.deactivate_user(USER, actor=USER)
    except InputError as exc:  # a fresh folder has no other admin: keep it, say so
        print(f"note: {exc}; its password was random and is gone", file=sys.stderr)


if __name__ == "__main__":
    main()

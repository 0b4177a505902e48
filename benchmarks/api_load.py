"""Load test of the server: N concurrent clients on `POST /match/default` and the dashboard.

Imports the real UN consolidated list (2026-02-27) into a fresh SQLite store, adds a viewer
with an API key to its workspace, starts `sanctionwatch serve` on it (the command users run,
with its default of one worker per core unless `--workers`), and drives it with a cheap raw
HTTP/1.1 keep-alive client in processes (`load_client.py`) for a fixed time. Most clients
post varied `/match` queries (`load_queries.py`: listed names misspelled, reordered, in other
scripts, and negatives; 150,000 distinct by default, more than a 60 s run sends, each client
on its own slice, and the warm-up on 20,000 others, so that no query is sent twice and the
screener's caches see never-seen queries, as a screening service mostly does), a few load
the dashboard (`/`, or `/api/dashboard` when the HTML pages are missing). It prints p50/p99
latency, requests per second, errors, and the CPU used by the server and by the client itself
(cores, and ms per request). The measured phases start once the server's background index
warm-up is over (its CPU use drops), so they see the steady server every later request sees.

Baselines in the same run: `GET /healthz` under the same concurrency (the HTTP stack's floor)
and `Screener.match` called in-process without HTTP on the same queries (the scoring cost
alone, one core). With no think time (`--think 0`, the default) the clients are closed-loop:
the server is saturated and the mean latency is clients / throughput (Little's law).

    .venv/bin/python benchmarks/api_load.py --clients 50 --duration 60
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy

from load_client import Endpoint, LoadResult, Tally, encode_request, run_load
from load_queries import make_queries

REPO = Path(__file__).resolve().parents[1]
UN_LIST = REPO.parent / "shared" / "data" / "lists" / "un" / "consolidated.xml"
SEED = 20261128
HOST = "127.0.0.1"
LOAD_USER = "load-test"


# ---------------------------------------------------------------- data


def import_lists(home: str) -> list[EntityProxy]:
    """The UN list imported into the store in `home`, the way `sanctionwatch import` does it."""
    from sanctionwatch.ingest.service import import_paths
    from sanctionwatch.settings import load_settings
    from sanctionwatch.store import open_store

    settings = load_settings(env={"SANCTIONWATCH_HOME": home})
    with open_store(settings.db_url) as store:
        import_paths(store, [UN_LIST])
        return list(store.entities())


def api_key(home: str) -> tuple[str | None, str]:
    """A viewer's API key for the dashboard, or None and why (workspace not built yet)."""
    from sanctionwatch.settings import load_settings

    try:
        from sanctionwatch.cases.workspace import open_workspace
    except ImportError as exc:
        return None, f"no workspace ({exc})"
    settings = load_settings(env={"SANCTIONWATCH_HOME": home})
    workspace = open_workspace(settings.db_url)
    try:
        if not hasattr(workspace, "create_api_key"):
            return None, "the workspace has no API keys yet"
        workspace.add_user(LOAD_USER, "viewer", actor="api_load")
        _info, secret = workspace.create_api_key(LOAD_USER, label="load test", actor="api_load")
        return secret, f"API key of the viewer {LOAD_USER!r}"
    finally:
        workspace.close()


# ---------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def server_command(args: argparse.Namespace, port: int) -> list[str]:
    common = ["--port", str(port), "--workers", str(args.workers), "--log-level", "warning"]
    if args.access_log:
        common.append("--access-log")
    else:
        common.append("--no-access-log")
    if args.factory:
        return [sys.executable, "-m", "uvicorn", "--factory", args.factory, "--host", HOST, *common]
    script = Path(sys.executable).parent / "sanctionwatch"
    return [str(script), "serve", "--host", HOST, *common]


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_ready(url: str, child: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit(f"the server exited with {child.returncode} before it was ready")
        try:
            if get(f"{url}/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not become ready")


def wait_idle(pid: int, timeout: float = 180.0) -> float:
    """Wait until the server's processes use under a tenth of a core (their background
    index warm-up is over), so that the measured phases see a steady server; seconds waited."""
    start = time.monotonic()
    before = cpu_seconds(pid)
    while time.monotonic() - start < timeout:
        time.sleep(1.0)
        now = cpu_seconds(pid)
        if now - before < 0.1:
            break
        before = now
    return time.monotonic() - start


def process_tree(pid: int) -> list[int]:
    found = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                for child in fh.read().split():
                    found.extend(process_tree(int(child)))
    except FileNotFoundError:
        pass
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of `pid` and its descendants (Linux /proc)."""
    ticks = 0
    for each in process_tree(pid):
        try:
            with open(f"/proc/{each}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def dashboard_endpoint(url: str, key: str | None, clients: int) -> tuple[Endpoint | None, str]:
    """The dashboard page (`/`), else `/api/dashboard`, with the API key; or why not."""
    headers = {"Authorization": f"ApiKey {key}"} if key else {}
    tried = []
    for path in ("/", "/api/dashboard"):
        status, _ = get(url + path, headers)
        if status == 200:
            request = encode_request("GET", path, host=HOST, headers=list(headers.items()))
            return Endpoint(f"GET {path} (dashboard)", (request,), clients), path
        tried.append(f"{path} -> {status}")
    return None, "missing: " + ", ".join(tried)


# ---------------------------------------------------------------- report


def summary(name: str, tally: Tally, elapsed: float) -> str:
    n = len(tally.latencies)
    errors = sum(tally.errors.values())
    detail = f" {tally.errors}" if tally.errors else ""
    if n == 0:
        return f"{name:<32} no successful requests; errors={errors}{detail}"
    ms = sorted(x * 1000 for x in tally.latencies)
    p50 = statistics.median(ms)
    p99 = ms[min(n - 1, int(n * 0.99))]
    return (
        f"{name:<32} requests={n:>6}  req/s={n / elapsed:>7.1f}  "
        f"p50={p50:>7.1f} ms  p99={p99:>7.1f} ms  max={ms[-1]:>7.1f} ms  errors={errors}{detail}"
    )


def cpu_line(result: LoadResult, server_cpu: float | None, requests: int) -> str:
    client = (
        f"client CPU {result.client_cpu / result.elapsed:.2f} cores "
        f"({1000 * result.client_cpu / max(1, requests):.3f} ms per request)"
    )
    if server_cpu is None:
        return client
    per = 1000 * server_cpu / max(1, requests)
    cores = server_cpu / result.elapsed
    return f"server CPU {cores:.2f} cores ({per:.2f} ms per request); {client}"


def match_requests(queries: list[dict[str, Any]]) -> tuple[bytes, ...]:
    """One pre-encoded `POST /match/default` per query."""
    return tuple(
        encode_request(
            "POST",
            "/match/default",
            host=HOST,
            body=json.dumps({"queries": {"q": q}}, ensure_ascii=False).encode(),
        )
        for q in queries
    )


def in_process_baseline(queries: list[dict[str, Any]], duration: float, home: str) -> Tally:
    """`Screener.match` without HTTP, one thread, warm like the server: the scoring cost."""
    from sanctionwatch.screening.loader import load_screener
    from sanctionwatch.screening.service import MatchOptions, make_query
    from sanctionwatch.settings import load_settings

    screener = load_screener(load_settings(env={"SANCTIONWATCH_HOME": home}))
    screener.warm()
    parsed = [make_query(q["schema"], q["properties"]) for q in queries]
    options = MatchOptions(cutoff=0.7)
    tally = Tally()
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < duration:
        t0 = time.perf_counter()
        screener.match(parsed[i % len(parsed)], options)
        tally.latencies.append(time.perf_counter() - t0)
        i += 1
    return tally


def drive(
    port: int, endpoints: list[Endpoint], args: argparse.Namespace, duration: float, pid: int | None
) -> tuple[LoadResult, float | None]:
    before = None if pid is None else cpu_seconds(pid)
    result = run_load(
        HOST,
        port,
        endpoints,
        duration=duration,
        processes=args.client_processes,
        think=args.think / 1000,
        seed=SEED,
    )
    server = None if pid is None or before is None else cpu_seconds(pid) - before
    return result, server


WARMUP_QUERIES = 20000  # the warm-up's own queries: the measured run sends none of them


def main() -> None:
    from sanctionwatch.cli.serve import default_workers

    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--dashboard-clients", type=int, help="default: a tenth of --clients")
    parser.add_argument("--think", type=float, default=0.0, help="mean pause (ms) per client")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--access-log", action="store_true", help="keep uvicorn's access log")
    parser.add_argument("--factory", help="run `uvicorn --factory F` instead of `serve`")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load not counted")
    parser.add_argument("--baseline-duration", type=float, default=10.0)
    # More distinct queries than a 60 s run sends, so that the screener's memo and caches
    # (repeated names skip alignment) do not flatter the result; `--queries 1000` shows it.
    parser.add_argument("--queries", type=int, default=150000)
    args = parser.parse_args()
    dash_clients = args.clients // 10 if args.dashboard_clients is None else args.dashboard_clients
    match_clients = max(1, args.clients - dash_clients)

    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory() as home:
        entities = import_lists(home)
        queries, kinds = make_queries(entities, args.queries + WARMUP_QUERIES, seed=SEED)
        warmup_queries, queries = queries[args.queries :], queries[: args.queries]
        key, key_note = api_key(home)
        print(f"seed={SEED} entities={len(entities)} (UN 2026-02-27, SQLite store)")
        print(
            f"distinct queries={len(queries)} (+{len(warmup_queries)} for the warm-up; "
            f"kinds of all of them: {dict(sorted(kinds.items()))})"
        )
        port = free_port()
        cmd = server_command(args, port)
        shown = ["python", *cmd[1:]] if args.factory else ["sanctionwatch", *cmd[1:]]
        print("server: " + " ".join(shown))
        loops = [m for m in ("uvloop", "httptools") if _installed(m)]
        print(f"installed for uvicorn: {', '.join(loops) or 'neither uvloop nor httptools'}")
        env = {**os.environ, "SANCTIONWATCH_HOME": home}
        t0 = time.monotonic()
        child = subprocess.Popen(cmd, env=env)
        url = f"http://{HOST}:{port}"
        try:
            wait_ready(url, child)
            print(f"server ready after {time.monotonic() - t0:.1f}s", end="")
            print(f"; idle (index warm-up done) {wait_idle(child.pid):.1f}s later")
            match = Endpoint("POST /match/default", match_requests(queries), match_clients)
            dash, dash_note = (None, "not loaded (--dashboard-clients 0)")
            if dash_clients:
                dash, dash_note = dashboard_endpoint(url, key, dash_clients)
            print(f"dashboard: {dash_note}; auth: {key_note}")
            print(
                f"clients: {match_clients} on /match, {dash.clients if dash else 0} on the "
                f"dashboard; think time {args.think:.0f} ms; {args.client_processes} client "
                f"processes; warm-up {args.warmup:.0f}s not counted; measured {args.duration:.0f}s"
            )
            endpoints = [match] + ([dash] if dash else [])
            if args.warmup > 0:
                warm = Endpoint(match.name, match_requests(warmup_queries), match_clients)
                drive(port, [warm, *endpoints[1:]], args, args.warmup, None)
            ping = (encode_request("GET", "/healthz", host=HOST),)
            health = Endpoint("GET /healthz", ping, args.clients)
            base_http, base_cpu = drive(port, [health], args, args.baseline_duration, child.pid)
            result, server_cpu = drive(port, endpoints, args, args.duration, child.pid)
        finally:
            child.terminate()
            child.wait(timeout=60)
        base_direct = in_process_baseline(queries, args.baseline_duration, home)
    print(summary("baseline GET /healthz", base_http.tallies["GET /healthz"], base_http.elapsed))
    print("  " + cpu_line(base_http, base_cpu, len(base_http.tallies["GET /healthz"].latencies)))
    print(summary("baseline Screener.match", base_direct, args.baseline_duration))
    total = 0
    for name, tally in result.tallies.items():
        print(summary(name, tally, result.elapsed))
        total += len(tally.latencies) + sum(tally.errors.values())
    print("  " + cpu_line(result, server_cpu, total))
    print("load average after: {:.2f} {:.2f} {:.2f} (2 cores, shared)".format(*os.getloadavg()))


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    main()

"""Load test of the yente-compatible API: N concurrent clients on `POST /match/default`.

Imports the real UN consolidated list (2026-02-27) into a fresh SQLite store, starts a local
server on it (a child process running uvicorn, the same app `sanctionwatch serve` runs), then
drives it with httpx async clients for a fixed time and
prints p50/p99 latency, requests per second and errors. Two baselines run in the same process
with the same queries: `GET /healthz` under the same concurrency (the HTTP stack's floor) and
`Screener.match` called in-process without HTTP (the scoring cost alone, one core).

    .venv/bin/python benchmarks/api_load.py --clients 50 --duration 60
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import dataclasses
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from followthemoney import EntityProxy

REPO = Path(__file__).resolve().parents[1]
LISTS = REPO.parent / "shared" / "data" / "lists"
UN_LIST = LISTS / "un" / "consolidated.xml"
NEGATIVES = LISTS / "eval" / "yente_screening_fixtures" / "negatives_us.csv"
SEED = 20261128


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


def make_queries(entities: list[EntityProxy], count: int) -> list[dict[str, Any]]:
    """Half listed people and organisations (by caption), half synthetic negatives."""
    rng = random.Random(SEED)
    listed = [e for e in entities if e.schema.name in ("Person", "Organization", "Company")]
    positives = []
    for e in rng.sample(listed, min(count // 2, len(listed))):
        props: dict[str, list[str]] = {"name": [e.caption]}
        if e.schema.name == "Person" and e.get("birthDate"):
            props["birthDate"] = e.get("birthDate")[:1]
        positives.append({"schema": e.schema.name, "properties": props})
    with NEGATIVES.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    negatives = [
        {
            "schema": "Person",
            "properties": {
                "name": [r["full_name"]],
                "birthDate": [r["date_of_birth"]],
                "nationality": [r["nationality"]],
            },
        }
        for r in rng.sample(rows, count - len(positives))
    ]
    queries = positives + negatives
    rng.shuffle(queries)
    return queries


# ---------------------------------------------------------------- server


def serve(port: int, home: str) -> None:
    """Child process: the API over the store in `home` on 127.0.0.1:port."""
    import uvicorn

    from sanctionwatch.api.app import create_app
    from sanctionwatch.settings import load_settings

    settings = load_settings(env={"SANCTIONWATCH_HOME": home})
    settings = dataclasses.replace(settings, extra={"api_refresh_seconds": 0})
    app = create_app(settings)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not become ready")


# ---------------------------------------------------------------- load


@dataclass
class Tally:
    latencies: list[float] = dataclasses.field(default_factory=list)
    errors: dict[str, int] = dataclasses.field(default_factory=dict)
    elapsed: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def line(self, name: str) -> str:
        n = len(self.latencies)
        if n == 0:
            return f"{name:<28} no successful requests; errors={self.errors}"
        ms = sorted(x * 1000 for x in self.latencies)
        p50 = statistics.median(ms)
        p99 = ms[min(n - 1, int(n * 0.99))]
        return (
            f"{name:<28} requests={n:>6}  req/s={n / self.elapsed:>8.1f}  "
            f"p50={p50:>8.1f} ms  p99={p99:>8.1f} ms  errors={sum(self.errors.values())}"
            + (f" {self.errors}" if self.errors else "")
        )


async def run_load(
    url: str, *, clients: int, duration: float, method: str, path: str, bodies: list[Any]
) -> Tally:
    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    timeout = httpx.Timeout(120.0)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as http:
        start = time.monotonic()
        stop = start + duration

        async def worker(offset: int) -> None:
            i = offset
            while time.monotonic() < stop:
                body = bodies[i % len(bodies)] if bodies else None
                i += clients
                t0 = time.monotonic()
                try:
                    response = await http.request(method, path, json=body)
                except httpx.HTTPError as exc:
                    tally.error(type(exc).__name__)
                    continue
                if response.status_code != 200:
                    tally.error(str(response.status_code))
                    continue
                tally.latencies.append(time.monotonic() - t0)

        await asyncio.gather(*(worker(n) for n in range(clients)))
        tally.elapsed = time.monotonic() - start
    return tally


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
        t0 = time.monotonic()
        screener.match(parsed[i % len(parsed)], options)
        tally.latencies.append(time.monotonic() - t0)
        i += 1
    tally.elapsed = time.monotonic() - start
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of /match load")
    parser.add_argument("--baseline-duration", type=float, default=10.0)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--url", help="use a running server instead of starting one")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.home)
        return

    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    child: subprocess.Popen[bytes] | None = None
    with tempfile.TemporaryDirectory() as home:
        entities = import_lists(home)
        queries = make_queries(entities, args.queries)
        print(f"seed={SEED} entities={len(entities)} (UN 2026-02-27, SQLite store)")
        print(f"distinct queries={len(queries)} clients={args.clients}")
        print(f"match duration={args.duration:.0f}s")
        url = args.url
        if url is None:
            port = free_port()
            cmd = [sys.executable, __file__, "--serve", str(port), "--home", home]
            child = subprocess.Popen(cmd)
            url = f"http://127.0.0.1:{port}"
        try:
            t0 = time.monotonic()
            wait_ready(url)
            print(f"server ready after {time.monotonic() - t0:.1f}s at {url} (1 uvicorn worker)")
            bodies = [{"queries": {"q": q}} for q in queries]
            base_http = asyncio.run(
                run_load(
                    url,
                    clients=args.clients,
                    duration=args.baseline_duration,
                    method="GET",
                    path="/healthz",
                    bodies=[],
                )
            )
            result = asyncio.run(
                run_load(
                    url,
                    clients=args.clients,
                    duration=args.duration,
                    method="POST",
                    path="/match/default",
                    bodies=bodies,
                )
            )
        finally:
            if child is not None:
                child.terminate()
                child.wait(timeout=30)
        base_direct = in_process_baseline(queries, args.baseline_duration, home)
    print(base_http.line("baseline GET /healthz"))
    print(base_direct.line("baseline Screener.match"))
    print(result.line("POST /match/default"))
    print("load average after: {:.2f} {:.2f} {:.2f} (2 cores, shared)".format(*os.getloadavg()))


if __name__ == "__main__":
    main()

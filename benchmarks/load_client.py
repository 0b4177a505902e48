"""A cheap closed-loop HTTP/1.1 load client: raw asyncio keep-alive connections in processes.

The load client shares the 2 cores with the server, so it must cost little: requests are
pre-encoded bytes, responses are parsed just enough (status line, Content-Length or chunked
framing), and the clients are spread over a few processes, each with its own event loop
(uvloop when installed). Every process reports its own CPU time, so the client's share of the
machine is printed next to the server's.

A client is one keep-alive connection that sends a request, reads the whole response, records
the latency and, after an optional think time (exponential, seeded), sends the next one.
With no think time the clients are closed-loop and saturate the server: latency is then
queueing, `clients / throughput` on average (Little's law).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

GRACE_SECONDS = 30.0  # a request still running this long after the end counts as a timeout


@dataclass(frozen=True)
class Endpoint:
    """One kind of request: a name for the report and the pre-encoded requests to cycle."""

    name: str
    requests: tuple[bytes, ...]
    clients: int


@dataclass
class Tally:
    """Latencies (seconds) of successful requests and counted errors, for one endpoint."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def merge(self, other: Tally) -> None:
        self.latencies.extend(other.latencies)
        for kind, n in other.errors.items():
            self.errors[kind] = self.errors.get(kind, 0) + n


@dataclass
class LoadResult:
    tallies: dict[str, Tally]
    elapsed: float
    client_cpu: float  # user + system seconds of every client process


def encode_request(
    method: str,
    path: str,
    *,
    host: str,
    body: bytes = b"",
    headers: Sequence[tuple[str, str]] = (),
) -> bytes:
    """One HTTP/1.1 keep-alive request, ready to write."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    lines.extend(f"{name}: {value}" for name, value in headers)
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append("Content-Type: application/json")
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class ProtocolError(Exception):
    """The server's answer is not framed as HTTP/1.1 says."""


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status code and body of one response (Content-Length or chunked framing)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, _, header_block = head.partition(b"\r\n")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise ProtocolError(f"bad status line {status_line[:80]!r}")
    status = int(parts[1])
    length: int | None = None
    chunked = False
    closing = False
    for line in header_block.split(b"\r\n"):
        name, _, value = line.partition(b":")
        lname = name.strip().lower()
        if lname == b"content-length":
            length = int(value.strip())
        elif lname == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif lname == b"connection" and b"close" in value.lower():
            closing = True
    if chunked:
        chunks = []
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            data = await reader.readexactly(size + 2)
            if size == 0:
                break
            chunks.append(data[:-2])
        body = b"".join(chunks)
    elif length is not None:
        body = await reader.readexactly(length)
    elif closing:
        body = await reader.read()
    else:
        raise ProtocolError("response without Content-Length or chunked framing")
    if closing:
        raise ConnectionResetError("server closed the connection")
    return status, body


async def _client(
    host: str,
    port: int,
    endpoint: Endpoint,
    *,
    start_at: int,
    stop: float,
    think: float,
    seed: int,
    tally: Tally,
) -> None:
    rng = random.Random(seed)
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    requests = endpoint.requests
    i = start_at
    try:
        while time.monotonic() < stop:
            if writer is None:
                try:
                    reader, writer = await asyncio.open_connection(host, port)
                except OSError as exc:
                    tally.error(f"connect:{type(exc).__name__}")
                    await asyncio.sleep(0.1)
                    continue
            assert reader is not None
            payload = requests[i % len(requests)]
            i += 1
            t0 = time.perf_counter()
            try:
                writer.write(payload)
                status, _ = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ProtocolError, ValueError) as exc:
                tally.error(type(exc).__name__)
                writer.close()
                reader = writer = None
                continue
            latency = time.perf_counter() - t0
            if status == 200:
                tally.latencies.append(latency)
            else:
                tally.error(str(status))
            if think > 0:
                await asyncio.sleep(rng.expovariate(1.0 / think))
    finally:
        if writer is not None:
            writer.close()


async def _run_process(
    host: str,
    port: int,
    plan: list[tuple[Endpoint, int]],
    *,
    duration: float,
    think: float,
    seed: int,
) -> tuple[dict[str, Tally], float]:
    tallies = {endpoint.name: Tally() for endpoint, _ in plan}
    start = time.monotonic()
    stop = start + duration
    tasks = [
        asyncio.create_task(
            _client(
                host,
                port,
                endpoint,
                # each client its own slice of the queries: none sends another's
                start_at=offset * len(endpoint.requests) // endpoint.clients,
                stop=stop,
                think=think,
                seed=seed + offset,
                tally=tallies[endpoint.name],
            )
        )
        for endpoint, offset in plan
    ]
    await asyncio.wait(tasks, timeout=duration + GRACE_SECONDS)
    for task, (endpoint, _) in zip(tasks, plan, strict=True):
        if task.done():
            task.result()  # a bug in the client must not pass silently
        else:
            task.cancel()
            tallies[endpoint.name].error("timeout")
    return tallies, time.monotonic() - start


def _process_main(
    conn: Connection,
    host: str,
    port: int,
    plan: list[tuple[Endpoint, int]],
    duration: float,
    think: float,
    seed: int,
) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    tallies, elapsed = asyncio.run(
        _run_process(host, port, plan, duration=duration, think=think, seed=seed)
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    conn.send((tallies, elapsed, usage.ru_utime + usage.ru_stime))
    conn.close()


def run_load(
    host: str,
    port: int,
    endpoints: Sequence[Endpoint],
    *,
    duration: float,
    processes: int = 2,
    think: float = 0.0,
    seed: int = 0,
) -> LoadResult:
    """Drive every endpoint's clients for `duration` seconds from `processes` processes."""
    slots = [(endpoint, n) for endpoint in endpoints for n in range(endpoint.clients)]
    processes = max(1, min(processes, len(slots)))
    plans: list[list[tuple[Endpoint, int]]] = [slots[p::processes] for p in range(processes)]
    ctx = multiprocessing.get_context("fork")
    pipes = []
    procs = []
    for p, plan in enumerate(plans):
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(
            target=_process_main,
            args=(child, host, port, plan, duration, think, seed + 1000 * p),
            daemon=True,
        )
        proc.start()
        child.close()
        pipes.append(parent)
        procs.append(proc)
    tallies = {endpoint.name: Tally() for endpoint in endpoints}
    elapsed = 0.0
    cpu = 0.0
    for parent, proc in zip(pipes, procs, strict=True):
        part, part_elapsed, part_cpu = parent.recv()
        proc.join()
        for name, tally in part.items():
            tallies[name].merge(tally)
        elapsed = max(elapsed, part_elapsed)
        cpu += part_cpu
    return LoadResult(tallies=tallies, elapsed=elapsed, client_cpu=cpu)

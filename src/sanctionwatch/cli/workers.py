"""Worker processes for `serve`, each with its own listening socket (SO_REUSEPORT).

uvicorn's own multi-worker mode shares one listening socket between its workers. Whichever
worker wakes first accepts every connection waiting at that moment, so a burst of new
keep-alive clients can land almost all on one worker: measured with
`benchmarks/api_load.py`, 41 of 45 connections on one of two workers, whose queue then made
every request on it wait 10x longer than on the other. With SO_REUSEPORT every worker
listens on a socket of its own on the same port and the kernel spreads new connections
over them (by a hash of the client's address and port), whatever the workers are doing.

The supervisor here starts the workers, restarts one that dies, and stops them all on
SIGINT or SIGTERM. A worker binds its socket itself, so a dead worker takes its socket
(and the connections waiting in it) with it instead of leaving it to fill up unheard.
Linux only: elsewhere SO_REUSEPORT does not spread connections, and `serve` uses uvicorn's
supervisor.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import threading
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

log = logging.getLogger("uvicorn.error")

STARTUP_FAILURE = 3  # uvicorn's exit code for a worker that could not start
RESTART_PAUSE_SECONDS = 1.0  # after a crash, so a crash loop does not spin


def reuse_port_supported() -> bool:
    return sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket on (host, port) that other workers may bind as well."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def check_port(host: str, port: int) -> None:
    """Fail early and clearly when the address is taken (by anything that is not us)."""
    listening_socket(host, port).close()


@dataclass(frozen=True)
class WorkerSpec:
    """What every worker runs: uvicorn's `Config` arguments (host and port included)."""

    config: dict[str, Any]


def run_worker(spec: WorkerSpec) -> None:
    """A worker process: bind our own socket and serve on it until told to stop."""
    import uvicorn

    config = uvicorn.Config(**spec.config)
    server = uvicorn.Server(config)
    try:
        sock = listening_socket(config.host, config.port, config.backlog)
    except OSError as exc:
        log.error("cannot listen on %s:%s: %s", config.host, config.port, exc)
        sys.exit(STARTUP_FAILURE)
    server.run(sockets=[sock])
    if not server.started:
        sys.exit(STARTUP_FAILURE)


class Supervisor:
    """Keep `count` workers running until SIGINT or SIGTERM."""

    def __init__(self, spec: WorkerSpec, count: int) -> None:
        self.spec = spec
        self.count = count
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[BaseProcess] = []
        self.should_exit = threading.Event()

    def _start_one(self) -> BaseProcess:
        worker = self.context.Process(target=run_worker, args=(self.spec,), name="sw-worker")
        worker.start()
        log.info("Started worker process [%s]", worker.pid)
        return worker

    def _on_signal(self, signum: int, frame: object) -> None:
        self.should_exit.set()

    def run(self) -> int:
        """Serve until a signal arrives; the exit code (non-zero when workers cannot start)."""
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        code = 0
        try:
            self.workers = [self._start_one() for _ in range(self.count)]
            while not self.should_exit.wait(0.5):
                code = self._replace_dead()
                if code:
                    break
        finally:
            for worker in self.workers:
                if worker.is_alive():
                    worker.terminate()  # SIGTERM: uvicorn finishes its requests first
            for worker in self.workers:
                worker.join()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return code

    def _replace_dead(self) -> int:
        for i, worker in enumerate(self.workers):
            if worker.is_alive():
                continue
            if worker.exitcode == STARTUP_FAILURE:
                log.error("Worker [%s] failed to start: stopping.", worker.pid)
                self.should_exit.set()
                return STARTUP_FAILURE
            log.warning(
                "Worker [%s] died (exit code %s): restarting it", worker.pid, worker.exitcode
            )
            if self.should_exit.wait(RESTART_PAUSE_SECONDS):
                return 0
            self.workers[i] = self._start_one()
        return 0

"""Getting list files into the store: `import` of given files, `sync` of every list.

This is the orchestration layer between the pure parsers (`sources`) and the store: find the
files, recognise them, parse them, order the versions and import them oldest first.
"""

from __future__ import annotations

import gc
import multiprocessing
import re
import tempfile
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, cast

import httpx

from sanctionwatch.errors import (
    InputError,
    ParseError,
    Problem,
    SanctionwatchError,
    UnknownFormatError,
)
from sanctionwatch.ingest.fetch import fetch
from sanctionwatch.settings import Settings
from sanctionwatch.sources import registry, territories
from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.sources.catalog import load_catalog
from sanctionwatch.sources.detect import Detected, classify, gunzip
from sanctionwatch.sources.ftm_json import DeltaList, parse_delta, parse_ftm
from sanctionwatch.store.models import ImportReport, PreparedVersion, RowFile
from sanctionwatch.store.rowfile import remove_row_file, write_row_file
from sanctionwatch.store.rows import prepare_version
from sanctionwatch.store.store import Store

DATE_IN_PATH = re.compile(r"(?<!\d)(\d{4}-\d{2}(?:-\d{2})?)(?!\d)")

Parsed = ParsedList | DeltaList
Prepared = PreparedVersion | DeltaList

MAX_PARSE_WORKERS = 2
"""Parser processes when several files are parsed: the target machine has two cores."""


@dataclass
class SyncResult:
    """What a sync did: versions imported (oldest first), files skipped, lists that failed."""

    imports: list[ImportReport] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "imports": [
                {**r.to_dict(), "current": r.current, "unchanged": r.unchanged}
                for r in self.imports
            ],
            "skipped": self.skipped,
            "failures": self.failures,
        }


def version_from_path(paths: Sequence[Path]) -> str:
    """A list date for files that state none: a date in the path, else the file's mtime."""
    for path in paths:
        found = DATE_IN_PATH.findall(str(path))
        if found:
            # A month alone ("sdn_csv_2021-07") becomes its first day: versions are dates.
            date = str(found[-1])
            return date if len(date) == 10 else f"{date}-01"
    mtime = max(p.stat().st_mtime for p in paths)
    return datetime.fromtimestamp(mtime, UTC).date().isoformat()


def jobs_for_files(paths: Sequence[Path]) -> list[registry.ParseJob]:
    """Parse jobs for files named on the command line (folders are scanned).

    An OFAC sdn.csv given alone brings its add/alt/comments files from the same folder, since
    a user importing the SDN list expects its aliases and addresses too.
    """
    jobs: list[registry.ParseJob] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            jobs.extend(registry.scan_folder(path))
            continue
        found = classify(SourceFile.read(path))
        if not isinstance(found, Detected):
            raise UnknownFormatError(f"{path}: not a sanctions list ({found.reason})")
        if found.format == "us_ofac_csv" and found.part == "sdn":
            siblings = [j for j in registry.scan_folder(path.parent) if path in j.files]
            jobs.extend(siblings or [registry.ParseJob(found.format, found.dataset, [path])])
        elif found.format == "us_ofac_csv":
            raise InputError(f"{path}: an OFAC {found.part} file is imported with its sdn.csv")
        else:
            jobs.append(registry.ParseJob(found.format, found.dataset, [path], found.part))
    return jobs


def parse_job(job: registry.ParseJob, *, dataset: str | None = None) -> Parsed:
    """Run the job's parser; fill in the version when the file states none."""
    # Lists are often published or mirrored gzipped; parsers get the plain bytes.
    files = [SourceFile(str(p), gunzip(p.read_bytes(), str(p))) for p in job.files]
    parsed: Parsed
    if job.format == "ftm_delta":
        parsed = parse_delta(files, dataset=dataset)
    elif job.format == "ftm_json":
        parsed = parse_ftm(files, dataset=dataset)
    else:
        parsed = registry.parse_files(job.format, files)
        if dataset is not None:
            parsed.dataset = dataset
    if not parsed.version:
        parsed.version = version_from_path(job.files)
    return parsed


def store_parsed(store: Store, parsed: Parsed | PreparedVersion) -> ImportReport:
    if isinstance(parsed, DeltaList):
        return store.apply_delta(parsed.dataset, parsed.version, parsed.upserts, parsed.deletes)
    if isinstance(parsed, PreparedVersion):
        try:
            return store.import_prepared(parsed)
        finally:
            remove_row_file(parsed.rows)  # read once: free the disk space at once
    return store.import_list(parsed)


def prepare(parsed: Parsed, *, row_dir: Path | None = None) -> Prepared:
    """A parsed list as the store's rows (`PreparedVersion`); a delta stays as it is, since
    it applies to the stored current version. With `row_dir`, the rows are written to a new
    file there (a `RowFile`, see `store.rowfile`) instead of being kept in memory."""
    if isinstance(parsed, DeltaList):
        return parsed
    prepared = prepare_version(
        parsed.entities,
        dataset=parsed.dataset,
        version=parsed.version,
        issues=[p.to_dict() for p in parsed.issues],
        source=parsed.source,
        format=parsed.format,
    )
    if row_dir is None or isinstance(prepared.rows, RowFile) or not prepared.rows:
        return prepared
    path = row_dir / f"rows-{uuid.uuid4().hex}.sqlite"
    return replace(prepared, rows=write_row_file(path, prepared.rows))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk parse or import.

    Why: a parse allocates millions of objects (entities, their value lists, row tuples)
    that all stay alive until the import, and every full collection walks all of them
    again; on the four big lists that was about a quarter of the parse's CPU. The objects
    form no reference cycles worth collecting, and the collector resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_jobs(
    jobs: Sequence[registry.ParseJob],
    *,
    dataset: str | None = None,
    workers: int | None = None,
) -> Iterator[tuple[int, Parsed | ParseError]]:
    """Parse every job; yield (index into `jobs`, parsed list or its ParseError).

    One job, or `workers` <= 1, parses in this process in job order. Several jobs parse in a
    pool of up to `workers` processes (default MAX_PARSE_WORKERS) and are yielded as they
    finish (submitted in job order), so the caller can import one list while others parse.
    """
    for index, outcome in _run_jobs(jobs, _parse_in_worker, dataset=dataset, workers=workers):
        yield index, cast(Parsed | ParseError, outcome)


def prepare_jobs(
    jobs: Sequence[registry.ParseJob],
    *,
    dataset: str | None = None,
    workers: int | None = None,
    row_dir: Path | None = None,
) -> Generator[tuple[int, Prepared | ParseError], None, None]:
    """`parse_jobs`, each list then turned into the store's rows where it was parsed.

    What crosses from a worker to this process is then a list of plain tuples, not the
    entities: pickling and unpickling FtM entities cost as much CPU as writing their rows.
    With `row_dir` (a folder the caller removes), a worker writes the rows to a file there
    and sends only its name: see `store.rowfile` for why.
    """
    work = partial(_prepare_in_worker, row_dir=row_dir)
    for index, outcome in _run_jobs(jobs, work, dataset=dataset, workers=workers):
        yield index, cast(Prepared | ParseError, outcome)


def _run_jobs(
    jobs: Sequence[registry.ParseJob],
    work: Callable[[registry.ParseJob, str | None], object],
    *,
    dataset: str | None,
    workers: int | None,
) -> Iterator[tuple[int, object]]:
    """Run `work` on every job, inline or in a process pool (see `parse_jobs`); a worker's
    ParseError comes back as the error, any other error is raised."""
    count = _pool_size(jobs, workers)
    if count <= 1:
        for index, job in enumerate(jobs):
            yield index, _outcome(work(job, dataset))
        return
    context = _pool_context()
    # Largest first, so the pool does not end on a big file while the other worker idles
    # (and its rows are not the last thing to import).
    order = sorted(range(len(jobs)), key=lambda i: -_content_size(jobs[i]))
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        futures = {pool.submit(work, jobs[i], dataset): i for i in order}
        try:
            for future in as_completed(futures):
                yield futures[future], _outcome(future.result())
        finally:
            for future in futures:
                future.cancel()


def _content_size(job: registry.ParseJob) -> int:
    """Bytes a job parses, a stand-in for its cost: gzip and zip (xlsx) members unpacked,
    read from their headers (gzip's trailer, the zip directory) without inflating."""
    total = 0
    for path in job.files:
        try:
            with path.open("rb") as handle:
                head = handle.read(4)
                size = handle.seek(0, 2)
                if head[:2] == b"\x1f\x8b" and size >= 8:
                    handle.seek(-4, 2)
                    size = int.from_bytes(handle.read(4), "little")  # ISIZE, modulo 2**32
                elif head == b"PK\x03\x04":
                    with zipfile.ZipFile(handle) as archive:
                        size = sum(info.file_size for info in archive.infolist())
        except (OSError, zipfile.BadZipFile):
            continue  # the parser reports unreadable files; order does not matter then
        total += size
    return total


def _outcome(result: object) -> object:
    if not isinstance(result, _WorkerError):
        return result
    error = result.error()
    if not isinstance(error, ParseError):
        raise error
    return error


def _pool_context() -> multiprocessing.context.BaseContext:
    """Fork where we can: workers then start at once with the parent's warm caches."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context()
    # Country names are matched through a table rigour builds on first use (2-3 CPU-s);
    # read here from its cache file (`sources.territories`), every forked worker shares it.
    territories.install()
    return multiprocessing.get_context("fork")


@dataclass(frozen=True)
class _WorkerError:
    """A SanctionwatchError raised in a pool process, carried back as data.

    Exceptions cross process boundaries by pickling, which calls the class with the message
    alone; ParseError (problems) and MissingExtraError (package, extra) take other arguments.
    """

    problems: tuple[Problem, ...] = ()
    message: str = ""

    def error(self) -> SanctionwatchError:
        return ParseError(self.problems) if self.problems else SanctionwatchError(self.message)


def _parse_in_worker(job: registry.ParseJob, dataset: str | None) -> Parsed | _WorkerError:
    """Run in a pool process (or inline): the parsed list, or the parser's error as data."""
    try:
        with gc_paused():
            return parse_job(job, dataset=dataset)
    except ParseError as exc:
        return _WorkerError(problems=tuple(exc.problems))
    except SanctionwatchError as exc:
        if type(exc) in (SanctionwatchError, InputError, UnknownFormatError):
            raise  # these rebuild from their message
        return _WorkerError(message=str(exc))


def _prepare_in_worker(
    job: registry.ParseJob, dataset: str | None, *, row_dir: Path | None = None
) -> Prepared | _WorkerError:
    """Run in a pool process (or inline): the list's rows, or the parser's error as data.

    One pause of the collector for the parse and the rows: resumed in between, its first
    collection would walk every entity just parsed, only to find them alive.
    """
    with gc_paused():
        parsed = _parse_in_worker(job, dataset)
        if isinstance(parsed, _WorkerError):
            return parsed
        prepared = prepare(parsed, row_dir=row_dir)
        del parsed  # freed by reference counting, so the collector has none of it to walk
    return prepared


def _pool_size(jobs: Sequence[registry.ParseJob], workers: int | None) -> int:
    """Parse processes for these jobs: 1 or less means inline, in this process."""
    return min(MAX_PARSE_WORKERS if workers is None else workers, len(jobs))


@contextmanager
def _row_dir(
    store: Store, jobs: Sequence[registry.ParseJob], workers: int | None
) -> Iterator[Path | None]:
    """A scratch folder for the workers' row files when the store takes them (SQLite) and
    the parse runs in a pool; None (rows in memory) otherwise: inline, a file would only
    move the same binding work from the import to the parse."""
    if not store.takes_row_files or _pool_size(jobs, workers) <= 1:
        yield None
        return
    with tempfile.TemporaryDirectory(
        prefix="sanctionwatch-rows-", ignore_cleanup_errors=True
    ) as folder:
        yield Path(folder)


def import_paths(
    store: Store,
    paths: Sequence[Path],
    *,
    dataset: str | None = None,
    workers: int | None = None,
) -> list[ImportReport]:
    """Import the given files (format detected from content), oldest version first.

    Files are parsed in parallel and turned into rows there (see `prepare_jobs`); the store
    is written by this process only, one list at a time. A dataset is imported as soon as
    all its files are parsed, while the other files are still parsing, so a file that fails
    to parse stops the run but leaves the datasets already imported in the store (as a
    failing import does).
    """
    jobs = jobs_for_files(paths)
    pending = {index: _may_give(job, dataset) for index, job in enumerate(jobs)}
    ready: dict[str, list[tuple[int, Prepared]]] = defaultdict(list)
    done: list[tuple[int, ImportReport]] = []
    with (
        gc_paused(),
        _row_dir(store, jobs, workers) as row_dir,
        # Closed before the row folder goes: on an error the pool's running workers are
        # waited for first, so none writes into a folder being removed.
        closing(prepare_jobs(jobs, dataset=dataset, workers=workers, row_dir=row_dir)) as outcomes,
    ):
        for index, outcome in outcomes:
            if isinstance(outcome, ParseError):
                raise outcome
            del pending[index]
            ready[outcome.dataset].append((index, outcome))
            for name in [n for n in ready if not any(_gives(c, n) for c in pending.values())]:
                done.extend(_import_in_order(store, ready.pop(name)))
        for name in sorted(ready):
            done.extend(_import_in_order(store, ready[name]))
    # The same order as a sequential run: by (dataset, version), then command-line order.
    done.sort(key=lambda item: (item[1].dataset, item[1].version, item[0]))
    return [report for _, report in done]


def _may_give(job: registry.ParseJob, dataset: str | None) -> frozenset[str] | None:
    """The datasets a job can produce; None when it can be any (FtM files)."""
    if dataset or job.dataset:
        return frozenset([dataset or job.dataset or ""])
    declared = registry.FORMATS[job.format].datasets if job.format in registry.FORMATS else ()
    return frozenset(declared) or None


def _gives(candidates: frozenset[str] | None, name: str) -> bool:
    return candidates is None or name in candidates


def _import_in_order(
    store: Store, parsed: list[tuple[int, Prepared]]
) -> list[tuple[int, ImportReport]]:
    ordered = sorted(parsed, key=lambda item: (item[1].dataset, item[1].version, item[0]))
    return [(index, store_parsed(store, item)) for index, item in ordered]


def sync(
    settings: Settings,
    store: Store,
    *,
    mirror: Path | None = None,
    client: httpx.Client | None = None,
    on_file: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> SyncResult:
    """Bring every list up to date: from the mirror folder when given, else the internet.

    Every version found is imported oldest first per dataset, so the newest (by the date each
    file states) ends current and older ones become history. A list that fails to parse or
    import is reported in `failures` and leaves its stored versions untouched.
    """
    mirror = mirror or settings.mirror
    result = SyncResult()
    if mirror is not None:
        if not mirror.is_dir():
            raise InputError(f"mirror {mirror}: not a folder")
        scanned = registry.scan(mirror)
        jobs = scanned.jobs
        result.skipped = [f"{s.path}: {s.reason}" for s in scanned.skipped]
    else:
        jobs = _download_jobs(settings, client, result)
    with gc_paused():
        _sync_jobs(store, jobs, result, on_file=on_file, workers=workers)
    return result


def _sync_jobs(
    store: Store,
    jobs: Sequence[registry.ParseJob],
    result: SyncResult,
    *,
    on_file: Callable[[str], None] | None,
    workers: int | None,
) -> None:
    with _row_dir(store, jobs, workers) as row_dir:
        _sync_prepared(store, jobs, result, on_file=on_file, workers=workers, row_dir=row_dir)


def _sync_prepared(
    store: Store,
    jobs: Sequence[registry.ParseJob],
    result: SyncResult,
    *,
    on_file: Callable[[str], None] | None,
    workers: int | None,
    row_dir: Path | None,
) -> None:
    outcomes: list[Prepared | ParseError | None] = [None] * len(jobs)
    with closing(prepare_jobs(jobs, workers=workers, row_dir=row_dir)) as produced:
        for index, outcome in produced:
            if on_file is not None:
                on_file(str(jobs[index].files[0]))
            outcomes[index] = outcome
    parsed: list[Prepared] = []
    for found in outcomes:  # job order, as a sequential run reports them
        if isinstance(found, ParseError):
            result.failures.extend({"file": p.file, "error": str(p)} for p in found.problems[:20])
        elif found is not None:
            parsed.append(found)
    current = store.current_versions()
    for item in _one_per_version(parsed, result):
        if isinstance(item, DeltaList) and item.dataset not in current:
            result.skipped.append(
                f"{item.source}: a delta for {item.dataset}, which has no full version stored"
            )
            continue
        try:
            result.imports.append(store_parsed(store, item))
        except SanctionwatchError as exc:
            result.failures.append({"file": item.source, "error": str(exc)})


def _one_per_version(parsed: list[Prepared], result: SyncResult) -> list[Prepared]:
    """Oldest first per dataset; of several files stating the same version keep the largest.

    A mirror may hold a derived subset (e.g. the DPRK records of the UN list) beside the
    full list of the same date; a version is one publication, so the full one wins.
    """
    best: dict[tuple[str, str], Prepared] = {}
    for item in parsed:
        key = (item.dataset, item.version)
        other = best.get(key)
        if other is None or _size(item) > _size(other):
            if other is not None:
                result.skipped.append(f"{other.source}: {key[0]} {key[1]} also in {item.source}")
            best[key] = item
        else:
            result.skipped.append(f"{item.source}: {key[0]} {key[1]} also in {other.source}")
    return [best[key] for key in sorted(best)]


def _size(item: Prepared) -> int:
    return len(item.upserts) if isinstance(item, DeltaList) else item.entities


def _download_jobs(
    settings: Settings, client: httpx.Client | None, result: SyncResult
) -> list[registry.ParseJob]:
    """Download each catalogued list's official files and turn them into parse jobs.

    A list's YAML names every edition the publisher offers; we fetch the ones of its declared
    format: all four CSV parts for OFAC, otherwise the first URL that answers (the others are
    fallbacks, e.g. the French and Spanish UN editions).
    """
    own_client = client is None
    http = client or httpx.Client(timeout=settings.http_timeout)
    jobs: list[registry.ParseJob] = []
    try:
        for spec in load_catalog().values():
            folder = settings.home / "downloads" / spec.name
            wanted = _wanted_urls(spec.format, spec.urls)
            fetched = False
            for url in wanted:
                if fetched and spec.format != "us_ofac_csv":
                    break
                try:
                    fetch(http, url, folder, max_bytes=settings.max_file_bytes)
                    fetched = True
                except SanctionwatchError as exc:
                    result.failures.append({"file": url, "error": str(exc)})
            if fetched:
                scanned = registry.scan(folder)
                jobs.extend(j for j in scanned.jobs if j.format == spec.format)
    finally:
        if own_client:
            http.close()
    return jobs


def _wanted_urls(format_name: str, urls: Iterable[str]) -> list[str]:
    if format_name == "us_ofac_csv":
        return [u for u in urls if u.lower().endswith(".csv")]
    return list(urls)

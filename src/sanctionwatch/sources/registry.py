"""Format name -> parser, and grouping the files of a folder into parse jobs.

The registry is the single source of truth for the formats we read (DESIGN.md, convention
7): parser modules are imported lazily with importlib, so importing the registry costs
nothing and a missing optional module fails only when its format is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sanctionwatch.errors import InputError, ParseError, UnknownFormatError
from sanctionwatch.sources import territories
from sanctionwatch.sources.base import MAX_MEMBER_BYTES, ParsedList, Parser, SourceFile
from sanctionwatch.sources.detect import Detected, NotAList, classify


@dataclass(frozen=True)
class FormatSpec:
    """One readable format: where its parser lives and what it returns."""

    name: str
    module: str  # under sanctionwatch.sources
    function: str = "parse"
    kind: str = "list"  # "list": returns ParsedList; "delta": returns ftm_json.DeltaList
    datasets: tuple[str, ...] = ()  # datasets this format's parser emits (empty: any)


FORMATS: dict[str, FormatSpec] = {
    spec.name: spec
    for spec in (
        FormatSpec("un_sc_xml", "un_sc_xml", datasets=("un_sc_sanctions",)),
        FormatSpec("us_ofac_csv", "us_ofac_csv", datasets=("us_ofac_sdn", "us_ofac_cons")),
        FormatSpec("us_ofac_xml", "us_ofac_xml", datasets=("us_ofac_sdn", "us_ofac_cons")),
        FormatSpec("gb_ofsi", "gb_ofsi", datasets=("gb_hmt_sanctions",)),
        FormatSpec("eu_fsf_xml", "eu_fsf_xml", datasets=("eu_fsf",)),
        FormatSpec("us_trade_csl", "us_trade_csl", datasets=("us_trade_csl",)),
        FormatSpec("ftm_json", "ftm_json"),
        FormatSpec("ftm_delta", "ftm_json", function="parse_delta", kind="delta"),
    )
}


def _load(spec: FormatSpec) -> Callable[..., Any]:
    try:
        module = importlib.import_module(f"sanctionwatch.sources.{spec.module}")
    except ModuleNotFoundError as exc:
        raise InputError(f"the {spec.name} parser is not available: {exc}") from exc
    return cast(Callable[..., Any], getattr(module, spec.function))


def get_spec(format_name: str) -> FormatSpec:
    spec = FORMATS.get(format_name)
    if spec is None:
        known = ", ".join(sorted(FORMATS))
        raise UnknownFormatError(f"unknown format {format_name!r}; known: {known}")
    return spec


def get_parser(format_name: str) -> Parser:
    """The `parse(files) -> ParsedList` function of a list format (not of `ftm_delta`)."""
    spec = get_spec(format_name)
    if spec.kind != "list":
        raise UnknownFormatError(f"{format_name} is a delta format: use get_delta_parser")
    return cast(Parser, _load(spec))


def get_delta_parser() -> Callable[[Sequence[SourceFile]], Any]:
    """`ftm_json.parse_delta(files) -> DeltaList`."""
    return _load(FORMATS["ftm_delta"])


def parse_files(format_name: str, files: Sequence[SourceFile]) -> ParsedList:
    """Parse files with the named format's parser."""
    parser = get_parser(format_name)
    territories.install()  # rigour's country-name table from the cache, not rebuilt
    return parser(files)


# ------------------------------------------------------------------------------ folder scanning


@dataclass(frozen=True)
class ParseJob:
    """Files to parse together with one parser (OFAC sdn.csv with its add/alt/comments)."""

    format: str
    dataset: str | None
    files: list[Path]
    part: str | None = None


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


@dataclass
class ScanResult:
    jobs: list[ParseJob] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


OFAC_PART_ORDER = ("sdn", "add", "alt", "comments")


def scan(path: Path) -> ScanResult:
    """Every list file under `path`, recognised by content, grouped into parse jobs.

    Files that are not lists (schemas, documentation, evaluation tables, unknown content) are
    listed in `skipped` with the reason. OFAC CSV parts join the sdn.csv of their directory.
    """
    result = ScanResult()
    ofac: dict[Path, dict[str, Path]] = {}
    for file_path in sorted(p for p in path.rglob("*") if p.is_file()):
        if any(part.startswith(".") for part in file_path.relative_to(path).parts):
            continue
        if file_path.stat().st_size > MAX_MEMBER_BYTES:
            result.skipped.append(Skipped(file_path, "larger than the file size limit"))
            continue
        try:
            found = classify(SourceFile(str(file_path), file_path.read_bytes()))
        except (UnknownFormatError, ParseError) as exc:
            result.skipped.append(Skipped(file_path, str(exc)))
            continue
        if isinstance(found, NotAList):
            result.skipped.append(Skipped(file_path, found.reason))
        elif found.format == "us_ofac_csv" and found.part is not None:
            ofac.setdefault(file_path.parent, {})[found.part] = file_path
        else:
            result.jobs.append(_job(found, [file_path]))
    for folder, parts in sorted(ofac.items()):
        if "sdn" not in parts:
            for part, file_path in parts.items():
                reason = f"OFAC {part} part without an sdn.csv in {folder}"
                result.skipped.append(Skipped(file_path, reason))
            continue
        files = [parts[p] for p in OFAC_PART_ORDER if p in parts]
        result.jobs.append(ParseJob("us_ofac_csv", None, files, "+".join(sorted(parts))))
    result.jobs.sort(key=lambda j: str(j.files[0]))
    return result


def _job(found: Detected, files: list[Path]) -> ParseJob:
    return ParseJob(found.format, found.dataset, files, found.part)


def scan_folder(path: Path) -> list[ParseJob]:
    """The parse jobs of a folder (see `scan` for what is skipped and why)."""
    return scan(path).jobs

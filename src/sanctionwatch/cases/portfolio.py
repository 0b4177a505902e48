"""A watched portfolio: the customers or counterparties a user registers for re-screening.

A CSV, TSV, Excel (.xlsx) or Parquet table with a `name` column and, optionally, birth date,
country or nationality, identifiers (IMO, MMSI, passport, registration...), an id column and a
schema column (person, company, vessel...). Headers are recognised like `screen-file` does
(`screening.batch.HEADER_PROPERTIES`), plus a few portfolio ones (id, schema, identifiers).

Strict, because a portfolio is a standing instruction: a bad date or an unknown country in one
row would silently weaken every future run. Every problem of the file is reported at once, each
with the file, the line (row for Excel and Parquet), the column and the value; nothing is
screened until the file is clean.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy, model
from followthemoney.types import registry

from sanctionwatch.errors import InputError, ParseError, Problem
from sanctionwatch.screening.batch import FORMATS, HEADER_PROPERTIES, read_table
from sanctionwatch.screening.service import make_query

_HEADER_RE = re.compile(r"[^a-z0-9]")
ID_HEADERS = frozenset(
    {"id", "ref", "reference", "customerid", "clientid", "partyid", "accountid", "recordid"}
)
SCHEMA_HEADERS = frozenset({"schema", "type", "entitytype", "partytype"})
IDENTIFIER_HEADERS = frozenset({"identifier", "identifiers", "ids"})
EXTRA_PROPERTIES: Mapping[str, str] = {
    "flag": "flag",
    "callsign": "callSign",
    "placeofbirth": "birthPlace",
    "birthplace": "birthPlace",
    "dateofregistration": "incorporationDate",
    "incorporationdate": "incorporationDate",
}
SCHEMA_WORDS: Mapping[str, str] = {
    "person": "Person",
    "individual": "Person",
    "company": "Company",
    "organization": "Organization",
    "organisation": "Organization",
    "entity": "LegalEntity",
    "legalentity": "LegalEntity",
    "vessel": "Vessel",
    "ship": "Vessel",
}
# Tried in order when a row states no schema: the first that has every property it uses.
INFERRED_SCHEMATA = ("LegalEntity", "Person", "Vessel", "Company")
MAX_ROWS = 200_000


@dataclass(frozen=True)
class PortfolioRow:
    """One watched party, validated: its query properties and where it sits in the file."""

    line: int  # line of the CSV (1 = header) or row of the sheet
    key: str  # the id column's value, else a digest of schema and properties
    schema: str
    properties: Mapping[str, tuple[str, ...]]
    values: Mapping[str, str]  # the row as read, for the alert's evidence

    def query(self) -> EntityProxy:
        return make_query(self.schema, {k: list(v) for k, v in self.properties.items()})

    @property
    def name(self) -> str:
        return next(iter(self.properties.get("name", ())), self.key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "key": self.key,
            "schema": self.schema,
            "properties": {k: list(v) for k, v in self.properties.items()},
            "values": dict(self.values),
        }


@dataclass(frozen=True)
class Portfolio:
    """A validated portfolio file."""

    path: str
    sha256: str  # of the file's bytes: a changed file is screened again
    columns: Mapping[str, str]  # header -> property, "@id" or "@schema"
    rows: tuple[PortfolioRow, ...]
    blank_rows: int = 0
    location_word: str = "line"
    notes: tuple[str, ...] = field(default=())


def read_portfolio(path: Path) -> Portfolio:
    """Read and validate a portfolio; raises `ParseError` listing every problem, or
    `InputError` when the file cannot be read as a table at all."""
    if not path.is_file():
        raise InputError(f"{path}: no such portfolio file")
    data = path.read_bytes()
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"{path}: unknown portfolio format (use one of {known})")
    if kind == "csv":
        columns, numbered = _read_csv(path, data)
        word = "line"
    else:
        columns, rows = read_table(path)
        numbered = [(i + 2, row) for i, row in enumerate(rows)]
        word = "row"
    return parse_rows(
        str(path),
        columns,
        numbered,
        sha256=hashlib.sha256(data).hexdigest(),
        location_word=word,
    )


def _read_csv(path: Path, data: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """Header and (line number, row) pairs; the line is where the record starts."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        problem = Problem(str(path), "", "", "", message)
        raise ParseError([problem]) from exc
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        raise ParseError([Problem(str(path), "line 1", "", "", "empty file: no header line")])
    columns = [h.strip() or f"column_{i + 1}" for i, h in enumerate(header)]
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[Problem] = []
    start = reader.line_num + 1
    try:
        for record in reader:
            if len(record) > len(columns) and any(v.strip() for v in record[len(columns) :]):
                problems.append(
                    Problem(
                        str(path),
                        f"line {start}",
                        "",
                        "",
                        f"{len(record)} fields but the header has {len(columns)}",
                    )
                )
            rows.append((start, dict(zip(columns, record, strict=False))))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(str(path), f"line {reader.line_num}", "", "", f"bad CSV: {exc}"))
    if problems:
        raise ParseError(problems)
    return columns, rows


def map_columns(columns: Sequence[str]) -> dict[str, str]:
    """Header -> FtM property, "@id", "@schema" or "@identifier"; unknown headers are kept
    in the evidence but not screened."""
    mapping: dict[str, str] = {}
    for column in columns:
        key = _HEADER_RE.sub("", column.lower())
        if key in ID_HEADERS:
            mapping[column] = "@id"
        elif key in SCHEMA_HEADERS:
            mapping[column] = "@schema"
        elif key in IDENTIFIER_HEADERS:
            mapping[column] = "@identifier"
        elif key in HEADER_PROPERTIES:
            mapping[column] = HEADER_PROPERTIES[key]
        elif key in EXTRA_PROPERTIES:
            mapping[column] = EXTRA_PROPERTIES[key]
    return mapping


def parse_rows(
    source: str,
    columns: Sequence[str],
    rows: Sequence[tuple[int, Mapping[str, Any]]],
    *,
    sha256: str,
    location_word: str = "line",
) -> Portfolio:
    """Validate numbered rows into a `Portfolio` (pure; `read_portfolio` does the I/O)."""
    mapping = map_columns(columns)
    if "name" not in mapping.values():
        raise ParseError(
            [
                Problem(
                    source,
                    f"{location_word} 1",
                    "name",
                    "",
                    "a portfolio needs a 'name' column (found: "
                    + ", ".join(repr(c) for c in columns)
                    + ")",
                )
            ]
        )
    if len(rows) > MAX_ROWS:
        raise InputError(f"{source}: {len(rows)} rows; a portfolio holds at most {MAX_ROWS}")
    problems: list[Problem] = []
    parsed: list[PortfolioRow] = []
    keys: dict[str, int] = {}  # id -> line of its first row
    id_column = next((c for c, p in mapping.items() if p == "@id"), None)
    blank = 0
    for number, row in rows:
        cells = {c: _cell(row.get(c)) for c in columns}
        if not any(cells.values()):
            blank += 1
            continue
        where = f"{location_word} {number}"
        row_problems: list[Problem] = []
        explicit_id = cells[id_column] if id_column is not None else ""
        if explicit_id and explicit_id in keys:
            message = f"duplicate id (first on {location_word} {keys[explicit_id]})"
            row_problems.append(Problem(source, where, str(id_column), explicit_id, message))
        elif explicit_id:
            keys[explicit_id] = number
        found = _row(source, where, cells, mapping, row_problems)
        if found is not None and not row_problems:
            schema, props = found
            parsed.append(
                PortfolioRow(
                    line=number,
                    key=explicit_id or _digest_key(schema, props),
                    schema=schema,
                    properties={k: tuple(v) for k, v in props.items()},
                    values={c: v for c, v in cells.items() if v},
                )
            )
        problems.extend(row_problems)
    if problems:
        raise ParseError(problems)
    return Portfolio(
        path=source,
        sha256=sha256,
        columns=mapping,
        rows=tuple(parsed),
        blank_rows=blank,
        location_word=location_word,
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    # Excel dates arrive as "1960-05-03 00:00:00": the time of a birth date is noise.
    if re.fullmatch(r"\d{4}-\d{2}-\d{2} 00:00:00", text):
        text = text[:10]
    return text


def _row(
    source: str,
    where: str,
    cells: Mapping[str, str],
    mapping: Mapping[str, str],
    problems: list[Problem],
) -> tuple[str, dict[str, list[str]]] | None:
    """(schema, properties) of one row, appending a problem per bad cell."""
    props: dict[str, list[str]] = {}
    schema_name: str | None = None
    origin: dict[str, str] = {}  # property -> column, to name the column of a problem
    for column, target in mapping.items():
        value = cells.get(column, "")
        if target == "name" and not value:
            problems.append(Problem(source, where, column, "", "empty name"))
            continue
        if not value:
            continue
        if target == "@id":
            continue
        if target == "@schema":
            schema_name = SCHEMA_WORDS.get(_HEADER_RE.sub("", value.lower()))
            if schema_name is None and model.get(value) is not None:
                schema_name = value
            if schema_name is None:
                words = ", ".join(sorted(set(SCHEMA_WORDS)))
                problems.append(
                    Problem(source, where, column, value, f"unknown party type (use {words})")
                )
        elif target == "@identifier":
            for part in (p.strip() for p in re.split(r"[;|]", value)):
                if not part:
                    continue
                prop = identifier_property(part)
                if prop == "mmsi":
                    part = part.upper().removeprefix("MMSI").strip(" :")
                message = value_problem(prop, part)
                if message is not None:
                    problems.append(Problem(source, where, column, part, message))
                    continue
                props.setdefault(prop, []).append(part)
                origin.setdefault(prop, column)
        else:
            message = value_problem(target, value)
            if message is not None:
                problems.append(Problem(source, where, column, value, message))
                continue
            props.setdefault(target, []).append(value)
            origin.setdefault(target, column)
    if problems:
        return None
    schema = schema_name or _infer_schema(props)
    if schema == "Vessel" and "idNumber" in props:
        # A ship has no id number: nine digits are its MMSI, anything else its registration.
        for value in props.pop("idNumber"):
            prop = "mmsi" if re.fullmatch(r"\d{9}", value) else "registrationNumber"
            props.setdefault(prop, []).append(value)
            origin.setdefault(prop, origin["idNumber"])
    if schema is None:
        problems.append(
            Problem(
                source,
                where,
                "",
                "",
                "these columns fit no single party type: "
                + ", ".join(sorted(origin[p] for p in props))
                + " (add a schema column: person, company, vessel...)",
            )
        )
        return None
    schema_obj = model.get(schema)
    assert schema_obj is not None  # checked above or inferred from the model
    for prop in props:
        if schema_obj.get(prop) is None:
            problems.append(
                Problem(source, where, origin[prop], "", f"does not apply to a {schema} ({prop})")
            )
    if problems:
        return None
    try:
        make_query(schema, props)
    except InputError as exc:
        problems.append(Problem(source, where, "", "", str(exc)))
        return None
    return schema, props


def value_problem(prop: str, value: str) -> str | None:
    """Why a cell's value cannot be used for `prop`, or None when it can."""
    found = None
    for schema in ("Person", "Vessel", "Company", "LegalEntity"):
        schema_obj = model.get(schema)
        if schema_obj is not None and schema_obj.get(prop) is not None:
            found = schema_obj.get(prop)
            break
    if found is None:
        return None
    kind = found.type
    if kind == registry.date and registry.date.clean(value) is None:
        return "not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"
    if kind == registry.country and registry.country.clean(value) is None:
        return "unknown country (use a name or an ISO code)"
    if prop == "imoNumber" and kind.clean(value, format=found.format) is None:
        return "not a valid IMO number (7 digits with a check digit)"
    if prop == "mmsi" and not re.fullmatch(r"\d{9}", value):
        return "not an MMSI (9 digits)"
    return None


def identifier_property(value: str) -> str:
    """The property of a value from a generic identifiers column: IMO numbers (prefixed or
    with a valid check digit) and MMSIs are recognised, anything else is an id number."""
    prop = model.get("Vessel")
    assert prop is not None
    imo = prop.get("imoNumber")
    assert imo is not None
    upper = value.upper().replace(" ", "")
    if upper.startswith("IMO") or (
        re.fullmatch(r"\d{7}", upper) and imo.type.clean(upper, format=imo.format)
    ):
        return "imoNumber"
    if upper.startswith("MMSI"):
        return "mmsi"
    return "idNumber"


def _infer_schema(props: Mapping[str, Sequence[str]]) -> str | None:
    for name in INFERRED_SCHEMATA:
        schema = model.get(name)
        if schema is not None and all(schema.get(p) is not None for p in props):
            return name
    return None


def _digest_key(schema: str, props: Mapping[str, Sequence[str]]) -> str:
    blob = json.dumps([schema, {k: sorted(v) for k, v in sorted(props.items())}], sort_keys=True)
    return "row-" + hashlib.sha256(blob.encode()).hexdigest()[:16]

"""Batch screening of a table (CSV, Excel, Parquet): rows in, the same rows with matches out.

Columns are mapped to FtM properties by header name (`full_name` -> name, `date_of_birth`
-> birthDate, ...), overridable per column. Each row becomes a query; a row that is not a
valid query (no name, a bad date) gets its error in `sw_error` instead of stopping the file.
The row function is pure, so the embedded and the Spark engine run the very same code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sanctionwatch.errors import InputError
from sanctionwatch.screening.service import MatchOptions, Screener, make_query

# header (lower case, non-alphanumerics removed) -> property
HEADER_PROPERTIES: dict[str, str] = {
    "name": "name",
    "fullname": "name",
    "entityname": "name",
    "companyname": "name",
    "vesselname": "name",
    "alias": "alias",
    "firstname": "firstName",
    "givenname": "firstName",
    "middlename": "middleName",
    "lastname": "lastName",
    "surname": "lastName",
    "familyname": "lastName",
    "fathername": "fatherName",
    "patronymic": "fatherName",
    "dateofbirth": "birthDate",
    "birthdate": "birthDate",
    "dob": "birthDate",
    "nationality": "nationality",
    "citizenship": "nationality",
    "country": "country",
    "jurisdiction": "country",
    "gender": "gender",
    "imo": "imoNumber",
    "imonumber": "imoNumber",
    "mmsi": "mmsi",
    "passport": "passportNumber",
    "passportnumber": "passportNumber",
    "idnumber": "idNumber",
    "registrationnumber": "registrationNumber",
    "taxnumber": "taxNumber",
    "inn": "innCode",
    "lei": "leiCode",
}
OUTPUT_COLUMNS = (
    "sw_match",
    "sw_score",
    "sw_match_id",
    "sw_match_caption",
    "sw_match_schema",
    "sw_match_datasets",
    "sw_explanation",
    "sw_matches",
    "sw_error",
)
_HEADER_RE = re.compile(r"[^a-z0-9]")


@dataclass(frozen=True)
class BatchSpec:
    """How rows become queries: the column -> property mapping and the match options."""

    mapping: Mapping[str, str]
    schema: str = "LegalEntity"
    schema_column: str | None = None
    options: MatchOptions = field(default_factory=MatchOptions)


def auto_mapping(
    columns: Iterable[str], overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Map headers to properties by name; `overrides` (header -> property, "" to drop) win."""
    mapping: dict[str, str] = {}
    for column in columns:
        prop = HEADER_PROPERTIES.get(_HEADER_RE.sub("", column.lower()))
        if prop is not None:
            mapping[column] = prop
    for column, prop in (overrides or {}).items():
        if prop:
            mapping[column] = prop
        else:
            mapping.pop(column, None)
    return mapping


def spec_for(
    columns: list[str],
    *,
    overrides: Mapping[str, str] | None = None,
    schema: str = "LegalEntity",
    options: MatchOptions | None = None,
) -> BatchSpec:
    """A checked spec: every override names a real column, and some column gives a name."""
    unknown = sorted(set(overrides or {}) - set(columns))
    if unknown:
        raise InputError(f"no such column(s): {', '.join(unknown)} (have: {', '.join(columns)})")
    mapping = auto_mapping(columns, overrides)
    usable = {"name", "alias", "firstName", "lastName", "imoNumber", "mmsi", "idNumber"}
    usable |= {"passportNumber", "registrationNumber", "taxNumber", "innCode", "leiCode"}
    if not usable & set(mapping.values()):
        raise InputError(
            "no column maps to a name; rename a header (e.g. 'name') or use --column HEADER=name"
        )
    schema_column = next((c for c in columns if c.lower() == "schema"), None)
    return BatchSpec(mapping, schema, schema_column, options or MatchOptions())


def screen_row(screener: Screener, row: Mapping[str, Any], spec: BatchSpec) -> dict[str, Any]:
    """The output columns for one input row."""
    props: dict[str, list[str]] = {}
    for column, prop in spec.mapping.items():
        value = row.get(column)
        text = "" if value is None else str(value).strip()
        if text:
            props.setdefault(prop, []).append(text)
    schema = spec.schema
    if spec.schema_column is not None and row.get(spec.schema_column):
        schema = str(row[spec.schema_column]).strip()
    out: dict[str, Any] = dict.fromkeys(OUTPUT_COLUMNS, "")
    out["sw_match"] = False
    out["sw_score"] = 0.0
    try:
        results = screener.match(make_query(schema, props), spec.options)
    except InputError as exc:
        out["sw_error"] = str(exc)
        return out
    if results:
        best = results[0]
        name = best.explanations.get("name_match", {})
        out.update(
            sw_match=best.match,
            sw_score=best.score,
            sw_match_id=best.entity.id or "",
            sw_match_caption=best.entity.caption,
            sw_match_schema=best.entity.schema.name,
            sw_match_datasets=";".join(best.datasets),
            sw_explanation=f"{name.get('candidate', '')} ({name.get('method', '')})",
        )
    out["sw_matches"] = json.dumps(
        [{"id": r.entity.id, "score": r.score, "match": r.match} for r in results],
        ensure_ascii=False,
    )
    return out


def screen_rows(
    screener: Screener, rows: Iterable[Mapping[str, Any]], spec: BatchSpec
) -> Iterator[dict[str, Any]]:
    """Each row with its match columns appended (input columns first, unchanged)."""
    for row in rows:
        yield {**row, **screen_row(screener, row, spec)}


# --- reading and writing tables (the embedded engine uses DuckDB for CSV and Parquet) ---

FORMATS = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}


def table_format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"{path}: unknown table format (use one of {known})") from None


def read_table(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns and rows of a CSV, Parquet or Excel file, every value as text."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    kind = table_format(path)
    if kind == "xlsx":
        return _read_xlsx(path)
    import duckdb

    con = duckdb.connect()
    try:
        if kind == "csv":
            rel = con.read_csv(str(path), header=True, all_varchar=True)
        else:
            rel = con.read_parquet(str(path))
        columns = list(rel.columns)
        rows = [
            {c: (None if v is None else str(v)) for c, v in zip(columns, values, strict=True)}
            for values in rel.fetchall()
        ]
    except duckdb.Error as exc:
        raise InputError(f"{path}: cannot read as {kind}: {exc}") from exc
    finally:
        con.close()
    return columns, rows


def _read_xlsx(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError) as exc:
        raise InputError(f"{path}: not a readable Excel file: {exc}") from exc
    sheet = book.active
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None)
    if header is None:
        raise InputError(f"{path}: the first sheet is empty")
    columns = [str(h) if h is not None else f"column_{i + 1}" for i, h in enumerate(header)]
    rows = [
        {c: (None if v is None else str(v)) for c, v in zip(columns, values, strict=False)}
        for values in lines
    ]
    book.close()
    return columns, rows


def write_table(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """Write rows in the format of the output file's extension."""
    kind = table_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c) for c in columns])
        book.save(path)
        return
    import pyarrow as pa

    table = pa.Table.from_pylist(
        [{c: row.get(c) for c in columns} for row in rows],
        schema=pa.schema([(c, _arrow_type(c)) for c in columns]),
    )
    if kind == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    else:
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, path)


def _arrow_type(column: str) -> Any:
    import pyarrow as pa

    if column == "sw_score":
        return pa.float64()
    if column == "sw_match":
        return pa.bool_()
    return pa.string()


def output_columns(columns: list[str]) -> list[str]:
    return [*[c for c in columns if c not in OUTPUT_COLUMNS], *OUTPUT_COLUMNS]

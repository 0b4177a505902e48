"""`sanctionwatch screen` and `screen-file`: one name, or a whole table, against the lists.

Thin shell: options -> a query or a batch spec -> the screening service -> a table or JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sanctionwatch.cli.common import err_console, handle_errors, print_json, progress_iter, settings
from sanctionwatch.errors import InputError

_IDENTIFIER_PROPS = {"Vessel": "imoNumber", "Person": "idNumber"}


def _identifier_prop(schema: str, value: str) -> str:
    digits = "".join(c for c in value if c.isdigit())
    if value.upper().replace(" ", "").startswith("IMO") or (
        schema == "Vessel" and len(digits) == 7
    ):
        return "imoNumber"
    if schema == "Vessel":
        return "registrationNumber"
    return "idNumber"


def _parse_columns(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        header, sep, prop = item.partition("=")
        if not sep or not header:
            raise InputError(f"--column takes HEADER=PROPERTY (or HEADER= to ignore), got {item!r}")
        out[header] = prop
    return out


def register(app: typer.Typer) -> None:
    @app.command("screen")
    @handle_errors
    def screen(
        name: Annotated[str, typer.Argument(help="The name to screen.")],
        schema: Annotated[
            str, typer.Option(help="FtM schema: Person, Company, Vessel...")
        ] = "LegalEntity",
        birth_date: Annotated[
            list[str] | None, typer.Option("--birth-date", help="YYYY[-MM[-DD]]")
        ] = None,
        country: Annotated[list[str] | None, typer.Option(help="Country or nationality.")] = None,
        identifier: Annotated[
            list[str] | None, typer.Option(help="IMO, passport, registration...")
        ] = None,
        limit: Annotated[int, typer.Option(min=1, max=500)] = 5,
        threshold: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.7,
        algorithm: Annotated[str, typer.Option(help="Scoring algorithm.")] = "best",
        as_json: Annotated[
            bool, typer.Option("--json", help="Print a yente-style JSON response.")
        ] = False,
    ) -> None:
        """Screen one name (with optional birth date, country, identifiers) against the lists."""
        from sanctionwatch.screening.loader import load_screener
        from sanctionwatch.screening.service import MatchOptions, make_query

        props: dict[str, list[str]] = {"name": [name]}
        if birth_date:
            props["birthDate"] = birth_date
        if country:
            props["country"] = country
        for value in identifier or []:
            props.setdefault(_identifier_prop(schema, value), []).append(value)
        if birth_date and schema == "LegalEntity":
            schema = "Person"
        query = make_query(schema, props)
        options = MatchOptions(algorithm=algorithm, limit=limit, threshold=threshold, cutoff=0.5)
        results = load_screener(settings()).match(query, options)
        if as_json:
            print_json(
                {
                    "query": {
                        "id": query.id,
                        "schema": query.schema.name,
                        "properties": query.to_dict()["properties"],
                    },
                    "results": [r.to_dict() for r in results],
                    "total": {"value": sum(1 for r in results if r.match), "relation": "eq"},
                }
            )
            return
        _print_table(name, results)

    @app.command("screen-file")
    @handle_errors
    def screen_file(
        input_path: Annotated[Path, typer.Argument(help="CSV, Excel (.xlsx) or Parquet file.")],
        output: Annotated[Path, typer.Option("-o", "--output", help="Output file (same formats).")],
        engine: Annotated[str, typer.Option(help="duckdb (embedded) or spark.")] = "duckdb",
        column: Annotated[
            list[str] | None,
            typer.Option(help="Map a header: HEADER=PROPERTY, or HEADER= to ignore."),
        ] = None,
        schema: Annotated[
            str, typer.Option(help="Schema of rows without a 'schema' column.")
        ] = "LegalEntity",
        limit: Annotated[int, typer.Option(min=1, max=50)] = 3,
        threshold: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.7,
    ) -> None:
        """Screen every row of a table; write it back with the best matches appended."""
        from sanctionwatch.screening.batch import (
            output_columns,
            read_table,
            screen_rows,
            spec_for,
            write_table,
        )
        from sanctionwatch.screening.loader import load_screener
        from sanctionwatch.screening.service import MatchOptions

        if engine not in ("duckdb", "spark"):
            raise InputError(f"unknown engine {engine!r}: use duckdb or spark")
        options = MatchOptions(limit=limit, threshold=threshold, cutoff=0.5)
        conf = settings()
        screener = load_screener(conf)
        if engine == "spark":
            from sanctionwatch.engine.spark_engine import SparkOptions, spark_session
            from sanctionwatch.screening.spark_batch import screen_file_spark

            columns, _ = read_table(input_path)
            spec = spec_for(
                columns, overrides=_parse_columns(column or []), schema=schema, options=options
            )
            spark_options = SparkOptions.from_settings(conf.extra)
            err_console.print(f"screening on Spark (master {spark_options.master})...")
            columns, rows = screen_file_spark(
                screener, input_path, spec, spark=spark_session(spark_options)
            )
        else:
            columns, source = read_table(input_path)
            spec = spec_for(
                columns, overrides=_parse_columns(column or []), schema=schema, options=options
            )
            rows = list(
                progress_iter(
                    screen_rows(screener, source, spec), description="screening", total=len(source)
                )
            )
        write_table(output, output_columns(columns), rows)
        matched = sum(1 for r in rows if r.get("sw_match"))
        errors = sum(1 for r in rows if r.get("sw_error"))
        err_console.print(
            f"{len(rows)} rows screened, {matched} matched, {errors} with errors -> {output}"
        )


def _print_table(name: str, results: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"screening {name!r}")
    for header in ("score", "match", "id", "caption", "schema", "datasets", "why"):
        table.add_column(header, overflow="fold")
    for r in results:
        why = r.explanations.get("name_match", {})
        extra = [
            f"{k} {v['score']:+.2f}"
            for k, v in r.explanations.items()
            if k not in ("name_match", "_meta")
        ]
        table.add_row(
            f"{r.score:.3f}",
            "yes" if r.match else "no",
            str(r.entity.id),
            r.entity.caption,
            r.entity.schema.name,
            ", ".join(r.datasets),
            "; ".join([f"{why.get('candidate', '')} ({why.get('method', '')})", *extra]),
        )
    Console().print(table if results else "no candidates above the cutoff")

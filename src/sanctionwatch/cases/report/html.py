"""The HTML report: one self-contained, print-friendly file (inline CSS and SVG, no URLs).

Autoescaping is on for everything: names, notes and document text come from lists, analysts
and the open web, and a report is opened in a browser; a `<script>` in a vessel name must
stay text. The only markup not escaped by Jinja is the map, built by `figures.map_svg`, which
escapes its own labels.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from sanctionwatch.cases.report.content import Report
from sanctionwatch.cases.report.figures import map_svg


def _compact_json(value: Mapping[str, Any]) -> str:
    return json.dumps(dict(value), ensure_ascii=False, sort_keys=True, default=str)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("sanctionwatch.cases.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["compact_json"] = _compact_json
    return env


def render_html(report: Report) -> bytes:
    """The report as UTF-8 HTML bytes; the same report gives the same bytes."""
    svg = Markup(map_svg(report.figure)) if report.figure is not None else Markup("")
    page = environment().get_template("report.html.j2").render(r=report, map_svg=svg)
    return page.encode("utf-8")

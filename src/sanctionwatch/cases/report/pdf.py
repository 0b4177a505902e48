"""The PDF report (fpdf2, pure Python): the same sections as the HTML, text selectable.

Names on the lists and in the evidence come in Latin, Hangul, Cyrillic and Han; the PDF
embeds (subsets) one TrueType font that covers all of them, found by `find_font`:
WenQuanYi Micro Hei shipped inside the `paperang-p2-fonts-cjk` wheel (a core dependency, so
`pip install sanctionwatch` brings it), else the same or another CJK font from Debian
packages. A TrueType font rather than an OpenType/CFF one (Noto Sans CJK): fpdf2 writes CFF
fonts correctly, but common extractors (pypdf) then split words into letters, and a report
whose names cannot be copied or searched is worth less.

The map is drawn with the PDF's own vector operations from the same `MapFigure` the HTML's
SVG comes from (fpdf2 renders the SVG into PDF paths), so it stays sharp when printed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableCellFillMode, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from sanctionwatch.cases.report.content import Report, Segment
from sanctionwatch.cases.report.entities import Fact
from sanctionwatch.cases.report.figures import map_svg
from sanctionwatch.errors import ConfigError

FONT_FAMILY = "swreport"
# (path, face index in a collection); first found wins. The packaged font comes first.
SYSTEM_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # Debian fonts-wqy-microhei
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # Debian fonts-wqy-zenhei
    ("/usr/share/fonts/truetype/nanum/NanumGothic.ttf", 0),  # Debian fonts-nanum
)
FONT_HELP = (
    "pip install paperang-p2-fonts-cjk (WenQuanYi Micro Hei, a dependency of sanctionwatch) "
    "or apt-get install fonts-wqy-microhei"
)
INK = (27, 27, 27)
MUTED = (90, 90, 90)
ACTIVITY = (170, 30, 20)
MENTION = (30, 80, 160)
HEAD_FILL = (232, 236, 241)


def packaged_font() -> tuple[Path, int] | None:
    try:
        root = resources.files("paperang_p2_fonts_cjk")
    except ModuleNotFoundError:
        return None
    path = Path(str(root.joinpath("fonts", "wqy-microhei.ttc")))
    return (path, 0) if path.is_file() else None


@lru_cache(maxsize=1)
def find_font() -> tuple[Path, int]:
    """The font file (and face index) the PDF embeds; ConfigError naming the fix if none."""
    found = packaged_font()
    if found is not None:
        return found
    for path, index in SYSTEM_FONTS:
        if Path(path).is_file():
            return Path(path), index
    tried = ", ".join(p for p, _ in SYSTEM_FONTS)
    raise ConfigError(
        "no font covering Latin, Hangul and Cyrillic for the PDF report "
        f"(looked in the paperang_p2_fonts_cjk package and {tried}): {FONT_HELP}"
    )


class _Writer:
    """Layout helpers over one FPDF document."""

    def __init__(self, report: Report) -> None:
        path, index = find_font()
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_margins(16, 16, 16)
        pdf.set_auto_page_break(auto=True, margin=16)
        # One face (loading a CJK font is most of the time a PDF takes): headings differ by
        # size and colour, not weight; table headings are not bold for the same reason.
        pdf.add_font(FONT_FAMILY, "", str(path), collection_font_number=index)
        pdf.set_title(f"Case {report.case_id}: {report.title}")
        pdf.set_subject("sanctionwatch case report")
        pdf.set_creator("sanctionwatch")
        pdf.set_creation_date(_parse_time(report.generated_at))
        pdf.alias_nb_pages()
        self.pdf = pdf
        self.footer = f"Case {report.case_id} · generated {report.generated_at}"

    def font(self, size: float, colour: tuple[int, int, int] = INK, style: str = "") -> None:
        self.pdf.set_font(FONT_FAMILY, style, size)
        self.pdf.set_text_color(*colour)

    def heading(self, text: str, level: int = 2) -> None:
        size = {1: 17.0, 2: 13.0, 3: 11.0}[level]
        if level == 2:
            self.pdf.ln(3)
            if self.pdf.will_page_break(30):
                self.pdf.add_page()
        self.font(size, (20, 40, 70) if level < 3 else INK)
        self.pdf.multi_cell(0, size * 0.55, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if level == 2:
            y = self.pdf.get_y()
            self.pdf.set_draw_color(20, 40, 70)
            self.pdf.set_line_width(0.5)
            self.pdf.line(self.pdf.l_margin, y, self.pdf.w - self.pdf.r_margin, y)
            self.pdf.ln(1.5)

    def para(self, text: str, *, size: float = 9.5, colour: tuple[int, int, int] = INK) -> None:
        self.font(size, colour)
        self.pdf.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(0.8)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float] | None = None,
        size: float = 8.0,
    ) -> None:
        if not rows:
            return
        self.font(size)
        with self.pdf.table(
            col_widths=tuple(widths) if widths else None,
            text_align="LEFT",
            line_height=size * 0.5,
            headings_style=FontFace(emphasis=None, fill_color=HEAD_FILL),
            cell_fill_mode=TableCellFillMode.NONE,
            wrapmode=WrapMode.WORD,
            padding=0.8,
            first_row_as_headings=bool(header),
        ) as table:
            if header:
                table.row(list(header))
            for values in rows:
                table.row([v if v else "-" for v in values])
        self.pdf.ln(1.5)

    def facts(self, facts: Sequence[Fact], *, size: float = 8.0) -> None:
        self.table((), [(f.label, f.value) for f in facts], widths=(1, 3), size=size)

    def evidence(self, segments: Sequence[Segment]) -> None:
        """The evidence sentence, indicator terms in red and underlined, names in blue."""
        pdf = self.pdf
        pdf.set_x(pdf.l_margin + 3)
        left = pdf.l_margin
        pdf.set_left_margin(left + 3)
        for seg in segments:
            if seg.mark == "activity":
                self.font(9.5, ACTIVITY)
                pdf.set_font(FONT_FAMILY, "U", 9.5)
            elif seg.mark == "mention":
                self.font(9.5, MENTION)
            else:
                self.font(9.5, INK)
            pdf.write(4.8, seg.text)
        pdf.set_left_margin(left)
        pdf.ln(6)

    def map(self, svg: str) -> None:
        pdf = self.pdf
        width = pdf.w - pdf.l_margin - pdf.r_margin
        if pdf.will_page_break(width * 0.62):
            pdf.add_page()
        pdf.image(io.BytesIO(svg.encode("utf-8")), x=pdf.l_margin, w=width)
        pdf.ln(2)


def _parse_time(value: str) -> datetime:
    """The report's generation time as the PDF's creation date (deterministic output)."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _title(w: _Writer, r: Report) -> None:
    w.pdf.add_page()
    w.para("sanctionwatch case report", size=9, colour=MUTED)
    w.heading(f"Case {r.case_id}: {r.title}", 1)
    versions = "; ".join(f"{f.label} {f.value}" for f in r.list_versions) or "none recorded"
    w.facts(
        [
            Fact("Status", r.status),
            Fact("Opened", f"{r.created_at} by {r.created_by}"),
            Fact("Last changed", r.updated_at),
            Fact("Report generated", r.generated_at),
            Fact("List versions used", versions),
            Fact(
                "Contents",
                f"{len(r.entities)} listed entities, {len(r.alerts)} alerts "
                f"({len(r.documents)} documents, {len(r.ship_events)} ship events, "
                f"{len(r.screening)} screening hits, {len(r.list_changes)} list changes), "
                f"{len(r.notes)} notes",
            ),
        ],
        size=8.5,
    )
    w.heading("1. Summary")
    w.para(r.summary or "No summary written.")
    w.heading("2. Decisions")
    if r.decisions:
        w.table(
            ("When", "By", "Status", "Rationale"),
            [(d.created_at, d.actor, d.status, d.rationale) for d in r.decisions],
            widths=(3, 2, 2, 6),
        )
    else:
        w.para("No decision recorded yet.", colour=MUTED)


def _entities(w: _Writer, r: Report) -> None:
    w.heading("3. Entities")
    if not r.entities:
        w.para("No list entity is linked to this case.", colour=MUTED)
    for e in r.entities:
        refs = f" [{', '.join(e.references)}]" if e.references else ""
        w.heading(f"{e.caption} ({e.schema}){refs}", 3)
        w.para(f"id {e.id}; lists: {', '.join(e.datasets)}", size=8, colour=MUTED)
        w.table(
            ("Name", "Kind", "Script"),
            [(n.value, n.kind, n.script) for n in e.names],
            widths=(6, 2, 1.5),
        )
        if e.sanctions:
            w.table(
                ("Authority", "Programme", "Reference", "Listed", "Details"),
                [
                    (
                        s.authority,
                        s.programme,
                        s.reference,
                        s.listed,
                        "\n".join(f"{f.label}: {f.value}" for f in s.facts),
                    )
                    for s in e.sanctions
                ],
                widths=(2.5, 1.5, 2, 1.6, 6),
            )
        extra = [
            *e.identifiers,
            *(Fact("Address", a) for a in e.addresses),
            *e.facts,
            *e.related,
        ]
        w.facts(extra)


def _chronology_and_map(w: _Writer, r: Report) -> None:
    w.heading("4. Chronology")
    w.table(
        ("When", "What", "Detail", "Ref"),
        [(c.when, c.title, c.detail, c.ref) for c in r.chronology],
        widths=(2.6, 4, 5, 1.6),
    )
    w.heading("5. Map")
    if r.figure is None:
        w.para("No ship event of this case has a position.", colour=MUTED)
        return
    w.map(map_svg(r.figure))
    w.para(" · ".join(text for _colour, text in r.figure.legend), size=8, colour=MUTED)


def _evidence(w: _Writer, r: Report) -> None:
    w.heading("6. Evidence")
    for d in r.documents:
        w.heading(f"Document (alert {d.alert_id}): {d.title or d.source}", 3)
        w.para(f"source: {d.source}; language: {d.language or '-'}", size=8, colour=MUTED)
        for a in d.activities:
            w.evidence(a.segments)
            provisions = f"; provisions: {'; '.join(a.provisions)}" if a.provisions else ""
            w.para(f"{a.category} ({a.direction}); assertion: {a.assertion}{provisions}", size=8.5)
        w.facts(d.mentions)
    for s in r.ship_events:
        w.heading(
            f"Ship event (alert {s.alert_id}): {s.type}" + (f" ({s.kind})" if s.kind else ""), 3
        )
        w.facts(
            [
                *(Fact(f"Vessel {v.label}", v.value) for v in s.vessels),
                Fact("Start", s.start),
                Fact("End", s.end),
                Fact("Position", s.position),
                Fact("Duration (h)", s.duration_h),
                Fact("Definition", s.definition),
                Fact("Parameters hash", s.params_hash),
                *(Fact("Watchlist", x) for x in s.watchlist),
                *s.details,
            ]
        )
    for h in r.screening:
        w.heading(f"Screening hit (alert {h.alert_id}): {h.match}, score {h.score}", 3)
        w.para(f"from {h.source}", size=8, colour=MUTED)
        w.facts([*(Fact(f"query {f.label}", f.value) for f in h.query), *h.explanation])
    for c in r.list_changes:
        w.heading(f"List change (alert {c.alert_id}): {c.change} {c.entity}", 3)
        w.para(
            f"{c.dataset}, versions {c.versions}"
            + (f"; portfolio party: {c.party}" if c.party else "")
        )
    if not (r.documents or r.ship_events or r.screening or r.list_changes):
        w.para("No evidence: the case has no alerts.", colour=MUTED)


def _records(w: _Writer, r: Report) -> None:
    w.heading("7. Alerts and how to reproduce them")
    w.table(
        (
            "Alert",
            "Kind",
            "Title",
            "Severity",
            "Occurred",
            "Algorithm",
            "Params hash",
            "List versions",
        ),
        [
            (
                str(a.id),
                a.kind,
                a.title,
                a.severity,
                a.occurred_at,
                a.algorithm,
                a.params_hash,
                a.list_versions,
            )
            for a in r.alerts
        ],
        widths=(1, 1.8, 4, 1.3, 2.4, 1.8, 2.2, 2.6),
        size=7,
    )
    w.heading("8. Notes")
    if not r.notes:
        w.para("No notes.", colour=MUTED)
    for n in r.notes:
        w.para(f"{n.author}, {n.created_at}:", size=8, colour=MUTED)
        w.para(n.text)
    w.heading("9. Audit trail")
    w.table(
        ("When", "Actor", "Action", "Target", "Details"),
        [
            (
                a.at,
                a.actor,
                a.action,
                a.target,
                ", ".join(f"{k}={v}" for k, v in sorted(a.details.items())),
            )
            for a in r.audit
        ],
        widths=(2.6, 1.8, 2, 1.6, 5),
        size=7,
    )


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes."""
    w = _Writer(report)
    _title(w, report)
    _entities(w, report)
    _chronology_and_map(w, report)
    _evidence(w, report)
    _records(w, report)
    w.para(
        f"{w.footer}. Each alert names its algorithm, parameter hash and list versions so it "
        "can be reproduced.",
        size=8,
        colour=MUTED,
    )
    return bytes(w.pdf.output())

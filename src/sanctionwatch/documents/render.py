"""The readable report of `sanctionwatch analyze` (without `--json`)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from sanctionwatch.documents.model import Finding

STYLE = {
    "PERSON": "bold cyan",
    "ORG": "bold magenta",
    "VESSEL": "bold blue",
    "COUNTRY": "green",
    "LOCATION": "green",
}


def render_finding(finding: Finding, console: Console | None = None) -> None:
    console = console or Console()
    doc = finding.document
    flag = "[bold red]ALERT[/bold red]" if finding.alert else "[green]no alert[/green]"
    console.rule(f"{doc.title or doc.source}")
    published = f"  published={doc.published}" if doc.published else ""
    console.print(f"{doc.source}  language={doc.language}{published}  {flag}", highlight=False)
    if finding.group:
        console.print(f"near-duplicate of {finding.group}", style="dim", highlight=False)
    for note in finding.notes:
        console.print(f"note: {note}", style="yellow", highlight=False)
    for act in finding.activities:
        evidence = Text(act.evidence)
        for m in finding.mentions:
            if act.start <= m.start and m.end <= act.end:
                evidence.stylize(STYLE[m.type], m.start - act.start, m.end - act.start)
        for cue in act.cues:
            evidence.highlight_words([cue], style="bold red underline", case_sensitive=False)
        provisions = escape(", ".join(act.provisions[:3]) or "-")
        console.print(
            f"[bold]{act.category}[/bold] ({act.direction}, {act.assertion}) "
            f"chars {act.start}-{act.end}; may breach: {provisions}",
            highlight=False,
        )
        console.print(evidence)
    for x in finding.exemptions:
        console.print(f"[green]exemption {x.id}[/green]: {escape(x.evidence)}", highlight=False)
    linked = [m for m in finding.mentions if m.entity_id]
    for m in linked:
        console.print(
            f"  {m.type} {m.text!r} -> {m.entity_id} ({m.dataset}, score {m.score})",
            highlight=False,
        )

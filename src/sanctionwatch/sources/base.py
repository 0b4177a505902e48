"""The contract every list parser follows: bytes in, FtM entities out.

A parser is a pure function `parse(files) -> ParsedList`. It never touches the network or the
store. Structural problems (not the format, truncated, missing columns) raise `ParseError` with
every problem found; value problems (an unparseable date) keep the original text on the entity
and are listed in `ParsedList.issues`, never dropped silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from followthemoney import EntityProxy

from sanctionwatch.errors import Problem

MAX_MEMBER_BYTES = 256 * 1024 * 1024  # refuse zip members (and files) larger than this


@dataclass(frozen=True)
class SourceFile:
    """One input file: its name (for messages and companion lookup) and its bytes."""

    name: str
    data: bytes

    @classmethod
    def read(cls, path: Path) -> SourceFile:
        return cls(name=str(path), data=path.read_bytes())


@dataclass
class ParsedList:
    """What one parse of one published list version gives."""

    dataset: str  # OpenSanctions-style name, e.g. "un_sc_sanctions"
    version: str  # the list date the file itself states, ISO "YYYY-MM-DD" or a timestamp
    entities: list[EntityProxy]
    issues: list[Problem] = field(default_factory=list)  # values kept as text, counted
    source: str = ""  # file name(s) it came from
    format: str = ""  # parser/format name, e.g. "un_sc_xml"

    def by_schema(self) -> dict[str, int]:
        return dict(sorted(Counter(e.schema.name for e in self.entities).items()))


Parser = Callable[[Sequence[SourceFile]], ParsedList]

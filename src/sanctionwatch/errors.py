"""The one exception tree of sanctionwatch.

Every error we raise on purpose derives from `SanctionwatchError`; the CLI and the API turn
them into a message or a `{"detail": ...}` body. Anything else escaping is a bug.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is, which field, what value, what is wrong."""

    file: str
    location: str  # "line 12", "row 7", an XPath, or "" for the whole file
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.location}" if self.location else self.file
        field = f" [{self.field}]" if self.field else ""
        value = f" {self.value[:80]!r}" if self.value else ""
        return f"{where}{field}: {self.message}{value}"

    def to_dict(self) -> dict[str, str]:
        return {
            "file": self.file,
            "location": self.location,
            "field": self.field,
            "value": self.value,
            "message": self.message,
        }


class SanctionwatchError(Exception):
    """Base of every error raised on purpose."""


class ConfigError(SanctionwatchError):
    """A setting is missing or invalid."""


class MissingExtraError(SanctionwatchError):
    """An optional engine is not installed; the message says which extra to install."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(f"{package} is not installed: pip install 'sanctionwatch[{extra}]'")


class InputError(SanctionwatchError):
    """Bad user input (a query, a parameter, a file that is not what it claims)."""


class ParseError(InputError):
    """A file could not be parsed. Carries every problem found in one go."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        head = "; ".join(str(p) for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{len(self.problems)} problem(s): {head}{more}")


class UnknownFormatError(InputError):
    """No parser recognises the file's content."""


class StoreError(SanctionwatchError):
    """The entity store refused an operation (unknown dataset or version, failed validation)."""


class NotFoundError(SanctionwatchError):
    """An entity, dataset, version, case or alert does not exist."""

"""Nothing imports `sanctionwatch.api` except the `serve` command and the web pages, which sit
above it (DESIGN.md layering)."""

from __future__ import annotations

import ast
from pathlib import Path

import sanctionwatch

PACKAGE = Path(sanctionwatch.__file__).parent
ALLOWED = {PACKAGE / "cli" / "serve.py"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_serve_imports_the_api() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path not in ALLOWED
        and PACKAGE / "api" not in path.parents
        and PACKAGE / "web" not in path.parents
        and any(
            m == "sanctionwatch.api" or m.startswith("sanctionwatch.api.")
            for m in imported_modules(path)
        )
    ]
    assert offenders == []


def test_serve_imports_the_api_lazily() -> None:
    """`sanctionwatch --help` must not pay for FastAPI: serve.py imports uvicorn in the command."""
    top_level = {
        node.module
        for node in ast.parse((PACKAGE / "cli" / "serve.py").read_text()).body
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not any(m.startswith(("sanctionwatch.api", "fastapi", "uvicorn")) for m in top_level)

"""`sanctionwatch analyze`, the regime path setting, and assertion cues."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctionwatch.cli.main import build_app
from sanctionwatch.documents.activities import title_span
from sanctionwatch.documents.model import Document
from sanctionwatch.documents.reader import Reader
from sanctionwatch.documents.regime import ENV_VAR, load_regime, regime_path
from sanctionwatch.errors import ConfigError
from sanctionwatch.settings import load_settings
from tests.paths import DOCUMENTS, REGIMES

SEED = DOCUMENTS / "putin-kim-summit-de.txt"


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    return {
        "SANCTIONWATCH_HOME": str(tmp_path / "home"),
        ENV_VAR: str(REGIMES / "dprk-1718.yaml"),
    }


def test_cli_json_one_object_per_document_and_bad_input_reported(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    runner = CliRunner()
    result = runner.invoke(
        build_app("analyze"),
        ["analyze", str(SEED), str(empty), "--json", "--no-lists", "--no-ner"],
        env=cli_env,
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 2
    bad = next(x for x in lines if "error" in x)
    assert "empty file" in bad["error"]
    good = next(x for x in lines if "alert" in x)
    assert good["alert"] is True
    assert good["document"]["language"] == "de"
    categories = {a["category"] for a in good["activities"]}
    assert {"arms_from_dprk", "overseas_workers"} <= categories


def test_cli_readable_report(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        build_app("analyze"), ["analyze", str(SEED), "--no-lists", "--no-ner"], env=cli_env
    )
    assert result.exit_code == 0, result.output
    assert "ALERT" in result.stdout
    assert "arms_from_dprk" in result.stdout
    assert "[verified]" in result.stdout  # provision check flags survive rich markup


def test_regime_path_precedence(tmp_path: Path) -> None:
    plain = load_settings(env={"SANCTIONWATCH_HOME": str(tmp_path)})
    assert regime_path(plain, env={ENV_VAR: "/x/env.yaml"}) == Path("/x/env.yaml")
    assert regime_path(plain, env={}).name == "dprk-1718.yaml"
    configured = replace(plain, extra={"regime_path": "/x/set.yaml"})
    assert regime_path(configured, env={ENV_VAR: "/x/env.yaml"}) == Path("/x/set.yaml")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "not found", id="missing"),
        pytest.param("categories: [", "not valid YAML", id="broken-yaml"),
        pytest.param("categories: []\n", "lacks a required key", id="no-regime-key"),
    ],
)
def test_regime_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "regime.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_regime(path)


@pytest.mark.parametrize(
    ("text", "has_title"),
    [
        pytest.param("Headline without stop\n\nBody. More body.", True, id="headline"),
        pytest.param("A first sentence.\nSecond line.", False, id="sentence"),
        pytest.param("Only one line", False, id="single-line"),
    ],
)
def test_title_span(text: str, has_title: bool) -> None:
    assert (title_span(text) > 0) is has_title


@pytest.mark.parametrize(
    ("text", "category", "assertion"),
    [
        pytest.param(
            "North Korea reportedly shipped artillery shells to Russia.",
            "arms_from_dprk",
            "alleged_violation",
            id="en-reportedly",
        ),
        pytest.param(
            "The resolution prohibits the export of coal from the DPRK.",
            "coal_export",
            "prohibition_statement",
            id="en-prohibition",
        ),
        pytest.param(
            "Inspectors found no evidence of coal exports from North Korea.",
            "coal_export",
            "negated",
            id="en-negation",
        ),
        pytest.param(
            "Selon Séoul, la Corée du Nord a livré des obus d'artillerie à la Russie.",
            "arms_from_dprk",
            "alleged_violation",
            id="fr-selon",
        ),
        pytest.param(
            "По данным разведки, КНДР поставила артиллерийские снаряды в Россию.",
            "arms_from_dprk",
            "alleged_violation",
            id="ru-po-dannym",
        ),
        pytest.param(
            "Die Behörden haben einen Tanker mit Kohle aus Nordkorea beschlagnahmt.",
            "coal_export",
            "enforcement_action",
            id="de-seizure",
        ),
    ],
)
def test_assertion_cues(plain_reader: Reader, text: str, category: str, assertion: str) -> None:
    finding = plain_reader.analyze(Document("t", text))
    found = {(a.category, a.assertion) for a in finding.activities}
    assert (category, assertion) in found, found

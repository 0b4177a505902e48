"""The list commands end to end on real files: import, datasets, changes, export, entity, sync.

The JSON shapes printed here are a contract other work relies on; these tests pin them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model
from typer.testing import CliRunner

from sanctionwatch.cli.main import build_app
from tests.paths import LISTS

UN_2025 = LISTS / "un" / "history" / "2025-11-20" / "consolidated.xml.gz"
UN_2026 = LISTS / "un" / "consolidated.xml"
UN_DPRK = LISTS / "un" / "derived" / "consolidated_DPRK_1718_subset.xml"
OFAC_2021 = LISTS / "us_ofac" / "sdn_csv_2021-07"
ZALA = LISTS / "opensanctions" / "yente_fixture_zala" / "entities.ftm.json"
DELTA = LISTS / "opensanctions" / "yente_fixture_delta_2024" / "entities.delta.json.gz"


def invoke(home: Path, *args: str) -> Any:
    runner = CliRunner()
    result = runner.invoke(
        build_app(args[0]),
        list(args),
        env={"SANCTIONWATCH_HOME": str(home)},
        catch_exceptions=False,
    )
    return result


def json_lines(output: str) -> list[Any]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def un_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store with the UN list of 2025-11-20 and then of 2026-02-27."""
    home = tmp_path_factory.mktemp("un_home")
    for path in (UN_2025, UN_2026):
        result = invoke(home, "import", str(path), "--json")
        assert result.exit_code == 0, result.output
    yield home


def test_import_json_contract(tmp_path: Path) -> None:
    result = invoke(tmp_path, "import", str(UN_DPRK), "--json")
    assert result.exit_code == 0, result.output
    [report] = json_lines(result.stdout)
    assert set(report) == {"dataset", "version", "entities", "by_schema", "issues"}
    assert report["dataset"] == "un_sc_sanctions"
    assert report["version"] == "2026-02-27"
    assert report["by_schema"]["Person"] == 80
    assert report["by_schema"]["Sanction"] == 155


def test_changes_between_real_un_versions(un_home: Path) -> None:
    result = invoke(un_home, "changes", "un_sc_sanctions", "--json")
    assert result.exit_code == 0, result.output
    [changes] = json_lines(result.stdout)
    assert set(changes) == {"added", "removed", "modified"}
    refs = lambda items: sorted(  # noqa: E731
        ref for item in items for ref in item["references"].get("unscId", [])
    )
    assert refs(changes["added"]) == ["SDi.007", "SDi.008", "SDi.009", "SDi.010"]
    assert refs(changes["removed"]) == ["IQi.074"]
    for item in changes["added"] + changes["removed"] + changes["modified"]:
        assert {"id", "caption", "schema", "references"} <= set(item)
    for item in changes["modified"]:
        assert item["properties"] or item["related"]


def test_changes_explicit_versions_and_unknown_version(un_home: Path) -> None:
    result = invoke(
        un_home,
        "changes",
        "un_sc_sanctions",
        "--from",
        "2026-02-27",
        "--to",
        "2025-11-20",
        "--json",
    )
    [changes] = json_lines(result.stdout)
    assert len(changes["removed"]) == 4 and len(changes["added"]) == 1
    bad = invoke(un_home, "changes", "un_sc_sanctions", "--from", "1999-01-01")
    assert bad.exit_code == 2
    assert "1999-01-01" in bad.output


def test_datasets_lists_versions(un_home: Path) -> None:
    result = invoke(un_home, "datasets", "--json")
    [infos] = json_lines(result.stdout)
    [un] = [i for i in infos if i["name"] == "un_sc_sanctions"]
    assert un["current_version"] == "2026-02-27"
    assert [v["version"] for v in un["versions"]] == ["2025-11-20", "2026-02-27"]


def test_entity_nests_sanctions(un_home: Path) -> None:
    export = invoke(un_home, "export", "--dataset", "un_sc_sanctions")
    entities = [model.get_proxy(d) for d in json_lines(export.stdout)]
    assert sum(1 for e in entities if e.schema.name == "Person") == 730
    person = next(e for e in entities if "KPi.001" in json.dumps(e.to_dict()))
    sanction = next(
        e for e in entities if e.schema.name == "Sanction" and "KPi.001" in e.get("unscId")
    )
    target = sanction.get("entity")[0]
    result = invoke(un_home, "entity", target, "--json")
    [nested] = json_lines(result.stdout)
    assert nested["id"] == target
    assert any(
        s["properties"].get("unscId") == ["KPi.001"] for s in nested["properties"]["sanctions"]
    )
    assert person is not None


def test_failed_import_changes_nothing(un_home: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "consolidated.xml"
    truncated.write_bytes(UN_2026.read_bytes()[:100_000])
    before = invoke(un_home, "datasets", "--json").stdout
    result = invoke(un_home, "import", str(truncated))
    assert result.exit_code == 2
    assert "consolidated.xml" in result.output and "line" in result.output
    assert invoke(un_home, "datasets", "--json").stdout == before


def test_unknown_file_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello", encoding="utf-8")
    result = invoke(tmp_path, "import", str(junk))
    assert result.exit_code == 2
    assert "notes.txt" in result.output


def test_sync_from_a_mirror(tmp_path: Path) -> None:
    """A mirror laid out like ../shared/data/lists: versions oldest first, subsets and
    deltas without a base skipped with a reason, OFAC companions grouped."""
    mirror = tmp_path / "mirror"
    for source, target in [
        (UN_2025, "un/history/2025-11-20/consolidated.xml.gz"),
        (UN_2026, "un/consolidated.xml"),
        (UN_DPRK, "un/derived/consolidated_DPRK_1718_subset.xml"),
        (OFAC_2021 / "sdn.csv", "us_ofac/sdn_csv_2021-07/sdn.csv"),
        (OFAC_2021 / "alt.csv", "us_ofac/sdn_csv_2021-07/alt.csv"),
        (DELTA, "opensanctions/delta/entities.delta.json.gz"),
        (LISTS / "un" / "schema" / "sc-sanctions.xsd", "un/schema/sc-sanctions.xsd"),
    ]:
        (mirror / target).parent.mkdir(parents=True, exist_ok=True)
        (mirror / target).symlink_to(source)
    home = tmp_path / "home"
    result = invoke(home, "sync", "--mirror", str(mirror), "--json")
    assert result.exit_code == 0, result.output
    [summary] = json_lines(result.stdout)
    imported = [(r["dataset"], r["version"]) for r in summary["imports"]]
    assert imported == [
        ("un_sc_sanctions", "2025-11-20"),
        ("un_sc_sanctions", "2026-02-27"),
        ("us_ofac_sdn", "2021-07-01"),
    ]
    ofac = summary["imports"][2]["by_schema"]
    assert (ofac["Person"], ofac["Vessel"], ofac["Airplane"]) == (4620, 406, 277)
    skipped = "\n".join(summary["skipped"])
    assert "consolidated_DPRK_1718_subset.xml" in skipped
    assert "delta" in skipped and "sc-sanctions.xsd" in skipped
    assert summary["failures"] == []
    again = invoke(home, "sync", "--mirror", str(mirror), "--json")
    assert all(r["unchanged"] for r in json_lines(again.stdout)[0]["imports"])


def test_run_syncs_the_mirror_and_reports_changes(tmp_path: Path) -> None:
    """The main job: sync from SANCTIONWATCH_MIRROR, then what the lists hold and changed."""
    mirror = tmp_path / "mirror"
    (mirror / "old").mkdir(parents=True)
    (mirror / "old" / "consolidated.xml.gz").symlink_to(UN_2025)
    (mirror / "consolidated.xml").symlink_to(UN_2026)
    env = {"SANCTIONWATCH_HOME": str(tmp_path / "home"), "SANCTIONWATCH_MIRROR": str(mirror)}
    result = CliRunner().invoke(
        build_app("run"), ["run", "--json", "--no-monitor", "--no-serve"], env=env
    )
    assert result.exit_code == 0, result.output
    [summary] = json_lines(result.stdout)
    [un] = summary["datasets"]
    assert (un["dataset"], un["version"], un["versions"]) == ("un_sc_sanctions", "2026-02-27", 2)
    assert (un["changes"]["added"], un["changes"]["removed"]) == (4, 1)

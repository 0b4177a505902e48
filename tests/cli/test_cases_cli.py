"""The `alerts`, `cases` and `users` commands end to end on a workspace in a tmp home.

The JSON printed here is a contract (the web UI's and scripts' view of the same records).
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from sanctionwatch.cases.workspace import open_workspace
from sanctionwatch.cli.main import build_app
from sanctionwatch.settings import load_settings
from tests.cases.builders import YUK_TUNG, screening_alert, showcase_alerts


def run(
    home: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> Result:
    return CliRunner().invoke(
        build_app(args[0]),
        list(args),
        input=stdin,
        env={"SANCTIONWATCH_HOME": str(home), "SANCTIONWATCH_USER": "", **(env or {})},
        catch_exceptions=False,
    )


def out_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home whose workspace holds the showcase alerts (ids 1-3) and a screening hit (4)."""
    home = tmp_path / "home"
    url = load_settings(env={"SANCTIONWATCH_HOME": str(home)}).db_url
    with open_workspace(url) as ws:
        ws.record_alerts([*showcase_alerts(), screening_alert("ACME", "ofac-1", row=2)])
    return home


def test_alerts(home: Path) -> None:
    everything = out_json(run(home, "alerts", "--json"))
    assert [a["id"] for a in everything] == [4, 3, 2, 1]
    assert set(everything[0]) >= {"id", "status", "created_at", "case_ids", "kind", "evidence"}
    ships = out_json(run(home, "alerts", "--json", "--kind", "ship_event", "--limit", "1"))
    assert [a["id"] for a in ships] == [2]
    assert out_json(run(home, "alerts", "--json", "--status", "dismissed")) == []
    table = run(home, "alerts")
    assert table.exit_code == 0 and "CHON MA SAN" in table.stdout
    bad = run(home, "alerts", "--status", "open")
    assert bad.exit_code == 2 and "unknown alert status" in bad.stderr


def test_case_workflow(home: Path) -> None:
    made = out_json(
        run(home, "cases", "new", "YUK TUNG STS", "--alert", "1", "--alert", "2",
            "--summary", "gap then encounter", "--as", "kim", "--json")
    )  # fmt: skip
    assert (made["id"], made["status"], made["created_by"]) == (1, "open", "kim")
    suggestions = out_json(run(home, "cases", "suggest", "--json"))
    assert suggestions == [
        {
            "alert_ids": [3],
            "reasons": [
                f"entity:{YUK_TUNG['entity_id']}",
                f"imo:{YUK_TUNG['imo']}",
                "window:2024-03-05..2024-03-05",
            ],
            "case_id": 1,
        }
    ]
    added = run(home, "cases", "add", "1", "--alert", "3", "--note", "Yonhap agrees",
                env={"SANCTIONWATCH_USER": "lee"})  # fmt: skip
    assert added.exit_code == 0, added.output
    decided = run(home, "cases", "decide", "1", "--status", "confirmed",
                  "--rationale", "two sources", "--as", "park")  # fmt: skip
    assert decided.exit_code == 0, decided.output

    shown = out_json(run(home, "cases", "show", "1", "--json"))
    assert shown["case"]["status"] == "confirmed"
    assert [a["id"] for a in shown["alerts"]] == [1, 2, 3]
    assert [(n["author"], n["text"]) for n in shown["notes"]] == [("lee", "Yonhap agrees")]
    assert [(d["actor"], d["status"]) for d in shown["decisions"]] == [("park", "confirmed")]
    assert [(e["actor"], e["action"]) for e in shown["audit"]] == [
        ("kim", "case.create"),
        ("kim", "case.add_alert"),
        ("lee", "case.add_alert"),
        ("lee", "note.add"),
        ("park", "case.decide"),
    ]
    listed = out_json(run(home, "cases", "--json"))
    assert [(c["id"], c["status"]) for c in listed] == [(1, "confirmed")]
    assert out_json(run(home, "cases", "--json", "--status", "open")) == []
    text = run(home, "cases", "show", "1")
    assert text.exit_code == 0 and "YUK TUNG STS" in text.stdout and "case.decide" in text.stdout


def test_default_actor_is_the_login_name(home: Path) -> None:
    out_json(run(home, "cases", "new", "no actor given", "--json"))
    shown = out_json(run(home, "cases", "show", "1", "--json"))
    assert shown["case"]["created_by"] == f"cli:{getpass.getuser()}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("cases", "show", "9"), "no case 9", id="unknown-case"),
        pytest.param(("cases", "add", "1"), "nothing to add", id="nothing-to-add"),
        pytest.param(("cases", "new", "x", "--alert", "99"), "no alert 99", id="unknown-alert"),
        pytest.param(
            ("cases", "decide", "1", "--status", "closed", "--rationale", "r"),
            "unknown case status",
            id="bad-status",
        ),
    ],
)
def test_case_errors(home: Path, args: tuple[str, ...], message: str) -> None:
    out_json(run(home, "cases", "new", "existing", "--json"))
    result = run(home, *args)
    assert result.exit_code == 2 and message in result.stderr


def test_markup_in_titles_is_printed_as_text(home: Path) -> None:
    out_json(run(home, "cases", "new", "[bold red]ALERT[/bold red] [link=x]y[/link]", "--json"))
    listed = run(home, "cases")
    assert "[bold red]ALERT[/bold red]" in listed.stdout


def test_users_and_keys(home: Path) -> None:
    added = run(home, "users", "add", "alice", "--role", "analyst", "--password-stdin",
                stdin="a long passphrase\n", env={"SANCTIONWATCH_USER": "root"})  # fmt: skip
    assert added.exit_code == 0, added.output
    assert run(home, "users", "add", "bot", "--role", "viewer").exit_code == 0
    users = out_json(run(home, "users", "list", "--json"))
    assert [(u["name"], u["role"], u["active"]) for u in users] == [
        ("alice", "analyst", True),
        ("bot", "viewer", True),
    ]
    assert run(home, "users", "role", "bot", "analyst").exit_code == 0
    created = out_json(run(home, "users", "key-create", "bot", "--label", "feeds", "--json"))
    assert created["secret"].startswith("swk_") and created["prefix"] == created["secret"][:12]
    plain = run(home, "users", "key-create", "alice")
    secret = plain.stdout.strip()
    assert secret.startswith("swk_") and "not shown again" in plain.stderr
    keys = out_json(run(home, "users", "key-list", "--json"))
    assert [(k["id"], k["user"], k["revoked"]) for k in keys] == [
        (1, "bot", False),
        (2, "alice", False),
    ]
    assert "secret" not in keys[0]
    assert run(home, "users", "key-revoke", "1").exit_code == 0
    assert run(home, "users", "deactivate", "alice").exit_code == 0

    url = load_settings(env={"SANCTIONWATCH_HOME": str(home)}).db_url
    with open_workspace(url) as ws:
        assert ws.verify_api_key(created["secret"]) is None  # revoked
        assert ws.verify_api_key(secret) is None  # alice deactivated
        assert ws.user("bot").role == "analyst"
        assert ws.audit(target="user:alice")[-1].actor == "root"

    bad = run(home, "users", "add", "carol", "--role", "root")
    assert bad.exit_code == 2 and "unknown role" in bad.stderr
    empty = run(home, "users", "password", "bot", "--password-stdin", stdin="")
    assert empty.exit_code == 2 and "no password" in empty.stderr
    assert run(home, "users", "password", "bot", "--password-stdin", stdin="x" * 9).exit_code == 0

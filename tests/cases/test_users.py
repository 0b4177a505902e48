"""Users, roles, passwords, API keys and sessions, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from sanctionwatch.cases import credentials
from sanctionwatch.cases.tables import api_key_table, session_table, user_table
from sanctionwatch.cases.workspace import Workspace
from sanctionwatch.errors import InputError, NotFoundError
from tests.cases.conftest import FakeClock

ADMIN = "root.admin"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def ws(workspace: Workspace, fast_hashing: None) -> Workspace:
    workspace.add_user(ADMIN, "admin", actor="cli:root", password="admin-password-1")
    return workspace


def test_passwords(ws: Workspace) -> None:
    alice = ws.add_user("alice", "analyst", actor=ADMIN, password=PASSWORD)
    assert (alice.name, alice.role, alice.active) == ("alice", "analyst", True)
    assert ws.authenticate("alice", PASSWORD) == alice
    assert ws.authenticate("alice", PASSWORD.upper()) is None
    assert ws.authenticate("nobody", PASSWORD) is None
    ws.set_password("alice", "a new passphrase", actor=ADMIN)
    assert ws.authenticate("alice", PASSWORD) is None
    assert ws.authenticate("alice", "a new passphrase") == alice
    machine = ws.add_user("feed-bot", "viewer", actor=ADMIN)  # no password: keys only
    assert ws.authenticate(machine.name, "") is None
    with ws.engine.connect() as conn:
        stored = conn.execute(
            select(user_table.c.password_hash).where(user_table.c.name == "alice")
        ).scalar_one()
    assert stored.startswith("scrypt$1024$8$1$") and "passphrase" not in stored


def test_hashes_are_salted_per_user() -> None:
    """With the production parameters: scrypt N=2**15, r=8, p=1, 16-byte salt, 32 bytes."""
    first, second = credentials.hash_password(PASSWORD), credentials.hash_password(PASSWORD)
    assert first != second
    assert first.startswith("scrypt$32768$8$1$") and len(first.split("$")) == 6
    assert credentials.verify_password(PASSWORD, first)
    assert credentials.verify_password(PASSWORD, second)
    assert not credentials.verify_password(PASSWORD, "scrypt$broken")
    assert not credentials.verify_password(PASSWORD, "md5$x$y$z$a$b")
    assert not credentials.verify_password(PASSWORD, None)


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        pytest.param("bob", "superuser", None, "unknown role", id="bad-role"),
        pytest.param("bob smith", "viewer", None, "user name", id="space-in-name"),
        pytest.param("", "viewer", None, "user name", id="empty-name"),
        pytest.param("bob", "viewer", "short", "at least 8", id="short-password"),
        pytest.param(ADMIN, "viewer", None, "exists already", id="duplicate"),
    ],
)
def test_add_user_refused(
    ws: Workspace, name: str, role: str, password: str | None, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        ws.add_user(name, role, actor=ADMIN, password=password)
    assert [u.name for u in ws.users()] == [ADMIN]


def test_roles_and_deactivation(ws: Workspace) -> None:
    ws.add_user("alice", "viewer", actor=ADMIN, password=PASSWORD)
    promoted = ws.set_role("alice", "admin", actor=ADMIN)
    assert promoted.can("admin")
    ws.set_role(ADMIN, "analyst", actor="alice")  # another admin exists now
    with pytest.raises(InputError, match="last active admin"):
        ws.set_role("alice", "viewer", actor="alice")
    with pytest.raises(InputError, match="last active admin"):
        ws.deactivate_user("alice", actor="alice")
    with pytest.raises(InputError, match="unknown role"):
        ws.set_role("alice", "root", actor=ADMIN)
    with pytest.raises(NotFoundError):
        ws.set_role("carol", "viewer", actor=ADMIN)
    ws.deactivate_user(ADMIN, actor="alice")
    gone = ws.user(ADMIN)
    assert not gone.active and not gone.can("viewer")
    assert ws.authenticate(ADMIN, "admin-password-1") is None
    assert [u.name for u in ws.users()] == ["alice", ADMIN]


def test_every_user_change_is_audited(ws: Workspace) -> None:
    ws.add_user("alice", "viewer", actor=ADMIN, password=PASSWORD)
    ws.set_role("alice", "analyst", actor=ADMIN)
    ws.set_role("alice", "analyst", actor=ADMIN)  # no change, no entry
    ws.set_password("alice", "another passphrase", actor=ADMIN)
    info, _ = ws.create_api_key("alice", label="screening script", actor="alice")
    ws.revoke_api_key(info.id, actor=ADMIN)
    ws.deactivate_user("alice", actor=ADMIN)
    entries = list(reversed(ws.audit(target="user:alice")))
    assert [(e.action, e.actor, e.details) for e in entries] == [
        ("user.add", ADMIN, {"role": "viewer", "password": True}),
        ("user.role", ADMIN, {"from": "viewer", "to": "analyst"}),
        ("user.password", ADMIN, {}),
        (
            "key.create",
            "alice",
            {"key_id": info.id, "label": "screening script", "prefix": info.prefix},
        ),
        ("key.revoke", ADMIN, {"key_id": info.id, "prefix": info.prefix}),
        ("user.deactivate", ADMIN, {"sessions_ended": 0}),
    ]
    assert not any(PASSWORD in str(e.details) for e in ws.audit())


def test_api_keys(ws: Workspace) -> None:
    ws.add_user("alice", "analyst", actor=ADMIN)
    info, secret = ws.create_api_key("alice", label="yente client", actor=ADMIN)
    assert secret.startswith("swk_") and len(secret) == 44
    assert info.prefix == secret[:12] and not info.revoked
    assert ws.verify_api_key(secret) == ws.user("alice")
    assert ws.verify_api_key(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert ws.verify_api_key("") is None
    assert ws.verify_api_key(hashlib.sha256(secret.encode()).hexdigest()) is None
    with ws.engine.connect() as conn:
        stored = conn.execute(select(api_key_table.c.sha256)).scalars().all()
    assert stored == [hashlib.sha256(secret.encode()).hexdigest()]  # never the secret

    other, other_secret = ws.create_api_key(ADMIN, label="ops", actor=ADMIN)
    assert [k.id for k in ws.api_keys()] == [info.id, other.id]
    assert ws.api_keys(user="alice") == [info]
    ws.revoke_api_key(info.id, actor=ADMIN)
    ws.revoke_api_key(info.id, actor=ADMIN)  # again: no-op
    assert ws.verify_api_key(secret) is None
    assert ws.api_keys(user="alice")[0].revoked
    assert ws.verify_api_key(other_secret) == ws.user(ADMIN)
    with pytest.raises(NotFoundError):
        ws.revoke_api_key(999, actor=ADMIN)
    with pytest.raises(NotFoundError):
        ws.create_api_key("carol", label="x", actor=ADMIN)


def test_deactivation_stops_keys_and_sessions(ws: Workspace) -> None:
    ws.add_user("alice", "analyst", actor=ADMIN, password=PASSWORD)
    _, secret = ws.create_api_key("alice", label="x", actor=ADMIN)
    session, _ = ws.create_session("alice")
    ws.deactivate_user("alice", actor=ADMIN)
    assert ws.verify_api_key(secret) is None
    assert ws.session_user(session) is None
    assert ws.audit(target="user:alice", limit=1)[0].details == {"sessions_ended": 1}
    with pytest.raises(InputError, match="deactivated"):
        ws.create_session("alice")
    with pytest.raises(InputError, match="deactivated"):
        ws.create_api_key("alice", label="y", actor=ADMIN)


def test_sessions(ws: Workspace, clock: FakeClock) -> None:
    ws.add_user("alice", "viewer", actor=ADMIN, password=PASSWORD)
    session, csrf = ws.create_session("alice")
    other, other_csrf = ws.create_session("alice")
    assert len({session, csrf, other, other_csrf}) == 4
    assert ws.session_user(session) == (ws.user("alice"), csrf)
    ws.set_role("alice", "analyst", actor=ADMIN)  # takes effect at once
    found = ws.session_user(session)
    assert found is not None and found[0].role == "analyst"
    ws.end_session(session)
    assert ws.session_user(session) is None
    assert ws.session_user(other) is not None  # only that session ended
    assert ws.session_user("") is None and ws.session_user("forged") is None
    with ws.engine.connect() as conn:
        ids = conn.execute(select(session_table.c.id_sha256)).scalars().all()
    assert other not in ids  # stored hashed

    clock.advance(hours=11, minutes=59)
    assert ws.session_user(other) is not None
    clock.advance(minutes=1)
    assert ws.session_user(other) is None  # 12 hours: expired
    with pytest.raises(NotFoundError):
        ws.create_session("carol")


def test_session_hours_are_configurable(
    workspace_url: str, clock: FakeClock, fast_hashing: None
) -> None:
    from sanctionwatch.store.engine import create_store_engine

    ws = Workspace(create_store_engine(workspace_url), session_hours=0.5, clock=clock)
    ws.setup()
    try:
        ws.add_user("alice", "viewer", actor=ADMIN)
        session, _ = ws.create_session("alice")
        clock.advance(minutes=29)
        assert ws.session_user(session) is not None
        clock.advance(minutes=1)
        assert ws.session_user(session) is None
        ws.create_session("alice")  # purges the expired one
        with ws.engine.connect() as conn:
            assert len(conn.execute(select(session_table)).all()) == 1
    finally:
        ws.close()

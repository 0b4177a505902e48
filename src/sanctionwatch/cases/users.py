"""Users, roles, passwords, API keys and web sessions in the workspace database.

Functions of an open connection; `Workspace` owns the transactions. Every change is audited
(target `user:<name>`) in its transaction; secrets never reach the audit log. Sessions live in
the database, not in a signed cookie, so logging out, deactivating a user or changing a role
takes effect on the next request, in every web worker.

One guard the application cannot do without: the last active admin cannot be demoted or
deactivated, or nobody could manage users any more.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from sanctionwatch.cases import audit, credentials
from sanctionwatch.cases.model import ROLES, ApiKeyInfo, Role, User
from sanctionwatch.cases.rows import parse_iso, utc_iso
from sanctionwatch.cases.tables import api_key_table, session_table, user_table
from sanctionwatch.errors import InputError, NotFoundError

USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


def _user_from_row(row: Row[Any]) -> User:
    return User(name=row.name, role=row.role, created_at=row.created_at, active=bool(row.active))


def _check_role(role: str) -> Role:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
    return cast(Role, role)


def _checked_password(password: str) -> str:
    problem = credentials.password_problem(password)
    if problem is not None:
        raise InputError(problem)
    return credentials.hash_password(password)


def _row(conn: Connection, name: str) -> Row[Any]:
    row = conn.execute(select(user_table).where(user_table.c.name == name)).first()
    if row is None:
        raise NotFoundError(f"no user {name!r}")
    return row


def get_user(conn: Connection, name: str) -> User:
    return _user_from_row(_row(conn, name))


def list_users(conn: Connection) -> list[User]:
    query = select(user_table).order_by(user_table.c.name)
    return [_user_from_row(row) for row in conn.execute(query)]


def add_user(
    conn: Connection, name: str, role: str, *, actor: str, password: str | None, now: str
) -> User:
    actor = audit.check_actor(actor)
    if not isinstance(name, str) or not USER_NAME.fullmatch(name):
        raise InputError(
            f"user name {name!r}: 1 to 64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    checked = _check_role(role)
    hashed = None if password is None else _checked_password(password)
    exists = conn.execute(select(user_table.c.name).where(user_table.c.name == name)).first()
    if exists is not None:
        raise InputError(f"user {name!r} exists already")
    conn.execute(
        insert(user_table).values(
            name=name, role=checked, created_at=now, active=True, password_hash=hashed
        )
    )
    audit.append(
        conn,
        at=now,
        actor=actor,
        action="user.add",
        target=f"user:{name}",
        details={"role": checked, "password": hashed is not None},
    )
    return User(name=name, role=checked, created_at=now, active=True)


def _active_admins(conn: Connection) -> int:
    query = (
        select(func.count())
        .select_from(user_table)
        .where(user_table.c.role == "admin", user_table.c.active.is_(True))
    )
    return int(conn.execute(query).scalar_one())


def _guard_last_admin(conn: Connection, row: Row[Any], change: str) -> None:
    if row.role == "admin" and row.active and _active_admins(conn) <= 1:
        raise InputError(
            f"{row.name!r} is the last active admin: add another admin before {change}"
        )


def set_role(conn: Connection, name: str, role: str, *, actor: str, now: str) -> User:
    actor = audit.check_actor(actor)
    checked = _check_role(role)
    row = _row(conn, name)
    if row.role == checked:
        return _user_from_row(row)
    if checked != "admin":
        _guard_last_admin(conn, row, "changing this role")
    conn.execute(update(user_table).where(user_table.c.name == name).values(role=checked))
    audit.append(
        conn,
        at=now,
        actor=actor,
        action="user.role",
        target=f"user:{name}",
        details={"from": row.role, "to": checked},
    )
    return get_user(conn, name)


def set_password(conn: Connection, name: str, password: str, *, actor: str, now: str) -> None:
    actor = audit.check_actor(actor)
    _row(conn, name)
    hashed = _checked_password(password)
    conn.execute(update(user_table).where(user_table.c.name == name).values(password_hash=hashed))
    audit.append(conn, at=now, actor=actor, action="user.password", target=f"user:{name}")


def deactivate_user(conn: Connection, name: str, *, actor: str, now: str) -> None:
    """Refuse the user's logins, keys and sessions from now on (sessions are ended)."""
    actor = audit.check_actor(actor)
    row = _row(conn, name)
    if not row.active:
        return
    _guard_last_admin(conn, row, "deactivating them")
    conn.execute(update(user_table).where(user_table.c.name == name).values(active=False))
    ended = conn.execute(delete(session_table).where(session_table.c.user == name)).rowcount
    audit.append(
        conn,
        at=now,
        actor=actor,
        action="user.deactivate",
        target=f"user:{name}",
        details={"sessions_ended": ended},
    )


def authenticate(conn: Connection, name: str, password: str) -> User | None:
    """The user if the password is theirs and they are active; None otherwise (same time)."""
    row = conn.execute(select(user_table).where(user_table.c.name == name)).first()
    if row is None:
        credentials.check_nothing(password)
        return None
    if not credentials.verify_password(password, row.password_hash) or not row.active:
        return None
    return _user_from_row(row)


# -- API keys -------------------------------------------------------------------------------


def _key_from_row(row: Row[Any]) -> ApiKeyInfo:
    return ApiKeyInfo(
        id=row.id,
        user=row.user,
        label=row.label,
        prefix=row.prefix,
        created_at=row.created_at,
        revoked=row.revoked_at is not None,
    )


def create_api_key(
    conn: Connection, user: str, *, label: str, actor: str, now: str
) -> tuple[ApiKeyInfo, str]:
    """A new key for `user`; the secret is returned here once and stored only as SHA-256."""
    actor = audit.check_actor(actor)
    if not _row(conn, user).active:
        raise InputError(f"user {user!r} is deactivated: no new API keys")
    secret = credentials.new_api_key()
    values = {
        "user": user,
        "label": (label or "").strip(),
        "prefix": credentials.key_prefix(secret),
        "sha256": credentials.sha256_hex(secret),
        "created_at": now,
    }
    key_id = int(
        conn.execute(
            insert(api_key_table).values(**values).returning(api_key_table.c.id)
        ).scalar_one()
    )
    audit.append(
        conn,
        at=now,
        actor=actor,
        action="key.create",
        target=f"user:{user}",
        details={"key_id": key_id, "label": values["label"], "prefix": values["prefix"]},
    )
    info = ApiKeyInfo(
        id=key_id, user=user, label=values["label"], prefix=values["prefix"], created_at=now
    )
    return info, secret


def api_keys(conn: Connection, *, user: str | None) -> list[ApiKeyInfo]:
    query = select(api_key_table).order_by(api_key_table.c.id)
    if user is not None:
        query = query.where(api_key_table.c.user == user)
    return [_key_from_row(row) for row in conn.execute(query)]


def revoke_api_key(conn: Connection, key_id: int, *, actor: str, now: str) -> None:
    actor = audit.check_actor(actor)
    row = conn.execute(select(api_key_table).where(api_key_table.c.id == key_id)).first()
    if row is None:
        raise NotFoundError(f"no API key {key_id}")
    if row.revoked_at is not None:
        return
    conn.execute(update(api_key_table).where(api_key_table.c.id == key_id).values(revoked_at=now))
    audit.append(
        conn,
        at=now,
        actor=actor,
        action="key.revoke",
        target=f"user:{row.user}",
        details={"key_id": key_id, "prefix": row.prefix},
    )


def verify_api_key(conn: Connection, secret: str) -> User | None:
    """The key's user if the key exists, is not revoked and its user is active."""
    if not isinstance(secret, str) or not secret.startswith(credentials.API_KEY_PREFIX):
        return None
    query = (
        select(user_table)
        .join(api_key_table, api_key_table.c.user == user_table.c.name)
        .where(
            api_key_table.c.sha256 == credentials.sha256_hex(secret),
            api_key_table.c.revoked_at.is_(None),
            user_table.c.active.is_(True),
        )
    )
    row = conn.execute(query).first()
    return None if row is None else _user_from_row(row)


# -- sessions -------------------------------------------------------------------------------


def create_session(conn: Connection, user: str, *, now: str, hours: float) -> tuple[str, str]:
    """A session for an active user: (session id for the cookie, CSRF token for forms)."""
    if not _row(conn, user).active:
        raise InputError(f"user {user!r} is deactivated")
    moment = parse_iso(now)
    if moment is None:  # `now` comes from the workspace clock
        raise InputError(f"bad clock time {now!r}")
    conn.execute(delete(session_table).where(session_table.c.expires_at <= now))
    session_id, csrf = credentials.new_session()
    conn.execute(
        insert(session_table).values(
            id_sha256=credentials.sha256_hex(session_id),
            user=user,
            csrf=csrf,
            created_at=now,
            expires_at=utc_iso(moment + timedelta(hours=hours)),
        )
    )
    return session_id, csrf


def session_user(conn: Connection, session_id: str, *, now: str) -> tuple[User, str] | None:
    """(user, CSRF token) of a live session of an active user; None otherwise."""
    if not isinstance(session_id, str) or not session_id:
        return None
    query = (
        select(user_table, session_table.c.csrf)
        .join(session_table, session_table.c.user == user_table.c.name)
        .where(
            session_table.c.id_sha256 == credentials.sha256_hex(session_id),
            session_table.c.expires_at > now,
            user_table.c.active.is_(True),
        )
    )
    row = conn.execute(query).first()
    return None if row is None else (_user_from_row(row), row.csrf)


def end_session(conn: Connection, session_id: str) -> None:
    if isinstance(session_id, str) and session_id:
        digest = credentials.sha256_hex(session_id)
        conn.execute(delete(session_table).where(session_table.c.id_sha256 == digest))

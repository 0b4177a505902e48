"""Login throttling's storage: the counters of `cases.throttle` in `ws_login_throttle`, and the
audit entries of failed logins and lock-outs.

Functions of an open write connection; `Workspace.login` owns the transactions (one before
the password check, one after it, so the slow hash never runs inside a write transaction).
Counters are read with `FOR UPDATE` on PostgreSQL (a row lock per account and address, held
to the end of the transaction); on SQLite the transaction holds the database's write lock.
Either way two web workers cannot both take the last attempt of a window.

Attempts refused during a lock-out are not audited: the audit log is append-only, and a
client hammering a locked account must not be able to grow it without bound. Every checked
password that failed is (`login.failure`), and so is every lock-out (`login.lockout`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, or_, select, tuple_, update

from sanctionwatch.cases import audit
from sanctionwatch.cases.intake import insert_or_ignore
from sanctionwatch.cases.model import User
from sanctionwatch.cases.rows import parse_iso, utc_iso
from sanctionwatch.cases.tables import login_throttle_table
from sanctionwatch.cases.throttle import (
    SCOPES,
    Counter,
    Scope,
    ThrottlePolicy,
    begin,
    fail,
    release,
)

SUBJECT_CHARS = 256
ANONYMOUS = "anonymous"  # the actor of a failed login: nobody has proven who they are


@dataclass(frozen=True)
class Attempt:
    """Who tries to log in: the name typed and the client's address."""

    name: str
    address: str

    def subject(self, scope: Scope) -> str:
        value = self.name if scope == "account" else self.address
        return value[:SUBJECT_CHARS]

    def target(self, scope: Scope) -> str:
        return f"user:{self.name}" if scope == "account" else f"address:{self.address}"


@dataclass(frozen=True)
class LoginResult:
    """A login's outcome: the user, or None; `retry_after` > 0 when the throttle refused the
    attempt without checking the password (HTTP 429 with that Retry-After)."""

    user: User | None
    retry_after: int = 0


def _time(value: str | None) -> datetime | None:
    return None if value is None else parse_iso(value)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else utc_iso(value)


def _load(conn: Connection, scope: Scope, subject: str) -> Counter:
    """The counter, locked for this transaction (created empty when missing)."""
    t = login_throttle_table
    conn.execute(
        insert_or_ignore(conn, t, unique=("scope", "subject")).values(
            scope=scope, subject=subject, failures=0
        )
    )
    query = select(t).where(t.c.scope == scope, t.c.subject == subject).with_for_update()
    row = conn.execute(query).one()
    return Counter(
        failures=int(row.failures),
        window_start=_time(row.window_start),
        locked_until=_time(row.locked_until),
    )


def _save(conn: Connection, scope: Scope, subject: str, counter: Counter) -> None:
    t = login_throttle_table
    conn.execute(
        update(t)
        .where(t.c.scope == scope, t.c.subject == subject)
        .values(
            failures=counter.failures,
            window_start=_iso(counter.window_start),
            locked_until=_iso(counter.locked_until),
        )
    )


def _forget_stale(conn: Connection, *, now: datetime, policy: ThrottlePolicy) -> None:
    """Delete counters that say nothing any more: no lock-out running and their window over
    (so every name ever typed does not stay a row)."""
    t = login_throttle_table
    moment, window_end = utc_iso(now), utc_iso(now - policy.window)
    # rows another login holds are skipped, not waited for: waiting while holding our own
    # counters' locks could deadlock with that login (PostgreSQL; SQLite has one writer)
    done = (
        select(t.c.scope, t.c.subject)
        .where(
            or_(t.c.locked_until.is_(None), t.c.locked_until <= moment),
            or_(t.c.window_start.is_(None), t.c.window_start <= window_end),
        )
        .with_for_update(skip_locked=True)
    )
    conn.execute(delete(t).where(tuple_(t.c.scope, t.c.subject).in_(done)))


def admit(conn: Connection, attempt: Attempt, *, now: datetime, policy: ThrottlePolicy) -> int:
    """Reserve the attempt in both counters; 0 when it may check its password, else the
    seconds until it may try again (nothing is reserved then)."""
    gates = {
        scope: begin(_load(conn, scope, attempt.subject(scope)), now=now, policy=policy)
        for scope in SCOPES
    }
    refused = [gate.retry_after for gate in gates.values() if not gate.allowed]
    if refused:
        return max(refused)
    for scope, gate in gates.items():
        _save(conn, scope, attempt.subject(scope), gate.counter)
    return 0


def succeeded(conn: Connection, attempt: Attempt, *, now: datetime, policy: ThrottlePolicy) -> None:
    """A correct password: the account starts afresh, the address gets its attempt back."""
    t = login_throttle_table
    account = attempt.subject("account")
    conn.execute(delete(t).where(t.c.scope == "account", t.c.subject == account))
    subject = attempt.subject("address")
    _save(conn, "address", subject, release(_load(conn, "address", subject)))
    _forget_stale(conn, now=now, policy=policy)


def failed(
    conn: Connection, attempt: Attempt, *, now: datetime, policy: ThrottlePolicy
) -> list[Scope]:
    """Audit the failure, lock the counters it filled (each lock-out audited too); returns
    the scopes locked by this failure."""
    at = utc_iso(now)
    audit.append(
        conn,
        at=at,
        actor=ANONYMOUS,
        action="login.failure",
        target=attempt.target("account"),
        details={"address": attempt.address},
    )
    locked: list[Scope] = []
    for scope in SCOPES:
        subject = attempt.subject(scope)
        counter, now_locked = fail(_load(conn, scope, subject), now=now, policy=policy)
        _save(conn, scope, subject, counter)
        if now_locked:
            locked.append(scope)
            audit.append(
                conn,
                at=at,
                actor=ANONYMOUS,
                action="login.lockout",
                target=attempt.target(scope),
                details={
                    "scope": scope,
                    "address": attempt.address,
                    "failures": policy.max_failures,
                    "until": _iso(counter.locked_until),
                },
            )
    _forget_stale(conn, now=now, policy=policy)
    return locked

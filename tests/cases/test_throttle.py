"""Login throttling: the pure decisions as a case table, then `Workspace.login` on SQLite and
PostgreSQL (counters shared by two workspace objects standing for two web workers, parallel
attempts that cannot exceed the limit, audit entries, unknown names treated alike)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from sanctionwatch.cases.logins import LoginResult
from sanctionwatch.cases.throttle import (
    Counter,
    ThrottlePolicy,
    begin,
    fail,
    policy_from,
    release,
)
from sanctionwatch.cases.workspace import Workspace
from sanctionwatch.errors import ConfigError
from sanctionwatch.store.engine import create_store_engine
from tests.cases.conftest import FakeClock

T0 = datetime(2026, 11, 29, 2, 10, tzinfo=UTC)
POLICY = ThrottlePolicy(max_failures=3, window=timedelta(minutes=15), lockout=timedelta(minutes=10))
PASSWORD = "a long enough password"


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


# --- pure decisions --------------------------------------------------------------------------

BEGIN_CASES = [
    pytest.param(Counter(), T0, True, Counter(1, T0), 0, id="first-attempt-opens-a-window"),
    pytest.param(
        Counter(2, minutes(-5)), T0, True, Counter(3, minutes(-5)), 0, id="last-try-in-window"
    ),
    pytest.param(
        Counter(3, minutes(-5)),
        T0,
        False,
        Counter(3, minutes(-5)),
        600,
        id="window-full-of-pending-attempts",
    ),
    pytest.param(
        Counter(2, minutes(-15)), T0, True, Counter(1, T0), 0, id="window-over-count-restarts"
    ),
    pytest.param(
        Counter(0, None, minutes(4)), T0, False, Counter(0, None, minutes(4)), 240, id="locked"
    ),
    pytest.param(
        Counter(0, None, minutes(4)),
        T0 + timedelta(seconds=239, microseconds=1),
        False,
        Counter(0, None, minutes(4)),
        1,
        id="locked-last-second-rounds-up",
    ),
    pytest.param(
        Counter(0, None, minutes(-1)), T0, True, Counter(1, T0), 0, id="lock-over-fresh-window"
    ),
]


@pytest.mark.parametrize(("counter", "now", "allowed", "after", "retry"), BEGIN_CASES)
def test_begin(counter: Counter, now: datetime, allowed: bool, after: Counter, retry: int) -> None:
    gate = begin(counter, now=now, policy=POLICY)
    assert (gate.allowed, gate.counter, gate.retry_after) == (allowed, after, retry)


def test_fail_locks_when_the_reserved_attempt_was_the_last() -> None:
    assert fail(Counter(2, T0), now=T0, policy=POLICY) == (Counter(2, T0), False)
    assert fail(Counter(3, T0), now=minutes(1), policy=POLICY) == (
        Counter(0, None, minutes(11)),
        True,
    )
    # a parallel attempt failing after the lock-out started does not lock (nor audit) again
    assert fail(Counter(0, None, minutes(11)), now=minutes(1), policy=POLICY) == (
        Counter(0, None, minutes(11)),
        False,
    )


def test_release_gives_back_one_reservation() -> None:
    assert release(Counter(2, T0)) == Counter(1, T0)
    assert release(Counter()) == Counter()


def test_policy_from_settings() -> None:
    assert policy_from({}) == ThrottlePolicy()
    assert ThrottlePolicy().max_failures == 5
    assert ThrottlePolicy().window == ThrottlePolicy().lockout == timedelta(minutes=15)
    custom = policy_from(
        {"login_max_failures": "10", "login_window_minutes": 5, "login_lockout_minutes": 60}
    )
    assert custom == ThrottlePolicy(10, timedelta(minutes=5), timedelta(minutes=60))
    for bad in (
        {"login_max_failures": 0},
        {"login_max_failures": 2.5},
        {"login_window_minutes": "soon"},
        {"login_lockout_minutes": -1},
    ):
        with pytest.raises(ConfigError):
            policy_from(bad)


# --- through the workspace -------------------------------------------------------------------


@pytest.fixture
def ws(workspace: Workspace, fast_hashing: None) -> Workspace:
    workspace.add_user("alice", "analyst", actor="admin", password=PASSWORD)
    workspace.add_user("bob", "viewer", actor="admin", password=PASSWORD)
    return workspace


def login(ws: Workspace, name: str, password: str, address: str = "10.0.0.1") -> LoginResult:
    return ws.login(name, password, address=address, policy=POLICY)


def actions(ws: Workspace) -> list[tuple[str, str]]:
    return [(e.action, e.target) for e in reversed(ws.audit()) if e.action.startswith("login")]


def test_account_locked_after_failures_then_free_again(ws: Workspace, clock: FakeClock) -> None:
    for n in range(3):
        assert login(ws, "alice", "wrong", f"10.0.0.{n}") == LoginResult(None)
    refused = login(ws, "alice", PASSWORD, "10.9.9.9")  # right password, another address
    assert refused == LoginResult(None, retry_after=600)
    clock.advance(minutes=9, seconds=30)
    assert login(ws, "alice", PASSWORD).retry_after == 30
    clock.advance(seconds=30)
    assert login(ws, "alice", PASSWORD).user is not None
    assert actions(ws) == [("login.failure", "user:alice")] * 3 + [("login.lockout", "user:alice")]
    lockout = ws.audit(target="user:alice")[0]
    assert lockout.actor == "anonymous"
    assert lockout.details == {
        "scope": "account",
        "address": "10.0.0.2",
        "failures": 3,
        "until": "2026-11-29T02:20:00Z",
    }


def test_a_success_resets_the_account(ws: Workspace) -> None:
    for _ in range(2):
        login(ws, "alice", "wrong", "10.0.0.1")
    assert login(ws, "alice", PASSWORD, "10.0.0.2").user is not None
    for _ in range(2):
        assert login(ws, "alice", "wrong", "10.0.0.3").retry_after == 0
    assert login(ws, "alice", PASSWORD, "10.0.0.4").user is not None


def test_one_address_trying_many_accounts_is_locked(ws: Workspace) -> None:
    for name in ("alice", "bob", "carol"):
        assert login(ws, name, "wrong", "203.0.113.7").retry_after == 0
    assert login(ws, "bob", PASSWORD, "203.0.113.7").retry_after == 600
    assert login(ws, "bob", PASSWORD, "198.51.100.1").user is not None  # other address
    assert ("login.lockout", "address:203.0.113.7") in actions(ws)


def test_a_success_gives_the_address_its_attempt_back(ws: Workspace) -> None:
    """Colleagues behind one NAT address who type their passwords right never fill it."""
    for _ in range(5):
        assert login(ws, "alice", PASSWORD, "192.0.2.1").user is not None
        assert login(ws, "bob", PASSWORD, "192.0.2.1").user is not None
    login(ws, "alice", "wrong", "192.0.2.1")
    login(ws, "bob", "wrong", "192.0.2.1")
    assert login(ws, "bob", PASSWORD, "192.0.2.1").user is not None


def test_unknown_names_are_throttled_and_audited_alike(ws: Workspace) -> None:
    """The same answers for an account that does not exist: no enumeration by lock-out."""
    for name in ("alice", "nobody"):
        results = [login(ws, name, "wrong", f"10.1.0.{n}") for n in range(4)]
        assert results == [LoginResult(None)] * 3 + [LoginResult(None, retry_after=600)]
    assert [a for a in actions(ws) if a[1] == "user:nobody"] == [
        ("login.failure", "user:nobody")
    ] * 3 + [("login.lockout", "user:nobody")]


def test_deactivated_user_with_the_right_password_counts_as_a_failure(ws: Workspace) -> None:
    ws.deactivate_user("bob", actor="admin")
    assert login(ws, "bob", PASSWORD) == LoginResult(None)
    assert actions(ws) == [("login.failure", "user:bob")]


def test_two_workers_share_the_counters(
    ws: Workspace, workspace_url: str, clock: FakeClock
) -> None:
    other = Workspace(create_store_engine(workspace_url), clock=clock)
    try:
        login(ws, "alice", "wrong")
        login(other, "alice", "wrong", "10.0.0.2")
        login(ws, "alice", "wrong", "10.0.0.3")
        assert login(other, "alice", PASSWORD, "10.0.0.4").retry_after == 600
    finally:
        other.close()


def test_parallel_attempts_cannot_exceed_the_limit(ws: Workspace) -> None:
    """Twelve guesses at once: each reserves its attempt under a row (or write) lock before
    its password is checked, so at most three are checked, the rest refused."""
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda n: login(ws, "alice", f"guess {n}", "10.7.0.1"), range(12)))
    assert sum(r.retry_after == 0 for r in results) == 3
    assert all(r.user is None for r in results)
    assert [a for a, _ in actions(ws)].count("login.failure") == 3


def test_counters_that_say_nothing_are_forgotten(ws: Workspace, clock: FakeClock) -> None:
    for n in range(6):
        login(ws, f"typo{n}", "wrong", f"10.2.0.{n}")
    clock.advance(minutes=16)
    login(ws, "alice", "wrong", "10.3.0.1")
    with ws.engine.connect() as conn:
        rows = conn.execute(text("SELECT scope, subject FROM ws_login_throttle")).all()
    assert sorted(map(tuple, rows)) == [("account", "alice"), ("address", "10.3.0.1")]


def test_failed_logins_stay_in_the_append_only_log(ws: Workspace) -> None:
    login(ws, "alice", "wrong")
    with ws.engine.connect() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM ws_audit_log WHERE action = 'login.failure'"))


def test_unknown_and_known_names_cost_the_same_work(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One scrypt per checked attempt whether the account exists or not, none when the
    throttle refuses: the time of an answer does not tell which names exist."""
    from sanctionwatch.cases import credentials

    calls: list[str] = []
    real = credentials._scrypt

    def counted(password: str, salt: bytes, **params: int) -> bytes:
        calls.append(password)
        return real(password, salt, **params)

    credentials.check_nothing("warm the dummy hash")  # built once per process
    monkeypatch.setattr(credentials, "_scrypt", counted)
    per_attempt = []
    for name in ("alice", "nobody", "alice", "nobody"):
        calls.clear()
        login(ws, name, "wrong", address=f"10.4.0.{len(per_attempt)}")
        per_attempt.append(len(calls))
    assert per_attempt == [1, 1, 1, 1]
    for name in ("alice", "nobody"):
        login(ws, name, "wrong", address="10.4.1.1")  # the third failure locks both names
        calls.clear()
        assert login(ws, name, PASSWORD, address="10.4.2.2").retry_after > 0
        assert calls == []

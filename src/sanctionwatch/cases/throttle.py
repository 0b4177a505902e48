"""Login throttling: pure decisions on one failure counter; storage is `cases.logins`.

Password logins are counted twice, per account (the name typed) and per client address: the
account counter stops guessing one user's password from many addresses, the address counter
stops one client from trying many accounts. Either counter reaching `max_failures` within
`window` of its first failure refuses logins under that name or from that address for
`lockout` (HTTP 429 with Retry-After). A successful login resets the account's counter.

Every attempt reserves its place in both counters before the password is checked (`begin`),
and a failure only decides on the lock-out afterwards (`fail`): parallel attempts from several
web workers cannot squeeze more than `max_failures` guesses into one window, because the
counter is read and written under a row lock (PostgreSQL) or the write lock (SQLite). A
success gives the address its reservation back (`release`), so colleagues behind one NAT who
type their passwords right do not lock each other out.

Unknown names are counted exactly like known ones: the responses, the lock-out and the work
done are the same, so throttling does not tell an attacker which accounts exist. The price of
account lock-out is known: anybody can lock a user out for `lockout` by failing on purpose;
the short lock-out and the per-address counter keep that cheap to live with.

The numbers are constants here until the settings grow keys for them; `policy_from` already
reads the proposed keys (`login_max_failures`, `login_window_minutes`,
`login_lockout_minutes`) from the settings' extra values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from sanctionwatch.errors import ConfigError
from sanctionwatch.settings import number_setting

LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW_MINUTES = 15.0
LOGIN_LOCKOUT_MINUTES = 15.0

MAX_FAILURES_KEY = "login_max_failures"
WINDOW_KEY = "login_window_minutes"
LOCKOUT_KEY = "login_lockout_minutes"

Scope = Literal["account", "address"]
SCOPES: tuple[Scope, ...] = ("account", "address")


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures in which window lock logins for how long."""

    max_failures: int = LOGIN_MAX_FAILURES
    window: timedelta = timedelta(minutes=LOGIN_WINDOW_MINUTES)
    lockout: timedelta = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)

    def __post_init__(self) -> None:
        if self.max_failures < 1:
            raise ConfigError(f"{MAX_FAILURES_KEY} must be at least 1, got {self.max_failures}")
        if self.window <= timedelta(0) or self.lockout <= timedelta(0):
            raise ConfigError(f"{WINDOW_KEY} and {LOCKOUT_KEY} must be positive")


DEFAULT_POLICY = ThrottlePolicy()


def policy_from(extra: Mapping[str, Any]) -> ThrottlePolicy:
    """The policy from the settings' extra values (the constants above when absent)."""
    failures = number_setting(extra, MAX_FAILURES_KEY, LOGIN_MAX_FAILURES)
    if failures != int(failures):
        raise ConfigError(f"setting {MAX_FAILURES_KEY!r} must be a whole number, got {failures}")
    return ThrottlePolicy(
        max_failures=int(failures),
        window=timedelta(minutes=number_setting(extra, WINDOW_KEY, LOGIN_WINDOW_MINUTES)),
        lockout=timedelta(minutes=number_setting(extra, LOCKOUT_KEY, LOGIN_LOCKOUT_MINUTES)),
    )


@dataclass(frozen=True)
class Counter:
    """One account's or address's state: attempts counted in the current window (failures
    and attempts still being checked), when that window began, and a lock-out's end."""

    failures: int = 0
    window_start: datetime | None = None
    locked_until: datetime | None = None

    @property
    def empty(self) -> bool:
        return self.failures == 0 and self.locked_until is None


@dataclass(frozen=True)
class Gate:
    """Whether an attempt may check its password, and the counter to store either way."""

    allowed: bool
    counter: Counter
    retry_after: int = 0  # whole seconds until an attempt can be allowed again


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def begin(counter: Counter, *, now: datetime, policy: ThrottlePolicy) -> Gate:
    """Refuse during a lock-out or when the window is full; else reserve one attempt."""
    if counter.locked_until is not None and now < counter.locked_until:
        return Gate(False, counter, _seconds(counter.locked_until - now))
    state = counter
    if state.window_start is None or now - state.window_start >= policy.window:
        state = Counter(window_start=now)  # a new window (an ended lock-out is dropped)
    if state.failures >= policy.max_failures:
        # only attempts still being checked can fill a window without locking it
        assert state.window_start is not None
        return Gate(False, state, _seconds(state.window_start + policy.window - now))
    return Gate(True, replace(state, failures=state.failures + 1))


def fail(counter: Counter, *, now: datetime, policy: ThrottlePolicy) -> tuple[Counter, bool]:
    """The counter after a reserved attempt failed, and whether this failure locked it.
    The lock-out starts a fresh count: after it, `max_failures` tries again."""
    if counter.failures >= policy.max_failures:
        return Counter(locked_until=now + policy.lockout), True
    return counter, False


def release(counter: Counter) -> Counter:
    """Give back the reservation of an attempt that succeeded (the address's counter)."""
    if counter.failures <= 0:
        return counter
    return replace(counter, failures=counter.failures - 1)

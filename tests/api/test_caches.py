"""The per-worker caches of verified API keys and dashboard figures (`api.caches`): a change
made through this worker is seen at once, a change made elsewhere (another worker, the CLI:
here the workspace written directly) within the TTL, never later."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sanctionwatch.api.caches import AppCaches, TtlCache, make_caches
from sanctionwatch.errors import ConfigError
from tests.api.wsapp import WsEnv, make_env, ws_settings
from tests.cases.builders import showcase_alerts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsEnv]:
    yield from make_env(tmp_path_factory.mktemp("caches"))


@pytest.fixture
def clock(env: WsEnv) -> Iterator[Clock]:
    """The app's caches, emptied and on a clock the test moves."""
    caches: AppCaches = env.app.state.caches
    fake = Clock()
    saved = caches.api_keys.clock, caches.dashboard.clock
    caches.clear()
    caches.api_keys.clock = caches.dashboard.clock = fake
    yield fake
    caches.clear()
    caches.api_keys.clock, caches.dashboard.clock = saved


def test_ttl_cache_expires_and_zero_turns_it_off() -> None:
    clock = Clock()
    cache: TtlCache[str, int] = TtlCache(5.0, clock=clock)
    cache.put("a", 1)
    clock.now += 4.9
    assert cache.get("a") == 1
    clock.now += 0.1
    assert cache.get("a") is None
    assert len(cache) == 0
    off: TtlCache[str, int] = TtlCache(0.0, clock=clock)
    off.put("a", 1)
    assert off.get("a") is None


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        pytest.param(2, True, id="number"),
        pytest.param("0.5", True, id="text"),
        pytest.param(-1, False, id="negative"),
        pytest.param("soon", False, id="not-a-number"),
    ],
)
def test_ttl_settings(tmp_path: object, value: object, ok: bool) -> None:
    settings = ws_settings(tmp_path, dashboard_cache_seconds=value)  # type: ignore[arg-type]
    if ok:
        assert make_caches(settings).dashboard.seconds == float(str(value))
    else:
        with pytest.raises(ConfigError, match="dashboard_cache_seconds"):
            make_caches(settings)


def test_key_revoked_elsewhere_works_until_the_ttl_ends(env: WsEnv, clock: Clock) -> None:
    info, secret = env.ws.create_api_key("viewer", label="elsewhere", actor="test")
    headers = {"X-API-Key": secret}
    assert env.client.get("/api/me", headers=headers).status_code == 200
    env.ws.revoke_api_key(info.id, actor="cli")  # as `sanctionwatch users key-revoke` does
    clock.now += 4.0
    assert env.client.get("/api/me", headers=headers).status_code == 200
    clock.now += 1.0
    assert env.client.get("/api/me", headers=headers).status_code == 401


def test_key_revoked_through_this_worker_is_refused_at_once(env: WsEnv, clock: Clock) -> None:
    info, secret = env.ws.create_api_key("analyst", label="here", actor="test")
    headers = {"X-API-Key": secret}
    assert env.client.get("/api/me", headers=headers).status_code == 200
    revoked = env.client.delete(f"/api/keys/{info.id}", headers=env.key("admin"))
    assert revoked.status_code == 200
    assert env.client.get("/api/me", headers=headers).status_code == 401


def test_bad_keys_are_not_cached(env: WsEnv, clock: Clock) -> None:
    for n in range(3):
        headers = {"X-API-Key": f"swk_guess{n}"}
        assert env.client.get("/api/me", headers=headers).status_code == 401
    assert len(env.app.state.caches.api_keys) == 0


def test_dashboard_lags_outside_changes_by_the_ttl_at_most(env: WsEnv, clock: Clock) -> None:
    def new_alerts() -> int:
        board = env.client.get("/api/dashboard", headers=env.key("viewer")).json()
        return int(board["alerts_new"])

    before = new_alerts()
    env.ws.record_alerts(showcase_alerts()[:1])  # as the monitor (another process) does
    assert new_alerts() == before
    clock.now += 5.0
    assert new_alerts() == before + 1


def test_dashboard_shows_a_change_made_through_this_worker_at_once(
    env: WsEnv, clock: Clock
) -> None:
    def open_cases() -> list[str]:
        board = env.client.get("/api/dashboard", headers=env.key("viewer")).json()
        return [c["title"] for c in board["open_cases"]]

    assert "Cached?" not in open_cases()
    created = env.client.post("/api/cases", json={"title": "Cached?"}, headers=env.key("analyst"))
    assert created.status_code == 201
    assert "Cached?" in open_cases()


def test_dashboard_cache_is_kept_per_role(env: WsEnv, clock: Clock) -> None:
    for role in ("viewer", "admin"):
        assert env.client.get("/api/dashboard", headers=env.key(role)).status_code == 200
    assert len(env.app.state.caches.dashboard) == 2

"""Property-based run of every documented operation (schemathesis): never a 500, and every
response (status and body) conforms to `/openapi.json`. Bounded: 50 examples per operation,
fixed seed.

The schema is loaded at import (schemathesis' lazy `from_fixture` does not work with pytest 9),
so the app is built here over the fake store with an in-memory index and a fresh workspace
in a temporary folder. Every call carries an admin's API key, so the `/api/*` operations are
exercised past authentication (a generated `DELETE /api/keys/{id}` may revoke that key: a new
one is made before the next call).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from sanctionwatch.api.app import create_app
from sanctionwatch.api.ports import ScreenerLike, StoreLike
from sanctionwatch.screening.service import Screener
from tests.api.conftest import api_settings
from tests.api.fakes import EU_FSF, ZALA, FakeStore, read_entities
from tests.api.wsapp import reader_factory

pytestmark = pytest.mark.slow

SEED = 20261128
MAX_EXAMPLES = 50


def in_memory_screener(store: StoreLike) -> ScreenerLike:
    return Screener.build(store.entities(), versions=store.current_versions())


# One fresh folder per process: each xdist worker imports this module, and a shared fixed
# path let two workers race on the same workspace (CI: "user ... exists already").
HOME = Path(tempfile.mkdtemp(prefix="sanctionwatch-schemathesis-"))
atexit.register(shutil.rmtree, HOME, ignore_errors=True)
SETTINGS = api_settings(HOME, reader_ner=False)
APP = create_app(
    SETTINGS,
    store=FakeStore(read_entities(ZALA, EU_FSF)),
    screener_factory=in_memory_screener,
    reader_factory=reader_factory(SETTINGS),
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
WORKSPACE = APP.state.workspace
ADMIN = "st-admin-7f3a"  # a name the generated data will not hit
WORKSPACE.add_user(ADMIN, "admin", actor="schemathesis")
_keys = [WORKSPACE.create_api_key(ADMIN, label="schemathesis", actor="schemathesis")[1]]


def auth_headers() -> dict[str, str]:
    """An admin's API key that still works."""
    if WORKSPACE.verify_api_key(_keys[-1]) is None:
        _keys.append(WORKSPACE.create_api_key(ADMIN, label="again", actor="schemathesis")[1])
    return {"Authorization": f"ApiKey {_keys[-1]}"}


@pytest.fixture(scope="module", autouse=True)
def built_index() -> None:
    """No lifespan runs under schemathesis' ASGI client: build the index once, here."""
    print(f"schemathesis seed: {SEED}, max examples per operation: {MAX_EXAMPLES}")
    APP.state.holder.refresh()


@schema.parametrize()
@seed(SEED)
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(
        headers=auth_headers(),
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
    )


def test_every_workspace_route_is_exercised() -> None:
    """The parametrised run above covers the `/api/*` operations (they are in the schema)."""
    paths = set(APP.openapi()["paths"])
    assert {"/api/alerts", "/api/cases/{case_id}/decisions", "/api/documents"} <= paths
    assert {"/api/screen/file", "/api/users/{name}/keys", "/api/keys/{key_id}"} <= paths

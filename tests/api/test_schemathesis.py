"""Property-based run of every documented operation (schemathesis): never a 500, and every
response (status and body) conforms to `/openapi.json`. Bounded: 50 examples per operation,
fixed seed.

The schema is loaded at import (schemathesis' lazy `from_fixture` does not work with pytest 9),
so the app is built here over the fake store with an in-memory index (nothing written).
"""

from __future__ import annotations

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

pytestmark = pytest.mark.slow

SEED = 20261128
MAX_EXAMPLES = 50


def in_memory_screener(store: StoreLike) -> ScreenerLike:
    return Screener.build(store.entities(), versions=store.current_versions())


APP = create_app(
    api_settings(Path(tempfile.gettempdir()) / "sanctionwatch-schemathesis"),
    store=FakeStore(read_entities(ZALA, EU_FSF)),
    screener_factory=in_memory_screener,
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


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
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance]
    )

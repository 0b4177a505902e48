"""Security cases of the JSON side, each named: unauthenticated and viewer writes, CSRF,
security headers, stored XSS coming back as JSON strings, upload limits and types.

The unsafe routes are enumerated from the app itself, so a new route cannot be forgotten."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from sanctionwatch.api.auth import CSRF_FIELD, CSRF_HEADER
from sanctionwatch.cases.model import Alert, EntityRef, fingerprint
from tests.api.wsapp import WsEnv, make_env, pdf_with_text

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Unsafe /api routes a logged-out client may call, and why.
OPEN_WRITES = {("POST", "/api/login"): "it is how one authenticates"}
# Unsafe /api routes any authenticated user (viewer included) may call, and why.
VIEWER_WRITES = {
    ("POST", "/api/logout"): "ends the caller's own session",
    ("POST", "/api/screen"): "screening one name reads the lists, it changes nothing",
}
PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsEnv]:
    yield from make_env(tmp_path_factory.mktemp("security"), upload_max_bytes=64 * 1024)


def unsafe_api_routes(env: WsEnv) -> list[tuple[str, str]]:
    """Every unsafe `/api/` operation of the app (from its OpenAPI document, which lists
    every route of the included routers; none of ours is hidden from it)."""
    env.app.openapi_schema = None  # rebuilt from the current routes
    paths = env.app.openapi()["paths"]
    found = [
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/")
        for method in operations
        if method.upper() in UNSAFE
    ]
    assert len(found) >= 15  # the enumeration itself works
    return found


def concrete(path: str) -> str:
    """A path with its parameters filled in (ids that exist or not: auth comes first)."""
    return re.sub(r"\{(\w+)\}", lambda m: "viewer" if m.group(1) == "name" else "1", path)


def test_unauthenticated_writes_refused_on_every_unsafe_route(env: WsEnv) -> None:
    refused = []
    for method, path in unsafe_api_routes(env):
        if (method, path) in OPEN_WRITES:
            continue
        response = env.client.request(method, concrete(path))
        assert response.status_code == 401, f"{method} {path}: {response.status_code}"
        refused.append(path)
    assert "/api/cases/{case_id}/decisions" in refused


def test_viewer_writes_refused_on_every_unsafe_route(env: WsEnv) -> None:
    for method, path in unsafe_api_routes(env):
        if (method, path) in OPEN_WRITES or (method, path) in VIEWER_WRITES:
            continue
        response = env.client.request(method, concrete(path), headers=env.key("viewer"))
        assert response.status_code == 403, f"{method} {path}: {response.status_code}"


def test_viewer_writes_refused_over_a_session_too(env: WsEnv) -> None:
    response = env.session_post("viewer", "/api/cases", json={"title": "nope"})
    assert response.status_code == 403
    assert "role" in response.json()["detail"]


# --- CSRF ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-token"),
        pytest.param({CSRF_HEADER: "wrong-token"}, id="wrong-token"),
        pytest.param({CSRF_HEADER: ""}, id="empty-token"),
    ],
)
def test_csrf_cookie_post_without_the_right_token_refused(
    env: WsEnv, headers: dict[str, str]
) -> None:
    client, _token = env.login("analyst")
    before = len(env.ws.cases())
    response = client.post("/api/cases", json={"title": "forged"}, headers=headers)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert len(env.ws.cases()) == before


def test_csrf_token_of_another_session_refused(env: WsEnv) -> None:
    client, _mine = env.login("analyst")
    _other, theirs = env.login("analyst")
    response = client.post("/api/cases", json={"title": "x"}, headers={CSRF_HEADER: theirs})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "origin_headers",
    [
        pytest.param({"Origin": "https://evil.example"}, id="foreign-origin"),
        pytest.param({"Origin": "null"}, id="null-origin"),
        pytest.param({"Referer": "https://evil.example/page"}, id="foreign-referer"),
        pytest.param({"Origin": "http://testserver.evil.example"}, id="lookalike-origin"),
    ],
)
def test_csrf_foreign_origin_refused_even_with_the_token(
    env: WsEnv, origin_headers: dict[str, str]
) -> None:
    client, token = env.login("analyst")
    response = client.post(
        "/api/cases", json={"title": "x"}, headers={CSRF_HEADER: token, **origin_headers}
    )
    assert response.status_code == 403
    assert "origin" in response.json()["detail"].lower()


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({}, id="no-origin-header"),
        pytest.param({"Origin": "http://testserver"}, id="same-origin"),
        pytest.param({"Referer": "http://testserver/cases"}, id="same-referer"),
    ],
)
def test_csrf_with_the_token_passes(env: WsEnv, extra: dict[str, str]) -> None:
    client, token = env.login("analyst")
    response = client.post(
        "/api/cases", json={"title": "with token"}, headers={CSRF_HEADER: token, **extra}
    )
    assert response.status_code == 201
    assert response.json()["created_by"] == "analyst"


@pytest.mark.slow  # uploads build the reader (see wsapp.GAZETTEER_CACHE)
def test_csrf_token_in_a_form_field_passes(env: WsEnv) -> None:
    client, token = env.login("analyst")
    files = {"file": ("note.txt", b"Nothing to see here, a plain note.", "text/plain")}
    ok = client.post("/api/documents", data={CSRF_FIELD: token}, files=files)
    assert ok.status_code == 201, ok.text
    bad = client.post("/api/documents", data={CSRF_FIELD: "nope"}, files=files)
    assert bad.status_code == 403


def test_api_key_posts_need_no_token(env: WsEnv) -> None:
    response = env.client.post(
        "/api/cases",
        json={"title": "from a script"},
        headers={**env.key("analyst"), "Origin": "https://elsewhere.example"},
    )
    assert response.status_code == 201


def test_login_from_a_foreign_origin_refused(env: WsEnv) -> None:
    response = env.client.post(
        "/api/login",
        json={"name": "viewer", "password": "irrelevant"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403


# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, auth",
    [
        pytest.param("GET", "/api/alerts", True, id="api-read"),
        pytest.param("GET", "/api/alerts", False, id="api-401"),
        pytest.param("POST", "/api/cases", False, id="api-write-401"),
        pytest.param("GET", "/api/cases/999999", True, id="api-404"),
        pytest.param("GET", "/healthz", False, id="yente"),
        pytest.param("GET", "/openapi.json", False, id="openapi"),
        pytest.param("GET", "/no/such/page", False, id="not-found"),
        pytest.param("GET", "/docs", False, id="docs"),
    ],
)
def test_security_headers_on_every_response(env: WsEnv, method: str, path: str, auth: bool) -> None:
    headers = env.key("viewer") if auth else {}
    response = env.client.request(method, path, headers=headers)
    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if " " in d.strip())
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"


def test_security_headers_on_a_server_error(env: WsEnv) -> None:
    @env.app.get("/api/test-crash", include_in_schema=False)
    def crash() -> None:
        raise RuntimeError("a bug")

    try:
        response = env.client.get("/api/test-crash")
        assert response.status_code == 500
        assert response.json() == {"detail": "Internal server error"}
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
    finally:
        env.app.router.routes.pop()


def test_docs_page_script_allowed_by_hash_only(env: WsEnv) -> None:
    response = env.client.get("/docs")
    assert response.status_code == 200
    assert "'sha256-" in response.headers["content-security-policy"]


# --- stored XSS: every text comes back as a JSON string, never as HTML ----------------------


def xss_alert(payload: str) -> Alert:
    return Alert(
        kind="screening_hit",
        fingerprint=fingerprint("screening_hit", "xss", payload),
        title=f"hit {payload}",
        severity="medium",
        algorithm="sw-v1",
        params_hash="0",
        list_versions={},
        source=f"portfolio {payload}.csv",
        evidence={"query": {"name": payload}},
        entities=(EntityRef(entity_id="xss-1", caption=payload, schema="Person"),),
    )


@pytest.mark.slow  # uploads build the reader (see wsapp.GAZETTEER_CACHE)
@pytest.mark.parametrize("payload", PAYLOADS, ids=["script-tag", "attribute-breakout"])
def test_stored_xss_comes_back_as_json_strings(env: WsEnv, payload: str) -> None:
    new_ids = env.ws.record_alerts([xss_alert(payload)]).new_ids
    alert_id = new_ids[0]
    case = env.client.post(
        "/api/cases",
        json={"title": payload, "summary": payload, "alert_ids": [alert_id]},
        headers=env.key("analyst"),
    ).json()
    env.client.post(
        f"/api/cases/{case['id']}/notes", json={"text": payload}, headers=env.key("analyst")
    )
    upload = env.client.post(
        "/api/documents",
        files={"file": (f"{payload}.txt", f"Report: {payload} was seen.".encode(), "text/plain")},
        headers=env.key("analyst"),
    )
    doc_id = upload.json()["documents"][0]["document_id"]
    for path in (
        f"/api/alerts/{alert_id}",
        f"/api/cases/{case['id']}",
        f"/api/documents/{doc_id}",
        "/api/alerts?q=hit",
        "/api/entities/xss-1/links",
        "/api/graph?entity_id=xss-1",
    ):
        response = env.client.get(path, headers=env.key("viewer"))
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "application/json", path
        assert payload in str(response.json()), path  # verbatim data, not escaped or dropped
    detail = env.client.get(f"/api/cases/{case['id']}", headers=env.key("viewer")).json()
    assert detail["case"]["title"] == payload
    assert detail["notes"][0]["text"] == payload
    assert detail["alerts"][0]["entities"][0]["caption"] == payload
    document = env.client.get(f"/api/documents/{doc_id}", headers=env.key("viewer")).json()
    assert payload in document["text"]


# --- uploads ----------------------------------------------------------------------------


def test_upload_oversize_is_413(env: WsEnv) -> None:
    big = b"North Korea shipped coal. " * 4000  # ~100 KB, over the 64 KiB limit set above
    response = env.client.post(
        "/api/documents", files={"file": ("big.txt", big, "text/plain")}, headers=env.key("analyst")
    )
    assert response.status_code == 413
    assert "65536 bytes" in response.json()["detail"]


@pytest.mark.parametrize(
    "name, data",
    [
        pytest.param("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), id="png"),
        pytest.param("report.txt", b"PK\x03\x04\x14\x00\x00\x00" + bytes(64), id="zip-docx"),
        pytest.param("a.exe", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(64), id="binary"),
    ],
)
def test_upload_wrong_type_is_415(env: WsEnv, name: str, data: bytes) -> None:
    response = env.client.post(
        "/api/documents", files={"file": (name, data, "text/plain")}, headers=env.key("analyst")
    )
    assert response.status_code == 415
    assert "text, HTML, PDF" in response.json()["detail"]


@pytest.mark.slow  # uploads build the reader (see wsapp.GAZETTEER_CACHE)
def test_upload_pdf_named_txt_is_read_as_pdf(env: WsEnv) -> None:
    data = pdf_with_text("The tanker CHON MA SAN loaded oil for North Korea.")
    response = env.client.post(
        "/api/documents",
        files={"file": ("notes.txt", data, "text/plain")},
        headers=env.key("analyst"),
    )
    assert response.status_code == 201, response.text
    doc_id = response.json()["documents"][0]["document_id"]
    document = env.client.get(f"/api/documents/{doc_id}", headers=env.key("viewer")).json()
    assert "CHON MA SAN" in document["text"]
    assert "%PDF" not in document["text"]


def test_screen_file_wrong_type_is_415(env: WsEnv) -> None:
    response = env.client.post(
        "/api/screen/file",
        files={"file": ("parties.csv", b"\x89PNG\r\n\x1a\n" + bytes(64), "text/csv")},
        headers=env.key("analyst"),
    )
    assert response.status_code == 415

"""The HTML side of the security requirements: every page form carries the CSRF token,
unauthenticated and cross-site writes are refused, stored XSS in list names, alert titles,
notes and document text is rendered inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from sanctionwatch.cases.model import Alert, EntityRef, fingerprint
from sanctionwatch.web.pages import ROUTERS
from tests.web.conftest import HOSTILE, WebEnv, csrf_of

PAGE_WRITES = sorted(
    (route.path, method)
    for router in ROUTERS
    for route in router.routes
    if isinstance(route, APIRoute)
    for method in route.methods
    if method != "GET" and route.path != "/login"
)


class Forms(HTMLParser):
    """Every <form> of a page: method, action and its hidden inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (a.get("method") or "get").lower(),
                    "action": a.get("action"),
                    "hidden": {},
                }
            )
        elif tag == "input" and a.get("type") == "hidden" and self.forms:
            hidden = self.forms[-1]["hidden"]
            assert isinstance(hidden, dict)
            hidden[a.get("name")] = a.get("value")


class Tags(HTMLParser):
    """The elements a browser would build: names, script sources, on* handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.scripts: list[str | None] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.add(tag)
        if tag == "script":
            self.scripts.append(dict(attrs).get("src"))
        self.handlers += [name for name, _ in attrs if name.lower().startswith("on")]


@pytest.fixture(scope="module")
def hostile_case(web_env: WebEnv) -> int:
    """An alert, a case note and a document whose text is an XSS payload."""
    ws = web_env.workspace
    alert = Alert(
        kind="screening_hit",
        fingerprint=fingerprint("screening_hit", "xss", 1),
        title=HOSTILE,
        severity="high",
        algorithm="sw-v1",
        params_hash=HOSTILE,
        list_versions={"hostile": "2026-01-01"},
        source=HOSTILE,
        evidence={
            "query": {"name": [HOSTILE]},
            "match": {
                "id": "xss-person-1",
                "caption": HOSTILE,
                "schema": "Person",
                "score": 0.99,
                "explanations": {HOSTILE: {HOSTILE: HOSTILE}},
            },
        },
        entities=(EntityRef(entity_id="xss-person-1", caption=HOSTILE, schema="Person"),),
    )
    ids = ws.record_alerts([alert]).new_ids
    case = ws.create_case(HOSTILE, actor="ana", summary=HOSTILE, alert_ids=ids)
    ws.add_note(case.id, HOSTILE, actor="ana")
    ws.decide(case.id, "under_review", actor="ana", rationale=HOSTILE)
    text = f"Kim Jong Un met {HOSTILE} in Pyongyang."
    finding = {
        "document": {"source": HOSTILE, "language": "en", "title": HOSTILE},
        "mentions": [
            {
                "text": HOSTILE,
                "start": 16,
                "end": 16 + len(HOSTILE),
                "type": "PERSON",
                "entity_id": "xss-person-1",
            }
        ],
        "activities": [
            {
                "category": HOSTILE,
                "direction": "to_dprk",
                "assertion": HOSTILE,
                "start": 0,
                "end": len(text),
                "evidence": text,
                "provisions": [HOSTILE],
                "cues": [HOSTILE],
                "actors": [],
            }
        ],
        "exemptions": [],
        "alert": True,
        "countries": [HOSTILE],
    }
    web_env.workspace.save_document(finding, text=text)
    return case.id


def test_page_writes_are_enumerated() -> None:
    assert ("/cases/{case_id}/notes", "POST") in PAGE_WRITES
    assert len(PAGE_WRITES) >= 12


@pytest.mark.parametrize(("path", "method"), PAGE_WRITES)
def test_writes_without_a_session_are_refused(anon: TestClient, path: str, method: str) -> None:
    concrete = re.sub(r"\{[^}]+\}", "1", path)
    response = anon.request(method, concrete, data={"text": "x", "title": "x"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("case", "token", "headers"),
    [
        ("no token", None, {}),
        ("wrong token", "forged-token", {}),
        ("foreign origin", "OK", {"Origin": "https://evil.example"}),
        ("foreign referer", "OK", {"Referer": "https://evil.example/page"}),
    ],
)
def test_cross_site_note_is_refused(
    analyst: TestClient,
    web_env: WebEnv,
    hostile_case: int,
    case: str,
    token: str | None,
    headers: dict[str, str],
) -> None:
    before = len(web_env.workspace.notes(hostile_case))
    data = {"text": "forged note"}
    if token is not None:
        data["csrf_token"] = csrf_of(analyst) if token == "OK" else token
    response = analyst.post(f"/cases/{hostile_case}/notes", data=data, headers=headers)
    assert response.status_code == 403, case
    assert len(web_env.workspace.notes(hostile_case)) == before


def test_every_post_form_carries_the_csrf_token(
    admin: TestClient, hostile_case: int, web_env: WebEnv
) -> None:
    doc_id = web_env.workspace.documents(limit=1)[0]["id"]
    alert_id = web_env.workspace.alerts(limit=1)[0].id
    token = csrf_of(admin)
    paths = [
        "/",
        "/alerts",
        f"/alerts/{alert_id}",
        "/cases",
        f"/cases/{hostile_case}",
        "/screen",
        "/documents",
        f"/documents/{doc_id}",
        "/users",
        "/map",
        "/graph",
    ]
    seen = 0
    for path in paths:
        parser = Forms()
        parser.feed(admin.get(path).text)
        for form in parser.forms:
            if form["method"] == "post":
                hidden = form["hidden"]
                assert isinstance(hidden, dict)
                assert hidden.get("csrf_token") == token, (path, form["action"])
                seen += 1
    assert seen >= 15


def test_stored_xss_is_inert_everywhere(
    admin: TestClient, hostile_case: int, web_env: WebEnv
) -> None:
    doc_id = web_env.workspace.documents(limit=1)[0]["id"]
    alert_id = next(a.id for a in web_env.workspace.alerts(limit=50) if a.alert.title == HOSTILE)
    paths = [
        "/",
        "/alerts",
        f"/alerts/{alert_id}",
        "/cases",
        f"/cases/{hostile_case}",
        f"/documents/{doc_id}",
        "/documents",
        "/entity/xss-person-1",
        "/lists/search?" + urlencode({"q": HOSTILE}),  # reflected, not stored
        "/timeline",
        f"/timeline?case_id={hostile_case}",
        f"/graph?case_id={hostile_case}",
        "/graph",
    ]
    for path in paths:
        response = admin.get(path)
        assert response.status_code == 200, path
        body = response.text
        tags = Tags()
        tags.feed(body)
        assert "<script>alert" not in body, path
        assert "img" not in tags.names, path
        assert tags.scripts == ["/static/app.js"], path
        assert not tags.handlers, f"{path}: event handler attributes {tags.handlers}"
        assert "&lt;script&gt;alert(" in body, f"{path}: the payload should show as text"


def test_pages_send_a_content_security_policy(viewer: TestClient) -> None:
    policy = viewer.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]


def test_forms_use_only_same_origin_scripts(viewer: TestClient, web_app: FastAPI) -> None:
    page = viewer.get("/").text
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/app.js" defer>']
    assert viewer.get("/static/app.js").status_code == 200

"""The pages as a person uses them, through the whole app (API + pages) on a real store
with the UN DPRK list, in-process: log in, read every page, screen, upload, work a case."""

from __future__ import annotations

import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from tests.cases.builders import showcase_alerts, showcase_events
from tests.paths import DOCUMENTS
from tests.web.conftest import WebEnv, csrf_of, log_in

GERMAN = DOCUMENTS / "putin-kim-summit-de.txt"
KIM_YONG_CHOL = "unsc-6908511"  # UN KPi.xxx, screened in Cyrillic below


@pytest.fixture(scope="module")
def seeded(web_env: WebEnv) -> dict[str, int]:
    """The showcase alerts (an AIS gap, an encounter, a Korean report) and their events."""
    ws = web_env.workspace
    result = ws.record_alerts(showcase_alerts())
    ws.save_events(showcase_events())
    ids = ws.alerts(limit=100)
    return {a.alert.kind + ":" + a.alert.title: a.id for a in ids} | {"count": result.total}


# --- logging in --------------------------------------------------------------------------


def test_pages_need_a_login(anon: TestClient) -> None:
    response = anon.get("/alerts?kind=ship_event")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Falerts%3Fkind%3Dship_event"


@pytest.mark.parametrize(
    ("case", "form", "status"),
    [
        ("wrong password", {"password": "nope"}, 401),
        ("unknown user", {"name": "nobody"}, 401),
        ("no login token", {"login_token": ""}, 403),
        ("forged login token", {"login_token": "forged"}, 403),
    ],
)
def test_login_refused(web_app: object, case: str, form: dict[str, str], status: int) -> None:
    with TestClient(web_app, follow_redirects=False) as client:  # type: ignore[arg-type]
        token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text)
        assert token
        data = {"name": "ana", "password": "analyst-pass-1", "login_token": token.group(1)}
        response = client.post("/login", data={**data, **form})
        assert response.status_code == status, case
        assert "sw_session" not in response.cookies


@pytest.mark.parametrize(
    ("target", "landing"),
    [("/cases", "/cases"), ("//evil.example/x", "/"), ("https://evil.example/", "/")],
)
def test_login_goes_back_only_to_this_site(web_app: object, target: str, landing: str) -> None:
    with TestClient(web_app, follow_redirects=False) as client:  # type: ignore[arg-type]
        page = client.get("/login", params={"next": target})
        token = re.search(r'name="login_token" value="([^"]+)"', page.text)
        assert token
        response = client.post(
            "/login",
            data={
                "name": "vic",
                "password": "viewer-pass-1",
                "login_token": token.group(1),
                "next": target,
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == landing


def test_logout_ends_the_session(web_app: object) -> None:
    with TestClient(web_app, follow_redirects=False) as client:  # type: ignore[arg-type]
        log_in(client, "vic")
        assert client.get("/").status_code == 200
        cookie = client.cookies.get("sw_session")
        token = csrf_of(client)
        assert client.post("/logout", data={"csrf_token": token}).status_code == 303
        client.cookies.set("sw_session", cookie or "")  # replaying the old cookie
        assert client.get("/").status_code == 303


# --- reading ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "Newest alerts"),
        ("/alerts", "encounter: YUK TUNG / CHON MA SAN"),
        ("/alerts?kind=ship_event&status=new", "gap: YUK TUNG"),
        ("/cases", "Suggested cases"),
        ("/lists", "un_sc_sanctions"),
        ("/lists/search?q=Kim+Yong+Chol", KIM_YONG_CHOL),
        ("/screen", "One name"),
        ("/documents", "<h1>Documents</h1>"),
        ("/map", "Natural Earth"),
        ("/map?type=encounter", "CHON MA SAN"),
        ("/graph", "YUK TUNG"),
        ("/timeline", "encounter"),
        (f"/entity/{KIM_YONG_CHOL}", "KPi."),
    ],
)
def test_pages_render_for_a_viewer(
    viewer: TestClient, seeded: dict[str, int], path: str, expected: str
) -> None:
    response = viewer.get(path)
    assert response.status_code == 200, response.text[:500]
    assert expected in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_entity_page_shows_names_in_every_script(viewer: TestClient) -> None:
    page = viewer.get(f"/entity/{KIM_YONG_CHOL}").text
    assert "Latin" in page
    assert "Sanctions" in page and "KPi." in page


def test_map_draws_land_events_and_links(viewer: TestClient, seeded: dict[str, int]) -> None:
    page = viewer.get("/map").text
    assert '<path class="land"' in page
    markers = re.findall(r'<a href="#event-(\d+)" class="event-marker"', page)
    assert len(markers) == 2
    for event_id in markers:
        assert f'id="event-{event_id}"' in page


def test_unknown_things_are_404_pages(viewer: TestClient) -> None:
    for path in ("/alerts/999999", "/cases/999999", "/documents/999999", "/entity/no-such"):
        response = viewer.get(path)
        assert response.status_code == 404, path
        assert "<h1>Not found</h1>" in response.text
    assert viewer.get("/no-such-page").status_code == 404


def test_api_paths_keep_json_errors(viewer: TestClient) -> None:
    response = viewer.get("/entities/no-such")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such entity!"}


def test_admin_pages_are_for_admins(viewer: TestClient, admin: TestClient) -> None:
    assert viewer.get("/users").status_code == 403
    page = admin.get("/users")
    assert page.status_code == 200 and "vic" in page.text


# --- screening -------------------------------------------------------------------------


def test_screen_a_name_in_another_script(viewer: TestClient) -> None:
    token = csrf_of(viewer, "/screen")
    response = viewer.post(
        "/screen", data={"name": "Ким Ён Чхоль", "schema": "Person", "csrf_token": token}
    )
    assert response.status_code == 200
    assert f'href="/entity/{KIM_YONG_CHOL}"' in response.text
    assert "Why this score" in response.text


def uploads_of(web_env: WebEnv, data: bytes) -> list[dict[str, object]]:
    """The upload audit entries of these bytes: actor and details."""
    target = f"upload:{hashlib.sha256(data).hexdigest()}"
    return [{"actor": e.actor, **e.details} for e in web_env.workspace.audit(target=target)]


def test_screen_a_file(viewer: TestClient, web_env: WebEnv) -> None:
    token = csrf_of(viewer, "/screen")
    table = (
        "name,schema,birth_date\nKim Yong Chol,Person,1962-02-18\nJane Example,Person,1990-01-01\n"
    )
    response = viewer.post(
        "/screen/file",
        data={"csrf_token": token},
        files={"file": ("people.csv", table.encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text[:300]
    assert f'href="/entity/{KIM_YONG_CHOL}"' in response.text and "Jane Example" in response.text
    assert "error-message" not in response.text
    assert uploads_of(web_env, table.encode()) == [
        {
            "actor": "vic",
            "filename": "people.csv",
            "bytes": len(table.encode()),
            "sha256": hashlib.sha256(table.encode()).hexdigest(),
            "kind": "screening_table",
            "content": "csv",
        }
    ]


def test_screen_file_refuses_a_binary(viewer: TestClient, web_env: WebEnv) -> None:
    token = csrf_of(viewer, "/screen")
    data = b"\x00\x01\x02\xff" * 50
    response = viewer.post(
        "/screen/file",
        data={"csrf_token": token},
        files={"file": ("people.csv", data, "text/csv")},
    )
    assert response.status_code == 415
    [entry] = uploads_of(web_env, data)
    assert (entry["actor"], entry["content"]) == ("vic", None) and entry["refused"]


# --- documents and cases ---------------------------------------------------------------


@pytest.fixture(scope="module")
def german_doc(analyst: TestClient) -> str:
    """Upload the German editorial; the location of its page."""
    token = csrf_of(analyst, "/documents")
    response = analyst.post(
        "/documents",
        data={"csrf_token": token},
        files={"file": (GERMAN.name, GERMAN.read_bytes(), "text/plain")},
    )
    assert response.status_code == 303, response.text[:500]
    return str(response.headers["location"])


@pytest.mark.slow  # the first upload builds the document reader (seconds)
def test_uploaded_document_shows_findings_with_evidence(
    analyst: TestClient, german_doc: str
) -> None:
    assert re.fullmatch(r"/documents/\d+(\?new_alerts=\d+)?", german_doc)
    page = analyst.get(german_doc).text
    assert "arms_from_dprk" in page
    assert '<mark class="activity"' in page
    assert "Putin" in page and "new alert" in page


@pytest.mark.slow
def test_uploaded_document_is_audited(german_doc: str, web_env: WebEnv) -> None:
    [entry] = uploads_of(web_env, GERMAN.read_bytes())
    assert (entry["actor"], entry["filename"]) == ("ana", GERMAN.name)
    assert (entry["kind"], entry["content"]) == ("document", "text")


def test_viewer_cannot_upload(viewer: TestClient, web_env: WebEnv) -> None:
    token = csrf_of(viewer, "/documents")
    data = b"a viewer's text"
    response = viewer.post(
        "/documents",
        data={"csrf_token": token},
        files={"file": ("a.txt", data, "text/plain")},
    )
    assert response.status_code == 403
    assert uploads_of(web_env, data) == []  # refused before anything was read


def test_case_from_alert_note_decision(analyst: TestClient, seeded: dict[str, int]) -> None:
    alerts = analyst.get("/alerts?kind=ship_event").text
    ids = re.findall(r'name="alert_ids" value="(\d+)"', alerts)
    assert len(ids) == 2
    token = csrf_of(analyst, "/alerts")
    response = analyst.post(
        "/cases",
        data={"csrf_token": token, "title": "YUK TUNG dark STS", "alert_ids": ids},
    )
    assert response.status_code == 303
    case_url = response.headers["location"]
    note = analyst.post(
        case_url + "/notes", data={"csrf_token": token, "text": "Matches the Panel's pattern."}
    )
    assert note.status_code == 303
    decision = analyst.post(
        case_url + "/decisions",
        data={"csrf_token": token, "status": "confirmed", "rationale": "Gap then STS."},
    )
    assert decision.status_code == 303
    page = analyst.get(case_url).text
    assert "Matches the Panel&#39;s pattern." in page
    assert "status-confirmed" in page
    for action in ("case.create", "note.add", "case.decide"):
        assert action in page
    assert f"/api{case_url}/report?format=html" in page


def test_bad_decision_status_is_a_400_page(analyst: TestClient) -> None:
    token = csrf_of(analyst, "/cases")
    created = analyst.post("/cases", data={"csrf_token": token, "title": "t"})
    response = analyst.post(
        created.headers["location"] + "/decisions",
        data={"csrf_token": token, "status": "approved", "rationale": "x"},
    )
    assert response.status_code == 400
    assert "error-message" in response.text


def test_admin_creates_a_key_shown_once(admin: TestClient) -> None:
    token = csrf_of(admin, "/users")
    page = admin.post("/users/vic/keys", data={"csrf_token": token, "label": "ci"})
    assert page.status_code == 200
    secret = re.search(r"<code>(swk_[^<]+)</code>", page.text)
    assert secret
    assert secret.group(1) not in admin.get("/users").text

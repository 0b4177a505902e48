"""`/api/documents`: upload the real German article and get its findings and an alert; list,
read back, feeds, deduplication, the upload run that names the uploader and the upload's
audit entry."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from tests.api.wsapp import WsEnv, make_env
from tests.paths import DOCUMENTS

pytestmark = pytest.mark.slow  # the reader's gazetteer: ~20 s when the test cache is cold

GERMAN = DOCUMENTS / "putin-kim-summit-de.txt"
FEED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Desk</title>
<item><title>Coal ship-to-ship transfer</title><link>https://news.example/1</link>
<description>A North Korean vessel transferred coal to a tanker at sea in violation of UN
sanctions, a report said.</description></item>
<item><title>Weather</title><link>https://news.example/2</link>
<description>Rain is expected in Seoul tomorrow.</description></item>
</channel></rss>"""


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsEnv]:
    yield from make_env(tmp_path_factory.mktemp("documents"))


@pytest.fixture(scope="module")
def german(env: WsEnv) -> dict[str, object]:
    response = env.client.post(
        "/api/documents",
        files={"file": (GERMAN.name, GERMAN.read_bytes(), "text/plain")},
        headers=env.key("analyst"),
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()["documents"][0]
    return body


def test_german_article_findings_and_alert(env: WsEnv, german: dict[str, object]) -> None:
    finding = german["finding"]
    assert isinstance(finding, dict)
    assert finding["document"]["language"] == "de"
    assert finding["alert"] is True
    categories = {a["category"] for a in finding["activities"]}
    assert "arms_from_dprk" in categories
    alert_ids = german["alert_ids"]
    assert isinstance(alert_ids, list) and len(alert_ids) == 1
    alert = env.client.get(f"/api/alerts/{alert_ids[0]}", headers=env.key("viewer")).json()
    assert alert["kind"] == "document_finding"
    assert alert["source"] == GERMAN.name


def test_document_list_and_detail(env: WsEnv, german: dict[str, object]) -> None:
    listed = env.client.get("/api/documents", headers=env.key("viewer")).json()
    assert german["document_id"] in [d["id"] for d in listed]
    detail = env.client.get(
        f"/api/documents/{german['document_id']}", headers=env.key("viewer")
    ).json()
    assert detail["text"] == GERMAN.read_text(encoding="utf-8").lstrip("\ufeff")
    assert detail["finding"]["activities"]
    assert env.client.get("/api/documents/999999", headers=env.key("viewer")).status_code == 404


def test_same_upload_twice_no_new_alert(env: WsEnv, german: dict[str, object]) -> None:
    again = env.client.post(
        "/api/documents",
        files={"file": ("copy.txt", GERMAN.read_bytes(), "text/plain")},
        headers=env.key("analyst"),
    ).json()["documents"][0]
    assert again["document_id"] == german["document_id"]
    assert again["alert_ids"] == []


def test_upload_is_a_run_naming_the_uploader(env: WsEnv, german: dict[str, object]) -> None:
    runs = env.client.get("/api/runs", headers=env.key("viewer")).json()
    uploads = [r for r in runs if r["kind"] == "upload"]
    assert uploads
    assert all("analyst" in str(r) for r in uploads)


def test_feed_gives_one_document_per_item(env: WsEnv) -> None:
    response = env.client.post(
        "/api/documents",
        files={"file": ("desk.xml", FEED, "application/rss+xml")},
        headers=env.key("analyst"),
    )
    assert response.status_code == 201, response.text
    documents = response.json()["documents"]
    assert len(documents) == 2
    assert [d["finding"]["document"]["source"] for d in documents] == [
        "https://news.example/1",
        "https://news.example/2",
    ]


def test_every_upload_is_an_audit_entry(env: WsEnv, german: dict[str, object]) -> None:
    """Every upload of the article is on record, also one that read nothing new."""
    data = GERMAN.read_bytes()
    again = env.client.post(
        "/api/documents", files={"file": ("again.txt", data)}, headers=env.key("analyst")
    )
    assert again.status_code == 201 and again.json()["documents"][0]["alert_ids"] == []
    entries = env.ws.audit(target=f"upload:{hashlib.sha256(data).hexdigest()}")
    assert {GERMAN.name, "again.txt"} <= {e.details["filename"] for e in entries}
    for entry in entries:
        assert (entry.actor, entry.action) == ("analyst", "upload")
        assert entry.details["bytes"] == len(data)
        assert (entry.details["kind"], entry.details["content"]) == ("document", "text")


def test_unsupported_upload_is_415_and_audited(env: WsEnv) -> None:
    data = b"PK\x03\x04" + bytes(range(256)) * 8  # a zip archive
    response = env.client.post(
        "/api/documents",
        files={"file": ("report.docx", data, "application/octet-stream")},
        headers=env.key("analyst"),
    )
    assert response.status_code == 415
    [entry] = env.ws.audit(target=f"upload:{hashlib.sha256(data).hexdigest()}")
    assert entry.details["filename"] == "report.docx" and entry.details["content"] is None
    assert "not a document we can read" in entry.details["refused"]


@pytest.mark.parametrize(
    "name, data, status",
    [
        pytest.param("empty.txt", b"   ", 400, id="empty"),
        pytest.param("scan.pdf", b"%PDF-1.4\n%broken", 400, id="broken-pdf"),
    ],
)
def test_unreadable_upload_is_400(env: WsEnv, name: str, data: bytes, status: int) -> None:
    response = env.client.post(
        "/api/documents",
        files={"file": (name, data, "application/octet-stream")},
        headers=env.key("analyst"),
    )
    assert response.status_code == status
    assert name in response.json()["detail"]

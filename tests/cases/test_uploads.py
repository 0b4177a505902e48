"""Uploads as audit entries (`cases.uploads`), on SQLite and PostgreSQL: accepted and refused
files, for reading and for screening, with who, when, name, size, sha256 and kind."""

from __future__ import annotations

import hashlib

import pytest

from sanctionwatch.cases.uploads import accept_upload
from sanctionwatch.cases.views import UnsupportedUpload
from sanctionwatch.cases.workspace import Workspace
from sanctionwatch.errors import InputError
from tests.cases.conftest import FakeClock

ARTICLE = "Der Tanker YUK TUNG übergab Diesel an ein nordkoreanisches Schiff.".encode()
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
TABLE = b"name,country\nYUK TUNG ENERGY PTE LTD,sg\n"
XLSX_START = b"PK\x03\x04"


@pytest.mark.parametrize(
    ("kind", "filename", "data", "content"),
    [
        pytest.param("document", "article.txt", ARTICLE, "text", id="text"),
        pytest.param("document", "desk.xml", FEED, "feed", id="feed"),
        pytest.param("document", "scan.txt", b"%PDF-1.4\n...", "pdf", id="pdf-by-content"),
        pytest.param("screening_table", "parties.csv", TABLE, "csv", id="csv"),
        pytest.param("screening_table", "parties", XLSX_START + b"\0" * 64, "xlsx", id="xlsx"),
    ],
)
def test_accepted_upload_is_audited(
    workspace: Workspace, clock: FakeClock, kind: str, filename: str, data: bytes, content: str
) -> None:
    found = accept_upload(
        workspace,
        data=data,
        filename=f"C:\\Users\\kim\\{filename}",
        actor="kim",
        kind=kind,  # type: ignore[arg-type]
    )
    assert found == content
    digest = hashlib.sha256(data).hexdigest()
    [entry] = workspace.audit(target=f"upload:{digest}")
    assert (entry.at, entry.actor, entry.action) == ("2026-11-29T02:10:00Z", "kim", "upload")
    assert entry.details == {
        "filename": filename,
        "bytes": len(data),
        "sha256": digest,
        "kind": kind,
        "content": content,
    }


@pytest.mark.parametrize(
    ("kind", "data", "error"),
    [
        pytest.param(
            "document", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), UnsupportedUpload, id="image"
        ),
        pytest.param("document", b"   \n", InputError, id="empty"),
        pytest.param("screening_table", b"\x00\x01\x02\xff" * 50, UnsupportedUpload, id="binary"),
    ],
)
def test_refused_upload_is_audited_then_raised(
    workspace: Workspace, kind: str, data: bytes, error: type[Exception]
) -> None:
    with pytest.raises(error) as raised:
        accept_upload(workspace, data=data, filename="x.bin", actor="lee", kind=kind)  # type: ignore[arg-type]
    [entry] = workspace.audit(target=f"upload:{hashlib.sha256(data).hexdigest()}")
    assert entry.details["content"] is None
    assert entry.details["refused"] == str(raised.value)
    assert (entry.actor, entry.details["kind"], entry.details["bytes"]) == ("lee", kind, len(data))


def test_same_file_twice_is_two_entries(sqlite_workspace: Workspace, clock: FakeClock) -> None:
    for who in ("kim", "lee"):
        accept_upload(
            sqlite_workspace, data=TABLE, filename="p.csv", actor=who, kind="screening_table"
        )
        clock.advance(minutes=1)
    entries = sqlite_workspace.audit(target=f"upload:{hashlib.sha256(TABLE).hexdigest()}")
    assert [(e.actor, e.at) for e in entries] == [
        ("lee", "2026-11-29T02:11:00Z"),
        ("kim", "2026-11-29T02:10:00Z"),
    ]


def test_upload_needs_an_actor_and_a_known_kind(sqlite_workspace: Workspace) -> None:
    with pytest.raises(InputError, match="actor"):
        accept_upload(
            sqlite_workspace, data=TABLE, filename="p.csv", actor=" ", kind="screening_table"
        )
    with pytest.raises(InputError, match="upload kind"):
        sqlite_workspace.record_upload(
            actor="kim", filename="p.csv", data=TABLE, kind="photo", content=None
        )
    assert sqlite_workspace.audit() == []

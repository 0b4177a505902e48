"""`/api/screen` (one party, with explanations) and `/api/screen/file` (CSV and Excel rows with
their best matches; bounded rows; every uploaded table an audit entry)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import pytest
from openpyxl import Workbook

from tests.api.wsapp import WsEnv, make_env

OSETROVA = "NK-2Tbri3s6GgNtAwsSXh4qpL"  # Maria Aleksandrovna Osetrova, born 1988-01-07
KALASHNIKOV = "NK-nR5AXM9AVPq4pQaSPSaVam"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsEnv]:
    yield from make_env(tmp_path_factory.mktemp("screen"), screen_file_max_rows=5)


@pytest.mark.parametrize(
    "body, top",
    [
        pytest.param(
            {"name": "Мария Осетрова", "birth_date": "1988-01-07"}, OSETROVA, id="cyrillic+dob"
        ),
        pytest.param({"name": "Kalashnikov Concern", "schema": "Company"}, KALASHNIKOV, id="co"),
        pytest.param(
            {"schema": "Person", "properties": {"name": ["Maria Osetrova"]}},
            OSETROVA,
            id="ftm-properties",
        ),
    ],
)
def test_screen_one(env: WsEnv, body: dict[str, object], top: str) -> None:
    response = env.client.post("/api/screen", json=body, headers=env.key("viewer"))
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert results[0]["id"] == top
    assert results[0]["match"] is True
    assert results[0]["explanations"]  # every score explains itself


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="nothing"),
        pytest.param({"name": "Joe", "schema": "Spaceship"}, id="bad-schema"),
        pytest.param({"name": "Joe", "birth_date": "yesterday"}, id="bad-date"),
    ],
)
def test_screen_bad_query_is_400(env: WsEnv, body: dict[str, object]) -> None:
    response = env.client.post("/api/screen", json=body, headers=env.key("viewer"))
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


CSV = (
    b"name,date_of_birth,country\n"
    b"Maria Aleksandrovna Osetrova,1988-01-07,ru\n"
    b"Joe Bloggs,1970-01-01,gb\n"
    b",,\n"
)


def xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "name, data",
    [
        pytest.param("parties.csv", CSV, id="csv"),
        pytest.param(
            "parties.dat",  # the name says nothing: the content decides
            xlsx(
                [
                    ["Name", "DOB", "Country"],
                    ["Maria Aleksandrovna Osetrova", "1988-01-07", "ru"],
                    ["Joe Bloggs", "1970-01-01", "gb"],
                    ["", "", ""],
                ]
            ),
            id="xlsx-by-content",
        ),
    ],
)
def test_screen_file(env: WsEnv, name: str, data: bytes) -> None:
    response = env.client.post(
        "/api/screen/file", files={"file": (name, data)}, headers=env.key("analyst")
    )
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    assert [r["row"] for r in rows] == [1, 2, 3]
    assert rows[0]["sw_match"] is True and rows[0]["sw_match_id"] == OSETROVA
    assert rows[1]["sw_match"] is False
    assert rows[2]["sw_error"]  # a row without a name is reported, not fatal


def test_screen_file_row_limit_is_413(env: WsEnv) -> None:
    data = ("name\n" + "".join(f"Person {i}\n" for i in range(6))).encode()
    response = env.client.post(
        "/api/screen/file", files={"file": ("many.csv", data)}, headers=env.key("analyst")
    )
    assert response.status_code == 413
    assert "6 rows" in response.json()["detail"]


def test_screen_file_without_name_column_is_400(env: WsEnv) -> None:
    response = env.client.post(
        "/api/screen/file",
        files={"file": ("x.csv", b"colour,size\nred,3\n")},
        headers=env.key("analyst"),
    )
    assert response.status_code == 400
    assert "name" in response.json()["detail"]


def test_screen_file_needs_analyst(env: WsEnv) -> None:
    response = env.client.post(
        "/api/screen/file", files={"file": ("p.csv", CSV)}, headers=env.key("viewer")
    )
    assert response.status_code == 403


def upload_entries(env: WsEnv, data: bytes) -> list[dict[str, object]]:
    target = f"upload:{hashlib.sha256(data).hexdigest()}"
    return [{"actor": e.actor, "at": e.at, **e.details} for e in env.ws.audit(target=target)]


def test_screen_file_upload_is_audited(env: WsEnv) -> None:
    data = CSV + b"Audit Trail Example,1980-02-03,de\n"
    response = env.client.post(
        "/api/screen/file",
        files={"file": ("C:\\Users\\kim\\parties.csv", data)},
        headers=env.key("analyst"),
    )
    assert response.status_code == 200, response.text
    [entry] = upload_entries(env, data)
    assert entry.pop("at")
    assert entry == {
        "actor": "analyst",
        "filename": "parties.csv",  # the client's folders are not kept
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "kind": "screening_table",
        "content": "csv",
    }


def test_refused_screen_file_is_audited_too(env: WsEnv) -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # an image, not a table
    response = env.client.post(
        "/api/screen/file", files={"file": ("p.csv", data)}, headers=env.key("analyst")
    )
    assert response.status_code == 415
    [entry] = upload_entries(env, data)
    assert (entry["actor"], entry["kind"], entry["content"]) == ("analyst", "screening_table", None)
    assert "not a CSV or Excel" in str(entry["refused"])


def test_upload_refused_for_its_role_is_not_an_upload(env: WsEnv) -> None:
    data = CSV + b"Viewer Only,1990-01-01,fr\n"
    response = env.client.post(
        "/api/screen/file", files={"file": ("p.csv", data)}, headers=env.key("viewer")
    )
    assert response.status_code == 403
    assert upload_entries(env, data) == []

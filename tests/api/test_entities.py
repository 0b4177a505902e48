"""`GET /entities/{id}`: nested adjacent entities, redirects for referents, yente's 404."""

from __future__ import annotations

from fastapi.testclient import TestClient

OSETROVA = "NK-2Tbri3s6GgNtAwsSXh4qpL"
ZAKHAROV = "NK-aU5ybkbRFJucf8YMwsJvDw"  # 13 Sanction entities point at him
OSETROVA_REFERENT = "ua-nsdc-26852-zaharova-maria-oleksandrivna"


def test_nested_sanctions(client: TestClient) -> None:
    response = client.get(f"/entities/{ZAKHAROV}")
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["id"] == ZAKHAROV and data["schema"] == "Person"
    sanctions = data["properties"]["sanctions"]
    assert len(sanctions) == 13 and all(s["schema"] == "Sanction" for s in sanctions)
    assert all({"id", "caption", "properties", "datasets"} <= set(s) for s in sanctions)


def test_not_nested(client: TestClient) -> None:
    data = client.get(f"/entities/{ZAKHAROV}", params={"nested": "false"}).json()
    assert "sanctions" not in data["properties"]
    assert data["properties"]["birthDate"] == ["1965-09-21"]


def test_referent_redirects_to_canonical_id(client: TestClient) -> None:
    response = client.get(f"/entities/{OSETROVA_REFERENT}", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == f"/entities/{OSETROVA}"
    assert client.get(f"/entities/{OSETROVA_REFERENT}").json()["id"] == OSETROVA


def test_missing_entity_is_yentes_404(client: TestClient) -> None:
    response = client.get("/entities/NK-does-not-exist")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such entity!"}

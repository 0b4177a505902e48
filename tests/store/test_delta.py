"""OpenSanctions-style deltas (ADD/MOD/DEL) applied as a new version."""

from __future__ import annotations

import pytest

from sanctionwatch.store import ImportRefusedError, Store
from tests.store.builders import listed, make, parsed, snapshot

DS = "os_list"


def test_apply_delta_makes_a_new_version(store: Store) -> None:
    base = [*listed("p1", "Ivan Petrov", "X1"), *listed("p2", "Olga Ivanova", "X2")]
    store.import_list(parsed(DS, "2026-01-01", base))
    changed = make("Person", "p1", name=["Ivan Petrov", "Ivan PETROV"])
    report = store.apply_delta(
        DS,
        "2026-01-02",
        upserts=[changed, *listed("p3", "New One", "X3")],
        deletes=["p2", "p2-sanction", "never-there"],
    )
    assert report.current and report.entities == 4
    assert any("DEL never-there" in i["message"] for i in report.issues)
    expected = [base[1], changed, *listed("p3", "New One", "X3")]
    assert snapshot(list(store.entities(DS))) == snapshot(expected)
    assert snapshot(list(store.entities(DS, version="2026-01-01"))) == snapshot(base)
    changes = store.changes(DS)
    assert [i.id for i in changes.added] == ["p3"]
    assert [i.id for i in changes.removed] == ["p2"]
    assert [i.id for i in changes.modified] == ["p1"]


def test_apply_delta_on_a_new_dataset(store: Store) -> None:
    report = store.apply_delta(DS, "2026-01-01", upserts=listed("p1", "A", "X1"), deletes=[])
    assert report.entities == 2 and store.current_versions() == {DS: "2026-01-01"}


def test_delta_leaving_a_dangling_sanction_is_refused(store: Store) -> None:
    store.import_list(parsed(DS, "2026-01-01", listed("p1", "Ivan Petrov", "X1")))
    with pytest.raises(ImportRefusedError, match="points at missing entity p1"):
        store.apply_delta(DS, "2026-01-02", upserts=[], deletes=["p1"], force=True)
    assert store.current_versions() == {DS: "2026-01-01"}

"""Secondary evidence: birth dates with tolerance, identifiers, countries, gender."""

from __future__ import annotations

import pytest

from sanctionwatch.screening.algorithms import get_algorithm
from sanctionwatch.screening.compare import TokenStats
from sanctionwatch.screening.features import compare_dates, compare_identifiers
from sanctionwatch.screening.query import make_query

DATES = [
    ("exact", "1984-01-08", "1984-01-08", 0.08),
    ("partial-year", "1984", "1984-01-08", 0.04),
    ("swapped-day-month", "1984-08-01", "1984-01-08", -0.03),
    ("same-year", "1984-03-02", "1984-01-08", -0.06),
    ("one-year-off", "1985-01-08", "1984-01-08", -0.08),
    ("disjoint", "1962-05-01", "1984-01-08", -0.25),
]


@pytest.mark.parametrize(("q", "c", "value"), [d[1:] for d in DATES], ids=[d[0] for d in DATES])
def test_birth_date_tolerance(q: str, c: str, value: float) -> None:
    qual = compare_dates(frozenset({q}), frozenset({c}))
    assert qual is not None and qual.value == value


def test_best_of_several_dates_counts() -> None:
    qual = compare_dates(frozenset({"1984-01-08"}), frozenset({"1970", "1984-01-08"}))
    assert qual is not None and qual.value == 0.08


def test_equally_close_dates_explained_the_same_in_every_process() -> None:
    """Ties go to the first pair in sorted order, not to set order (PYTHONHASHSEED)."""
    listed = [f"1984-{month:02d}-01" for month in range(12, 0, -1)]
    for order in (listed, listed[::-1]):
        qual = compare_dates(frozenset({"1984", "1984-06"}), frozenset(order))
        assert qual is not None and qual.value == 0.04
        assert qual.detail == "partial: 1984 vs 1984-01-01"


def test_identifier_agreement_and_conflict() -> None:
    agree = compare_identifiers(
        {"imoNumber": frozenset({"9123453"})}, {"imoNumber": frozenset({"9123453"})}
    )
    assert agree is not None and agree.score == 0.98
    conflict = compare_identifiers(
        {"imoNumber": frozenset({"9123453"})}, {"imoNumber": frozenset({"9654321"})}
    )
    assert conflict is not None and conflict.score == 0.0 and conflict.conflict < 0


def _score(q: dict[str, list[str]], c: dict[str, list[str]], schema: str = "Person") -> float:
    algo = get_algorithm("best")
    query = algo.prepare(make_query(schema, q))
    cand = algo.prepare(make_query(schema, c))
    return algo.compare(query, cand, TokenStats({}, 0)).score


def test_imo_number_is_standalone_evidence() -> None:
    assert (
        _score(
            {"imoNumber": ["IMO 9123453"]},
            {"name": ["OCEAN STAR"], "imoNumber": ["9123453"]},
            "Vessel",
        )
        >= 0.95
    )


def test_disagreeing_imo_counts_against() -> None:
    same = _score(
        {"name": ["OCEAN STAR"]}, {"name": ["OCEAN STAR"], "imoNumber": ["9123453"]}, "Vessel"
    )
    clash = _score(
        {"name": ["OCEAN STAR"], "imoNumber": ["7406784"]},
        {"name": ["OCEAN STAR"], "imoNumber": ["9123453"]},
        "Vessel",
    )
    assert clash < same - 0.2


def test_qualifiers_lower_but_do_not_kill() -> None:
    base = {"name": ["Kim Jong Un"]}
    exact = _score({**base, "birthDate": ["1984-01-08"]}, {**base, "birthDate": ["1984-01-08"]})
    near = _score({**base, "birthDate": ["1985-01-08"]}, {**base, "birthDate": ["1984-01-08"]})
    none = _score(base, base)
    far = _score({**base, "birthDate": ["1950"]}, {**base, "birthDate": ["1984-01-08"]})
    assert exact > none > near > far > 0.5


def test_country_and_gender_mismatch_lower_the_score() -> None:
    base = {"name": ["Ali Hassan"]}
    plain = _score(base, base)
    assert _score({**base, "nationality": ["fr"]}, {**base, "nationality": ["iq"]}) < plain
    assert _score({**base, "gender": ["female"]}, {**base, "gender": ["male"]}) < plain

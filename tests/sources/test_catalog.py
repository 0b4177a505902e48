"""The list YAMLs, held to the parser registry."""

from __future__ import annotations

import pytest
from followthemoney.types import registry as types

from sanctionwatch.errors import ConfigError, UnknownFormatError
from sanctionwatch.sources.catalog import _spec_from_yaml, load_catalog, map_country
from sanctionwatch.sources.registry import FORMATS, get_delta_parser, get_parser

EXPECTED = {
    "un_sc_sanctions",
    "us_ofac_sdn",
    "us_ofac_cons",
    "gb_hmt_sanctions",
    "eu_fsf",
    "us_trade_csl",
}


def test_every_list_has_a_yaml() -> None:
    assert set(load_catalog()) == EXPECTED


def test_yaml_formats_exist_in_the_registry() -> None:
    for spec in load_catalog().values():
        assert spec.format in FORMATS, spec.name
        assert FORMATS[spec.format].kind == "list"


def test_every_dataset_a_parser_emits_has_a_yaml() -> None:
    emitted = {d for spec in FORMATS.values() for d in spec.datasets}
    assert emitted <= set(load_catalog())


@pytest.mark.parametrize("module", ["gb_ofsi", "eu_fsf_xml", "us_trade_csl"])
def test_parser_dataset_constants_have_a_yaml(module: str) -> None:
    parser = get_parser(module)
    dataset = parser.__globals__["DATASET"]
    assert dataset in load_catalog()
    assert module in FORMATS and dataset in FORMATS[module].datasets


def test_specs_are_complete() -> None:
    for spec in load_catalog().values():
        assert spec.publisher.name and spec.licence.name and spec.schedule
        assert spec.urls and all(u.startswith("https://") for u in spec.urls)
        assert spec.id_prefix


def test_country_lookups_are_valid_codes() -> None:
    for spec in load_catalog().values():
        for raw, code in spec.lookups.get("country", {}).items():
            assert code is None or types.country.clean(code) == code, (spec.name, raw)


@pytest.mark.parametrize(
    ("dataset", "raw", "expected"),
    [
        ("gb_hmt_sanctions", "Korea, North", "kp"),
        ("gb_hmt_sanctions", "Democratic People's Republic of Korea", "kp"),
        ("gb_hmt_sanctions", "Bosnia-Herzegovina", "ba"),
        ("gb_hmt_sanctions", "Unknown", None),
        ("gb_hmt_sanctions", "USSR (now Belarus)", "Belarus"),
        ("gb_hmt_sanctions", "Iraq (previous address)", "Iraq"),
        ("us_trade_csl", "None Identified", None),
        ("eu_fsf", "00", None),
        ("eu_fsf", "", None),
    ],
    ids=[
        "korea-north",
        "dprk",
        "bosnia",
        "unknown",
        "now",
        "parenthesis",
        "none-id",
        "eu-00",
        "empty",
    ],
)
def test_map_country(dataset: str, raw: str, expected: str | None) -> None:
    assert map_country(load_catalog()[dataset], raw) == expected


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"name": "x"},
        {
            "name": "x",
            "title": "t",
            "publisher": {"name": "p"},
            "urls": ["http://insecure"],
            "format": "f",
            "schedule": "s",
            "licence": {"name": "l"},
        },
        {
            "name": "x",
            "title": "t",
            "publisher": {"name": "p"},
            "urls": ["https://ok"],
            "format": "f",
            "schedule": "s",
            "licence": {"name": "l"},
            "lookups": {"country": {"Atlantis": "zz-atl"}},
        },
    ],
    ids=["not-mapping", "missing-keys", "http-url", "bad-country-code"],
)
def test_invalid_yaml_is_refused(data: object) -> None:
    with pytest.raises(ConfigError):
        _spec_from_yaml(data, "x.yaml")


@pytest.mark.parametrize("name", sorted(FORMATS), ids=sorted(FORMATS))
def test_every_registry_format_loads_lazily(name: str) -> None:
    if FORMATS[name].kind == "delta":
        with pytest.raises(UnknownFormatError):
            get_parser(name)
        assert callable(get_delta_parser())
    else:
        assert callable(get_parser(name))


def test_unknown_format_is_refused() -> None:
    with pytest.raises(UnknownFormatError, match="known: "):
        get_parser("fax_machine")

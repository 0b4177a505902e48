"""Shared entity-building helpers for the list parsers: ids, dates, countries, identifiers.

Every parser follows the same rule (DESIGN.md, convention 2): a value we cannot clean is never
dropped silently. `IssueLog` collects a `Problem` for it and the raw text is kept on the
entity as a `notes` value of the form "<prop>: <raw>". The functions here are stable: other
parsers (UK, EU, FtM) import them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from followthemoney import EntityProxy, registry
from rigour.ids import IMO

from sanctionwatch.errors import Problem
from sanctionwatch.sources.entity import ListEntity
from sanctionwatch.sources.phones import clean_phone

__all__ = [
    "IssueLog",
    "add_country",
    "add_date",
    "add_imo",
    "add_note",
    "add_value",
    "clean_text",
    "clean_url",
    "dedupe_entities",
    "hash_id",
    "make_address",
    "make_entity",
    "make_identification",
    "make_sanction",
    "normalize_imo",
    "parse_country",
    "parse_date",
    "slug_id",
]


@dataclass
class IssueLog:
    """Value problems of one file: kept as text on the entity, listed in `ParsedList.issues`."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, location: str, field_name: str, value: str, message: str) -> None:
        self.problems.append(Problem(self.file, location, field_name, value, message))


# ---------------------------------------------------------------------------------- text, ids

_SPACES = re.compile(r"\s+")


def clean_text(raw: str | None) -> str | None:
    """Collapse whitespace; None for empty values."""
    if raw is None:
        return None
    if "  " in raw or "\n" in raw or "\t" in raw or "\r" in raw or "\xa0" in raw:
        raw = _SPACES.sub(" ", raw)
    return raw.strip() or None


def slug_id(prefix: str, key: str) -> str:
    """A readable stable id from a list's own record key: `slug_id("ofac", "20157")`."""
    key = re.sub(r"[^0-9A-Za-z.]+", "-", key.strip()).strip("-")
    return f"{prefix}-{key}"


def hash_id(prefix: str, *parts: str | None) -> str:
    """A stable id for a derived entity (address, document, sanction) from its parts."""
    text = "\x1f".join(p or "" for p in parts)
    return f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:20]}"


def dedupe_entities(entities: list[EntityProxy]) -> list[EntityProxy]:
    """Merge entities that share an id (an address or document used by two records)."""
    merged: dict[str, EntityProxy] = {}
    for entity in entities:
        if entity.id is None:
            raise ValueError(f"entity without an id: {entity.schema.name}")
        if (existing := merged.get(entity.id)) is None:
            merged[entity.id] = entity
        else:
            existing.merge(entity)
    return list(merged.values())


def make_entity(schema: str, entity_id: str) -> EntityProxy:
    """A new FtM entity with its id set (a `ListEntity`: FtM's proxy with a cached `add`)."""
    return ListEntity.create(schema, entity_id)


def _keep_raw(
    entity: EntityProxy, prop: str, raw: str, log: IssueLog, location: str, message: str
) -> None:
    """Keep a value we could not clean as a note and count it."""
    add_note(entity, f"{prop}: {raw}")
    log.add(location, prop, raw, message)


def add_note(entity: EntityProxy, text: str) -> None:
    """Add free text to `notes`, or `summary` for schemata without notes (Sanction...)."""
    for prop in ("notes", "summary", "description"):
        if entity.schema.get(prop) is not None:
            entity.add(prop, text, cleaned=True)
            return
    raise AssertionError(f"{entity.schema.name} has no text property for notes")


def add_value(
    entity: EntityProxy, prop: str, raw: str | None, log: IssueLog, location: str = ""
) -> str | None:
    """Add a value through FtM's type cleaning; keep and report values the type refuses.

    A property the schema does not have is kept as a note too (it is a parser choice, so it is
    also reported: it means the mapping should be revisited).
    """
    text = clean_text(raw)
    if text is None:
        return None
    prop_obj = entity.schema.get(prop)
    if prop_obj is None:
        _keep_raw(entity, prop, text, log, location, f"{entity.schema.name} has no {prop}")
        return None
    if prop_obj.type is registry.phone:  # the same cleaning, off the stack: see `phones`
        cleaned = clean_phone(text, proxy=entity)
    else:
        cleaned = prop_obj.type.clean(text, proxy=entity)
    if cleaned is None:
        _keep_raw(entity, prop, text, log, location, f"not a valid {prop_obj.type.name}")
        return None
    entity.add(prop_obj, cleaned, cleaned=True)
    return cleaned


# ---------------------------------------------------------------------------------- dates

_MONTHS = {
    name: num
    for num, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_APPROX = re.compile(r"^(?:circa|ca\.?|c\.|approx(?:imately|\.)?|about|around)\s*", re.I)
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*|Z|[+-]\d\d:?\d\d)?$")
_DMY_WORDS = re.compile(r"^(?:(\d{1,2})[\s\-.]+)?([A-Za-z]{3,9})\.?[\s\-.,]+(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_YEAR_MONTH_SLASH = re.compile(r"^(\d{1,2})/(\d{4})$")


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1000 <= year <= 2999:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    # The calendar check FtM's date type makes (no 31 Feb), without its parser: the same
    # answer (checked for every day of 1890-2034 and sample years), a tenth of the time.
    try:
        date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


@lru_cache(maxsize=65536)
def parse_date(raw: str, *, dayfirst: bool = False) -> str | None:
    """A list's date text as an FtM partial ISO date ("1972", "1972-04", "1972-04-14").

    Accepts ISO dates and timestamps, "14 Apr 1972", "Apr 1972", "1972", "circa 1972", and
    slashed "01/08/2026" (month first as OFAC writes it; `dayfirst=True` for UK/EU lists).
    Returns None when the text is not one date; the caller keeps the text and reports it.
    """
    text = clean_text(raw)
    if text is None:
        return None
    text = _APPROX.sub("", text)
    if match := _ISO.match(text):
        year, month, day = match.groups()
        return _iso(int(year), int(month) if month else None, int(day) if day else None)
    if match := _DMY_WORDS.match(text):
        day_text, month_text, year = match.groups()
        month_num = _MONTHS.get(month_text.lower())
        if month_num is None:
            return None
        return _iso(int(year), month_num, int(day_text) if day_text else None)
    if match := _SLASHED.match(text):
        first, second, year = (int(g) for g in match.groups())
        month, day = (second, first) if dayfirst else (first, second)
        return _iso(year, month, day)
    if match := _YEAR_MONTH_SLASH.match(text):
        return _iso(int(match.group(2)), int(match.group(1)))
    return None


def add_date(
    entity: EntityProxy,
    prop: str,
    raw: str | None,
    log: IssueLog,
    location: str = "",
    *,
    dayfirst: bool = False,
) -> str | None:
    """Parse and add a date; an unparseable one is kept as a note and reported."""
    text = clean_text(raw)
    if text is None:
        return None
    value = parse_date(text, dayfirst=dayfirst)
    if value is None:
        _keep_raw(entity, prop, text, log, location, "unparseable date")
        return None
    entity.add(prop, value, cleaned=True)
    return value


# ---------------------------------------------------------------------------------- countries

# Names lists use that FtM's country type does not know (checked on the real lists).
COUNTRY_LOOKUPS: dict[str, str] = {
    "korea, north": "kp",
    "north korea": "kp",
    "korea, south": "kr",
    "burma": "mm",
    "ussr": "suhh",
    "soviet union": "suhh",
    "czechoslovakia": "cshh",
    "yugoslavia": "yucs",
    "serbia and montenegro": "csxx",
    "palestinian": "ps",
    "gaza": "ps",
    "west bank": "ps",
    "region: crimea": "ua-cri",
    "crimea": "ua-cri",
    "region: gaza": "ps",
    "region: kurdistan region, iraq": "iq",
    "the former yugoslav republic of macedonia": "mk",
    "congo": "cg",
    "republic of the congo": "cg",
    "bosnia-herzegovina": "ba",
    "netherlands antilles": "an",
    "kosovo": "xk",
}


@lru_cache(maxsize=16384)
def parse_country(raw: str) -> str | None:
    """A country name or code as an FtM country code, or None."""
    text = clean_text(raw)
    if text is None:
        return None
    key = text.lower().rstrip(".")
    if key in COUNTRY_LOOKUPS:
        return COUNTRY_LOOKUPS[key]
    code = registry.country.clean(text)
    if code is None and "," in text:
        # "Iran, Islamic Republic of" style inversions.
        head, _, tail = text.partition(",")
        code = registry.country.clean(f"{tail.strip()} {head.strip()}")
    return code


def add_country(
    entity: EntityProxy, prop: str, raw: str | None, log: IssueLog, location: str = ""
) -> str | None:
    """Add a country property through FtM's country type and our lookups; report failures."""
    text = clean_text(raw)
    if text is None:
        return None
    code = parse_country(text)
    if code is None:
        _keep_raw(entity, prop, text, log, location, "unknown country")
        return None
    entity.add(prop, code, cleaned=True)
    return code


# ---------------------------------------------------------------------------------- identifiers


def normalize_imo(raw: str) -> str | None:
    """'IMO 8712362' or '8712362' as 'IMO8712362' when the check digit is right, else None."""
    return IMO.normalize(raw) if IMO.is_valid(raw) else None


def add_imo(entity: EntityProxy, raw: str | None, log: IssueLog, location: str = "") -> str | None:
    """Add an IMO number whose check digit validates; keep and report the others."""
    text = clean_text(raw)
    if text is None:
        return None
    value = normalize_imo(text)
    if value is None or entity.schema.get("imoNumber") is None:
        message = "invalid IMO check digit" if value is None else "schema has no imoNumber"
        _keep_raw(entity, "imoNumber", text, log, location, message)
        return None
    entity.add("imoNumber", value, cleaned=True)
    return value


def make_identification(
    holder: EntityProxy,
    *,
    number: str,
    passport: bool,
    kind: str | None = None,
    country: str | None = None,
    issue_date: str | None = None,
    expiry_date: str | None = None,
    authority: str | None = None,
    log: IssueLog,
    location: str = "",
) -> EntityProxy | None:
    """A Passport or Identification entity for `holder`; also sets passportNumber/idNumber.

    Dates are raw text (kept as notes on the document when unparseable); `country` is raw.
    Returns None when there is no number.
    """
    number_text = clean_text(number)
    if number_text is None or holder.id is None:
        return None
    schema = "Passport" if passport else "Identification"
    doc = make_entity(schema, hash_id(f"{holder.id}-doc", schema, number_text, kind, country))
    doc.add("holder", holder.id, cleaned=True)
    doc.add("number", number_text)
    if kind:
        doc.add("type", kind)
    if authority:
        doc.add("authority", authority)
    code = add_country(doc, "country", country, log, location)
    add_date(doc, "startDate", issue_date, log, location)
    add_date(doc, "endDate", expiry_date, log, location)
    holder_prop = "passportNumber" if passport else "idNumber"
    if holder.schema.get(holder_prop) is None:
        holder_prop = "idNumber" if holder.schema.get("idNumber") else "registrationNumber"
    if holder.schema.get(holder_prop) is not None:
        holder.add(holder_prop, number_text)
    if code is not None and holder.schema.get("country") is not None:
        # The issuing country is evidence of a tie to that country, not of nationality.
        holder.add("country", code, cleaned=True)
    return doc


def make_address(
    holder: EntityProxy,
    *,
    full: str | None = None,
    street: str | None = None,
    city: str | None = None,
    region: str | None = None,
    postal_code: str | None = None,
    country: str | None = None,
    log: IssueLog,
    location: str = "",
) -> EntityProxy | None:
    """An Address entity linked from `holder` by `addressEntity`; also sets `address` text.

    All parsers link addresses both ways the same way: the entity for structure, the text on
    the holder for screening. Returns None when the address has no text at all.
    """
    parts = [clean_text(p) for p in (street, city, region, postal_code)]
    country_text = clean_text(country)
    text = clean_text(full) or ", ".join(p for p in [*parts, country_text] if p)
    if not text or holder.id is None:
        return None
    code = parse_country(country_text) if country_text else None
    addr = make_entity("Address", hash_id("addr", text.lower(), code))
    addr.add("full", text)
    street_text, city_text, region_text, postal_text = parts
    if street_text:
        addr.add("street", street_text)
    if city_text:
        addr.add("city", city_text)
    if region_text:
        addr.add("region", region_text)
    if postal_text:
        addr.add("postalCode", postal_text)
    if country_text:
        add_country(addr, "country", country_text, log, location)
        if code is not None and holder.schema.get("country") is not None:
            holder.add("country", code, cleaned=True)
    holder.add("addressEntity", addr.id, cleaned=True)
    holder.add("address", text)
    return addr


# ---------------------------------------------------------------------------------- sanctions


@lru_cache(maxsize=4096)
def clean_url(url: str) -> str | None:
    """FtM's URL cleaning, cached: lists repeat a few source URLs on every record, and
    `entity.add(prop, url)` would clean each again (rigour's URL parsing is slow)."""
    return registry.url.clean(url)


def make_sanction(
    entity: EntityProxy,
    *,
    dataset: str,
    authority: str,
    program: str | None = None,
    reference: str | None = None,
    listing_date: str | None = None,
    source_url: str | None = None,
    reason: str | None = None,
    program_id: str | None = None,
    unsc_id: str | None = None,
    log: IssueLog | None = None,
    location: str = "",
) -> EntityProxy:
    """A Sanction entity for one designation of `entity` by `authority`.

    Its id derives from the entity id, dataset, programme and reference, so it is stable across
    list versions. `listing_date` is raw text (parsed with `parse_date`; kept and reported when
    unparseable, if a log is given).
    """
    assert entity.id is not None, "the sanctioned entity needs an id first"
    sanction = make_entity(
        "Sanction", hash_id(f"{entity.id}-sanction", dataset, program, reference)
    )
    sanction.add("entity", entity.id, cleaned=True)
    sanction.add("authority", authority, cleaned=True)
    if program:
        sanction.add("program", program)
    if program_id:
        sanction.add("programId", program_id)
    if unsc_id:
        sanction.add("unscId", unsc_id)
    if reference:
        sanction.add("authorityId", reference)
    if reason:
        sanction.add("reason", reason)
    if source_url and (url := clean_url(source_url)) is not None:
        sanction.add("sourceUrl", url, cleaned=True)
    if listing_date:
        if log is not None:
            add_date(sanction, "listingDate", listing_date, log, location)
        else:
            value = parse_date(listing_date)
            if value is None:
                add_note(sanction, f"listingDate: {listing_date}")
            else:
                sanction.add("listingDate", value, cleaned=True)
    return sanction

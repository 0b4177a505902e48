"""US OFAC SDN list in its legacy CSV files: sdn.csv, add.csv, alt.csv, sdn_comments.csv.

The files have no header row; each is recognised by its name, or else by its column count
(sdn 12, add 6, alt 5, comments 2). A lone sdn.csv is a complete list. Quirks handled: CRLF,
a trailing 0x1A byte, `-0-` for null, programmes written `DPRK] [DPRK2` (outer brackets
stripped by the CSV quoting), remarks continued in sdn_comments.csv.

Mapping: ids `ofac-<ent_num>`; individual -> Person, vessel -> Vessel, aircraft -> Airplane,
`-0-` -> Organization. Remarks are split on ";" and each part that names a known field
(DOB, POB, nationality, Passport, IMO...) becomes a property; the rest is kept in `notes`.
alt.csv types (the data has only these): aka -> `alias`, fka -> `previousName`, nka ->
`alias`. Quoted a.k.a. names in remarks are OFAC's weak aliases -> `weakAlias`.
"Linked To: X" becomes an UnknownLink when X is the name of exactly one other record of the
file, else a note. The vessel owner column is free text (rarely a listed name) and is kept as
a note "owner: ...". One Sanction per record carries all its programmes.

The record model (`OfacRecord`) and the remark/feature table (`apply_feature`,
`apply_identifier`, `resolve_links`) are shared with the three OFAC XML parsers, so every
OFAC format maps the same field the same way.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from followthemoney import EntityProxy, registry

from sanctionwatch.errors import ParseError, Problem
from sanctionwatch.sources.base import MAX_MEMBER_BYTES, ParsedList, SourceFile
from sanctionwatch.sources.helpers import (
    IssueLog,
    add_country,
    add_date,
    add_imo,
    add_note,
    add_value,
    clean_text,
    dedupe_entities,
    hash_id,
    make_address,
    make_entity,
    make_identification,
    make_sanction,
    parse_country,
    parse_date,
    slug_id,
)
from sanctionwatch.sources.safe import decode_text

DATASET = "us_ofac_sdn"
FORMAT = "us_ofac_csv"
AUTHORITY = "Office of Foreign Assets Control"
SOURCE_URL = "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists"

COLUMNS = {"sdn": 12, "add": 6, "alt": 5, "comments": 2}
SCHEMATA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "": "Organization"}
ALT_PROPS = {"aka": "alias", "fka": "previousName", "nka": "alias"}
_PROGRAM = re.compile(r"[^\[\]\s][^\[\]]*[^\[\]\s]|[^\[\]\s]")


def _null(value: str) -> str | None:
    text = clean_text(value)
    return None if text is None or text == "-0-" else text


# ---------------------------------------------------------------------------------- remarks

Handler = Callable[["OfacRecord", str, str], None]


@dataclass
class OfacRecord:
    """One SDN record being built, with the log and where it came from."""

    entity: EntityProxy
    log: IssueLog
    where: str
    extra: list[EntityProxy] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # "Linked To" names
    link_ids: list[tuple[str, str, str]] = field(default_factory=list)  # (id, role, name)
    provisions: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        add_note(self.entity, text)


_ID_VALUE = re.compile(
    r"^(?P<num>.*?)\s*(?:\((?P<country>[^()]*)\))?\s*(?P<rest>(?:issued|expires|expired)\b.*)?$",
    re.I,
)
_DATE_IN = re.compile(
    r"\b(issued|expires|expired)\s+(.+?)(?=\s+(?:issued|expires|expired)\b|$)", re.I
)


def _identifier(row: OfacRecord, key: str, value: str, *, prop: str) -> None:
    """'1084010 (Egypt) expires 12 Jun 2010' -> number, country and dates."""
    match = _ID_VALUE.match(value)
    number = match.group("num") if match else value
    country = match.group("country") if match else None
    dates = {m.group(1).lower(): m.group(2) for m in _DATE_IN.finditer(value)}
    if not number:
        row.note(f"{key}: {value}")
        return
    add_identifier(
        row,
        key,
        number,
        prop=prop,
        country=country,
        issued=dates.get("issued"),
        expires=dates.get("expires") or dates.get("expired"),
    )


def add_identifier(
    row: OfacRecord,
    key: str,
    number: str,
    *,
    prop: str,
    country: str | None = None,
    issued: str | None = None,
    expires: str | None = None,
) -> None:
    """Add one identifier: a Passport/Identification entity or a registration-like value."""
    if prop in ("passportNumber", "idNumber"):
        doc = make_identification(
            row.entity,
            number=number,
            passport=prop == "passportNumber",
            kind=key,
            country=country,
            issue_date=issued,
            expiry_date=expires,
            log=row.log,
            location=row.where,
        )
        if doc is not None:
            row.extra.append(doc)
        return
    if row.entity.schema.get(prop) is None:
        prop = "registrationNumber" if row.entity.schema.get("registrationNumber") else "notes"
    if prop == "notes":
        row.note(f"{key}: {number}" + (f" ({country})" if country else ""))
        return
    row.entity.add(prop, number)
    if country and (code := parse_country(country)) and row.entity.schema.get("country"):
        row.entity.add("country", code, cleaned=True)


def _dob(row: OfacRecord, key: str, value: str) -> None:
    if row.entity.schema.get("birthDate") is None:
        row.note(f"{key}: {value}")
        return
    # "1960 to 1965" ranges give both bounds, as for the UN list.
    parts = re.split(r"\s+to\s+", value)
    if len(parts) == 2 and all(parse_date(p) for p in parts):
        for part in parts:
            add_date(row.entity, "birthDate", part, row.log, row.where)
        return
    add_date(row.entity, "birthDate", value, row.log, row.where)


def _pob(row: OfacRecord, key: str, value: str) -> None:
    if row.entity.schema.get("birthPlace") is None:
        row.note(f"{key}: {value}")
        return
    row.entity.add("birthPlace", value)
    tail = value.rsplit(",", 1)[-1].strip()
    if (code := parse_country(tail)) is not None:
        row.entity.add("birthCountry", code, cleaned=True)


def _country(prop: str) -> Handler:
    def handle(row: OfacRecord, key: str, value: str) -> None:
        if row.entity.schema.get(prop) is None:
            prop_alt = "country" if row.entity.schema.get("country") else None
            if prop_alt is None:
                row.note(f"{key}: {value}")
                return
            add_country(row.entity, prop_alt, value, row.log, row.where)
            return
        add_country(row.entity, prop, value, row.log, row.where)

    return handle


def _prop(prop: str) -> Handler:
    def handle(row: OfacRecord, key: str, value: str) -> None:
        if row.entity.schema.get(prop) is None:
            row.note(f"{key}: {value}")
            return
        if prop == "phone" and value.isdigit() and registry.phone.clean(value) is None:
            # OFAC writes international numbers without the "+".
            value = f"+{value}"
        add_value(row.entity, prop, value, row.log, row.where)

    return handle


class _Ident:
    """A remark handler for an identifier; `prop` is also used by the XML parsers."""

    def __init__(self, prop: str) -> None:
        self.prop = prop

    def __call__(self, row: OfacRecord, key: str, value: str) -> None:
        _identifier(row, key, value, prop=self.prop)


def _ident(prop: str) -> _Ident:
    return _Ident(prop)


def _imo(row: OfacRecord, key: str, value: str) -> None:
    if row.entity.schema.get("imoNumber") is None:
        row.note(f"{key}: {value}")
        return
    add_imo(row.entity, value, row.log, row.where)


def _gender(row: OfacRecord, key: str, value: str) -> None:
    cleaned = registry.gender.clean(value)
    if cleaned is None or row.entity.schema.get("gender") is None:
        row.note(f"{key}: {value}")
        if cleaned is None:
            row.log.add(row.where, "gender", value, "unknown gender value")
        return
    row.entity.add("gender", cleaned, cleaned=True)


def _alias(prop: str) -> Handler:
    def handle(row: OfacRecord, key: str, value: str) -> None:
        name = value.strip().strip("'\"").strip()
        if name:
            row.entity.add(prop, name)

    return handle


def _linked(row: OfacRecord, key: str, value: str) -> None:
    row.links.append(value.rstrip("."))


def _provision(row: OfacRecord, key: str, value: str) -> None:
    row.provisions.append(f"{key}: {value}" if value else key)


def _date_prop(prop: str) -> Handler:
    def handle(row: OfacRecord, key: str, value: str) -> None:
        if row.entity.schema.get(prop) is None:
            row.note(f"{key}: {value}")
            return
        add_date(row.entity, prop, value, row.log, row.where)

    return handle


# Remark keys (lower case) -> handler. Longest keys first in the regex, so "Passport" does
# not shadow "Diplomatic Passport" and "Identification Number IMO" wins over its prefix.
REMARK_HANDLERS: dict[str, Handler | _Ident] = {
    "dob": _dob,
    "pob": _pob,
    "nationality": _country("nationality"),
    "citizen": _country("citizenship"),
    "gender": _gender,
    "passport": _ident("passportNumber"),
    "diplomatic passport": _ident("passportNumber"),
    "national id no.": _ident("idNumber"),
    "cedula no.": _ident("idNumber"),
    "d.n.i.": _ident("idNumber"),
    "identification number": _ident("idNumber"),
    "personal id card": _ident("idNumber"),
    "national foreign id number": _ident("idNumber"),
    "c.u.r.p.": _ident("idNumber"),
    "birth certificate number": _ident("idNumber"),
    "ssn": _ident("idNumber"),
    "driver's license no.": _ident("idNumber"),
    "tax id no.": _ident("taxNumber"),
    "r.f.c.": _ident("taxNumber"),
    "v.a.t. number": _ident("vatCode"),
    "nit #": _ident("taxNumber"),
    "registration number": _ident("registrationNumber"),
    "business registration number": _ident("registrationNumber"),
    "business registration document #": _ident("registrationNumber"),
    "company number": _ident("registrationNumber"),
    "commercial registry number": _ident("registrationNumber"),
    "registration id": _ident("registrationNumber"),
    "c.r. no.": _ident("registrationNumber"),
    "trade license no.": _ident("registrationNumber"),
    "chamber of commerce number": _ident("registrationNumber"),
    "government gazette number": _ident("registrationNumber"),
    "economic register number (cbls)": _ident("registrationNumber"),
    "central registration system number": _ident("registrationNumber"),
    "matricula mercantil no": _ident("registrationNumber"),
    "folio mercantil no.": _ident("registrationNumber"),
    "unified social credit code (uscc)": _ident("registrationNumber"),
    "legal entity number": _ident("leiCode"),
    "d-u-n-s number": _ident("dunsCode"),
    "swift/bic": _ident("swiftBic"),
    "vessel registration identification imo": _imo,
    "identification number imo": _imo,
    "company number imo": _imo,
    "imo": _imo,
    "mmsi": _prop("mmsi"),
    "website": _prop("website"),
    "email address": _prop("email"),
    "email": _prop("email"),
    "phone number": _prop("phone"),
    "telephone": _prop("phone"),
    "organization established date": _date_prop("incorporationDate"),
    "organization type": _prop("sector"),
    "vessel year of build": _date_prop("buildDate"),
    "aircraft manufacture date": _date_prop("buildDate"),
    "aircraft model": _prop("model"),
    "aircraft manufacturer's serial number (msn)": _prop("serialNumber"),
    "aircraft construction number (also called l/n or s/n or f/n)": _prop("serialNumber"),
    "aircraft tail number": _prop("registrationNumber"),
    "former vessel flag": _country("pastFlags"),
    "vessel flag": _country("flag"),
    # Feature names of the OFAC XML formats.
    "birthdate": _dob,
    "place of birth": _pob,
    "citizenship country": _country("citizenship"),
    "nationality country": _country("nationality"),
    "nationality of registration": _country("jurisdiction"),
    "a.k.a.": _alias("weakAlias"),
    "f.k.a.": _alias("previousName"),
    "n.k.a.": _alias("alias"),
    "linked to": _linked,
    "secondary sanctions risk": _provision,
    "additional sanctions information -": _provision,
    "transactions prohibited for persons owned or controlled by u.s. financial institutions": (
        _provision
    ),
}
_REMARK_KEY = re.compile(
    r"^(?:alt\.\s+)?(?P<key>"
    + "|".join(re.escape(k) for k in sorted(REMARK_HANDLERS, key=len, reverse=True))
    + r")(?![a-z0-9])\s*:?\s*(?P<value>.*)$",
    re.I | re.S,
)


def _feature_key(key: str) -> str:
    key = " ".join(key.split()).lower()
    key = key.removeprefix("alt. ")
    return key.rstrip(":").strip()


def apply_feature(row: OfacRecord, key: str, value: str) -> None:
    """One named OFAC value (remark key, XML idType or feature type) into the record."""
    value = clean_text(value) or ""
    handler = REMARK_HANDLERS.get(_feature_key(key))
    if handler is None:
        row.note(f"{key.rstrip(':').strip()}: {value}" if value else key)
        return
    handler(row, key, value)


def apply_identifier(
    row: OfacRecord,
    key: str,
    number: str,
    *,
    country: str | None = None,
    issued: str | None = None,
    expires: str | None = None,
) -> None:
    """A structured identifier (XML formats): number, country and dates given apart."""
    handler = REMARK_HANDLERS.get(_feature_key(key))
    if isinstance(handler, _Ident):
        add_identifier(
            row, key, number, prop=handler.prop, country=country, issued=issued, expires=expires
        )
        return
    apply_feature(row, key, f"{number} ({country})" if country else number)


def split_remarks(remarks: str) -> list[str]:
    """Split remarks on ";" outside parentheses and quotes; drop the final full stop."""
    if "'" in remarks:
        parts = _split_quoted(remarks)
    else:
        # Fast path: rejoin pieces while a parenthesis is still open.
        parts = []
        buffer = None
        for piece in remarks.split(";"):
            buffer = piece if buffer is None else f"{buffer};{piece}"
            if buffer.count("(") <= buffer.count(")"):
                parts.append(buffer)
                buffer = None
        if buffer is not None:
            parts.append(buffer)
    cleaned = [p.strip() for p in parts]
    if cleaned:
        cleaned[-1] = cleaned[-1].rstrip(".").strip()
    return [p for p in cleaned if p]


def _split_quoted(remarks: str) -> list[str]:
    """Character walk for remarks with quoted names, which may contain ";"."""
    parts: list[str] = []
    depth = 0
    quote = False
    start = 0
    size = len(remarks)
    for index, char in enumerate(remarks):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == "'":
            before = remarks[index - 1] if index else " "
            after = remarks[index + 1] if index + 1 < size else " "
            if not quote and not before.isalnum():
                quote = True
            elif quote and not after.isalnum():
                quote = False
        elif char == ";" and depth == 0 and not quote:
            parts.append(remarks[start:index])
            start = index + 1
    parts.append(remarks[start:])
    return parts


def apply_remarks(row: OfacRecord, remarks: str) -> None:
    """Turn each remark part into a property, a link, a provision or a note."""
    for part in split_remarks(remarks):
        if part.startswith("(") and part.endswith(")"):
            part = part[1:-1].strip()
        match = _REMARK_KEY.match(part)
        if match is None:
            row.note(part)
            continue
        key = match.group("key")
        value = clean_text(match.group("value")) or ""
        REMARK_HANDLERS[key.lower()](row, key, value)


# ---------------------------------------------------------------------------------- files


def _kind(source: SourceFile, rows: list[list[str]]) -> str:
    base = source.name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    for suffix in (".gz", ".csv"):
        base = base.removesuffix(suffix)
    if "comment" in base:
        return "comments"
    for kind in ("add", "alt", "sdn"):
        if base == kind or base.startswith(kind):
            return kind
    width = len(rows[0]) if rows else 0
    for kind, count in COLUMNS.items():
        if count == width:
            return kind
    raise ParseError(
        [
            Problem(
                source.name,
                "line 1",
                "",
                str(width),
                "not an OFAC SDN CSV file (unexpected column count)",
            )
        ]
    )


def _read_rows(source: SourceFile, problems: list[Problem]) -> list[tuple[int, list[str]]]:
    data = source.data
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, source.name)
    text = decode_text(data, source.name).rstrip("\x1a\r\n\t ")
    if not text:
        raise ParseError([Problem(source.name, "", "", "", "empty file")])
    if "\x00" in text:
        raise ParseError([Problem(source.name, "", "", "", "NUL bytes: not a CSV text file")])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise ParseError(
            [Problem(source.name, f"line {reader.line_num}", "", "", f"malformed CSV: {exc}")]
        ) from exc
    return rows


def _gunzip(data: bytes, name: str) -> bytes:
    import gzip
    import zlib

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(MAX_MEMBER_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ParseError([Problem(name, "", "", "", f"corrupt gzip data: {exc}")]) from exc
    if len(out) > MAX_MEMBER_BYTES:
        raise ParseError([Problem(name, "", "", "", "gzip content larger than the limit")])
    return out


def _check_width(
    name: str, rows: list[tuple[int, list[str]]], width: int, problems: list[Problem]
) -> list[tuple[int, list[str]]]:
    good = []
    for line, row in rows:
        if len(row) != width:
            problems.append(
                Problem(
                    name,
                    f"line {line}",
                    "",
                    ",".join(row)[:80],
                    f"expected {width} columns, found {len(row)}",
                )
            )
        elif not row[0].strip().isdigit():
            problems.append(
                Problem(name, f"line {line}", "ent_num", row[0], "ent_num is not a number")
            )
        else:
            good.append((line, row))
    return good


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse an SDN CSV set (sdn.csv with optional add/alt/sdn_comments companions)."""
    problems: list[Problem] = []
    by_kind: dict[str, tuple[SourceFile, list[tuple[int, list[str]]]]] = {}
    for source in files:
        rows = _read_rows(source, problems)
        kind = _kind(source, [r for _, r in rows[:1]])
        if kind in by_kind:
            problems.append(Problem(source.name, "", "", kind, "two files of the same kind"))
            continue
        by_kind[kind] = (source, _check_width(source.name, rows, COLUMNS[kind], problems))
    if "sdn" not in by_kind:
        problems.append(
            Problem(", ".join(f.name for f in files), "", "", "", "no sdn.csv among the files")
        )
    if problems:
        raise ParseError(problems)
    sdn_source, sdn_rows = by_kind["sdn"]
    log = IssueLog(sdn_source.name)
    comments: dict[str, str] = {}
    if "comments" in by_kind:
        for _, row in by_kind["comments"][1]:
            comments[row[0].strip()] = comments.get(row[0].strip(), "") + row[1]
    records: dict[str, OfacRecord] = {}
    for line, row in sdn_rows:
        built = _sdn_row(sdn_source.name, line, row, comments, log, problems)
        if built is None:
            continue
        assert built.entity.id is not None
        if built.entity.id in records:
            problems.append(
                Problem(sdn_source.name, f"line {line}", "ent_num", row[0], "duplicate ent_num")
            )
            continue
        records[built.entity.id] = built
    if problems:
        raise ParseError(problems)
    if "add" in by_kind:
        _addresses(by_kind["add"], records, IssueLog(by_kind["add"][0].name), log)
    if "alt" in by_kind:
        _aliases(by_kind["alt"], records, log)
    names = ", ".join(f.name for f in files)
    return assemble(records, dataset=DATASET, version="", log=log, source=names, format=FORMAT)


def assemble(
    records: dict[str, OfacRecord],
    *,
    dataset: str,
    version: str,
    log: IssueLog,
    source: str,
    format: str,
) -> ParsedList:
    """The parse result of any OFAC format: each party with its children, then the links."""
    entities: list[EntityProxy] = []
    for record in records.values():
        entities.append(record.entity)
        entities.extend(record.extra)
    entities.extend(resolve_links(records))
    return ParsedList(
        dataset=dataset,
        version=version,
        entities=dedupe_entities(entities),
        issues=log.problems,
        source=source,
        format=format,
    )


def _sdn_row(
    name: str,
    line: int,
    row: list[str],
    comments: dict[str, str],
    log: IssueLog,
    problems: list[Problem],
) -> OfacRecord | None:
    ent_num = row[0].strip()
    sdn_type = (_null(row[2]) or "").lower()
    schema = SCHEMATA.get(sdn_type)
    if schema is None:
        problems.append(Problem(name, f"line {line}", "SDN_Type", row[2], "unknown SDN type"))
        return None
    listed = _null(row[1])
    if listed is None:
        problems.append(Problem(name, f"line {line}", "SDN_Name", row[1], "record without a name"))
        return None
    entity = make_entity(schema, slug_id("ofac", ent_num))
    entity.add("topics", "sanction", cleaned=True)
    built = OfacRecord(entity, log, f"line {line}")
    entity.add("name", listed)
    if schema == "Person" and listed.count(",") == 1:
        last, first = (p.strip() for p in listed.split(","))
        if last and first:
            entity.add("lastName", last)
            entity.add("firstName", first)
    programs = _PROGRAM.findall(_null(row[3]) or "")
    title = _null(row[4])
    if title:
        _prop("position" if schema == "Person" else "notes")(built, "Title", title)
    if schema == "Vessel":
        _vessel(built, row)
    remarks = (_null(row[11]) or "") + comments.get(ent_num, "")
    if remarks:
        apply_remarks(built, remarks)
    sanction = make_sanction(
        entity,
        dataset=DATASET,
        authority=AUTHORITY,
        program=None,
        reference=ent_num,
        source_url=SOURCE_URL,
    )
    sanction.add("program", programs)
    sanction.add("provisions", built.provisions)
    if programs:
        entity.add("program", programs)
    built.extra.append(sanction)
    return built


def _vessel(built: OfacRecord, row: list[str]) -> None:
    fields = {
        "callSign": _null(row[5]),
        "type": _null(row[6]),
        "tonnage": _null(row[7]),
        "grossRegisteredTonnage": _null(row[8]),
    }
    for prop, value in fields.items():
        if value is not None:
            add_value(
                built.entity,
                prop,
                value.replace(",", "") if "onnage" in prop else value,
                built.log,
                built.where,
            )
    add_country(built.entity, "flag", _null(row[9]), built.log, built.where)
    owner = _null(row[10])
    if owner:
        built.note(f"owner: {owner}")


def _addresses(
    part: tuple[SourceFile, list[tuple[int, list[str]]]],
    records: dict[str, OfacRecord],
    add_log: IssueLog,
    log: IssueLog,
) -> None:
    source, rows = part
    for line, row in rows:
        built = records.get(slug_id("ofac", row[0].strip()))
        if built is None:
            log.add(
                f"{source.name}:line {line}", "ent_num", row[0], "address for an unknown record"
            )
            continue
        street, city, country, remark = (_null(v) for v in row[2:6])
        addr = make_address(
            built.entity,
            street=street,
            city=city,
            country=country,
            log=log,
            location=f"{source.name}:line {line}",
        )
        if addr is not None:
            if remark:
                addr.add("remarks", remark)
            built.extra.append(addr)
        elif remark:
            built.note(f"address: {remark}")


def _aliases(
    part: tuple[SourceFile, list[tuple[int, list[str]]]],
    records: dict[str, OfacRecord],
    log: IssueLog,
) -> None:
    source, rows = part
    for line, row in rows:
        where = f"{source.name}:line {line}"
        built = records.get(slug_id("ofac", row[0].strip()))
        if built is None:
            log.add(where, "ent_num", row[0], "alias for an unknown record")
            continue
        kind = (_null(row[2]) or "aka").lower().replace(".", "")
        name = _null(row[3])
        if name is None:
            continue
        prop = ALT_PROPS.get(kind)
        if prop is None:
            built.note(f"{kind}: {name}")
            log.add(where, "alt_type", kind, "unknown alias type")
            continue
        built.entity.add(prop, name)
        if remark := _null(row[4]):
            built.note(f"alias {name}: {remark}")


def _name_index(records: dict[str, OfacRecord]) -> dict[str, str | None]:
    """Listed name (upper case) -> entity id, None when two records share the name."""
    index: dict[str, str | None] = {}
    for entity_id, built in records.items():
        for name in built.entity.get("name"):
            key = name.upper()
            index[key] = None if key in index and index[key] != entity_id else entity_id
    return index


def resolve_links(records: dict[str, OfacRecord]) -> list[EntityProxy]:
    """UnknownLink entities for "Linked To" names and related ids that resolve in the file."""
    names = _name_index(records)
    out: list[EntityProxy] = []
    for built in records.values():
        source_id = built.entity.id
        assert source_id is not None
        targets = [(names.get(name.upper()), "Linked To", name) for name in built.links]
        targets.extend(
            (target if target in records else None, role, name)
            for target, role, name in built.link_ids
        )
        for target_id, role, name in targets:
            if target_id is None or target_id == source_id:
                built.note(f"{role}: {name}")
                continue
            link = make_entity("UnknownLink", hash_id("ofac-link", source_id, target_id, role))
            link.add("subject", source_id, cleaned=True)
            link.add("object", target_id, cleaned=True)
            link.add("role", role)
            out.append(link)
    return out

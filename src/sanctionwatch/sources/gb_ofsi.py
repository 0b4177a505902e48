"""UK HM Treasury OFSI Consolidated List ("ConList", 2022 format), as xlsx or CSV.

Layout: row 1 is `Last Updated, dd/mm/yyyy` (the list version), row 2 the header, then one row
per *name variation*. Rows sharing a Group ID are one target: we emit one entity per group
(`gb-hmt-<GroupID>`), its names in the order OFSI ranks them (primary name first), one
Sanction per regime, Passport/Identification and Address entities. Ship details, gender,
phone, e-mail, UN reference... live inside "Other Information" as `(Key):value` segments.

Name mapping (OFSI "Alias Type" -> FtM): "Primary name" -> name, "Primary name variation"
and "AKA" -> alias ("Low quality" ones -> weakAlias), "FKA" -> previousName. Non-Latin names
become aliases carrying their language (ISO 639-3) when OFSI says which.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree

from followthemoney import EntityProxy, StatementEntity
from lxml import etree
from rigour.langs import iso_639_alpha3

from sanctionwatch.errors import ParseError, Problem
from sanctionwatch.sources.base import ParsedList, SourceFile
from sanctionwatch.sources.catalog import get_spec, make_target, map_country
from sanctionwatch.sources.helpers import (
    IssueLog,
    add_country,
    add_date,
    add_imo,
    add_value,
    clean_text,
    make_address,
    make_identification,
    make_sanction,
    slug_id,
)
from sanctionwatch.sources.safe import decode_text, unzip_members

DATASET = "gb_hmt_sanctions"
FORMAT = "gb_ofsi"
AUTHORITY = "HM Treasury OFSI"
ID_PREFIX = "gb-hmt"

NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
ADDRESS_COLUMNS = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6")
REQUIRED_COLUMNS = (
    *NAME_COLUMNS,
    "Title",
    "Name Non-Latin Script",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Number",
    "Passport Details",
    "National Identification Number",
    "National Identification Details",
    "Position",
    *ADDRESS_COLUMNS,
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Last Updated",
    "Group ID",
)
SCHEMATA = {"Individual": "Person", "Entity": "Organization", "Ship": "Vessel"}
NAME_PROPS = {
    "primary name": "name",
    "primary name variation": "alias",
    "aka": "alias",
    "fka": "previousName",
}
# "(Key):value" segments of Other Information we map; anything else stays in the notes.
INFO_KEYS = (
    "UK Sanctions List Ref",
    "UK Statement of Reasons",
    "UN Ref",
    "Gender",
    "Phone number",
    "Email address",
    "Type of entity",
    "Website",
    "Parent company",
    "Business Reg No",
    "Subsidiaries",
    "IMO number",
    "Flag of ship",
    "Type of ship",
    "Tonnage of ship",
    "Length of ship",
    "Year built",
    "Current owners",
    "Previous flags",
    "Fax",
)
_INFO_SPLIT = re.compile(r"\((" + "|".join(re.escape(k) for k in INFO_KEYS) + r")\):")
_REF = re.compile(r"^\s*([A-Za-z]{2,4}[.\s]?\d{2,5}[a-z]?)\b\.?\s*")
_NUMBERED = re.compile(r"\(\d{1,2}\)")
_OFSI_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_OFSI_MONTH = re.compile(r"^(\d{1,2})/(\d{4})$")
LANG_FIXES = {"persian/farsi": "fas", "ukraine": "ukr", "russia": "rus"}
TARGET_SCHEMATA = frozenset(SCHEMATA.values())

Row = dict[str, str]


@dataclass(frozen=True)
class _Table:
    version: str
    rows: list[tuple[int, Row]]  # (1-based row number in the file, values by column)


def _cell(value: object) -> str:
    if type(value) is str:  # most cells: checked first, the sheet has ~700k of them
        return value.strip()
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return str(value.strftime("%d/%m/%Y"))
    if isinstance(value, float) and value.is_integer():
        # calamine gives every number as a float; openpyxl gave whole numbers as int.
        return str(int(value))
    return str(value).strip()


def ofsi_date(raw: str | None) -> str | None:
    """OFSI's `dd/mm/yyyy` with `00` for unknown parts as a partial ISO date, else the text."""
    text = clean_text(raw)
    if text is None:
        return None
    if match := _OFSI_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
        if month == 0:
            return f"{year:04d}"
        if day == 0:
            return f"{year:04d}-{month:02d}"
        return f"{year:04d}-{month:02d}-{day:02d}"
    if match := _OFSI_MONTH.match(text):
        month, year = int(match.group(1)), int(match.group(2))
        return f"{year:04d}" if month == 0 else f"{year:04d}-{month:02d}"
    return text  # ISO or words: the shared date parser copes or reports it


def _is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


# What a damaged workbook can raise besides calamine's own errors.
_XLSX_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    OSError,
    EOFError,
    ElementTree.ParseError,
    etree.XMLSyntaxError,
)


def _read_xlsx(file: SourceFile) -> list[list[str]]:
    # Check the archive ourselves first (bounded members, CRC, no entity declarations):
    # the reader trusts its input.
    try:
        members = unzip_members(file.data, file.name)
    except _XLSX_ERRORS as exc:  # safe.unzip_members lets zlib.error/ValueError through
        raise ParseError([Problem(file.name, "", "", "", f"corrupt zip archive: {exc}")]) from exc
    if "xl/workbook.xml" not in members:
        raise ParseError([Problem(file.name, "", "", "", "not an xlsx workbook")])
    for member, content in members.items():
        if b"<!ENTITY" in content[:65536]:
            raise ParseError([Problem(file.name, member, "", "", "XML entities are refused")])
    # calamine (Rust) reads the sheet about five times faster than openpyxl and gives the
    # same cell values; it is imported here since only this format needs it.
    import python_calamine

    calamine_errors: tuple[type[BaseException], ...] = (
        python_calamine.CalamineError,
        python_calamine.PasswordError,
        python_calamine.WorksheetNotFound,
        python_calamine.XmlError,
        python_calamine.ZipError,
    )
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(file.data))
        try:
            names = book.sheet_names
            sheet = (
                book.get_sheet_by_name("Data") if "Data" in names else book.get_sheet_by_index(0)
            )
            grid = sheet.to_python(skip_empty_area=False)
        finally:
            book.close()
    except (*calamine_errors, *_XLSX_ERRORS) as exc:
        raise ParseError([Problem(file.name, "", "", "", f"not a readable xlsx: {exc}")]) from exc
    return [[_cell(v) for v in row] for row in grid]


def _read_csv(file: SourceFile) -> list[list[str]]:
    import csv

    text = decode_text(file.data, file.name)
    if "\x00" in text:
        raise ParseError([Problem(file.name, "", "", "", "NUL bytes: not a text CSV")])
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise ParseError([Problem(file.name, "", "", "", f"malformed CSV: {exc}")]) from exc


def _table(file: SourceFile) -> _Table:
    """The version and the rows of one file; every structural problem raised at once."""
    if not file.data.strip():
        raise ParseError([Problem(file.name, "", "", "", "empty file")])
    grid = _read_xlsx(file) if _is_xlsx(file.data) else _read_csv(file)
    problems: list[Problem] = []
    if len(grid) < 2:
        raise ParseError([Problem(file.name, "", "", "", "no 'Last Updated' and header rows")])
    first = [c for c in grid[0] if c]
    version = ""
    if len(first) >= 2 and first[0].lower() == "last updated":
        version = ofsi_date(first[1]) or ""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", version):
        problems.append(
            Problem(file.name, "row 1", "Last Updated", " ".join(first), "no list date")
        )
    header = grid[1]
    index = {name: i for i, name in enumerate(header) if name}
    for column in REQUIRED_COLUMNS:
        if column not in index:
            problems.append(Problem(file.name, "row 2", column, "", "missing column"))
    if problems:
        raise ParseError(problems)
    rows: list[tuple[int, Row]] = []
    for number, values in enumerate(grid[2:], start=3):
        if not any(values):
            continue
        if len(values) < len(header) and len(values) <= max(index.values()):
            problems.append(
                Problem(file.name, f"row {number}", "", str(len(values)), "row too short")
            )
            continue
        rows.append((number, {name: values[i] for name, i in index.items()}))
    if problems:
        raise ParseError(problems)
    return _Table(version=version, rows=rows)


def _numbered(text: str) -> list[str]:
    """'(1) A (2) B' -> ['A', 'B']; plain text -> [text]."""
    parts = [p.strip(" .;,") for p in _NUMBERED.split(text)]
    return [p for p in parts if p]


def _info_segments(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Other Information as (free text, [(key, value), ...])."""
    pieces = _INFO_SPLIT.split(text)
    free = pieces[0].strip()
    pairs = [
        (pieces[i], pieces[i + 1].strip().rstrip(".").strip()) for i in range(1, len(pieces), 2)
    ]
    return free, pairs


def _split_ref(value: str | None) -> tuple[str | None, str]:
    """'RUS0123. Financial sanctions ...' -> ('RUS0123', 'Financial sanctions ...')."""
    if not value:
        return None, ""
    match = _REF.match(value)
    if match is None:
        return value, ""
    return match.group(1), value[match.end() :].strip()


def _lang(raw: str) -> str | None:
    text = raw.strip().lower()
    if not text:
        return None
    return LANG_FIXES.get(text) or iso_639_alpha3(text)


class _GroupBuilder:
    """Turns the rows of one Group ID into the group's entities."""

    def __init__(self, file: str, log: IssueLog) -> None:
        self.file = file
        self.log = log
        self.spec = get_spec(DATASET)

    def build(self, group_id: str, rows: list[tuple[int, Row]]) -> list[EntityProxy]:
        first_row, first = rows[0]
        kind = first["Group Type"]
        schema = SCHEMATA.get(kind)
        if schema is None:
            self.log.add(f"row {first_row}", "Group Type", kind, "unknown group type")
            schema = "LegalEntity"
        entity = make_target(DATASET, schema, slug_id(ID_PREFIX, group_id))
        entity.add("topics", "sanction")
        out: list[EntityProxy] = [entity]
        self._names(entity, rows)
        seen: set[str] = set()
        addresses: dict[tuple[str, ...], list[Problem]] = {}
        for number, row in rows:
            loc = f"row {number}"
            for column in ("DOB", "Town of Birth", "Country of Birth", "Nationality"):
                key = f"{column}={row[column]}"
                if row[column] and key not in seen:
                    seen.add(key)
                    self._person_field(entity, column, row[column], loc)
            for column in ("Passport Number", "National Identification Number"):
                key = f"{column}={row[column]}"
                if row[column] and key not in seen:
                    seen.add(key)
                    out.extend(self._documents(entity, column, row, loc))
            if row["Position"] and entity.schema.get("position") is not None:
                entity.add("position", row["Position"])
            address = self._address_once(entity, row, loc, addresses)
            if address is not None:
                out.append(address)
            if row["Other Information"] and f"info={row['Other Information']}" not in seen:
                seen.add(f"info={row['Other Information']}")
                self._other_info(entity, row["Other Information"], loc)
        out.extend(self._sanctions(entity, group_id, rows))
        return out

    def _names(self, entity: StatementEntity, rows: list[tuple[int, Row]]) -> None:
        # Primary names first: a caption and the first `name` value should be OFSI's choice.
        ranked = sorted(rows, key=lambda r: r[1]["Alias Type"].lower() != "primary name")
        has_primary = any(r[1]["Alias Type"].lower() == "primary name" for r in rows)
        for index, (number, row) in enumerate(ranked):
            alias_type = row["Alias Type"].lower()
            prop = NAME_PROPS.get(alias_type)
            if prop is None:
                self.log.add(f"row {number}", "Alias Type", row["Alias Type"], "unknown type")
                prop = "alias"
            if not has_primary and index == 0:
                prop = "name"  # two groups carry no primary name: promote the first variation
            if prop == "alias" and row.get("Alias Quality", "").lower() == "low quality":
                prop = "weakAlias"
            parts = [row[c] for c in NAME_COLUMNS]
            full = clean_text(" ".join(p for p in parts if p))
            if full:
                entity.add(prop, full)
            if entity.schema.name == "Person" and prop == "name":
                entity.add("firstName", row["Name 1"] or None)
                entity.add("middleName", [row[c] for c in NAME_COLUMNS[1:5] if row[c]])
                entity.add("lastName", row["Name 6"] or None)
                entity.add("title", row["Title"] or None)
            script_name = clean_text(row["Name Non-Latin Script"])
            if script_name:
                lang = _lang(row.get("Non-Latin Script Language", ""))
                entity.add("alias", script_name, lang=lang)

    def _person_field(self, entity: StatementEntity, column: str, value: str, loc: str) -> None:
        if entity.schema.name != "Person":
            if column == "Nationality":
                for part in _numbered(value):
                    add_country(entity, "country", map_country(self.spec, part), self.log, loc)
            return
        if column == "DOB":
            for part in _numbered(value):
                add_date(entity, "birthDate", ofsi_date(part), self.log, loc, dayfirst=True)
        elif column == "Town of Birth":
            entity.add("birthPlace", _numbered(value))
        elif column == "Country of Birth":
            for part in _numbered(value):
                add_country(entity, "birthCountry", map_country(self.spec, part), self.log, loc)
        else:
            for part in _numbered(value):
                add_country(entity, "nationality", map_country(self.spec, part), self.log, loc)

    def _documents(
        self, entity: StatementEntity, column: str, row: Row, loc: str
    ) -> list[EntityProxy]:
        passport = column == "Passport Number"
        details_column = "Passport Details" if passport else "National Identification Details"
        numbers = _numbered(row[column])
        details = _numbered(row[details_column]) if row[details_column] else []
        if len(details) != len(numbers):
            details = [row[details_column]] * len(numbers) if row[details_column] else []
        docs: list[EntityProxy] = []
        for i, number in enumerate(numbers):
            detail = details[i] if i < len(details) else None
            if entity.schema.name == "Vessel":
                add_value(entity, "registrationNumber", number, self.log, loc)
                continue
            doc = make_identification(
                entity, number=number, passport=passport, kind=None, log=self.log, location=loc
            )
            if doc is not None:
                if detail:
                    doc.add("summary", detail)
                docs.append(doc)
        return docs

    def _address_once(
        self,
        entity: StatementEntity,
        row: Row,
        loc: str,
        done: dict[tuple[str, ...], list[Problem]],
    ) -> EntityProxy | None:
        """`_address` once per distinct address of a group: OFSI repeats the group's address
        on each name variation row. A repeat would add the same values again (no-ops) and
        give an Address entity that merges into the first; only its problems are repeated,
        at the repeating row, as the full build would report them."""
        key = tuple(row[c] for c in (*ADDRESS_COLUMNS, "Post/Zip Code", "Country"))
        problems = done.get(key)
        if problems is not None:
            for problem in problems:
                self.log.add(loc, problem.field, problem.value, problem.message)
            return None
        before = len(self.log.problems)
        address = self._address(entity, row, loc)
        done[key] = self.log.problems[before:]
        return address

    def _address(self, entity: StatementEntity, row: Row, loc: str) -> EntityProxy | None:
        lines = [row[c] for c in ADDRESS_COLUMNS if row[c]]
        country = map_country(self.spec, row["Country"])
        if not lines and not row["Post/Zip Code"]:
            if row["Country"]:
                add_country(entity, "country", country, self.log, loc)
            return None
        full = ", ".join(p for p in [*lines, row["Post/Zip Code"], row["Country"]] if p)
        return make_address(
            entity,
            full=full,
            city=row["Address 6"] or None,
            postal_code=row["Post/Zip Code"] or None,
            country=country,
            log=self.log,
            location=loc,
        )

    def _other_info(self, entity: StatementEntity, text: str, loc: str) -> None:
        free, pairs = _info_segments(text)
        if free:
            entity.add("notes", free)
        is_vessel = entity.schema.name == "Vessel"
        for key, value in pairs:
            if not value:
                continue
            if key in ("UK Sanctions List Ref", "UN Ref"):
                # The reference goes on the Sanction; OFSI runs on with descriptive text.
                rest = _split_ref(value)[1]
                if rest:
                    entity.add("notes", rest)
            elif key == "UK Statement of Reasons":
                continue  # the Sanction's reason
            elif key == "Gender" and entity.schema.name == "Person":
                add_value(entity, "gender", value.lower(), self.log, loc)
            elif key == "Phone number" and entity.schema.get("phone") is not None:
                for part in _numbered(value):
                    add_value(entity, "phone", part, self.log, loc)
            elif key == "Email address":
                for part in re.split(r"[\s;,]+", value):
                    if part and entity.schema.get("email") is not None:
                        entity.add("email", part, quiet=True)
            elif key == "Website" and entity.schema.get("website") is not None:
                for part in re.split(r"[\s;,]+", value):
                    entity.add("website", part or None, quiet=True)
            elif key == "Business Reg No":
                add_value(entity, "registrationNumber", value, self.log, loc)
            elif key == "Type of entity" and entity.schema.get("legalForm") is not None:
                entity.add("legalForm", value)
            elif is_vessel and key == "IMO number":
                add_imo(entity, value, self.log, loc)
            elif is_vessel and key == "Flag of ship":
                add_country(entity, "flag", map_country(self.spec, value), self.log, loc)
            elif is_vessel and key == "Previous flags":
                for part in re.split(r"[;,]\s*|\s+and\s+", value):
                    add_country(entity, "pastFlags", map_country(self.spec, part), self.log, loc)
            elif is_vessel and key == "Type of ship":
                entity.add("type", value)
            elif is_vessel and key == "Tonnage of ship":
                add_value(entity, "tonnage", value, self.log, loc)
            elif is_vessel and key == "Year built":
                add_date(entity, "buildDate", value, self.log, loc)
            else:
                entity.add("notes", f"{key}: {value}")

    def _sanctions(
        self, entity: StatementEntity, group_id: str, rows: list[tuple[int, Row]]
    ) -> list[EntityProxy]:
        by_regime: dict[str, tuple[int, Row]] = {}
        for number, row in rows:
            by_regime.setdefault(row["Regime"], (number, row))
        sanctions: list[EntityProxy] = []
        for regime, (number, row) in by_regime.items():
            _, pairs = _info_segments(row["Other Information"])
            info = dict(pairs)
            reference = _split_ref(info.get("UK Sanctions List Ref"))[0] or group_id
            sanction = make_sanction(
                entity,
                dataset=DATASET,
                authority=AUTHORITY,
                program=regime or None,
                reference=reference,
                listing_date=ofsi_date(row["Listed On"]),
                reason=info.get("UK Statement of Reasons"),
                unsc_id=_split_ref(info.get("UN Ref"))[0],
                log=self.log,
                location=f"row {number}",
            )
            sanction.add("recordId", group_id)
            loc = f"row {number}"
            add_date(sanction, "modifiedAt", ofsi_date(row["Last Updated"]), self.log, loc)
            designated = ofsi_date(row.get("UK Sanctions List Date Designated"))
            add_date(sanction, "startDate", designated, self.log, loc)
            add_date(entity, "createdAt", ofsi_date(row["Listed On"]), self.log, loc)
            add_date(entity, "modifiedAt", ofsi_date(row["Last Updated"]), self.log, loc)
            sanctions.append(sanction)
        return sanctions


def _merge_unique(entities: list[EntityProxy]) -> list[EntityProxy]:
    """Entities with the same id (an address shared by rows) merged into one, order kept."""
    by_id: dict[str, EntityProxy] = {}
    for entity in entities:
        assert entity.id is not None
        if entity.id in by_id:
            by_id[entity.id].merge(entity)
        else:
            by_id[entity.id] = entity
    return list(by_id.values())


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one OFSI ConList file (xlsx or CSV) into the gb_hmt_sanctions entities."""
    if len(files) != 1:
        names = ", ".join(f.name for f in files)
        raise ParseError([Problem(names, "", "", "", "gb_ofsi parses exactly one file")])
    file = files[0]
    table = _table(file)
    groups: dict[str, list[tuple[int, Row]]] = {}
    problems: list[Problem] = []
    for number, row in table.rows:
        group_id = row["Group ID"]
        if not group_id:
            problems.append(Problem(file.name, f"row {number}", "Group ID", "", "empty"))
            continue
        groups.setdefault(group_id, []).append((number, row))
    if problems:
        raise ParseError(problems)
    log = IssueLog(file.name)
    builder = _GroupBuilder(file.name, log)
    entities: list[EntityProxy] = []
    for group_id, rows in groups.items():
        entities.extend(builder.build(group_id, rows))
    return ParsedList(
        dataset=DATASET,
        version=table.version,
        entities=_merge_unique(entities),
        issues=log.problems,
        source=file.name,
        format=FORMAT,
    )

"""The entity classes the list parsers build: FtM's proxies with a faster `add`.

Why: a parse adds hundreds of thousands of values, and FtM's `add` pays for generality on
each one (property lookup by name or object, `string_list`, `sanitize_text`, the type's
cleaning). Lists repeat most values (dates, countries, programmes, authorities, topics), so
the cleaning of a raw value is cached per (property type, format, value); names and notes
that occur once cost about what they did. The stored values are exactly those of
`EntityProxy.add`: the cache holds FtM's own cleaning results, and whatever the fast path
does not cover (fuzzy or format hints, non-string values, entity references, unknown or
stub properties) goes through `EntityProxy.add` unchanged.

`OrderedStatementEntity` (the base of `ListStatementEntity`, and what the store's reads
assemble) gives values in the order they were added, whatever `PYTHONHASHSEED` is: FtM's
`StatementEntity` keeps them in sets.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from functools import lru_cache
from typing import Any, Self, cast

from followthemoney import Dataset, EntityProxy, Statement, StatementEntity, model
from followthemoney.exc import InvalidData
from followthemoney.property import Property
from followthemoney.schema import Schema
from followthemoney.statement.util import BASE_ID
from followthemoney.types import registry
from followthemoney.types.common import PropertyType
from followthemoney.util import sanitize_text

from sanctionwatch.sources.phones import clean_phone

CLEAN_CACHE_SIZE = 1 << 16
"""Distinct (type, format, raw value) cleanings kept: enough for a list's repeated values."""


@lru_cache(maxsize=CLEAN_CACHE_SIZE)
def clean_value(type_: PropertyType, format: str | None, raw: str) -> tuple[str, str | None]:
    """(sanitized text, cleaned value) of a raw str value, as FtM's `add` computes them.

    `sanitize_text` then the type's `clean_text`; the sanitized text is what a
    `StatementEntity` keeps as the original value. "" stands for a value that sanitizes to
    nothing. No proxy is passed: only the entity type uses it (to refuse self-references),
    and entity references never come here.
    """
    text = sanitize_text(raw)
    if text is None:
        return "", None
    if type_ is registry.phone:
        return text, clean_phone(text, format)
    return text, type_.clean_text(text, format=format)


def _fast(prop: Property | None, fuzzy: bool, format: str | None) -> bool:
    """Whether an `add` can take the cached path (else FtM's own `add` runs)."""
    return (
        prop is not None
        and not prop.stub
        and not fuzzy
        and format is None
        and prop.type is not registry.entity
    )


@lru_cache(maxsize=256)
def _schema(name: str) -> Schema:
    schema = model.get(name)
    if schema is None:
        raise InvalidData(f"Schema does not exist: {name}")
    return schema


class ListEntity(EntityProxy):
    """An `EntityProxy` whose `add` caches value cleaning (same results, less CPU).

    No `__slots__` of its own: FtM pickles a proxy by `self.__slots__`, which must resolve
    to `EntityProxy`'s (an empty tuple here would pickle an empty entity).
    """

    @classmethod
    def create(cls, schema: str, entity_id: str) -> ListEntity:
        """A new empty entity: what `model.make_entity(schema)` plus `entity.id = ...` give."""
        entity = cls(_schema(schema), {})
        entity.id = entity_id
        return entity

    def add(
        self,
        prop: Property | str,
        values: Any,
        cleaned: bool = False,
        quiet: bool = False,
        fuzzy: bool = False,
        format: str | None = None,
    ) -> None:
        prop_obj = self.schema.properties.get(prop if isinstance(prop, str) else prop.name)
        if prop_obj is None or not _fast(prop_obj, fuzzy, format):
            super().add(prop, values, cleaned=cleaned, quiet=quiet, fuzzy=fuzzy, format=format)
            return
        kind = type(values)
        if kind is str:
            self._add_text(prop_obj, values, cleaned)
        elif kind is list or kind is tuple:
            for value in values:
                if type(value) is str:
                    self._add_text(prop_obj, value, cleaned)
                else:
                    super().add(prop_obj, value, cleaned=cleaned, quiet=quiet)
        elif values is not None:
            super().add(prop_obj, values, cleaned=cleaned, quiet=quiet)

    def _add_text(self, prop: Property, raw: str, cleaned: bool) -> None:
        if cleaned:
            # FtM's `string_list(value, sanitize=False)`: an empty string adds nothing.
            if raw:
                self.unsafe_add(prop, raw, cleaned=True)
            return
        value = clean_value(prop.type, prop.format, raw)[1]
        if value is not None:
            self.unsafe_add(prop, value, cleaned=True)


class OrderedStatements(dict[Statement, None]):
    """The statements of one property as an insertion-ordered set.

    FtM's `StatementEntity` keeps them in a `set` and reads values through set
    comprehensions, so value order follows Python's per-process string hashing
    (`PYTHONHASHSEED`): the same list gave its aliases in another order on every run.
    Equal statements (same statement id) keep the first one, as `set.add` does.
    """

    def add(self, stmt: Statement) -> None:
        self.setdefault(stmt, None)


def _unique_values(stmts: Iterable[Statement]) -> list[str]:
    return list(dict.fromkeys(stmt.value for stmt in stmts))


class OrderedStatementEntity(StatementEntity):
    """A `StatementEntity` whose values come out in the order their statements went in.

    Every read of values (`get`, `properties`, `itervalues`, `to_dict`...) gives each
    distinct value once, in first-added order, so a parse and a store read give the same
    entity under every hash seed. Statements, ids and equality are FtM's own.
    """

    def add_statement(self, stmt: Statement) -> None:
        if stmt.prop != BASE_ID and stmt.prop not in self._statements:
            self._statements[stmt.prop] = cast(set[Statement], OrderedStatements())
        super().add_statement(stmt)

    @classmethod
    def from_statements(cls, dataset: Dataset, statements: Iterable[Statement]) -> Self:
        """FtM's `StatementEntity.from_statements` (4.x), with ordered statement sets.

        Rewritten rather than wrapped: building FtM's sets first and then ours made every
        store read a fifth slower.
        """
        canonical_id: str | None = None
        schemata: dict[str, None] = {}
        first_seens: list[str] = []
        props: dict[str, OrderedStatements] = {}
        for stmt in statements:
            schemata[stmt.schema] = None
            canonical_id = stmt.canonical_id or canonical_id or stmt.entity_id
            if stmt.prop == BASE_ID:
                if stmt.first_seen is not None:
                    first_seens.append(stmt.first_seen)
                continue
            found = props.get(stmt.prop)
            if found is None:
                props[stmt.prop] = found = OrderedStatements()
            found.setdefault(stmt, None)
        schema: Schema | None = None
        for name in schemata:
            if schema is None:
                schema = model.get(name)
            elif schema.name != name:
                try:
                    schema = model.common_schema(schema, name)
                except InvalidData as exc:
                    raise InvalidData(f"{canonical_id}: {exc}") from exc
        if schema is None:
            raise InvalidData(f"No valid schema for entity: {canonical_id} {list(schemata)!r}")
        entity = cls(dataset, {"schema": schema, "id": canonical_id})
        entity.last_change = max(first_seens, default=None)
        entity._statements = cast(dict[str, set[Statement]], props)
        return entity

    def get(self, prop: Property | str, quiet: bool = False) -> list[str]:
        prop_name = self._prop_name(prop, quiet=quiet)
        if prop_name is None or prop_name not in self._statements:
            return []
        return _unique_values(self._statements[prop_name])

    def get_prop(self, prop: Property) -> Iterable[str]:
        return _unique_values(self._statements.get(prop.name, ()))

    def pop(self, prop: Property | str, quiet: bool = True) -> list[str]:
        prop_name = self._prop_name(prop, quiet=quiet)
        if prop_name is None or prop_name not in self._statements:
            return []
        if prop_name in self.schema.caption:
            self._caption = None
        return _unique_values(self._statements.pop(prop_name))

    def remove(self, prop: Property | str, value: str, quiet: bool = True) -> None:
        prop_name = self._prop_name(prop, quiet=quiet)
        if prop_name is not None and prop_name in self._statements:
            kept = OrderedStatements.fromkeys(
                s for s in self._statements[prop_name] if s.value != value
            )
            self._statements[prop_name] = cast(set[Statement], kept)
            if prop_name in self.schema.caption:
                self._caption = None

    def itervalues(self) -> Generator[tuple[Property, str], None, None]:
        for name, stmts in self._statements.items():
            prop = self.schema.properties[name]
            for value in _unique_values(stmts):
                yield (prop, value)

    def get_type_values(self, type_: PropertyType, matchable: bool = False) -> list[str]:
        return _unique_values(self.get_type_statements(type_, matchable=matchable))

    @property
    def properties(self) -> dict[str, list[str]]:
        return {p: _unique_values(stmts) for p, stmts in self._statements.items()}


class ListStatementEntity(OrderedStatementEntity):
    """A `StatementEntity` whose `add` caches value cleaning, like `ListEntity`.

    Each value still becomes a `Statement` with its language and original text, exactly as
    `StatementEntity.add` makes it (which, unlike `EntityProxy`, passes no format hint).
    An add repeating an earlier one (same entity id, property, values, flags, language and
    original) is skipped: it would build the same statement again (hashing it), which the
    entity's statement set then ignores. Lists repeat values a lot (OFSI has one row per
    name variation, each with the group's addresses and position). Removing values
    (`pop`, `remove`, `set`) forgets what was added.
    """

    def add(
        self,
        prop: Property | str,
        values: Any,
        cleaned: bool = False,
        quiet: bool = False,
        fuzzy: bool = False,
        format: str | None = None,
        lang: str | None = None,
        original_value: str | None = None,
        origin: str | None = None,
        external: bool = False,
    ) -> None:
        prop_obj = self.schema.properties.get(prop if isinstance(prop, str) else prop.name)
        kind = type(values)
        texts: tuple[str, ...] = ()
        if kind is str:
            texts = (values,)
        elif kind is list or kind is tuple:
            texts = tuple(values)
        if (
            prop_obj is None
            or not _fast(prop_obj, fuzzy, format)
            or origin is not None
            or external
            or not texts
            or any(type(text) is not str for text in texts)
        ):
            super().add(
                prop,
                values,
                cleaned=cleaned,
                quiet=quiet,
                fuzzy=fuzzy,
                format=format,
                lang=lang,
                original_value=original_value,
                origin=origin,
                external=external,
            )
            return
        done: set[tuple[Any, ...]] = self.__dict__.setdefault("_adds", set())
        key = (self.id, prop_obj.name, texts, cleaned, lang, original_value)
        if key in done:
            return
        for raw in texts:
            self._add_text(prop_obj, raw, cleaned, quiet, lang, original_value)
        done.add(key)

    def _add_text(
        self,
        prop: Property,
        raw: str,
        cleaned: bool,
        quiet: bool,
        lang: str | None,
        original_value: str | None,
    ) -> None:
        text: str = raw
        value: str | None = raw
        if not cleaned:
            text, value = clean_value(prop.type, None, raw)
        if not value:
            # None adds nothing, as in FtM; FtM alone knows what to do with "".
            if value is not None:
                super().add(
                    prop.name,
                    raw,
                    cleaned=cleaned,
                    quiet=quiet,
                    lang=lang,
                    original_value=original_value,
                )
            return
        self.unsafe_add(
            prop, value, cleaned=True, quiet=quiet, lang=lang, original_value=original_value or text
        )

    def pop(self, prop: Property | str, quiet: bool = True) -> list[str]:
        self.__dict__.pop("_adds", None)
        return super().pop(prop, quiet=quiet)

    def remove(self, prop: Property | str, value: str, quiet: bool = True) -> None:
        self.__dict__.pop("_adds", None)
        super().remove(prop, value, quiet=quiet)

"""The entity classes the list parsers build: FtM's proxies with a faster `add`.

Why: a parse adds hundreds of thousands of values, and FtM's `add` pays for generality on
each one (property lookup by name or object, `string_list`, `sanitize_text`, the type's
cleaning). Lists repeat most values (dates, countries, programmes, authorities, topics), so
the cleaning of a raw value is cached per (property type, format, value); names and notes
that occur once cost about what they did. The stored values are exactly those of
`EntityProxy.add`: the cache holds FtM's own cleaning results, and whatever the fast path
does not cover (fuzzy or format hints, non-string values, entity references, unknown or
stub properties) goes through `EntityProxy.add` unchanged.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from followthemoney import EntityProxy, StatementEntity, model
from followthemoney.exc import InvalidData
from followthemoney.property import Property
from followthemoney.schema import Schema
from followthemoney.types import registry
from followthemoney.types.common import PropertyType
from followthemoney.util import sanitize_text

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
        prop_obj = self.schema.properties.get(prop) if type(prop) is str else None
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


class ListStatementEntity(StatementEntity):
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
        prop_obj = self.schema.properties.get(prop) if type(prop) is str else None
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

"""Bigger extractors behind the same `Extractor` protocol, off by default.

Configured in the settings (`extra.extractors`, a list of tables), e.g. in settings.toml:

    [[extractors]]
    kind = "openai"                       # an OpenAI-compatible chat endpoint
    base_url = "http://127.0.0.1:8000/v1"
    model = "local-model"
    languages = ["de"]                    # optional; all languages when absent

    [[extractors]]
    kind = "entry_point"                  # any package exposing the entry point
    name = "gliner"                       # group "sanctionwatch.extractors"
    path = "/models/gliner-multi"         # passed to the factory as keyword arguments

Every span a plug-in returns is checked by exact search in the text; a span that is not
there is dropped, so a model cannot invent evidence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib.metadata import entry_points
from typing import Any

from sanctionwatch.documents.extractors import Extractor
from sanctionwatch.documents.model import Mention, MentionType
from sanctionwatch.errors import ConfigError

ENTRY_POINT_GROUP = "sanctionwatch.extractors"
TYPES: dict[str, MentionType] = {
    "person": "PERSON",
    "organization": "ORG",
    "organisation": "ORG",
    "vessel": "VESSEL",
    "location": "LOCATION",
    "country": "COUNTRY",
}
PROMPT = (
    "List the names of persons, organizations, vessels, countries and locations in the text. "
    'Answer with JSON only: {"entities": [{"text": "...", "type": "person|organization|vessel|'
    'country|location"}]}. Copy each name exactly as written.'
)


class OpenAICompatibleExtractor:
    """Names from a chat-completions endpoint; each returned name is located in the text."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        languages: Sequence[str] | None = None,
        timeout: float = 60.0,
        api_key: str | None = None,
        client: Any = None,
    ) -> None:
        import httpx

        self.name = f"openai:{model}"
        self.model = model
        self.languages = frozenset(languages) if languages else None
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout, headers=headers
        )

    def accepts(self, language: str | None) -> bool:
        return self.languages is None or language in self.languages

    def extract(self, text: str, language: str | None) -> list[Mention]:
        import httpx

        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [{"role": "system", "content": PROMPT}, {"role": "user", "content": text}],
        }
        try:
            response = self._client.post("/chat/completions", json=body)
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
            items = json.loads(content).get("entities", [])
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"extractor {self.name}: bad answer from the endpoint ({exc})"
            ) from exc
        return locate(text, items, source=self.name)


def locate(text: str, items: Sequence[Mapping[str, Any]], *, source: str) -> list[Mention]:
    """Mentions for every occurrence of each returned name; names not in the text are dropped."""
    out: list[Mention] = []
    for item in items:
        name = str(item.get("text", "")).strip()
        label = TYPES.get(str(item.get("type", "")).lower())
        if not name or label is None:
            continue
        start = text.find(name)
        while start >= 0:
            out.append(Mention(name, start, start + len(name), label, source=source))
            start = text.find(name, start + len(name))
    return out


def configured_extractors(configs: Sequence[Mapping[str, Any]]) -> tuple[Extractor, ...]:
    """Extractors from the `extractors` setting (see the module docstring)."""
    out: list[Extractor] = []
    for config in configs:
        options = {k: v for k, v in config.items() if k not in {"kind", "name"}}
        kind = config.get("kind")
        if kind == "openai":
            try:
                out.append(OpenAICompatibleExtractor(**options))
            except TypeError as exc:
                raise ConfigError(f"extractor settings {dict(config)}: {exc}") from exc
        elif kind == "entry_point":
            name = config.get("name")
            found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
            if not found:
                raise ConfigError(f"no extractor plug-in {name!r} in group {ENTRY_POINT_GROUP}")
            out.append(found[0].load()(**options))
        else:
            raise ConfigError(f"unknown extractor kind {kind!r} (openai or entry_point)")
    return tuple(out)

"""Varied, realistic `/match` queries for the load test, so that no cache can fake a result.

Three kinds, mixed and shuffled with a seeded generator:
- listed: a name of a listed person or organisation (any of its names and aliases, in any
  script the list gives, e.g. Arabic), spelled the way a clerk or an evader would: a typo
  (dropped, doubled, swapped or replaced letter), another word order or comma form, other
  case and punctuation, or the Latin name transliterated to Cyrillic; persons sometimes with
  their birth date (sometimes a year off) and nationality;
- scripts: the Korean and Cyrillic name cases of the screening tests (Hangul, Han, Russian,
  McCune-Reischauer...) with their seeded formatting variants;
- negatives: synthetic people who are on no list (name, birth date, nationality).
"""

from __future__ import annotations

import csv
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy

REPO = Path(__file__).resolve().parents[1]
NEGATIVES = REPO.parent / "shared" / "data" / "lists" / "eval" / "yente_screening_fixtures"
NEGATIVES_CSV = NEGATIVES / "negatives_us.csv"
SHARES = {"listed": 0.45, "scripts": 0.10, "negatives": 0.45}

# Latin to Cyrillic as Russian newspapers write foreign names (digraphs first).
_CYRILLIC = [
    ("shch", "щ"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
    ("yu", "ю"), ("ya", "я"), ("yo", "ё"), ("j", "дж"), ("a", "а"), ("b", "б"), ("c", "к"),
    ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"), ("h", "х"), ("i", "и"), ("k", "к"),
    ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"),
    ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"), ("w", "в"), ("x", "кс"), ("y", "й"),
    ("z", "з"),
]  # fmt: skip
_NEIGHBOURS = "qwertyuiopasdfghjklzxcvbnm"


def to_cyrillic(name: str) -> str:
    text = name.lower()
    for latin, cyr in _CYRILLIC:
        text = text.replace(latin, cyr)
    return text.title()


def typo(name: str, rng: random.Random) -> str:
    """One keyboard slip in one word of four letters or more."""
    words = name.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 4]
    if not long_words:
        return name
    i = rng.choice(long_words)
    word = words[i]
    pos = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "replace"))
    if kind == "drop":
        word = word[:pos] + word[pos + 1 :]
    elif kind == "double":
        word = word[:pos] + word[pos] + word[pos:]
    elif kind == "swap":
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    else:
        letter = rng.choice(_NEIGHBOURS)
        word = word[:pos] + (letter.upper() if word[pos].isupper() else letter) + word[pos + 1 :]
    words[i] = word
    return " ".join(words)


def reorder(name: str, rng: random.Random) -> str:
    words = name.replace(",", " ").split()
    if len(words) < 2:
        return name
    if rng.random() < 0.5:
        return f"{words[-1]}, {' '.join(words[:-1])}"
    return " ".join(words[1:] + words[:1])


def reformat(name: str, rng: random.Random) -> str:
    text = name.replace("-", " ") if rng.random() < 0.5 else name.replace(" ", "-", 1)
    return rng.choice((str.lower, str.title, str.upper))(text)


def _is_latin(text: str) -> bool:
    return all(ord(ch) < 0x250 for ch in text)


def listed_query(entity: EntityProxy, rng: random.Random) -> tuple[str, dict[str, Any]]:
    names = sorted(set(entity.get("name") + entity.get("alias")))
    name = rng.choice(names)
    if _is_latin(name):
        kind = rng.choice(("exact", "typo", "typo", "reorder", "reformat", "cyrillic"))
        spelled = {
            "exact": lambda: name,
            "typo": lambda: typo(name, rng),
            "reorder": lambda: reorder(name, rng),
            "reformat": lambda: reformat(name, rng),
            "cyrillic": lambda: to_cyrillic(name),
        }[kind]()
    else:
        kind, spelled = "own-script", name
    props: dict[str, list[str]] = {"name": [spelled]}
    if entity.schema.name == "Person":
        birth = entity.get("birthDate")
        if birth and rng.random() < 0.5:
            date = birth[0]
            if rng.random() < 0.3 and date[:4].isdigit():
                date = f"{int(date[:4]) + rng.choice((-1, 1))}{date[4:]}"
            props["birthDate"] = [date]
        nationality = entity.get("nationality")
        if nationality and rng.random() < 0.3:
            props["nationality"] = nationality[:1]
    return f"listed-{kind}", {"schema": entity.schema.name, "properties": props}


def script_queries(seed: int) -> list[dict[str, Any]]:
    """The screening tests' Korean and Cyrillic cases and their seeded variants."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.screening.cases import CYRILLIC_CASES, KOREAN_CASES, seeded_variants

    cases = KOREAN_CASES + CYRILLIC_CASES
    cases = cases + seeded_variants(cases, seed, per_case=6)
    return [{"schema": c.schema, "properties": {"name": [c.query]}} for c in cases]


def negative_queries(rng: random.Random, count: int) -> list[dict[str, Any]]:
    """`count` people on no list: the fixture's rows, then (for long runs, which need more
    distinct names than it has) new people made of one row's first names, another row's
    surname and a third row's birth date, with the first row's nationality."""
    with NEGATIVES_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    people = rng.sample(rows, min(count, len(rows)))
    while len(people) < count:
        first, other, born = rng.choice(rows), rng.choice(rows), rng.choice(rows)
        given = " ".join(n for n in (first["first_name"], first["middle_name"]) if n)
        people.append(
            {
                "full_name": f"{given} {other['last_name']}",
                "date_of_birth": born["date_of_birth"],
                "nationality": first["nationality"],
            }
        )
    return [
        {
            "schema": "Person",
            "properties": {
                "name": [r["full_name"]],
                "birthDate": [r["date_of_birth"]],
                "nationality": [r["nationality"]],
            },
        }
        for r in people
    ]


def make_queries(
    entities: Sequence[EntityProxy], count: int, *, seed: int
) -> tuple[list[dict[str, Any]], Counter[str]]:
    """`count` distinct queries (shuffled) and how many of each kind."""
    rng = random.Random(seed)
    listed = [e for e in entities if e.schema.name in ("Person", "Organization", "Company")]
    kinds: Counter[str] = Counter()
    seen: set[str] = set()
    out: list[dict[str, Any]] = []

    def add(kind: str, query: dict[str, Any]) -> None:
        key = json.dumps(query, sort_keys=True, ensure_ascii=False)
        if key not in seen:
            seen.add(key)
            out.append(query)
            kinds[kind] += 1

    scripts = script_queries(seed)
    rng.shuffle(scripts)
    for query in scripts[: int(count * SHARES["scripts"])]:
        add("scripts", query)
    want_listed = int(count * SHARES["listed"])
    while sum(n for k, n in kinds.items() if k.startswith("listed")) < want_listed:
        add(*listed_query(rng.choice(listed), rng))
    while len(out) < count:  # a made-up person may repeat one: draw again
        for query in negative_queries(rng, count - len(out)):
            add("negatives", query)
    rng.shuffle(out)
    return out, kinds

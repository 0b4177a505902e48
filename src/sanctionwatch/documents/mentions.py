"""Mentions from the gazetteer and from rules (IMO/MMSI numbers, vessel cues, surnames).

Pure functions of the text, its tokens and the gazetteer. The order of preference when spans
overlap: a gazetteer name linked to a list entry, then a curated or CLDR name, then a rule,
then a statistical extractor (merged in `reader.py`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

from sanctionwatch.documents.gazetteer import GazEntry, Gazetteer, GazMatch
from sanctionwatch.documents.model import Mention
from sanctionwatch.documents.text import Token, key_variants

IMO_RE = re.compile(
    r"\b(?:IMO|OMI|ИМО)(?:[\s\-]*(?:No\.?|number|Nummer|numéro|номер|n°))?[\s:#.\-]*(\d{7})\b",
    re.IGNORECASE,
)
MMSI_RE = re.compile(r"\bMMSI(?:[\s\-]*(?:No\.?|number))?[\s:#.\-]*(\d{9})\b", re.IGNORECASE)
VESSEL_CUES = frozenset(
    [
        "tanker",
        "vessel",
        "ship",
        "freighter",
        "cargo",
        "m/v",
        "mv",
        "mt",
        "m/t",
        "tankers",
        "vessels",
        "ships",
        "schiff",
        "schiffe",
        "schiffs",
        "schiffen",
        "tankers",
        "frachter",
        "öltanker",
        "tankschiff",
        "navire",
        "navires",
        "pétrolier",
        "cargo",
        "bateau",
        "танкер",
        "танкера",
        "судно",
        "судна",
        "сухогруз",
        "유조선",
        "화물선",
        "선박",
        "호",
    ]
)
CUE_LINKS = frozenset(
    {"um", "namens", "named", "called", "nomme", "nommé", "под", "названием", "the"}
)
LIST_LINKS = frozenset({"und", "and", "et", "и", "sowie", "or", "oder", "ou"})
COMMON_WORDS = frozenset(
    [
        "kohle",
        "koks",
        "eisen",
        "erz",
        "fisch",
        "ladung",
        "fracht",
        "waren",
        "güter",
        "oil",
        "coal",
        "cargo",
        "fuel",
        "the",
        "a",
        "an",
        "die",
        "der",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einen",
        "mit",
        "von",
        "nach",
        "aus",
        "bei",
        "und",
    ]
)
KO_SHIP_RE = re.compile(
    r"([\uac00-\ud7a3]{2,})\s?호(?=[은는이가을를에의와과도로]|[^\uac00-\ud7a3]|$)"
)
KO_SHIP_CUE_RE = re.compile(r"화물선|유조선|선박|어선|상선")
NAME_WORD_RE = re.compile(r"[A-Z][\w\-]*|\d{1,3}")
NAME_IMO_RE = re.compile(r"((?:[A-Z][\w\-]*\s){0,3}[A-Z][\w\-]*)\s*\(\s*(?:IMO|OMI)")


def imo_valid(number: str) -> bool:
    """The IMO check digit: digits 1-6 weighted 7..2, sum mod 10 equals digit 7."""
    if not re.fullmatch(r"\d{7}", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(number[6])


def find_imos(text: str) -> list[tuple[int, int, str]]:
    """(start, end, number) of every IMO number with a valid check digit."""
    return [
        (m.start(1), m.end(1), m.group(1)) for m in IMO_RE.finditer(text) if imo_valid(m.group(1))
    ]


def find_mmsis(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(1), m.end(1), m.group(1)) for m in MMSI_RE.finditer(text)]


def _near_cue(tokens: Sequence[Token], first: int, last: int) -> bool:
    window = [*tokens[max(0, first - 3) : first], *tokens[last + 1 : last + 3]]
    return any(t.key in VESSEL_CUES for t in window)


def _usable(
    match: GazMatch,
    entry: GazEntry,
    *,
    text: str,
    tokens: Sequence[Token],
    imo_near: bool,
    doc_countries: set[str],
) -> bool:
    if entry.context is not None and entry.context not in doc_countries:
        return False
    if entry.single and entry.source == "list":
        word = text[match.start : match.end]
        if entry.type == "VESSEL":
            return imo_near or _near_cue(tokens, match.first, match.last)
        return word.isupper() and len(word) >= 4
    return True


def gazetteer_mentions(
    text: str,
    tokens: Sequence[Token],
    gaz: Gazetteer,
    *,
    language: str | None,
    imos: list[tuple[int, int, str]] | None = None,
) -> list[Mention]:
    """Mentions of gazetteer names; contextual short names need their country in the text.
    `imos` is `find_imos(text)` when the caller has it already."""
    matches = gaz.find(text, tokens, language)
    doc_countries = {
        e.country for m in matches for e in m.entries if e.type == "COUNTRY" and e.country
    }
    imo_spans = find_imos(text) if imos is None else imos
    mentions: list[Mention] = []
    for match in matches:
        imo_near = any(0 <= s - match.end < 40 for s, _, _ in imo_spans)
        entries = [
            e
            for e in match.entries
            if _usable(
                match, e, text=text, tokens=tokens, imo_near=imo_near, doc_countries=doc_countries
            )
        ]
        if not entries:
            continue
        listed = [e for e in entries if e.source == "list"]
        best = listed[0] if listed else entries[0]
        mentions.append(_mention(text, (match.start, match.end), best))
    return mentions


def _mention(
    text: str,
    span: tuple[int, int],
    entry: GazEntry,
    *,
    source: str = "gazetteer",
    imo: str | None = None,
) -> Mention:
    start, end = span
    return Mention(
        text=text[start:end],
        start=start,
        end=end,
        type=entry.type,
        entity_id=entry.entity_id,
        dataset=entry.dataset,
        score=1.0 if entry.entity_id else None,
        country=entry.country,
        imo=imo or entry.imo,
        label=entry.label,
        source=source,
    )


def vessel_mentions(
    text: str,
    tokens: Sequence[Token],
    gaz: Gazetteer,
    *,
    imos: list[tuple[int, int, str]] | None = None,
) -> list[Mention]:
    """Vessels named after a cue ("the tanker Saebyol", "die Schiffe Petrel 8, Hao Fan 6 und
    Jie Shun", "압록강 호") or right before an IMO number; IMO numbers resolve to listed
    vessels where possible. `imos` is `find_imos(text)` when the caller has it already."""
    found: list[Mention] = []
    imos = find_imos(text) if imos is None else imos
    for i, tok in enumerate(tokens):
        if tok.key in VESSEL_CUES and tok.key != "호":
            for start, end in _names_after(text, tokens, i + 1):
                found.append(_vessel(text, (start, end), imos=imos, gaz=gaz))
    # Korean: a name followed by the ship suffix 호 ("압록강 호", "압록강호")
    for m in KO_SHIP_RE.finditer(text):
        if KO_SHIP_CUE_RE.search(text[max(0, m.start() - 200) : m.start()]):
            found.append(_vessel(text, (m.start(1), m.end(0)), imos=imos, gaz=gaz))
    # "NAME (IMO 1234567)"; the pattern tries every capital, so only where it can match
    if "IMO" in text or "OMI" in text:
        for m in NAME_IMO_RE.finditer(text):
            found.append(_vessel(text, (m.start(1), m.end(1)), imos=imos, gaz=gaz))
    return found


def _names_after(text: str, tokens: Sequence[Token], j: int) -> list[tuple[int, int]]:
    """Capitalised names (with an optional number) after a vessel cue, several when they
    are listed ("Petrel 8, Hao Fan 6, Tong San 2 und Jie Shun")."""
    while j < len(tokens) and tokens[j].key in CUE_LINKS:
        j += 1
    names: list[tuple[int, int]] = []
    while j < len(tokens):
        words: list[Token] = []
        while j < len(tokens) and len(words) < 4:
            tok = tokens[j]
            gap = text[tokens[j - 1].end : tok.start]
            if words and gap != " ":
                break
            if not words and not names and gap.strip() not in {"", "/"}:
                break
            if tok.text.isdigit():
                if not words:
                    break
                words.append(tok)
                j += 1
                break
            if not NAME_WORD_RE.fullmatch(tok.text) or tok.key in LIST_LINKS:
                break
            words.append(tok)
            j += 1
        if not words or not _vessel_like(text, words):
            break
        names.append((words[0].start, words[-1].end))
        if j >= len(tokens):
            break
        gap = text[tokens[j - 1].end : tokens[j].start]
        if gap.strip() == "," or tokens[j].key in LIST_LINKS:
            if tokens[j].key in LIST_LINKS:
                j += 1
            continue
        break
    return names


def _vessel_like(text: str, words: list[Token]) -> bool:
    """German capitalises every noun: there a one-word name needs capitals or a number."""
    if len(words) > 1 or words[0].text.isupper():
        return True
    return bool(re.search(r"[A-Z]", words[0].text)) and words[0].text.lower() not in COMMON_WORDS


def _vessel(
    text: str, span: tuple[int, int], *, imos: list[tuple[int, int, str]], gaz: Gazetteer
) -> Mention:
    start, end = span
    imo = next((n for s, _, n in imos if 0 <= s - end < 40), None)
    listed = gaz.by_imo(imo) if imo else gaz.lookup(text[start:end], source="list")
    listed = [e for e in listed if e.type == "VESSEL"]
    if listed:
        return _mention(text, span, listed[0], source="rule", imo=imo)
    return Mention(
        text[start:end], start, end, "VESSEL", imo=imo, source="rule", label=text[start:end].upper()
    )


def propagate_names(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """Later occurrences of a vessel or multi-word organisation already found once
    ("the vessel Courageous" ... "the Courageous transferred")."""
    out: list[Mention] = []
    seen: set[str] = set()
    for m in mentions:
        name = m.text
        if name in seen or m.type not in {"VESSEL", "ORG"} or len(name) < 4:
            continue
        if m.type == "ORG" and " " not in name:
            continue
        seen.add(name)
        for hit in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            out.append(replace(m, start=hit.start(), end=hit.end(), source="coreference"))
    return out


def surname_mentions(
    text: str, tokens: Sequence[Token], mentions: Sequence[Mention], *, language: str | None
) -> list[Mention]:
    """Later bare surnames of people already named in full ("Hugh Griffiths" ... "Griffiths")."""
    surnames: dict[str, Mention] = {}
    for m in mentions:
        if m.type == "PERSON" and " " in m.text.strip():
            last = m.text.split()[-1]
            for key in key_variants(last, language):
                surnames.setdefault(key, m)
    out: list[Mention] = []
    if not surnames:
        return out
    for tok in tokens:
        if not tok.text[:1].isupper():
            continue
        ref = next((surnames[k] for k in key_variants(tok.text, language) if k in surnames), None)
        if ref is None:
            continue
        out.append(
            Mention(
                tok.text,
                tok.start,
                tok.end,
                "PERSON",
                entity_id=ref.entity_id,
                dataset=ref.dataset,
                score=ref.score,
                country=ref.country,
                label=ref.label,
                source="coreference",
            )
        )
    return out


def merge_mentions(groups: Sequence[Sequence[Mention]]) -> list[Mention]:
    """Non-overlapping mentions; earlier groups win, then longer spans."""
    chosen: list[Mention] = []
    starts: list[int] = []  # chosen spans, sorted by start; they never overlap
    for group in groups:
        for m in sorted(group, key=lambda m: (-(m.end - m.start), m.start)):
            i = bisect_left(starts, m.start)
            if i < len(starts) and starts[i] < m.end:
                continue  # a chosen span starts inside this one
            if i > 0 and chosen[i - 1].end > m.start:
                continue  # the chosen span before this one reaches into it
            starts.insert(i, m.start)
            chosen.insert(i, m)
    return chosen

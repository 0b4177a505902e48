"""Activity detection: indicator hits near a DPRK reference, with direction, assertion,
actors, provisions and exemptions (algorithm `activities_v1`).

For each sentence: find category indicators; keep them only when the sentence refers to the
DPRK (a KP name, a DPRK adjective, Pyongyang, a KP-linked list entity) and is not about
another sanctioned state; decide the direction (the category's own, or flow cues for
categories that go both ways); decide the assertion from cue words in the clause around the
hit; record exemption indicators as exemptions, and mark activities exempt when an exemption
that applies to their category is in the same sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any, TypeVar

import yaml

from sanctionwatch.documents import cues
from sanctionwatch.documents.countries import Demonyms, country_name
from sanctionwatch.documents.indicators import Hit, IndicatorIndex, token_words
from sanctionwatch.documents.model import Activity, Exemption, Mention
from sanctionwatch.documents.regime import Regime
from sanctionwatch.documents.text import Token, fold, sentences

ALGORITHM = "activities_v1"
CLAUSE_RE = re.compile(r"[,;:–—]\s|\s-\s|\(|\)")
ARMS_PAIR = ("arms_to_dprk", "arms_from_dprk")
TESTS = "nuclear_missile_tests_launches"
WMD = "wmd_missile_items"
TRANSFER_CATEGORIES = ("arms_to_dprk", "arms_from_dprk", "wmd_missile_items")
CONTEXT_WINDOW = 3  # sentences after a DPRK reference that still count as about the DPRK
LEDE_WINDOW = 2  # sentences after a lede in which the DPRK must be named for the lede to count
TITLE_MAX = 250
DEFAULT_ASSERTION = "reported_violation"  # the source states the act, with no hedge or rule cue


@dataclass(frozen=True)
class ActivityResult:
    activities: tuple[Activity, ...]
    exemptions: tuple[Exemption, ...]


class ActivityDetector:
    """Compiled indicators of one regime."""

    def __init__(self, regime: Regime) -> None:
        self.regime = regime
        extra = extra_indicators()
        terms: dict[str, dict[str, tuple[str, ...]]] = {}
        for cid, category in regime.categories.items():
            merged = {lang: tuple(t) for lang, t in category.indicators.items()}
            for lang, more in extra["extra"].get(cid, {}).items():
                merged[lang] = (*merged.get(lang, ()), *more)
            terms[cid] = merged
        self.categories = IndicatorIndex.from_mapping(terms)
        self.weak = {cid: {fold(t) for t in ts} for cid, ts in extra["weak"].items()}
        exempt_terms: dict[str, dict[str, tuple[str, ...]]] = {}
        for xid, rule in regime.exemptions.items():
            merged = {lang: tuple(t) for lang, t in rule.indicators.items()}
            for lang, more in extra.get("exemptions", {}).get(xid, {}).items():
                merged[lang] = (*merged.get(lang, ()), *more)
            if merged:
                exempt_terms[xid] = merged
        self.exemptions = IndicatorIndex.from_mapping(exempt_terms)

    def detect(
        self,
        text: str,
        tokens: Sequence[Token],
        mentions: Sequence[Mention],
        *,
        language: str,
        folded: str | None = None,
        demonyms: Demonyms | None = None,
    ) -> ActivityResult:
        """Activities and exemptions of one document; `folded` (`fold(text)`) and
        `demonyms` may be passed when the caller has them already."""
        activities: list[Activity] = []
        exemptions: list[Exemption] = []
        folded_doc = fold(text) if folded is None else folded
        demonyms = demonyms or Demonyms(folded_doc)
        doc = cues.CueSpans(folded_doc)
        names = sorted(
            (m for m in mentions if m.type in {"ORG", "PERSON", "VESSEL"}), key=lambda m: m.start
        )
        # a term inside a longer name is part of the name ("Workers" in "Workers' Party")
        words = token_words(folded_doc, tokens)
        cat_hits = [
            h
            for h in self.categories.find(folded_doc, tokens, language, words=words)
            if not _inside_name(h, names)
        ]
        exempt_hits = self.exemptions.find(folded_doc, tokens, language, words=words)
        if language != "en":  # agency names (WFP, UNICEF) are written in English everywhere
            exempt_hits += [
                h
                for h in self.exemptions.find(folded_doc, tokens, "en", words=words)
                if h.term.isupper()
            ]
        dprk_in_doc = doc.has(cues.DPRK_REF, 0, len(text))
        mentions = sorted(mentions, key=lambda m: m.start)
        cat_hits.sort(key=lambda h: h.start)
        exempt_hits.sort(key=lambda h: h.start)
        since_dprk = CONTEXT_WINDOW + 1
        title_end = title_span(text)
        spans = sentences(text)
        own = [_refers_to_dprk(doc, span, _within(mentions, *span)) for span in spans]
        lede = next((n for n, (_, e) in enumerate(spans) if e > title_end), None)
        for n, (start, end) in enumerate(spans):
            sent = text[start:end]
            s_mentions = _within(mentions, start, end)
            s_exempt = _within(exempt_hits, start, end)
            own_dprk = own[n]
            # A sentence shortly after a DPRK sentence usually continues its story ("the
            # vessels"), unless it names a third country without pointing back to the DPRK
            # ("from that country to the Russian Federation"). A news lede states the story
            # that the next sentences attribute ("The U.S. government has seized an oil
            # tanker ..." before the DPRK is named).
            has_dprk = (
                own_dprk
                or (
                    since_dprk < CONTEXT_WINDOW
                    and (not _names_other_country(s_mentions) or doc.has(cues.ANAPHOR, start, end))
                )
                or (n == lede and any(own[n + 1 : n + 1 + LEDE_WINDOW]))
            )
            since_dprk = 0 if own_dprk else since_dprk + 1
            if end <= title_end:
                continue  # a headline repeats the story told below it
            for hit in s_exempt:
                if has_dprk or dprk_in_doc:
                    exemptions.append(Exemption(hit.owner, start, end, sent))
            if not has_dprk or _other_target(doc, (start, end), s_mentions):
                continue
            s_hits = _within(cat_hits, start, end)
            activities.extend(
                self._sentence(
                    text,
                    doc,
                    (start, end),
                    hits=s_hits,
                    mentions=s_mentions,
                    exempt=s_exempt,
                    demonyms=demonyms,
                )
            )
        return ActivityResult(
            tuple(_discourse_mode(activities)), tuple(_dedupe_exemptions(exemptions))
        )

    def _sentence(
        self,
        text: str,
        doc: cues.CueSpans,
        span: tuple[int, int],
        *,
        hits: list[Hit],
        mentions: list[Mention],
        exempt: list[Hit],
        demonyms: Demonyms,
    ) -> list[Activity]:
        start, end = span
        by_cat: dict[str, list[Hit]] = {}
        for hit in _outermost(hits):
            by_cat.setdefault(hit.owner, []).append(hit)
        sent = text[start:end]
        flow = _flow(doc, start, end)
        by_cat = _opposite_terms(by_cat, self.regime, flow)
        strong = {
            c
            for c, hs in by_cat.items()
            if any(fold(h.term) not in self.weak.get(c, ()) for h in hs)
        }
        by_cat = self._arms(by_cat, strong, doc=doc, clause_of=lambda h: _clause(text, span, h))
        if strong:  # weak-only categories step back when a specific one fires
            by_cat = {c: hs for c, hs in by_cat.items() if c in strong}
        if WMD in strong and doc.has(cues.PROGRAMME, start, end):
            # "programmes of weapons of mass destruction and ballistic missiles"
            for cid in ARMS_PAIR:
                by_cat.pop(cid, None)
        if TESTS in strong and flow is None:
            # "launches of ballistic missiles": a test or launch, not a transfer
            for cid in TRANSFER_CATEGORIES:
                by_cat.pop(cid, None)
        out: list[Activity] = []
        for cid, c_hits in by_cat.items():
            category = self.regime.categories[cid]
            hit = c_hits[0]
            lo, hi = _clause(text, span, hit)
            direction = category.direction
            if direction == "both":
                direction = _flow(doc, lo, hi) or flow or "both"
            assertion = _assertion(doc, (lo, hi), span)
            if any(self._exempts(x.owner, cid) for x in exempt):
                assertion = "exempt_or_permitted"
            out.append(
                Activity(
                    category=cid,
                    direction=direction,
                    assertion=assertion,
                    start=start,
                    end=end,
                    evidence=sent,
                    actors=_actors(mentions, direction, demonyms.codes(start, end)),
                    provisions=category.provisions,
                    cues=tuple(dict.fromkeys(h.term for h in c_hits)),
                )
            )
        return out

    def _arms(
        self,
        by_cat: dict[str, list[Hit]],
        strong: set[str],
        *,
        doc: cues.CueSpans,
        clause_of: Callable[[Hit], tuple[int, int]],
    ) -> dict[str, list[Hit]]:
        """Arms to or from the DPRK: one of the two, by the flow cues of the clause, else by
        terms only one side lists (artillery shells: from; fighter jets: to), else from the
        DPRK (the usual direction in reporting since 2022)."""
        to_hits, from_hits = by_cat.get(ARMS_PAIR[0], []), by_cat.get(ARMS_PAIR[1], [])
        if not to_hits and not from_hits:
            return by_cat
        to_spans = {(h.start, h.end) for h in to_hits}
        from_spans = {(h.start, h.end) for h in from_hits}
        to_own = [
            h
            for h in to_hits
            if (h.start, h.end) not in from_spans
            and fold(h.term) not in self.weak.get(ARMS_PAIR[0], ())
        ]
        from_own = [
            h
            for h in from_hits
            if (h.start, h.end) not in to_spans
            and fold(h.term) not in self.weak.get(ARMS_PAIR[1], ())
        ]
        anchor = (from_own or to_own or from_hits or to_hits)[0]
        lo, hi = clause_of(anchor)
        flow = _flow(doc, lo, hi)
        out = {c: hs for c, hs in by_cat.items() if c not in ARMS_PAIR}
        if flow is None and doc.has(cues.BETWEEN, lo, hi):
            # "between the DPRK and any Member State": both directions
            out[ARMS_PAIR[0]] = to_hits or from_hits
            out[ARMS_PAIR[1]] = from_hits or to_hits
            if strong & set(ARMS_PAIR):
                strong.update(ARMS_PAIR)
            return out
        if flow is not None:
            keep = "arms_" + flow
        elif to_own and not from_own:
            keep = ARMS_PAIR[0]
        else:
            keep = ARMS_PAIR[1]
        out[keep] = [*from_hits, *to_hits]
        if ARMS_PAIR[0] in strong or ARMS_PAIR[1] in strong:
            strong.add(keep)
        return out

    def _exempts(self, exemption_id: str, category_id: str) -> bool:
        rule = self.regime.exemptions.get(exemption_id)
        if rule is None:
            return False
        if exemption_id == "food_aid_into_dprk":
            return False  # food aid stands alone; it does not clear other goods
        return rule.applies_to is None or category_id in rule.applies_to


def title_span(text: str) -> int:
    """End offset of a headline: a short first line without a full stop, with a body below
    it; 0 when there is none."""
    first, sep, rest = text.lstrip().partition("\n")
    first = first.rstrip()
    if not sep or not rest.strip() or len(first) > TITLE_MAX or first[-1:] in '.!?…"»”':
        return 0
    return text.index(first) + len(first)


def _opposite_terms(
    by_cat: dict[str, list[Hit]], regime: Regime, flow: str | None
) -> dict[str, list[Hit]]:
    """One term in two categories of opposite direction (Eisen: iron exports, or metals
    imports): keep the side the flow cues point to."""
    if flow not in {"to_dprk", "from_dprk"}:
        return by_cat
    out = dict(by_cat)
    for cid, hits in by_cat.items():
        direction = regime.categories[cid].direction
        if direction in {"both", "internal", flow} or cid in ARMS_PAIR:
            continue
        spans = {(h.start, h.end) for h in hits}
        shared = any(
            (o.start, o.end) in spans
            for other, o_hits in by_cat.items()
            if other != cid and regime.categories[other].direction == flow
            for o in o_hits
        )
        if shared:
            out.pop(cid)
    return out


def _outermost(hits: list[Hit]) -> list[Hit]:
    """Drop hits inside a longer hit of another category ("발사체" in "우주 발사체 엔진")."""
    return [
        h
        for h in hits
        if not any(
            o.owner != h.owner
            and o.start <= h.start
            and h.end <= o.end
            and (o.end - o.start) > (h.end - h.start)
            for o in hits
        )
    ]


def extra_indicators() -> dict[str, Any]:
    """The package's supplementary and weak indicator terms (`data/indicators.yaml`)."""
    path = resources.files("sanctionwatch.documents") / "data" / "indicators.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _names_other_country(mentions: list[Mention]) -> bool:
    """A place other than the DPRK and Russia (its main partner in current reporting)."""
    return any(
        m.type in {"COUNTRY", "LOCATION"} and m.country not in {"KP", "RU", None} for m in mentions
    )


def _discourse_mode(activities: list[Activity]) -> list[Activity]:
    """A text that mostly describes rules (a legal act, a press release on new measures)
    describes rules throughout: activities with no cue of their own follow that mode."""
    if len(activities) < 3:
        return activities
    rules = sum(a.assertion == "prohibition_statement" for a in activities)
    if rules * 3 < len(activities) * 2:
        return activities
    return [
        replace(a, assertion="prohibition_statement") if a.assertion == DEFAULT_ASSERTION else a
        for a in activities
    ]


Spanned = TypeVar("Spanned", Mention, Hit)


def _within(items: Sequence[Spanned], start: int, end: int) -> list[Spanned]:
    """Items (sorted by start) that start inside [start, end)."""
    out = []
    for item in items[_bisect(items, start) :]:
        if item.start >= end:
            break
        out.append(item)
    return out


def _bisect(items: Sequence[Spanned], start: int) -> int:
    """The index of the first item starting at or after `start` (items sorted by start)."""
    return bisect_left(items, start, key=_start)


def _start(item: Spanned) -> int:
    return item.start


def _inside_name(hit: Hit, names: Sequence[Mention]) -> bool:
    """The hit lies inside a longer name (names are sorted and do not overlap)."""
    i = _bisect(names, hit.start + 1) - 1
    if i < 0:
        return False
    name = names[i]
    return (
        name.start <= hit.start
        and hit.end <= name.end
        and (name.end - name.start > hit.end - hit.start)
    )


def _refers_to_dprk(doc: cues.CueSpans, span: tuple[int, int], mentions: list[Mention]) -> bool:
    if any(m.country == "KP" for m in mentions):
        return True
    return doc.has(cues.DPRK_REF, *span)


def _other_target(doc: cues.CueSpans, span: tuple[int, int], mentions: list[Mention]) -> bool:
    """The sentence is about another sanctioned state (Iranian drones for Russia)."""
    return doc.has(cues.OTHER_TARGET, *span) and not any(m.country == "KP" for m in mentions)


def _clause(text: str, span: tuple[int, int], hit: Hit) -> tuple[int, int]:
    """The clause around a hit, widened to the clause before it for cue words."""
    start, end = span
    cuts = [start, *(start + m.end() for m in CLAUSE_RE.finditer(text[start:end])), end]
    # A multi-word term may run past the sentence end (a line break inside it): clamp.
    lo = max((c for c in cuts if c <= hit.start), default=start)
    hi = min((c for c in cuts if c >= hit.end), default=end)
    lo = cuts[max(0, cuts.index(lo) - 1)]
    return lo, hi


def _flow(doc: cues.CueSpans, start: int, end: int) -> str | None:
    to = doc.has(cues.TO_DPRK, start, end)
    frm = doc.has(cues.FROM_DPRK, start, end)
    if to and not frm:
        return "to_dprk"
    if frm and not to:
        return "from_dprk"
    return None


SENTENCE_WIDE = frozenset({"negated", "prohibition_statement", "alleged_violation", "attempted"})


def _assertion(doc: cues.CueSpans, clause: tuple[int, int], sentence: tuple[int, int]) -> str:
    """The first cue in the clause; else a hedge, rule, negation or attempt anywhere in the
    sentence; else the default (the source states the act)."""
    for name, pattern in cues.ASSERTION_CUES:
        if doc.has(pattern, *clause):
            return name
    for name, pattern in cues.ASSERTION_CUES:
        if name in SENTENCE_WIDE and doc.has(pattern, *sentence):
            return name
    return DEFAULT_ASSERTION


def _actors(
    mentions: list[Mention], direction: str, adjectives: Sequence[str]
) -> tuple[dict[str, str | None], ...]:
    """Who supplies and who receives: DPRK-linked names on one side, the others on the other
    side; countries named only by an adjective in the sentence ("russische Expertise") count
    as parties too. For the DPRK's own conduct (`internal`) the DPRK is the actor."""
    actors: list[dict[str, str | None]] = []
    seen: set[str] = set()
    parties = [
        (
            country_name(m.country) if m.type == "COUNTRY" and m.country else m.label or m.text,
            m.entity_id,
            m.country,
        )
        for m in mentions
    ]
    parties += [(country_name(code), None, code) for code in adjectives]
    for name, entity_id, country in parties:
        if name in seen:
            continue
        seen.add(name)
        actors.append(
            {
                "role": _role(direction, dprk=country == "KP"),
                "name": name,
                "entity_id": entity_id,
                "country": country,
            }
        )
    return tuple(actors)


def _role(direction: str, *, dprk: bool) -> str:
    if direction == "from_dprk":
        return "supplier" if dprk else "receiver"
    if direction == "to_dprk":
        return "receiver" if dprk else "supplier"
    if direction == "internal":
        return "actor" if dprk else "party"
    return "party"


def _dedupe_exemptions(items: list[Exemption]) -> list[Exemption]:
    seen: dict[tuple[str, int], Exemption] = {}
    for x in items:
        seen.setdefault((x.id, x.start), x)
    return list(seen.values())

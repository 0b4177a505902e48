"""Cue words for assertion, direction and DPRK reference, in the five working languages.

Patterns are regular expressions over the case-folded, accent-stripped text (see
`text.fold`), so "Séoul" is written "seoul" and "könnte" "konnte". Order matters in
`ASSERTION_CUES`: the first assertion whose cue occurs in the clause wins.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

# Words that refer to the DPRK without naming it as a country (adjectives, the leader, the
# capital); names themselves come from the gazetteer (country code KP).
DPRK_REF = re.compile(
    r"north[- ]korea|nordkorea|nord-?core|coree du nord|rpdc|dprk|dvrk|кндр|северн\w* коре|"
    r"северокорейск|пхеньян|pyongyang|pjongjang|kim jong|ким чен|북한|대북|방북|조선|평양|김정은|"
    r"나진|남포|nampo|rason|rajin|раджин"
)
# Words that point back to a country named before ("from that country"); as a DPRK
# reference they only count right after a DPRK sentence.
ANAPHOR = re.compile(
    r"\b(?:that|this|the same) country\b|\bdiese[sm]? land|\bce(?:t)? (?:meme )?pays\b|"
    r"\bэт\w* стран|\bданн\w* стран|그 나라|이 나라|해당 국가"
)
OTHER_TARGET = re.compile(r"\biran|иран|이란|\bsyri|сири|시리아")

NEGATION = re.compile(
    r"\bno evidence|\bnot (?:been )?found|\bnothing was found|\bdenied\b|\bdenies\b|\bdeny\b|"
    r"\bfalse (?:information|claims)|\bweder\b|\bkeine?n?\b.{0,40}\b(?:gefunden|beweise|hinweise)|"
    r"\bbestritt|\bdementi|fausses informations|\bnie\b|\bни\b|\bне (?:были )?(?:обнаружен|найден)|"
    r"\bопроверг|발견되지|없었|부인했|않았다"
)
EXEMPT = re.compile(
    r"\bexempt|exemption|\bausnahme|\bfreigestellt|\bderogation|\bexemption accordee|"
    r"освобод|исключени|изъяти|면제|승인했|인도적 지원|humanitarian aid|humanitare hilfe|"
    r"aide humanitaire|гуманитарн\w* помощ|гуманитарн\w* деятельн"
)
PROHIBITION = re.compile(
    r"\bprohibit|\bban(?:s|ned)? (?:on|the)\b|\bmust comply|\bbarred from|\bforbid|"
    r"\bverbot(?:e|en)?\b|\bverbiete|\bbeschrankung|\beinfuhrverbot|\bausfuhrverbot|\bverhindern|"
    r"\beinzufrieren sind|\binterdi[st]|\binterdiction|запрещ|запрет|금지"
)
ENFORCEMENT = re.compile(
    r"\bseized|\bseizure|\bforfeit|\bimpounded|\bdetained|\bport entry ban|\bdenied port|"
    r"\bbeschlagnahm|\bfestgesetzt|\beinlaufverbot|\bhafenverbot|\bsaisi|\bimmobilis|"
    r"арестован|задержан|запрет на заход|압류|나포|억류|입항 금지"
)
DESIGNATION = re.compile(
    r"\bdesignat|\bimposed sanctions|\bsanctioned (?:two|\w+ entities)|\bsanctions on\b|"
    r"\bfor having\b|\bsanktionen gegen\b.{0,60}\bverhangt|\bvom komitee bestimmt|"
    r"\bbestimmt worden|"
    r"\bsanctionn[ee]|\bdesign[ee]s?\b|попал[аи]? в (?:перечень|список)|ввел[аи]? санкции|"
    r"санкци\w* против|под рестрикци|제재 대상|제재를 부과|독자제재"
)
INVESTIGATION = re.compile(
    r"\binvestigat|\bprobe\b|\bermittl|\buntersuch|\benquete|расследова|조사 중|수사"
)
ATTEMPT = re.compile(
    r"\bseeking\b|\bseeks\b|\battempt|\btried to\b|\bplans? to\b|\bversuch|\bplant\b|\btente|"
    r"\bcherch|пытает|пытал|намерен|планиру|추진|계획|할 수 있|이뤄질 수|전망|선발 작업"
)
ALLEGED = re.compile(
    r"\breportedly\b|\ballegedly\b|\ballegation|\balleged\b|\blikely\b|\bsuspected\b|"
    r"\bsaid to\b|\bclaimed\b|\baccording to\b|\bsoll(?:en|te|ten)?\b|\bmutmasslich|\bangeblich|"
    r"\bkonnte\b|\bkonnten\b|\bwurden\b.{0,40}\bausgebildet|\blaut\b|\bnach informationen|"
    r"\bselon\b|\bserai(?:t|ent)\b|\baurai(?:t|ent)\b|\baccus|\breproch|по данным|якобы|"
    r"предположительно|может свидетельствовать|по информации|по словам|것으로 알려|추정|의혹|"
    r"것으로 보인"
)
CONTEXT = re.compile(
    r"\bpraised\b|\bcondemned\b|\bin response to\b|\bals reaktion\b|\bwelcomed\b|"
    r"\bappel\w* a l.arret|\bпереговоры\b|\bведет переговоры|채택된|이후"
)

ASSERTION_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("negated", NEGATION),
    ("exempt_or_permitted", EXEMPT),
    ("enforcement_action", ENFORCEMENT),
    ("prohibition_statement", PROHIBITION),
    ("designation_basis", DESIGNATION),
    ("under_investigation", INVESTIGATION),
    ("attempted", ATTEMPT),
    ("alleged_violation", ALLEGED),
    ("context_mention", CONTEXT),
)

# Flow cues: goods going into the DPRK, or out of it.
TO_DPRK = re.compile(
    r"\b(?:to|into) (?:the )?(?:dprk|north korea|pyongyang)|\bnach nordkorea|\ban nordkorea|"
    r"\bin die (?:dvrk|volksrepublik)|\bvers (?:la )?(?:coree du nord|rpdc)|\ben coree du nord|"
    r"\bв (?:кндр|северную корею|пхеньян)|북한에|북한으로|대북|\berhalten\b|\breceiv|\bobtain|"
    r"\brecevoir|\bполуч|받|\bprocuring\b|\bbeschaff|\bseeking\b|\bfrom russia\b|"
    r"\bdischarg\w* (?:her |its |the )?cargo|\bfournir a (?:la )?coree|\bassistance to|"
    r"\bausgebildet|\btrained\b|\bformes\b|\bобуча"
)
FROM_DPRK = re.compile(
    r"\bfrom (?:the )?(?:dprk|north korea|pyongyang|that country)|\bto (?:the )?russia|"
    r"\bnach russland|\ban russland|\baus nordkorea|\baus der dvrk|\bvers la russie|"
    r"\bde la coree du nord|\ben provenance|\bв россию|\bв рф\b|\bиз кндр|\bиз северной кореи|"
    r"러시아에|러시아로|대러|\bmanufactured by|\bsupplied by|\bfournis par|\bexport|\bausfuhr|"
    r"\bentsand|\bsending\b|\bsent\b|\bотправ|파병|파견|수출|\bexportation|\bused by russia|"
    r"\bpar la russie"
)

BETWEEN = re.compile(r"\bbetween\b|\bzwischen\b|\bentre\b|\bмежду\b|사이")
PROGRAMME = re.compile(r"\bprogram|программ|프로그램|개발 계획")


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression (split on | outside groups)."""
    parts: list[str] = []
    current: list[str] = []
    depth, escaped = 0, False
    for ch in pattern:
        if escaped:
            current.append(ch)
            escaped = False
            continue
        if ch == "\\":
            escaped = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def _literal_prefix(alternative: str) -> str:
    """The plain characters an alternative starts with (after a leading \\b)."""
    body = alternative.removeprefix("\\b")
    out = []
    for i, ch in enumerate(body):
        if ch in ".^$*+?{}[]()|\\":
            break
        if i + 1 < len(body) and body[i + 1] in "?*{":
            break  # the character is optional
        out.append(ch)
    return "".join(out)


class CueIndex:
    """All cue patterns split into alternatives; those that start with at least two plain
    characters are found through one Aho-Corasick scan, the rest by their own regex."""

    def __init__(self, patterns: tuple[re.Pattern[str], ...]) -> None:
        import ahocorasick  # type: ignore[import-not-found,unused-ignore]

        self.automaton = ahocorasick.Automaton()
        self.unindexed: dict[re.Pattern[str], list[re.Pattern[str]]] = {}
        by_prefix: dict[str, list[tuple[re.Pattern[str], re.Pattern[str]]]] = {}
        for pattern in patterns:
            self.unindexed[pattern] = []
            for alt in _alternatives(pattern.pattern):
                compiled = re.compile(alt, pattern.flags)
                prefix = _literal_prefix(alt)
                if len(prefix) >= 2:
                    by_prefix.setdefault(prefix, []).append((pattern, compiled))
                else:
                    self.unindexed[pattern].append(compiled)
        for prefix, items in by_prefix.items():
            self.automaton.add_word(prefix, (len(prefix), tuple(items)))
        self.automaton.make_automaton()

    def scan(self, folded: str) -> dict[re.Pattern[str], list[tuple[int, int]]]:
        """Every match of every pattern in `folded`, sorted by start."""
        found: dict[re.Pattern[str], list[tuple[int, int]]] = {p: [] for p in self.unindexed}
        for last, (length, items) in self.automaton.iter(folded):
            begin = last - length + 1
            for pattern, alt in items:
                m = alt.match(folded, begin)
                if m is not None:
                    found[pattern].append((m.start(), m.end()))
        for pattern, alts in self.unindexed.items():
            for alt in alts:
                found[pattern].extend((m.start(), m.end()) for m in alt.finditer(folded))
        for spans in found.values():
            spans.sort()
        return found


ALL_CUES = (
    DPRK_REF,
    ANAPHOR,
    OTHER_TARGET,
    TO_DPRK,
    FROM_DPRK,
    BETWEEN,
    PROGRAMME,
    *(p for _, p in ASSERTION_CUES),
)


@lru_cache(maxsize=1)
def cue_index() -> CueIndex:
    return CueIndex(ALL_CUES)


class CueSpans:
    """Where each cue pattern matches in one folded document, found in one scan; then
    "does this clause contain a cue" is a binary search instead of a regex run."""

    def __init__(self, folded: str) -> None:
        self.folded = folded
        self._spans = {
            p: ([a for a, _ in spans], [b for _, b in spans])
            for p, spans in cue_index().scan(folded).items()
        }

    def has(self, pattern: re.Pattern[str], start: int, end: int) -> bool:
        """A match of `pattern` lies inside [start, end)."""
        starts, ends = self._spans[pattern]
        i = bisect_left(starts, start)
        while i < len(starts) and starts[i] < end:
            if ends[i] <= end:
                return True
            i += 1
        return False

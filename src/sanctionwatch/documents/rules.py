"""Rule-based name spans where no statistical model helps: company forms, Korean names and
organisations, German person names (no German NER model ships on PyPI).

Each function is pure: text (and tokens) in, unlinked mentions out.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from sanctionwatch.documents.model import Mention
from sanctionwatch.documents.text import Token, is_cyrillic
from sanctionwatch.documents.titles import GERMAN_TITLE_WORDS

CAP = r"[A-Z][\w&'’\-]*"
COMPANY_RE = re.compile(
    rf"\b((?:{CAP}\s){{1,4}})(LLC|L\.L\.C\.|Ltd\.?|Limited|GmbH|AG|Inc\.|Corp\.|Corporation|"
    r"Company|Co\.,?\s?Ltd\.?|OOO|JSC|PJSC|S\.A\.|SARL)(?![\w])"
)
COMPANY_FORM_RE = re.compile(
    r"LLC|L\.L\.C\.|Ltd|Limited|GmbH|AG|Inc\.|Corp\.|Corporation|Company|Co\.|OOO|JSC|S\.A\.|SARL"
)
RU_ORG_RE = re.compile(
    r"(?:ООО|ОАО|ЗАО|ПАО|АО|[Бб]анк[а-я]*)\s*«[^»\n]{1,60}»|[А-ЯЁ][а-яё]+(?:ый|ий|ой) банк\b"
)
KO_SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송류유홍전고문양손배백허남심노하곽성차주우구민"
    "진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어편"
    "용예경봉사부가복태목형피두감호"
)
KO_TITLES = (
    r"장관|의원|위원장|대표|총장|사무총장|대통령|총리|국장|대변인|청장|원장|실장|차관|대사|부장|"
    r"위원|교수|씨|서기|비서|국무위원장|외무상|국방상|장군|사령관|당선인|후보"
)
KO_BETWEEN = r"\s?(?:[가-힣A-Za-z]+\s)?(?:전\s|前\s|당시\s)?"  # 이인영 통일부 장관, 김연철 전 장관
KO_TITLE_END = r"(?=[은는이가을를의과와도에]|[^가-힣]|$)"
KO_PERSON_RE = re.compile(
    rf"(?<![가-힣])([{KO_SURNAMES}][가-힣]{{2}})(?={KO_BETWEEN}(?:{KO_TITLES}){KO_TITLE_END})"
)
KO_FOREIGN_PERSON_RE = re.compile(  # 데이비드 비즐리 WFP 사무총장
    rf"(?<![가-힣])([가-힣]{{2,5}}\s[가-힣]{{2,5}})(?=\s(?:[A-Za-z]+\s)?(?:{KO_TITLES}){KO_TITLE_END})"
)
KO_ORG_RE = re.compile(
    r"(?:(?:국회|유엔|정부|북한|러시아|미국|중국|일본|한국)\s)?"
    r"[가-힣]{2,}(?:위원회|사무소|협의회|연구원|연구소|재단|협회|공사|정보원|외교부|국방부|"
    r"통일부|재무부|국무부|안보회의|의힘)(?![가-힣])"
)


def company_mentions(text: str) -> list[Mention]:
    """Names with a company form (Mokran LLC, Банк «Спутник», Дальневосточный банк)."""
    out: list[Mention] = []
    # Both patterns try every word; a cheap search for a company form or a Cyrillic letter
    # first skips the texts where they cannot match.
    if COMPANY_FORM_RE.search(text):
        out += [
            Mention(m.group(0), m.start(), m.end(), "ORG", source="rule")
            for m in COMPANY_RE.finditer(text)
        ]
    if is_cyrillic(text):
        out += [
            Mention(m.group(0), m.start(), m.end(), "ORG", source="rule")
            for m in RU_ORG_RE.finditer(text)
        ]
    return out


def korean_mentions(text: str) -> list[Mention]:
    """Korean persons (a surname and given name before a title: 이성권 의원) and
    organisations (a name ending in 위원회, 사무소, ...)."""
    out = [
        Mention(m.group(1), m.start(1), m.end(1), "PERSON", source="rule")
        for m in KO_PERSON_RE.finditer(text)
    ]
    native = [(m.start, m.end) for m in out]
    out += [
        Mention(m.group(1), m.start(1), m.end(1), "PERSON", source="rule")
        for m in KO_FOREIGN_PERSON_RE.finditer(text)
        if not any(a < m.end(1) and m.start(1) < b for a, b in native)
        and not re.search(KO_TITLES + "|간사|측|부|회|당시|^전$|^현$", m.group(1).split()[0])
    ]
    out += [
        Mention(m.group(0), m.start(), m.end(), "ORG", source="rule")
        for m in KO_ORG_RE.finditer(text)
    ]
    return out


@lru_cache(maxsize=1)
def german_vocabulary() -> frozenset[str]:
    """German word forms and lemmas from `spacy-lookups-data` (about 400,000)."""
    path = resources.files("spacy_lookups_data") / "data" / "de_lemma_lookup.json.gz"
    table: dict[str, str] = json.loads(gzip.decompress(path.read_bytes()))
    return frozenset(table) | frozenset(table.values())


def german_person_names(text: str, tokens: Sequence[Token]) -> list[Mention]:
    """Two or three adjacent capitalised words that German does not know (Keir Starmer,
    Kyrylo Budanow): likely a foreign person name. Used only for German text."""
    vocab = german_vocabulary()
    out: list[Mention] = []
    run: list[Token] = []

    def flush() -> None:
        if run and run[0].text.lower().endswith(GERMAN_TITLE_WORDS):
            run.pop(0)  # "Premierminister Keir Starmer": the title is not the name
        if 2 <= len(run) <= 3:
            out.append(
                Mention(
                    text[run[0].start : run[-1].end],
                    run[0].start,
                    run[-1].end,
                    "PERSON",
                    source="rule:de-names",
                )
            )
        run.clear()

    for tok in tokens:
        word = tok.text
        unknown = (
            word[:1].isupper()
            and word[1:].islower()
            and word.isalpha()
            and len(word) > 1
            and word not in vocab
            and word.lower() not in vocab
        )
        adjacent = bool(run) and text[run[-1].end : tok.start] == " "
        if unknown and (not run or adjacent):
            run.append(tok)
        else:
            flush()
            if unknown:
                run.append(tok)
    flush()
    return out

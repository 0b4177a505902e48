"""Publication dates: from a dateline at the top of a plain text, or from a metadata value
(HTML, RSS/Atom, PDF) in whatever form it comes. Dates are ISO strings (`2026-02-27`).

A dateline is a date on one of the first lines that stands on its own: the whole line
("27.02.2026", "Published: February 27, 2026 10:15", "입력 2026.02.27 15:30"), or the start
of a line before a dash, alone or after a place name or a weekday ("BERLIN, 27. Februar
2026 –", "Séoul, le 27 février 2026 -"). A date inside a sentence ("Executive Order 13722 of
March 15, 2016", "Der Rat hat am 27. Februar 2017 ...") is an event, not the publication
date, and is never taken: a wrong date is worse than none. Day/month order with slashes
(02/03/2026) differs between the US and Europe, so that form is not read.
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime
from email.utils import parsedate_to_datetime

HEAD_LINES = 6  # a dateline sits above or right below the headline
HEAD_CHARS = 1500
LINE_HEAD = 120  # a dateline's date starts within a label, a place and a weekday of the start

_MONTH_NAMES = [
    "january jan januar janvier janv январь января янв",
    "february feb februar février fevrier févr fevr февраль февраля фев",
    "march mar märz maerz mars март марта мар",
    "april apr avril avr апрель апреля апр",
    "may mai май мая",
    "june jun juni juin июнь июня",
    "july jul juli juillet juil июль июля",
    "august aug août aout август августа авг",
    "september sep sept septembre сентябрь сентября сен сент",
    "october oct oktober okt octobre октябрь октября окт",
    "november nov novembre ноябрь ноября ноя",
    "december dec dez dezember décembre decembre déc декабрь декабря дек",
]
MONTHS = {name: n for n, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()}
WEEKDAYS = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonnabend",
    "sonntag",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "понедельник",
    "вторник",
    "среда",
    "четверг",
    "пятница",
    "суббота",
    "воскресенье",
]
LABELS = (
    "published on|published|posted on|posted|last updated|updated|update|dated|date|"
    "veröffentlicht am|veröffentlicht|aktualisiert am|aktualisiert|stand|datum|"
    "publié le|publié|mis à jour le|mis à jour|date de publication|"
    "опубликовано|обновлено|дата публикации|дата|"
    "기사입력|입력|등록|수정|작성|발행|승인"
)

_MONTH = "(?P<name>" + "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
YEAR_RE = re.compile(r"(?:19|20)\d\d")
_NUM = r"(?P<month>[01]?\d)"
# Date forms; each has the groups year, day and either month (a number) or name.
DATE_FORMS = tuple(
    re.compile(form, re.IGNORECASE)
    for form in (
        rf"(?<!\d){_YEAR}-{_NUM}-{_DAY}(?!\d)",  # 2026-02-27
        rf"(?<![\d.]){_DAY}\.\s?{_NUM}\.\s?{_YEAR}(?!\d)",  # 27.02.2026
        rf"(?<!\d){_YEAR}[./]\s?{_NUM}[./]\s?{_DAY}(?![\d])\.?",  # 2026.02.27 (Korean sites)
        rf"(?<!\d){_YEAR}\s?년\s?{_NUM}\s?월\s?{_DAY}\s?일",  # 2026년 2월 27일
        rf"(?<!\w){_MONTH}\s+{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR}(?!\d)",  # February 27, 2026
        rf"(?<!\d){_DAY}(?:er|st|nd|rd|th)?\.?\s+{_MONTH}\s+{_YEAR}(?!\d)",  # 27. Februar 2026
    )
)
# What may stand before a dateline's date on its line: a label, a place (one to three
# capitalised words and a comma, case-sensitive), a weekday, "le"/"den"/"am".
PREFIX_RE = re.compile(
    rf"(?i:(?:{LABELS})\s*:?\s*)?"
    r"(?:[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.\-]*(?:\s[A-ZÀ-ÖØ-ÞА-ЯЁ(][\w'’.\-)]*){0,2}\s?,\s*)?"
    rf"(?i:(?:{'|'.join(WEEKDAYS)}),?\s*)?"
    r"(?i:le|den|am|on)?\s*"
)
# What may follow it: an ISO time or the Russian year word, a weekday in brackets (Korean
# "(금)"), a time, then the end of the line, a dash or bar before the body, or another label
# ("입력 ... 수정 ...").
SUFFIX_RE = re.compile(
    r"(?:T\d\d:\d\d(?::\d\d)?(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)?"
    r"(?:\s?(?:года|г\.?)(?!\w))?"  # Russian "27 февраля 2026 г."
    r"\s*(?:\([^)\d]{1,12}\))?"
    r"(?:,?\s*(?:um|à|at|в|a)?\s*\d{1,2}[:h.]\d{2}(?::\d{2})?\s*(?:uhr|am|pm|[a-z]{3,4})?\b)?"
    rf"\s*(?:$|[-–—|·/]|\(|(?:{LABELS})\b)",
    re.IGNORECASE,
)


def dateline(text: str) -> str | None:
    """The publication date of a plain text from a dateline in its first lines, or None."""
    head = text[:HEAD_CHARS].splitlines()
    lines = [line.strip() for line in head if line.strip()][:HEAD_LINES]
    for line in lines:
        if YEAR_RE.search(line, 0, LINE_HEAD + 30) is None:
            continue  # most lines have no year near their start: skip the date forms
        for start, end, found in _dates_in(line[: LINE_HEAD + 40]):
            if start > LINE_HEAD:
                break
            if PREFIX_RE.fullmatch(line[:start]) and SUFFIX_RE.match(line, end):
                return found
    return None


def _dates_in(line: str) -> list[tuple[int, int, str]]:
    """(start, end, ISO date) of every valid date in a line, leftmost first."""
    out = []
    for form in DATE_FORMS:
        for m in form.finditer(line):
            iso = _iso(m)
            if iso is not None:
                out.append((m.start(), m.end(), iso))
    return sorted(out)


def _iso(m: re.Match[str]) -> str | None:
    groups = m.groupdict()
    month = MONTHS.get(groups["name"].lower()) if groups.get("name") else int(groups["month"])
    if month is None:
        return None
    try:
        return date(int(groups["year"]), month, int(groups["day"])).isoformat()
    except ValueError:
        return None


def meta_date(value: object) -> str | None:
    """An ISO date from a metadata value: a datetime, a `time.struct_time` (feedparser), an
    ISO 8601 or RFC 822 string, or a written date; None when it is none of those."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time.struct_time):
        try:
            return date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
        except ValueError:
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(raw).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    found = _dates_in(raw)
    return found[0][2] if found else None

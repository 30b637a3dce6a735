"""Dates named in the article text, resolved to the calendar where the text allows.

Absolute dates ('21 September 2022', 'Sept. 21', 'September 2022', '2022-09-21') are read
directly; a day and month without a year take the publication's year.  Relative ones
('on Thursday', 'yesterday', 'last week', 'earlier this month') are resolved against the
publication date and marked ``relative``; without a publication date they keep
``value=None``.  Durations and frequencies ('the last week', 'each day', 'three years')
are not dates and are left out.

spaCy's DATE entities say where to look; the reading itself is ours, so that what is
resolved is always exactly what the span says.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from nutgraf.extract.dates import MONTHS
from nutgraf.model import DateMention

if TYPE_CHECKING:
    from spacy.tokens import Doc

WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
_MONTH = r"(?P<month>" + "|".join(
    sorted((re.escape(m) for m in MONTHS if m.isascii()), key=len, reverse=True)
) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"

# Each pattern: a regex over the (lower-cased) DATE span, and the granularity it gives.
_ABSOLUTE = [
    (re.compile(rf"\b{_YEAR}-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"), "day"),
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"), "day"),
    (re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"), "day"),
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b"), "day"),
    (re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*,?\s*\d)"), "day"),
    (re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b"), "month"),
    (re.compile(rf"^(?:in\s+|the\s+year\s+)?{_YEAR}$"), "year"),
    # a month alone ('the beginning of September'): full English names only, so 'may' the
    # verb and 'mar' never count
    (re.compile(r"\b(?P<month>january|february|march|april|may|june|july|august|september"
                r"|october|november|december)\b"), "month"),
]
# Spans that name a length of time or a frequency, not a point in the calendar.
_DURATION = re.compile(
    r"^(?:the\s+)?(?:last|past|next|coming|first|previous|recent)\s+(?:few\s+|several\s+|\w+\s+)?"
    r"(?:days|weeks|months|years|decades)$"
    r"|^(?:the\s+)?(?:last|past)\s+(?:week|month|year|decade|day)$"
    r"|^(?:each|every|per|a)\s+|\b(?:days?|weeks?|months?|years?|decades?|hours?)\s+(?:old|long)$"
    r"|^(?:\w+\s+)?(?:days|weeks|months|years|decades|hours|minutes)$"
    r"|^(?:daily|weekly|monthly|annually|yearly)$"
)


def _resolve_relative(span: str, published: dt.date) -> tuple[str | None, str | None]:
    """(ISO value, granularity) of a relative date, or (None, None) when not one."""
    s = span.lower().strip()
    s = re.sub(r"^(?:on|by|since|until|from)\s+", "", s)
    if s in ("today", "this morning", "this afternoon", "this evening", "tonight"):
        return published.isoformat(), "day"
    if s in ("yesterday", "last night"):
        return (published - dt.timedelta(days=1)).isoformat(), "day"
    if s == "tomorrow":
        return (published + dt.timedelta(days=1)).isoformat(), "day"
    m = re.fullmatch(r"(?:last\s+|this\s+past\s+|this\s+)?(\w+day)(?:\s+(?:morning|afternoon|evening|night))?", s)
    if m and m.group(1) in WEEKDAYS:
        target = WEEKDAYS[m.group(1)]
        back = (published.weekday() - target) % 7
        if s.startswith("last") and back == 0:
            back = 7
        return (published - dt.timedelta(days=back)).isoformat(), "day"
    m = re.fullmatch(r"(?:earlier\s+|later\s+)?this\s+(week|month|year)", s)
    if m:
        return _period(published, m.group(1)), m.group(1)
    m = re.fullmatch(r"(last|next)\s+(week|month|year)", s)
    if m:
        unit, sign = m.group(2), (-1 if m.group(1) == "last" else 1)
        if unit == "week":
            return _period(published + dt.timedelta(weeks=sign), "week"), "week"
        if unit == "month":
            month = published.month + sign
            year = published.year + (month - 1) // 12
            return _period(dt.date(year, (month - 1) % 12 + 1, 1), "month"), "month"
        return str(published.year + sign), "year"
    m = re.fullmatch(r"(\w+)\s+(days|weeks)\s+ago", s)
    if m:
        n = _small_number(m.group(1))
        if n is not None:
            days = n * (7 if m.group(2) == "weeks" else 1)
            gran = "day" if m.group(2) == "days" else "week"
            return _period(published - dt.timedelta(days=days), gran), gran
    return None, None


def _period(day: dt.date, unit: str) -> str:
    if unit == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        return f"{day.year}-{day.month:02d}"
    if unit == "year":
        return str(day.year)
    return day.isoformat()


_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}


def _small_number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _SMALL.get(word)


def _absolute(span: str, published: dt.date | None) -> tuple[str | None, str | None, bool]:
    """(ISO value, granularity, used the publication year) of an absolute date."""
    s = span.lower()
    for pattern, gran in _ABSOLUTE:
        m = pattern.search(s)
        if not m:
            continue
        groups = m.groupdict()
        year = int(groups["year"]) if groups.get("year") else None
        if gran == "year":
            return str(year), "year", False
        month = int(groups["mnum"]) if groups.get("mnum") else MONTHS.get(groups["month"])
        if not month:
            continue
        borrowed = False
        if year is None:
            if published is None:
                return None, gran, True
            year, borrowed = published.year, True
        if gran == "month":
            return f"{year}-{month:02d}", "month", borrowed
        try:
            return dt.date(year, month, int(groups["day"])).isoformat(), "day", borrowed
        except ValueError:
            continue
    return None, None, False


def _published_day(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def find_dates(doc: "Doc", published: str | None = None) -> list[DateMention]:
    """Every date the text names, in order; relative ones resolved against ``published``."""
    pub = _published_day(published)
    out: list[DateMention] = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        text = ent.text.strip()
        span_start = ent.start_char + (len(ent.text) - len(ent.text.lstrip()))
        if _DURATION.search(text.lower()):
            continue
        value, gran, borrowed = _absolute(text, pub)
        relative = borrowed
        if value is None and gran is None:
            if pub is not None:
                value, gran = _resolve_relative(text, pub)
                relative = value is not None
            elif re.search(r"\b(?:yesterday|today|tomorrow|\w+day|last|this|next|ago)\b", text.lower()):
                gran, relative = None, True
            else:
                continue
            if value is None and pub is not None:
                continue  # a phrase we cannot place ('the beginning of September' stays out)
        out.append(DateMention(text=text, start=span_start, end=span_start + len(text),
                               value=value, relative=relative, granularity=gran))
    return out

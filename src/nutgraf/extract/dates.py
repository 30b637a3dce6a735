"""Reading dates, in one place: the month vocabulary shared by the HTML metadata reader and the
plain-text byline reader, and the parsers that turn a machine attribute ("2019-05-31T10:00Z",
an epoch) or a short human string ("31. Mai 2019", "May 31st, 2019", "31/05/19") into a date.

A date is only accepted between ``MIN_DATE`` and tomorrow: older ones are almost always a
founding year or a birth date on the page, later ones an event announced ahead.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

# Month names and their usual abbreviations in the languages news arrives in most
# (English, German, French, Spanish, Italian, Portuguese, Dutch, Polish), lower-cased.
MONTHS: dict[str, int] = {}
for _number, _spellings in enumerate(
    [
        "january jan januar jänner jän janvier janv enero gennaio januari janeiro styczeń stycznia",
        "february feb februar février fevrier févr fév fevr febrero febbraio februari fevereiro",
        "march mar märz maerz mär mars marzo maart março marco",
        "april apr avril avr abril aprile",
        "may mai mayo maggio mei maio",
        "june jun juni juin junio giugno junho",
        "july jul juli juillet juil julio luglio julho",
        "august aug août aout agosto augustus",
        "september sep sept septembre septiembre setiembre settembre setembro",
        "october oct oktober okt octobre octubre ottobre outubro",
        "november nov novembre noviembre novembro",
        "december dec dezember dez décembre decembre déc dic diciembre dicembre dezembro",
    ],
    start=1,
):
    for _name in _spellings.split():
        MONTHS[_name] = _number

# any month name, longest first so that 'Juni' is not read as 'Jun'
MONTH_PATTERN = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_ISO = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_ISO_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:T|\b)")
_NUM_DMY = re.compile(r"(?<![\d.:/])(\d{1,2})\s?([./-]|\s\|)\s?(\d{1,2})\s?\2\s?((?:19|20)\d\d)(?![\d])")
# "31.10.23", "26/10/13": forums and small newsrooms print two-digit years; the look-arounds keep
# out version numbers (v1.2.23), longer dotted numbers and the start of a four-digit year
_NUM_DMY_SHORT = re.compile(r"(?<![\w.:/,-])(\d{1,2})([./])(\d{1,2})\2(\d\d)(?![\d.]\d|\d|/\d|-\d)")
_DAY_MONTH = re.compile(
    r"(?<![\d.])(\d{1,2})(?:\.|er|st|nd|rd|th|º)?\s*(?:de\s+|of\s+)?(" + MONTH_PATTERN + r")\.?,?\s+(?:de\s+)?((?:19|20)\d\d)(?!\d)",
    re.I,
)
_MONTH_DAY = re.compile(
    r"(?<![\w])(" + MONTH_PATTERN + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)(?!\d)",
    re.I,
)
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
# the web's news archives start in the mid-1990s: an earlier year on a page is history, not its date
MIN_DATE = date(1995, 1, 1)


def make_date(y: int, m: int, d: int) -> date | None:
    try:
        value = date(y, m, d)
    except ValueError:
        return None
    today = datetime.now(timezone.utc).date()
    if value < MIN_DATE or (value - today).days > 1:
        return None
    return value


def _numeric_date(a: int, b: int, y: int, month_first: bool) -> date | None:
    """'a/b/y' read day-first unless the page reads month-first (or a cannot be a month)."""
    if a > 12 or (not month_first and b <= 12):
        return make_date(y, b, a)
    return make_date(y, a, b)


def _full_year(yy: int) -> int:
    return 2000 + yy if 2000 + yy <= datetime.now(timezone.utc).year else 1900 + yy


def _named_date(y: int, month_name: str, d: int) -> date | None:
    month = MONTHS.get(month_name.casefold())
    return make_date(y, month, d) if month else None


def date_in(text: str, *, month_first: bool = False) -> tuple[date, int] | None:
    """The first plausible date written in ``text``, and where it starts."""
    if not text:
        return None
    readers = (
        (_ISO, lambda m: make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))),
        (_NUM_DMY, lambda m: _numeric_date(int(m.group(1)), int(m.group(3)), int(m.group(4)), month_first)),
        (_NUM_DMY_SHORT,
         lambda m: _numeric_date(int(m.group(1)), int(m.group(3)), _full_year(int(m.group(4))), month_first)),
        (_DAY_MONTH, lambda m: _named_date(int(m.group(3)), m.group(2), int(m.group(1)))),
        (_MONTH_DAY, lambda m: _named_date(int(m.group(3)), m.group(1), int(m.group(2)))),
    )
    best: tuple[date, int] | None = None
    for pattern, read in readers:
        for m in pattern.finditer(text):
            if best and m.start() >= best[1]:
                break  # an earlier date was already found by another format
            d = read(m)
            if d:
                best = (d, m.start())
                break
    return best


_ISO_TIME = re.compile(
    r"((?:19|20)\d\d)-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,]\d+)?)?\s*(Z|GMT|UTC|[+-]\d\d:?\d\d)",
    re.I,
)
_RFC_TIME = re.compile(
    r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+((?:19|20)\d\d)\s+(\d\d):(\d\d)(?::(\d\d))?\s*(GMT|UTC|Z|[+-]\d{4})\b"
)


def zone(name: str | None):
    if not name:
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except (ImportError, KeyError, ValueError, OSError):  # no tz database (KeyError: zone not found): dates stay as written
        return None


def local_date(value: str, tz) -> date | None:
    """For a timestamp with an explicit UTC offset: its date in the publisher's zone ``tz``."""
    y = mo = d = hh = mi = None
    off = ""
    m = _ISO_TIME.search(value)
    if m:
        y, mo, d, hh, mi = (int(m.group(i)) for i in range(1, 6))
        off = m.group(7)
    else:
        m = _RFC_TIME.search(value)
        if not m:
            return None
        mo = MONTHS.get(m.group(2).casefold())
        if not mo:
            return None
        d, y, hh, mi = int(m.group(1)), int(m.group(3)), int(m.group(4)), int(m.group(5))
        off = m.group(7)
    # only a UTC stamp is converted: an explicit non-zero offset is the publisher's own clock,
    # and midnight UTC is usually a bare date stored as a timestamp
    # (+00:00 is left alone too: CMSs write it for servers set to UTC whatever the newsroom's zone)
    if off.upper() not in ("Z", "GMT", "UTC"):
        return None
    if hh == 0 and mi == 0:
        return None
    delta = timedelta(0)
    try:
        stamp = datetime(y, mo, d, hh, mi, tzinfo=timezone(delta))
        local = stamp.astimezone(tz)
    except (ValueError, OverflowError):
        return None
    return make_date(local.year, local.month, local.day)


def parse_date(value, *, month_first: bool = False, tz=None) -> date | None:
    """A date from a machine-readable attribute or a short human string."""
    if tz is not None and isinstance(value, str) and len(value) >= 16:
        local = local_date(value[:80], tz)
        if local:
            return local
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value))
    if not isinstance(value, str):
        return None
    s = value.strip()[:200]
    if not s:
        return None
    if _EPOCH.match(s):
        try:
            ts = int(s[:10])
            d = datetime.fromtimestamp(ts, tz=timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return None
        return make_date(d.year, d.month, d.day)
    m = _ISO_COMPACT.match(s)
    if m:
        return make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    found = date_in(s, month_first=month_first)
    return found[0] if found else None


"""Lines of a plain-text scrape and what each one looks like.

The cleaner in ``nutgraf.extract.text`` decides what is article and what is page
furniture; this module only measures: it splits the input into units (one per line, or
one per blank-line block when the text is hard-wrapped), keeps each unit's line range and
character range in the input, and computes the shape signals the cleaner weighs (words,
terminal punctuation, truncated teasers, bracketed tags, furniture phrases, bylines and
date lines).

The word lists live in ``phrases`` (multilingual, common template phrases only): a
phrase can only ever *remove* a line, and apart from a few notices that come as whole
sentences (consent, licences, newsletter sign-ups, photo credits closing a caption) only
a short one, so a body in a language no list covers is still judged by its shape (long
lines that end like sentences), never deleted by it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from nutgraf.extract import phrases
from nutgraf.extract.dates import MONTHS

# --- splitting -----------------------------------------------------------------------------

# Only CR, LF and CRLF end a line: str.splitlines() would also split on form feeds and
# U+2028, and line numbers would then disagree with what a reader's editor shows.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


@dataclass
class Unit:
    """One candidate paragraph: input lines ``first``..``last`` (0-based, inclusive) at
    characters ``start``..``end`` of the input, and its text (lines stripped and joined
    with one space)."""

    first: int
    last: int
    start: int
    end: int
    text: str
    block: int = 0  # index of the blank-line-separated block the unit sits in
    block_size: int = 1  # how many units that block holds
    blank_before: bool = True
    blank_after: bool = True
    # filled by measure()
    words: int = 0
    terminal: bool = False
    ellipsis: bool = False
    tagged: bool = False
    furniture: str = ""  # the kind of furniture phrase it matches, "" if none
    barrier: bool = False  # a header that opens a non-article section (related, comments)
    key: str = ""  # normalised text, for repetition within and across documents
    extra: dict = field(default_factory=dict)


def split_lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) for every input line; ``end`` excludes the line break."""
    out = []
    for m in _LINE.finditer(text):
        if m.start() == m.end():  # the empty match at the very end
            break
        line = m.group().rstrip("\r\n")
        out.append((m.start(), m.start() + len(line), line))
    return out


def _hard_wrapped(lines: list[tuple[int, int, str]]) -> bool:
    """True when paragraphs are wrapped over several lines (mail, old wire copy, fixed
    width dumps): no long lines at all, and most prose lines sit in multi-line blocks
    whose lines run on without ending a sentence.  Scrapes of web pages put one
    paragraph per line and always have some lines far longer than 100 characters."""
    lengths = [len(s.strip()) for _, _, s in lines if s.strip()]
    if len(lengths) < 4 or max(lengths) > 100:
        return False
    run_on = 0
    long_lines = 0
    for i, (_, _, s) in enumerate(lines[:-1]):
        s = s.strip()
        if len(s) >= 40:
            long_lines += 1
            nxt = lines[i + 1][2].strip()
            if nxt and not _ends_sentence(s) and nxt[:1].islower():
                run_on += 1
    return long_lines >= 3 and run_on >= max(2, long_lines // 4)


def split_units(text: str) -> list[Unit]:
    """Units (candidate paragraphs) with provenance; blank lines are dropped."""
    lines = split_lines(text)
    wrapped = _hard_wrapped(lines)
    units: list[Unit] = []
    block = 0
    prev_blank = True
    pending: list[int] = []  # line indices of the current wrapped block

    def flush() -> None:
        if pending:
            a, b = pending[0], pending[-1]
            joined = " ".join(lines[i][2].strip() for i in pending)
            units.append(Unit(a, b, lines[a][0], lines[b][1], joined, block))
            pending.clear()

    for i, (start, end, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            flush()
            if not prev_blank:
                block += 1
            prev_blank = True
            continue
        if wrapped:
            pending.append(i)
        else:
            # provenance covers the whole input line (its break excluded), so
            # text[start:end] is the line as the reader's editor shows it
            units.append(Unit(i, i, start, end, stripped, block))
        prev_blank = False
    flush()
    sizes: dict[int, int] = {}
    for u in units:
        sizes[u.block] = sizes.get(u.block, 0) + 1
    for k, u in enumerate(units):
        u.block_size = sizes[u.block]
        u.blank_before = k == 0 or units[k - 1].block != u.block
        u.blank_after = k == len(units) - 1 or units[k + 1].block != u.block
    return units


# --- shape ---------------------------------------------------------------------------------

_CLOSERS = "\"'”’»›)]*"
_TERMINAL = ".!?。！？؟।"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_ELLIPSIS = re.compile(r"(?:\.\.\.|…)\W{0,3}$")
_TAG = re.compile(r"(?:^\s*\[[A-Z][A-Z &/-]{1,24}\]|\[[A-Z][A-Z &/-]{1,24}\]\s*$)")


def _ends_sentence(s: str) -> bool:
    s = s.rstrip().rstrip(_CLOSERS).rstrip()
    return bool(s) and s[-1] in _TERMINAL


def word_count(s: str) -> int:
    """Words, counting runs of CJK characters at about two characters a word so that
    Chinese, Japanese and Korean prose weighs like prose."""
    n = len(s.split())
    cjk = len(_CJK.findall(s))
    return max(n, n + cjk // 2 - cjk // 8) if cjk else n


def normalise(s: str) -> str:
    """The key used to find repeated lines: case, digits and punctuation folded, so
    "12 comments" and "3 comments" or "Share post:" and "share post" meet."""
    s = re.sub(r"\d+", "0", s.lower())
    return " ".join(re.findall(r"\w+", s))


# --- furniture phrases -----------------------------------------------------------------------
# The vocabulary lives in ``phrases`` (one multilingual table per kind); it only ever acts
# on short lines, except the notices that come as whole sentences (see furniture_kind()).

_SECTION_HEADERS = phrases.compile_whole_line(phrases.SECTION_HEADERS)
# Headers that open reader comments.  Unlike a related-links box, which pages also put
# in the middle of an article, a comment thread only ever follows the article: nothing
# after such a header is body.
_COMMENT_HEADERS = phrases.compile_whole_line(phrases.COMMENT_HEADERS)
# A lead-in that introduces a link ("Read more: Title of another story"), or a link to
# the next or previous story.
_LINK_LEADS = re.compile(
    rf"^\W{{0,2}}(?:(?:{phrases.alternation(phrases.LINK_LEADS)})\s*[:|»›>–—-]|(?:{phrases.alternation(phrases.NEXT_PREVIOUS)})\b)",
    re.I,
)
_CALLS = phrases.Finder(phrases.CALLS)
_NOTICES = phrases.Finder(phrases.NOTICES)
_CREDITS = re.compile(phrases.alternation(phrases.CREDITS), re.I)
_SOCIAL = frozenset(
    "facebook twitter x linkedin pinterest whatsapp telegram reddit email e-mail mail print flipboard "
    "instagram youtube tiktok messenger tumblr mix copy link share tweet pin rss sms vk xing".split()
)


# --- bylines and dates -------------------------------------------------------------------

_BY = re.compile(r"^(?:by|written by|von|par|por|di|door|av|af|texte?|text)\s*:?\s+(?=\S)", re.I)
_DATE_LEAD = re.compile(
    r"^(?:(?:first |last )?(?:published|updated|posted|modified)(?: on| at)?|last update|"
    r"veröffentlicht(?: am)?|aktualisiert(?: am)?|stand|publié le|publié|mis à jour(?: le)?|"
    r"publicado(?: el| em)?|actualizado(?: el)?|atualizado(?: em)?|pubblicato(?: il)?|aggiornato(?: il)?)"
    r"\s*:?\s*",
    re.I,
)
_MONTH = r"(?P<mon>[A-Za-zäéûçÄÉ]{3,10})\.?"
_DATE_FORMS = [
    re.compile(r"(?P<y>(?:19|20)\d\d)-(?P<m>\d\d?)-(?P<d>\d\d?)"),
    re.compile(_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)"),
    re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?" + _MONTH + r",?\s+(?:de\s+)?(?P<y>(?:19|20)\d\d)"),
    re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d\d)"),
    re.compile(r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>(?:19|20)\d\d)"),
]
_TIME = re.compile(r"\b(?P<h>[012]?\d)[:.h](?P<min>[0-5]\d)\s*(?P<ampm>[ap]\.?m\.?)?", re.I)
_FILLER = frozenset(
    "on at am um à le el em il the of de del do da den der und and et y e | , - – — : . "
    "mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday "
    "mo di mi do fr sa so montag dienstag mittwoch donnerstag freitag samstag sonntag "
    "lundi mardi mercredi jeudi vendredi samedi dimanche uhr h pm gmt utc bst est edt pst pdt cet cest "
    "et ist aest updated published posted".split()
)


def parse_date(s: str) -> tuple[str, tuple[int, int]] | None:
    """The first unambiguous date in ``s`` as ISO-8601 (with the time when one sits
    next to it), and the character span the date occupies.  Slash dates are read only
    when one part is over 12; anything else ambiguous is left alone."""
    for form in _DATE_FORMS:
        m = form.search(s)
        if not m:
            continue
        g = m.groupdict()
        y = int(g["y"])
        if g.get("mon"):
            mon = MONTHS.get(g["mon"].lower().rstrip("."))
            if not mon:
                continue
            d = int(g["d"])
        elif g.get("a"):
            a, b = int(g["a"]), int(g["b"])
            if a > 12 >= b:
                d, mon = a, b
            elif b > 12 >= a:
                d, mon = b, a
            else:
                continue
        else:
            mon, d = int(g["m"]), int(g["d"])
        try:
            day = date(y, mon, d)
        except ValueError:
            continue
        iso = day.isoformat()
        span = m.span()
        # look for the time outside the date itself ("22.09.2022" is no time)
        t = _TIME.search(s[: span[0]] + " " * (span[1] - span[0]) + s[span[1] :])
        if t and t.group("h") is not None:
            h, mi = int(t.group("h")), int(t.group("min"))
            ampm = (t.group("ampm") or "").lower().replace(".", "")
            if ampm == "pm" and h < 12:
                h += 12
            elif ampm == "am" and h == 12:
                h = 0
            if h < 24:
                iso += f"T{h:02d}:{mi:02d}"
                span = (min(span[0], t.start()), max(span[1], t.end()))
        return iso, span
    return None


def date_line(s: str) -> tuple[str, str] | None:
    """(kind, iso) when the whole line is a dateline: "Published 12:30, Thu, Sep 22,
    2022", "Updated: 3 March 2024", "22.09.2022, 14:05 Uhr".  kind is "published" or
    "updated"."""
    if len(s) > 120:
        return None
    lead = _DATE_LEAD.match(s)
    kind = "published"
    if lead and lead.group().strip():
        word = lead.group().lower()
        if any(w in word for w in ("updat", "modif", "aktualis", "stand", "mis à jour", "actualiz", "atualiz", "aggiorn")):
            kind = "updated"
    found = parse_date(s)
    if not found:
        return None
    iso, (a, b) = found
    rest = (s[: a] + " " + s[b:]) if not lead else (s[lead.end() : a] + " " + s[b:])
    leftover = [w for w in re.findall(r"[^\s,|]+", rest) if w.lower().strip(".:,()") not in _FILLER]
    leftover = [w for w in leftover if not _TIME.fullmatch(w) and not re.fullmatch(r"[\W\d]+", w)]
    if len(leftover) > (3 if lead else 1):
        return None
    return kind, iso


_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][\w.'’-]*|(?:van|von|de|der|den|da|di|du|del|la|le|bin|al|ibn)|[A-Z]\.)$")
_ROLES = re.compile(
    r"\b(?:editor|correspondent|reporter|writer|staff|contributor|columnist|journalist|analyst|"
    r"redakt\w*|korrespondent\w*|journaliste|rédact\w*|envoyé\w*|redactor\w*|corresponsal)\b",
    re.I,
)


def byline(s: str) -> list[str] | None:
    """Author names when the line is a byline ("By Jane Doe and John Roe", "Von Anna
    Schmidt", "BY JANE DOE, Political Editor"); None otherwise.  A date after the names
    ("by Regan September 15, 2014") is allowed."""
    m = _BY.match(s)
    if not m or len(s) > 140:
        return None
    rest = s[m.end() :]
    found = parse_date(rest)
    if found:
        rest = rest[: found[1][0]]
    rest = re.split(r"\s+[|•·–—]\s+|\s+-\s+|\s*\(", rest)[0]
    names = []
    for part in re.split(r",|;|\s+(?:and|und|et|y|e|&)\s+", rest):
        part = part.strip(" .:")
        if not part or _ROLES.search(part):
            continue
        words = part.split()
        if part.isupper():
            words = [w.capitalize() for w in words]
            part = " ".join(words)
        if not 1 <= len(words) <= 4 or not all(_NAME_WORD.match(w) for w in words):
            if names:  # "By Jane Doe, in Berlin": stop at the first part that is no name
                break
            return None
        names.append(part)
    return names or None


# --- measure -------------------------------------------------------------------------------


# "jdoe says:", "Anna Schmidt schreibt:" -- the signature line of a reader comment.
_COMMENT_SIG = re.compile(r"^.{1,60}\s(?:says|said|wrote|replied|schreibt|sagt|a écrit|escribió|dice|disse)\s?:$", re.I)


def furniture_kind(u: Unit) -> str:
    """The furniture phrase a unit matches ("comments", "section", "link", "comment",
    "social", "date", "byline", "call", "credit"), or "".  Long lines are exempt from
    all but the notices that do come as full sentences (consent, licences, sign-ups)
    and captions closed by a photo credit."""
    s = u.text
    w = u.words
    if (w <= 8 or (w <= 30 and not u.terminal)) and _COMMENT_HEADERS.match(s):
        return "comments"
    if w <= 8 and _SECTION_HEADERS.match(s):
        return "section"
    if w <= 40 and _LINK_LEADS.match(s):
        return "link"
    if w <= 10 and _COMMENT_SIG.match(s):
        return "comment"
    tokens = re.findall(r"[\w-]+", s.lower())
    if tokens and w <= 12 and all(t in _SOCIAL or t.isdigit() or t in ("shares", "share", "on") for t in tokens):
        return "social"
    if w <= 12 and date_line(s):
        return "date"
    if w <= 12 and byline(s):
        return "byline"
    if w <= 14:
        m = _CALLS.search(s)
        # (a short sentence that only mentions a newsletter or a login is prose: a call
        # in one is at its start)
        if m and (m.start() == 0 or not (w >= 8 and u.terminal)):
            return "call"
        if _NOTICES.search(s):
            return "call"
    # (no notice runs longer than 60 words)
    if w <= 60 and _NOTICES.search(s):
        return "call"
    if w <= 40 and _CREDITS.search(s):
        return "credit"
    return ""


@functools.lru_cache(maxsize=4096)
def line_furniture(text: str) -> str:
    """The furniture phrase one line of text matches, as ``furniture_kind`` names it, or
    "" — for callers outside the plain-text path (the HTML extractor's short blocks)."""
    unit = Unit(0, 0, 0, len(text), text)
    measure([unit])
    return unit.furniture


def measure(units: list[Unit], check: Callable[[], None] | None = None) -> None:
    """Fill in each unit's shape signals; ``check`` (a deadline) is called every few
    hundred units so one enormous input cannot run past its time bound."""
    for i, u in enumerate(units):
        if check is not None and i % 256 == 255:
            check()
        s = u.text
        u.words = word_count(s)
        # (only the ends of a line can carry these marks: search there, not the whole line)
        u.ellipsis = bool(_ELLIPSIS.search(s[-8:]))
        u.terminal = _ends_sentence(s) and not u.ellipsis
        u.tagged = "[" in s and bool(_TAG.search(s[:30]) or _TAG.search(s[-30:]))
        u.key = normalise(s)
        u.furniture = furniture_kind(u)
        u.barrier = u.furniture in ("section", "comments")

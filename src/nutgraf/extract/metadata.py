"""Title, authors, publication date, site name and language of a page.

Every field is chosen from ranked signals, and the one used is recorded in
``Metadata.evidence`` (``field -> Evidence(source, raw)``):

- structured data first: JSON-LD (``@graph``, lists and nested objects walked; broken JSON
  tolerated), ``<meta>`` tags (Open Graph, ``article:*``, Dublin Core, parse.ly, sailthru, ...);
- then the markup: ``<time datetime>``, ``itemprop``, ``rel=author``, elements whose class or id
  says byline/author/date;
- then the url (``/2019/05/31/``) and the visible text near the headline.

Authors are only returned when they look like names: organisations, site names, agencies,
'Staff', dates, e-mails and urls are dropped, and "A and B" / "A, B" are split.  When nothing
trustworthy is there the list stays empty: an invented author is worse than none.

The tree is only read.  Cost: one ``iter()`` over a few tag names and one XPath for the
class/id/itemprop candidates, plus the text near the headline when no markup gives a date.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from nutgraf.extract.dates import MONTHS
from nutgraf.model import Evidence


@dataclass
class Metadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    site_name: str | None = None
    language: str | None = None
    # the page's own summary (og:description, meta description): often the article's first
    # sentence, which tells the extractor where the article starts
    description: str | None = None
    evidence: dict[str, Evidence] = field(default_factory=dict)
    # notes for Article.warnings (JSON-LD that could not be parsed)
    warnings: list[str] = field(default_factory=list)
    # (element, "tail" or "text", elements, rest): the end of a JSON-LD script's JSON, spilled
    # into the page by an unescaped "</script>" inside a string, is that text and those elements
    # (a "<script>" written inside the JSON, say); no page text.  ``rest`` is what follows it
    ld_spill: list[tuple[HtmlElement, str, list[HtmlElement], str]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# small text helpers

_WS = re.compile(r"\s+")


def _clean(value) -> str:
    if not isinstance(value, str):
        return ""
    return _WS.sub(" ", value.replace("\u00ad", "").replace("\u200b", "")).strip()


def _fold(value: str) -> str:
    """Letters and digits only, case and accents folded: for comparing titles and site names."""
    value = unicodedata.normalize("NFKD", value).casefold()
    return "".join(filter(str.isalnum, value))


def _text(el: HtmlElement, limit: int = 2000, spaced: bool = False) -> str:
    """The visible text of ``el`` (script/style content left out), whitespace collapsed.

    ``spaced`` puts a space between elements ("Author<a>Jane Doe</a>" -> "Author Jane Doe")."""
    try:
        if not spaced and el.find(".//script") is None and el.find(".//style") is None:
            return _clean(el.text_content()[:limit])
        parts: list[str] = []
        size = 0

        def walk(node) -> None:
            nonlocal size
            if size > limit:
                return
            if isinstance(node.tag, str) and node.tag in ("script", "style", "noscript", "template"):
                pass
            else:
                if node.text and isinstance(node.tag, str):
                    parts.append(node.text)
                    size += len(node.text)
                for child in node:
                    walk(child)
            if spaced and node.tag not in _INLINE:
                parts.append(" ")
            if node is not el and node.tail:
                parts.append(node.tail)
                size += len(node.tail)

        walk(el)
        return _clean("".join(parts)[:limit])
    except Exception:  # noqa: BLE001 - odd nodes (entities, broken trees, deep nesting) must not raise
        return ""


_INLINE = {"b", "i", "em", "strong", "u", "small", "sup", "sub", "abbr", "mark", "font", "s", "wbr"}
_TAG = re.compile(r"<[^>]{0,300}>")


def _plain(value: str) -> str:
    """A string from JSON-LD or a meta tag with HTML entities and stray tags removed."""
    if "&" in value:
        value = html.unescape(value)
    if "<" in value:
        value = _TAG.sub(" ", value)
    return value


# ---------------------------------------------------------------------------------------------
# dates

# month names: nutgraf.extract.dates.MONTHS

_MONTH_ALT = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_ISO = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_ISO_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:T|\b)")
_NUM_DMY = re.compile(r"(?<![\d.:/])(\d{1,2})\s?([./-]|\s\|)\s?(\d{1,2})\s?\2\s?((?:19|20)\d\d)(?![\d])")
# "31.10.23", "26/10/13": forums and small newsrooms print two-digit years; the look-arounds keep
# out version numbers (v1.2.23), longer dotted numbers and the start of a four-digit year
_NUM_DMY_SHORT = re.compile(r"(?<![\w.:/,-])(\d{1,2})([./])(\d{1,2})\2(\d\d)(?![\d.]\d|\d|/\d|-\d)")
_DAY_MONTH = re.compile(
    r"(?<![\d.])(\d{1,2})(?:\.|er|st|nd|rd|th|º)?\s*(?:de\s+|of\s+)?(" + _MONTH_ALT + r")\.?,?\s+(?:de\s+)?((?:19|20)\d\d)(?!\d)",
    re.I,
)
_MONTH_DAY = re.compile(
    r"(?<![\w])(" + _MONTH_ALT + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)(?!\d)",
    re.I,
)
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
_MIN_DATE = date(1995, 1, 1)


def _mk_date(y: int, m: int, d: int) -> date | None:
    try:
        value = date(y, m, d)
    except ValueError:
        return None
    today = datetime.now(timezone.utc).date()
    if value < _MIN_DATE or (value - today).days > 1:
        return None
    return value


def _numeric_date(a: int, b: int, y: int, month_first: bool) -> date | None:
    """'a/b/y' read day-first unless the page reads month-first (or a cannot be a month)."""
    if a > 12 or (not month_first and b <= 12):
        return _mk_date(y, b, a)
    return _mk_date(y, a, b)


def _full_year(yy: int) -> int:
    return 2000 + yy if 2000 + yy <= datetime.now(timezone.utc).year else 1900 + yy


def _named_date(y: int, month_name: str, d: int) -> date | None:
    month = MONTHS.get(month_name.casefold())
    return _mk_date(y, month, d) if month else None


def _date_in(text: str, *, month_first: bool = False) -> tuple[date, int] | None:
    """The first plausible date written in ``text``, and where it starts."""
    if not text:
        return None
    readers = (
        (_ISO, lambda m: _mk_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))),
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


def _zone(name: str | None):
    if not name:
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # noqa: BLE001 - no tz database: dates stay as written
        return None


def _local_date(value: str, tz) -> date | None:
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
    return _mk_date(local.year, local.month, local.day)


def _parse_date(value, *, month_first: bool = False, tz=None) -> date | None:
    """A date from a machine-readable attribute or a short human string."""
    if tz is not None and isinstance(value, str) and len(value) >= 16:
        local = _local_date(value[:80], tz)
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
        return _mk_date(d.year, d.month, d.day)
    m = _ISO_COMPACT.match(s)
    if m:
        return _mk_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    found = _date_in(s, month_first=month_first)
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------
# JSON-LD

_ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "scholarlyarticle",
    "techarticle", "report", "liveblogposting", "posting", "socialmediaposting", "discussionforumposting",
    "advertisercontentarticle", "satiricalarticle", "medicalscholarlyarticle", "creativework",
    "recipe", "review", "videoobject", "podcastepisode", "event",
}
_PAGE_TYPES = {"webpage", "itempage", "aboutpage", "profilepage", "collectionpage", "qapage", "faqpage"}
_ORG_TYPES = {"organization", "newsmediaorganization", "corporation", "localbusiness", "website",
              "educationalorganization", "governmentorganization", "ngo", "brand"}


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.rsplit("/", 1)[-1].casefold()}
    if isinstance(t, list):
        return {x.rsplit("/", 1)[-1].casefold() for x in t if isinstance(x, str)}
    return set()


def _walk_ld(node, out: list[dict], depth: int = 0) -> None:
    if depth > 6 or len(out) > 200:
        return
    if isinstance(node, list):
        for x in node:
            _walk_ld(x, out, depth + 1)
    elif isinstance(node, dict):
        out.append(node)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            child = node.get(key)
            if isinstance(child, (list, dict)):
                _walk_ld(child, out, depth + 1)


_TRAILING_COMMA = re.compile(r",\s*([\]}])")
_LD_FIELD = re.compile(r'"(headline|datePublished|dateCreated|inLanguage)"\s*:\s*"((?:[^"\\]|\\.){1,500})"')
_LD_AUTHOR_NAME = re.compile(r'"author"\s*:\s*[\[{]?\s*\{[^{}]*?"name"\s*:\s*"((?:[^"\\]|\\.){1,200})"')


_LD_FAILED = object()


def _ld_source(raw: str) -> str:
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:]
    if raw.endswith("-->"):
        raw = raw[:-3]
    return raw.strip().rstrip(";")


def _parse_ld(raw: str):
    """The JSON value of a JSON-LD script's text (a trailing comma tolerated), or _LD_FAILED."""
    for attempt in (raw, _TRAILING_COMMA.sub(r"\1", raw)):
        try:
            return json.loads(attempt, strict=False)
        except (ValueError, RecursionError):
            continue
    return _LD_FAILED


def _load_ld(raw: str) -> tuple[list[dict], dict[str, str]]:
    """Objects from one JSON-LD script, or (when it does not parse) the fields a regex can find."""
    raw = _ld_source(raw)
    data = _parse_ld(raw)
    if data is not _LD_FAILED:
        out: list[dict] = []
        _walk_ld(data, out)
        return out, {}
    return [], _ld_fields(raw)


def _ld_fields(raw: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for m in _LD_FIELD.finditer(raw):
        fields.setdefault(m.group(1), m.group(2))
    m = _LD_AUTHOR_NAME.search(raw)
    if m:
        fields["author"] = m.group(1)
    return fields


_LD_DECODER = json.JSONDecoder(strict=False)
_CLOSE_SCRIPT = "</script>"
# the end of a JSON object or array, as the spilled remainder of a cut script ends
_JSON_DEBRIS = re.compile(r'"\s*:|"\s*,\s*"')


def _text_after(el: HtmlElement) -> tuple[HtmlElement, str]:
    """Where the page text right after ``el`` is: its tail, or, for the last element of <head>
    followed by text (which the parser moves into <body>, closing the head), body's text."""
    tail = el.tail
    parent = el.getparent()
    if (tail is None or not tail.strip()) and el.getnext() is None and parent is not None and parent.tag == "head":
        body = parent.getnext()
        if body is not None and body.tag == "body" and body.text and body.text.strip():
            return body, "text"
    return el, "tail"


def _rejoin(script: HtmlElement, holder: HtmlElement, attr: str, first: str):
    """The JSON value of a script cut short, from its text, "</script>" and what the parser made
    of the rest: (value, characters spilled, elements spilled, text left after), or None.

    The rest is the text after the script and, when the JSON held tags ("<script>a</script>"
    in a string), the elements those became and their tails, tried one more at a time."""
    import lxml.html

    text = script.text
    pieces = [text, _CLOSE_SCRIPT]
    start = len(text) - len(text.lstrip())
    following = script.itersiblings() if attr == "tail" else iter(holder)
    dropped: list[HtmlElement] = []
    last = first
    for _ in range(12):
        pieces.append(last)
        joined = "".join(pieces)
        try:
            data, end = _LD_DECODER.raw_decode(joined, start)
        except (ValueError, RecursionError):
            data = _LD_FAILED
        if data is not _LD_FAILED:
            used = end - (len(joined) - len(last))  # characters of ``last`` inside the JSON
            spilled = end - len(text) - len(_CLOSE_SCRIPT)
            if used <= 0 or spilled <= 0:
                return None
            return data, spilled, dropped, last[used:]
        nxt = next(following, None)
        if nxt is None or not isinstance(nxt.tag, str):
            return None
        pieces.append(lxml.html.tostring(nxt, encoding=str, with_tail=False))
        dropped.append(nxt)
        last = nxt.tail or ""
    return None


def _read_ld_script(el: HtmlElement, number: int, meta: Metadata) -> tuple[list[dict], dict[str, str]]:
    """Objects (or loose fields) from one JSON-LD ``<script>``, noting on ``meta`` when its JSON
    is broken.

    An unescaped "</script>" inside a JSON string ends the element there (HTML has no escapes
    inside a script): the element holds the JSON's start, and the rest of it becomes page text
    in the script's tail, where it read as a paragraph of prose.  When the start, "</script>"
    and the tail parse as one JSON value, that value is used and the part of the tail it spans
    is marked as spill (``meta.ld_spill``) for the text extraction to leave out."""
    raw = _ld_source(el.text)
    data = _parse_ld(raw)
    if data is not _LD_FAILED:
        out: list[dict] = []
        _walk_ld(data, out)
        return out, {}
    holder, attr = _text_after(el)
    tail = getattr(holder, attr) or ""
    if tail.strip():
        repaired = _rejoin(el, holder, attr, tail)
        if repaired is not None:
            data, spilled, dropped, rest = repaired
            meta.ld_spill.append((holder, attr, dropped, rest))
            meta.warnings.append(
                f"JSON-LD script {number} holds an unescaped '</script>' inside a string, which ends the script "
                f"there in HTML; read as one JSON value, and its {spilled} spilled characters left out of the text"
            )
            out = []
            _walk_ld(data, out)
            return out, {}
        # more than one "</script>" inside (the parser dropped the later ones from the tail), or
        # other damage: a tail that is the end of a JSON object is still no text of the page
        debris = tail.rstrip()
        if debris.endswith(("}", "]")) and _JSON_DEBRIS.search(debris):
            meta.ld_spill.append((holder, attr, [], tail[len(debris):]))
            meta.warnings.append(
                f"JSON-LD script {number} could not be parsed: it is cut short (an unescaped '</script>' inside "
                f"a string?) and the {len(debris)} characters after it, the end of its JSON, were left out of the text; "
                f"only its headline, dates, language and author were looked for by pattern"
            )
            return [], _ld_fields(raw + _CLOSE_SCRIPT + debris)
    meta.warnings.append(
        f"JSON-LD script {number} could not be parsed (not valid JSON); only its headline, dates, language "
        f"and author were looked for by pattern"
    )
    return [], _ld_fields(raw)


def _ld_str(value) -> str:
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list):
        for v in value:
            s = _ld_str(v)
            if s:
                return s
    if isinstance(value, dict):
        return _ld_str(value.get("name") or value.get("@value"))
    return ""


def _ld_people(value, ids: dict, depth: int = 0) -> list[tuple[str, bool]]:
    """Names from a JSON-LD ``author``/``creator`` value, each with whether it is a typed Person.

    ``{"@id": ...}`` references (Yoast's ``@graph``) are resolved through ``ids``."""
    if depth > 3:
        return []
    if isinstance(value, str):
        return [(value, False)]
    if isinstance(value, list):
        out: list[tuple[str, bool]] = []
        for v in value[:20]:
            out.extend(_ld_people(v, ids, depth + 1))
        return out
    if isinstance(value, dict):
        ref = value.get("@id")
        if "name" not in value and isinstance(ref, str) and ref in ids and ids[ref] is not value:
            return _ld_people(ids[ref], ids, depth + 1)
        types = _types(value)
        if types & _ORG_TYPES and "person" not in types:
            return []
        name = value.get("name")
        if isinstance(name, list):
            name = next((n for n in name if isinstance(n, str)), None)
        if not isinstance(name, str):
            given, family = value.get("givenName"), value.get("familyName")
            if isinstance(given, str) and isinstance(family, str):
                name = f"{given} {family}"
        if isinstance(name, str):
            return [(name, "person" in types)]
    return []


# ---------------------------------------------------------------------------------------------
# authors

_BY_PREFIX = re.compile(
    r"^(?:(?:(?:written|posted|published|reported|compiled|edited|text|story|words|"
    r"geschrieben|verfasst|veröffentlicht|publié|escrito|scritto|erstellt|created|gepostet|geposted|eingestellt|"
    r"ein\s+beitrag|a\s+post|article|artikel|beitrag|posting|foto|photo)\s+)?"
    r"(?:by|von|vom|par|por|di|da|door|av|af|przez|от)\b|autor(?:in|es)?|author(?:s)?|"
    r"verfasser(?:in)?|auteur|text|texte|redakteur(?:in)?|posted)\s*[:\-–—]?\s*",
    re.I,
)
_INNER_BY = re.compile(r"(?:^|[\s·|•,])(?:by|von|par|por|door)\s+(?=[^\W\d_])", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\||&|\+|/|·|•|\band\b|\bund\b|\bet\b|\bsowie\b|\bu\.\s|\by\b|\be\b|\ben\b|\bi\b|\bog\b|\boch\b)\s*")
_STOP_AFTER = re.compile(
    r"\s(?:\||•|·|—|–|-)\s|\s*\b(?:updated|aktualisiert|veröffentlicht|published|posted|stand|am|on|le|el|il|"
    r"um|at|mis à jour|publié)\b\s*(?:\d|:|am\b|on\b)|\s\d{1,2}[./]\d{1,2}[./]\d{2,4}|\s\d{4}-\d\d-\d\d|"
    r"\s(?:\d{1,2}\.?\s+)?(?:" + _MONTH_ALT + r")\.?\s+\d|"
    r"\s(?:mo|di|mi|do|fr|sa|so|mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|jeu|ven|sam|dim)[a-z]*\.?,?\s+\d",
    re.I,
)
_NOT_NAME_WORDS = {
    "publisher", "red", "redakcja", "anónimo", "anonimo", "phone", "germany", "deutschland", "deutsche", "deutsches",
    "österreich", "schweiz", "switzerland", "austria", "europe", "europa", "france", "usa", "kreuz", "diakonie",
    "caritas", "kitchens", "kitchen", "noticias", "departement", "república", "republic", "republik", "bund",
    "superuser", "user", "no", "author", "autor", "for", "für", "of", "anstalt", "landesanstalt", "collectif", "collective", "kollektiv", "gastbeitrag", "gastautorin", "redakteur", "redaktionsteam", "onlineredaktion",
    "staff", "redaktion", "editor", "editors", "editorial", "admin", "administrator", "team", "news", "newsroom",
    "agency", "agentur", "press", "presse", "desk", "reporter", "reporters", "correspondent", "contributor",
    "contributors", "guest", "gast", "gastautor", "unknown", "anonymous", "anonym", "wire", "wires", "reuters",
    "afp", "dpa", "ap", "apa", "sid", "kna", "epd", "ddp", "ots", "ansa", "efe", "bloomberg", "online",
    "gmbh", "inc", "ltd", "llc", "ag", "corp", "media", "verlag", "zeitung", "magazin", "magazine", "daily",
    "newsletter", "blog", "website", "webmaster", "service", "services", "support", "office", "redaction",
    "rédaction", "redacción", "redazione", "redactie", "association", "foundation", "stiftung", "verein",
    "e.v.", "institute", "institut", "university", "universität", "department", "ministry", "group", "company",
    "sponsored", "partner", "content", "advertisement", "anzeige", "home", "startseite", "login", "menu",
    "kontakt", "contact", "impressum", "share", "teilen", "comments", "kommentare", "follow", "twitter",
    "facebook", "instagram", "linkedin", "email", "e-mail", "mail", "more", "mehr", "read", "lesen", "all",
    "alle", "articles", "artikel", "posts", "beiträge", "the", "by", "photo",
    "photos", "foto", "fotos", "bild", "bilder", "image", "images", "video", "videos", "source", "quelle",
    "published", "updated", "minutes", "minuten", "min", "read", "lesezeit", "uhr", "am", "pm", "hours",
    "ago", "vor", "today", "heute", "yesterday", "gestern", "tv", "radio", "channel", "network", "times",
    "post", "tribune", "herald", "gazette", "journal", "courier", "kurier", "rundschau", "anzeiger",
    "nachrichten", "tagblatt", "abendblatt", "morgenpost", "welt", "spiegel", "bild", "focus", "stern",
    "zdf", "ard", "ndr", "wdr", "swr", "br", "mdr", "hr", "rbb", "orf", "srf", "bbc", "cnn", "nbc", "abc",
    "cbs", "fox", "npr", "pbs", "club", "party", "partei", "fraktion", "kreisverband", "ortsverband",
    "landesverband", "bundesverband", "gemeinde", "stadt", "city", "council", "government", "regierung",
    "polizei", "police", "feuerwehr", "schule", "school", "kirche", "church", "network", "projekt", "project",
}
_NAME_PARTICLES = {"von", "van", "der", "den", "de", "da", "di", "del", "della", "dos", "das", "du", "la", "le",
                   "zu", "zur", "ten", "ter", "bin", "ibn", "al", "el", "y", "e", "af", "av", "st."}
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:[-'’][^\W\d_]+)*\.?$")
_INITIAL = re.compile(r"^(?:[^\W\d_]\.){1,3}$")


# "Mike Blake/Reuters files", "Foto: Jane Doe": a picture credit, not the article's author
_CREDIT = re.compile(
    r"\w\s*/\s*(?:reuters|ap|afp|getty|epa|dpa|bloomberg|shutterstock|istock|imago|picture[- ]alliance)\b"
    r"|^\s*(?:photo|foto|image|bild|picture|credit|illustration)s?\s*(?:by|von|:)"
    r"|\b(?:file )?photo\b\s*$|\bfiles\s*$",
    re.I,
)
# Honorifics and professional titles written before a name: not part of it.
_HONORIFICS = {"dr", "dr.", "prof", "prof.", "rechtsanwalt", "rechtsanwältin", "ra", "mag", "mag.",
               "dipl.-ing.", "ing.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mme", "m.", "herr", "frau",
               "pfarrer", "pastor", "rev.", "notar", "notarin", "steuerberater", "steuerberaterin"}


def _split_names(text: str) -> list[str]:
    text = _clean(text)
    if not text or _CREDIT.search(text):
        return []
    text = _BY_PREFIX.sub("", text, count=1)
    text = _BY_PREFIX.sub("", text, count=1)
    # "29. Juni 2017, 23:39 · von Tobi": the names follow the 'by'
    m = _INNER_BY.search(text)
    if m is not None and m.start() > 0 and re.search(r"[\d·|•:]", text[: m.start() + 1]):
        text = text[m.end() :]
    m = _STOP_AFTER.search(text)
    if m and m.start() > 0:
        text = text[: m.start()]
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]|(?<!\S)@\w+", " ", text)
    out = []
    for part in _NAME_SPLIT.split(text):
        part = _BY_PREFIX.sub("", part.strip(" .,:;-–—*\"'“”„«»")).strip(" .,:;-–—*")
        if part:
            out.append(_clean(part))
    return out


_ORG_SUFFIXES = ("fraktion", "verband", "verein", "redaktion", "ministerium", "zeitung", "stiftung", "partei",
                 "nachrichten", "magazin", "verlag", "institut", "agentur", "kirche", "schule", "gemeinde",
                 "gesellschaft", "genossenschaft", "bündnis", "vereinigung", "kammer", "behörde", "zentrum", "center",
                 "centre", "network", "media", "news", "press", "team", "staff", "group", "service", "services")


def _org_like(name: str, blocked: set[str]) -> bool:
    """Whether ``name`` names an organisation, site, agency or role rather than a person."""
    if _fold(name) in blocked:
        return True
    low = name.casefold()

    if "@" in low or "http" in low or "www." in low or "://" in low or re.search(r"\.(?:com|de|org|net|at|ch|uk|fr|pl|it|es)\b", low):
        return True
    for w in low.split():
        w = w.strip(".,:;()")
        if w in _NOT_NAME_WORDS or (len(w) > 6 and w.endswith(_ORG_SUFFIXES)):
            return True
    return False


def _valid_name(name: str, *, strict: bool, blocked: set[str]) -> str | None:
    """``name`` cleaned when it looks like a person's name (or, not strict, a user handle)."""
    name = _clean(name).strip(" .,:;-–—|*\"'“”„«»@")
    if not name or len(name) > 60 or len(name) < 2:
        return None
    if "@" in name:  # "Jane Doe @janedoe": the handle goes, the name stays
        name = " ".join(w for w in name.split() if not w.startswith("@")).strip()
        if not name:
            return None
    if any(ch.isdigit() for ch in name):
        return None
    if _org_like(name, blocked):
        return None
    words = name.split()
    while len(words) > 2 and words[0].casefold() in _HONORIFICS:
        words = words[1:]
    name = " ".join(words)
    # "Olivier Minot Olivier Minot": a name printed twice
    if len(words) % 2 == 0 and len(words) >= 4 and words[: len(words) // 2] == words[len(words) // 2 :]:
        words = words[: len(words) // 2]
        name = " ".join(words)
    if len(words) > 5:
        return None
    half = len(name) // 2
    if len(name) % 2 == 0 and name[:half] == name[half:]:  # "Jo DoeJo Doe": text printed twice
        name = name[:half].strip()
        words = name.split()
    if not strict:
        if len(words) == 1:
            # a handle: letters (and - _ .) only, not initials or an agency code ("kj", "AgE", "GNB")
            if not re.match(r"^[^\W\d][\w.\-]*$", name) or len(name) > 30 or len(name) <= 2:
                return None
            if len(name) == 3 and not (name[0].isupper() and name[1:].islower()):
                return None
            return name
        if not all(_NAME_WORD.match(w) or _INITIAL.match(w) for w in words):
            return None
        if not all(w[0].isupper() or w.casefold() in _NAME_PARTICLES for w in words):
            return None
        return name
    # strict: what a byline in running text must look like
    if len(words) < 2 or len(words) > 4:
        return None
    for w in words:
        if w.casefold() in _NAME_PARTICLES:
            continue
        if not (_NAME_WORD.match(w) or _INITIAL.match(w)) or not w[0].isupper():
            return None
        if len(w) > 2 and w.isupper():
            return None
    if words[-1].casefold() in _NAME_PARTICLES:
        return None
    return name


def _names(text: str, *, strict: bool, blocked: set[str]) -> list[str]:
    text = _plain(text)
    parts = _split_names(text)
    # "Süddeutsche.de GmbH, Munich, Germany": an organisation with its address, not a list of people
    if parts and _org_like(parts[0], blocked):
        return []
    out: list[str] = []
    for part in parts:
        n = _valid_name(part, strict=strict, blocked=blocked)
        if n and n not in out:
            out.append(n)
    return out


# ---------------------------------------------------------------------------------------------
# titles

_TITLE_SEP = re.compile(r"\s+(?:\||-|–|—|::|•|·|«|»|/|—|:)\s+|\s*\|\s*")


def _title_parts(title: str) -> list[str]:
    return [p for p in (x.strip() for x in _TITLE_SEP.split(title)) if p]


def _strip_site(title: str, sites: set[str]) -> str:
    """``title`` without the site-name segment and what the site name brackets off.

    "Headline – Site – Section" -> "Headline"; "Site | Section | Headline" -> "Headline"."""
    parts = _title_parts(title)
    if len(parts) < 2:
        return title
    idx = [i for i, p in enumerate(parts) if _is_site(p, sites)]
    if not idx or len(idx) == len(parts):
        return title
    first, last = idx[0], idx[-1]
    if first > 0 and first >= len(parts) - 1 - last:
        keep = parts[:first]  # the site name and what follows it are trailing furniture
    else:
        keep = parts[last + 1 :] or parts[:first]
    if not keep:
        return title
    # rejoin the kept span from the original text so inner punctuation stays as written
    i = title.find(keep[0])
    j = title.rfind(keep[-1])
    if i >= 0 and j >= i:
        return title[i : j + len(keep[-1])].strip()
    return " - ".join(keep)


def _is_site(part: str, sites: set[str]) -> bool:
    f = _fold(part)
    if not f:
        return True
    for s in sites:
        if not s:
            continue
        if f == s or (len(s) >= 4 and (s in f and len(f) <= len(s) + 12)) or (len(f) >= 3 and f in s and len(f) >= len(s) - 6):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# the extractor

_PUB_META = {
    # name/property (lower case) -> rank (lower is better)
    "article:published_time": 0, "og:article:published_time": 0, "article:published": 0,
    "og:published_time": 0, "datepublished": 1, "article.published": 1, "published_time": 1,
    "publication_date": 1, "publication-date": 1, "publish_date": 1, "publish-date": 1, "publishdate": 1,
    "published-date": 1, "pubdate": 1, "parsely-pub-date": 1, "sailthru.date": 2, "dc.date.issued": 2,
    "dcterms.issued": 2, "dc.date.created": 2, "dcterms.created": 2, "dc.date": 3, "dcterms.date": 3,
    "date": 3, "citation_publication_date": 2, "citation_date": 3, "originalpublicationdate": 1,
    "original-publish-date": 1, "cxenseparse:recs:publishtime": 2, "article_date_original": 1,
    "og:pubdate": 1, "pdate": 2, "ptime": 2, "displaydate": 3, "date.available": 3, "dc.created": 2,
    "creation_date": 3, "created": 3, "release_date": 3, "bt:pubdate": 2, "nv:date": 3, "last-modified": 9,
}
_AUTHOR_META = ("author", "article:author", "og:article:author", "dc.creator", "dcterms.creator",
                "parsely-author", "sailthru.author", "byl", "citation_author", "dc.contributor", "creator",
                "article:author_name", "cxenseparse:author", "authors", "author_name")
_LANG_META = ("content-language", "language", "dc.language", "dcterms.language", "og:locale", "inlanguage", "lang")

# The class/id/itemprop candidates for bylines and dates: elements whose class holds one of
# these pieces (case as written), whose id holds one of the id pieces, that carry an itemprop,
# or rel="author".  Once an XPath of 17 contains() tests; libxml2 turned the attributes into
# strings for every test on every element (18% of extraction time): one walk in document
# order, with a regex per attribute, finds the same elements.
_CAND_CLASS = re.compile(r"uthor|yline|utor|date|Date|time|posted|ublish|meta|datum|Datum|vcard")
_CAND_ID = re.compile(r"uthor|yline|date")
_MAX_CANDS = 400


def _candidates(tree: HtmlElement) -> list[HtmlElement]:
    out: list[HtmlElement] = []
    cls_hit, id_hit = _CAND_CLASS.search, _CAND_ID.search
    for el in tree.iter(etree.Element):
        get = el.get
        cls = get("class")
        if cls is not None and cls_hit(cls):
            out.append(el)
        else:
            ident = get("id")
            if (ident is not None and id_hit(ident)) or get("itemprop") is not None or get("rel") == "author":
                out.append(el)
            else:
                continue
        if len(out) >= _MAX_CANDS:
            break
    return out


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:[/-]|\.html?|$)")
# "/meldungen/29-10-2021": a day-first date as the last part of the path
_URL_DATE_DMY = re.compile(r"/(0?[1-9]|[12]\d|3[01])[-_.](0?[1-9]|1[0-2])[-_.]((?:19|20)\d\d)(?:/|\.html?|$)")
_URL_DATE_COMPACT = re.compile(r"[/_-]((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[/_.-]")
_COMMENT_HINT = re.compile(r"comment|kommentar|reply|respond|discussion|sidebar|widget|related|footer|teaser|recommend", re.I)
_NOISE_TOKEN = re.compile(
    r"^(?:[a-z]+[-_])?(?:comments?|kommentare?|reply|respond|discussion|sidebar|widget|related|teasers?|recommend|"
    r"footer|popular|most-read|trending|more-from)(?:$|[-_])"
)
_NOW_HINT = re.compile(r"(?:aktuelle\s+zeit|current\s+time|it\s+is\s+currently|heute\s+ist|today\s+is)", re.I)
_PUB_LABEL = re.compile(
    r"\b(?:erschienen|veröffentlicht|publiziert|published|publié|publicado|pubblicato|online\s+seit)\b"
    r"\s*(?:am|on|le|el|il|:|den)?\s*:?\s*"
    # "Submitted by rasos on ...", "Gespeichert von rasos am ...", "von lupa am ...": a CMS's byline
    r"|\b(?:submitted|posted|gespeichert|geschrieben|verfasst|eingestellt|von|by)\s+(?:von\s+|by\s+)?"
    r"[^\s,;:|]{2,30}(?:\s+[^\s,;:|]{2,30})?\s+(?:am|on)\s+",
    re.I,
)
# an update stamp written in the text ("Aktualisiert: 30.12.2016", "Stand: 03.04.2020", "Diese Seite
# wurde zuletzt am 29. Januar 2020 geändert"): when nothing better is there it is the page's date
_UPDATE_LABEL = re.compile(
    r"\b(?:aktualisiert|zuletzt\s+(?:aktualisiert|geändert|bearbeitet)|stand|last\s+(?:updated|modified)|"
    r"updated|mis\s+à\s+jour|actualizado|aggiornato|wurde\s+zuletzt)\b\s*(?:am|on|le|el|il|:|den)?\s*:?\s*",
    re.I,
)
_OTHER_LABEL = re.compile(
    r"(?:registriert|registered|mitglied\s+seit|member\s+since|joined|geboren|born|aktuelle\s+zeit|"
    r"letzte\s+änderung|last\s+modified|zuletzt|updated|aktualisiert|stand|copyright|©)\W*(?:am|on|seit|:)?\s*$",
    re.I,
)
_UPDATED_HINT = re.compile(r"updat|modif|aktualisiert|geändert|edited|mis.?à.?jour|actualiz", re.I)
_PUB_HINT = re.compile(r"publi|pubdate|posted|entry-date|created|veröffentlicht|erschienen|datetime|date", re.I)
_LANG_CODE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$", re.I)


def _norm_lang(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip().split(",")[0].strip()
    m = _LANG_CODE.match(value)
    if not m:
        return None
    code = m.group(1).lower()
    if code in ("x", "i") or len(code) == 3 and code not in ("ger", "deu", "eng", "fra", "fre", "spa", "ita"):
        return None
    return {"ger": "de", "deu": "de", "eng": "en", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it"}.get(code, code)


def _attr(el: HtmlElement, name: str) -> str:
    v = el.get(name)
    return v if isinstance(v, str) else ""


def _host(url: str | None) -> str:
    if not url or not isinstance(url, str):
        return ""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def _in_noise(el: HtmlElement, depth: int = 8) -> bool:
    """Whether ``el`` sits in comments, a sidebar, navigation or a teaser list rather than the article."""
    node = el
    footer = False
    for level in range(depth):
        if node is None:
            break
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("aside", "nav"):
            return True
        if tag == "footer":
            footer = True  # a page footer, unless it is the article's own (inside <article>)
        if tag in ("article", "main"):
            return False  # reached the article itself: its classes say little about the byline
        if tag == "body":
            break
        if level < 5:
            tokens = (_attr(node, "class") + " " + _attr(node, "id")).lower().split()
            if any(t.startswith(("content", "main", "article", "post", "entry", "story")) for t in tokens):
                tokens = []  # "site-content ... id=sidebar": a content column, whatever else it is called
            for token in tokens:
                if _NOISE_TOKEN.match(token) and "includ" not in token and not token.startswith(("has-", "with-")):
                    return True
        node = node.getparent()
    return footer


def extract_metadata(tree: HtmlElement, *, url: str | None = None) -> Metadata:
    meta = Metadata()
    try:
        _extract(tree, url, meta)
    except Exception:  # noqa: BLE001 - metadata is best effort; a strange page must not stop extraction
        pass
    return meta


def _extract(tree: HtmlElement, url: str | None, meta: Metadata) -> None:
    metas: dict[str, list[str]] = {}
    ld_objs: list[dict] = []
    ld_loose: dict[str, str] = {}
    title_tag = ""
    h1s: list[HtmlElement] = []
    times: list[HtmlElement] = []
    canonical = ""
    ld_scripts = 0

    for el in tree.iter("meta", "script", "title", "h1", "time", "link"):
        tag = el.tag
        if tag == "meta":
            content = el.get("content")
            if content is None:
                content = el.get("value")
            if not isinstance(content, str):
                continue
            for key_attr in ("property", "name", "itemprop", "http-equiv"):
                key = el.get(key_attr)
                if isinstance(key, str) and key:
                    metas.setdefault(key.strip().lower(), []).append(content)
        elif tag == "script":
            typ = (el.get("type") or "").lower()
            if "ld+json" in typ and el.text:
                ld_scripts += 1
                objs, loose = _read_ld_script(el, ld_scripts, meta)
                ld_objs.extend(objs)
                for k, v in loose.items():
                    ld_loose.setdefault(k, v)
        elif tag == "title":
            if not title_tag and el.getparent() is not None and el.getparent().tag in ("head", "html"):
                title_tag = _text(el, 500)
            elif not title_tag and (el.getparent() is None or el.getparent().tag not in ("svg", "symbol")):
                title_tag = _text(el, 500)
        elif tag == "h1":
            if len(h1s) < 5:
                h1s.append(el)
        elif tag == "time":
            if len(times) < 30:
                times.append(el)
        elif tag == "link":
            rel = (el.get("rel") or "").lower()
            if rel == "canonical" and not canonical:
                canonical = el.get("href") or ""

    def m1(*keys: str) -> tuple[str, str] | None:
        for k in keys:
            for v in metas.get(k, ()):
                v = _clean(v)
                if v:
                    return k, v
        return None

    # JSON-LD: article-like objects first, then pages, then anything
    arts = [o for o in ld_objs if _types(o) & _ARTICLE_TYPES]
    pages = [o for o in ld_objs if _types(o) & _PAGE_TYPES]
    ld_ranked = arts + pages

    page_url = url or canonical or (m1("og:url") or ("", ""))[1]
    host = _host(page_url)

    # ---------------- site name
    site = None
    for k in ("og:site_name", "application-name"):
        hit = m1(k)
        if hit and len(hit[1]) <= 80:
            site = hit[1]
            meta.evidence["site_name"] = Evidence(f"meta:{k}", hit[1])
            break
    if not site:
        for o in ld_ranked + [o for o in ld_objs if _types(o) & _ORG_TYPES]:
            pub = o.get("publisher") if not (_types(o) & _ORG_TYPES) else o
            name = _ld_str(pub) if pub is not None else ""
            if name and len(name) <= 80:
                site = name
                meta.evidence["site_name"] = Evidence("json-ld:publisher", name)
                break
    if not site and host:
        site = host
        meta.evidence["site_name"] = Evidence("url", host)
    meta.site_name = site

    sites: set[str] = set()
    if site:
        sites.add(_fold(site))
    for k in ("og:site_name", "application-name", "twitter:site"):
        for v in metas.get(k, ()):
            f = _fold(v)
            if f:
                sites.add(f)
    for o in ld_objs:
        types = _types(o)
        if types & _ORG_TYPES and "person" not in types:
            f = _fold(_ld_str(o.get("name")))
            if f:
                sites.add(f)
        pub = o.get("publisher")
        if isinstance(pub, dict) and "person" not in _types(pub):
            f = _fold(_ld_str(pub))
            if f:
                sites.add(f)
    if host:
        labels = host.split(".")
        sites.add(_fold(host))
        core = labels[-2] if len(labels) >= 2 else labels[0]
        if len(core) >= 3:
            sites.add(_fold(core))
        # "seglerblog.example.de": a subdomain names the site (or the blog) as much as the domain does;
        # not on blog hosts, where the subdomain is the writer's own name (creeny.wordpress.com)
        if core not in _BLOG_HOSTS:
            for label in labels[:-2]:
                if len(label) >= 5 and label not in ("blogs", "media", "static"):
                    sites.add(_fold(label))
    sites.discard("")

    # ---------------- title
    _pick_title(meta, title_tag, h1s, metas, ld_ranked, ld_loose, sites)

    # ---------------- language
    lang_raw = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or tree.get("xml:lang")
    lang = _norm_lang(lang_raw)
    if lang:
        meta.evidence["language"] = Evidence("html[lang]", lang_raw)
    else:
        for k in _LANG_META:
            for v in metas.get(k, ()):
                lang = _norm_lang(v)
                if lang:
                    meta.evidence["language"] = Evidence(f"meta:{k}", v)
                    break
            if lang:
                break
        if not lang:
            for o in ld_ranked:
                v = o.get("inLanguage")
                lang = _norm_lang(_ld_str(v) if not isinstance(v, str) else v)
                if lang:
                    meta.evidence["language"] = Evidence("json-ld:inLanguage", str(v))
                    break
    meta.language = lang
    month_first = bool(isinstance(lang_raw, str) and lang_raw.lower().replace("_", "-") in ("en-us", "en-ph"))
    if not month_first:
        loc = (m1("og:locale") or ("", ""))[1].lower().replace("_", "-")
        # a bare "en" on a .com site is most likely American; "en-GB"/"en-AU" written on the page says otherwise
        region_given = isinstance(lang_raw, str) and bool(re.match(r"^en[-_][a-z]{2}$", lang_raw.strip(), re.I))
        month_first = loc == "en-us" or (
            lang == "en" and not loc and not region_given and host.endswith((".com", ".org", ".net", ".us"))
        )

    # ---------------- the class/id/itemprop candidates (one XPath)
    try:
        cands = _candidates(tree)
    except Exception:  # noqa: BLE001
        cands = []

    for key in ("og:description", "description", "twitter:description"):
        value = next((_clean(v) for v in metas.get(key, ()) if _clean(v)), None)
        if value:
            meta.description = value
            break

    # ---------------- authors
    blocked = set(sites)
    _pick_authors(meta, metas, ld_ranked, ld_objs, ld_loose, cands, blocked, tree)

    # ---------------- published
    lang_values = [v for v in (lang_raw, *(metas.get("og:locale", ())), *(metas.get("content-language", ()))) if isinstance(v, str)]
    tz = _guess_zone(host, lang_values, lang)
    _pick_date(meta, metas, ld_ranked, ld_loose, times, cands, h1s, page_url, tree, month_first, tz)


def _pick_title(meta, title_tag, h1s, metas, ld_ranked, ld_loose, sites) -> None:
    h1_texts = [t for t in (_text(h, 400) for h in h1s) if t]
    og = next((_clean(v) for k in ("og:title", "twitter:title") for v in metas.get(k, ()) if _clean(v)), "")
    headline = ""
    for o in ld_ranked:
        headline = _ld_str(o.get("headline")) or (_ld_str(o.get("name")) if _types(o) & _ARTICLE_TYPES else "")
        if headline:
            break
    if not headline:
        headline = _clean(ld_loose.get("headline", ""))
    if headline:
        try:
            headline = json.loads(f'"{headline}"') if "\\" in headline else headline
        except ValueError:
            pass
    headline = _clean(_plain(headline)) if headline else ""
    refs = [("json-ld:headline", headline), ("meta:og:title", og), ("title-tag", title_tag)]
    ref_folds = set()
    for _, r in refs:
        if r:
            ref_folds.add(_fold(r))
            for p in _title_parts(r):
                if len(p.split()) >= 3:  # a one-word part ("News", "Sections") is furniture, not a headline
                    ref_folds.add(_fold(p))
            ref_folds.add(_fold(_strip_site(r, sites)))
    ref_folds.discard("")
    # an h1 that agrees with the other signals is the headline as displayed
    for t in h1_texts:
        if _fold(t) in ref_folds and not _is_site(t, sites):
            meta.title = t
            meta.evidence["title"] = Evidence("h1", t)
            return
    for src, r in refs:
        if not r:
            continue
        t = _strip_site(r, sites)
        if src == "title-tag" and t == r:
            parts = _title_parts(r)
            if len(parts) >= 2:
                # no known site name: keep the headline-like (longest) part
                t = max(parts, key=len)
        if t and not _is_site(t, sites) or (t and src != "title-tag"):
            meta.title = t
            meta.evidence["title"] = Evidence(src, r)
            return
    if h1_texts:
        meta.title = h1_texts[0]
        meta.evidence["title"] = Evidence("h1", h1_texts[0])
    elif title_tag:
        meta.title = title_tag
        meta.evidence["title"] = Evidence("title-tag", title_tag)


_BLOG_HOSTS = {"wordpress", "blogspot", "blogger", "tumblr", "medium", "substack", "wixsite", "jimdo", "jimdofree",
               "over-blog", "typepad", "livejournal", "hatenablog", "ghost", "weebly", "home", "twoday", "blog"}
# plain strings: lxml's default "smart" strings each carry a link back to their parent
_VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(parent::script or parent::style or parent::noscript or parent::template)]",
    smart_strings=False,
)
_COPYRIGHT_LINE = re.compile(
    r"(?:©|\(c\)|copyright|(?:theme|template|design|designed|powered|website|webdesign|site)\s+(?:by|von|par))"
    r"[^.|\n]{0,80}",
    re.I,
)

# Where a _COPYRIGHT_LINE match can start, found in the lower-cased text with plain substring
# searches; the regex then runs only there.  Without a literal prefix (re.I and a leading
# alternation) it tried every position of the page's text: 6% of extraction time.
_COPYRIGHT_ANCHORS = tuple(re.compile(re.escape(a)) for a in ("©", "(c", "copyright"))
_BY_WORD = re.compile(r"\s(?:by|von|par)")
_BEFORE_BY = ("theme", "template", "design", "designed", "powered", "website", "webdesign", "site")
# under re.I these match "i" or "s" without lower() giving that letter ("İ" also lowers to two
# characters, which would shift positions): a text holding one takes the plain regex
_ODD_FOLDS = ("\u0130", "\u0131", "\u017f")


def _strip_copyright(text: str) -> str:
    """``_COPYRIGHT_LINE.sub(" ", text)``."""
    if not text.isascii() and any(map(text.__contains__, _ODD_FOLDS)):
        return _COPYRIGHT_LINE.sub(" ", text)
    low = text.lower()  # same length and positions as text here
    starts: set[int] = set()
    for anchor in _COPYRIGHT_ANCHORS:
        starts.update(m.start() for m in anchor.finditer(low))
    for m in _BY_WORD.finditer(low):
        j = m.start()
        while j > 0 and low[j - 1].isspace():
            j -= 1
        for word in _BEFORE_BY:
            if j >= len(word) and low.startswith(word, j - len(word)):
                starts.add(j - len(word))
    if not starts:
        return text
    parts: list[str] = []
    pos = 0
    match = _COPYRIGHT_LINE.match
    for start in sorted(starts):
        if start < pos:
            continue
        m = match(text, start)
        if m is not None:
            parts.append(text[pos:start])
            parts.append(" ")
            pos = m.end()
    if not parts:
        return text
    parts.append(text[pos:])
    return "".join(parts)


def _shown_filter(tree):
    """A filter keeping the names that are printed somewhere in the page's visible text.

    Structured data names whoever owns the CMS account (a site owner, an editor who uploaded a
    press release, a handle); people who annotate pages, and readers, only see a byline.  A name
    that is nowhere in the text is no byline.  The name's words are matched in order with anything
    but letters between them, so a name broken over two elements still counts; the text is only
    built when a name needs checking."""
    low = ""
    built = False

    def keep(names: list[str]) -> list[str]:
        nonlocal built, low
        if not names:
            return names
        if not built:
            # one XPath in C rather than a walk in Python: this runs on most pages
            try:
                txt = " ".join(_VISIBLE_TEXT(tree))
            except Exception:  # noqa: BLE001
                txt = ""
            # "© 2020 Cornel van Bebber": the owner named in the copyright line is not a byline
            low = _strip_copyright(unicodedata.normalize("NFC", txt)).casefold()
            built = True
        out = []
        for n in names:
            parts = re.findall(r"[^\W_]+", unicodedata.normalize("NFC", n).casefold())
            if not parts:
                continue
            pat = r"(?<![^\W_])" + r"[\W_]+".join(re.escape(p) for p in parts) + r"(?![^\W_])"
            if re.search(pat, low):
                out.append(n)
        return out

    return keep


def _pick_authors(meta, metas, ld_ranked, ld_objs, ld_loose, cands, blocked, tree) -> None:
    ld_ids = {o["@id"]: o for o in ld_objs if isinstance(o.get("@id"), str)}
    shown = _shown_filter(tree)
    # 1. JSON-LD authors of the article
    for o in ld_ranked:
        people = _ld_people(o.get("author"), ld_ids) or _ld_people(o.get("creator"), ld_ids)
        names: list[str] = []
        raws = []
        for name, _is_person in people:
            raws.append(name)
            for n in _names(name, strict=False, blocked=blocked):
                if n not in names:
                    names.append(n)
        names = shown(names)
        if names:
            meta.authors = names
            meta.evidence["authors"] = Evidence("json-ld:author", "; ".join(raws))
            return
    if ld_loose.get("author"):
        names = shown(_names(ld_loose["author"], strict=False, blocked=blocked))
        if names:
            meta.authors = names
            meta.evidence["authors"] = Evidence("json-ld:author", ld_loose["author"])
            return
    # 2. meta tags
    for k in _AUTHOR_META:
        vals = [v for v in metas.get(k, ()) if v and v.strip()]
        if not vals:
            continue
        names = []
        for v in vals:
            if "://" in v or v.strip().startswith(("/", "www.")):
                continue
            for n in _names(v, strict=False, blocked=blocked):
                if n not in names:
                    names.append(n)
        names = shown(names)
        if names:
            meta.authors = names
            meta.evidence["authors"] = Evidence(f"meta:{k}", "; ".join(vals))
            return
    # twitter's label/data pairs ("Written by" -> name)
    for i in ("1", "2", "3"):
        label = _clean((metas.get(f"twitter:label{i}") or [""])[0]).casefold()
        if label in ("written by", "geschrieben von", "verfasst von", "von", "by", "author", "autor", "écrit par", "escrito por"):
            raw = (metas.get(f"twitter:data{i}") or [""])[0]
            names = shown(_names(raw, strict=False, blocked=blocked))
            if names:
                meta.authors = names
                meta.evidence["authors"] = Evidence(f"meta:twitter:data{i}", raw)
                return
    # 3. markup: itemprop=author, rel=author, byline/author classes, in document order
    for el in cands:
        if not isinstance(el.tag, str):
            continue
        itemprop = _attr(el, "itemprop").lower()
        rel = _attr(el, "rel").lower()
        cls = (_attr(el, "class") + " " + _attr(el, "id")).lower()
        is_prop = "author" in itemprop.split() or "creator" in itemprop.split()
        is_rel = rel == "author"
        is_cls = ("author" in cls or "byline" in cls or "autor" in cls) and not _COMMENT_HINT.search(cls)
        if not (is_prop or is_rel or is_cls):
            continue
        if el.tag in ("meta", "link", "img", "script", "style", "body", "html", "article", "main", "section"):
            if el.tag == "meta" and is_prop:
                pass
            else:
                continue
        if _in_noise(el):
            continue
        if el.tag == "meta":
            raw = _attr(el, "content")
        else:
            # an itemprop=name inside the author element is the name itself
            inner = None
            if is_prop:
                inner = next(iter(el.xpath(".//*[@itemprop='name']")), None)
            raw = _attr(inner, "content") or _text(inner, 200) if inner is not None else _text(el, 300, spaced=True)
        if not raw or len(raw) > 250:
            continue
        # structured markers (itemprop, rel, vcard, author links) may carry a handle; free text needs a full name
        linked = is_prop or is_rel or el.tag == "a" or "vcard" in cls or "fn" in cls.split()
        if not linked:
            a = el.find(".//a")
            href = _attr(a, "href").lower() if a is not None else ""
            linked = bool(re.search(r"/(?:author|autor|autoren|user|profil|profile|people|team|redaktion)/", href))
        if not linked and len(_split_names(raw)) > 6:
            continue
        names = _names(raw, strict=not linked, blocked=blocked)
        if names:
            meta.authors = names
            src = "itemprop=author" if is_prop else "rel=author" if is_rel else "byline"
            meta.evidence["authors"] = Evidence(src, raw)
            return


_REGION_ZONES = {
    "de": "Europe/Berlin", "at": "Europe/Vienna", "ch": "Europe/Zurich", "fr": "Europe/Paris", "it": "Europe/Rome",
    "es": "Europe/Madrid", "nl": "Europe/Amsterdam", "be": "Europe/Brussels", "lu": "Europe/Luxembourg",
    "pl": "Europe/Warsaw", "cz": "Europe/Prague", "sk": "Europe/Bratislava", "dk": "Europe/Copenhagen",
    "se": "Europe/Stockholm", "no": "Europe/Oslo", "fi": "Europe/Helsinki", "uk": "Europe/London",
    "gb": "Europe/London", "ie": "Europe/Dublin", "pt": "Europe/Lisbon", "gr": "Europe/Athens",
    "hu": "Europe/Budapest", "ro": "Europe/Bucharest", "si": "Europe/Ljubljana", "hr": "Europe/Zagreb",
    "ru": "Europe/Moscow", "ua": "Europe/Kyiv", "tr": "Europe/Istanbul", "il": "Asia/Jerusalem",
    "ar": "America/Argentina/Buenos_Aires", "br": "America/Sao_Paulo", "uy": "America/Montevideo",
    "cl": "America/Santiago", "mx": "America/Mexico_City", "pe": "America/Lima", "ve": "America/Caracas",
    "bo": "America/La_Paz", "co": "America/Bogota", "ec": "America/Guayaquil", "py": "America/Asuncion",
    "cr": "America/Costa_Rica", "gt": "America/Guatemala", "pa": "America/Panama", "do": "America/Santo_Domingo",
    "cu": "America/Havana", "pr": "America/Puerto_Rico", "hn": "America/Tegucigalpa", "ni": "America/Managua",
    "sv": "America/El_Salvador", "aw": "America/Aruba", "ph": "Asia/Manila", "id": "Asia/Jakarta",
    "th": "Asia/Bangkok", "vn": "Asia/Ho_Chi_Minh", "my": "Asia/Kuala_Lumpur", "pk": "Asia/Karachi",
    "us": "America/New_York", "ca": "America/Toronto", "jp": "Asia/Tokyo", "cn": "Asia/Shanghai",
    "hk": "Asia/Hong_Kong", "tw": "Asia/Taipei", "kr": "Asia/Seoul", "in": "Asia/Kolkata", "sg": "Asia/Singapore",
    "au": "Australia/Sydney", "nz": "Pacific/Auckland", "za": "Africa/Johannesburg", "ng": "Africa/Lagos",
    "ke": "Africa/Nairobi", "eg": "Africa/Cairo", "tn": "Africa/Tunis", "ma": "Africa/Casablanca",
}
_LANG_ZONES = {
    "de": "Europe/Berlin", "fr": "Europe/Paris", "it": "Europe/Rome", "nl": "Europe/Amsterdam", "pl": "Europe/Warsaw",
    "cs": "Europe/Prague", "da": "Europe/Copenhagen", "sv": "Europe/Stockholm", "nb": "Europe/Oslo",
    "no": "Europe/Oslo", "fi": "Europe/Helsinki", "hu": "Europe/Budapest", "el": "Europe/Athens",
    "ja": "Asia/Tokyo", "zh": "Asia/Shanghai", "ko": "Asia/Seoul", "ru": "Europe/Moscow", "tr": "Europe/Istanbul",
    "en": "America/New_York",
}


def _guess_zone(host: str, lang_values: list[str], lang: str | None):
    """The publisher's likely time zone: from the country domain, else the locale's region, else the language."""
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    if tld in _REGION_ZONES:
        return _zone(_REGION_ZONES[tld])
    for v in lang_values:
        m = re.match(r"^[a-z]{2,3}[-_]([a-z]{2})\b", v.strip(), re.I)
        if m and m.group(1).lower() in _REGION_ZONES:
            return _zone(_REGION_ZONES[m.group(1).lower()])
    if lang in _LANG_ZONES and (lang != "en" or tld in ("com", "org", "net", "us", "edu", "gov")):
        return _zone(_LANG_ZONES[lang])
    return None


_MOD_META = ("article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
             "dc.date.modified", "dcterms.modified", "last-modified", "lastmod", "revised", "updated")


def _set_date(meta: Metadata, d: date, source: str, raw) -> None:
    meta.published = d.isoformat()
    meta.evidence["published"] = Evidence(source, str(raw)[:300])


_AFTER_H1 = 300
_UTC_STAMP = re.compile(r"\d\d:\d\d(?::\d\d)?(?:[.,]\d+)?\s*(?:Z|[+-]00:?00|GMT|UTC)\b", re.I)


def _pick_date(meta, metas, ld_ranked, ld_loose, times, cands, h1s, page_url, tree, month_first, tz) -> None:
    _pick_date_signals(meta, metas, ld_ranked, ld_loose, times, cands, h1s, page_url, tree, month_first, tz)
    ev = meta.evidence.get("published")
    if meta.published and ev is not None and ev.source not in ("text", "url"):
        # the date printed by the headline is the one readers (and the people who annotate pages) take
        # as the article's: when the structured data says something else (a first draft, an import,
        # a stamp in another time zone, an update shown as the date), the printed date wins.  It
        # does not when the structured date is printed there too ("20. Mai 2007 ... 19.5.2007") or
        # when the printed one is the same numbers read the other way round (11/01/2021).
        near = _near_headline(h1s, month_first)
        if near:
            shown, raw, every = near
            pre = date.fromisoformat(meta.published)
            swapped = shown.day <= 12 and _mk_date(shown.year, shown.day, shown.month) == pre
            if shown != pre and pre not in every and not swapped:
                _set_date(meta, shown, "text:headline", raw)
    # a full date in the url is when the page was created: a later date from the markup is a
    # re-publication or an update, so the url's wins; one day off either way is the same moment
    # seen from another time zone (a UTC stamp against the newsroom's local date in the path)
    m = _URL_DATE.search(page_url or "")
    if m and meta.published and meta.evidence.get("published", Evidence("", "")).source != "url":
        d = _mk_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            delta = (date.fromisoformat(meta.published) - d).days
            utc = bool(_UTC_STAMP.search(meta.evidence["published"].raw))
            if delta > 2 or (abs(delta) == 1 and utc):
                _set_date(meta, d, "url", page_url)


_CAPTION_AFTER = re.compile(r"^\W{0,3}(?:photo|foto|bild|image|credit|getty|quelle|source|©)", re.I)
_MACHINE_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d")


def _near_headline(h1s, month_first) -> tuple[date, str, list[date]] | None:
    """The first date written just before or after the headline, as the reader sees it.

    Also returns every date in that stretch of text.  A date that a photo credit follows is the
    picture's, and an ISO timestamp with a 'T' is a machine's leftover, not the date shown."""
    if not h1s:
        return None
    h1 = h1s[0]
    parent = h1.getparent()
    t = _text(h1, 300)
    for container in (parent, parent.getparent() if parent is not None else None):
        if container is None or not t:
            continue
        txt = _text(container, 4000, spaced=True)
        pos = txt.find(t)
        if pos < 0:
            continue
        window = txt[max(0, pos - 200) : pos + len(t) + _AFTER_H1]
        first = None
        every: list[date] = []
        start = 0
        while start < len(window) and len(every) < 8:
            found = _date_in(window[start:], month_first=month_first)
            if not found:
                break
            at = start + found[1]
            every.append(found[0])
            tail = window[at : at + 60]
            end = re.search(r"(?:19|20)\d\d", tail)
            after = tail[end.end() :] if end else ""
            if first is None and not _MACHINE_STAMP.match(tail) and not _CAPTION_AFTER.match(re.sub(r"^[\d:.,\s]*(?:uhr|h|am|pm)?\.?", "", after, flags=re.I)):
                first = (found[0], window[max(0, at - 20) : at + 40])
            start = at + 6
        if first:
            return first[0], first[1], every
    return None


def _pick_date_signals(meta, metas, ld_ranked, ld_loose, times, cands, h1s, page_url, tree, month_first, tz) -> None:
    # the publication dates the meta tags give, one vote per tag name
    votes: dict[date, list[tuple[str, str]]] = {}
    for k, vals in metas.items():
        rank = _PUB_META.get(k)
        if rank is None or rank > 3:
            continue
        for v in vals:
            d = _parse_date(v, month_first=month_first, tz=tz)
            if d:
                votes.setdefault(d, []).append((k, v))
                break
    # 1. JSON-LD datePublished of the article (then dateCreated)
    for key in ("datePublished", "dateCreated"):
        for o in ld_ranked:
            v = o.get(key)
            if isinstance(v, list):
                v = next((x for x in v if isinstance(x, str)), None)
            d = _parse_date(v, tz=tz)
            if d:
                # JSON-LD is often generated apart from the page (a stale copy, the first import):
                # when it stands alone against a date that two or more meta tags repeat, the tags win
                if votes and d not in votes:
                    top = max(votes, key=lambda x: len(votes[x]))
                    if len(votes[top]) >= 2:
                        k, mv = votes[top][0]
                        return _set_date(meta, top, f"meta:{k}", mv)
                return _set_date(meta, d, f"json-ld:{key}", v)
        v = ld_loose.get(key)
        d = _parse_date(v, tz=tz)
        if d:
            return _set_date(meta, d, f"json-ld:{key}", v)
    # 2. meta tags, best rank first
    best = None
    for k, vals in metas.items():
        rank = _PUB_META.get(k)
        if rank is None or rank > 5:
            continue
        for v in vals:
            d = _parse_date(v, month_first=month_first, tz=tz)
            if d and (best is None or rank < best[0]):
                best = (rank, d, k, v)
                break
    if best:
        return _set_date(meta, best[1], f"meta:{best[2]}", best[3])
    # 3. <time datetime>, itemprop=datePublished, date-classed elements
    scored: list[tuple[int, int, date, str, str]] = []
    for i, el in enumerate(times):
        raw = _attr(el, "datetime") or _attr(el, "content")
        hint = (_attr(el, "class") + " " + _attr(el, "itemprop") + " " + _attr(el, "id")).lower()
        if el.get("pubdate") is not None:
            hint += " pubdate"
        d = _parse_date(raw, month_first=month_first, tz=tz) if raw else None
        src = "time[datetime]"
        if not d:
            raw = _text(el, 100)
            d = _parse_date(raw, month_first=month_first)
            src = "time"
        if not d:
            continue
        score = 2
        if _UPDATED_HINT.search(hint):
            score = 6
        elif "publi" in hint or "pubdate" in hint or "created" in hint or "entry-date" in hint:
            score = 0
        parent = el.getparent()
        if score == 2 and parent is not None:
            phint = (_attr(parent, "class") + " " + _attr(parent, "id")).lower()
            if _UPDATED_HINT.search(phint) or _UPDATED_HINT.search((parent.text or "")[:40]):
                score = 6
        if score < 6 and _in_noise(el, 6):
            score += 4
        scored.append((score, i, d, src, raw))
    for i, el in enumerate(cands):
        if not isinstance(el.tag, str) or el.tag == "time":
            continue
        itemprop = _attr(el, "itemprop")
        if itemprop in ("datePublished", "dateCreated"):
            raw = _attr(el, "content") or _attr(el, "datetime") or _text(el, 100)
            d = _parse_date(raw, month_first=month_first, tz=tz)
            if d:
                scored.append((0 if itemprop == "datePublished" else 1, -1, d, f"itemprop={itemprop}", raw))
            continue
        if itemprop:
            continue
        cls = (_attr(el, "class") + " " + _attr(el, "id")).lower()
        if not re.search(r"date|datum|time|posted|publi|meta|byline", cls):
            continue
        if el.tag in ("body", "html", "article", "main", "section", "script", "style", "meta", "link"):
            continue
        title_attr = _attr(el, "title")
        raw = _text(el, 160)
        d = None
        if el.tag == "abbr" and title_attr:
            d = _parse_date(title_attr, month_first=month_first, tz=tz)
            raw = title_attr
        if not d:
            if len(raw) > 150 or _NOW_HINT.match(raw):
                continue
            d = _parse_date(raw, month_first=month_first)
        if not d:
            continue
        score = 3
        if _UPDATED_HINT.search(cls) or _UPDATED_HINT.search(raw[:30]):
            score = 7
        elif re.search(r"publi|posted|post[-_]?date|entry-date|created|pubdate", cls):
            score = 1
        if _in_noise(el, 6):
            score += 4
        scored.append((score, 1000 + i, d, "element.date", raw))
    scored.sort(key=lambda x: (x[0], x[1]))
    if scored and scored[0][0] < 6:
        top = scored[0]
        return _set_date(meta, top[2], top[3], top[4])
    # 4. the url
    if page_url:
        m = _URL_DATE.search(page_url) or _URL_DATE_COMPACT.search(page_url)
        if m:
            d = _mk_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if d:
                return _set_date(meta, d, "url", page_url)
        m = _URL_DATE_DMY.search(page_url)
        if m:
            d = _mk_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            if d:
                return _set_date(meta, d, "url", page_url)
    # 5. a date the text labels as the publication date ("Veröffentlicht am 3. Mai 2019")
    body = tree.find("body")
    body_text = _text(body, 60000, spaced=True) if body is not None else ""
    for m in _PUB_LABEL.finditer(body_text):
        found = _date_in(body_text[m.end() : m.end() + 40], month_first=month_first)
        if found and found[1] <= 12:
            return _set_date(meta, found[0], "text", body_text[m.start() : m.end() + found[1] + 30])
    # 6. the visible text near the headline
    near = _near_headline(h1s, month_first)
    if near:
        return _set_date(meta, near[0], "text", near[1])
    # 7. what is left: an updated/modified date, then a weakly placed one
    if scored:
        top = scored[0]
        return _set_date(meta, top[2], top[3], top[4])
    for key in ("dateModified",):
        for o in ld_ranked:
            d = _parse_date(o.get(key), tz=tz)
            if d:
                return _set_date(meta, d, f"json-ld:{key}", o.get(key))
    for k in _MOD_META:
        for v in metas.get(k, ()):
            d = _parse_date(v, month_first=month_first, tz=tz)
            if d:
                return _set_date(meta, d, f"meta:{k}", v)
    # 8. an update the text labels as such
    for m in _UPDATE_LABEL.finditer(body_text):
        found = _date_in(body_text[m.end() : m.end() + 40], month_first=month_first)
        if found and found[1] <= 12:
            return _set_date(meta, found[0], "text:updated", body_text[m.start() : m.end() + found[1] + 30])
    # 9. the first date in the page's text that is not labelled as something else
    txt = body_text
    start = 0
    while txt and start < len(txt):
        found = _date_in(txt[start:], month_first=month_first)
        if not found:
            break
        pos = start + found[1]
        if not _OTHER_LABEL.search(txt[max(0, pos - 30) : pos]):
            return _set_date(meta, found[0], "text", txt[max(0, pos - 20) : pos + 40])
        start = pos + 6

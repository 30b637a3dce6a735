"""The publication date.

Ranked signals, the first that yields a plausible date wins: JSON-LD ``datePublished`` /
``dateCreated`` of the article (unless two or more meta tags agree on another date), the
publication meta tags by rank, ``<time>`` / ``itemprop`` / date-classed elements (publication
hints before neutral ones, update hints and furniture last), a date in the url, a date the text
labels as the publication date, the date printed by the headline, and last an update date.

Then two consistency checks between independent signals: the date printed by the headline
beats structured data that disagrees with it, and a full date in the url beats a later markup
date (a re-publication or an update).  Date parsing itself is ``nutgraf.extract.dates``.
"""

from __future__ import annotations

import re
from datetime import date

from nutgraf.extract.dates import date_in, make_date, parse_date
from nutgraf.extract.metadata.language import DateReading, date_reading
from nutgraf.extract.metadata.markup import attr_of, in_noise, text_of
from nutgraf.extract.metadata.signals import PageSignals
from nutgraf.model import Evidence

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
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:[/-]|\.html?|$)")
# "/meldungen/29-10-2021": a day-first date as the last part of the path
_URL_DATE_DMY = re.compile(r"/(0?[1-9]|[12]\d|3[01])[-_.](0?[1-9]|1[0-2])[-_.]((?:19|20)\d\d)(?:/|\.html?|$)")
_URL_DATE_COMPACT = re.compile(r"[/_-]((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[/_.-]")
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
_MOD_META = ("article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
             "dc.date.modified", "dcterms.modified", "last-modified", "lastmod", "revised", "updated")

# Meta tags of rank up to VOTE_RANK each vote for their date; two votes outweigh a JSON-LD date
# that disagrees (JSON-LD is often generated apart from the page: a stale copy, the first import)
VOTE_RANK = 3
VOTES_OVER_JSON_LD = 2
# meta tags ranked above this (generic "date", "created") are too vague to decide alone
MAX_META_RANK = 5
# element scores (lower is better): publication hints 0-1, neutral 2-3, +4 in furniture,
# update hints 6-7.  A score from WEAK_SCORE up only counts when nothing else gives a date.
WEAK_SCORE = 6
# how far up from a <time> or date element the furniture test looks (the element's own wrappers)
DATE_NOISE_DEPTH = 6
# a labelled date ("Veröffentlicht am ...") must start within this many characters of its label
LABEL_REACH = 12
# the text read around the headline for its printed date: before it (a kicker, a dateline) and after
BEFORE_H1 = 200
_AFTER_H1 = 300
# a markup date more than this many days after the url's date is a re-publication or an update
URL_LATER_DAYS = 2
_UTC_STAMP = re.compile(r"\d\d:\d\d(?::\d\d)?(?:[.,]\d+)?\s*(?:Z|[+-]00:?00|GMT|UTC)\b", re.I)

_Found = tuple[date, Evidence]


def _found(d: date, source: str, raw) -> _Found:
    return d, Evidence(source, str(raw)[:300])


def pick(signals: PageSignals) -> tuple[str | None, Evidence | None]:
    reading = date_reading(signals)
    found = _from_signals(signals, reading)
    if found is None:
        return None, None
    pre, ev = found
    if ev.source not in ("text", "url"):
        # the date printed by the headline is the one readers (and the people who annotate pages) take
        # as the article's: when the structured data says something else (a first draft, an import,
        # a stamp in another time zone, an update shown as the date), the printed date wins.  It
        # does not when the structured date is printed there too ("20. Mai 2007 ... 19.5.2007") or
        # when the printed one is the same numbers read the other way round (11/01/2021).
        near = _near_headline(signals.h1s, reading.month_first)
        if near:
            shown, raw, every = near
            swapped = shown.day <= 12 and make_date(shown.year, shown.day, shown.month) == pre
            if shown != pre and pre not in every and not swapped:
                pre, ev = _found(shown, "text:headline", raw)
    # a full date in the url is when the page was created: a later date from the markup is a
    # re-publication or an update, so the url's wins; one day off either way is the same moment
    # seen from another time zone (a UTC stamp against the newsroom's local date in the path)
    page_url = signals.page_url
    m = _URL_DATE.search(page_url or "")
    if m and ev.source != "url":
        d = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            delta = (pre - d).days
            utc = bool(_UTC_STAMP.search(ev.raw))
            if delta > URL_LATER_DAYS or (abs(delta) == 1 and utc):
                pre, ev = _found(d, "url", page_url)
    return pre.isoformat(), ev


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
    t = text_of(h1, 300)
    for container in (parent, parent.getparent() if parent is not None else None):
        if container is None or not t:
            continue
        txt = text_of(container, 4000, spaced=True)
        pos = txt.find(t)
        if pos < 0:
            continue
        window = txt[max(0, pos - BEFORE_H1) : pos + len(t) + _AFTER_H1]
        first = None
        every: list[date] = []
        start = 0
        while start < len(window) and len(every) < 8:
            found = date_in(window[start:], month_first=month_first)
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


def _from_signals(signals: PageSignals, reading: DateReading) -> _Found | None:
    """The best-ranked publication date of the page's signals, before the consistency checks."""
    metas, ld_ranked, ld_loose = signals.metas, signals.ld_ranked, signals.ld_loose
    times, cands, h1s, page_url, tree = signals.times, signals.candidates, signals.h1s, signals.page_url, signals.tree
    month_first, tz = reading.month_first, reading.tz
    # the publication dates the meta tags give, one vote per tag name
    votes: dict[date, list[tuple[str, str]]] = {}
    for k, vals in metas.items():
        rank = _PUB_META.get(k)
        if rank is None or rank > VOTE_RANK:
            continue
        for v in vals:
            d = parse_date(v, month_first=month_first, tz=tz)
            if d:
                votes.setdefault(d, []).append((k, v))
                break
    # 1. JSON-LD datePublished of the article (then dateCreated)
    for key in ("datePublished", "dateCreated"):
        for o in ld_ranked:
            v = o.get(key)
            if isinstance(v, list):
                v = next((x for x in v if isinstance(x, str)), None)
            d = parse_date(v, tz=tz)
            if d:
                # JSON-LD is often generated apart from the page (a stale copy, the first import):
                # when it stands alone against a date that two or more meta tags repeat, the tags win
                if votes and d not in votes:
                    top = max(votes, key=lambda x: len(votes[x]))
                    if len(votes[top]) >= VOTES_OVER_JSON_LD:
                        k, mv = votes[top][0]
                        return _found(top, f"meta:{k}", mv)
                return _found(d, f"json-ld:{key}", v)
        v = ld_loose.get(key)
        d = parse_date(v, tz=tz)
        if d:
            return _found(d, f"json-ld:{key}", v)
    # 2. meta tags, best rank first
    best = None
    for k, vals in metas.items():
        rank = _PUB_META.get(k)
        if rank is None or rank > MAX_META_RANK:
            continue
        for v in vals:
            d = parse_date(v, month_first=month_first, tz=tz)
            if d and (best is None or rank < best[0]):
                best = (rank, d, k, v)
                break
    if best:
        return _found(best[1], f"meta:{best[2]}", best[3])
    # 3. <time datetime>, itemprop=datePublished, date-classed elements
    scored: list[tuple[int, int, date, str, str]] = []
    for i, el in enumerate(times):
        raw = attr_of(el, "datetime") or attr_of(el, "content")
        hint = (attr_of(el, "class") + " " + attr_of(el, "itemprop") + " " + attr_of(el, "id")).lower()
        if el.get("pubdate") is not None:
            hint += " pubdate"
        d = parse_date(raw, month_first=month_first, tz=tz) if raw else None
        src = "time[datetime]"
        if not d:
            raw = text_of(el, 100)
            d = parse_date(raw, month_first=month_first)
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
            phint = (attr_of(parent, "class") + " " + attr_of(parent, "id")).lower()
            if _UPDATED_HINT.search(phint) or _UPDATED_HINT.search((parent.text or "")[:40]):
                score = 6
        if score < WEAK_SCORE and in_noise(el, DATE_NOISE_DEPTH):
            score += 4
        scored.append((score, i, d, src, raw))
    for i, el in enumerate(cands):
        if not isinstance(el.tag, str) or el.tag == "time":
            continue
        itemprop = attr_of(el, "itemprop")
        if itemprop in ("datePublished", "dateCreated"):
            raw = attr_of(el, "content") or attr_of(el, "datetime") or text_of(el, 100)
            d = parse_date(raw, month_first=month_first, tz=tz)
            if d:
                scored.append((0 if itemprop == "datePublished" else 1, -1, d, f"itemprop={itemprop}", raw))
            continue
        if itemprop:
            continue
        cls = (attr_of(el, "class") + " " + attr_of(el, "id")).lower()
        if not re.search(r"date|datum|time|posted|publi|meta|byline", cls):
            continue
        if el.tag in ("body", "html", "article", "main", "section", "script", "style", "meta", "link"):
            continue
        title_attr = attr_of(el, "title")
        raw = text_of(el, 160)
        d = None
        if el.tag == "abbr" and title_attr:
            d = parse_date(title_attr, month_first=month_first, tz=tz)
            raw = title_attr
        if not d:
            if len(raw) > 150 or _NOW_HINT.match(raw):
                continue
            d = parse_date(raw, month_first=month_first)
        if not d:
            continue
        score = 3
        if _UPDATED_HINT.search(cls) or _UPDATED_HINT.search(raw[:30]):
            score = 7
        elif re.search(r"publi|posted|post[-_]?date|entry-date|created|pubdate", cls):
            score = 1
        if in_noise(el, DATE_NOISE_DEPTH):
            score += 4
        scored.append((score, 1000 + i, d, "element.date", raw))
    scored.sort(key=lambda x: (x[0], x[1]))
    if scored and scored[0][0] < WEAK_SCORE:
        top = scored[0]
        return _found(top[2], top[3], top[4])
    # 4. the url
    if page_url:
        m = _URL_DATE.search(page_url) or _URL_DATE_COMPACT.search(page_url)
        if m:
            d = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if d:
                return _found(d, "url", page_url)
        m = _URL_DATE_DMY.search(page_url)
        if m:
            d = make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            if d:
                return _found(d, "url", page_url)
    # 5. a date the text labels as the publication date ("Veröffentlicht am 3. Mai 2019")
    body = tree.find("body")
    body_text = text_of(body, 60000, spaced=True) if body is not None else ""
    for m in _PUB_LABEL.finditer(body_text):
        found = date_in(body_text[m.end() : m.end() + 40], month_first=month_first)
        if found and found[1] <= LABEL_REACH:
            return _found(found[0], "text", body_text[m.start() : m.end() + found[1] + 30])
    # 6. the visible text near the headline
    near = _near_headline(h1s, month_first)
    if near:
        return _found(near[0], "text", near[1])
    # 7. what is left: an updated/modified date, then a weakly placed one
    if scored:
        top = scored[0]
        return _found(top[2], top[3], top[4])
    for key in ("dateModified",):
        for o in ld_ranked:
            d = parse_date(o.get(key), tz=tz)
            if d:
                return _found(d, f"json-ld:{key}", o.get(key))
    for k in _MOD_META:
        for v in metas.get(k, ()):
            d = parse_date(v, month_first=month_first, tz=tz)
            if d:
                return _found(d, f"meta:{k}", v)
    # 8. an update the text labels as such
    for m in _UPDATE_LABEL.finditer(body_text):
        found = date_in(body_text[m.end() : m.end() + 40], month_first=month_first)
        if found and found[1] <= LABEL_REACH:
            return _found(found[0], "text:updated", body_text[m.start() : m.end() + found[1] + 30])
    # 9. the first date in the page's text that is not labelled as something else
    txt = body_text
    start = 0
    while txt and start < len(txt):
        found = date_in(txt[start:], month_first=month_first)
        if not found:
            break
        pos = start + found[1]
        if not _OTHER_LABEL.search(txt[max(0, pos - 30) : pos]):
            return _found(found[0], "text", txt[max(0, pos - 20) : pos + 40])
        start = pos + 6
    return None

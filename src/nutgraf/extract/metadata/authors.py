"""The article's authors: one list of real names, or none.

Ranked signals, the first that yields a name wins: JSON-LD ``author``/``creator`` of the
article (Person objects, ``@id`` references resolved), ``author`` meta tags (Open Graph,
Dublin Core, parse.ly, sailthru...), twitter's "Written by" label, then the markup --
``itemprop=author``, ``rel=author`` and byline/author classes in document order, outside
comments, sidebars and teasers.  Every name must be printed in the page's visible text
(outside the copyright line): structured data often names a CMS account nobody sees.
When nothing trustworthy is there the list stays empty: an invented author is worse than none.
"""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

from nutgraf.extract.metadata.jsonld import ld_people
from nutgraf.extract.metadata.markup import attr_of, clean, in_noise, text_of
from nutgraf.extract.metadata.names import names_in, split_names
from nutgraf.extract.metadata.signals import PageSignals
from nutgraf.extract.metadata.site import known_names
from nutgraf.model import Evidence

_AUTHOR_META = ("author", "article:author", "og:article:author", "dc.creator", "dcterms.creator",
                "parsely-author", "sailthru.author", "byl", "citation_author", "dc.contributor", "creator",
                "article:author_name", "cxenseparse:author", "authors", "author_name")
_COMMENT_HINT = re.compile(r"comment|kommentar|reply|respond|discussion|sidebar|widget|related|footer|teaser|recommend", re.I)
# a byline longer than this is a paragraph, an author box or a list of links, not a byline
MAX_BYLINE_CHARS = 250
# free text (no author markup or link) split into more parts than this is a sentence, not names
MAX_FREE_BYLINE_PARTS = 6

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


def pick(signals: PageSignals) -> tuple[list[str], Evidence | None]:
    metas, ld_loose, cands = signals.metas, signals.ld_loose, signals.candidates
    blocked = set(known_names(signals))
    ld_ids = {o["@id"]: o for o in signals.ld_objects if isinstance(o.get("@id"), str)}
    shown = _shown_filter(signals.tree)
    # 1. JSON-LD authors of the article
    for o in signals.ld_ranked:
        people = ld_people(o.get("author"), ld_ids) or ld_people(o.get("creator"), ld_ids)
        names: list[str] = []
        raws = []
        for name, _is_person in people:
            raws.append(name)
            for n in names_in(name, strict=False, blocked=blocked):
                if n not in names:
                    names.append(n)
        names = shown(names)
        if names:
            return names, Evidence("json-ld:author", "; ".join(raws))
    if ld_loose.get("author"):
        names = shown(names_in(ld_loose["author"], strict=False, blocked=blocked))
        if names:
            return names, Evidence("json-ld:author", ld_loose["author"])
    # 2. meta tags
    for k in _AUTHOR_META:
        vals = [v for v in metas.get(k, ()) if v and v.strip()]
        if not vals:
            continue
        names = []
        for v in vals:
            if "://" in v or v.strip().startswith(("/", "www.")):
                continue
            for n in names_in(v, strict=False, blocked=blocked):
                if n not in names:
                    names.append(n)
        names = shown(names)
        if names:
            return names, Evidence(f"meta:{k}", "; ".join(vals))
    # twitter's label/data pairs ("Written by" -> name)
    for i in ("1", "2", "3"):
        label = clean((metas.get(f"twitter:label{i}") or [""])[0]).casefold()
        if label in ("written by", "geschrieben von", "verfasst von", "von", "by", "author", "autor", "écrit par", "escrito por"):
            raw = (metas.get(f"twitter:data{i}") or [""])[0]
            names = shown(names_in(raw, strict=False, blocked=blocked))
            if names:
                return names, Evidence(f"meta:twitter:data{i}", raw)
    # 3. markup: itemprop=author, rel=author, byline/author classes, in document order
    for el in cands:
        if not isinstance(el.tag, str):
            continue
        itemprop = attr_of(el, "itemprop").lower()
        rel = attr_of(el, "rel").lower()
        cls = (attr_of(el, "class") + " " + attr_of(el, "id")).lower()
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
        if in_noise(el):
            continue
        if el.tag == "meta":
            raw = attr_of(el, "content")
        else:
            # an itemprop=name inside the author element is the name itself
            inner = None
            if is_prop:
                inner = next(iter(el.xpath(".//*[@itemprop='name']")), None)
            raw = attr_of(inner, "content") or text_of(inner, 200) if inner is not None else text_of(el, 300, spaced=True)
        if not raw or len(raw) > MAX_BYLINE_CHARS:
            continue
        # structured markers (itemprop, rel, vcard, author links) may carry a handle; free text needs a full name
        linked = is_prop or is_rel or el.tag == "a" or "vcard" in cls or "fn" in cls.split()
        if not linked:
            a = el.find(".//a")
            href = attr_of(a, "href").lower() if a is not None else ""
            linked = bool(re.search(r"/(?:author|autor|autoren|user|profil|profile|people|team|redaktion)/", href))
        if not linked and len(split_names(raw)) > MAX_FREE_BYLINE_PARTS:
            continue
        names = names_in(raw, strict=not linked, blocked=blocked)
        if names:
            src = "itemprop=author" if is_prop else "rel=author" if is_rel else "byline"
            return names, Evidence(src, raw)
    return [], None

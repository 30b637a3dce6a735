"""Everything the metadata pickers read from a page, gathered in one pass: ``PageSignals``.

One ``iter()`` over the tags that carry metadata (``<meta>``, JSON-LD ``<script>``, ``<title>``,
``<h1>``, ``<time>``, ``<link>``) and one walk for the elements whose class, id, itemprop or rel
says byline, author or date.  The pickers (one module per field) only read these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from lxml import etree
from lxml.html import HtmlElement

from nutgraf.extract.metadata.jsonld import ARTICLE_TYPES, PAGE_TYPES, read_ld_script, types_of
from nutgraf.extract.metadata.markup import clean, host_of, text_of

# at most this many <h1> and <time> elements are looked at: the article's own come first, and
# a page with more is a listing whose later ones belong to teasers
MAX_H1 = 5
MAX_TIMES = 30


@dataclass
class PageSignals:
    tree: HtmlElement
    # the url the page was fetched from, else its canonical link, else og:url
    page_url: str = ""
    host: str = ""  # page_url's host, without "www."
    # <meta> content by property/name/itemprop/http-equiv, lower-cased, in document order
    metas: dict[str, list[str]] = field(default_factory=dict)
    # JSON-LD: every object, the article's and page's objects first (``ld_ranked``), and the
    # fields found by pattern in scripts that do not parse
    ld_objects: list[dict] = field(default_factory=list)
    ld_ranked: list[dict] = field(default_factory=list)
    ld_loose: dict[str, str] = field(default_factory=dict)
    title_tag: str = ""
    h1s: list[HtmlElement] = field(default_factory=list)
    times: list[HtmlElement] = field(default_factory=list)
    # elements whose class/id/itemprop/rel says byline, author or date, in document order
    candidates: list[HtmlElement] = field(default_factory=list)
    # <html lang> as written
    lang_attr: str | None = None
    # notes for Article.warnings, and the JSON-LD spill the text extraction must leave out
    # (see Metadata.ld_spill)
    warnings: list[str] = field(default_factory=list)
    ld_spill: list[tuple[HtmlElement, str, list[HtmlElement], str]] = field(default_factory=list)
    # values the pickers derive from the signals and share (the site's names, the language):
    # computed once per page by ``once``
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)

    def meta(self, *keys: str) -> tuple[str, str] | None:
        """The first non-empty meta value under the first of ``keys`` that has one: (key, value)."""
        for k in keys:
            for v in self.metas.get(k, ()):
                v = clean(v)
                if v:
                    return k, v
        return None

    def once(self, name: str, compute: Callable[[PageSignals], Any]) -> Any:
        """``compute(self)``, remembered under ``name`` for the other pickers of this page."""
        if name not in self._derived:
            self._derived[name] = compute(self)
        return self._derived[name]


def gather(tree: HtmlElement, url: str | None = None) -> PageSignals:
    """The metadata signals of a parsed page.  Only reads the tree."""
    s = PageSignals(tree=tree)
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
                    s.metas.setdefault(key.strip().lower(), []).append(content)
        elif tag == "script":
            typ = (el.get("type") or "").lower()
            if "ld+json" in typ and el.text:
                ld_scripts += 1
                objs, loose = read_ld_script(el, ld_scripts, s.warnings, s.ld_spill)
                s.ld_objects.extend(objs)
                for k, v in loose.items():
                    s.ld_loose.setdefault(k, v)
        elif tag == "title":
            if not s.title_tag and el.getparent() is not None and el.getparent().tag in ("head", "html"):
                s.title_tag = text_of(el, 500)
            elif not s.title_tag and (el.getparent() is None or el.getparent().tag not in ("svg", "symbol")):
                s.title_tag = text_of(el, 500)
        elif tag == "h1":
            if len(s.h1s) < MAX_H1:
                s.h1s.append(el)
        elif tag == "time":
            if len(s.times) < MAX_TIMES:
                s.times.append(el)
        elif tag == "link":
            rel = (el.get("rel") or "").lower()
            if rel == "canonical" and not canonical:
                canonical = el.get("href") or ""

    # JSON-LD: article-like objects first, then pages
    arts = [o for o in s.ld_objects if types_of(o) & ARTICLE_TYPES]
    pages = [o for o in s.ld_objects if types_of(o) & PAGE_TYPES]
    s.ld_ranked = arts + pages

    s.page_url = url or canonical or (s.meta("og:url") or ("", ""))[1]
    s.host = host_of(s.page_url)
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or tree.get("xml:lang")
    s.lang_attr = lang if isinstance(lang, str) else None
    s.candidates = candidates(tree)
    return s


# The class/id/itemprop candidates for bylines and dates: elements whose class holds one of
# these pieces (case as written), whose id holds one of the id pieces, that carry an itemprop,
# or rel="author".  Once an XPath of 17 contains() tests; libxml2 turned the attributes into
# strings for every test on every element (18% of extraction time): one walk in document
# order, with a regex per attribute, finds the same elements.
_CAND_CLASS = re.compile(r"uthor|yline|utor|date|Date|time|posted|ublish|meta|datum|Datum|vcard")
_CAND_ID = re.compile(r"uthor|yline|date")
_MAX_CANDS = 400


def candidates(tree: HtmlElement) -> list[HtmlElement]:
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

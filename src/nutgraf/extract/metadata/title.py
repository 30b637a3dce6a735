"""The headline: the ``<h1>`` when it agrees with the page's other title signals (JSON-LD
``headline``, ``og:title``, ``<title>``), else the first of those with the site's name cut off
("Headline – Site – Section" -> "Headline")."""

from __future__ import annotations

import json
import re

from nutgraf.extract.metadata.jsonld import ARTICLE_TYPES, ld_str, types_of
from nutgraf.extract.metadata.markup import clean, fold, plain, text_of
from nutgraf.extract.metadata.signals import PageSignals
from nutgraf.extract.metadata.site import known_names
from nutgraf.model import Evidence

# a title part of fewer words ("News", "Sections") is furniture, not a headline
MIN_HEADLINE_PART_WORDS = 3

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
    f = fold(part)
    if not f:
        return True
    for s in sites:
        if not s:
            continue
        if f == s or (len(s) >= 4 and (s in f and len(f) <= len(s) + 12)) or (len(f) >= 3 and f in s and len(f) >= len(s) - 6):
            return True
    return False


def pick(signals: PageSignals) -> tuple[str | None, Evidence | None]:
    sites = known_names(signals)
    title_tag, metas, ld_loose = signals.title_tag, signals.metas, signals.ld_loose
    h1_texts = [t for t in (text_of(h, 400) for h in signals.h1s) if t]
    og = next((clean(v) for k in ("og:title", "twitter:title") for v in metas.get(k, ()) if clean(v)), "")
    headline = ""
    for o in signals.ld_ranked:
        headline = ld_str(o.get("headline")) or (ld_str(o.get("name")) if types_of(o) & ARTICLE_TYPES else "")
        if headline:
            break
    if not headline:
        headline = clean(ld_loose.get("headline", ""))
    if headline:
        try:
            headline = json.loads(f'"{headline}"') if "\\" in headline else headline
        except ValueError:
            pass
    headline = clean(plain(headline)) if headline else ""
    refs = [("json-ld:headline", headline), ("meta:og:title", og), ("title-tag", title_tag)]
    ref_folds = set()
    for _, r in refs:
        if r:
            ref_folds.add(fold(r))
            for p in _title_parts(r):
                if len(p.split()) >= MIN_HEADLINE_PART_WORDS:
                    ref_folds.add(fold(p))
            ref_folds.add(fold(_strip_site(r, sites)))
    ref_folds.discard("")
    # an h1 that agrees with the other signals is the headline as displayed
    for t in h1_texts:
        if fold(t) in ref_folds and not _is_site(t, sites):
            return t, Evidence("h1", t)
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
            return t, Evidence(src, r)
    if h1_texts:
        return h1_texts[0], Evidence("h1", h1_texts[0])
    elif title_tag:
        return title_tag, Evidence("title-tag", title_tag)
    return None, None

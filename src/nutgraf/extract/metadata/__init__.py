"""Title, authors, publication date, site name and language of a page.

``signals.gather`` reads the page once into a ``PageSignals`` (JSON-LD objects, meta tags --
Open Graph, ``article:*``, twitter, Dublin Core, parse.ly... --, ``<time>`` elements, the
byline/author/date candidates of the markup, the url, the title candidates).  Then one module
per field picks its value from them, ``pick(signals) -> (value, Evidence)``:

- ``site``: og:site_name, the JSON-LD publisher, the host;
- ``title``: the ``<h1>`` that agrees with the other title signals, else those with the site cut;
- ``language``: ``<html lang>``, meta tags, JSON-LD ``inLanguage``;
- ``authors``: JSON-LD people, meta tags, byline markup -- names printed on the page, or none;
- ``published``: JSON-LD, meta tags, ``<time>``, the url, the text, checked against each other.

The signal used is recorded in ``Metadata.evidence`` (``field -> Evidence(source, raw)``).
A field that fails on a strange page is reported in ``Metadata.warnings`` (and so in
``Article.warnings``) and left empty; the other fields are still read.  The tree is only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.html import HtmlElement

from nutgraf.extract.metadata import authors, language, published, site, title
from nutgraf.extract.metadata.markup import clean
from nutgraf.extract.metadata.signals import PageSignals, gather
# the names tests/test_extract_speed.py checks against the slower code they replace
from nutgraf.extract.metadata.authors import _COPYRIGHT_LINE, _strip_copyright  # noqa: F401
from nutgraf.extract.metadata.signals import candidates as _candidates  # noqa: F401
from nutgraf.model import Evidence

__all__ = ["Metadata", "PageSignals", "extract_metadata", "gather"]


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
    # notes for Article.warnings (JSON-LD that could not be parsed, a field that failed)
    warnings: list[str] = field(default_factory=list)
    # (element, "tail" or "text", elements, rest): the end of a JSON-LD script's JSON, spilled
    # into the page by an unescaped "</script>" inside a string, is that text and those elements
    # (a "<script>" written inside the JSON, say); no page text.  ``rest`` is what follows it
    ld_spill: list[tuple[HtmlElement, str, list[HtmlElement], str]] = field(default_factory=list)


# (Metadata attribute, evidence key, the field's module with its ``pick``), in the order the
# evidence is recorded
_FIELDS = (
    ("site_name", "site_name", site),
    ("title", "title", title),
    ("language", "language", language),
    ("authors", "authors", authors),
    ("published", "published", published),
)


def extract_metadata(tree: HtmlElement, *, url: str | None = None) -> Metadata:
    meta = Metadata()
    try:
        signals = gather(tree, url)
    except Exception as e:  # noqa: BLE001 - a page the reader cannot walk still gets its text extracted
        meta.warnings.append(f"metadata could not be read: {type(e).__name__}: {e}"[:300])
        return meta
    meta.warnings = signals.warnings
    meta.ld_spill = signals.ld_spill
    meta.description = _description(signals)
    for attr, key, module in _FIELDS:
        try:
            value, evidence = module.pick(signals)
        except Exception as e:  # noqa: BLE001 - one field's failure must not lose the others; the warning says which
            meta.warnings.append(f"metadata: the {attr.replace('_', ' ')} could not be read: {type(e).__name__}: {e}"[:300])
            continue
        if value is not None:
            setattr(meta, attr, value)
        if evidence is not None:
            meta.evidence[key] = evidence
    return meta


def _description(signals: PageSignals) -> str | None:
    for key in ("og:description", "description", "twitter:description"):
        value = next((clean(v) for v in signals.metas.get(key, ()) if clean(v)), None)
        if value:
            return value
    return None

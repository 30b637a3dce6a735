"""Facts over an article's text: entities, quotes with speakers, amounts with sources, dates,
places on the map.

Every fact is a span over ``Article.text``.  The passes share one spaCy parse and one
entity index, in this order: entities (canonical referents) → quotes (speakers resolved
through the entities) → amounts (sources resolved the same way) → dates (relative ones
against the publication date) → places (the entities' place mentions, geocoded offline) →
events (who did what to whom, PLOVER-coded, placed and dated by the two passes before).

    import nutgraf
    article = nutgraf.analyze(html_bytes, url=...)
    article.quotes[0].speaker, article.amounts[0].source
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from nutgraf.facts import nlp
from nutgraf.model import Article, Paragraph

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["add_facts", "add_facts_many", "analyze", "nlp"]


def _fill(article: Article, doc: "Doc") -> Article:
    # Imported here so that each pass's module can be imported (and tested) on its own.
    from nutgraf.facts.amounts import find_amounts
    from nutgraf.facts.dates import find_dates
    from nutgraf.facts.entities import EntityIndex, find_entities
    from nutgraf.facts.events import find_events
    from nutgraf.facts.places import find_places
    from nutgraf.facts.quotes import find_quotes

    article.warnings.extend(w for w in nlp.limit_warnings(article.text, doc) if w not in article.warnings)
    entities = find_entities(doc)
    index = EntityIndex(article.text, entities)
    article.entities = entities
    article.quotes = find_quotes(doc, index)
    article.amounts = find_amounts(doc, index)
    article.dates = find_dates(doc, article.published)
    skip = skipped_passes()
    article.places = [] if "places" in skip else find_places(article, doc)
    article.events = [] if "events" in skip else find_events(doc, article, index)
    return article


# Passes a run may leave out (``NUTGRAF_SKIP_PASSES=places,events``): the two newest and
# costliest, so a laptop that does not need them, and bench/throughput.py's same-run
# comparison, can go without.  Recorded in every article's settings hash.
OPTIONAL_PASSES = ("places", "events")


def skipped_passes() -> frozenset[str]:
    raw = os.environ.get("NUTGRAF_SKIP_PASSES", "")
    asked = {p.strip().lower() for p in raw.split(",") if p.strip()}
    unknown = asked - set(OPTIONAL_PASSES)
    if unknown:
        raise ValueError(f"NUTGRAF_SKIP_PASSES: unknown pass(es) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(OPTIONAL_PASSES)}")
    return frozenset(asked)


def add_facts(article: Article) -> Article:
    """Fill ``article.entities/.quotes/.amounts/.dates/.places`` from its text (in place; returned)."""
    return _fill(article, nlp.parse(article.text))


def add_facts_many(articles: Iterable[Article], batch_size: int = 32) -> Iterator[Article]:
    """The same for many articles, parsed in batches with ``nlp.pipe``."""
    pending = list(articles)
    for article, doc in zip(pending, nlp.parse_many((a.text for a in pending), batch_size)):
        yield _fill(article, doc)


def analyze(data: str | bytes, *, url: str | None = None, content_type: str | None = None,
            clean: bool = True) -> Article:
    """Extract the article (``clean=True``) or take ``data`` as its clean text, then find its
    facts.  A str with lone surrogates (a broken JSON escape) is made valid first: spaCy and
    every store encode the text as UTF-8."""
    if isinstance(data, str):
        from nutgraf.extract.decode import valid_text

        data = valid_text(data)
    if clean:
        from nutgraf.extract import extract

        article = extract(data, url=url, content_type=content_type)
    else:
        article = clean_article(data, url=url)
    return add_facts(article)


def clean_article(data: str | bytes, *, url: str | None = None) -> Article:
    """An Article over text that is already clean: one paragraph per blank-line block."""
    from nutgraf.extract.decode import decode_html

    text = data if isinstance(data, str) else decode_html(data, "text/plain").text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Article(text=text, url=url, source_kind="text", paragraphs=_paragraphs(text))


def _paragraphs(text: str) -> list[Paragraph]:
    """Runs of non-blank lines, each with its exact character range."""
    out = []
    for block in _BLOCK.finditer(text):
        start = block.start() + len(block.group()) - len(block.group().lstrip())
        end = block.end() - (len(block.group()) - len(block.group().rstrip()))
        out.append(Paragraph(start=start, end=end, kind="p", path="text",
                             source_start=start, source_end=end))
    return out


# consecutive lines that hold something other than whitespace
_BLOCK = re.compile(r"(?:[^\n]*\S[^\n]*(?:\n|$))+")

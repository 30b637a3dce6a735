"""nutgraf: raw news into clean articles and attributed, traceable facts.

The public API::

    import nutgraf
    article = nutgraf.extract(html_bytes, url="https://example.com/story")
    article.text, article.title, article.authors, article.published, article.paragraphs

    article = nutgraf.analyze(html_bytes)        # extract, then facts
    article.entities, article.quotes, article.amounts, article.dates, article.places
    nutgraf.resolve_places(text, [(start, end), ...])   # your own place spans, geocoded
"""

from nutgraf.model import (
    Actor,
    Amount,
    Article,
    DateMention,
    Entity,
    Event,
    Evidence,
    ExtractionError,
    Paragraph,
    Place,
    Quote,
)
from nutgraf.extract import extract
from nutgraf.facts import analyze
from nutgraf.facts.places import resolve_places
from nutgraf.store import open_store

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "Amount",
    "Article",
    "DateMention",
    "Entity",
    "Event",
    "Evidence",
    "ExtractionError",
    "Paragraph",
    "Place",
    "Quote",
    "analyze",
    "extract",
    "open_store",
    "resolve_places",
    "__version__",
]

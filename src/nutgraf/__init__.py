"""nutgraf: raw news into clean articles and attributed, traceable facts.

The public API::

    import nutgraf
    article = nutgraf.extract(html_bytes, url="https://example.com/story")
    article.text, article.title, article.authors, article.published, article.paragraphs

    article = nutgraf.analyze(html_bytes)        # extract, then facts
    article.entities, article.quotes, article.amounts, article.dates
"""

from nutgraf.model import (
    Amount,
    Article,
    DateMention,
    Entity,
    Evidence,
    ExtractionError,
    Paragraph,
    Quote,
)
from nutgraf.extract import extract
from nutgraf.facts import analyze
from nutgraf.store import open_store

__version__ = "0.1.0"

__all__ = [
    "Amount",
    "Article",
    "DateMention",
    "Entity",
    "Evidence",
    "ExtractionError",
    "Paragraph",
    "Quote",
    "analyze",
    "extract",
    "open_store",
    "__version__",
]

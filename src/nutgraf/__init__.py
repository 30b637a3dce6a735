"""nutgraf: raw news into clean articles and attributed, traceable facts.

The public API::

    import nutgraf
    article = nutgraf.extract(html_bytes, url="https://example.com/story")
    article.text, article.title, article.authors, article.published, article.paragraphs
"""

from nutgraf.model import (
    Amount,
    Article,
    Entity,
    Evidence,
    ExtractionError,
    Paragraph,
    Quote,
)
from nutgraf.extract import extract

__version__ = "0.1.0"

__all__ = [
    "Amount",
    "Article",
    "Entity",
    "Evidence",
    "ExtractionError",
    "Paragraph",
    "Quote",
    "extract",
    "__version__",
]

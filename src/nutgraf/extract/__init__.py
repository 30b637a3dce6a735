"""Extraction: one captured document (HTML or a plain-text scrape) into an ``Article``.

``extract`` decides which path a document takes, applies the size and time bounds, and
joins the main-content and metadata results.  Each path lives in its own module:
``decode`` (bytes to text), ``dom`` (parsing), ``html`` (main content), ``metadata``
(title, authors, date, site, language), ``text`` (plain-text scrapes).
"""

from __future__ import annotations

import re

from nutgraf.extract.decode import decode_html, looks_binary
from nutgraf.extract.dom import parse_html
from nutgraf.extract.html import extract_main
from nutgraf.extract.limits import DEFAULT_TIMEOUT_S, MAX_INPUT_BYTES, Deadline, check_elements
from nutgraf.extract.metadata import extract_metadata
from nutgraf.extract.text import extract_plain_text
from nutgraf.model import Article, ExtractionError

__all__ = ["extract"]

# Any tag-like token in the first 64 KiB: "<p", "</div", "<!doctype", "<!--".
_MARKUP = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9-]*[\s>/]|/[a-zA-Z]|!--|!doctype)", re.I)


def _is_plain_text(text: str, content_type: str | None) -> bool:
    if content_type:
        kind = content_type.split(";")[0].strip().lower()
        if kind == "text/plain":
            return True
        if kind in ("text/html", "application/xhtml+xml"):
            return False
    return _MARKUP.search(text[:65536]) is None


def extract(
    data: str | bytes,
    *,
    url: str | None = None,
    content_type: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> Article:
    """Turn one page (HTML) or plain-text scrape into an ``Article``.

    Raises ``ExtractionError`` with a readable reason when the input cannot be an article
    at all (binary data, over the size cap, past the time bound).  A page with no article
    gives an ``Article`` with empty text and a warning saying so.
    """
    deadline = Deadline(timeout)
    if isinstance(data, (bytes, bytearray, memoryview)):
        data = bytes(data)
        if len(data) > MAX_INPUT_BYTES:
            raise ExtractionError(
                f"input is {len(data) / 2**20:.1f} MiB, over the {MAX_INPUT_BYTES // 2**20} MiB limit"
            )
        if looks_binary(data):
            raise ExtractionError("input looks binary (not HTML or text); skipped")
        decoded = decode_html(data, content_type)
        text, encoding, warnings = decoded.text, f"{decoded.encoding} ({decoded.how})", decoded.warnings
    elif isinstance(data, str):
        if len(data) > MAX_INPUT_BYTES:
            raise ExtractionError(f"input is {len(data)} characters, over the limit")
        text, encoding, warnings = data, None, []
    else:
        raise TypeError(f"extract() takes str or bytes, not {type(data).__name__}")

    if _is_plain_text(text, content_type):
        article = extract_plain_text(text, url=url, deadline=deadline)
    else:
        article = _extract_html(text, url=url, deadline=deadline)
    article.encoding = encoding
    article.warnings[:0] = warnings
    return article


def _extract_html(html: str, *, url: str | None, deadline: Deadline) -> Article:
    tree = parse_html(html)
    if tree is None:
        return Article(url=url, source_kind="html", warnings=["no HTML document could be parsed"])
    check_elements(tree)
    deadline.check()
    meta = extract_metadata(tree, url=url)
    deadline.check()
    for node, attr, spilled, rest in meta.ld_spill:
        # the end of a JSON-LD script cut short by a "</script>" inside it: JSON, not page text
        for el in spilled:
            el.getparent().remove(el)  # with its tail, which the spill covers or ``rest`` keeps
        setattr(node, attr, rest or None)
    main = extract_main(tree, html, title=meta.title, lead=meta.description, deadline=deadline)
    article = Article(
        text=main.text,
        title=meta.title,
        authors=meta.authors,
        published=meta.published,
        site_name=meta.site_name,
        language=meta.language,
        url=url,
        paragraphs=main.paragraphs,
        evidence=meta.evidence,
        source_kind="html",
        warnings=[*meta.warnings, *main.warnings],
    )
    return article

"""Parsing decoded HTML into an lxml tree, robust to what crawls contain."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

# lxml refuses a str that still carries an XML encoding declaration.
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# C0 controls other than tab/newline/CR break libxml2's parser and carry no text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_PARSER = lxml.html.HTMLParser(
    remove_comments=True,
    remove_pis=True,
    # libxml2 caps nesting depth (256) unless huge_tree is set: a page nested 100,000
    # deep is then cut at that depth instead of exhausting the stack of later tree walks.
    huge_tree=False,
    default_doctype=False,
)


def parse_html(html: str) -> HtmlElement | None:
    """The page's root ``<html>`` element, or None when nothing parseable is there."""
    html = _XML_DECL.sub("", html, count=1)
    if _CONTROLS.search(html):
        html = _CONTROLS.sub(" ", html)
    if not html.strip():
        return None
    try:
        root = lxml.html.document_fromstring(html, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return None
    return root

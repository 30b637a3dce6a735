"""Small readers of the parsed page shared by the metadata pickers: cleaned strings, the visible
text of an element, attributes, the url's host, and whether an element sits in page furniture
(comments, sidebars, teasers) rather than the article."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit

from lxml.html import HtmlElement


_WS = re.compile(r"\s+")


def clean(value) -> str:
    if not isinstance(value, str):
        return ""
    return _WS.sub(" ", value.replace("\u00ad", "").replace("\u200b", "")).strip()


def fold(value: str) -> str:
    """Letters and digits only, case and accents folded: for comparing titles and site names."""
    value = unicodedata.normalize("NFKD", value).casefold()
    return "".join(filter(str.isalnum, value))


def text_of(el: HtmlElement, limit: int = 2000, spaced: bool = False) -> str:
    """The visible text of ``el`` (script/style content left out), whitespace collapsed.

    ``spaced`` puts a space between elements ("Author<a>Jane Doe</a>" -> "Author Jane Doe")."""
    try:
        if not spaced and el.find(".//script") is None and el.find(".//style") is None:
            return clean(el.text_content()[:limit])
        parts: list[str] = []
        size = 0

        def walk(node) -> None:
            nonlocal size
            if size > limit:
                return
            if isinstance(node.tag, str) and node.tag in ("script", "style", "noscript", "template"):
                pass
            else:
                if node.text and isinstance(node.tag, str):
                    parts.append(node.text)
                    size += len(node.text)
                for child in node:
                    walk(child)
            if spaced and node.tag not in _INLINE:
                parts.append(" ")
            if node is not el and node.tail:
                parts.append(node.tail)
                size += len(node.tail)

        walk(el)
        return clean("".join(parts)[:limit])
    except Exception:  # noqa: BLE001 - odd nodes (entities, broken trees, deep nesting) must not raise
        return ""


_INLINE = {"b", "i", "em", "strong", "u", "small", "sup", "sub", "abbr", "mark", "font", "s", "wbr"}
_TAG = re.compile(r"<[^>]{0,300}>")


def plain(value: str) -> str:
    """A string from JSON-LD or a meta tag with HTML entities and stray tags removed."""
    if "&" in value:
        value = html.unescape(value)
    if "<" in value:
        value = _TAG.sub(" ", value)
    return value

def attr_of(el: HtmlElement, name: str) -> str:
    v = el.get(name)
    return v if isinstance(v, str) else ""


def host_of(url: str | None) -> str:
    if not url or not isinstance(url, str):
        return ""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


_NOISE_TOKEN = re.compile(
    r"^(?:[a-z]+[-_])?(?:comments?|kommentare?|reply|respond|discussion|sidebar|widget|related|teasers?|recommend|"
    r"footer|popular|most-read|trending|more-from)(?:$|[-_])"
)
# how far up from a byline or date element the furniture test looks: past the element's own
# wrappers, not up to the page's outer layout columns
NOISE_DEPTH = 8


def in_noise(el: HtmlElement, depth: int = NOISE_DEPTH) -> bool:
    """Whether ``el`` sits in comments, a sidebar, navigation or a teaser list rather than the article."""
    node = el
    footer = False
    for level in range(depth):
        if node is None:
            break
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("aside", "nav"):
            return True
        if tag == "footer":
            footer = True  # a page footer, unless it is the article's own (inside <article>)
        if tag in ("article", "main"):
            return False  # reached the article itself: its classes say little about the byline
        if tag == "body":
            break
        if level < 5:
            tokens = (attr_of(node, "class") + " " + attr_of(node, "id")).lower().split()
            if any(t.startswith(("content", "main", "article", "post", "entry", "story")) for t in tokens):
                tokens = []  # "site-content ... id=sidebar": a content column, whatever else it is called
            for token in tokens:
                if _NOISE_TOKEN.match(token) and "includ" not in token and not token.startswith(("has-", "with-")):
                    return True
        node = node.getparent()
    return footer

"""Where an element of the parsed tree sits in the decoded page, as a character range.

lxml keeps only each element's source line, so the range is recovered from the text:
the k-th ``<p`` element in document order is the k-th ``<p`` start tag in the source once
comments and raw-text elements (whose contents may hold '<p' strings) are blanked out.
The element's source line checks the match; where the parser invented elements (implied
``<p>`` or ``<tbody>``) and the count drifts, the first start tag on the right line is used.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate

from lxml.html import HtmlElement

_OPAQUE = re.compile(
    # <noscript> is not here: the parser reads its children as elements, so their start
    # tags must be counted like any other
    r"<!--.*?(?:-->|$)|<(script|style|textarea|title|xmp|template)\b.*?(?:</\1\s*>|$)",
    re.I | re.S,
)


# Where a span of _OPAQUE can start; its end is then found with one search for the closing
# tag (or str.find for a comment's end), not by the lazy ``.*?`` trying both endings at every
# character of every script: the same spans, ~10x faster on script-heavy pages.
_OPAQUE_START = re.compile(r"<(?:!--|(script|style|textarea|title|xmp|template)\b)", re.I)
_CLOSERS: dict[str, re.Pattern[str]] = {}


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _closer(name: str) -> re.Pattern[str]:
    """The end tag ``</\\1\\s*>`` of _OPAQUE for an ASCII ``name``, matching exactly the
    characters the back-reference matches under re.I: a literal would also take 'ı' for 'i'
    and 'ſ' for 's', the back-reference takes 'İ' for 'i' and neither of those."""
    special = {"i": "(?-i:[iI\u0130])", "s": "(?-i:[sS])"}
    body = "".join(special.get(ch.lower(), re.escape(ch)) for ch in name)
    return re.compile(rf"</{body}\s*>", re.I)


def _blank_opaque(html: str) -> str:
    """``_OPAQUE.sub(_blank, html)``, computed span by span."""
    # "$" without re.M matches at the very end and before a final newline: an unclosed span
    # ends at the earlier of the two
    open_end = len(html) - 1 if html.endswith("\n") else len(html)
    parts: list[str] = []
    pos = 0
    search = _OPAQUE_START.search
    while True:
        m = search(html, pos)
        if m is None:
            break
        start = m.start()
        name = m.group(1)
        if name is None:  # a comment
            close = html.find("-->", m.end())
            end = close + 3 if close >= 0 else open_end
        elif name.isascii():
            closer = _CLOSERS.get(name)
            if closer is None:
                closer = _CLOSERS[name] = _closer(name)
            c = closer.search(html, m.end())
            end = c.end() if c is not None else open_end
        else:  # a non-ASCII spelling re.I took for a name ("<ſcript"): the reference regex
            full = _OPAQUE.match(html, start)
            end = full.end() if full is not None else m.end()
        end = max(end, m.end())
        parts.append(html[pos:start])
        parts.append(" " * (end - start))
        pos = end
    if not parts:
        return html
    parts.append(html[pos:])
    return "".join(parts)


class SourceMap:
    def __init__(self, html: str) -> None:
        self.html = html
        self._text: str | None = None
        self._line_starts: list[int] | None = None
        self._starts: dict[str, list[int]] = {}
        self._index: dict[str, dict[HtmlElement, int]] = {}

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = _blank_opaque(self.html)
        return self._text

    def _line_of(self, pos: int) -> int:
        if self._line_starts is None:
            # [0] and the end of every "\n": running sums of the line lengths, in C
            lines = self.html.split("\n")
            lines.pop()
            self._line_starts = list(accumulate(map((1).__add__, map(len, lines)), initial=0))
        return bisect.bisect_right(self._line_starts, pos)

    def _tag_starts(self, tag: str) -> list[int]:
        if tag not in self._starts:
            pattern = re.compile(rf"<{re.escape(tag)}(?=[\s/>])", re.I)
            self._starts[tag] = [m.start() for m in pattern.finditer(self.text)]
        return self._starts[tag]

    def _element_index(self, el: HtmlElement) -> int:
        tag = el.tag
        if tag not in self._index:
            root = el.getroottree().getroot()
            self._index[tag] = {e: i for i, e in enumerate(root.iter(tag))}
        return self._index[tag].get(el, -1)

    def locate(self, el: HtmlElement) -> tuple[int, int] | None:
        """(start, end) of el's markup in the decoded page, or None when it cannot be found."""
        tag = el.tag
        if not isinstance(tag, str):
            return None
        starts = self._tag_starts(tag)
        if not starts:
            return None
        i = self._element_index(el)
        start = starts[i] if 0 <= i < len(starts) else None
        line = el.sourceline
        if line is not None and (start is None or self._line_of(start) != line):
            if self._line_starts is None:
                self._line_of(0)
            assert self._line_starts is not None
            if line - 1 >= len(self._line_starts):
                return None
            line_start = self._line_starts[line - 1]
            j = bisect.bisect_left(starts, line_start)
            if j >= len(starts) or self._line_of(starts[j]) != line:
                return None
            start = starts[j]
        if start is None:
            return None
        return start, self._end_of(tag, start)

    def _end_of(self, tag: str, start: int) -> int:
        """End of the element's closing tag, counting nested same-name elements."""
        pattern = re.compile(rf"<(/?){re.escape(tag)}(?=[\s/>])[^>]*>?", re.I)
        depth = 0
        for n, m in enumerate(pattern.finditer(self.text, start)):
            if n > 500:
                break
            if m.group(1):
                depth -= 1
                if depth == 0:
                    return m.end()
            else:
                depth += 1
                # An unclosed <p> or <li> ends where the next one of its kind begins.
                if depth > 1 and tag in ("p", "li", "dt", "dd", "option"):
                    return m.start()
        return len(self.html)

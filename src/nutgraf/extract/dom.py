"""Parsing decoded HTML into an lxml tree, robust to what crawls contain.

Guarantees to the code downstream:

* ``parse_html`` never raises on any ``str``; it returns None when there is no document
  (empty, whitespace, only a doctype or comments).
* The tree is at most ``MAX_DEPTH`` elements deep, so a tree walk written as Python
  recursion (a few frames per level) stays well under the default recursion limit of 1000.
  Content nested deeper is kept, as text of the element at the cap.
* Character positions are preserved: every rewrite of the input here (XML declaration,
  control characters, lone surrogates, tags cut for depth) replaces characters one for one,
  so offsets and line numbers in the tree still point into the caller's string.

Measured facts about libxml2 (2.14, in lxml 6.1) that shape this:

* Without ``huge_tree`` it *stops parsing* at nesting depth 256 ("Excessive depth in
  document") and drops everything after that point, and it drops a whole document whose
  single text node exceeds 10 MB ("Buffer size limit exceeded") - both silently, as far
  as the caller can see.  With ``huge_tree`` the depth limit is 2048, same behaviour.
  So we parse with ``huge_tree`` and enforce our own, lower, depth cap without losing text.
* A lone surrogate in a ``str`` ends the document at that point; C0 control characters
  pass through into text, where lxml later refuses them on assignment.
* A ``str`` with an XML declaration naming an encoding raises ValueError.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

__all__ = ["MAX_DEPTH", "parse_html"]

# Deepest element depth (the root <html> is depth 0) the returned tree can have.  Real pages
# stay under ~60; the deepest legitimate ones (nested forum quotes, unclosed <font> tags)
# reach the low hundreds.
MAX_DEPTH = 200

# lxml refuses a str that still carries an XML encoding declaration; a BOM may precede it.
_XML_DECL = re.compile(r"\A[\s\ufeff]*<\?xml[^>]*>", re.I)
# C0 controls other than tab/newline/CR (libxml2 keeps them as text, and lxml then refuses
# that text wherever it is assigned), and lone surrogates (which end libxml2's parse early).
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_NON_SPACE = re.compile(r"\S")
_NOT_NEWLINE = re.compile(r"[^\n]")

# Tags libxml2 treats as empty: they never add depth.
_VOID = frozenset("area base basefont bgsound br col command embed frame hr image img input isindex "
                  "keygen link meta param source track wbr".split())
# [^<>]* rather than [^>]*: every scan stops at the next "<", so a flood of unclosed
# "<a href=" costs linear time instead of quadratic.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:_-]*)[^<>]*>")
# Elements whose end starts a new line when a too-deep subtree is turned into text.
_BLOCK = frozenset("address article aside blockquote br dd div dl dt fieldset figcaption figure footer "
                   "form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul".split())
_BREAKS = re.compile(r"[ \t]*\n(?:[ \t]*\n)+[ \t]*")
_NO_TEXT = frozenset(("script", "style", "template", "noscript"))


# Every element is a plain HtmlElement, chosen in C.  lxml.html's own lookup is a Python
# method called for every element proxy created (each iter(), find(), getparent() result):
# 320,000 calls and ~7% of extraction time over the ScrapingHub pages.  What it adds
# (FormElement, InputElement, ... for forms) is never used here.
_CLASS_LOOKUP = lxml.etree.ElementDefaultClassLookup(
    element=HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def _parser() -> lxml.html.HTMLParser:
    # A parser per call: its error_log is read afterwards, and parsers are not to be shared
    # across threads.  Creating one costs microseconds.
    parser = lxml.html.HTMLParser(
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,  # see module doc: without it text nodes over 10 MB lose the page
        default_doctype=False,
    )
    parser.set_element_class_lookup(_CLASS_LOOKUP)
    return parser


# every byte but the C0 controls _BAD_CHARS names: what bytes.translate deletes to leave those
_NOT_C0 = bytes(c for c in range(256) if not (c < 0x20 and c not in (0x09, 0x0A, 0x0D)))


def _has_bad_chars(html: str) -> bool:
    """``_BAD_CHARS.search(html) is not None``, at a third of the cost: a lone surrogate is what
    makes a str unencodable as UTF-8, and in UTF-8 a C0 control is its own byte and no other
    character contains that byte."""
    try:
        raw = html.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return bool(raw.translate(None, _NOT_C0))


def _may_have_huge_tag(html: str) -> bool:
    """``_HUGE_TAG.search(html) is not None``, without running the regex over every tag.

    A match is a "<", an ASCII letter and MAX_TAG_CHARS or more characters other than "<"
    and ">", closed by ">".  Windows of MAX_TAG_CHARS characters are jumped through: when one
    holds a bracket, no such run starts at or before its last bracket, so the next window starts
    after it (a few thousand steps over a page of ordinary markup).  A window with no bracket
    lies in a long bracket-free run (a script, a data: URL), checked for the "<"-letter before
    it and the ">" after it."""
    width, n = MAX_TAG_CHARS, len(html)
    i = 0
    while i + width <= n:
        j = max(html.rfind("<", i, i + width), html.rfind(">", i, i + width))
        if j >= 0:
            i = j + 1
            continue
        before = max(html.rfind("<", 0, i), html.rfind(">", 0, i))
        lt, gt = html.find("<", i + width), html.find(">", i + width)
        if lt < 0 and gt < 0:
            return False
        end = gt if lt < 0 or 0 <= gt < lt else lt
        if (html[end] == ">" and before >= 0 and html[before] == "<" and end - before - 2 >= width
                and html[before + 1] in _ASCII_LETTERS):
            return True
        i = end + 1
    return False


_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _blank(match: re.Match[str]) -> str:
    """Same-length replacement for a cut span: spaces, keeping newlines (line numbers)."""
    return _NOT_NEWLINE.sub(" ", match.group(0))


def parse_html(html: str) -> HtmlElement | None:
    """The page's root ``<html>`` element, or None when nothing parseable is there."""
    if not isinstance(html, str):
        raise TypeError(f"parse_html() takes str, not {type(html).__name__}")
    decl = _XML_DECL.match(html)  # match, not sub: sub would try all 50 M positions of a big page
    if decl:
        html = _blank(decl) + html[decl.end():]
    if _has_bad_chars(html):
        html = _BAD_CHARS.sub(" ", html)
    if not _NON_SPACE.search(html):
        return None
    if _may_have_huge_tag(html):
        html = _HUGE_TAG.sub(_trim_tag, html)
    root, too_deep = _parse(html)
    if too_deep:
        # libxml2 gave up at its depth limit and dropped the rest of the page: cut the
        # nesting in the source and parse again.
        root, _ = _parse(_cap_nesting(html, MAX_DEPTH - 8))
    if root is not None:
        _flatten_below(root, MAX_DEPTH)
    return root


# A start tag this long carries thousands of attributes; libxml2's duplicate-attribute check
# is quadratic in their number (50,000 attributes: seconds), and no page needs them.
MAX_TAG_CHARS = 16_384
_HUGE_TAG = re.compile(r"<[a-zA-Z][^<>]{%d,}>" % MAX_TAG_CHARS)


def _trim_tag(match: re.Match[str]) -> str:
    """The tag cut to its first attributes, padded to the same length and the same line
    breaks, so source offsets and line numbers of everything after it are unchanged."""
    tag = match.group()
    cut, quote = 0, ""
    for i, ch in enumerate(tag[:MAX_TAG_CHARS]):  # the last space outside a quoted value
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch.isspace():
            cut = i
    head = tag[:cut] if cut > 0 else tag[: tag.find(" ") if " " in tag else MAX_TAG_CHARS]
    rest = tag[len(head):-1]
    filler = "".join("\n" if ch == "\n" else " " for ch in rest)
    return head + filler + ">"


def _parse(html: str) -> tuple[HtmlElement | None, bool]:
    parser = _parser()
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.LxmlError, ValueError, TypeError):
        # "Document is empty" (only a doctype, comments) and anything else libxml2 refuses.
        return None, False
    last = parser.error_log.last_error
    too_deep = last is not None and "depth" in (last.message or "").lower()
    return root, too_deep


def _cap_nesting(html: str, cap: int) -> str:
    """``html`` with open/close tag pairs deeper than ``cap`` blanked out (same length).

    A tag-level scan, not a parser: it does not know implied end tags, so it may count
    deeper than libxml2 and cut a little early.  That only loses structure below the cap,
    never text, and this runs only for pages libxml2 refused for depth.
    """
    stack: list[tuple[str, bool]] = []  # (tag, kept)
    open_count: dict[str, int] = {}
    kept_depth = 0
    cuts: list[tuple[int, int]] = []
    for m in _TAG.finditer(html):
        name = m.group(2).lower()
        if name in _VOID:
            continue
        if not m.group(1):
            # "<div/>" is an open tag in HTML: libxml2 ignores the slash, so do we.
            keep = kept_depth < cap
            stack.append((name, keep))
            open_count[name] = open_count.get(name, 0) + 1
            if keep:
                kept_depth += 1
            else:
                cuts.append(m.span())
        elif open_count.get(name):
            # Close the nearest open element of that name and everything opened inside it
            # (their end tags are implied).  Each entry is popped once: linear overall.
            while True:
                tag, kept = stack.pop()
                open_count[tag] -= 1
                kept_depth -= kept
                if tag == name:
                    break
            if not kept:
                cuts.append(m.span())
        # an end tag with nothing open to close is left for libxml2 to ignore
    if not cuts:
        return html
    parts: list[str] = []
    pos = 0
    for start, end in cuts:
        parts.append(html[pos:start])
        parts.append(_NOT_NEWLINE.sub(" ", html[start:end]))
        pos = end
    parts.append(html[pos:])
    return "".join(parts)


def _flatten_below(root: HtmlElement, cap: int) -> None:
    """Turn every subtree hanging below depth ``cap`` into the text of its element there."""
    # A chain of "*" steps finds the elements at exactly that depth in libxml2's C code,
    # visiting each shallower element once (~0.1 s for 1.8 M elements).
    for el in root.xpath("/".join(["*"] * cap)):
        if len(el):
            _collapse(el)


def _collapse(el: HtmlElement) -> None:
    parts = [el.text or ""]
    # iterwalk is an iterative C-level walk: no Python recursion however deep the subtree.
    for event, node in lxml.etree.iterwalk(el, events=("start", "end")):
        if node is el:
            continue
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in _BLOCK:
                parts.append("\n")
            if node.text and tag not in _NO_TEXT:
                parts.append(node.text)
        else:
            if tag in _BLOCK:
                parts.append("\n")
            if node.tail:
                parts.append(node.tail)
    for child in list(el):
        el.remove(child)
    # Each nested block adds its own line breaks; keep at most one blank line between texts.
    el.text = _BREAKS.sub("\n\n", "".join(parts))

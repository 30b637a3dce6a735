"""The page as a flat list of text blocks, each tied to the element it came from.

A *block* is what a reader sees as one paragraph: a ``<p>``, a heading, a list item, or a
run of loose text between block-level children of a ``<div>``.  Inline markup (links,
emphasis, spans) is flattened into its block, and the share of the block's characters
that sit inside links is kept, because link density is the strongest single signal
separating navigation from prose.

Elements that never carry article text (scripts, forms' controls, navigation, elements
whose class or id names page furniture) are skipped here, so later stages only ever see
candidate text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from nutgraf.extract.limits import Deadline

# Elements that start a new block.  Everything else is inline and flows into its block.
BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section "
    "summary table tbody td tfoot th thead tr ul caption".split()
)
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())

# Never article text, whatever their class says.
SKIP_TAGS = frozenset(
    "script style noscript template svg math canvas iframe object embed video audio source track "
    "map area button input select option optgroup textarea label head title meta link "
    "base img picture dialog".split()
)
# Elements that are furniture by their tag, like a class naming furniture: usually a
# sidebar or a menu, but on some pages the wrapper of everything (checked later, against
# the prose they hold).
FURNITURE_TAGS = frozenset("nav aside menu".split())

# class/id/role words that name page furniture.  Matched on word pieces of the attribute
# (split at '-', '_', ' ' and camelCase), so 'share-tools' and 'socialShare' match but
# 'shared-content' or 'adobe' do not.
_FURNITURE_WORDS = frozenset(
    """share sharing sharebar social socials sociallinks follow newsletter newsletters subscribe subscription
    signup promo promos promotion advert advertisement adverts ads ad adslot adunit advertising sponsor
    sponsored outbrain taboola related recommended recommendations recirc popular trending mostread
    breadcrumb breadcrumbs cookie cookies consent gdpr banner comment comments commentlist disqus
    respond sidebar widget widgets footer masthead navbar nav navigation menu topnav subnav pagination
    pager tags tagcloud taglist keywords byline author authors dateline timestamp date published
    caption credit credits copyright disclaimer modal popup overlay toolbar skip skiplink print email
    login paywall offer upsell teaser teasers rail aside visually sr screenreader signin
    jump newsletterbox readmore morestories moreon seealso alsoread""".split()
)
# Furniture words that are also common on real content wrappers: they only count when the
# element is small relative to the page (checked by the caller with the element's text size).
_WEAK_WORDS = frozenset("banner widget tags date published author byline caption header rail teaser".split())
_COMMENT_WORDS = frozenset(("comment", "comments"))
_LIVE_WORDS = frozenset(("live", "liveblog", "ticker", "liveticker", "match", "minute", "commentary"))
_SPLIT = re.compile(r"[-_\s:./]+|(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NL = re.compile(r"\s*\n\s*")


_NO_WORDS: tuple[frozenset[str], bool] = (frozenset(), False)
# furniture_words by attribute string: pages repeat the same few hundred class names on
# thousands of elements.  Cleared when it grows past _CACHE_MAX (a page of unique ids).
_WORDS_CACHE: dict[str, tuple[frozenset[str], bool]] = {}
_CACHE_MAX = 50_000


def furniture_words(el: HtmlElement) -> tuple[frozenset[str], bool]:
    """The furniture words in el's class/id/role, and whether any of them is a strong one."""
    get = el.get
    attrs = " ".join(filter(None, (get("class"), get("id"), get("role"), get("itemprop"))))
    if not attrs:
        return _NO_WORDS
    found = _WORDS_CACHE.get(attrs)
    if found is None:
        found = _furniture_words(attrs)
        if len(_WORDS_CACHE) >= _CACHE_MAX:
            _WORDS_CACHE.clear()
        _WORDS_CACHE[attrs] = found
    return found


def _furniture_words(attrs: str) -> tuple[frozenset[str], bool]:
    words = {w.lower() for w in _SPLIT.split(attrs) if w}
    hits = words & _FURNITURE_WORDS
    if hits & _COMMENT_WORDS and words & _LIVE_WORDS:
        # 'live-match-comment', 'liveblog-comment': the entries of a live ticker are the
        # article, not readers' comments
        hits -= _COMMENT_WORDS
    return frozenset(hits), bool(hits - _WEAK_WORDS)


def is_hidden(el: HtmlElement) -> bool:
    get = el.get
    if get("hidden") is not None or get("aria-hidden") == "true":
        return True
    style = get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def clean_text(text: str) -> str:
    text = _WS.sub(" ", text)
    if "\n" in text:
        text = _NL.sub("\n", text)
    return text.strip()


@dataclass
class Block:
    el: HtmlElement  # the element the text belongs to (the container for loose text runs)
    text: str
    link_chars: int
    kind: str  # p | heading | li | quote | pre | cell | loose
    index: int = 0  # position in document order
    # ancestors whose class/id names furniture; whether they are wrappers of the article or
    # furniture inside it is decided once the article container is known
    furniture: tuple[HtmlElement, ...] = ()

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


_NEVER_FURNITURE = frozenset(("html", "body", "main", "article"))

_KIND = {"p": "p", "li": "li", "dd": "li", "dt": "li", "blockquote": "quote", "pre": "pre",
         "td": "cell", "th": "cell", "figcaption": "caption", "caption": "caption"}


class BlockBuilder:
    """Walks the tree once and produces blocks; ``skipped`` holds the subtrees it left out."""

    def __init__(self, root: HtmlElement, deadline: Deadline | None = None) -> None:
        self.root = root
        self.deadline = deadline
        self.blocks: list[Block] = []
        self.has_block_inside: set[HtmlElement] = set()
        self._mark_containers()

    def _mark_containers(self) -> None:
        # An inline element holding a block (<a><div>..</div></a>) is walked like a block.
        marked = self.has_block_inside
        for el in self.root.iter(*BLOCK_TAGS):
            parent = el.getparent()
            while parent is not None and parent not in marked:
                marked.add(parent)
                parent = parent.getparent()

    def skip(self, el: HtmlElement) -> bool:
        tag = el.tag
        return not isinstance(tag, str) or tag in SKIP_TAGS or is_hidden(el)

    def build(self) -> list[Block]:
        body = self.root.find("body")
        self._walk(body if body is not None else self.root, 0, (), False)
        for i, b in enumerate(self.blocks):
            b.index = i
        return self.blocks

    def _walk(
        self, el: HtmlElement, depth: int, furniture: tuple[HtmlElement, ...], in_link: bool, kind: str | None = None
    ) -> None:
        # in_link: el sits inside an <a> (a teaser card wrapped in a link), so all its text is
        # link text.  kind: forced on every block below (everything in a <figure> is a caption).
        if depth > 300:  # dom.parse_html caps nesting at 200; this guards the Python stack regardless
            return
        if self.deadline is not None and len(self.blocks) % 256 == 0:
            self.deadline.check()
        run: list[str] = []
        links = 0
        text = el.text
        if text:
            run.append(text)
        marked = self.has_block_inside
        for child in el:
            tag = child.tag
            if tag.__class__ is not str and not isinstance(tag, str):
                pass
            elif tag in BLOCK_TAGS or child in marked:
                if run:
                    self._flush(el, run, links, furniture, in_link, kind)
                    run, links = [], 0
                if tag not in SKIP_TAGS and not is_hidden(child):
                    inner = furniture
                    if tag in FURNITURE_TAGS or (tag not in _NEVER_FURNITURE and furniture_words(child)[0]):
                        inner = furniture + (child,)
                    if tag == "tr" and not any(c in marked for c in child):
                        self._row(child, inner, in_link)
                    else:
                        self._walk(child, depth + 1, inner, in_link or tag == "a",
                                   "caption" if tag == "figure" else kind)
            elif tag == "br":
                run.append("\n")
            elif tag not in SKIP_TAGS and not is_hidden(child):
                text = child.text_content()
                run.append(text)
                if tag == "a":
                    links += len(text.strip())
                elif len(child):  # an element without children holds no link
                    links += sum(len(a.text_content().strip()) for a in child.iter("a"))
            tail = child.tail
            if tail:
                run.append(tail)
        if run:
            self._flush(el, run, links, furniture, in_link, kind)

    def _row(self, tr: HtmlElement, furniture: tuple[HtmlElement, ...], in_link: bool) -> None:
        """A table row of plain cells is one block: 'cell | cell | cell'."""
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th") and not self.skip(c)]
        texts = [clean_text(c.text_content()) for c in cells]
        text = " | ".join(t for t in texts if t)
        if not text:
            return
        links = len(text) if in_link else sum(len(a.text_content().strip()) for a in tr.iter("a"))
        self.blocks.append(Block(tr, text, min(links, len(text)), "row", furniture=furniture))

    def _flush(
        self,
        el: HtmlElement,
        run: list[str],
        links: int,
        furniture: tuple[HtmlElement, ...],
        in_link: bool,
        forced_kind: str | None = None,
    ) -> None:
        if not run:
            return
        text = "".join(run)
        if text.isspace():  # the line breaks and indents between block elements: most runs
            return
        text = clean_text(text)
        if not text:
            return
        tag = el.tag
        kind = forced_kind or ("heading" if tag in HEADINGS else _KIND.get(tag, "loose"))
        if kind == "loose" and tag == "p":
            kind = "p"
        self.blocks.append(Block(el, text, len(text) if in_link else min(links, len(text)), kind, furniture=furniture))

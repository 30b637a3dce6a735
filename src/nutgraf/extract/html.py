"""Main content of an HTML page.

1. The page becomes a list of text blocks (``blocks.BlockBuilder``); elements that never
   hold article text (scripts, form controls, hidden boxes) are left out, and each block
   knows which furniture-named boxes (class 'share', 'related', <nav>, <aside>) enclose it.
2. Each block gets a weight from its text alone (``prose``): positive for prose, negative
   for link lists and chrome.
3. ``region`` finds the article's container and the blocks in it to keep.  A page on
   which that finds almost nothing (dialogue, recipes, live tickers: short lines only) is
   read a second time with every plain line counted as content.
4. The kept blocks become ``Article.text`` (joined by blank lines) and its paragraph map,
   each paragraph with its element path and character range in the decoded page.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field

import lxml.etree
from lxml.html import HtmlElement

from nutgraf.extract.blocks import Block, BlockBuilder
from nutgraf.extract.limits import Deadline
from nutgraf.extract.prose import block_weight, relaxed_weight
from nutgraf.extract.provenance import SourceMap
from nutgraf.extract.region import best_selection, select_blocks
from nutgraf.model import Paragraph


@dataclass
class MainContent:
    text: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    container: HtmlElement | None = None


# Below this many characters an extraction is suspect and the relaxed weighting is tried.
SHORT_ARTICLE = 300


# What finding the page's own summary at the start of a block is worth: as much as a
# long paragraph, so a short post beats the sidebar beside it, not more.
LEAD_BONUS = 400.0
_WORD = re.compile(r"\w+")


def lead_anchor(blocks: list[Block], lead: str | None) -> int | None:
    """The block that opens with the page's summary (og:description and the like), when
    exactly one does: sites fill that tag with the article's first sentence."""
    if not lead:
        return None
    words = _WORD.findall(lead.lower())[:6]
    if len(words) < 5:
        return None
    key = " ".join(words)
    hits = [i for i, b in enumerate(blocks)
            if b.link_density < 0.5 and key in " ".join(_WORD.findall(b.text.lower()))]
    return hits[0] if len(hits) == 1 else None


# A <noscript> holding this much text is the page's content for readers without scripts
# (Blogger and other script-rendered sites put the whole post there), not a tracking pixel.
NOSCRIPT_CONTENT = 200


def _open_noscript(tree: HtmlElement) -> None:
    """Keep the children of a <noscript> that carries the article; the parser reads them
    as elements, and they are dropped with the element otherwise."""
    for el in list(tree.iter("noscript")):
        if len(el) and len("".join(el.itertext()).strip()) >= NOSCRIPT_CONTENT:
            el.drop_tag()


def extract_main(
    tree: HtmlElement, html: str, *, title: str | None = None, lead: str | None = None,
    deadline: Deadline | None = None,
) -> MainContent:
    """Find the article in ``tree`` (parsed from ``html``).  Strips scripts from the tree."""
    _open_noscript(tree)
    # Script and style text would leak into text_content() of inline elements; ruby
    # readings (<rt>, <rp>: the kana over Japanese kanji) would double every annotated word.
    lxml.etree.strip_elements(tree, "script", "style", "noscript", "template", "rt", "rp",
                              with_tail=False)
    blocks = BlockBuilder(tree, deadline).build()
    out = MainContent()
    if not blocks:
        out.warnings.append("no text found on the page")
        return out
    weights = [block_weight(b) for b in blocks]
    anchor = lead_anchor(blocks, lead)
    best = _choose(blocks, weights, title, anchor)
    anchored = anchor is not None and any(b is blocks[anchor] for b in best[2])
    if not anchored and sum(len(b.text) for b in best[2]) < SHORT_ARTICLE:
        # Pages of short lines (dialogue, recipes, lists, live tickers) have little that
        # reads as prose: judge them again with every plain line counted as content.  Not
        # when the page's summary already showed where a short article is.
        second = _choose(blocks, [relaxed_weight(b) for b in blocks], title, anchor)
        if sum(len(b.text) for b in second[2]) > 2 * sum(len(b.text) for b in best[2]):
            best = second
    _, container, kept = best
    if container is None:
        out.warnings.append("no article found: the page has no prose")
        return out
    out.container = container
    if deadline is not None:
        deadline.check()
    _assemble(out, kept, html, deadline)
    if not out.text:
        out.warnings.append("no article found: the page has no prose")
    return out


def _choose(blocks: list[Block], weights: list[float], title: str | None,
            anchor: int | None) -> tuple[float, HtmlElement | None, list[Block]]:
    """The best container and its blocks.  The block that opens with the page's summary
    votes for the container it sits in; which blocks are kept inside that container is then
    judged by their own weights, so the summary does not drag in a deck the body lacks."""
    if anchor is None:
        return best_selection(blocks, weights, title)
    boosted = list(weights)
    boosted[anchor] = max(boosted[anchor], 0.0) + LEAD_BONUS
    score, container, kept = best_selection(blocks, boosted, title)
    if container is None:
        return score, container, kept
    plain = select_blocks(blocks, weights, container, title)
    return (score, container, plain) if plain else (score, container, kept)


class _PathFinder:
    """Element paths like ``/html/body/div[2]/p[3]``, with sibling positions counted once
    per parent (lxml's getpath counts them anew for every call: quadratic on big pages)."""

    def __init__(self) -> None:
        self._position: dict[HtmlElement, str] = {}
        self._paths: dict[HtmlElement, str] = {}

    def _step(self, el: HtmlElement) -> str:
        if el not in self._position:
            parent = el.getparent()
            if parent is None:
                return f"/{el.tag}"
            counts: dict[str, int] = {}
            for child in parent:
                if isinstance(child.tag, str):
                    counts[child.tag] = counts.get(child.tag, 0) + 1
            seen: dict[str, int] = {}
            for child in parent:
                if isinstance(child.tag, str):
                    seen[child.tag] = seen.get(child.tag, 0) + 1
                    self._position[child] = (
                        f"{child.tag}[{seen[child.tag]}]" if counts[child.tag] > 1 else child.tag
                    )
        return self._position[el]

    def path(self, el: HtmlElement) -> str:
        if el in self._paths:
            return self._paths[el]
        parent = el.getparent()
        result = f"/{el.tag}" if parent is None else f"{self.path(parent)}/{self._step(el)}"
        self._paths[el] = result
        return result


def _assemble(out: MainContent, kept: list[Block], html: str, deadline: Deadline | None) -> None:
    source = SourceMap(html)
    paths = _PathFinder()
    parts: list[str] = []
    offset = 0
    for n, block in enumerate(kept):
        if deadline is not None and n % 512 == 0:
            deadline.check()
        span = source.locate(block.el)
        out.paragraphs.append(
            Paragraph(
                start=offset,
                end=offset + len(block.text),
                kind=block.kind,
                path=paths.path(block.el),
                source_start=span[0] if span else None,
                source_end=span[1] if span else None,
            )
        )
        parts.append(block.text)
        offset += len(block.text) + 2
    out.text = "\n\n".join(parts)

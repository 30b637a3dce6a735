"""Main content of an HTML page.

1. The page becomes a list of text blocks (``blocks.BlockBuilder``), with furniture
   subtrees (navigation, share bars, comment sections, ...) already left out.
2. Each block gets a weight: positive for prose (long, punctuated, few links), negative for
   link lists and short chrome.  The article container is the element whose subtree has the
   largest total weight: the region with the most prose and the least furniture.
3. Inside the container, blocks before the first and after the last prose block are edge
   furniture (bylines, dates, share prompts, tag lists) and are dropped; between them only
   link-heavy and boilerplate-phrase blocks are dropped.
4. The kept blocks become ``Article.text`` (joined by blank lines) and its paragraph map,
   each paragraph with its element path and character range in the decoded page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.etree
from lxml.html import HtmlElement

from nutgraf.extract.blocks import FURNITURE_TAGS, Block, BlockBuilder, furniture_words
from nutgraf.extract.limits import Deadline
from nutgraf.extract.provenance import SourceMap
from nutgraf.model import Paragraph

# Short lines that are page chrome in any article body.  Kept deliberately generic and
# multilingual-light: they must never match a sentence of prose (checked by length).
_BOILERPLATE = re.compile(
    r"^\W{0,3}(?:advertisement|advertising|anzeige|werbung|publicité|sponsored|share( this( article| story)?)?|"
    r"tweet|email|print|comments?|read more|read next|more:|related:?|see also|also read|you may also like|"
    r"click here|sign up|subscribe|follow us|image:|photo:|foto:|bild:|credit:|picture:|getty images|"
    r"all rights reserved|copyright|loading|skip to|continue reading( below)?|story continues below|"
    r"scroll to continue|lesen sie auch|mehr zum thema|weitere (themen|artikel|informationen|beiträge)|"
    r"das könnte|schon gelesen|auch interessant|zobacz (też|także)|czytaj (też|także|więcej)|veja também|"
    r"leia (também|mais)|lire aussi|à lire aussi|voir aussi|ver también|lee también|te puede interesar|"
    r"leggi anche|externer inhalt|rezept drucken|kontakt|impressum|war (der|dieser) artikel|quelle:|"
    r"quellenangaben|abbildung \d|be sociable)\b|^\W{0,3}©",
    re.I,
)
# Consent banners read like prose; their vocabulary gives them away.
_COOKIE_NOTICE = re.compile(
    r"\b(?:uses?|using|accept|verwendet|nutzt|akzeptier\w*|utilis\w+|acepta\w*|usa(?:mos)?)\b.{0,60}\bcookies?\b"
    r"|\bcookies?\b.{0,80}\b(?:policy|richtlinie|settings|einstellungen|zustimm\w*|akzeptier\w*|accept\w*)\b",
    re.I | re.S,
)
_TRUNCATED = re.compile(r"\w(?:\.\.\.|…|\[…\]|\[\.\.\.\])\s*$")
_SENTENCE_END = re.compile(r"[.!?…:;\"'”’»)\]。！？」』]\s*$")
_PUNCT = re.compile(r"[.,;:!?。、，！？；：،؛]")
# Han, kana and hangul carry about a word per character: weigh them like three Latin letters.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass
class MainContent:
    text: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    container: HtmlElement | None = None


def block_weight(block: Block) -> float:
    """How much a block looks like article prose (>0) or like page furniture (<0)."""
    if block.kind in ("caption", "row"):
        return 0.0  # neither prose nor chrome: kept or dropped by where they stand
    n = len(block.text)
    if n < 400:
        n += 2 * len(_CJK.findall(block.text))
    ld = block.link_density
    if ld > 0.5:
        return -n * ld  # navigation, teaser lists
    if n < 500 and _COOKIE_NOTICE.search(block.text):
        return -float(n)
    if n < 500 and _TRUNCATED.search(block.text):
        return 0.0  # a teaser's excerpt, cut off mid-sentence

    punct = len(_PUNCT.findall(block.text))
    if n >= 80 and punct >= 1:
        return n * (1 - ld) ** 2 * (1.2 if block.kind == "p" else 1.0)
    if n >= 40 and _SENTENCE_END.search(block.text):
        return n * (1 - ld) * 0.6
    if n >= 20 and " " in block.text and _SENTENCE_END.search(block.text):
        return n * (1 - ld) * 0.2  # a short sentence: dialogue, a one-line paragraph
    return -5.0  # short chrome: 'Share', 'Menu', a date line


# class/id/itemprop tokens that name the article body on most publishing systems
# ('articleBody', 'article-body', 'entry-content', 'post__text', 'story-body', 'bodytext').
_CONTENT_HINT = re.compile(
    r"(?:^|[-_\s])(?:article|story|entry|post|news|blog|main|single)[-_]*(?:body|content|text|copy|entry)(?:$|[-_\s])"
    r"|(?:^|[-_\s])body[-_]*(?:text|copy|content)(?:$|[-_\s])|^articlebody$|^bodytext$|^storytext$",
    re.I,
)
# How much a content-named element is preferred over a larger wrapper around it.
HINT_BONUS = 1.6
FURNITURE_MALUS = 0.3


def has_content_hint(el: HtmlElement) -> bool:
    if el.get("itemprop") == "articleBody":
        return True
    for attr in ("class", "id"):
        value = el.get(attr)
        if value and any(_CONTENT_HINT.search(tok) for tok in value.split()):
            return True
    return False


def rank_containers(blocks: list[Block], weights: list[float], limit: int = 4) -> list[tuple[float, HtmlElement]]:
    """Elements by the total weight of the blocks in their subtree, best first; deeper wins
    ties.  Elements whose class names the article body get a bonus, so a wrapper that also
    holds teaser cards or a news ticker loses to the body element inside it."""
    totals: dict[HtmlElement, float] = {}
    for block, w in zip(blocks, weights):
        el = block.el
        while el is not None:
            totals[el] = totals.get(el, 0.0) + w
            el = el.getparent()
    ranked = []
    for el, score in totals.items():
        if score <= 0:
            continue
        if has_content_hint(el):
            score *= HINT_BONUS
        elif el.tag in FURNITURE_TAGS or furniture_words(el)[1]:
            score *= FURNITURE_MALUS  # a comment section or sidebar is a container of last resort
        ranked.append((round(score, 3), _depth(el), el))
    ranked.sort(key=lambda r: (r[0], r[1]), reverse=True)
    return [(score, el) for score, _, el in ranked[:limit]]


def _depth(el: HtmlElement) -> int:
    d = 0
    while el is not None:
        el = el.getparent()
        d += 1
    return d


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def furniture_inside(blocks: list[Block], weights: list[float], members: set[HtmlElement],
                     container: HtmlElement) -> set[HtmlElement]:
    """Furniture-named elements within the container that really are furniture.

    A class name is weak evidence ('article-body pagination-first' wraps the story on one
    site; on a forum every post is a 'comment'): elements of one class that together hold
    at least half of the container's prose are the content, not a share bar or a
    related-links box, and are kept.
    """
    total = 0.0
    prose_under: dict[HtmlElement, float] = {}
    for b, w in zip(blocks, weights):
        if b.el not in members:
            continue
        w = max(w, 0.0)
        total += w
        for f in b.furniture:
            if f is not container and f in members:
                prose_under[f] = prose_under.get(f, 0.0) + w
    by_class: dict[tuple[str, str], float] = {}
    for f, w in prose_under.items():
        key = (f.tag, f.get("class") or f.get("id") or "")
        by_class[key] = by_class.get(key, 0.0) + w
    # prose outside every furniture-named element: the article itself, when there is one
    plain = sum(max(w, 0.0) for b, w in zip(blocks, weights)
                if b.el in members and not any(f in prose_under for f in b.furniture))
    furniture = set()
    for f, w in prose_under.items():
        if total and w >= 0.5 * total:
            continue
        shared = by_class[(f.tag, f.get("class") or f.get("id") or "")]
        if total and shared >= 0.5 * total and plain < 0.05 * total:
            continue  # the posts of a forum thread: no other prose beside them
        # Weak names ('widget', 'tags', 'ad' in a layout class) only mark small boxes.
        if w < 1000 or furniture_words(f)[1]:
            furniture.add(f)
    return furniture


def _class_shape(el: HtmlElement) -> str:
    """The class without per-item tokens ('post-123', 'item-4'), so sibling cards match."""
    return " ".join(sorted(t for t in (el.get("class") or "").split() if not any(c.isdigit() for c in t)))


def teaser_cards(blocks: list[Block], weights: list[float], members: set[HtmlElement],
                 container: HtmlElement) -> set[HtmlElement]:
    """Repeated sibling elements that each hold a linked headline and a short summary:
    the 'more stories' grids and lists that sit inside or under an article."""
    titled: set[HtmlElement] = set()
    prose: dict[HtmlElement, int] = {}
    for b in blocks:
        if b.el not in members:
            continue
        linked = b.link_density > 0.5 and len(b.text) >= 12
        el = b.el
        while el is not None and el is not container:
            if linked:
                titled.add(el)
            elif b.link_density <= 0.5:
                prose[el] = prose.get(el, 0) + len(b.text)
            el = el.getparent()
    groups: dict[tuple[HtmlElement, str, str], list[HtmlElement]] = {}
    for el in titled:
        parent = el.getparent()
        if parent is None or parent not in members:
            continue
        groups.setdefault((parent, el.tag, _class_shape(el)), []).append(el)
    cards: set[HtmlElement] = set()
    for (parent, tag, cls), group in groups.items():
        if len(group) < 3:
            continue
        siblings = [c for c in parent if c.tag == tag and _class_shape(c) == cls]
        if len(group) < 0.6 * len(siblings):
            continue
        if sorted(prose.get(c, 0) for c in group)[len(group) // 2] > 400:
            continue  # long sections under linked headings: a listicle's body, not teasers
        cards.update(group)
    return cards


# A closing line that asks the reader to do something: subscribe, follow, share.
_CALL_TO_ACTION = re.compile(
    r"\b(subscribe|newsletters?|sign up|follow (us|@|the)|on (facebook|twitter|instagram)|download (our|the) app|"
    r"click here|contributed to this report|originally (published|appeared)|all rights reserved|"
    r"abonnieren|newsletter|suivez-nous|inscrivez-vous)\b",
    re.I,
)


def _close_kin(a: HtmlElement, b: HtmlElement) -> bool:
    """Whether a and b share a parent or grandparent: parts of one run of content."""
    pa, pb = a.getparent(), b.getparent()
    if pa is None or pb is None:
        return False
    if pa is pb:
        return True
    ga, gb = pa.getparent(), pb.getparent()
    return pa is gb or ga is pb or (ga is not None and ga is gb)


def _extend_tail(inside: list[tuple[Block, float]], last: int) -> int:
    """Short lines right after the last prose block that continue its run (a list of
    ingredients, a closing one-liner, a sign-off) belong to the article."""
    anchor = inside[last][0].el
    i = last + 1
    while i < len(inside):
        b = inside[i][0]
        if b.link_density > 0.3 or b.kind in ("caption", "heading") or _BOILERPLATE.match(b.text):
            break
        if not _close_kin(b.el, anchor):
            break
        i += 1
    return i - 1


def _extend_head(inside: list[tuple[Block, float]], first: int) -> int:
    """Short lines right before the first prose block in the same run (an intro line, a
    lead-in to a list) belong to the article; bylines and dates sit in their own boxes."""
    anchor = inside[first][0].el
    i = first - 1
    while i >= 0:
        b = inside[i][0]
        if b.link_density > 0.3 or b.kind == "caption" or _BOILERPLATE.match(b.text):
            break
        if not _close_kin(b.el, anchor) or b.el.getparent() is not anchor.getparent():
            break
        i -= 1
    return i + 1


def prose_siblings(blocks: list[Block], weights: list[float], container: HtmlElement) -> list[HtmlElement]:
    """Siblings of the container that carry a real share of prose and no links: a story
    split by an ad slot or a video into two boxes under one parent."""
    parent = container.getparent()
    if parent is None or container.tag in ("body", "html"):
        return []
    own = 0.0
    totals: dict[HtmlElement, float] = {}
    for b, w in zip(blocks, weights):
        el = b.el
        while el is not None and el.getparent() is not parent:
            el = el.getparent()
        if el is None:
            continue
        if el is container:
            own += max(w, 0.0)
        else:
            totals[el] = totals.get(el, 0.0) + w
    return [el for el, w in totals.items()
            if w > max(0.25 * own, 150.0) and not (el.tag in FURNITURE_TAGS or furniture_words(el)[0])]


def standfirst(blocks: list[Block], weights: list[float], container: HtmlElement) -> list[HtmlElement]:
    """Prose above the article body inside the same <article>: the lead paragraph that
    many sites put in the article's header, apart from the body element."""
    region = container.getparent()
    for _ in range(3):
        if region is None or region.tag == "article":
            break
        region = region.getparent()
    if region is None or region.tag != "article":
        return []
    inside_region = set(region.iter())
    body = set(container.iter())
    lead: list[HtmlElement] = []
    for b, w in zip(blocks, weights):
        if b.el in body:
            break  # only what stands before the body
        if b.el in inside_region and w > 0 and b.link_density < 0.3 and b.kind in ("p", "loose"):
            if not any(f in inside_region for f in b.furniture):
                lead.append(b.el)
    return lead


def select_blocks(blocks: list[Block], weights: list[float], container: HtmlElement,
                  title: str | None) -> list[Block]:
    members = set(container.iter())
    for sibling in prose_siblings(blocks, weights, container):
        members.update(sibling.iter())
    members.update(standfirst(blocks, weights, container))
    furniture = furniture_inside(blocks, weights, members, container)
    cards = teaser_cards(blocks, weights, members, container)
    if cards:
        card_members = {e for card in cards for e in card.iter()}
        card_prose = sum(max(w, 0) for b, w in zip(blocks, weights) if b.el in card_members)
        all_prose = sum(max(w, 0) for b, w in zip(blocks, weights) if b.el in members)
        if card_prose < 0.5 * all_prose:
            members -= card_members
    inside = [(b, w) for b, w in zip(blocks, weights)
              if b.el in members and not any(f in furniture for f in b.furniture)]
    prose = [i for i, (b, w) in enumerate(inside) if w > 0 and b.kind != "caption"]
    if not prose:
        return []
    first, last = prose[0], prose[-1]
    last = _extend_tail(inside, last)
    first = _extend_head(inside, first)
    title_key = _norm(title) if title else None
    kept: list[Block] = []
    for i in range(first, last + 1):
        b = inside[i][0]
        if b.kind == "heading" and i + 1 < len(inside) and inside[i + 1][0].link_density > 0.5:
            continue  # 'Read also' over a list of links
        if b.link_density > 0.5 and len(b.text) < 400:
            continue
        if len(b.text) < 120 and _BOILERPLATE.match(b.text):
            continue
        if b.kind == "heading" and title_key and _norm(b.text) == title_key:
            continue
        if b.kind == "caption":
            continue
        kept.append(b)
    # Trailing furniture: a call to action, or a heading with nothing of its own below it.
    while kept and (
        (len(kept[-1].text) < 200 and _CALL_TO_ACTION.search(kept[-1].text))
        or (kept[-1].kind == "heading" and len(kept) > 1)
    ):
        kept.pop()
    return kept


# Below this many characters an extraction is suspect and the relaxed weighting is tried.
SHORT_ARTICLE = 300


def relaxed_weight(block: Block) -> float:
    """Like block_weight, but any line of words without links is content."""
    if block.kind == "caption":
        return 0.0
    n = len(block.text)
    ld = block.link_density
    if ld > 0.3:
        return -n * ld
    if n < 500 and (_COOKIE_NOTICE.search(block.text) or _BOILERPLATE.match(block.text)):
        return -float(n)
    return n * (1 - ld) if n >= 12 else -2.0


def _best_selection(
    blocks: list[Block], weights: list[float], title: str | None
) -> tuple[float, HtmlElement | None, list[Block]]:
    """The container and its kept blocks.  The best-weighted subtree can still lose most of
    its prose to furniture and teaser filtering (a page whose story sits in a box named
    like furniture); then the runners-up are judged by the prose they keep."""
    best: tuple[float, HtmlElement | None, list[Block]] = (0.0, None, [])
    weight_of = {id(b): w for b, w in zip(blocks, weights)}
    for rank, (score, candidate) in enumerate(rank_containers(blocks, weights)):
        kept = select_blocks(blocks, weights, candidate, title)
        kept_score = sum(max(weight_of[id(b)], 0.0) for b in kept)
        if has_content_hint(candidate):
            kept_score *= HINT_BONUS
        if kept_score > best[0] * 1.02:
            best = (kept_score, candidate, kept)
        if rank == 0 and kept_score >= 0.15 * score:
            break
    return best


def extract_main(
    tree: HtmlElement, html: str, *, title: str | None = None, deadline: Deadline | None = None
) -> MainContent:
    """Find the article in ``tree`` (parsed from ``html``).  Strips scripts from the tree."""
    # Script and style text would leak into text_content() of inline elements.
    lxml.etree.strip_elements(tree, "script", "style", "noscript", "template", with_tail=False)
    blocks = BlockBuilder(tree, deadline).build()
    out = MainContent()
    if not blocks:
        out.warnings.append("no text found on the page")
        return out
    weights = [block_weight(b) for b in blocks]
    best = _best_selection(blocks, weights, title)
    if sum(len(b.text) for b in best[2]) < SHORT_ARTICLE:
        # Pages of short lines (dialogue, recipes, lists, live tickers) have little that
        # reads as prose: judge them again with every plain line counted as content.
        relaxed = [relaxed_weight(b) for b in blocks]
        second = _best_selection(blocks, relaxed, title)
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

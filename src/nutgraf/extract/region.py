"""Where the article is on the page, and which of its blocks are kept.

The container is the element whose subtree's blocks weigh the most (see ``prose``), with a
bonus for elements whose class names the article body.  Around it, prose siblings (a story
split by an ad slot) and the lead paragraph in the article's header are added.  Inside it,
furniture-named boxes that hold a minor share of the prose, grids of teaser cards, and the
edges before the first and after the last prose block are dropped.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from nutgraf.extract.blocks import FURNITURE_TAGS, Block, furniture_words
from nutgraf.extract.textlines import line_furniture
from nutgraf.extract.prose import BOILERPLATE, CALL_TO_ACTION

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
        if b.link_density > 0.3 or b.kind in ("caption", "heading") or BOILERPLATE.match(b.text):
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
        if b.kind == "caption" and i > 0:
            i -= 1  # a picture between the subtitle and the first paragraph
            continue
        if b.link_density > 0.3 or b.kind == "caption" or BOILERPLATE.match(b.text):
            break
        if not _close_kin(b.el, anchor) or b.el.getparent() is not anchor.getparent():
            break
        i -= 1
    while i + 1 < first and inside[i + 1][0].kind == "caption":
        i += 1  # the run starts at a line of text, not at a picture
    return i + 1


def prose_siblings(blocks: list[Block], weights: list[float], container: HtmlElement) -> list[HtmlElement]:
    """Siblings of the container that carry a real share of prose and no links: a story
    split by an ad slot or a video into two boxes under one parent."""
    parent = container.getparent()
    if parent is None or container.tag in ("body", "html"):
        return []
    # which child of the parent each element sits under: one walk of the parent's subtree
    # (climbing from every block instead cost blocks × depth steps per candidate)
    child_of: dict[HtmlElement, HtmlElement] = {}
    for child in parent:
        for el in child.iter():
            child_of[el] = child
    own = 0.0
    totals: dict[HtmlElement, float] = {}
    for b, w in zip(blocks, weights):
        el = child_of.get(b.el)
        if el is None:
            continue
        if el is container:
            own += max(w, 0.0)
        else:
            totals[el] = totals.get(el, 0.0) + w
    return [el for el, w in totals.items()
            if w > max(0.25 * own, 150.0) and not (el.tag in FURNITURE_TAGS or furniture_words(el)[0])]


def _is_deck(b: Block) -> bool:
    """A long heading under the headline: the standfirst set as a heading."""
    return b.kind == "heading" and len(b.text) >= 60 and len(b.text.split()) >= 8 and b.link_density < 0.1


def standfirst(blocks: list[Block], weights: list[float], container: HtmlElement) -> list[HtmlElement]:
    """The lead above the article body: a lead paragraph that sites put in the article's
    header apart from the body element (inside the same <article>), and a deck heading,
    outside the body or at its top before the first paragraph."""
    region = container.getparent()
    for _ in range(3):
        if region is None or region.tag == "article":
            break
        region = region.getparent()
    inside_region = set(region.iter()) if region is not None and region.tag == "article" else set()
    body = set(container.iter())
    lead: list[HtmlElement] = []
    for b, w in zip(blocks, weights):
        if b.el in body:
            if w > 0 and b.kind != "heading":
                break  # only what stands before the first paragraph
            if _is_deck(b) and not b.furniture:
                lead.append(b.el)
            continue
        if b.el in inside_region and b.link_density < 0.3 and (
            (w > 0 and b.kind in ("p", "loose")) or _is_deck(b)
        ):
            if not any(f in inside_region for f in b.furniture):
                lead.append(b.el)
    return lead


def select_blocks(blocks: list[Block], weights: list[float], container: HtmlElement,
                  title: str | None) -> list[Block]:
    members = set(container.iter())
    for sibling in prose_siblings(blocks, weights, container):
        members.update(sibling.iter())
    lead = set(standfirst(blocks, weights, container))
    members.update(lead)
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
    # a deck that does not read as prose stands above the run; its byline and date lines stay out
    candidates = [i for i in range(first) if inside[i][0].el in lead] + list(range(first, last + 1))
    for i in candidates:
        b = inside[i][0]
        if b.kind == "heading" and i + 1 < len(inside) and inside[i + 1][0].link_density > 0.5:
            continue  # 'Read also' over a list of links
        if b.link_density > 0.5 and len(b.text) < 400:
            continue
        if len(b.text) < 120 and (BOILERPLATE.match(b.text) or _furniture_line(b, i > prose[-1])):
            continue
        if b.kind == "heading" and title_key and _norm(b.text) == title_key:
            continue
        if b.kind == "caption":
            continue
        kept.append(b)
    # Trailing furniture: a call to action, or a heading with nothing of its own below it.
    while kept and (
        (len(kept[-1].text) < 200 and CALL_TO_ACTION.search(kept[-1].text))
        or (kept[-1].kind == "heading" and len(kept) > 1)
    ):
        kept.pop()
    return kept


# Kinds of furniture line (extract.textlines) that are never article text wherever they
# stand; headers of related-links or comment sections, dates and bylines are judged only
# after the last paragraph, since 'More trouble ahead' may head a section of the story.
_ANYWHERE = frozenset(("link", "social", "call", "credit"))


def _furniture_line(block: Block, in_tail: bool) -> bool:
    kind = line_furniture(block.text)
    return kind in _ANYWHERE or (in_tail and bool(kind))


def best_selection(
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

"""Plain-text scrapes into articles: the page furniture removed, provenance kept.

News often arrives as text already flattened from HTML, with the page still in it: menus,
share widgets, 'Read more:' links, 'Don't miss:' lists, comment forms, related-article
teasers, cookie notices, bylines and datelines.  Two entry points:

``extract_plain_text(text, *, url=None, deadline=None) -> Article``
    One document, judged only on signals inside it.

``clean_site(texts, *, urls=None, deadline=None) -> list[Article]``
    Many documents of one site, cleaned together: a line that recurs in several of them
    (at least 2 when the batch has fewer than 6 documents, else at least 3) is the site's
    furniture wherever it appears.  Each document is otherwise cleaned as above, and
    the result for a document never depends on the order of the batch.

How one document is cleaned:

1. Units.  Each non-blank line is a candidate paragraph (a blank-line block when the text
   is hard-wrapped; see ``textlines``).  Each keeps its line range (``lines:A-B``) and
   character range in the input.
2. Shape.  Every unit gets a value: prose (enough words, ending like a sentence) counts
   for the article in proportion to its length; short lines, lines in long runs of
   short lines (menus), truncated '…' teasers, '[TAG]'-labelled links, lines repeated
   within the page or across the site, and furniture phrases (share, read more,
   comments, cookies, copyright) count against it; section headers that open related
   links or comments ("Related articles", "Leave a reply") count heavily against it.
3. Region.  The article is the contiguous run of units with the highest total value
   (the maximum-sum segment): a list, a table or a subhead between two body paragraphs
   is kept, while prose beyond a wall of menus, teasers or comment prompts is not.
   Whole-page scrapes start with the <title> text and repeat the bare headline just
   above the article; when they do, the run is anchored just after that repeat.  A
   comment-thread header ("34 responses", "Kommentare") ends the article outright; a
   related-links header ends it when the prose after it drifts from the article's
   topic (shares few words with it, and less of the headline).  A list the last
   paragraph announces ("Tour dates:") or a numbered list right after it is kept.
4. Inside the region, furniture phrases, teasers, tagged links, short lines repeated within
   the page or across the site, and bylines/datelines are dropped; a tail of short
   lines sharing few words with the headline and the body (topic drift) is cut, and so
   is a last paragraph or two behind a section header or a run of furniture that is
   small beside the body and off its topic (an author's bio, a newsletter pitch).
5. Metadata.  The headline becomes ``title``; byline and date lines near the start
   become ``authors`` and ``published``, each with its evidence.

Nothing here is English-only in effect: the phrase lists (``phrases``) are multilingual and
act only on short lines, except a few notices that come as whole sentences (consent,
licences, newsletter sign-ups), so a body in any language is judged by its shape.
"""

from __future__ import annotations

import re
from collections import Counter

from nutgraf.extract.limits import Deadline, check_text
from nutgraf.extract.textlines import Unit, byline, date_line, measure, parse_date, split_units
from nutgraf.model import Article, Evidence, Paragraph

__all__ = ["extract_plain_text", "clean_site"]

# Values of the shape signals (step 2).  Prose counts its words, capped so that one
# giant line cannot drag the region across a wall of furniture.
_PROSE_CAP = 60
_SECTION = -40.0  # "Related articles", "Comments": a section that is not the article
_COMMENTS = -1e6  # a comment thread: the article has ended
_PROSE_BEFORE_COMMENTS = 60
# Prose after a section header sharing fewer of its words than this with the article
# above is another story's teaser (see _cut_at_drift).
_DRIFT = 0.2
_FURNITURE = -12.0
_TEASER = -8.0
_REPEATED = -1.0
_SITE = -10.0
_SHORT = -1.0
_MENU = -2.0  # a short line inside a block of many short lines
# The article starts within this many units of a repeated headline, and a run anchored
# there wins unless it is under this share of the best run anywhere.
_AFTER_HEADLINE = 25
_ANCHOR_SHARE = 0.1


def _is_prose(u: Unit) -> bool:
    return (u.words >= 8 and u.terminal) or u.words >= 25


def _value(u: Unit, repeated: bool, site: bool) -> float:
    if u.furniture == "comments":
        return _COMMENTS
    if u.barrier:
        return _SECTION
    if u.furniture:
        return _FURNITURE
    if site:
        return _SITE
    if u.ellipsis or u.tagged:
        return _TEASER
    if repeated:
        return _REPEATED
    if u.words >= 8 and u.terminal:
        return float(min(u.words, _PROSE_CAP))
    if u.words >= 25:
        return min(u.words, _PROSE_CAP) / 2
    if u.terminal and u.words >= 4:
        return 1.0
    return _MENU if u.block_size >= 4 else _SHORT


def _best_segment(values: list[float]) -> tuple[int, int]:
    """Maximum-sum contiguous run (Kadane), as (first, last) inclusive; (0, -1) if no
    run is positive."""
    best, best_span = 0.0, (0, -1)
    total, start = 0.0, 0
    for i, v in enumerate(values):
        if total <= 0:
            total, start = v, i
        else:
            total += v
        if total > best:
            best, best_span = total, (start, i)
    return best_span


_WORD = re.compile(r"\w{4,}")


def _content_words(s: str) -> set[str]:
    # Words of four letters or more stand in for content words in any language, with
    # no stop list to maintain.
    return {w.lower() for w in _WORD.findall(s)}


def _anchored_segment(values: list[float], lo: int, hi: int) -> tuple[float, int, int]:
    """Best-sum run whose first unit lies in [lo, hi]: (sum, first, last)."""
    n = len(values)
    prefix = [0.0] * (n + 1)
    for i, v in enumerate(values):
        prefix[i + 1] = prefix[i] + v
    best_end = [0] * n  # for each start, the end with the highest prefix at or after it
    top, top_at = float("-inf"), n - 1
    for e in range(n - 1, -1, -1):
        if prefix[e + 1] > top:
            top, top_at = prefix[e + 1], e
        best_end[e] = top_at
    best = (float("-inf"), 0, -1)
    for st in range(max(0, lo), min(hi, n - 1) + 1):
        e = best_end[st]
        score = prefix[e + 1] - prefix[st]
        if score > best[0]:
            best = (score, st, e)
    return best


def _headline_repeats(units: list[Unit]) -> list[int]:
    """Units that repeat the first line's headline: scrapes of whole pages start with
    the <title> text ("Headline | Site") and give the bare headline (the h1) again just
    above the article."""
    head = units[0].key if units else ""
    found = []
    for k in range(1, len(units)):
        u = units[k]
        if 2 <= u.words <= 40 and not u.furniture and u.key and head:
            if u.key in head and len(u.key) >= 0.5 * len(head):
                found.append(k)
    return found


def _region(units: list[Unit], values: list[float]) -> tuple[int, int, int | None]:
    """(first, last, headline index): the article's units and the headline above them.

    The maximum-sum run is the article when nothing else is known.  When the headline
    recurs below the first line, the article starts just after one of its repeats (a
    byline, date, share bar and picture caption may sit between them): the best run
    starting there is preferred to a denser run elsewhere (a mega-menu of teasers above,
    a long comment thread below), unless it is much weaker.
    """
    first, last = _best_segment(values)
    best_sum = sum(values[first : last + 1]) if last >= first else 0.0
    top: tuple[float, int, int, int] | None = None
    for h in _headline_repeats(units)[:6]:
        score, st, e = _anchored_segment(values, h + 1, h + _AFTER_HEADLINE)
        if e >= st and score > 0 and (top is None or score > top[0]):
            top = (score, st, e, h)
    if top is not None and top[0] >= _ANCHOR_SHARE * best_sum:
        return top[1], top[2], top[3]
    if last < first:
        return 0, -1, _title_from_first_line(units, len(units))
    return first, last, _title_from_first_line(units, first)


def _cut_at_drift(units: list[Unit], first: int, last: int, title: str) -> int:
    """End the article at a section header ("Top stories", "More from ...") when the
    prose after it is about something else.  The region search may cross such a header
    when enough prose follows -- rightly for a related-links box set inside an article,
    wrongly for a page of teaser summaries after it.  The difference is the topic: the
    article's own paragraphs share its words, the teasers do not."""
    headline = _content_words(title)
    vocab = set(headline)
    before: set[str] = set()  # words of the prose above, without the headline's own
    body_words = 0
    k = first
    while k <= last:
        u = units[k]
        if u.barrier and body_words >= _PROSE_BEFORE_COMMENTS:
            nxt = k + 1
            while nxt <= last and not units[nxt].barrier:
                nxt += 1
            shared = total = 0
            after: set[str] = set()
            for v in units[k + 1 : nxt]:
                if _is_prose(v) and not v.furniture:
                    words = _content_words(v.text)
                    shared += len(words & vocab)
                    total += len(words)
                    after |= words
            # ...and the part above must be the article: it shares at least as much
            # of the headline as the part below (else the region began in a teaser
            # block and the article is what follows the header)
            if total and shared / total < _DRIFT and len(headline & before) >= len(headline & after):
                return k - 1
        elif _is_prose(u) and not u.furniture:
            before |= _content_words(u.text)
            vocab |= before
            body_words += u.words
        k += 1
    return last


def _announced_list(units: list[Unit], last: int) -> int:
    """Extend the article over a list its last line announces ("Tour dates:", "You
    will need:") -- short lines the region search counts against the article because
    nothing follows them.  The list is the run of units in the block after the colon
    line, stopped by any furniture."""
    k = last
    if k + 1 < len(units) and units[k + 1].text.endswith(":") and not units[k + 1].furniture:
        k += 1
    if not units[k].text.endswith(":") or units[k].furniture or k + 1 >= len(units):
        return last
    block = units[k + 1].block
    j = k
    while j + 1 < len(units):
        u = units[j + 1]
        if u.block != block or u.furniture or u.ellipsis or u.tagged or u.words > 40:
            break
        j += 1
    return j if j > k else last


_NUMBER = re.compile(r"^(\d{1,3})[.)]\s")


def _numbered_list(units: list[Unit], last: int) -> int:
    """Extend the article over a numbered list that starts right after it ("1) ...",
    "2) ...", with a line or two of detail between items): menus are not numbered, so
    a run counting up from 1 continues the article."""
    n = len(units)
    k = last + 1
    while k < n and k <= last + 2 and not _NUMBER.match(units[k].text):
        k += 1
    if k >= n or not (m := _NUMBER.match(units[k].text)) or m.group(1) != "1":
        return last
    expect, end, j = 2, k, k + 1
    while j < n and j <= end + 4:
        u = units[j]
        if u.furniture or u.barrier or u.ellipsis or u.tagged:
            break
        m = _NUMBER.match(u.text)
        if m and int(m.group(1)) == expect:
            expect, end = expect + 1, j
        j += 1
    if expect <= 3:  # fewer than three items: no list worth trusting
        return last
    # the detail lines of the last item belong to it as long as they are not furniture
    while end + 1 < n and end + 1 < j and not units[end + 1].furniture and units[end + 1].words <= 25:
        end += 1
    return end


def _title_from_first_line(units: list[Unit], first_body: int) -> int | None:
    """The first line is the headline unless it already reads as body or furniture."""
    head = units[0]
    if first_body == 0 and _is_prose(head) and head.terminal:
        return None
    if head.words > 40 or head.furniture in ("section", "call", "social", "comment"):
        return None
    return 0


def _drift_tail(units: list[Unit], keep: list[int], title: str | None) -> list[int]:
    """Cut a tail of short lines that share almost no words with the headline and the
    body above them: teaser headlines after the article."""
    if len(keep) < 4:
        return keep
    vocab = _content_words(title or "")
    for k in keep:
        if _is_prose(units[k]):
            vocab |= _content_words(units[k].text)
    cut = len(keep)
    for j in range(len(keep) - 1, 0, -1):
        u = units[keep[j]]
        if _is_prose(u):
            break
        words = _content_words(u.text)
        # compare with the body minus this line's own contribution
        if words and len(words & vocab) / len(words) >= 0.5:
            break
        cut = j
    if len(keep) - cut >= 2:
        return keep[:cut]
    return keep


# Furniture that marks the end of an article when it stands between the body and a last
# bit of prose: section headers, share and subscribe calls, credits, teasers.  (A 'Read
# more:' link does not: pages set those between paragraphs.)
_END_MARKS = frozenset({"section", "comments", "call", "social", "credit"})
_TAIL_SHARE = 0.2  # a tail of at most this share of the body's words ...
_TAIL_PROSE = 2  # ... and at most this many paragraphs ...
_TAIL_TOPIC = 0.5  # ... sharing less than this of its words with the article is furniture


def _cut_tail(units: list[Unit], keep: list[int], title: str | None) -> list[int]:
    """Drop a little prose kept beyond the article's end: an author's bio, a site's
    self-description, a newsletter pitch.  The region search keeps such a paragraph when
    it outweighs the furniture between it and the body; what gives it away is that it
    is short next to the body, sits behind a section header or a run of three or more
    short lines with furniture among them (a share bar, a credit, teasers), and shares
    few words with the article."""
    prose = [k for k in keep if _is_prose(units[k])]
    if len(prose) < 3:
        return keep
    for j in range(len(prose) - 1, 0, -1):
        a, b = prose[j - 1], prose[j]
        between = units[a + 1 : b]
        marked = any(u.furniture in _END_MARKS or u.ellipsis or u.tagged for u in between)
        if not (any(u.barrier for u in between) or (marked and len(between) >= 3)):
            continue
        tail, body = prose[j:], prose[:j]
        tail_words = sum(units[k].words for k in tail)
        body_words = sum(units[k].words for k in body)
        if len(tail) > _TAIL_PROSE or tail_words > _TAIL_SHARE * body_words:
            return keep
        vocab = _content_words(title or "")
        for k in body:
            vocab |= _content_words(units[k].text)
        words: set[str] = set()
        for k in tail:
            words |= _content_words(units[k].text)
        if words and len(words & vocab) / len(words) < _TAIL_TOPIC:
            return [k for k in keep if k <= a]
        return keep
    return keep


def _units(text: str, deadline: Deadline | None) -> list[Unit]:
    check_text(text)  # bounded by size, before any work
    units = split_units(text)
    if deadline:
        deadline.check()
    measure(units, deadline.check if deadline else None)
    return units


def _clean(units: list[Unit], *, url: str | None, site: frozenset[str] = frozenset()) -> Article:
    article = Article(url=url, source_kind="text")
    if not units:
        article.warnings.append("no text: the input is empty or blank")
        return article
    counts = Counter(u.key for u in units)
    repeated = [bool(u.key) and counts[u.key] > 1 and u.words <= 12 for u in units]
    in_site = [bool(u.key) and u.key in site for u in units]
    # A batch of versions of one story would otherwise strip each other's bodies: when
    # the site signal would take most of a document's prose, trust it for short lines only.
    prose_words = sum(u.words for u in units if _is_prose(u))
    site_prose = sum(u.words for u, s in zip(units, in_site) if s and _is_prose(u))
    if prose_words and site_prose > 0.5 * prose_words:
        in_site = [s and not _is_prose(u) for u, s in zip(units, in_site)]
    values = [_value(u, r, s) for u, r, s in zip(units, repeated, in_site)]
    # Everything after a comment-thread header is readers' text, not the article, once
    # some article has been seen above it ("8 comments" in a menu at the top is not a
    # thread).
    seen = 0
    share_blocks = {u.block for u in units if u.furniture in ("social", "call")}
    for k, u in enumerate(units):
        # ("Comments" among Facebook/Twitter/Print links is a share bar, not a thread)
        if u.furniture == "comments" and seen >= _PROSE_BEFORE_COMMENTS and u.block not in share_blocks:
            values[k:] = [_COMMENTS] * (len(units) - k)
            break
        if _is_prose(u) and not u.furniture:
            seen += u.words
    first, last, title_k = _region(units, values)
    if last >= first:
        last = _cut_at_drift(units, first, last, units[title_k].text if title_k is not None else "")
    # lists the article announces or numbers: kept whatever their words (see below)
    listed = last
    if last >= first:
        listed = _numbered_list(units, _announced_list(units, last))
    if title_k is not None:
        article.title = units[title_k].text
        article.evidence["title"] = Evidence("text:headline" if title_k else "text:first-line", units[title_k].text)
    _read_metadata(article, units, first if last >= first else len(units))

    def kept(lo: int, hi: int) -> list[int]:
        return [k for k in range(lo, hi + 1)
                if not (k == title_k or units[k].furniture or units[k].ellipsis or units[k].tagged or in_site[k]
                        or (repeated[k] and units[k].words <= 6))]

    # the topic-drift cut applies to the region's own tail, not to a list the last
    # paragraph announced (list items need not repeat the article's words)
    keep = _drift_tail(units, _cut_tail(units, kept(first, last), article.title), article.title) + kept(last + 1, listed)

    if not keep:
        # A real article never comes back empty: if some line still reads as prose
        # (it was outvoted by the furniture around it), keep the prose lines.
        keep = [k for k, u in enumerate(units) if _is_prose(u) and not u.furniture and k != title_k]
        if keep:
            article.warnings.append("no clear article region; kept the lines that read as prose")
    if not keep:
        kinds = Counter(u.furniture or ("teaser" if u.ellipsis or u.tagged else "short line") for u in units)
        summary = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common(4))
        article.warnings.append(f"no article body found: every line looks like page furniture ({summary})")
        return article

    parts: list[str] = []
    offset = 0
    for j, k in enumerate(keep):
        u = units[k]
        kind = "p"
        if not _is_prose(u) and not u.terminal and u.words <= 15:
            nxt = keep[j + 1] if j + 1 < len(keep) else None
            if nxt is not None and _is_prose(units[nxt]):
                kind = "heading"
        if re.match(r"^(?:[-•*·▪◦]|\d{1,2}[.)])\s", u.text):
            kind = "li"
        article.paragraphs.append(
            Paragraph(offset, offset + len(u.text), kind, f"lines:{u.first + 1}-{u.last + 1}", u.start, u.end)
        )
        parts.append(u.text)
        offset += len(u.text) + 2
    article.text = "\n\n".join(parts)
    return article


def _read_metadata(article: Article, units: list[Unit], body_start: int) -> None:
    """Bylines and datelines from the head of the document (before the body, or among
    its first few lines)."""
    for u in units[: body_start + 3]:
        if u.furniture == "byline" and not article.authors:
            names = byline(u.text)
            if names:
                article.authors = names
                article.evidence["authors"] = Evidence("text:byline", u.text)
        if u.furniture in ("date", "byline"):
            found = date_line(u.text)
            if found is None and u.furniture == "byline":
                parsed = parse_date(u.text)
                found = ("published", parsed[0]) if parsed else None
            if found:
                kind, iso = found
                if kind == "published" and article.published is None:
                    article.published = iso
                    article.evidence["published"] = Evidence("text:byline", u.text)
                elif kind == "updated" and "updated" not in article.evidence:
                    article.evidence["updated"] = Evidence("text:byline", u.text)


def extract_plain_text(text: str, *, url: str | None = None, deadline: Deadline | None = None) -> Article:
    """One plain-text scrape into an ``Article``: headline as title, body paragraphs
    verbatim, furniture removed, byline and dates as metadata (see the module doc)."""
    return _clean(_units(text, deadline), url=url)


def clean_site(
    texts: list[str], *, urls: list[str | None] | None = None, deadline: Deadline | None = None
) -> list[Article]:
    """Clean many plain-text documents of one site together; lines that recur in
    several of the site's documents are furniture (at least 2 documents when the batch
    has fewer than 6, else at least 3).  Returns one ``Article`` per text, in order."""
    n = len(texts)
    if urls is not None and len(urls) != n:
        raise ValueError(f"clean_site got {n} texts but {len(urls)} urls")
    min_docs = 2 if n < 6 else 3
    docs = [_units(t, deadline) for t in texts]
    seen: Counter[str] = Counter()
    for units in docs:
        seen.update({u.key for u in units if u.key})
    site = frozenset(k for k, c in seen.items() if c >= min_docs)
    urls = urls if urls is not None else [None] * n
    return [_clean(units, url=u, site=site) for units, u in zip(docs, urls)]

"""Server-side highlighting: spans over a text into safe HTML.

Every piece of text is escaped (``markupsafe.escape``) and every attribute value is escaped
and double-quoted; the tags themselves come from a fixed list here.  The result is a
``Markup`` object, so templates print it as is without ``|safe``.

Overlapping spans are handled by splitting: the text is cut at every span boundary, and
between two cuts the open elements form a stack ordered by (level, start, -end).  When the
stack changes, elements above the first difference are closed and the new ones opened, so
the output always nests correctly; a span that crosses another is split in pieces (the
first piece carries its ``id``, the others ``data-part-of`` with that id).  Paragraphs are level 0, so a
highlight crossing a paragraph break is split at the break.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from nutgraf.web.corpus import HL_CLOSE, HL_OPEN

ALLOWED_TAGS = frozenset({"p", "mark", "span"})

# nesting order: paragraphs outermost, then quotes, figures, event triggers, the speaker/source/cue
# and event actor spans, mentions, place mentions (innermost: a place name is most often an entity
# mention as well)
LEVEL_PARAGRAPH = 0
LEVEL_QUOTE = 1
LEVEL_AMOUNT = 2
LEVEL_EVENT = 3
LEVEL_ROLE = 4
LEVEL_ENTITY = 5
LEVEL_PLACE = 6
# the event roles a sentence marks, and their classes (as in the article text)
EVENT_ROLE_CLASSES = {"trigger": ("ev",), "source": ("ev-src",), "target": ("ev-tgt",)}


@dataclass
class Span:
    start: int
    end: int
    level: int
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    classes: tuple[str, ...] = ()
    key: int = 0  # tie-break: order of creation

    def sort_key(self) -> tuple[int, int, int, int]:
        return (self.level, self.start, -self.end, self.key)


def _open_tag(span: Span, first: bool) -> str:
    if span.tag not in ALLOWED_TAGS:
        raise ValueError(f"tag {span.tag!r} not allowed")
    parts = [span.tag]
    classes = list(span.classes)
    if classes:
        parts.append(f'class="{escape(" ".join(classes))}"')
    for name, value in span.attrs.items():
        if name == "id" and not first:
            parts.append(f'data-part-of="{escape(value)}"')
            continue
        parts.append(f'{name}="{escape(value)}"')
    return "<" + " ".join(parts) + ">"


def render_spans(text: str, spans: list[Span]) -> Markup:
    """``text`` with ``spans`` as nested elements; whitespace outside every paragraph span is
    dropped when paragraph spans are given (the gaps between paragraphs)."""
    n = len(text)
    good: list[Span] = []
    for i, s in enumerate(spans):
        start, end = max(0, int(s.start)), min(n, int(s.end))
        if end <= start:
            continue
        s.start, s.end, s.key = start, end, i
        good.append(s)
    has_paragraphs = any(s.level == LEVEL_PARAGRAPH for s in good)
    cuts = sorted({0, n, *(s.start for s in good), *(s.end for s in good)})
    starts: dict[int, list[Span]] = {}
    for s in good:
        starts.setdefault(s.start, []).append(s)
    active: list[Span] = []
    opened: set[int] = set()
    stack: list[Span] = []
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        active = [s for s in active if s.end > a] + starts.get(a, [])
        piece = text[a:b]
        if has_paragraphs and not any(s.level == LEVEL_PARAGRAPH for s in active) and not piece.strip():
            target: list[Span] = []
            piece = ""
        else:
            target = sorted(active, key=Span.sort_key)
        common = 0
        while common < len(stack) and common < len(target) and stack[common] is target[common]:
            common += 1
        for s in reversed(stack[common:]):
            out.append(f"</{s.tag}>")
        for s in target[common:]:
            first = s.key not in opened
            opened.add(s.key)
            out.append(_open_tag(s, first))
        stack = target
        out.append(str(escape(piece)))
    for s in reversed(stack):
        out.append(f"</{s.tag}>")
    return Markup("".join(out))


def _paragraph_spans(text: str, paragraphs: list[dict]) -> list[Span]:
    """Paragraph spans from the article's paragraph map, clipped and made disjoint; any text
    they leave out that is not blank becomes a paragraph of its own."""
    n = len(text)
    spans: list[Span] = []
    pos = 0
    index = 0

    def gap(a: int, b: int) -> None:
        nonlocal index
        if text[a:b].strip():
            spans.append(Span(a, b, LEVEL_PARAGRAPH, "p", {"id": f"p-{index}"}, ("para",)))
            index += 1

    items = []
    for p in paragraphs or []:
        try:
            items.append((int(p["start"]), int(p["end"]), p))
        except (KeyError, TypeError, ValueError):
            continue
    for start, end, p in sorted(items, key=lambda t: (t[0], t[1])):
        start, end = max(start, pos), min(end, n)
        if end <= start:
            continue
        gap(pos, start)
        where = str(p.get("path") or "")
        if p.get("source_start") is not None:
            where += f" (characters {p.get('source_start')}–{p.get('source_end')} of the capture)"
        kind = str(p.get("kind") or "p")
        spans.append(Span(start, end, LEVEL_PARAGRAPH, "p",
                          {"id": f"p-{index}", "title": f"from {where}" if where else "", "data-path": where},
                          ("para", f"para-{kind}")))
        index += 1
        pos = end
    gap(pos, n)
    if not spans and text.strip():
        spans.append(Span(0, n, LEVEL_PARAGRAPH, "p", {"id": "p-0"}, ("para",)))
    return spans


def _describe_amount(m: dict) -> str:
    bits = []
    if m.get("value") is not None:
        v = m["value"]
        bits.append(f"{v:,.0f}" if float(v).is_integer() else f"{v:,}")
    elif m.get("vague"):
        bits.append("vague")
    if m.get("unit"):
        bits.append(str(m["unit"]))
    if m.get("per"):
        bits.append(f"per {m['per']}")
    if m.get("object"):
        bits.append(f"({m['object']})")
    if m.get("approximate"):
        bits.append("approx.")
    return " ".join(bits)


def article_html(article: dict) -> Markup:
    """The article text as paragraphs with its quotes, figures, events and mentions marked.

    Quotes: ``<mark class="q" id="q-ID" data-kind="quote" data-speaker=...>``; their speaker and
    cue spans are ``<span class="spk">`` / ``<span class="cue">``.  Figures: ``<mark class="amt"
    id="m-ID" data-kind="amount" data-source=...>`` with the source span ``<span class="src">``.
    Event triggers: ``<mark class="ev ev-CATEGORY" id="ev-ID" data-kind="event" data-category=...>``
    with their actors ``<span class="ev-src">`` (who acted) / ``<span class="ev-tgt">`` (acted on).
    Mentions: ``<span class="ent" data-kind="entity" data-entity=... data-label=...>``.  Place
    mentions: ``<span class="plc" data-kind="place" data-place=KEY data-place-name=... data-where=...>``.
    """
    text = article["text"] or ""
    spans = _paragraph_spans(text, article.get("paragraphs") or [])
    for q in article.get("quotes", []):
        speaker = q.get("speaker") or ""
        title = f"{speaker} — {q.get('kind') or 'quote'}" if speaker else f"unattributed {q.get('kind') or 'quote'}"
        if q.get("cue"):
            title += f" (“{q['cue']}”)"
        spans.append(Span(q["start"], q["end"], LEVEL_QUOTE, "mark",
                          {"id": f"q-{q['id']}", "data-kind": "quote", "data-speaker": speaker,
                           "data-speaker-label": q.get("speaker_label") or "", "data-quote-kind": q.get("kind") or "",
                           "data-cue": q.get("cue") or "", "title": title, "tabindex": "0"},
                          ("q", f"q-{q.get('kind') or 'quote'}", "q-attributed" if speaker else "q-unattributed")))
        if q.get("speaker_span"):
            s, e = q["speaker_span"]
            spans.append(Span(s, e, LEVEL_ROLE, "span",
                              {"data-kind": "speaker", "data-for": f"q-{q['id']}", "data-speaker": speaker,
                               "title": f"speaker: {speaker}"}, ("spk",)))
        if q.get("cue_span"):
            s, e = q["cue_span"]
            spans.append(Span(s, e, LEVEL_ROLE, "span", {"data-for": f"q-{q['id']}"}, ("cue",)))
    for m in article.get("amounts", []):
        source = m.get("source") or ""
        desc = _describe_amount(m)
        title = (f"source: {source}" if source else "no source given") + (f" · {desc}" if desc else "")
        spans.append(Span(m["start"], m["end"], LEVEL_AMOUNT, "mark",
                          {"id": f"m-{m['id']}", "data-kind": "amount", "data-source": source,
                           "data-desc": desc, "title": title, "tabindex": "0"},
                          ("amt", "amt-sourced" if source else "amt-unsourced")))
        if m.get("source_span"):
            s, e = m["source_span"]
            spans.append(Span(s, e, LEVEL_ROLE, "span",
                              {"data-kind": "source", "data-for": f"m-{m['id']}", "data-source": source,
                               "title": f"source of a figure: {source}"}, ("src",)))
    spans += _event_spans(article.get("events", []))
    for ent in article.get("entities", []):
        for s, e in ent.get("mentions", []):
            spans.append(Span(s, e, LEVEL_ENTITY, "span",
                              {"data-kind": "entity", "data-entity": ent["name"], "data-label": ent["label"],
                               "title": f"{ent['label']}: {ent['name']}"},
                              ("ent", f"ent-{ent['label']}")))
    for pl in article.get("places", []):
        key = str(pl.get("key") or "")
        where = place_where(pl)
        for m in pl.get("spans", []):
            read = pl.get("name") or ""
            if where:
                read += f", {where}"
            title = f"place: {read}"
            if m.get("kind") and m["kind"] != "name":
                title += f" ({m['kind']})"
            if m.get("evidence"):
                title += f" · {m['evidence']}"
            spans.append(Span(m["start"], m["end"], LEVEL_PLACE, "span",
                              {"id": f"pm-{m['id']}", "data-kind": "place", "data-place": key, "data-place-name": pl.get("name") or "",
                               "data-where": where, "data-place-kind": m.get("kind") or "",
                               "data-evidence": m.get("evidence") or "", "title": title},
                              ("plc", f"plc-{m.get('kind') or 'name'}")))
    return render_spans(text, spans)


def describe_event(ev: dict) -> str:
    """'MOBILIZE (troops): Vladimir Putin → Russian reserve forces, not' in words: the title of
    an event's trigger."""
    what = str(ev.get("category") or "event") + (f" ({ev['mode']})" if ev.get("mode") else "")
    who = " → ".join(str(x) for x in (ev.get("source_name") or "?", ev.get("target_name")) if x)
    bits = [f"{what}: {who}"]
    if ev.get("negated"):
        bits.append("negated")
    if ev.get("place_name"):
        bits.append(f"at {ev['place_name']}")
    if ev.get("date_value"):
        bits.append(str(ev["date_value"]))
    return " · ".join(bits)


def _event_spans(events: list[dict]) -> list[Span]:
    """The triggers as ``<mark class="ev ev-CATEGORY" id="ev-ID" data-kind="event" ...>`` and
    their actors as ``<span class="ev-src">``/``<span class="ev-tgt">`` (one span for an actor
    that several events share, pointing at the first)."""
    spans: list[Span] = []
    actors: dict[tuple[int, int, str], Span] = {}
    for ev in events:
        anchor = f"ev-{ev['id']}"
        category = str(ev.get("category") or "")
        classes = ("ev", f"ev-{category}") + (("ev-negated",) if ev.get("negated") else ())
        spans.append(Span(ev["start"], ev["end"], LEVEL_EVENT, "mark",
                          {"id": anchor, "data-kind": "event", "data-category": category,
                           "data-mode": ev.get("mode") or "", "data-cameo": ev.get("cameo") or "",
                           "data-negated": "yes" if ev.get("negated") else "",
                           "data-source": ev.get("source_entity") or ev.get("source_name") or "",
                           "data-target": ev.get("target_entity") or ev.get("target_name") or "",
                           "data-place": ev.get("place_key") or "", "data-place-name": ev.get("place_name") or "",
                           "data-date": ev.get("date_value") or "", "title": describe_event(ev), "tabindex": "0"},
                          classes))
        for side, cls in (("source", "ev-src"), ("target", "ev-tgt")):
            s, e = ev.get(f"{side}_start"), ev.get(f"{side}_end")
            if s is None or e is None:
                continue
            role = "acted" if side == "source" else "acted on"
            title = f"{role}: {category}"
            span = actors.get((s, e, side))
            if span is not None:
                span.attrs["title"] += f", {category}"
                continue
            span = Span(s, e, LEVEL_ROLE, "span",
                        {"data-kind": f"event-{side}", "data-for": anchor,
                         "data-entity": ev.get(f"{side}_entity") or "", "title": title}, (cls,))
            actors[(s, e, side)] = span
            spans.append(span)
    return spans


def event_sentence_html(ev: dict) -> Markup:
    """An event's sentence (``sentence``) with its trigger, source and target marked
    (``sentence_marks``: [start, end, role]), as in the article text."""
    text = str(ev.get("sentence") or "")
    spans = []
    for m in ev.get("sentence_marks") or []:
        try:
            s, e, role = int(m[0]), int(m[1]), str(m[2])
        except (TypeError, ValueError, IndexError):
            continue
        if role in EVENT_ROLE_CLASSES:
            spans.append(Span(s, e, LEVEL_EVENT if role == "trigger" else LEVEL_ROLE,
                              "mark" if role == "trigger" else "span", {}, EVENT_ROLE_CLASSES[role]))
    return render_spans(text, spans)


def place_where(pl: dict) -> str:
    """'Moskva, Russia': a place's first-order division and country, in words, leaving out
    what repeats its name."""
    from nutgraf.web.maps import country_name

    country = country_name(pl.get("country_code")) or pl.get("country_code") or ""
    name = pl.get("name")
    return ", ".join(x for x in (pl.get("admin1_name"), country) if x and x != name)


def excerpt_html(text: str | None, marks: list) -> Markup:
    """A sentence with the mentions ``marks`` ([start, end] in ``text``) as ``<mark>``."""
    text = text or ""
    out: list[str] = []
    pos = 0
    for s, e in sorted((int(s), int(e)) for s, e in marks or []):
        s, e = max(s, pos), min(e, len(text))
        if e <= s:
            continue
        out.append(str(escape(text[pos:s])))
        out.append(f'<mark class="plc-hit">{escape(text[s:e])}</mark>')
        pos = e
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def marked_html(text: str | None) -> Markup:
    """An FTS5 snippet/highlight (matches between HL_OPEN and HL_CLOSE) as escaped HTML with
    ``<mark>``; stray or unbalanced markers (the text itself may hold those characters) are
    dropped, and an open mark is always closed."""
    if not text:
        return Markup("")
    out: list[str] = []
    open_ = False
    buf: list[str] = []
    for ch in text:
        if ch == HL_OPEN or ch == HL_CLOSE:
            out.append(str(escape("".join(buf))))
            buf = []
            if ch == HL_OPEN and not open_:
                out.append("<mark>")
                open_ = True
            elif ch == HL_CLOSE and open_:
                out.append("</mark>")
                open_ = False
        else:
            buf.append(ch)
    out.append(str(escape("".join(buf))))
    if open_:
        out.append("</mark>")
    return Markup("".join(out))


def plain(text: str | None) -> str:
    """A snippet without its highlight markers (for JSON and CSV)."""
    if not text:
        return text or ""
    return text.replace(HL_OPEN, "").replace(HL_CLOSE, "")

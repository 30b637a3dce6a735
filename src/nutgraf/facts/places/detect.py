"""Which spans of an article name places, and which entity each belongs to.

Three sources, each general:

1. the entities pass's GPE, LOC and FAC mentions (spaCy's spans, already repaired there);
2. its NORP mentions that the gazetteer knows as a country's demonym ('Russian', 'Georgians'):
   read as that country, as GDELT does, and marked ``kind="demonym"``;
3. capitalised names the small model missed or mislabelled (it finds only two thirds to
   four fifths of news toponyms): a run of capitalised words that the gazetteer knows as a
   country or first-level division anywhere, or as a populated place after a place
   preposition ('in', 'near', 'outside' ...) or before a comma and a known container
   ('Alexandria, La.').  A run inside a PERSON or ORG mention is never a place: 'Georgia'
   in 'Georgia Smith' and 'Jordan' in 'Michael Jordan' stay people.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nutgraf.facts.places import names as N
from nutgraf.facts.places.gazetteer import ADMIN1, CITY, COUNTRY, Gazetteer
from nutgraf.facts.places.resolve import Mention, candidates_for
from nutgraf.model import Entity

if TYPE_CHECKING:
    from spacy.tokens import Doc

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Words before a name that make it a place ('in Alexandria', 'near Dvani').
PLACE_PREPOSITIONS = {"in", "near", "outside", "from", "to", "at", "across", "around", "toward", "towards",
                      "via", "into", "between", "throughout", "of"}
# Capitalised words that open sentences and headings, never place names on their own.
_CAPS_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+|de\s+|la\s+|du\s+)?[A-Z][\w'’.-]*)*")
MAX_MENTIONS = 2000  # per article: bounded work on a list of 10,000 place names


def _blocked(entities: list[Entity]) -> list[tuple[int, int]]:
    """Spans of people and organisations: no place is read inside them."""
    out = []
    for e in entities:
        if e.label in ("PERSON", "ORG", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"):
            out.extend(e.mentions)
    return sorted(out)


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def detect(text: str, entities: list[Entity], gaz: Gazetteer, doc: "Doc | None" = None) -> list[tuple[Mention, str | None]]:
    """Place mentions with the canonical entity each belongs to (None for names the entity
    pass did not find), ordered by position."""
    found: dict[tuple[int, int], tuple[Mention, str | None]] = {}
    for e in entities:
        if e.label in PLACE_LABELS:
            for start, end in e.mentions:
                found[(start, end)] = (Mention(text=text[start:end], start=start, end=end), e.name)
        elif e.label == "NORP":
            for start, end in e.mentions:
                cands = tuple(c for c in gaz.find(text[start:end])
                              if c.kind == "demonym" and c.entry.level == COUNTRY)
                if cands:
                    found[(start, end)] = (Mention(text=text[start:end], start=start, end=end, kind="demonym",
                                                   candidates=cands), e.name)
    blocked = _blocked(entities)
    taken = sorted(found)
    for m in _CAPS_RUN.finditer(text):
        if len(found) >= MAX_MENTIONS:
            break
        start, end = m.start(), m.end()
        while end > start and text[end - 1] in ".’'-":
            end -= 1
        if end - start < 3 or _inside(taken, start, end) or _inside(blocked, start, end):
            continue
        span_text = text[start:end]
        cands, _level = candidates_for(span_text, gaz)
        if not cands:
            continue
        named = [c for c in cands if c.kind in ("name", "alt")]
        if not named:
            continue
        before = text[max(0, start - 12):start].split()
        prev = before[-1].lower() if before else ""
        sentence_start = not before or before[-1][-1:] in ".!?:\"“" or text[max(0, start - 2):start].strip() == ""
        big = any(c.entry.level <= ADMIN1 and c.kind == "name" for c in named)
        after = text[end:end + 2]
        if big and not sentence_start:
            pass
        elif big and len(span_text.split()) > 1:
            pass
        elif prev in PLACE_PREPOSITIONS and any(c.entry.level == CITY for c in named):
            pass
        elif after.startswith(",") and _followed_by_container(text, end, gaz):
            pass
        else:
            continue
        if doc is not None and not _proper_noun(doc, start, end):
            continue
        found[(start, end)] = (Mention(text=span_text, start=start, end=end), None)
    return [found[k] for k in sorted(found)]


def _followed_by_container(text: str, end: int, gaz: Gazetteer) -> bool:
    m = re.match(r",\s*([A-Z][\w.'’ ]{1,30}?)(?=[,.;:)\s]|$)", text[end:end + 40])
    if not m:
        return False
    cands = gaz.find(m.group(1))
    return any(c.entry.level in (COUNTRY, ADMIN1) for c in cands)


def _proper_noun(doc: "Doc", start: int, end: int) -> bool:
    """The parse agrees the span is a name (a proper noun, not a capitalised common word)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    return all(t.pos_ in ("PROPN",) or t.is_punct or t.lower_ in ("of", "de", "la", "du") for t in span)


def key_of(m: Mention) -> str:
    return N.key(m.text)

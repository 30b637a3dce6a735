"""Which spans of an article name places, and which entity each belongs to.

Three sources, each general:

1. the entities pass's GPE, LOC and FAC mentions (spaCy's spans, already repaired there);
2. its NORP mentions that the gazetteer knows as a country's demonym ('Russian', 'Georgians'):
   read as that country, as GDELT does, and marked ``kind="demonym"``;
3. names the small model mislabelled ORG or PERSON (it finds only two thirds to four fifths
   of news toponyms): the whole mention is a country's or division's own name ('Georgia',
   'Ohio'), or a city's after a place preposition or before its container;
4. capitalised names it missed: a run of capitalised words that the gazetteer knows as a
   country or first-level division anywhere, or as a populated place after a place
   preposition ('in', 'near', 'outside' ...) or before a comma and a known container
   ('Alexandria, La.').  A run inside a longer PERSON or ORG name is never a place:
   'Georgia' in 'Georgia Smith' and 'Jordan' in 'Michael Jordan' stay people.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nutgraf.facts.places import names as N
from nutgraf.facts.places.gazetteer import ADMIN1, ADMIN2, CITY, COUNTRY, Gazetteer
from nutgraf.facts.places.resolve import Mention, candidates_for
from nutgraf.model import Entity

if TYPE_CHECKING:
    from spacy.tokens import Doc

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Words before a name that make it a place ('in Alexandria', 'near Dvani').
PLACE_PREPOSITIONS = {"in", "near", "outside", "from", "to", "at", "across", "around", "toward", "towards",
                      "via", "into", "between", "throughout"}
# Capitalised words that open sentences and headings, never place names on their own.
_CAPS_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+|de\s+|la\s+|du\s+)?[A-Z][\w'’.-]*)*")
MAX_MENTIONS = 2000
# Capitalised words that name a time, not a place, though some village bears the name.
NOT_PLACES = frozenset(N.key(w) for w in (
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Christmas Easter God Mr Mrs Ms"
).split())  # per article: bounded work on a list of 10,000 place names


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
        for start, end in e.mentions:
            if len(found) >= MAX_MENTIONS:
                break
            span_text = text[start:end]
            if e.label in PLACE_LABELS:
                found[(start, end)] = (Mention(text=span_text, start=start, end=end, label=e.label), e.name)
            elif e.label == "NORP":
                cands = tuple(c for c in gaz.find(span_text) if c.kind == "demonym" and c.entry.level == COUNTRY)
                if cands:
                    found[(start, end)] = (Mention(text=span_text, start=start, end=end, kind="demonym",
                                                   label=e.label, candidates=cands), e.name)
            elif e.label in ("ORG", "PERSON") and _mislabelled_place(text, start, end, e, gaz):
                found[(start, end)] = (Mention(text=span_text, start=start, end=end, label="GPE"), e.name)
            elif e.label == "ORG" and _city_name(span_text, e, gaz):
                found[(start, end)] = (Mention(text=span_text, start=start, end=end, label="tentative"), e.name)
            elif e.label in ("ORG", "FAC"):
                for inner in _places_inside(text, start, end, gaz):
                    found.setdefault(inner, (Mention(text=text[inner[0]:inner[1]], start=inner[0], end=inner[1],
                                                     label="inside"), None))
    line = dateline(text)
    if line is not None and not _inside(sorted(found), *line):
        span_text = text[line[0]:line[1]]
        if any(c.kind in ("name", "alt") for c in candidates_for(span_text, gaz)[0]):
            found[line] = (Mention(text=span_text, start=line[0], end=line[1], label="GPE"), None)
    blocked = _blocked([e for e in entities])
    taken = sorted(found)
    blocked = [span for span in blocked if span not in found]
    for m in _CAPS_RUN.finditer(text):
        if len(found) >= MAX_MENTIONS:
            break
        start, end = m.start(), m.end()
        while end > start and text[end - 1] in ".’'-":
            end -= 1
        if end - start < 3 or _inside(taken, start, end) or _inside(blocked, start, end):
            continue
        span_text = text[start:end]
        if N.key(span_text) in NOT_PLACES:
            continue
        cands, _level = candidates_for(span_text, gaz)
        named = [c for c in cands if c.kind in ("name", "alt")]
        if not named:
            continue
        before = text[max(0, start - 12):start].split()
        prev = before[-1].lower() if before else ""
        sentence_start = not before or before[-1][-1:] in ".!?:\"“"
        big = any(c.entry.level <= ADMIN1 and c.kind == "name" for c in named)
        if big and (not sentence_start or len(span_text.split()) > 1):
            pass
        elif prev in PLACE_PREPOSITIONS and any(c.entry.level == CITY for c in named):
            pass
        elif text[end:end + 1] == "," and _followed_by_container(text, end, gaz):
            pass
        else:
            continue
        if doc is not None and not _proper_noun(doc, start, end):
            continue
        found[(start, end)] = (Mention(text=span_text, start=start, end=end, label="scan"), None)
    return [found[k] for k in sorted(found)]


# A dateline: the capitalised place a wire story opens with, before a dash or the agency
# ('BEIRUT (AP) —', 'ROSWELL, Ga. -', 'HARTFORD —'), at the start of a paragraph or right after
# the headline's full stop.  The words are in capitals, so the model rarely tags them.
_DATELINE = re.compile(r"(?:^|\n|^[^\n]{0,300}?[.!?]\s+)([A-Z][A-Z'’.-]+(?:\s[A-Z][A-Z'’.-]+){0,3})"
                       r"(?=(?:,\s[A-Z][\w.]+(?:\s[A-Z][\w.]+)?)?\s*(?:\(|—|–|--?-?\s))")


def dateline(text: str) -> tuple[int, int] | None:
    """The span of the text's dateline place, if it has one within its first lines."""
    m = _DATELINE.search(text[:400])
    if not m:
        return None
    start, end = m.span(1)
    while end > start and text[end - 1] in ".’'-":
        end -= 1
    return (start, end) if end - start >= 3 else None


def _places_inside(text: str, start: int, end: int, gaz: Gazetteer) -> list[tuple[int, int]]:
    """Countries and first-level divisions named inside an organisation's name ('the *Georgia*
    Bureau of Investigation', 'University of *Florida*'): where it works, as GDELT reads it."""
    out = []
    for m in _CAPS_RUN.finditer(text, start, end):
        words = list(re.finditer(r"[A-Z][\w'’.-]*", m.group()))
        # every run of one to three capitalised words inside the name
        for i in range(len(words)):
            for j in range(i, min(i + 3, len(words))):
                s0, e0 = m.start() + words[i].start(), m.start() + words[j].end()
                if (s0, e0) == (start, end):
                    continue
                if any(_own_name(c) for c in gaz.find(text[s0:e0])):
                    out.append((s0, e0))
    # the longest name where two overlap ('New York' over 'York')
    out.sort(key=lambda se: (se[0], -(se[1] - se[0])))
    kept: list[tuple[int, int]] = []
    for se in out:
        if not kept or se[0] >= kept[-1][1]:
            kept.append(se)
    return kept


def _city_name(span_text: str, entity: Entity, gaz: Gazetteer) -> bool:
    """An ORG mention that is wholly a populated place's own name ('Huntsville' approved ...):
    kept as a tentative place, resolved only where the article's other places agree."""
    if any(len(alias) > len(span_text) and span_text in alias for alias in entity.aliases):
        return False
    return any(c.kind == "name" and c.entry.level >= ADMIN2 for c in gaz.find(span_text))


def _own_name(c) -> bool:
    """A country's name or common short form ('U.S.'), or a first-level division's own name."""
    return (c.entry.level == COUNTRY and c.kind in ("name", "alt")) or (c.entry.level == ADMIN1 and c.kind == "name")


def _mislabelled_place(text: str, start: int, end: int, entity: Entity, gaz: Gazetteer) -> bool:
    """An ORG or PERSON mention that is a place the small model mislabelled: the whole
    mention is a country's or first-level division's own name ('Georgia', 'Ohio'), or a
    city's, after a place preposition ('in Huntsville') or before its container
    ('Gainesville, Fla.').  Never when the entity is also named by a longer name that
    contains it ('Georgia Smith', 'Jordan Peterson')."""
    span_text = text[start:end]
    if any(len(alias) > len(span_text) and span_text in alias for alias in entity.aliases):
        return False
    cands = [c for c in gaz.find(span_text) if c.kind in ("name", "alt")]
    if not cands:
        return False
    if any(_own_name(c) for c in cands):
        return True
    cands = [c for c in cands if c.kind == "name"]
    before = text[max(0, start - 12):start].split()
    prev = before[-1].lower() if before else ""
    if prev in PLACE_PREPOSITIONS and any(c.entry.level == CITY for c in cands):
        return True
    return text[end:end + 1] == "," and _followed_by_container(text, end, gaz)


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

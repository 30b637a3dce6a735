"""The parse walk: one pass over each sentence's tokens finds trigger words (a cheap lemma check
against the lexicon), then reads each trigger from the dependency parse — what it governs (an
intention, a refusal, a request absorbs the act it is about), negation and modality — and who
did it to whom.

Rules (PLOVER 2021 codebook):
- statements ('said', 'declared') are no events; an event in what was said is coded, with the
  speaker as its source when the clause has none of its own (an agentless passive: 'X announced
  restrictions would be imposed' → X imposed);
- an intention ('agreed to', 'pledged', 'will', 'would') to cooperate is AGREE, to do something
  conflictual is THREATEN; a negated intention flips ('pledged not to mobilise' → AGREE, 'will not
  negotiate' → REJECT); a passive or stative future ('restrictions would be imposed', 'borders
  would remain closed') is the act itself, announced;
- 'refused to X', 'rejected X' → REJECT; 'urged X to Y', 'demanded that X Y' → REQUEST (target X);
  'accused X of Y' → ACCUSE; 'threatened to X' → THREATEN with X's mode; 'denied' → REJECT;
- a negated act ('did not attack') keeps its category with ``negated=True``;
- nominal triggers count as objects of light verbs ('ordered a mobilisation', 'imposed
  restrictions'), or as a clause's subject/object ('contained threats'); a noun inside an adverbial
  phrase ('after the invasion') is background, not a new event.

Coordinated actors: one event per source conjunct and per target conjunct ('Latvia, Lithuania and
Poland closed their borders' → three events), as GDELT's event rows need one actor a side; at most
``MAX_PER_TRIGGER`` events per trigger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nutgraf.facts import nlp
from nutgraf.facts.events import lexicon as L
from nutgraf.facts.events import plover
from nutgraf.facts.events.actors import ACTOR_LABELS, COUNTRIES, PERSONAL, organisation, sector_of
from nutgraf.facts.places.detect import dateline
from nutgraf.model import Actor, Event

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from nutgraf.facts.entities import EntityIndex
    from nutgraf.model import Article

MAX_PER_TRIGGER = 6
MAX_DEPTH = 40  # how far up the tree any walk goes (bounded time on pathological parses)

INTENT_AUX = frozenset({"will", "would", "shall", "'ll", "wo"})
DEONTIC_AUX = frozenset({"must", "should"})
NEG_WORDS = frozenset({"not", "n't", "never", "no"})
TARGET_PREPS = ("against", "on", "upon", "with", "to", "into", "at", "toward", "towards", "from",
                "for", "over", "in")
NOUN_TARGET_PREPS = ("of", "against", "on", "upon", "to", "into", "with", "at", "toward", "towards",
                     "in", "for")
# where a nominal trigger stands as an event of its own: a clause's subject or object
CLAUSE_NOUN_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "attr", "ROOT", "appos", "oprd"})
QUANTITY_WORDS = frozenset({"thousand", "hundred", "million", "dozen", "number", "part", "lot",
                            "series", "some", "most", "all", "many", "few", "group", "kind",
                            "set", "share", "half", "rest"})
OBJECT_CONTROL = frozenset({"order", "force", "urge", "ask", "tell", "persuade", "call", "press",
                            "compel", "instruct", "allow", "help"})
NOT_ACTOR = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"})
RELATIVE = frozenset({"who", "which", "that", "whom"})
# Sectors of actors that act for a state, and so have a country in CAMEO's codes.
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY"})
GROUP_NOUNS = frozenset({"country", "nation", "group", "side", "state", "party", "people",
                         "coalition", "alliance", "movement", "organisation", "organization"})
VERB_POS = frozenset({"VERB", "AUX"})


@dataclass
class Reading:
    category: str
    mode: str | None
    gov: "Token"                     # the clause the actors are read from
    tokens: list["Token"]            # the trigger's words
    negated: bool = False
    confidence: float = 0.85
    inner: "Reading | None" = None   # the absorbed act ('refused to [meet]')
    target_hint: list["Token"] = field(default_factory=list)
    noun: "Token | None" = None      # a nominal trigger's noun
    kind: str = "act"                # the lexicon kind that made it
    comp: "Token | None" = None      # what a governing verb is about, read or not


def find_events(doc: "Doc", article: "Article", index: "EntityIndex") -> list[Event]:
    """Every event of the article, in text order."""
    lex = L.load()
    events: list[Event] = []
    ctx = _Context(article, index)
    for sent in doc.sents:
        found = [t for t in sent if t.pos_ in ("VERB", "NOUN", "ADJ") and nlp.lemma_in(t, lex.words)]
        if not found:
            continue
        coder = _Sentence(sent, lex, ctx)
        for reading in coder.read(found):
            events.extend(ctx.events(sent, reading, coder))
    events.sort(key=lambda e: (e.start, e.end))
    return events


class _Context:
    """Article-level lookups shared by every sentence: places, dates, entity roles."""

    def __init__(self, article: "Article", index: "EntityIndex") -> None:
        self.article = article
        self.text = article.text
        self.index = index
        self.places = sorted(article.places or [], key=lambda p: p.start)
        self.dates = sorted(article.dates or [], key=lambda d: d.start)
        self._person: dict[str, tuple[str | None, str | None]] = {}
        self._main_country: str | None | bool = False  # False: not computed yet
        line = dateline(self.text)
        self.dateline = next((p for p in self.places if line is not None and (p.start, p.end) == line), None)

    def place_at(self, start: int, end: int, actors: list[Actor | None] = ()):
        """Where the sentence's event happened: a place it names outright before a demonym
        ('Russian' in 'Russian tourists' says who, not where), and a place outside the actors'
        words before one inside them; with none, the article's first mention of its main
        country, else its first place."""
        spans = [(a.start, a.end) for a in actors if a is not None]
        inside = [p for p in self.places if start <= p.start < end]
        if inside:
            return min(inside, key=lambda p: (p.kind == "demonym", any(a <= p.start < b for a, b in spans),
                                              p.start))
        if self.dateline is not None:
            return self.dateline
        main = self.main_country()
        if main:
            for p in self.places:
                if p.country_code and COUNTRIES.iso3(p.country_code) == main:
                    return p
        return self.places[0] if self.places else None

    def date_at(self, start: int, end: int):
        inside = [d for d in self.dates if start <= d.start < end]
        return inside[0] if inside else None

    def country_at(self, start: int, end: int) -> str | None:
        for p in self.places:
            if p.start >= end:
                break
            if p.end > start and p.country_code:
                return COUNTRIES.iso3(p.country_code)
        return None

    def main_country(self) -> str | None:
        """The article's country: the one most of its placed mentions fall in, when it holds a
        clear majority of them (a story about Russia, whatever else it names)."""
        if self._main_country is False:
            counts: dict[str, int] = {}
            for p in self.places:
                if p.country_code:
                    counts[p.country_code] = counts.get(p.country_code, 0) + 1
            ranked = sorted(counts.items(), key=lambda kv: -kv[1])
            total = sum(counts.values())
            top = ranked[0] if ranked else None
            clear = top is not None and top[1] >= 3 and top[1] >= 0.5 * total and \
                (len(ranked) == 1 or top[1] >= 2 * ranked[1][1])
            self._main_country = COUNTRIES.iso3(top[0]) if clear else None
        return self._main_country or None

    def sentence_country(self, s0: int, s1: int, skip: list[tuple[int, int]]) -> str | None:
        """The one country the sentence names outright (place names, not demonyms, outside the
        actors' own words): who acts in 'the ministry announced restrictions on travel to
        Finland' is read as Finnish only when nothing else competes."""
        found = {p.country_code for p in self.places
                 if s0 <= p.start < s1 and p.kind == "name" and p.country_code and
                 not any(a <= p.start < b for a, b in skip)}
        return COUNTRIES.iso3(found.pop()) if len(found) == 1 else None

    def fill_countries(self, actors: list[Actor | None], s0: int, s1: int) -> None:
        """A state actor the words leave without a country ('Vladimir Putin', 'the Ministry of
        Foreign Affairs') takes the sentence's one named country, else the article's (a person
        the article's first: the story's country is theirs more often than where they are): CAMEO
        codes state actors by country, and a named official acts for the country the story is
        about far more often than for another.  So does a person the text gives no role: CAMEO
        codes people by the country they act for.  Organisations (IGO, NGO ...) keep none."""
        skip = [(a.start, a.end) for a in actors if a is not None]
        for a in actors:
            if a is None or a.country is not None:
                continue
            ent = self.index.resolve(a.start, a.end)
            person = ent is not None and ent.label == "PERSON"
            if a.sector not in STATE_SECTORS and not (person and a.sector is None):
                continue
            if person:  # a person acts for the story's country more often than for where they are
                a.country = self.main_country() or self.sentence_country(s0, s1, skip)
            else:
                a.country = self.sentence_country(s0, s1, skip) or self.main_country()

    def apposition_roles(self, head: "Token") -> tuple[str | None, str | None]:
        """(country, sector) an apposition gives: 'Dmitry Peskov, a Kremlin spokesman'."""
        for child in head.children:
            if child.dep_ != "appos":
                continue
            words = [t for t in child.subtree if t.i - child.i < 8]
            sector = sector_of([nlp.lemma(t) for t in words if t.pos_ in ("NOUN", "PROPN", "ADJ")])
            country = None
            for t in words:
                if t.pos_ == "PROPN" or (t.pos_ == "ADJ" and t.text[:1].isupper()):
                    country = self.country_at(t.idx, t.idx + len(t.text)) or COUNTRIES.of_name(t.text, "NORP")
                    if country:
                        break
            return country, sector
        return None, None

    def person_roles(self, entity) -> tuple[str | None, str | None]:
        """(country, sector) a person's other mentions give ('UK Defence Secretary Ben
        Wallace', 'Russian President Vladimir Putin')."""
        if entity.name in self._person:
            return self._person[entity.name]
        country = sector = None
        for s, e in entity.mentions[:6]:
            before = self.text[max(0, s - 60):e].split("\n")[-1]
            words = before.replace(",", " , ").split()
            run: list[str] = []
            for w in reversed(words):
                if not (w[:1].isupper() or w.lower() in ("of", "the")) or w in (",",):
                    break
                run.insert(0, w)
            for i, w in enumerate(run):
                if country is None and w[:1].isupper():
                    country = COUNTRIES.of_name(w.rstrip("'s’"), "NORP")
                    if country is None and i + 1 < len(run):
                        country = COUNTRIES.of_name(f"{w} {run[i + 1]}", "NORP")
            if sector is None and run:
                sector = sector_of([w.lower() for w in run])
        self._person[entity.name] = (country, sector)
        return country, sector

    # ---- events
    def events(self, sent: "Span", r: Reading, coder: "_Sentence") -> list[Event]:
        start = min(t.idx for t in r.tokens)
        last = max(r.tokens, key=lambda t: t.idx + len(t.text))
        end = last.idx + len(last.text)
        sources = coder.sources(r)
        targets = coder.targets(r) or coder.named_target(r, sources)
        # a dateline ('HARTFORD, Conn. — Police arrested ...') is where, not who, whatever the parse says
        src_actors = [a for a in (self.actor(t, coder) for t in sources)
                      if self.dateline is None or (a.start, a.end) != (self.dateline.start, self.dateline.end)]
        src_actors = src_actors or [None]
        tgt_actors = [self.actor(t, coder) for t in targets] or [None]
        tgt_actors = [a for a in tgt_actors if a is None or not any(
            s is not None and (s.start, s.end) == (a.start, a.end) for s in src_actors)] or [None]
        confidence = r.confidence - (0.25 if src_actors == [None] else 0.0)
        mode = r.mode
        out = []
        s0, s1 = sent.start_char, sent.end_char
        self.fill_countries(src_actors + tgt_actors, s0, s1)
        for src in src_actors:
            for tgt in tgt_actors:
                if len(out) >= MAX_PER_TRIGGER:
                    break
                out.append(Event(
                    category=r.category, text=self.text[start:end], start=start, end=end,
                    sentence_start=s0, sentence_end=s1, mode=mode,
                    cameo=plover.cameo(r.category, mode), score=plover.score(r.category),
                    source=src, target=tgt, place=self.place_at(s0, s1, [src, tgt]), date=self.date_at(s0, s1),
                    negated=r.negated, confidence=round(max(0.05, min(0.95, confidence)), 2)))
        return out

    def actor(self, head: "Token", coder: "_Sentence") -> Actor:
        tokens = coder.actor_tokens(head)
        a, b = tokens[0], tokens[-1]
        start, end = a.idx, b.idx + len(b.text)
        name = self.text[start:end]
        entity = self.index.resolve(start, end) if head.lower_ not in RELATIVE else None
        if entity is None and head.pos_ == "PRON":
            entity = self.index.resolve(head.idx, head.idx + len(head.text))
        country = None
        sector = None
        lemmas = [nlp.lemma(t) for t in tokens if t.pos_ in ("NOUN", "PROPN", "ADJ")]
        org = organisation(name) or (organisation(entity.name) if entity is not None else None)
        if org is None:
            for t in tokens:
                if t.ent_type_ == "ORG" and t.ent_iob_ == "B":
                    org = organisation(_ent_text(t))
                    if org:
                        break
        for t in tokens:
            if t.ent_type_ in ("GPE", "NORP", "LOC", "FAC", "ORG") or t.pos_ == "PROPN" or \
                    (t.pos_ == "ADJ" and t.text[:1].isupper()):
                c = self.country_at(t.idx, t.idx + len(t.text)) or COUNTRIES.of_name(
                    _ent_text(t), t.ent_type_ or "NORP")
                if c:
                    country = c
                    break
        if country is None and entity is not None and entity.label in ("GPE", "NORP"):
            country = COUNTRIES.of_name(entity.name, entity.label)
        sector = sector_of(lemmas)
        if org:
            sector = org
        if country is None or sector is None:
            c2, s2 = self.apposition_roles(head)
            country, sector = country or c2, sector or s2
        if entity is not None and entity.label == "PERSON" and (country is None or sector is None):
            c2, s2 = self.person_roles(entity)
            country = country or c2
            sector = sector or s2
        return Actor(name=name, start=start, end=end, entity=entity.name if entity else None,
                     country=country, sector=sector)


def _ent_text(t: "Token") -> str:
    if t.ent_iob_ in ("B", "I"):
        doc = t.doc
        i = t.i
        while i > 0 and doc[i].ent_iob_ == "I":
            i -= 1
        j = t.i + 1
        while j < len(doc) and doc[j].ent_iob_ == "I":
            j += 1
        return doc[i:j].text
    return t.text


class _Sentence:
    """One sentence's triggers, read in order of their depth in the tree (governors first)."""

    def __init__(self, sent: "Span", lex: L.Lexicon, ctx: _Context) -> None:
        self.sent = sent
        self.lex = lex
        self.ctx = ctx
        self.entries: dict[int, L.Entry] = {}
        self.consumed: set[int] = set()

    # ---- lexicon
    def entry(self, tok: "Token") -> L.Entry | None:
        if tok.i in self.entries:
            return self.entries[tok.i]
        pos = {"VERB": "V", "NOUN": "N", "ADJ": "A"}.get(tok.pos_)
        found = None
        if pos:
            lemma = nlp.lemma(tok)
            cands = self.lex.candidates(lemma, pos)
            if not cands and pos == "A" and tok.tag_ == "VBN":
                cands = self.lex.candidates(lemma, "V")
            if cands:
                particles = {c.lower_ for c in tok.children if c.dep_ in ("prt", "prep")}
                if pos == "N":
                    # a noun's 'object' is what modifies it: 'air strike', 'hunger strike'
                    obj = tuple(nlp.lemma(c) for c in tok.children if c.dep_ in ("compound", "amod"))
                else:
                    obj = self.object_lemma(tok)
                found = L.choose(cands, particles, obj or None)
        self.entries[tok.i] = found
        return found

    def object_lemma(self, tok: "Token") -> tuple[str, ...] | None:
        """The object's lemma and its compound nouns' ('ceasefire agreement')."""
        obj = self.object_of(tok)
        if obj is None:
            return None
        return (nlp.lemma(obj), *(nlp.lemma(c) for c in obj.children
                                   if c.dep_ == "compound" and c.pos_ == "NOUN"))

    @staticmethod
    def object_of(tok: "Token") -> "Token | None":
        """The object a trigger acts on: its direct object; a passive or adjective's subject
        ('restrictions would be imposed', 'borders remained closed'); through quantities
        ('thousands of kilometres of territory' → territory)."""
        obj = _Sentence._object(tok)
        for _ in range(3):
            if obj is None or not (obj.like_num or obj.lower_ in QUANTITY_WORDS
                                   or nlp.lemma_in(obj, QUANTITY_WORDS)):
                break
            nxt = next((p for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"
                        for p in c.children if p.dep_ == "pobj"), None)
            if nxt is None:
                break
            obj = nxt
        return obj

    @staticmethod
    def _object(tok: "Token") -> "Token | None":
        for c in tok.children:
            if c.dep_ == "dobj":
                return c
        for c in tok.children:
            if c.dep_ in ("nsubjpass",):
                return c
        if tok.pos_ == "ADJ" or tok.tag_ == "VBN":
            for c in tok.children:
                if c.dep_ == "nsubj":
                    return c
            if tok.dep_ in ("acomp", "xcomp", "oprd") and tok.head.pos_ in VERB_POS:
                for c in tok.head.children:
                    if c.dep_ in ("nsubj", "nsubjpass"):
                        return c
        return None

    # ---- reading
    def read(self, found: list["Token"]) -> list[Reading]:
        found = sorted(found, key=lambda t: (_depth(t), t.i))
        readings: list[Reading] = []
        roots: set[int] = set()
        if any(self.entry(t) is not None and self.entry(t).kind == "speech" for t in found):
            readings.extend(self.obligations(roots))
        for tok in found:
            if tok.i in self.consumed or tok.i in roots or _under(tok, roots):
                continue
            if tok.pos_ == "VERB" and tok.dep_ in ("amod", "compound", "nmod"):
                continue  # 'call-up papers': a verb used as a modifier
            entry = self.entry(tok)
            if entry is None:
                continue
            r = self.reading(tok, entry, top=True)
            if r is None:
                continue
            roots |= {t.i for t in r.tokens}
            if r.inner is not None:
                roots |= {t.i for t in r.inner.tokens}
                roots.add(r.inner.gov.i)
            readings.append(r)
        return readings

    def obligations(self, roots: set[int]) -> list[Reading]:
        """'X said Y must (should) do Z': X asks Y to (PLOVER REQUEST), whatever Z is."""
        out = []
        for t in self.sent:
            if t.lower_ not in DEONTIC_AUX or t.dep_ != "aux":
                continue
            v = t.head
            if v.pos_ != "VERB" or v.dep_ != "ccomp" or v.i in roots or _under(v, roots):
                continue
            head_entry = self.entry(v.head) if v.head.pos_ in VERB_POS else None
            if head_entry is None or head_entry.kind != "speech":
                continue
            if v.head.tag_ == "VBG" and v.head.dep_ in ("advcl", "xcomp", "acl"):
                continue  # '..., saying he must resign': a comment on the main event
            subj = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
            if not subj or subj[0].lower_ in ("we", "i") or not _actorish(subj[0]):
                continue
            out.append(Reading("REQUEST", None, v.head, _span(t, [v]), target_hint=subj,
                               confidence=0.6, kind="request"))
            roots.add(v.i)
        return out

    def reading(self, tok: "Token", entry: L.Entry, top: bool = False) -> Reading | None:
        kind = entry.kind
        if kind in ("speech", "aspect", "object"):
            return None
        if entry.pos == "N":
            return self.noun_reading(tok, entry, top)
        if kind == "light":
            return self.light_reading(tok)
        if kind == "command":
            # 'ordered a mobilisation' (the object's event); 'ordered X to Y' (Y, else coercion)
            r = self.light_reading(tok)
            if r is not None:
                return r
            comp = next((c for c in tok.children if c.dep_ == "xcomp"), None)
            if comp is None:
                return None
            inner = self.inner_reading(comp)
            category, mode = (inner.category, inner.mode) if inner is not None and \
                inner.category in plover.MATERIAL_CONFLICT else ("COERCE", entry.mode)
            return Reading(category, mode, tok, [tok], negated=_negated(tok), inner=inner,
                           kind=kind, comp=comp)
        if kind == "prepare":
            # 'prepared to resume shelling': a show of force (PLOVER MOBILIZE)
            comp = next((c for c in tok.children if c.dep_ in ("xcomp", "advcl")), None)
            inner = self.inner_reading(comp) if comp is not None else None
            if inner is None or inner.category not in plover.MATERIAL_CONFLICT:
                return None
            return Reading("MOBILIZE", entry.mode, tok, [tok], negated=_negated(tok), inner=inner,
                           kind=kind, comp=comp)
        if kind == "undo":
            inner = self.object_reading(tok)
            if inner is None or inner.category not in plover.UNDO:
                return None
            category, mode = plover.UNDO[inner.category]
            return self.modal(Reading(category, mode, tok, _span(tok, inner.tokens),
                                      negated=_negated(tok), target_hint=inner.target_hint, inner=inner))
        if kind == "act":
            return self.modal(Reading(entry.category or "", entry.mode, tok,
                                      _span(tok, [c for c in tok.children if c.dep_ == "prt"]),
                                      negated=_negated(tok)))
        # verbs that govern another act: intent, threat, refuse, request, accuse
        comp = self.complement(tok, kind)
        inner = self.inner_reading(comp) if comp is not None else None
        neg = _negated(tok)
        if kind == "intent":
            inner_neg = inner.negated if inner is not None else (comp is not None and _negated(comp))
            conflictual = inner is not None and inner.category in plover.CONFLICTUAL | {"THREATEN"}
            if conflictual:
                category = "AGREE" if (neg or inner_neg) else "THREATEN"
                mode = None if category == "AGREE" else plover.THREAT_MODES.get(inner.category)
            else:
                category = "REJECT" if (neg or inner_neg) else (entry.category or "AGREE")
                mode = None
            if category in ("AGREE", "REJECT") and self.ultimatum(tok):
                category, mode = "THREATEN", "relations"
            return Reading(category, mode, tok, [tok], inner=inner, confidence=0.8, kind=kind,
                           comp=comp)
        if kind == "threat":
            mode = plover.THREAT_MODES.get(inner.category) if inner is not None else None
            return Reading("THREATEN", mode, tok, [tok], negated=neg, inner=inner, kind=kind, comp=comp)
        if kind == "refuse":
            return Reading("REJECT", entry.mode, tok, [tok], negated=neg, inner=inner, kind=kind,
                           comp=comp)
        if kind == "request":
            hint = []
            if comp is not None and comp.pos_ in VERB_POS:
                hint = [c for c in comp.children if c.dep_ in ("nsubj", "nsubjpass")]
            return Reading("REQUEST", entry.mode, tok, [tok], negated=neg, inner=inner, target_hint=hint,
                           kind=kind, comp=comp)
        if kind == "accuse":
            return Reading("ACCUSE", entry.mode, tok, [tok], negated=neg, inner=inner, kind=kind,
                           comp=comp)
        return None

    def modal(self, r: Reading) -> Reading:
        """An act under 'will'/'would' is an announced intention (AGREE, or THREATEN when
        conflictual), unless passive or a state (then it is the announced act); under 'must' or
        'should' in what someone said, a request."""
        v = r.gov
        auxes = [c.lower_ for c in v.children if c.dep_ == "aux"]
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in v.children)
        stative = v.pos_ == "ADJ" or v.dep_ == "acomp" or (
            v.tag_ == "VBN" and v.dep_ in ("xcomp", "oprd"))
        if any(a in INTENT_AUX for a in auxes) and not passive and not stative:
            r.inner = Reading(r.category, r.mode, v, list(r.tokens), negated=r.negated)
            if r.category in plover.CONFLICTUAL:
                r.category, r.mode = ("AGREE", None) if r.negated else (
                    "THREATEN", plover.THREAT_MODES.get(r.category))
            elif r.category in plover.COOPERATIVE:
                r.category, r.mode = ("REJECT", None) if r.negated else ("AGREE", None)
                if self.ultimatum(v):
                    r.category, r.mode = "THREATEN", "relations"
            r.negated = False
            r.confidence -= 0.1
        elif any(a in DEONTIC_AUX for a in auxes) and v.dep_ == "ccomp":
            head_entry = self.entry(v.head) if v.head.pos_ in VERB_POS else None
            if head_entry is not None and head_entry.kind == "speech":
                r.inner = Reading(r.category, r.mode, v, list(r.tokens))
                r.target_hint = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
                r.category, r.mode = "REQUEST", None
                r.gov = v.head
                r.confidence -= 0.15
        return r

    @staticmethod
    def ultimatum(v: "Token") -> bool:
        """'will withdraw unless X': a conditional intention is a threat (CAMEO 139)."""
        for _ in range(3):
            for c in v.children:
                if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children):
                    return True
            if v.dep_ not in ("xcomp", "ccomp", "conj") or v.head.i == v.i:
                return False
            v = v.head
        return False

    def complement(self, tok: "Token", kind: str) -> "Token | None":
        """What a governing verb is about: its infinitive or clause, else its object, else the
        object of 'to'/'for'/'of'/'on' ('agreed to an extension', 'accused X of Y')."""
        kids = list(tok.children)
        for c in kids:
            if c.dep_ in ("xcomp", "ccomp"):
                return c
        for c in kids:
            # 'sworn to fight' parsed as a purpose clause: still the infinitive it governs
            if c.dep_ == "advcl" and c.i > tok.i and any(
                    a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
                return c
        if kind in ("refuse", "request", "intent", "threat"):
            for c in kids:
                if c.dep_ in ("dobj", "nsubjpass"):
                    return c
        for c in kids:
            if c.dep_ == "prep" and c.lower_ in ("to", "for", "of", "on", "with"):
                for p in c.children:
                    if p.dep_ in ("pobj", "pcomp"):
                        return p
        for c in kids:
            if c.dep_ == "dobj":
                # 'accused the US of X'
                for p in c.children:
                    if p.dep_ == "prep" and p.lower_ in ("of", "for"):
                        for q in p.children:
                            if q.dep_ in ("pobj", "pcomp"):
                                return q
        return None

    def inner_reading(self, comp: "Token") -> Reading | None:
        """The act a governing verb is about, read through 'try to', 'begin to' and light verbs."""
        tok = comp
        for _ in range(4):
            entry = self.entry(tok) if tok.pos_ in ("VERB", "NOUN", "ADJ") else None
            if entry is not None and entry.kind == "aspect":
                nxt = next((c for c in tok.children if c.dep_ in ("xcomp", "ccomp", "dobj")), None)
                if nxt is None:
                    return None
                tok = nxt
                continue
            if entry is None and tok.pos_ in VERB_POS:
                # 'agreed that their countries should cooperate': the clause's own verb
                nxt = next((c for c in tok.children if c.dep_ in ("xcomp",)), None)
                if nxt is not None:
                    tok = nxt
                    continue
                # 'pledged not to initiate a mobilisation plan': what the verb acts on
                inner = self.object_reading(tok)
                if inner is not None:
                    inner.negated = _negated(tok)
                return inner
            if entry is None:
                return None
            if entry.pos == "N":
                return self.noun_reading(tok, entry, top=False)
            return self.reading(tok, entry)
        return None

    def object_reading(self, verb: "Token") -> Reading | None:
        obj = self.object_of(verb)
        if obj is None:
            return None
        nouns = [obj, *obj.conjuncts]
        nouns += [c for c in obj.children if c.dep_ == "compound" and c.pos_ == "NOUN"]
        for noun in nouns:
            entry = self.entry(noun)
            if entry is not None and entry.pos == "N" and entry.category:
                hint = self.noun_targets(noun)
                return Reading(entry.category, entry.mode, verb, [noun], target_hint=hint, noun=noun)
        return None

    def light_reading(self, verb: "Token") -> Reading | None:
        inner = self.object_reading(verb)
        if inner is None:
            return None
        noun = inner.tokens[0]
        negated = _negated(verb) or _noun_negated(noun)
        return self.modal(Reading(inner.category, inner.mode, verb, _span(verb, [noun]),
                                  negated=negated, target_hint=inner.target_hint, noun=noun))

    def noun_reading(self, noun: "Token", entry: L.Entry, top: bool) -> Reading | None:
        if entry.kind == "object" or not entry.category:
            return None
        if top:
            dep = noun.dep_
            if dep == "conj":
                dep = noun.head.dep_
            if dep not in CLAUSE_NOUN_DEPS:
                return None  # 'after the invasion', 'the mobilisation decree': background
        return Reading(entry.category, entry.mode, noun, [noun], negated=_noun_negated(noun),
                       confidence=0.65, target_hint=self.noun_targets(noun), noun=noun)

    # ---- actors
    def noun_targets(self, noun: "Token") -> list["Token"]:
        out = []
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ in NOUN_TARGET_PREPS:
                out.extend(p for p in c.children if p.dep_ == "pobj")
        return out

    def sources(self, r: Reading) -> list["Token"]:
        heads: list[Token] = []
        if r.noun is not None and r.gov.i == r.noun.i:
            heads = self.noun_sources(r.noun)
            if not heads:
                heads = self.clause_subject(r.noun.head, through_nouns=True)
        else:
            heads = self.clause_subject(r.gov)
            if not heads and r.noun is not None:
                heads = self.noun_sources(r.noun)
        out = []
        for h in heads:
            found = self.actor_head(h)
            if found is not None and found.pos_ == "PRON":
                found = self.speaker_for(r.gov, found)
            if found is None:
                # 'the President's plot came with ... threats': up to the next clause's subject
                for _ in range(3):
                    up = self.clause_subject(h.head, through_nouns=True) if h.head.i != h.i else []
                    if not up:
                        break
                    h = up[0]
                    found = self.actor_head(h)
                    if found is not None:
                        break
            h = found
            if h is None:
                continue
            out.append(h)
            out.extend(c for c in h.conjuncts if c.i > h.i and _actorish(c))
        if not out and r.noun is None:
            # a clause the parser left without a subject: the nearest actor before the trigger
            first = min(t.i for t in r.tokens)
            hinted = {t.i for t in r.target_hint} | {c.i for t in r.target_hint for c in t.conjuncts}
            for t in reversed(list(self.sent.doc[max(self.sent.start, first - 12):first])):
                if t.pos_ in ("PROPN", "NOUN") and _actorish(t) and t.i not in hinted and \
                        t.dep_ not in ("compound", "amod", "poss", "nmod"):
                    r.confidence -= 0.15
                    return [t]
        return _unique(out)

    def speaker_for(self, v: "Token", pron: "Token") -> "Token":
        """'Syria says it is willing': a pronoun subject of what someone said is the speaker."""
        for _ in range(5):
            if v.dep_ in ("acomp", "xcomp", "conj") and v.head.i != v.i:
                v = v.head
                continue
            if v.dep_ != "ccomp" or v.head.i == v.i:
                return pron
            head = v.head
            entry = self.entry(head) if head.pos_ in VERB_POS else None
            if entry is not None and entry.kind == "speech":
                subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
                if subj is not None and subj.pos_ != "PRON" and _actorish(subj):
                    return subj
                return pron
            v = head
        return pron

    def noun_sources(self, noun: "Token") -> list["Token"]:
        for c in noun.children:
            if c.dep_ == "poss" and c.pos_ != "PRON":
                return [c]
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ == "by":
                return [p for p in c.children if p.dep_ == "pobj"]
        for c in noun.children:
            if c.dep_ in ("amod", "compound") and (c.ent_type_ in ACTOR_LABELS or c.pos_ == "PROPN"):
                return [c]
        return []

    def clause_subject(self, v: "Token", through_nouns: bool = False) -> list["Token"]:
        """Who does what clause ``v`` says: its subject; the agent of a passive; for an
        infinitive or a conjoined verb, the governing clause's subject (or object: 'ordered X
        to'); for a relative clause, the noun it describes; for an agentless passive in what
        someone announced, the announcer."""
        for _ in range(MAX_DEPTH):
            kids = list(v.children)
            for c in kids:
                if c.dep_ == "agent":
                    return [p for p in c.children if p.dep_ == "pobj"]
            for c in kids:
                if c.dep_ in ("nsubj", "csubj"):
                    if c.lower_ in RELATIVE and v.dep_ == "relcl":
                        return [v.head]
                    return [c]
            passive = any(c.dep_ == "nsubjpass" for c in kids)
            if v.dep_ == "xcomp":
                head = v.head
                if nlp.lemma_in(head, OBJECT_CONTROL):
                    obj = next((c for c in head.children if c.dep_ == "dobj"), None)
                    if obj is not None:
                        return [obj]
                v = head
                continue
            if v.dep_ in ("relcl", "acl") and not passive:
                return [v.head]
            if v.dep_ in ("conj", "advcl") and v.head.pos_ in VERB_POS and not passive:
                v = v.head
                continue
            if v.dep_ == "ccomp" and passive:
                v = v.head
                continue
            if v.dep_ in ("acomp", "xcomp", "oprd") and v.head.pos_ in VERB_POS:
                v = v.head  # 'borders would remain closed'
                continue
            if through_nouns and v.dep_ not in ("ROOT",) and v.head.i != v.i:
                v = v.head
                continue
            return []
        return []

    def actor_head(self, h: "Token", preps: tuple[str, ...] = ("of", "by", "from")) -> "Token | None":
        """The actor a subject or object names: itself when actor-like; for a thing ('the
        plan', 'Putin's speech'), its owner or a national modifier ('Russian operation'), or
        who it is of ('part of a Karen stronghold')."""
        if _actorish(h):
            return h
        if h.pos_ == "VERB":
            # 'The Red Cross operating in Iraq said': a clause parsed as the subject
            subj = next((c for c in h.children if c.dep_ == "nsubj"), None)
            if subj is not None and _actorish(subj):
                return subj
        for c in h.children:
            if c.dep_ == "poss" and c.pos_ != "PRON" and _actorish(c):
                return c
        for c in h.children:
            if c.dep_ in ("amod", "compound") and c.ent_type_ not in NOT_ACTOR and (
                    c.ent_type_ in ACTOR_LABELS or (c.pos_ in ("PROPN", "ADJ") and c.text[:1].isupper())):
                return c
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ in preps:
                for p in c.children:
                    if p.dep_ == "pobj":
                        found = self.actor_head(p, preps) if p.i > h.i else None
                        if found is not None:
                            return found
        for c in h.children:
            # 'the demonstration staged by students'
            if c.dep_ == "acl":
                for a in c.children:
                    if a.dep_ == "agent":
                        found = next((p for p in a.children if p.dep_ == "pobj" and _actorish(p)), None)
                        if found is not None:
                            return found
        return None

    def targets(self, r: Reading) -> list["Token"]:
        """Whom the event is done to: for a refusal, request or accusation, the governing verb's
        object first ('blamed Israel for X'); otherwise what the act itself is done to
        ('threatened to break relations with Russia'), then the governing verb's."""
        own = list(r.target_hint) + self.verb_targets(r.gov, r)
        inner_cands: list[Token] = []
        inner = r.inner
        while inner is not None:
            inner_cands.extend(inner.target_hint)
            inner_cands.extend(self.verb_targets(inner.gov, inner))
            inner = inner.inner
        if r.comp is not None and r.inner is None:
            inner_cands.extend(self.verb_targets(r.comp, r))
        if r.noun is not None and r.noun.i == r.gov.i and r.noun.dep_ == "dobj":
            own.extend(self.verb_targets(r.noun.head, r))
        cands = own + inner_cands if r.kind in ("refuse", "request", "accuse") else inner_cands + own
        out: list[Token] = []
        trigger = {t.i for t in r.tokens}
        for c in cands:
            if c.i in trigger:
                continue
            h = self.actor_head(c, ("of", "by", "from", "in", "for"))
            if h is not None and h.i not in trigger:
                out.append(h)
                out.extend(x for x in h.conjuncts if x.i > h.i and _actorish(x))
                break
        return _unique(out)

    def named_target(self, r: Reading, sources: list["Token"]) -> list["Token"]:
        """No target in the grammatical slots: the first name (country, people, organisation,
        person) after the trigger inside its clause ('threatened to stop negotiations if the
        United States ...'), not the source's own words."""
        last = max(t.i for t in r.tokens)
        taken: set[int] = set()
        for src in sources:
            taken |= {t.i for t in self.actor_tokens(src)}
        top = r.gov
        lo = min(t.i for t in top.subtree) if top.pos_ in VERB_POS else top.i
        hi = max(t.i for t in top.subtree) if top.pos_ in VERB_POS else top.i
        for t in self.sent.doc[last + 1:min(hi + 1, last + 21, self.sent.end)]:
            if t.i < lo or t.i in taken:
                continue
            if t.ent_type_ in ACTOR_LABELS and (t.i + 1 >= len(t.doc) or t.doc[t.i + 1].ent_iob_ != "I"):
                r.confidence -= 0.1
                return [t]
        return []

    def verb_targets(self, v: "Token", r: Reading) -> list["Token"]:
        if v.pos_ not in VERB_POS and v.pos_ != "ADJ":
            return self.noun_targets(v) if v.pos_ == "NOUN" else []
        out = []
        kids = list(v.children)
        trigger_ids = {t.i for t in r.tokens}
        later = []
        for c in kids:
            if c.dep_ in ("dobj", "dative", "iobj") and c.i not in trigger_ids:
                if any(p.dep_ == "poss" and p.pos_ == "PRON" for p in c.children) or (
                        r.category == "MOBILIZE" and c.dep_ == "dobj"):
                    later.append(c)  # 'withdraw its troops', 'mobilised reservists': their own
                    continue
                obj = self.object_of(v) if c.dep_ == "dobj" else c
                out.append(obj if obj is not None else c)
                if obj is not None and obj.pos_ == "NOUN" and not _actorish(obj):
                    out.extend(self.noun_targets(obj))
        for c in kids:
            if c.dep_ == "nsubjpass" and c.i not in trigger_ids:
                out.append(c)
        for prep in TARGET_PREPS:
            for c in kids:
                if c.dep_ == "prep" and c.lower_ == prep:
                    out.extend(p for p in c.children if p.dep_ == "pobj")
        if r.category in plover.CONFLICTUAL | {"THREATEN", "ACCUSE"}:
            # 'mobilised reservists for a war against Iraq': an 'against' further down
            for t in v.subtree:
                if t.dep_ == "prep" and t.lower_ == "against" and t.head.i != v.i and t.i - v.i < 25:
                    out.extend(p for p in t.children if p.dep_ == "pobj")
                    break
        return out + later

    def actor_tokens(self, head: "Token") -> list["Token"]:
        """The words naming an actor: the head's entity, its modifiers to the left (not the
        article), and 'of'/'in' phrases after a common noun ('president of Armenia')."""
        doc = head.doc
        lo = hi = head.i
        if head.ent_iob_ in ("B", "I"):
            while lo > 0 and doc[lo].ent_iob_ == "I":
                lo -= 1
            while hi + 1 < len(doc) and doc[hi + 1].ent_iob_ == "I":
                hi += 1
        for c in head.lefts:
            if c.dep_ in ("compound", "amod", "nmod", "poss", "nummod", "quantmod") and c.i < lo:
                sub = list(c.subtree)
                if len(sub) <= 8:
                    lo = min(lo, sub[0].i)
        if head.pos_ == "NOUN":
            for c in head.rights:
                if c.dep_ == "prep" and c.lower_ in ("of", "in", "from"):
                    sub = list(c.subtree)
                    if len(sub) <= 8:
                        hi = max(hi, sub[-1].i)
                elif c.dep_ == "appos" and c.pos_ == "PROPN":
                    # 'the opposition newspaper La Prensa'
                    sub = list(c.subtree)
                    if len(sub) <= 5 and sub[0].i == hi + 1:
                        hi = max(hi, sub[-1].i)
        while lo < hi and doc[lo].dep_ in ("det", "punct", "case", "cc"):
            lo += 1
        while hi > lo and doc[hi].dep_ in ("punct", "case", "cc"):
            hi -= 1
        return list(doc[lo:hi + 1])


def _actorish(t: "Token") -> bool:
    if t.ent_type_ in NOT_ACTOR or t.like_num:
        return False
    if t.ent_type_ in ACTOR_LABELS:
        return True
    if t.pos_ == "PROPN":
        return True
    if t.pos_ == "PRON":
        return t.lower_ in PERSONAL or t.lower_ in RELATIVE
    if t.pos_ == "NOUN":
        lemma = nlp.lemma(t)
        if sector_of([lemma]) is not None or lemma in GROUP_NOUNS:
            return True
        return any(c.dep_ in ("amod", "compound") and (c.ent_type_ in ("NORP", "GPE") or (
            c.pos_ == "ADJ" and c.text[:1].isupper())) for c in t.children) and lemma in _PEOPLE
    return False


# plural people nouns that a national modifier makes an actor ('Russian tourists')
_PEOPLE = frozenset({"tourist", "citizen", "national", "civilian", "youth", "worker", "student",
                     "resident", "voter", "detainee", "prisoner", "refugee", "man", "woman",
                     "child", "family", "farmer", "demonstrator", "protester"})


def _negated(tok: "Token") -> bool:
    return any(c.dep_ == "neg" or (c.lower_ in NEG_WORDS and c.dep_ in ("advmod", "neg"))
               for c in tok.children)


def _noun_negated(noun: "Token") -> bool:
    return any(c.lower_ == "no" and c.dep_ in ("det", "neg") for c in noun.children)


def _depth(t: "Token") -> int:
    d = 0
    while t.head.i != t.i and d < MAX_DEPTH:
        t = t.head
        d += 1
    return d


def _under(t: "Token", roots: set[int]) -> bool:
    if not roots:
        return False
    for _ in range(MAX_DEPTH):
        if t.head.i == t.i:
            return False
        t = t.head
        if t.i in roots:
            return True
    return False


def _span(first: "Token", more: list["Token"]) -> list["Token"]:
    toks = [first, *more]
    lo = min(t.i for t in toks)
    hi = max(t.i for t in toks)
    if hi - lo > 8:
        return toks
    return list(first.doc[lo:hi + 1])


def _unique(tokens: list["Token"]) -> list["Token"]:
    seen: set[int] = set()
    out = []
    for t in tokens:
        if t.i not in seen:
            seen.add(t.i)
            out.append(t)
    return out

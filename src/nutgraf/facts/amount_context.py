"""What surrounds an amount in its sentence, read from the dependency parse: the counted
noun and the object, a rate written in the clause ('… each day'), the direction of a
change, and who reported the figure."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nutgraf.facts import units as U
from nutgraf.facts.amount_reader import (
    PRONOUNS,
    DOCUMENT_NOUNS,
    PEOPLE,
    REPORT_VERBS,
    TIME_PER,
    Draft,
    AmountReader,
)
from nutgraf.facts.nlp import lemma, lemma_in, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from nutgraf.facts.entities import EntityIndex

# ---------------------------------------------------------------------------------------
# Context from the parse: counted noun, object, clause-level rate, source.

_NP_POS = {"ADJ", "NOUN", "PROPN", "NUM"}


def _noun_phrase(doc: "Doc", tok: "Token | None", limit: int = 6) -> tuple[int, int] | None:
    """The noun phrase starting at ``tok`` (determiners skipped): token range [i, j)."""
    if tok is None:
        return None
    i = tok.i
    while i < len(doc) and doc[i].pos_ == "DET" and doc[i].lower_ not in ("no",):
        i += 1
    j = i
    last_noun = None
    # a coordination inside the phrase ('digital and physical sales', 'Kia and Hyundai
    # vehicles'): the noun before it, kept in case no common noun follows
    before_cc: int | None = None
    while j < len(doc) and j - i < limit + (2 if before_cc is not None else 0):
        t = doc[j]
        if t.pos_ in ("NOUN", "PROPN"):
            last_noun = j
        elif t.pos_ in ("ADJ", "NUM") or t.tag_ in ("VBN", "VBG") and j + 1 < len(doc) and \
                doc[j + 1].pos_ in ("NOUN", "PROPN", "ADJ"):
            pass
        elif t.pos_ == "ADV" and t.lower_ in _INTENSIFIERS and j + 1 < len(doc) and \
                doc[j + 1].pos_ == "ADJ":
            pass  # 'the most spectacular catches'
        elif t.pos_ == "CCONJ" and t.lower_ in ("and", "or") and before_cc is None and \
                j > i and j + 1 < len(doc) and (
                    doc[j - 1].pos_ == "ADJ" and doc[j + 1].pos_ == "ADJ" or
                    doc[j - 1].pos_ == "PROPN" and doc[j + 1].pos_ == "PROPN"):
            # coordinated modifiers of one noun: taken only if a common noun ends the phrase
            before_cc = last_noun if last_noun is not None else -1
        elif t.text in ("-", "–") and j + 1 < len(doc) and not t.whitespace_ and \
                doc[j - 1].whitespace_ == "":
            pass
        elif t.tag_ == "POS" and last_noun is not None:
            pass
        else:
            break
        if last_noun is not None and j == last_noun and j + 1 < len(doc):
            nxt = doc[j + 1]
            if nxt.pos_ not in ("NOUN", "PROPN") and not (nxt.text == "-" and
                                                          not t.whitespace_) and \
                    not (nxt.pos_ == "CCONJ" and before_cc is None and t.pos_ == "PROPN" and
                         j + 2 < len(doc) and doc[j + 2].pos_ == "PROPN"):
                break
        j += 1
    if before_cc is not None and (last_noun is None or doc[last_noun].pos_ != "NOUN"):
        last_noun = before_cc if before_cc >= 0 else None
    if last_noun is None:
        return None
    return i, last_noun + 1


_INTENSIFIERS = {"most", "more", "least", "less", "very", "highly", "so", "too"}


def _span_text(doc: "Doc", i: int, j: int) -> tuple[str, int, int]:
    start = doc[i].idx
    end = doc[j - 1].idx + len(doc[j - 1])
    return text_of(doc)[start:end], start, end


def _clean_phrase(head: "Token") -> tuple[int, int]:
    """A subject phrase without appositions, relative clauses or trailing punctuation:
    token range [i, j)."""
    keep = {head.i}
    stack = [head]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ in ("appos", "relcl", "acl", "punct", "cc", "conj", "advcl", "parataxis",
                          "prep") and c.i > head.i and c.dep_ != "prep":
                continue
            if c.dep_ == "prep" and c.i > head.i and c.lower_ not in ("of", "in", "at", "from",
                                                                     "for", "on", "with"):
                continue
            keep.add(c.i)
            stack.append(c)
    i, j = min(keep), max(keep) + 1
    # cut at the first comma after the head: 'Dmitry Peskov, a Kremlin spokesman'
    doc = head.doc
    for k in range(head.i + 1, j):
        if doc[k].text in (",", ";", "(", "—", "–") :
            j = k
            break
    while i < j and doc[i].is_punct:
        i += 1
    while j > i and doc[j - 1].is_punct:
        j -= 1
    return i, j


def _verb_of(tok: "Token") -> "Token | None":
    t = tok
    for _ in range(12):
        if t.pos_ in ("VERB", "AUX") or t.dep_ == "ROOT":
            return t
        if t.head is t:
            return t
        t = t.head
    return None


def _modified_noun(doc: "Doc", s: int, e: int, first: int) -> tuple[int, int] | None:
    """The noun the number in characters [s, e) modifies, to its right, read from the
    parse: token range [first, head + 1) when every token from ``first`` to the noun hangs
    under the noun (the scan in ``_noun_phrase`` stops at words it does not know), else
    None."""
    span = doc.char_span(s, e, alignment_mode="expand")
    for t in span or ():
        h = t
        for _ in range(2):
            if h.dep_ in ("nummod", "quantmod", "compound", "nmod", "amod") and h.head.i > h.i:
                h = h.head
            else:
                break
        if h is t or h.pos_ != "NOUN" or h.i < first or h.i - first > 6:
            continue
        if all(h.is_ancestor(doc[k]) for k in range(first, h.i)):
            return first, h.i + 1
    return None


class AmountContext:
    def __init__(self, doc: "Doc", index: "EntityIndex | None", reader: AmountReader):
        self.doc = doc
        self.text = text_of(doc)
        self.index = index
        self.reader = reader
        self._source_cache: dict[int, tuple[str | None, tuple[int, int] | None]] = {}

    def num_token(self, d: Draft) -> "Token | None":
        return self.reader.token_at(d.core.start)

    def counted(self, d: Draft) -> None:
        """'10,000 Russian citizens' → object 'Russian citizens', unit 'people'."""
        if d.unit is not None and d.unit not in ("percent",) and d.currency is None and \
                d.core.kind != "vague":
            self._of_object(d)
            return
        if d.unit is not None:
            self._of_object(d)
            return
        text = self.text
        pos = d.end
        gap = text[pos:pos + 4]
        hy = re.match(r"-([a-z]+)\b(?!-)", text[pos:pos + 30])
        if hy:
            # 'six-cylinder engine', 'an 11-member panel': the counted noun is the word
            tok = self.reader.token_from(pos + 1)
            d.object = hy.group(1)
            d.unit = lemma(tok) if tok is not None and tok.idx == pos + 1 and \
                tok.text == hy.group(1) else hy.group(1)
            d.count_noun = True
            return
        of_the = re.match(r"\s+of\s+(?:the|its|his|her|their|our|my|your|these|those)\s+",
                          text[pos:pos + 20])
        partitive = False
        if d.core.kind in ("words", "digits") and of_the and \
                (d.value == 1 or d.core.kind == "words" or not d.scaled):
            # a part of a whole: 'one of the best speakers', '12 of the 40 protesters';
            # the whole is what is counted, and the amount's span stays the number's
            pos += of_the.end()
            partitive = True
            whole = re.match(r"(?:\d[\d,.]*|[a-z]+(?:-[a-z]+)?)\s+", text[pos:pos + 20])
            if whole and self.reader.token_from(pos) is not None and \
                    self.reader.token_from(pos).pos_ == "NUM":
                pos += whole.end()  # '12 of the 40 protesters': what the 40 count
        elif d.core.kind in ("vague", "words") and gap.lower().startswith(" of "):
            pos += 4
        elif gap[:1] in (" ", "-"):
            pos += 1
        else:
            return
        tok = self.reader.token_from(pos)
        if d.core.kind == "vague" and d.unit is None and not gap.lower().startswith(" of "):
            # 'thousands fled', 'hundreds hope to ...': a vague count as a verb's subject
            own = self.num_token(d)
            if own is not None and own.dep_ == "nsubj" and own.head.pos_ == "VERB":
                d.unit = "people"
                return
        if tok is None or tok.idx != pos or not tok.text[:1].isalpha():
            return
        if re.fullmatch(r"[^\W\d_]\.?", tok.text):
            # a lone letter ('125.8 p.', '12 C melting point') is a unit symbol, never the
            # counted noun: a known symbol by its name, else the letter as written
            letter = tok.text.rstrip(".")
            known = U.match_unit(letter, 0, glued=True)
            d.unit = known[0] if known and known[2] == len(letter) else letter
            d.end = max(d.end, tok.idx + len(letter))
            return
        if tok.lower_ in ("of", "last", "next", "this", "that", "each", "every", "per", "a",
                          "an", "the", "these", "those", "or", "and", "to"):
            return
        intensified = tok.pos_ == "ADV" and tok.lower_ in _INTENSIFIERS and \
            tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].pos_ == "ADJ"
        if tok.pos_ == "ADV" and not intensified:
            # 'three highly rated young players', '40 so-called smart homes': only the
            # parse says whether the adverb sits inside the counted noun's phrase
            np = _modified_noun(self.doc, d.core.start, d.end, tok.i)
        elif tok.pos_ in ("AUX", "ADP", "PRON", "CCONJ", "SCONJ", "PART") or \
                tok.pos_ == "VERB" and tok.tag_ not in ("VBG", "VBN"):
            return
        else:
            np = _noun_phrase(self.doc, tok)
            if np is None:
                np = _modified_noun(self.doc, d.core.start, d.end, tok.i)
        if np is None:
            return
        i, j = np
        head = self.doc[j - 1]
        if head.lower_ in ("percent", "cent"):
            return
        obj, _, oend = _span_text(self.doc, i, j)
        d.object = obj
        d.count_noun = True
        low = head.lower_
        as_unit = U.match_unit(head.text, 0, glued=False)
        if as_unit and as_unit[2] == len(head.text) and as_unit[0] not in U.MONEY_UNITS:
            d.unit = as_unit[0]  # '517 rushing yards'
        elif low in PEOPLE or (head.ent_type_ == "NORP" and low.endswith("s")) or \
                (head.tag_ == "NNPS" and head.ent_type_ in ("NORP", "")):
            d.unit = "people"
        else:
            d.unit = lemma(head) if head.pos_ == "NOUN" else head.text
        if partitive:
            return
        d.end = max(d.end, oend)
        # a rate right after the counted noun: '30 deaths a day'
        if d.per is None:
            before = d.end
            self.reader._per(d)
            if d.end == before:
                d.end = oend

    def _of_object(self, d: Draft) -> None:
        """'54GB of data', '60 per cent of its revenue', 'a 25% tax', '$800 stone oven'."""
        text = self.text
        m = re.match(r"\s+of\s+", text[d.end:d.end + 8])
        tok = None
        if m:
            tok = self.reader.token_from(d.end + m.end())
        elif text[d.end:d.end + 1] in (" ", "-"):
            t = self.reader.token_from(d.end + 1)
            if t is not None and t.pos_ in ("NOUN", "ADJ", "PROPN") and t.idx == d.end + 1:
                tok = t
        if tok is None:
            return
        np = _noun_phrase(self.doc, tok)
        if not np:
            return
        if not m:
            # the amount must modify the noun ('a 25% tax'), not sit beside it ('5% today')
            inside = self.doc.char_span(d.start, d.end, alignment_mode="expand") or []
            if not any(np[0] <= t.head.i < np[1] for t in inside):
                return
        d.object = _span_text(self.doc, *np)[0]

    def subject_object(self, d: Draft) -> None:
        """No counted noun: the subject of the number's clause ('Revenue rose to $7bn')."""
        if d.object is not None:
            return
        tok = self.num_token(d)
        if tok is None:
            return
        # the number modifies a noun before it: 'a sum of $5m' → 'sum'
        verb = _verb_of(tok)
        if verb is None:
            return
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subj:
            if verb.dep_ in ("xcomp", "ccomp", "advcl", "conj") and verb.head is not verb:
                subj = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subj or subj[0].lower_ in PRONOUNS:
            return
        head = subj[0]
        if head.idx <= d.core.start < head.idx + len(head):
            return
        i, j = _clean_phrase(head)
        # keep the noun phrase only (no verbs inside)
        while i < j and self.doc[i].pos_ == "DET":
            i += 1
        if i >= j:
            return
        if any(self.doc[k].pos_ in ("VERB", "AUX") for k in range(i, j)):
            i, j = head.i, head.i + 1
            while i > 0 and self.doc[i - 1].dep_ in ("compound", "amod") and \
                    self.doc[i - 1].head.i == head.i:
                i -= 1
        d.object = _span_text(self.doc, i, j)[0]

    def clause_rate(self, d: Draft) -> None:
        """'10,000 citizens had crossed the border each day' → per 'day'."""
        if d.per is not None:
            return
        tok = self.num_token(d)
        if tok is None:
            return
        verb = _verb_of(tok)
        if verb is None:
            return
        for c in verb.children:
            if lemma_in(c, TIME_PER) and c.i > tok.i and not \
                    (d.start <= c.idx < d.end):
                dets = [g for g in c.children if g.lower_ in ("each", "every", "per", "a",
                                                               "an")]
                if dets and (dets[0].lower_ != "a" and dets[0].lower_ != "an" or
                             c.dep_ == "npadvmod"):
                    d.per = lemma(c)
                    return
            if c.lower_ == "per" and c.dep_ == "prep":
                for g in c.children:
                    if g.dep_ == "pobj" and lemma_in(g, TIME_PER):
                        d.per = lemma(g)
                        return

    # -- sources --------------------------------------------------------------------
    def source(self, d: Draft) -> tuple[str | None, tuple[int, int] | None]:
        tok = self.num_token(d)
        if tok is None:
            return None, None
        sent = tok.sent
        # 'according to X'
        for t in sent:
            if t.lower_ == "according" and t.i + 1 < len(self.doc) and \
                    self.doc[t.i + 1].lower_ == "to":
                to = self.doc[t.i + 1]
                pobj = [c for c in to.children if c.dep_ == "pobj"]
                if pobj:
                    return self._name(pobj[0])
                nxt = to.i + 1
                if nxt < sent.end:
                    np = _noun_phrase(self.doc, self.doc[nxt])
                    if np:
                        return self._name(self.doc[np[1] - 1])
        # a report verb governing the number's clause
        child = tok
        for anc in tok.ancestors:
            if lemma_in(anc, REPORT_VERBS) and anc.pos_ in ("VERB", "AUX") and \
                    child.dep_ not in ("nsubj", "nsubjpass", "csubj"):
                found = self._subject_of(anc)
                if found[0] is not None or found[1] is not None:
                    return found
            child = anc
        return None, None

    def _subject_of(self, verb: "Token") -> tuple[str | None, tuple[int, int] | None]:
        subj = [c for c in verb.children if c.dep_ in ("nsubj",)]
        if not subj:
            # passive: 'it was reported by X'; or a conjoined verb sharing the subject
            for c in verb.children:
                if c.dep_ == "agent":
                    for g in c.children:
                        if g.dep_ == "pobj":
                            return self._name(g)
            if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
                subj = [c for c in verb.head.children if c.dep_ == "nsubj"]
            if verb.dep_ in ("xcomp",):
                subj = [c for c in verb.head.children if c.dep_ == "nsubj"]
        if not subj:
            return None, None
        head = subj[0]
        if head.lower_ in ("it", "there", "this", "that", "which", "what"):
            return None, None
        if lemma_in(head, DOCUMENT_NOUNS) or head.lower_ in DOCUMENT_NOUNS:
            # 'X's figures show', 'data from X', 'a CNN survey found'
            for c in head.children:
                if c.dep_ == "poss":
                    return self._name(c)
            for c in head.children:
                if c.dep_ == "prep" and c.lower_ in ("from", "by", "of"):
                    for g in c.children:
                        if g.dep_ == "pobj":
                            return self._name(g)
            for c in head.children:
                if c.dep_ == "compound" and c.pos_ == "PROPN":
                    return self._name(c)
        return self._name(head)

    def _name(self, head: "Token") -> tuple[str | None, tuple[int, int] | None]:
        i, j = _clean_phrase(head)
        if head.tag_ == "POS" or head.dep_ == "case":
            head = head.head
        text, start, end = _span_text(self.doc, i, j)
        if self.index is not None:
            hs, he = head.idx, head.idx + len(head)
            ent = self.index.at(hs, he)
            if ent is not None and any(s <= hs and he <= e for s, e in ent.mentions):
                return ent.name, (start, end)
            if head.lower_ in PRONOUNS or head.pos_ == "PRON" or \
                    (head.lower_ in _ROLEISH and j - i <= 4):
                ent = self.index.resolve(start, end)
                if ent is not None:
                    return ent.name, (start, end)
                if head.pos_ == "PRON":
                    return None, (start, end)
        elif head.pos_ == "PRON":
            return None, (start, end)
        clean = re.sub(r"\s+", " ", text).strip()
        clean = re.sub(r"(?:['’]s|['’])$", "", clean)
        clean = re.sub(r"^(?:[Tt]he|[Aa]n?)\s+", "", clean)
        return clean, (start, end)


_ROLEISH = {"spokesman", "spokeswoman", "spokesperson", "president", "minister", "secretary",
            "chancellor", "official", "governor", "mayor", "director", "chief", "leader",
            "ceo", "chairman", "chairwoman", "premier", "king", "queen", "general"}


_UP = {"rise", "increase", "grow", "climb", "jump", "gain", "surge", "soar", "rally", "advance",
       "add", "expand", "raise", "boost", "lift", "swell", "spike"}
_DOWN = {"fall", "drop", "decline", "decrease", "shrink", "slip", "slide", "sink", "plunge",
         "tumble", "lose", "cut", "reduce", "lower", "dip", "ease", "contract", "plummet", "slump"}


def change_direction(doc: "Doc", char: int) -> str | None:
    """'up' or 'down' when the number is the size of a rise or a fall ('rose 5%', 'fell by
    $2bn'); None for a level ('rose to $7bn') and everything else."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None:
        return None
    tok = span[0]
    # climb from the number to the noun phrase's head, then to the verb it hangs on
    for _ in range(3):
        if tok.dep_ in ("nummod", "quantmod", "compound", "nmod", "amod") and tok.head is not tok:
            tok = tok.head
        else:
            break
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ == "by":
        head = head.head
    elif tok.dep_ == "pobj":
        return None  # 'to $7bn', 'from 5%': a level
    elif tok.dep_ not in ("dobj", "npadvmod", "attr", "advmod"):
        return None
    verb = lemma(head)
    if verb in _UP:
        return "up"
    if verb in _DOWN:
        return "down"
    return None

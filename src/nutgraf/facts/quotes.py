"""Who said what: direct, mixed and indirect quotations, each with its speaker and cue.

Three passes over one spaCy parse of the article text:

1. **Quoted passages** are found by a scanner over the characters, one paragraph at a time:
   “…”, "…", ‘…’, '…', « », „…“ and nesting.  Apostrophes (don’t, Moscow’s, '90s, rock 'n'
   roll) are not taken for single quotes; an unclosed mark never pairs with one in another
   paragraph — a quotation continues into the next paragraph only when that paragraph
   opens with a quotation mark (the convention for multi-paragraph quotes).
2. **Cues** are speech verbs (``cues.SPEECH_VERBS``, by lemma) with a subject — the speaker —
   and a clausal complement (``ccomp``; ``xcomp`` for 'pledged to …'; object and
   description for 'branded X a “…”'), plus 'according to X'.  A subject missing from the
   parse is taken from the verb the cue is coordinated with ('…, adding that …') or from the
   noun phrase right before the cue.
3. **Attribution.**  A passage belongs to the cue whose complement it sits in (the
   dependency path from the passage up to the cue): it is *direct* when it is the whole
   complement, *mixed* when the complement has words outside the quotation marks (the
   content is then the whole reported clause and the quoted fragments are its
   ``direct_parts``).  When the parse does not link them, the cue right after the closing
   mark (“…,” he said) or right before the opening one (he said: “…”) is used; a passage
   that opens a sentence right after an attributed quotation continues it (same speaker).
   A cue whose complement holds no passage gives an *indirect* quote.  A short quoted term
   with no cue (a scare quote) is not a quote.

Speakers are resolved through the article's entities: a name to its canonical entity, a
role phrase ('the spokesman') to the person it refers to (``EntityIndex.resolve``); a
speaker that names no entity ('authorities in Georgia') keeps its own words.  'he'/'she'
is the nearest earlier person who spoke or was the subject of a main clause, of the
pronoun's gender when the article shows it (Mr/Ms, or he/she beside a lone name); 'who'
in 'Smith, who said …' is Smith.  Typewriter quotes ('' … '') count as double marks.

A speaker is someone or something that can speak: a person, an organisation, a group or a
document or statement ('the report said').  A figure ('Fifty-one percent say …') or a media
object ('the clip suggests …') is not: the quote keeps no speaker rather than a wrong one.
When the parse makes a time ('5:45 p.m. … Gary Johnson's doctor is calling'), a stray word or
words inside the quotation itself the subject, the speaker is the noun phrase right before
the cue, or the person (else organisation) the sentence names before it (``can_speak``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nutgraf.facts.cues import (
    DOUBLE_OPEN,
    ELISIONS,
    FIRST_PERSON,
    DOBJ_VERBS,
    NAMING_VERBS,
    OBJECT_PREPS,
    PARTICLE_CUES,
    PARTICLE_ONLY,
    PRONOUNS,
    QUOTE_ONLY,
    SINGLE_OPEN,
    SPEECH_VERBS,
    XCOMP_VERBS,
)
from nutgraf.model import Quote
from nutgraf.facts.nlp import lemma, lemma_in, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from nutgraf.facts.entities import EntityIndex

ALL_MARKS = set(DOUBLE_OPEN) | set("”’‘'›‹‚") | {c for v in DOUBLE_OPEN.values() for c in v}
_PARA_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_OPEN_BEFORE = set(" \t\n\u00a0([{—–-/“\"„«‘'")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SENT_END = set(".!?:")
# Role nouns whose definite form ('the spokesman') is resolved to a person.
ROLE_NOUNS = frozenset({
    "president", "minister", "secretary", "chancellor", "spokesman", "spokeswoman",
    "spokesperson", "senator", "governor", "mayor", "chairman", "chairwoman", "director",
    "ceo", "chief", "leader", "king", "queen", "general", "commander", "ambassador", "envoy",
    "judge", "premier", "candidate", "nominee", "founder", "coach", "manager", "official",
    "adviser", "advisor", "professor", "economist", "lawmaker", "congressman",
    "congresswoman", "representative", "prosecutor", "lawyer", "attorney", "author",
    "businessman", "businesswoman", "billionaire", "actor", "actress", "star", "officer",
})
# Dependency relations by which what was said hangs on its cue.
CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "oprd", "parataxis", "attr", "dep", "advcl",
                "conj", "npadvmod", "pobj", "prep", "acomp", "nsubj", "punct", "appos"}
_SPEAKER_CUT = {"relcl", "acl", "advcl"}
_REASON_MARKS = {"because", "since", "unless", "if", "so"}
# Words that float between a subject and its verb ('they all said').
_FLOATING = frozenset({"all", "both", "each", "too", "also", "themselves", "himself", "herself"})


# --------------------------------------------------------------------------- passages

@dataclass
class Passage:
    """One top-level quotation: content without its marks, one part per paragraph."""

    start: int
    end: int
    open: int  # position of the opening mark
    close: int  # position just after the closing mark (the paragraph end when unclosed)
    parts: list[tuple[int, int]] = field(default_factory=list)
    closed: bool = True

    def words(self, text: str) -> int:
        return len(_WORD.findall(text[self.start:self.end]))


_LINE_BREAK = re.compile(r"\n\s*")
_LINE_END = re.compile(r"[.!?:\"”’')]\s*$")


def _lines_are_paragraphs(text: str) -> bool:
    """Whether single line breaks separate paragraphs: most breaks are single, and most
    lines end a sentence (a hard-wrapped text's lines end mid-sentence)."""
    breaks = text.count("\n")
    if breaks < 3 or len(_PARA_BREAK.findall(text)) * 2 >= breaks:
        return False
    lines = [ln for ln in text.split("\n") if ln.strip()]
    return sum(1 for ln in lines if _LINE_END.search(ln)) * 2 >= len(lines)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph, whitespace trimmed: blocks separated by blank
    lines, or lines where the text writes one paragraph a line."""
    out, pos = [], 0
    breaks = _LINE_BREAK if _lines_are_paragraphs(text) else _PARA_BREAK
    for m in list(breaks.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        s, e = pos, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
        if m:
            pos = m.end()
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace()):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
        e -= 1
    return s, e


def _is_elision(text: str, i: int) -> bool:
    m = _WORD.match(text, i + 1)
    if not m:
        return False
    w = m.group(0).lower()
    return w in ELISIONS or bool(re.fullmatch(r"\d\d(?:s)?", w))


def find_passages(text: str) -> list[Passage]:
    """Every top-level quoted passage of ``text``, in order."""
    out: list[Passage] = []
    paras = paragraphs(text)
    carry: list | None = None  # [opener_pos, closers, parts] of a quote open at a paragraph end
    for pi, (ps, pe) in enumerate(paras):
        # stack entries: [kind 'd'|'s', opener char, opener pos, closers, content start, parts]
        stack: list[list] = []
        i = ps
        if carry is not None:
            ch = text[ps]
            w = 2 if text.startswith(("''", "``"), ps) else 1
            if w == 2 or ch in DOUBLE_OPEN or ch == "”":
                ch = '"' if w == 2 else ch
                stack.append(["d", ch, carry[0], carry[1] + DOUBLE_OPEN.get(ch, "”"), ps + w,
                              carry[2]])
                i = ps + w
            carry = None
        while i < pe:
            ch = text[i]
            if ch not in ALL_MARKS and ch != "`":
                i += 1
                continue
            width = 1
            if text.startswith("''", i) or text.startswith("``", i):
                # typewriter double quotes ('' and ``, as some newspapers' archives write them)
                ch, width = '"', 2
            elif ch == "`":
                i += 1
                continue
            prev = text[i - 1] if i > ps else " "
            nxt = text[i + width] if i + width < pe else " "
            opening_ctx = (prev in _OPEN_BEFORE or prev.isspace()) and not nxt.isspace()
            closing_ctx = not prev.isspace() and not nxt.isalnum()
            if ch in "«»":  # French sets guillemets off with (no-break) spaces
                opening_ctx = opening_ctx or (ch == "«" and (prev in _OPEN_BEFORE
                                                              or prev.isspace()))
                closing_ctx = closing_ctx or (ch == "»" and not nxt.isalnum())
            single = ch in "‘’'‚‹›"
            if single:
                closer = None
                if closing_ctx and ch in "'’›":
                    closer = _accepting(stack, ch, "s")
                if closer is not None:
                    _pop(stack, closer, i, text, out)
                elif ch in SINGLE_OPEN and opening_ctx and nxt.isalnum() or (
                        ch in SINGLE_OPEN and opening_ctx and nxt in "“\"…"):
                    if not _is_elision(text, i) and not (ch == "'" and prev.isalnum()):
                        stack.append(["s", ch, i, SINGLE_OPEN[ch], i + 1, []])
                i += 1
                continue
            # double marks and guillemets
            closer = _accepting(stack, ch, "d")
            if ch == '"' and closer is not None:
                top = stack[-1]
                if top[1] != '"' and top[0] == "d" and opening_ctx and not closing_ctx:
                    stack.append(["d", ch, i, DOUBLE_OPEN[ch], i + width, []])  # nested
                else:
                    _pop(stack, closer, i, text, out, width)
            elif closer is not None and not (ch in "“„«" and opening_ctx and not closing_ctx
                                             and stack[closer][1] not in "„»"):
                _pop(stack, closer, i, text, out)
            elif ch in DOUBLE_OPEN and ch != "»" and opening_ctx:
                stack.append(["d", ch, i, DOUBLE_OPEN[ch], i + width, []])
            elif ch in "”»" and opening_ctx and nxt.isalnum():
                stack.append(["d", ch, i, "”" if ch == "”" else "«", i + 1, []])
            i += width
        # the paragraph ends: what is still open?
        bottom = next((e for e in stack if e[0] == "d"), None)
        if bottom is None:
            continue
        s, e = _trim(text, bottom[4], pe)
        parts = bottom[5] + ([(s, e)] if e > s else [])
        nxt_start = paras[pi + 1][0] if pi + 1 < len(paras) else None
        if nxt_start is not None and parts and (
                text.startswith(("''", "``"), nxt_start)
                or (text[nxt_start] in DOUBLE_OPEN or text[nxt_start] == "”")
                and text[nxt_start] != "»"):
            carry = [bottom[2], bottom[3], parts]
        elif parts and len(_WORD.findall(text[parts[0][0]:parts[-1][1]])) >= 4 \
                and (bottom[2] == ps or text[bottom[2] - 1].isspace() or text[bottom[2] - 1] == ":"
                     or len(bottom[5]) > 0):
            # an unclosed quotation runs to the end of its paragraph
            out.append(Passage(parts[0][0], parts[-1][1], bottom[2], pe, parts, closed=False))
    out.sort(key=lambda p: p.start)
    return out


def _accepting(stack: list[list], ch: str, kind: str) -> int | None:
    for k in range(len(stack) - 1, -1, -1):
        if stack[k][0] == kind and ch in stack[k][3]:
            return k
    return None


def _pop(stack: list[list], k: int, i: int, text: str, out: list[Passage],
         width: int = 1) -> None:
    entry = stack[k]
    del stack[k:]
    if stack:
        return  # a nested quotation: part of the one around it
    s, e = _trim(text, entry[4], i)
    parts = entry[5] + ([(s, e)] if e > s else [])
    if parts:
        out.append(Passage(parts[0][0], parts[-1][1], entry[2], i + width, parts))


# --------------------------------------------------------------------------- cues

@dataclass
class Cue:
    token: "Token"
    speaker: "Token | None"
    content: tuple[int, int] | None  # char span of what was said (None: a quotation must follow)
    arg: "Token | None"  # the head of the content
    cue_span: tuple[int, int]
    quote_only: bool = False
    naming: bool = False  # content is 'X a "..."' after a naming verb
    gap: tuple[int, int] | None = None  # the cue set inside its content ('X, he said, Y')
    unsaid: bool = False  # a question put to someone ('when asked whether …'): no speaker needed
    dropped: bool = False  # the parse's speaker could not speak (a time, a figure): none named
    signed: tuple[int, int] | None = None  # the name that signs a quotation ('” ― Ann Lee')


def _is_verb(tok: "Token") -> bool:
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


def _subject(tok: "Token") -> "Token | None":
    """The cue's speaker token: its subject, or that of the verb it is joined to."""
    seen = 0
    cur = tok
    while cur is not None and seen < 4:
        for c in cur.children:
            if c.dep_ in ("nsubj",) or (c.dep_ == "nsubjpass" and cur is not tok):
                if c.lower_ in ("who", "that", "which") and cur.dep_ == "relcl":
                    return cur.head  # 'Smith, who has said …': the relative's antecedent
                return c
        if cur.dep_ in ("conj", "advcl", "xcomp", "pcomp", "prep") and cur.head is not cur \
                and (cur.dep_ != "advcl" or cur.tag_ == "VBG"):
            cur = cur.head
            seen += 1
            continue
        break
    return None


_QUESTION_MARKS = {"whether", "if", "how", "why", "what", "who", "when", "where", "which"}


def _asked(doc: "Doc", tok: "Token", inside) -> Cue | None:
    """'She was asked by a reporter whether …' / 'when asked about …': the question is what
    was said, the asker (the agent, when named) its speaker."""
    agent = next((c for c in tok.children if c.dep_ == "agent"), None)
    speaker = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
    comp = next((c for c in tok.children if c.dep_ in ("ccomp", "xcomp") and c.i > tok.i and (
        c.left_edge.lower_ in _QUESTION_MARKS or any(
            m.dep_ == "mark" and m.lower_ in ("whether", "if") for m in c.children))), None)
    if comp is not None:
        content = _subtree_span(comp, exclude=tok)
    else:
        about = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "about"
                      and c.i > tok.i), None)
        pobj = next((c for c in about.children if c.dep_ in ("pobj", "pcomp")), None) \
            if about is not None else None
        if pobj is None:
            return None
        content = _span(doc, pobj.left_edge.i, pobj.right_edge.i)
        comp = pobj
    if inside(content[0]):
        return None
    return Cue(tok, speaker, content, comp, (tok.idx, tok.idx + len(tok)), unsaid=True)


def _subject_after(doc: "Doc", tok: "Token") -> "Token | None":
    """'“…,” said Ann Lee, the mayor': an inverted speaker the parse hung elsewhere."""
    if tok.i == 0 or tok.i + 1 >= len(doc) or not doc[tok.i - 1].is_punct:
        return None
    cand = doc[tok.i + 1]
    if cand.pos_ != "PROPN":
        return None
    while cand.dep_ in ("compound", "flat") and cand.head.i > cand.i \
            and cand.head.pos_ == "PROPN" and cand.head.i - tok.i <= 5:
        cand = cand.head
    return cand


def _subject_before(doc: "Doc", tok: "Token") -> "Token | None":
    """A noun phrase ending right before the cue, when the parse gave the cue no subject
    ('as leading figures had repeatedly pledged …')."""
    j = tok.i - 1
    while j >= tok.sent.start and (doc[j].dep_ in ("aux", "auxpass", "advmod", "neg")
                                   or doc[j].is_punct and doc[j].text == ","
                                   or doc[j].lower_ in _FLOATING):
        j -= 1
    if j < tok.sent.start:
        return None
    cand = doc[j]
    if cand.pos_ not in ("NOUN", "PROPN", "PRON") or cand.lower_ in FIRST_PERSON:
        return None
    # climb to the head of the noun phrase the word ends
    while cand.head is not cand and cand.head.i < tok.i and cand.head.pos_ in (
            "NOUN", "PROPN") and cand.dep_ in ("compound", "appos", "conj", "poss"):
        cand = cand.head
    if cand.dep_ == "pobj":
        # 'Prior to the decree, Latvia, Lithuania and Poland confirmed': the parser hung the
        # subjects on the introductory phrase as its conjuncts
        for c in cand.children:
            if c.dep_ == "conj" and c.i > 0 and doc[c.i - 1].text == ",":
                return c
    return cand


def _span(doc: "Doc", left: int, right: int) -> tuple[int, int]:
    """Char span of tokens ``left..right`` without edge punctuation and a leading 'that'."""
    while left <= right and (doc[left].is_punct or doc[left].is_space
                             or (doc[left].dep_ == "mark" and doc[left].lower_ == "that")):
        left += 1
    while right >= left and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    if right < left:
        return (doc[min(left, len(doc) - 1)].idx, doc[min(left, len(doc) - 1)].idx)
    return doc[left].idx, doc[right].idx + len(doc[right])


def _subtree_span(tok: "Token", exclude: "Token | None" = None) -> tuple[int, int]:
    doc = tok.doc
    left, right = tok.left_edge.i, tok.right_edge.i
    if exclude is not None:  # never include the cue (content before the cue)
        if exclude.i > tok.i:
            right = min(right, exclude.i - 1)
        else:
            left = max(left, exclude.i + 1)
    # 'said he would offer a prayer but did not suggest …': a second speech verb joined to
    # the content without a subject of its own is the speaker's next statement, not content
    for t in doc[tok.i + 1:right + 1]:
        if t.dep_ == "conj" and lemma_in(t, SPEECH_VERBS) and _is_verb(t) \
                and not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
            right = t.left_edge.i - 1
            while right > tok.i and (doc[right].dep_ == "cc" or doc[right].is_punct):
                right -= 1
            break
    return _span(doc, left, _before_aside(doc, left, right))


# Words that open a comment set off after what was said: ', which forced her to leave',
# ', although he refused', ', when there are clips': the writer's aside, not the speaker's.
_ASIDE_RELATIVES = frozenset({"which", "who", "whom", "whose"})
_ASIDE_MARKS = frozenset({"although", "though", "whereas", "while", "when"})


def _before_aside(doc: "Doc", left: int, right: int) -> int:
    """The last token of ``left..right`` before a trailing aside the writer set off with a
    comma: a non-restrictive relative clause (', which …'), a participle clause (', arguing
    that …') or a concessive/temporal clause (', although …').  The aside must run to the
    span's end; what comes before it must have a few words of its own."""
    for k in range(left + 3, right):
        if doc[k].text != ",":
            continue
        nxt = doc[k + 1]
        mod = nxt if nxt.dep_ not in ("mark", "nsubj", "nsubjpass", "advmod") else nxt.head
        if mod.i < k + 1 or mod.right_edge.i < right or mod.left_edge.i != k + 1:
            continue
        relative = mod.dep_ == "relcl" and nxt.lower_ in _ASIDE_RELATIVES
        participle = mod is nxt and nxt.tag_ == "VBG" and mod.dep_ in ("advcl", "acl", "xcomp")
        concessive = mod.dep_ == "advcl" and nxt.lower_ in _ASIDE_MARKS
        if relative or participle or concessive:
            end = k - 1
            while end > left and (doc[end].is_punct or doc[end].is_space):
                end -= 1
            return end
    return right


def _particle(tok: "Token", words: set[str]) -> "Token | None":
    for c in tok.children:
        if c.i > tok.i and c.dep_ in ("prt", "prep") and c.lower_ in words:
            return c  # 'called for …', never 'On CNN, she called …'
    return None


def find_cues(doc: "Doc", inside) -> list[Cue]:
    """Speech verbs with their speaker and content; ``inside(pos)`` is True within a
    quotation (cues there are part of what is quoted)."""
    cues: list[Cue] = []
    for tok in doc:
        low = tok.lower_
        if low == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            if inside(tok.idx):
                continue
            to = doc[tok.i + 1]
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
            if pobj is None:
                continue
            cues.append(Cue(tok, pobj, _according_content(doc, tok, to), None,
                            (tok.idx, to.idx + len(to))))
            continue
        if not _is_verb(tok):
            continue
        if not lemma_in(tok, SPEECH_VERBS) or inside(tok.idx):
            continue
        verb = lemma(tok)
        if tok.dep_ in ("amod", "compound", "nsubj", "nsubjpass", "pobj", "dobj"):
            continue
        if verb == "ask" and (any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
                               or (tok.tag_ == "VBN"
                                   or tok.dep_ == "advcl" and tok.tag_ == "VBD")
                               and not any(c.dep_ == "nsubj" for c in tok.children)):
            asked = _asked(doc, tok, inside)
            if asked is not None:
                cues.append(asked)
            continue
        if any(c.dep_ == "nsubjpass" for c in tok.children):
            continue  # 'was told', 'is called': the subject is not the speaker
        speaker = _subject(tok)
        if speaker is None:
            speaker = _subject_after(doc, tok)
        if speaker is None:
            speaker = _subject_before(doc, tok)
        cue_end = tok.idx + len(tok)
        arg = None
        content = None
        particles = PARTICLE_CUES.get(verb)
        if particles is not None:
            part = _particle(tok, particles)
            if part is None and verb in PARTICLE_ONLY:
                continue
            if verb == "refer" and not any(c.dep_ == "prep" and c.lower_ == "as"
                                            for c in tok.children):
                continue  # 'referred to Smith as “…”', not 'referring to the decree'
            if part is not None:
                cue_end = part.idx + len(part)
                if part.dep_ == "prep":
                    pobj = next((c for c in part.children if c.dep_ in ("pobj", "pcomp")), None)
                    if pobj is not None:
                        arg, content = pobj, _subtree_span(pobj)
                        # 'called on Congress to act': the infinitive hangs on the verb;
                        # 'referred to Smith as “a genius”': so does the description
                        tails = [c for c in tok.children if c.i > pobj.i and (
                            c.dep_ in ("xcomp", "ccomp") or c.dep_ == "prep" and c.lower_ == "as")]
                        if tails:
                            content = _span(doc, pobj.left_edge.i,
                                            max(c.right_edge.i for c in tails))
        if arg is None:
            comps = [c for c in tok.children if c.dep_ == "ccomp"]
            if not comps and verb in XCOMP_VERBS:
                comps = [c for c in tok.children if c.dep_ == "xcomp"]
            if comps:
                arg = comps[0] if len(comps) == 1 else min(comps, key=lambda c: abs(c.i - tok.i))
                content = _subtree_span(arg, exclude=tok)
            elif verb in NAMING_VERBS:
                objs = [c for c in tok.children if c.dep_ in ("dobj", "oprd") and c.i > tok.i]
                if len(objs) >= 2 or any(c.dep_ == "oprd" for c in objs) or (
                        objs and any(c.dep_ == "prep" and c.lower_ == "as" for c in tok.children)):
                    arg = objs[0]
                    right = max(c.right_edge.i for c in tok.children if c.i > tok.i and (
                        c.dep_ in ("dobj", "oprd") or c.dep_ == "prep" and c.lower_ == "as"))
                    content = _span(doc, objs[0].left_edge.i, right)
            elif verb in DOBJ_VERBS:
                # 'announced a series of steps', 'denied the report': what was said, named
                objs = [c for c in tok.children if c.dep_ == "dobj" and c.i > tok.i]
                if objs and (objs[0].pos_ in ("NOUN", "PROPN") and
                             objs[0].right_edge.i - objs[0].left_edge.i >= 1 or any(
                                 c.dep_ == "prep" and c.lower_ in OBJECT_PREPS and c.i > objs[0].i
                                 for c in tok.children)):
                    arg = objs[0]
                    content = _object_span(doc, tok, arg)
        if content is not None and arg is not None and arg.dep_ in ("ccomp", "xcomp"):
            # 'said it would fail because …': a reason clause after the content is part of it
            for c in tok.children:
                if c.dep_ == "advcl" and c.i > arg.right_edge.i and any(
                        m.dep_ == "mark" and m.lower_ in _REASON_MARKS for m in c.children):
                    content = (content[0], _span(doc, c.left_edge.i, c.right_edge.i)[1])
        naming = content is not None and arg is not None and arg.dep_ in ("dobj", "oprd") \
            and verb in NAMING_VERBS
        gap = None
        if content is None:
            content = _content_as(doc, tok, speaker)
        if content is None:
            content, gap = _content_around(doc, tok, speaker)
        if content is None:
            content, arg = _content_before(doc, tok, speaker)
        quote_only = verb in QUOTE_ONLY
        cues.append(Cue(tok, speaker, content, arg, (tok.idx, cue_end), quote_only, naming,
                        gap))
    return cues


def _object_span(doc: "Doc", tok: "Token", obj: "Token") -> tuple[int, int]:
    """The object a DOBJ verb names, with the 'of'/'for' phrase that says what it is about
    ('accused Smith of lying'), without a comment set off after it (', which …')."""
    right = obj.right_edge.i
    for c in obj.children:
        if c.dep_ in ("relcl", "acl", "appos") and c.i > obj.i \
                and doc[c.left_edge.i - 1].text == ",":
            right = min(right, c.left_edge.i - 2)
    tails = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in OBJECT_PREPS
             and c.i > obj.right_edge.i]
    if tails:
        right = max(right, tails[0].right_edge.i)
    return _span(doc, obj.left_edge.i, _before_aside(doc, obj.left_edge.i, right))


def _according_content(doc: "Doc", tok: "Token", to: "Token") -> tuple[int, int] | None:
    sent = tok.sent
    phrase_end = max(t.i for t in to.subtree)
    phrase_start = tok.i
    before = [t for t in sent if t.i < phrase_start and not t.is_punct]
    after = [t for t in sent if t.i > phrase_end and not t.is_punct]
    if len(before) <= 1 and len(after) >= 3:
        return _span(doc, phrase_end + 1, sent.end - 1)
    if len(after) <= 1 and len(before) >= 3:
        return _span(doc, sent.start, phrase_start - 1)
    if len(before) <= 1 or len(after) <= 1:
        return None
    if before and after:
        return _span(doc, sent.start, sent.end - 1)
    return None


_DASH_COMMA = (",", "—", "–")


def _content_as(doc: "Doc", tok: "Token", speaker: "Token | None") -> tuple[int, int] | None:
    """'As the mayor noted, the bridge is closed.': the clause the 'as' cue modifies."""
    if speaker is None or tok.dep_ != "advcl" or not any(
            c.dep_ == "mark" and c.lower_ == "as" for c in tok.children):
        return None
    head = tok.head
    if tok.i < head.i:
        left, right = tok.right_edge.i + 1, head.right_edge.i
    else:
        left, right = head.left_edge.i, tok.left_edge.i - 1
    if right - left < 2:
        return None
    return _span(doc, left, right)


def _content_around(doc: "Doc", tok: "Token", speaker: "Token | None"):
    """'Many of the plans, she said, were dropped.': a cue set off by commas inside the
    sentence it reports; the content is the sentence around it (``gap``: the cue's part)."""
    if speaker is None or tok.dep_ not in ("parataxis", "ROOT", "advcl", "ccomp"):
        return None, None
    sent = tok.sent
    left = min(speaker.left_edge.i, tok.i)
    right = max([tok.i, speaker.right_edge.i] + [c.right_edge.i for c in tok.children
                                                 if c.i > tok.i and not c.is_punct])
    if left - 1 <= sent.start or right + 1 >= sent.end - 1:
        return None, None
    if doc[left - 1].text not in _DASH_COMMA or doc[right + 1].text not in _DASH_COMMA:
        return None, None
    if _opens_quoted_sentence(doc, right + 2):
        # 'Asked about X, Adelson said, “They have to win.”': the cue introduces the quoted
        # sentence after it; what comes before is the setting, not part of what was said
        return None, None
    if tok.dep_ == "ROOT" and not any(c.dep_ == "parataxis" or c.dep_ == "ccomp"
                                      for c in tok.children):
        return None, None
    s1, e1 = _span(doc, sent.start, left - 2)
    s2, e2 = _span(doc, right + 2, sent.end - 1)
    n1 = len(_WORD.findall(text_of(doc)[s1:e1]))
    n2 = len(_WORD.findall(text_of(doc)[s2:e2]))
    if n2 < 2 or n1 + n2 < 4 or any(t.text in ALL_MARKS for t in doc[left:right + 1]):
        return None, None
    if n1 < 2:  # 'However, he said, …': only the clause after counts
        return (s2, e2), None
    return (s1, e2), (doc[left - 1].idx, doc[right + 1].idx + 1)


def _opens_quoted_sentence(doc: "Doc", i: int) -> bool:
    """Token ``i`` is an opening quotation mark followed by a capitalised word."""
    return i + 1 < len(doc) and doc[i].text in ALL_MARKS and doc[i + 1].text[:1].isupper()


def _content_before(doc: "Doc", tok: "Token", speaker: "Token | None"):
    """'The plan will fail, a spokesman said.': the clause before the subject and cue."""
    if speaker is None:
        return None, None
    sent = tok.sent
    left = min(speaker.left_edge.i, tok.i) if speaker.i < tok.i else tok.i
    # the cue (and its subject) must close the sentence, give or take a time or a place
    for t in doc[tok.i + 1:sent.end]:
        if t.is_punct or t.dep_ in ("npadvmod", "advmod", "prep", "pobj", "det", "compound",
                                   "amod", "nummod", "poss", "case", "dative", "dobj"):
            continue
        if speaker.i > tok.i and speaker.left_edge.i <= t.i <= speaker.right_edge.i:
            continue
        return None, None
    j = left - 1
    if j <= sent.start or doc[j].text not in (",", "—", "–", "-"):
        return None, None
    s, e = _span(doc, sent.start, j - 1)
    if len(_WORD.findall(text_of(doc)[s:e])) < 3:
        return None, None
    return (s, e), None


# --------------------------------------------------------------------------- speakers

def _speaker_span(tok: "Token") -> tuple[int, int]:
    doc = tok.doc
    left, right = tok.left_edge.i, tok.right_edge.i
    for c in tok.children:
        if c.dep_ in _SPEAKER_CUT and c.i > tok.i:
            right = min(right, c.left_edge.i - 1)
    return _span(doc, left, right)


_LEADING_DET = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,.;:—–-")
    return _LEADING_DET.sub("", text)


def resolve_speaker(tok: "Token | None", index: "EntityIndex"):
    """``(name, span, label)`` for a speaker token."""
    if tok is None:
        return None, None, None
    doc = tok.doc
    span = _speaker_span(tok)
    start, end = tok.idx, tok.idx + len(tok)
    low = tok.lower_
    if low in PRONOUNS or tok.pos_ == "PRON":
        if low in FIRST_PERSON or low == "you":
            return None, (start, end), None
        ent = index.resolve(start, end)
        return (ent.name, (start, end), ent.label) if ent else (None, (start, end), None)
    if any(c.dep_ == "conj" for c in tok.children):
        ent = index.at(start, end)
        return _clean(text_of(doc)[span[0]:span[1]]), span, ent.label if ent else None
    ent = index.at(start, end)
    if ent is not None and ent.label != "PERSON":
        # an appositive naming a person: 'a spokesman, John Smith,'
        for c in tok.children:
            if c.dep_ == "appos":
                person = index.at(c.idx, c.idx + len(c), {"PERSON"})
                if person is not None:
                    return person.name, span, person.label
    if ent is not None and ent.label in ("NORP",) and tok.pos_ != "PROPN":
        ent = None  # 'Russian officials': a nationality is not the speaker
    if ent is not None:
        return ent.name, span, ent.label
    for c in tok.children:
        if c.dep_ == "appos":
            person = index.at(c.idx, c.idx + len(c), {"PERSON"})
            if person is not None:
                return person.name, span, person.label
    # 'the spokesman': the person the article gave that role, else the nearest before
    if lemma_in(tok, ROLE_NOUNS) and any(
            c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in tok.children):
        mods = [c for c in tok.children if c.dep_ in ("compound", "amod", "poss")]
        if not mods:
            det = min(c.idx for c in tok.children if c.dep_ == "det")
            person = index.resolve(det, end)
            if person is not None:
                return person.name, span, person.label
    text = _clean(text_of(doc)[span[0]:span[1]])
    return (text or None), span, None


# Entity types of a figure or a time: 'Fifty-one percent say', '5:45 p.m. … is calling'.
_FIGURE_TYPES = {"DATE", "TIME", "PERCENT", "CARDINAL", "MONEY", "QUANTITY", "ORDINAL"}
# Parts of speech that never head a speaker's noun phrase ('made public ― Trump boasted').
_NOT_SPEAKER_POS = {"NUM", "ADV", "VERB", "AUX", "ADP", "SCONJ", "CCONJ", "PART", "PUNCT",
                    "SYM", "INTJ", "SPACE"}
# Quantifiers that stand for a group of people ('many say', 'most agreed').
_GROUP_WORDS = {"many", "most", "several", "few", "others", "some", "all", "both", "each"}
# Media objects, which show or suggest but do not speak ('the clip suggests …'); documents
# and statements ('the report', 'a statement') do speak.
MEDIA_NOUNS = frozenset({
    "clip", "video", "footage", "photo", "photograph", "image", "picture", "chart", "graph",
    "graphic", "map", "screenshot", "recording", "audio", "tape", "film", "movie", "trailer",
    "scene", "snapshot", "selfie", "livestream", "broadcast",
})


def can_speak(tok: "Token", index: "EntityIndex", in_quote) -> bool:
    """Whether the word the parse made a cue's subject can be a speaker: a person, an
    organisation, a group or a document can; a figure, a time, a media object, or words
    inside the quotation itself cannot."""
    if in_quote(tok.idx):
        return False  # '“My reaction, that was outrageous,” X said': the quote is not its speaker
    low = tok.lower_
    if low in PRONOUNS or tok.pos_ == "PRON":
        return True
    ent = index.at(tok.idx, tok.idx + len(tok), {"PERSON", "ORG", "NORP", "GPE"})
    if ent is not None:
        return True
    if tok.ent_type_ in _FIGURE_TYPES or tok.like_num:
        return False
    if tok.pos_ in _NOT_SPEAKER_POS:
        return False
    if tok.pos_ == "ADJ" and low not in _GROUP_WORDS:
        return False
    if lemma(tok) in MEDIA_NOUNS or low in MEDIA_NOUNS:
        return False
    return True


def is_figure_or_media(tok: "Token") -> bool:
    """A figure ('Fifty-one percent') or a media object ('the clip'): never a speaker."""
    return tok.ent_type_ in _FIGURE_TYPES - {"DATE", "TIME"} or tok.like_num \
        or lemma(tok) in MEDIA_NOUNS or tok.lower_ in MEDIA_NOUNS


def _fallback_speaker(doc: "Doc", cue: Cue, index: "EntityIndex", in_quote) -> "Token | None":
    """Another speaker for a cue whose parsed subject cannot speak: the noun phrase right
    before the cue, an inverted one right after it, else the nearest person or organisation
    named earlier in the cue's sentence (outside quotation marks); None when there is none."""
    tok = cue.token
    bad = cue.speaker
    for cand in (_subject_before(doc, tok), _subject_after(doc, tok)):
        if cand is None or bad is not None and bad.left_edge.i <= cand.i <= bad.right_edge.i:
            continue  # '44 percent of Americans': the figure's own words do not speak either
        if can_speak(cand, index, in_quote):
            return cand
    best: dict[str, "Token"] = {}
    for s, e, ent in index.mentions_before(tok.idx, {"PERSON", "ORG"}):
        if s < tok.sent.start_char or in_quote(s):
            continue
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None or span.root.dep_ in ("dobj", "pobj", "compound", "poss"):
            continue  # 'dedicating the museum', 'appeared on MSNBC': not who spoke
        best[ent.label] = span.root
    return best.get("PERSON") or best.get("ORG")


# --------------------------------------------------------------------------- attribution

class _Resolver:
    """Speakers in text order.  'he'/'she' is the nearest person before it who spoke or was
    the subject of a clause outside quotation marks (the centre of attention), not merely
    the nearest name: 'Cox said … Obama mentioned … He said' is Cox."""

    def __init__(self, doc: "Doc", index: "EntityIndex", passages: list[Passage]):
        self.doc, self.index = doc, index
        quoted = [(p.start, p.end) for p in passages]
        self.focus: list[tuple[int, str, str]] = []
        for ent in index.entities:
            if ent.label != "PERSON":
                continue
            for s, e in ent.mentions:
                if any(a <= s < b for a, b in quoted):
                    continue
                span = doc.char_span(s, e, alignment_mode="expand")
                if span is None:
                    continue
                root = span.root
                if root.dep_ in ("nsubj", "nsubjpass") and root.head.dep_ in _MAIN_CLAUSE:
                    self.focus.append((s, ent.name, ent.label))
        self.gender = _genders(doc, index)

    def spoke(self, tok: "Token | None", q: Quote) -> None:
        if tok is not None and q.speaker and q.speaker_label == "PERSON":
            self.focus.append((tok.idx, q.speaker, "PERSON"))

    def speaker(self, tok: "Token | None"):
        if tok is None:
            return None, None, None
        if tok.lower_ in ("he", "she"):
            want = "M" if tok.lower_ == "he" else "F"
            before = [f for f in self.focus if f[0] < tok.idx
                      and self.gender.get(f[1], want) == want]
            if before:
                pos, name, label = max(before, key=lambda f: f[0])
                if tok.idx - pos < 4000:
                    return name, (tok.idx, tok.idx + len(tok)), label
        return resolve_speaker(tok, self.index)


_MAIN_CLAUSE = {"ROOT", "conj", "advcl", "parataxis"}
_MALE = {"he", "him", "his", "himself"}
_FEMALE = {"she", "her", "hers", "herself"}
_MALE_TITLES = {"mr", "mr.", "sir", "lord", "king", "prince", "father", "brother"}
_FEMALE_TITLES = {"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady", "queen", "princess",
                  "sister", "madam"}


def _genders(doc: "Doc", index: "EntityIndex") -> dict[str, str]:
    """'M'/'F' for the people of the article whose gender the article itself shows: a title
    (Mr, Mrs, Ms) before a mention, or a he/she pronoun in a sentence (or the one after)
    where that person is the only one named."""
    votes: dict[str, list[int]] = {}
    sents = list(doc.sents)
    starts = [s.start_char for s in sents]
    people_in: list[set[str]] = [set() for _ in sents]
    text = text_of(doc)
    for ent in index.entities:
        if ent.label != "PERSON":
            continue
        for s, e in ent.mentions:
            k = bisect.bisect_right(starts, s) - 1
            if k >= 0:
                people_in[k].add(ent.name)
            before = text[max(0, s - 8):s].split()
            if before:
                w = before[-1].lower()
                if w in _MALE_TITLES:
                    votes.setdefault(ent.name, [0, 0])[0] += 3
                elif w in _FEMALE_TITLES:
                    votes.setdefault(ent.name, [0, 0])[1] += 3
    for k, sent in enumerate(sents):
        names = people_in[k] | (people_in[k - 1] if k and not people_in[k] else set())
        if len(names) != 1:
            continue
        name = next(iter(names))
        for t in sent:
            low = t.lower_
            if low in _MALE:
                votes.setdefault(name, [0, 0])[0] += 1
            elif low in _FEMALE:
                votes.setdefault(name, [0, 0])[1] += 1
    return {n: ("M" if m > f else "F") for n, (m, f) in votes.items() if m != f}


@dataclass
class _Att:
    """An attribution before its speaker is resolved."""

    start: int
    end: int
    kind: str
    cue: Cue | None
    parts: list[tuple[int, int]]
    follows: "_Att | None" = None  # a continuation takes the speaker of the quote before
    quote: Quote | None = None

    @property
    def order(self) -> int:
        if self.cue is not None and self.cue.speaker is not None:
            return self.cue.speaker.idx
        return self.start


def find_quotes(doc: "Doc", index: "EntityIndex") -> list[Quote]:
    """Every quotation and reported statement in ``doc`` with its speaker, in text order."""
    text = text_of(doc)
    if not text.strip():
        return []
    passages = find_passages(text)
    starts = [p.start for p in passages]

    def passage_at(pos: int) -> Passage | None:
        k = bisect.bisect_right(starts, pos) - 1
        if k >= 0 and passages[k].start <= pos < passages[k].end:
            return passages[k]
        return None

    cues = find_cues(doc, lambda pos: (lambda p: p is not None and p.words(text) >= 3)(
        passage_at(pos)))

    def in_quote(pos: int) -> bool:
        return passage_at(pos) is not None

    for cue in cues:
        if cue.speaker is not None and not can_speak(cue.speaker, index, in_quote):
            # a figure or a media object is what the sentence is about: no one else spoke;
            # a time or a misparse hides the speaker elsewhere in the sentence
            if is_figure_or_media(cue.speaker):
                cue.speaker, cue.dropped = None, True  # the statement stays, unattributed
            else:
                cue.speaker = _fallback_speaker(doc, cue, index, in_quote)
    by_token = {c.token.i: c for c in cues}
    para_starts = [s for s, _ in paragraphs(text)]

    def para_of(pos: int) -> int:
        return max(0, bisect.bisect_right(para_starts, pos) - 1)

    atts: list[_Att] = []
    used_cues: set[int] = set()
    last: tuple[_Att, int] | None = None  # the last attributed quotation, its paragraph
    for p in passages:
        toks = _tokens(doc, p.start, p.end)
        if not toks:
            continue
        cue = _signature(doc, p, text, index) if p.closed else None
        cue = cue or _by_parse(doc, toks, by_token)
        if cue is not None and _across_paragraphs(text, p, cue):
            cue = None
        cue = cue or _by_position(doc, p, by_token, text)
        if cue is not None:
            kind, start, end = _shape(doc, p, cue, passages, text)
            parts = [pp for q in passages if start <= q.start and q.end <= end for pp in q.parts]
            att = _Att(start, end, kind, cue, parts)
            used_cues.add(cue.token.i)
            atts.append(att)
            last = (att, para_of(p.end)) if kind == "direct" else None
            continue
        # no cue: a continuation of the quotation just before, or a scare quote
        if last is not None and _opens_sentence(text, p) and para_of(p.open) - last[1] <= 1 \
                and not any(last[0].end < a.start < p.start for a in atts):
            att = _Att(p.start, p.end, "direct", last[0].cue, list(p.parts), follows=last[0])
            atts.append(att)
            last = (att, para_of(p.end))
    # indirect: cues whose content holds no quotation
    for cue in cues:
        if cue.token.i in used_cues or cue.content is None or cue.quote_only:
            continue
        s, e = cue.content
        if len(_WORD.findall(text[s:e])) < 2 or cue.speaker is None and not (cue.unsaid
                                                                              or cue.dropped):
            continue
        inner = [q for q in passages if s <= q.start and q.end <= e]
        if cue.naming and not inner:
            continue  # 'called the plan a success': a description, not a statement
        pieces = [(s, e)] if cue.gap is None else [_trim(text, s, cue.gap[0]),
                                                   _trim(text, cue.gap[1], e)]
        for a, b in pieces:
            inner = [q for q in passages if a <= q.start and q.end <= b]
            atts.append(_Att(a, b, "mixed" if inner else "indirect", cue,
                             [pp for q in inner for pp in q.parts]))
    resolver = _Resolver(doc, index, passages)
    quotes: list[Quote] = []
    seen: set[tuple[int, int]] = set()
    for att in sorted(atts, key=lambda a: a.order):
        cue = att.cue
        if att.follows is not None and att.follows.quote is not None:
            prev = att.follows.quote
            name, sspan, label = prev.speaker, prev.speaker_span, prev.speaker_label
        elif cue is not None and cue.signed is not None:
            name, sspan, label = _signed_name(text, cue.signed, index)
        else:
            name, sspan, label = resolver.speaker(cue.speaker)
        q = Quote(text=text[att.start:att.end], start=att.start, end=att.end, kind=att.kind,
                  speaker=name, speaker_span=sspan,
                  cue=text[cue.cue_span[0]:cue.cue_span[1]] if cue else None,
                  cue_span=cue.cue_span if cue else None, direct_parts=att.parts,
                  speaker_label=label)
        att.quote = q
        if (q.start, q.end) in seen:
            continue
        seen.add((q.start, q.end))
        quotes.append(q)
        resolver.spoke(cue.speaker if cue else None, q)
    quotes.sort(key=lambda q: (q.start, q.end))
    return quotes


def _add(quotes: list[Quote], q: Quote) -> None:
    for other in quotes:
        if other.start == q.start and other.end == q.end:
            return
    quotes.append(q)


def _tokens(doc: "Doc", start: int, end: int) -> list["Token"]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    return [t for t in span if not t.is_space]


def _across_paragraphs(text: str, p: Passage, cue: Cue) -> bool:
    """A parse that joins a quotation to a cue in another paragraph ('…” \n\n Smith, an
    expert, said that …') links two statements, not a quotation and its cue."""
    pos = cue.token.idx
    if pos >= p.close:
        return "\n" in text[p.close:pos]
    if pos < p.open:
        gap = text[pos:p.open].rstrip()
        return "\n" in gap and not gap.endswith(":")
    return False


# '“…” ― Sonya Herridge': a dash, then a name that closes the line, signs a quotation.
_SIGNATURE = re.compile(
    r"[^\S\n]*(?:[―—–]|--?)[^\S\n]*"
    r"([^\W\d_][\w.'’-]*(?:[^\S\n]+[^\W\d_][\w.'’-]*){0,4}?)[^\S\n]*[.,]?[^\S\n]*(?:\n|$)")


def _signature(doc: "Doc", p: Passage, text: str, index: "EntityIndex") -> Cue | None:
    """A quotation signed after a dash with a name alone on the rest of its line (pull
    quotes, readers' comments, epigraphs): the name is its speaker.  The name must be a
    person or an organisation of the article's entities, or capitalised words."""
    m = _SIGNATURE.match(text, p.close)
    if m is None or p.words(text) < 3:
        return None
    s, e = m.span(1)
    if text[e - 1] == "." and len(text[s:e].split()[-1]) > 2:
        e -= 1  # the sentence's full stop, not an initial ('Ann B.')
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None:
        return None
    ent = index.at(s, e, {"PERSON", "ORG"})
    if ent is None and not all(w[:1].isupper() for w in text[s:e].split()):
        return None
    speaker = max((t for t in span if t.idx >= s), key=lambda t: t.i, default=None)
    if speaker is None:
        return None
    dash = text.index(text[m.start():s].strip()[0], m.start())
    return Cue(speaker, speaker, None, None, (dash, dash + len(text[m.start():s].strip())),
               quote_only=True, signed=(s, e))


def _signed_name(text: str, span: tuple[int, int], index: "EntityIndex"):
    """``(name, span, label)`` of a signature: the entity it names, else its own words (the
    parse of a line that is only a name is no guide to where the name ends)."""
    ent = index.at(span[0], span[1], {"PERSON", "ORG"})
    if ent is not None and ent.name[:1].isalnum():  # not one the dash was glued to
        return ent.name, span, ent.label
    return _clean(text[span[0]:span[1]]), span, ent.label if ent else None


def _by_parse(doc: "Doc", toks: list["Token"], by_token: dict[int, Cue]) -> Cue | None:
    """The cue the passage hangs on in the dependency tree (nearest first)."""
    inside = {t.i for t in toks}
    best: tuple[int, Cue] | None = None
    for t in toks:
        if t.head.i in inside and t.head is not t:
            continue
        cur, steps = t, 0
        while cur.head is not cur and steps < 6:
            head = cur.head
            if head.i in inside:
                break
            cue = by_token.get(head.i)
            if cue is not None and cue.speaker is not None and cur.dep_ in CONTENT_DEPS \
                    and not (cue.speaker.i <= t.i <= cue.speaker.right_edge.i
                             and cue.speaker.left_edge.i <= t.i):
                if best is None or steps < best[0]:
                    best = (steps, cue)
                break
            if head.dep_ in ("relcl", "acl") and cue is None and steps > 0:
                break
            cur, steps = head, steps + 1
    return best[1] if best else None


def _by_position(doc: "Doc", p: Passage, by_token: dict[int, Cue], text: str) -> Cue | None:
    """'“…,” he said' / 'said Smith' right after the closing mark; 'he said: “…”' right
    before the opening one; 'He added:' ending the paragraph before."""
    # after the closing mark
    if p.closed:
        after = doc.char_span(p.close, min(len(text), p.close + 250), alignment_mode="expand")
        if after is not None and text[p.start:p.end].rstrip("”\"’' ").endswith(".") \
                and len(after) and after[0].is_sent_start and after[0].text[:1].isupper():
            after = None  # '…end.” Later, Smith said': the next sentence is not its cue
        if after is not None:
            for n, t in enumerate(after):
                if n > 30 or t.text in ("\n", "\n\n") or "\n" in t.text or (
                        t.text in ALL_MARKS and n > 0):
                    break
                cue = by_token.get(t.i)
                if cue is not None and cue.speaker is not None:
                    between = [x for x in after[:n] if not x.is_punct]
                    sp = cue.speaker
                    if all(sp.left_edge.i <= x.i <= sp.right_edge.i
                           or x.dep_ in ("advmod", "aux", "neg") for x in between):
                        return cue
                if t.is_sent_end and t.text in ".!?":
                    break
    # before the opening mark
    start = max(0, p.open - 160)
    before = doc.char_span(start, p.open, alignment_mode="contract")
    if before is not None:
        toks = list(before)
        for n, t in enumerate(reversed(toks)):
            if n > 10 or "\n\n" in t.text:
                break
            cue = by_token.get(t.i)
            if cue is not None and cue.speaker is not None:
                between = toks[len(toks) - n:]
                subtree = {y.i for y in t.subtree}
                if all(x.i in subtree or x.is_punct or x.is_space for x in between):
                    return cue
                break
            if t.text in ".!?" and n > 0:
                break
    # 'Smith said:' closing the paragraph before
    k = p.open - 1
    while k >= 0 and text[k].isspace():
        k -= 1
    if k >= 0 and text[k] == ":" and "\n" in text[k:p.open]:
        prev = doc.char_span(max(0, k - 200), k, alignment_mode="contract")
        if prev is not None:
            for t in reversed(list(prev)):
                if "\n" in t.text or t.text in (".", "!", "?"):
                    break  # only the last sentence of the paragraph before
                cue = by_token.get(t.i)
                if cue is not None and cue.speaker is not None:
                    return cue
    return None


# A cue's own modifiers between it and a quotation: 'said on Tuesday in a statement: “…”'.
_OWN_DEPS = {"npadvmod", "prep", "advmod", "dative", "nsubj", "aux", "auxpass", "neg", "punct",
             "mark", "prt", "agent", "intj", "cc"}
_ADDRESSEE_VERBS = {"tell", "ask", "inform", "assure", "warn", "remind", "brief", "urge",
                    "advise", "reassure", "write", "email", "text"}


def _lead(doc: "Doc", cue: Cue, p: Passage) -> int | None:
    """Where the reported clause begins when words of it come before the opening mark
    ('declared there was “no discussion”'), else None."""
    span = doc.char_span(cue.cue_span[1], p.open, alignment_mode="contract")
    if span is None or len(span) == 0:
        return None
    own: set[int] = set()
    tok = cue.token
    for c in tok.children:
        if c.i <= tok.i:
            continue
        if c.dep_ in _OWN_DEPS or (c.dep_ == "dobj" and lemma_in(tok, _ADDRESSEE_VERBS)):
            own.update(t.i for t in c.subtree)
    for t in span[1:]:
        if t.is_sent_start:
            return None
    extra = [t for t in span if not (t.is_punct or t.is_space) and t.i not in own
             and t.lower_ != "that" and t.dep_ != "mark"]
    return extra[0].idx if extra else None


def _shape(doc: "Doc", p: Passage, cue: Cue, passages: list[Passage], text: str):
    """Direct when the passage is the whole of what was said, mixed when the reported clause
    has words outside the marks (the content is then the whole clause)."""
    start, end = p.start, p.end
    if cue.token.idx < p.open and cue.token.lower_ != "according":
        lead = _lead(doc, cue, p)
        if lead is not None:
            start = min(start, lead)
    if cue.content is not None:
        s, e = cue.content
        if s < p.close and e > p.open and not (s >= p.start and e <= p.end):
            outside = text[s:min(e, p.open)] + " " + text[max(s, p.close):e]
            for q in passages:
                if q is not p and s <= q.start and q.end <= e:
                    outside = outside.replace(text[q.start:q.end], " ")
            words = [w for w in _WORD.findall(outside) if w.lower() != "that"]
            if len(words) > 1:
                start, end = min(start, s), max(end, e)
    kind = "direct" if (start, end) == (p.start, p.end) else "mixed"
    return kind, start, end


def _opens_sentence(text: str, p: Passage) -> bool:
    k = p.open - 1
    while k >= 0 and text[k] in " \t\u00a0":
        k -= 1
    return k < 0 or text[k] in ".!?\n”\"’'" or text[k] == ":"


def _other_speaker_between(quotes: list[Quote], prev: Quote, p: Passage) -> bool:
    for q in quotes:
        if prev.end < q.start < p.start and q.speaker != prev.speaker:
            return True
    return False

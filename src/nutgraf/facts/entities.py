"""People, organisations and places: one canonical entity per referent in an article.

spaCy finds the mentions; this module repairs its systematic slips and joins the mentions
that name one referent:

- spans are trimmed: a possessive ``'s``/``’s`` and a leading ``the`` are not part of a name;
- labels are corrected: social networks are not people, a place followed by 'border' or
  'crossing' is not a product, a department word inside a title ('UK *Defence* Secretary')
  is not an organisation;
- words that are not names are cut or dropped: a participle glued to the front of a name
  ('Hosting Cook' when Cook is named elsewhere), a span with no capital letter ('meth'),
  shouted words in otherwise mixed-case text ('GET OUT and VOTE for your GREAT Governor':
  an all-caps word whose lower-case form the article also uses) and the title-cased
  phrases of the quotation that shouts them ('Complete and Total Endorsement');
- a GPE the gazetteer does not know as a place ('Siri', 'Netflix') is an organisation, a
  team written 'the Steelers' is not a person, and an organisation spelt like a person the
  article names more often as a person ('Trump') is that person;
- 'Putin' joins 'Vladimir Putin' (a surname joins the one full name ending in it), a lone
  first name joins the one full name starting with it ('Matt' → 'Matt Bevin'), and a
  misspelt first name ('Vladimr') joins the full name it nearly matches;
- 'AP' joins 'Associated Press' (initials), 'the Kremlin' joins 'Kremlin';
- a role seen beside a name ('President Putin', 'Dmitry Peskov, a Kremlin spokesman') makes
  later role phrases ('the Russian President') mentions of that person, when only one
  person holds that role in the article ('the president of Ukraine' names another); a role
  phrase is never a person's canonical name.

``EntityIndex`` answers the questions the quote and amount passes ask: which entity a span
names, and who a pronoun or a role phrase refers to.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from nutgraf.model import Entity
from nutgraf.facts.nlp import text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

KEPT_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT"}

# Names spaCy's small model often tags PERSON that are companies or services.
PLATFORMS = {
    "twitter", "facebook", "instagram", "telegram", "youtube", "tiktok", "whatsapp",
    "linkedin", "reddit", "snapchat", "google", "amazon", "apple", "microsoft", "netflix",
    "wikipedia", "spotify", "uber", "airbnb", "pinterest", "vkontakte", "weibo", "wechat",
}
# Words after a PRODUCT/ORG/PERSON span that show it is a place.
PLACE_HEADS = {
    "border", "crossing", "checkpoint", "pass", "river", "region", "province", "district",
    "valley", "mountains", "airport", "port", "bridge", "oblast", "county", "city", "village",
}
# Department words that spaCy tags ORG inside a title ('UK Defence Secretary').
DEPARTMENT_WORDS = {
    "defence", "defense", "health", "foreign", "interior", "justice", "finance", "education",
    "home", "state", "treasury", "energy", "trade", "transport", "culture", "environment",
    "labour", "labor", "commerce", "agriculture",
}
# Role nouns: a person's role read from the words beside the name.
ROLE_WORDS = {
    "president", "vice-president", "prime minister", "minister", "secretary", "chancellor",
    "spokesman", "spokeswoman", "spokesperson", "senator", "governor", "mayor", "chairman",
    "chairwoman", "chair", "director", "ceo", "chief", "leader", "king", "queen", "pope",
    "general", "commander", "ambassador", "envoy", "judge", "attorney general", "premier",
    "representative", "rep.", "sen.", "gov.", "speaker", "candidate", "nominee", "founder",
    "coach", "manager", "official", "adviser", "advisor", "analyst", "professor", "economist",
}
TITLE_PREFIXES = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof", "rev", "gen",
    "sen", "rep", "gov", "president", "senator", "governor", "mayor", "minister", "secretary",
    "chancellor", "judge", "king", "queen", "prince", "princess", "pope", "general", "colonel",
    "captain", "sheikh", "prime", "former", "late", "the",
}
# Words the model leaves inside a PERSON span ('Farmer Ada Kowalski', 'Detective Jo Hill'):
# a title or an occupation written before the name is not part of it.
NAME_PREFIXES = TITLE_PREFIXES | ROLE_WORDS | {
    "farmer", "doctor", "teacher", "nurse", "lawyer", "pastor", "officer", "sergeant",
    "lieutenant", "corporal", "private", "detective", "inspector", "constable", "actor",
    "actress", "singer", "author", "writer", "journalist", "reporter", "photographer", "artist",
    "chef", "pilot", "captain", "commissioner", "councillor", "councilman", "councilwoman",
    "deputy", "superintendent", "chief", "dean", "father", "sister", "brother", "rabbi", "imam",
    "bishop", "archbishop", "cardinal", "prosecutor", "attorney", "congressman", "congresswoman",
    "mp", "mep", "sheriff", "major", "admiral", "marshal", "professor", "dr.", "mr.", "mrs.", "ms.",
}
ABBREVIATIONS = {"US": "United States", "U.S.": "United States", "UK": "United Kingdom",
                 "U.K.": "United Kingdom", "USA": "United States", "UN": "United Nations",
                 "U.N.": "United Nations", "EU": "European Union", "E.U.": "European Union"}

MALE = {"he", "him", "his", "himself"}
FEMALE = {"she", "her", "hers", "herself"}
PERSON_PRONOUNS = MALE | FEMALE
GROUP_PRONOUNS = {"they", "them", "their", "it", "its"}

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_SPACE = re.compile(r"\s+")


@dataclass
class Mention:
    start: int
    end: int
    label: str
    text: str


@dataclass
class _Cluster:
    label: str
    mentions: list[Mention] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)
    # the normalised spellings seen, kept up to date by add() (asked for on every match)
    _forms: Counter[str] = field(default_factory=Counter)
    _parts: set[tuple[str, str, int]] | None = None
    _counted: int = 0  # sum(self._forms.values()), kept rather than summed on every call

    def add(self, mention: Mention) -> None:
        self.mentions.append(mention)
        self._forms[_normal(mention.text)] += 1
        self._counted += 1
        self._parts = None

    def forms(self) -> Counter[str]:
        if self._counted != len(self.mentions):  # mentions appended directly
            self._forms = Counter(_normal(m.text) for m in self.mentions)
            self._counted = len(self.mentions)
            self._parts = None
        return self._forms

    def name_parts(self) -> set[tuple[str, str, int]]:
        """(first word, last word, word count) of each spelling, titles dropped, lower-cased."""
        forms = self.forms()
        if self._parts is None:
            self._parts = set()
            for f in forms:
                words = _strip_titles(f)
                if words:
                    self._parts.add((words[0].lower(), words[-1].lower(), len(words)))
        return self._parts

    def canonical(self) -> str:
        forms = self.forms()
        if self.label == "PERSON":
            # a role phrase ('the president') is a mention, never the name
            named = Counter({f: n for f, n in forms.items() if f[:1].isupper()
                             and not _LEADING_THE.match(f)})
            forms = named or forms
            # The fullest name the text gives, most frequent first, then the longest.
            best = max(forms, key=lambda f: (len(f.split()), forms[f], len(f)))
            # A misspelt variant must not win over a correctly spelt one of the same length.
            same = [f for f in forms if len(f.split()) == len(best.split())]
            return max(same, key=lambda f: (forms[f], len(f)))
        if self.label in ("GPE", "ORG", "LOC") and all(f in ABBREVIATIONS for f in forms):
            return max(forms, key=forms.__getitem__)
        # 'Ford' over a shouted 'FORD' seen as often
        return max(forms, key=lambda f: (forms[f], not (f.isupper() and len(f) > 3), len(f)))


def _normal(text: str) -> str:
    text = _SPACE.sub(" ", text.strip())
    text = _POSSESSIVE.sub("", text)
    return text.strip(" ,.;:")


def _trim(doc_text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a trailing possessive, a leading 'the' and stray punctuation from a span."""
    text = doc_text[start:end]
    m = _POSSESSIVE.search(text)
    if m and end - start > 3:
        end -= len(m.group(0))
    text = doc_text[start:end]
    m = _LEADING_THE.match(text)
    if m and end - start - len(m.group(0)) > 1:
        start += len(m.group(0))
    while end > start and doc_text[end - 1] in " ,.;:'’\"”":
        end -= 1
    while start < end and doc_text[start] in " \"“'‘(":
        start += 1
    return start, end


def _relabel(doc: "Doc", ent) -> str | None:
    """The corrected label of one spaCy entity, or None to drop it."""
    label = ent.label_
    if label not in KEPT_LABELS:
        return None
    words = ent.text.lower().split()
    after = doc[ent.end].lower_ if ent.end < len(doc) else ""
    if label == "PERSON" and len(words) == 1 and _normal(words[0]) in PLATFORMS:
        return "ORG"
    if label in ("PRODUCT", "ORG", "PERSON") and after in PLACE_HEADS:
        return "LOC"
    if label == "ORG" and len(words) == 1 and words[0] in DEPARTMENT_WORDS:
        if after in {"secretary", "minister", "ministry", "department", "spokesman",
                     "spokeswoman", "committee", "official", "officials"}:
            return None
    if label == "GPE" and len(ent) == 1 and ent[0].tag_ == "JJ":
        return "NORP"  # 'Ukrainian' forces: an adjective of nationality, not the place
    if label == "PRODUCT":
        before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
        if before in {"in", "at", "near", "from", "to", "via"} and ent.text[:1].isupper():
            return "LOC"
    return label


def _known_place(name: str) -> bool | None:
    """Whether the gazetteer knows ``name`` as a place (by its name, a demonym or a
    container such as 'N.Y.'; an alternative name only for a well-known place, not a village
    that shares a brand's spelling); None when there is no gazetteer to ask."""
    try:
        from nutgraf.facts.places.gazetteer import open_gazetteer

        gaz = open_gazetteer()
    except Exception:  # no gazetteer built: the label stays as the model gave it
        return None
    for cand in gaz.find(name) + gaz.find("the " + name):  # 'Netherlands', 'the Netherlands'
        if cand.kind != "alt" or cand.entry.level <= 3 or cand.entry.population >= 100_000:
            return True
    return False


def _shouting(doc: "Doc") -> tuple[set[int], list[tuple[int, int]]]:
    """Shouted words in a quoted post: all-caps words (three letters or more) in otherwise
    mixed-case text, whose lower-case form the article also writes ('VOTE', 'GREAT' beside
    'vote', 'great'; not 'NASA'), two or more of them in one quotation ('“… GET OUT and VOTE
    for your GREAT Governor!”').  Returns their token indices and the quotations."""
    text = text_of(doc)
    letters = [ch for ch in text if ch.isalpha() and ch.lower() != ch.upper()]
    if not letters or sum(ch.isupper() for ch in letters) > 0.5 * len(letters):
        return set(), []
    lower = {t.text for t in doc if t.text.islower()}
    caps = [t for t in doc if len(t.text) >= 3 and t.text.isalpha() and t.text.isupper()
            and t.text.lower() in lower]
    if len(caps) < 2:
        return set(), []
    quoted: dict[tuple[int, int], set[int]] = defaultdict(set)
    for t in caps:
        o = max(text.rfind("“", 0, t.idx), text.rfind('"', 0, t.idx))
        ends = [x for x in (text.find("”", t.idx), text.find('"', t.idx)) if x >= 0]
        if o < 0 or not ends or "\n\n" in text[o:min(ends)]:
            continue
        quoted[(o, min(ends))].add(t.i)
    shouted: set[int] = set()
    zones = []
    for zone, toks in quoted.items():
        if len({doc[i].lower_ for i in toks}) >= 2:
            shouted |= toks
            zones.append(zone)
    return shouted, zones


# Words that make a name a place whether or not the gazetteer knows it.
_PLACE_WORDS = PLACE_HEADS | {"province", "state", "valley", "africa", "america", "asia",
                              "europe", "island", "islands", "coast", "east", "west", "north",
                              "south", "republic", "kingdom", "territory", "peninsula"}
_LOCATIVE = {"in", "at", "near", "from", "to", "across", "throughout", "outside", "inside",
             "into", "around", "between", "toward", "towards"}


def _unknown_place(doc: "Doc", ent, span: str) -> bool:
    """A GPE that is no place: the gazetteer does not know the name, nothing in it is a place
    word ('Rift Valley', 'Nyanza Province'), and it is not where something happens ('in
    Darfur'): 'Siri shortcuts', 'Netflix would come to the phone'."""
    if span in ABBREVIATIONS or len(span.replace(".", "")) >= 3 and span.replace(".", "").isupper():
        return False  # initials ('NYC', 'USSR') stay places
    if any(w.lower() in _PLACE_WORDS for w in span.split()):
        return False
    root = ent.root
    if root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE:
        return False
    if ent.start > 0 and doc[ent.start - 1].lower_ in _LOCATIVE:
        return False
    return _known_place(span) is False


def _mentions(doc: "Doc") -> list[Mention]:
    out = []
    text = text_of(doc)
    shouted, zones = _shouting(doc)
    for ent in doc.ents:
        label = _relabel(doc, ent)
        if label is None:
            continue
        if any(t.i in shouted for t in ent):
            continue  # 'GREAT Governor', 'VOTE': shouted words, not names
        if zones and label != "PERSON" and any(a <= ent.start_char < b for a, b in zones):
            continue  # 'Complete and Total Endorsement' in the quotation that shouts
        first = ent.start
        # 'Later Olaf Scholz': a sentence-opening adverb is not part of the name
        while first < ent.end - 1 and doc[first].pos_ in ("ADV", "CCONJ", "SCONJ", "INTJ"):
            first += 1
        if label == "PERSON":
            # 'Farmer Ada Kowalski': the title goes, the name (two words at least) stays
            while ent.end - first > 2 and doc[first].lower_.rstrip(".") in NAME_PREFIXES:
                first += 1
            # 'Hosting Cook': a verb the parse put at the front of the name
            if ent.end - first > 1 and doc[first].pos_ == "VERB" \
                    and doc[first].tag_ in ("VBG", "VBN", "VBD"):
                first += 1
            # 'the Steelers': a team or a group written in the plural is not a person
            if ent.start > 0 and doc[ent.start - 1].lower_ == "the" \
                    and doc[ent.end - 1].tag_ in ("NNPS", "NNS"):
                label = "ORG"
        start, end = _trim(text, doc[first].idx, ent.end_char)
        if end <= start or not any(ch.isalpha() for ch in text[start:end]):
            continue
        span = text[start:end]
        if any(ch.islower() for ch in span) and not any(ch.isupper() for ch in span):
            continue  # 'meth', 'pelo': a name has a capital letter (in a script with cases)
        if label == "GPE" and _unknown_place(doc, ent, span):
            label = "ORG"  # 'Siri', 'Netflix': not a place
        out.append(Mention(start, end, label, span))
    _unglue_participles(doc, out)
    return _harmonise_people(out)


def _unglue_participles(doc: "Doc", mentions: list[Mention]) -> None:
    """'Hosting Cook at Dreamforce …': a sentence-opening word ending in -ing/-ed that the
    model took into a PERSON span, when the rest of the span is a person the article names
    elsewhere (the surname of a full name, or the same words)."""
    names = {_normal(m.text) for m in mentions if m.label == "PERSON"}
    tails = {n.split()[-1] for n in names if len(n.split()) >= 2} | names
    text = text_of(doc)
    for m in mentions:
        if m.label != "PERSON":
            continue
        words = m.text.split()
        if len(words) < 2 or not words[0].lower().endswith(("ing", "ed")):
            continue
        rest = " ".join(words[1:])
        if _normal(rest) not in tails or _normal(rest) == _normal(m.text):
            continue
        tok = doc.char_span(m.start, m.start + len(words[0]), alignment_mode="expand")
        if tok is None or not (tok[0].is_sent_start or tok[0].i == 0
                               or doc[tok[0].i - 1].is_punct):
            continue
        shift = text.index(words[1], m.start + len(words[0]))
        m.start, m.text = shift, text[shift:m.end]


def _harmonise_people(mentions: list[Mention]) -> list[Mention]:
    """The small model tags one person PERSON here and ORG or GPE there ('Olaf Scholz' as
    an ORG, 'Scholz' as a GPE).  A mention whose words are a person's name seen elsewhere
    in the article as PERSON (the full name, a near spelling of it, or its surname alone)
    is that person."""
    for _ in range(2):  # a second pass sees the full names the first one relabelled
        people = [_strip_titles(_normal(m.text)) for m in mentions if m.label == "PERSON"]
        full = [w for w in people if len(w) >= 2]
        if full:
            _relabel_as_people(mentions, full)
    # 'Trump' tagged ORG here and PERSON in most other places: the person
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        words = _normal(m.text).split()
        if len(words) == 1:
            votes[words[0]][m.label] += 1
    for m in mentions:
        words = _normal(m.text).split()
        if m.label in ("ORG", "GPE", "NORP", "LOC", "PRODUCT", "FAC") and len(words) == 1:
            v = votes[words[0]]
            if v["PERSON"] >= 2 and v["PERSON"] > sum(v.values()) - v["PERSON"]:
                m.label = "PERSON"
    return mentions


def _relabel_as_people(mentions: list[Mention], full: list[list[str]]) -> None:
    full_lower = [[w.lower() for w in name] for name in full]
    for m in mentions:
        if m.label not in ("ORG", "GPE", "NORP", "LOC", "PRODUCT", "FAC"):
            continue
        words = _normal(m.text).split()
        if not words or any(ABBREVIATIONS.get(w) for w in words):
            continue
        lower = [w.lower() for w in words]
        for name, name_lower in zip(full, full_lower):
            if len(words) == len(name) and all(_similar(a, b) for a, b in zip(lower, name_lower)):
                m.label = "PERSON"
                break
            if len(words) == 1 and words[0] == name[-1] and len(words[0]) > 3:
                m.label = "PERSON"
                break


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


@functools.lru_cache(maxsize=65_536)
def _similar(a: str, b: str) -> bool:
    """Equal, or one a misspelling of the other (similarity ratio ≥ 0.8).  The cheap upper
    bounds go first: most pairs of names are rejected on their lengths or letters alone."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if min(la, lb) < 4 or 2 * min(la, lb) / (la + lb) < 0.8:
        return False
    # SequenceMatcher.quick_ratio() (letters in common, as a multiset), without building the
    # matcher, which costs more than the test: the same value, so the same verdict
    avail: dict[str, int] = {}
    for ch in b:
        avail[ch] = avail.get(ch, 0) + 1
    matches = 0
    for ch in a:
        n = avail.get(ch, 0)
        if n > 0:
            avail[ch] = n - 1
            matches += 1
    if 2.0 * matches / (la + lb) < 0.8:
        return False
    matcher = SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def _strip_titles(name: str) -> list[str]:
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLE_PREFIXES:
        words = words[1:]
    return words


class _Clusterer:
    """Joins mentions into referents, in text order."""

    def __init__(self) -> None:
        self.clusters: list[_Cluster] = []
        # the clusters a mention of each label may join (its label's; GPE and LOC together),
        # in the order of ``clusters``
        self._by_kind: dict[str, list[_Cluster]] = defaultdict(list)

    @staticmethod
    def _kind(label: str) -> str:
        return "GPE|LOC" if label in ("GPE", "LOC") else label

    def add(self, mention: Mention) -> _Cluster:
        target = self._match(mention)
        if target is None:
            target = _Cluster(mention.label)
            self.clusters.append(target)
            self._by_kind[self._kind(target.label)].append(target)
        target.add(mention)
        return target

    def _match(self, m: Mention) -> _Cluster | None:
        name = _normal(m.text)
        words = _strip_titles(name)
        for c in self._by_kind.get(self._kind(m.label), ()):
            forms = c.forms()
            if name in forms:
                return c
            if name.isupper() and len(name) > 3 and name.title() in forms \
                    or any(f.isupper() and len(f) > 3 and f.title() == name for f in forms):
                return c  # 'FORD' in a shouted line and 'Ford' are one
            if m.label == "PERSON":
                if self._same_person(words, c.name_parts()):
                    return c
            elif m.label == "NORP":
                # 'Russians' and 'Russian' are one group
                if any(name.rstrip("s") == f.rstrip("s") for f in forms):
                    return c
            elif m.label in ("ORG", "GPE", "LOC", "FAC"):
                expanded = ABBREVIATIONS.get(name, name)
                for f in forms:
                    if ABBREVIATIONS.get(f, f) == expanded:
                        return c
                    if name.isupper() and 2 <= len(name) <= 6 and _initials(f) == name:
                        return c
                    if f.isupper() and 2 <= len(f) <= 6 and _initials(name) == f:
                        return c
        return None

    @staticmethod
    def _same_person(words: list[str], parts: set[tuple[str, str, int]]) -> bool:
        if not words:
            return False
        first, last = words[0].lower(), words[-1].lower()
        for other_first, other_last, count in parts:
            if last != other_last and not _similar(last, other_last):
                continue
            if len(words) == 1 or count == 1:
                # a lone surname joins a full name that ends in it (exactly)
                if last == other_last:
                    return True
                continue
            if _similar(first, other_first):
                return True
        return False


_ROLE_BEFORE = re.compile(
    r"((?:[A-Z][\w.-]*\s+){0,4}?)"  # qualifiers: 'Russian', 'UK Defence', 'NATO'
    r"((?:[A-Z][a-z]+\s+)?(?:" + "|".join(sorted((re.escape(w.title()) for w in ROLE_WORDS),
                                                key=len, reverse=True)) + r"))\s+$"
)
_ROLE_AFTER = re.compile(
    r"^,\s+(?:the|a|an)\s+((?:[\w.-]+\s+){0,4}?(?:"
    + "|".join(sorted((re.escape(w) for w in ROLE_WORDS), key=len, reverse=True))
    + r"))\b",
    re.IGNORECASE,
)


def _roles(text: str, m: Mention) -> set[str]:
    """Role nouns written right before or after a person's name."""
    roles: set[str] = set()
    before = text[max(0, m.start - 60):m.start]
    hit = _ROLE_BEFORE.search(before)
    if hit:
        roles.add(hit.group(2).strip().lower())
    hit = _ROLE_AFTER.match(text[m.end:m.end + 80])
    if hit:
        roles.add(hit.group(1).split()[-1].lower())
    return roles


def _role_mentions(text: str, clusters: list[_Cluster]) -> None:
    """'the (Russian) President' → the one person the article gave that role."""
    holders: dict[str, list[_Cluster]] = defaultdict(list)
    for c in clusters:
        for role in c.roles:
            holders[role].append(c)
    for role, people in holders.items():
        if len(people) != 1:
            continue
        person = people[0]
        first = min(m.start for m in person.mentions)
        pattern = re.compile(
            r"\b[Tt]he\s+(?:[A-Z][\w-]*\s+){0,2}(" + re.escape(role) + r")\b", re.IGNORECASE
        )
        taken = [(m.start, m.end) for c in clusters for m in c.mentions]
        for hit in pattern.finditer(text):
            if hit.start() < first:
                continue  # a role phrase before the name is introduced is ambiguous
            start, end = hit.start(), hit.end()
            if text[end:end + 1] == " " and text[end + 1:end + 2].isupper():
                continue  # 'the President Vladimir Putin': the name follows, already a mention
            if re.match(r"\s+of\s", text[end:end + 5]):
                continue  # 'the president of Ukraine': another country's holder of the role
            if any(s < end and start < e for s, e in taken):
                continue
            person.mentions.append(Mention(start, end, "PERSON", text[start:end]))


def _join_first_names(clusterer: _Clusterer) -> None:
    """'Matt has my endorsement' beside 'Matt Bevin': a one-word person that is the first
    name of exactly one full name in the article (and no one's surname) is that person."""
    people = [c for c in clusterer.clusters if c.label == "PERSON"]
    for c in people:
        parts = c.name_parts()
        if not parts or any(count != 1 for _, _, count in parts):
            continue
        word = next(iter(parts))[0]
        owners = [o for o in people if o is not c and any(
            count in (2, 3) and first == word for first, _, count in o.name_parts())]
        surnames = [o for o in people if o is not c and any(
            count >= 2 and last == word for _, last, count in o.name_parts())]
        if len(owners) != 1 or surnames:
            continue
        owner = owners[0]
        for m in c.mentions:
            owner.add(m)
        owner.roles |= c.roles
        c.mentions.clear()
    clusterer.clusters[:] = [c for c in clusterer.clusters if c.mentions]


def find_entities(doc: "Doc") -> list[Entity]:
    """The article's entities, canonical, each with every mention's span, in order of first
    appearance."""
    text = text_of(doc)
    clusterer = _Clusterer()
    # Full names first, so a lone surname earlier in the text still finds its full name.
    mentions = _mentions(doc)
    for m in sorted(mentions, key=lambda m: (-len(_strip_titles(_normal(m.text))), m.start)):
        cluster = clusterer.add(m)
        if m.label == "PERSON":
            cluster.roles |= _roles(text, m)
    _join_first_names(clusterer)
    _role_mentions(text, clusterer.clusters)
    entities = []
    for c in clusterer.clusters:
        spans = sorted({(m.start, m.end) for m in c.mentions})
        aliases = sorted({_normal(m.text) for m in c.mentions})
        entities.append(Entity(name=c.canonical(), label=c.label, mentions=spans, aliases=aliases))
    entities.sort(key=lambda e: e.mentions[0])
    return entities


class EntityIndex:
    """Which entity a span names, and who a pronoun or role phrase refers to."""

    def __init__(self, text: str, entities: list[Entity]):
        self.text = text
        self.entities = entities
        self._spans = sorted(
            ((s, e, ent) for ent in entities for s, e in ent.mentions), key=lambda t: t[0]
        )

    def at(self, start: int, end: int, labels: set[str] | None = None) -> Entity | None:
        """The entity with the largest mention inside (or overlapping) ``[start, end)``;
        people before organisations before places when several are there."""
        best, best_key = None, None
        rank = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3, "LOC": 4}
        for s, e, ent in self._spans:
            if s >= end:
                break
            if e <= start or (labels and ent.label not in labels):
                continue
            overlap = min(e, end) - max(s, start)
            key = (rank.get(ent.label, 5), -overlap)
            if best_key is None or key < best_key:
                best, best_key = ent, key
        return best

    def mentions_before(self, pos: int, labels: set[str]) -> list[tuple[int, int, Entity]]:
        return [t for t in self._spans if t[1] <= pos and t[2].label in labels]

    def resolve(self, start: int, end: int) -> Entity | None:
        """Who ``text[start:end]`` refers to: a named entity in the span, else a pronoun or a
        role phrase ('the spokesman') resolved to the nearest fitting person before it."""
        named = self.at(start, end)
        if named is not None:
            return named
        words = self.text[start:end].lower().split()
        if not words:
            return None
        if len(words) == 1 and words[0] in PERSON_PRONOUNS:
            return self._nearest(start, {"PERSON"})
        if words[0] in ("the", "a", "an", "this", "that") and words[-1].rstrip(",") in ROLE_WORDS:
            return self._nearest(start, {"PERSON"})
        if len(words) == 1 and words[0] in GROUP_PRONOUNS:
            return self._nearest(start, {"ORG", "GPE", "NORP"})
        return None

    def _nearest(self, pos: int, labels: set[str]) -> Entity | None:
        before = self.mentions_before(pos, labels)
        return before[-1][2] if before else None

"""Choose the place each mention means, from the gazetteer's candidates and the article's evidence.

Every mention gets its candidates (``Gazetteer.find``); then one candidate per mention is
chosen by a score that adds up signals, each a general one (no place is special-cased):

- **prior**: what the name most often means on its own: a country before a region before a
  city, and among cities the larger (log population); an exact name before an alternate
  name; a demonym or abbreviation only where that is how it was read;
- **container**: a place named right after it ('Paris, Texas', 'Alexandria, La.',
  'Aydin province' reads the word after) that contains the candidate;
- **article**: the countries and first-level divisions the article's other, confidently
  read mentions lie in, and candidates within 150 km of them: local news names small
  places around one town, foreign news names one country's cities;
- **site**: the country of the page's domain (``.de``, ``.co.uk``), when it has one.

The evidence string names the signal that separated the winner from the runner-up; the
confidence is that margin squashed into 0..1.  A mention with no candidate takes the
container the text gives with it ('the Verkhny Lars border', 'Georgia' named in the same
sentence), marked ``kind="container"``; with none, it is left unresolved.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from nutgraf.facts.places import names as N
from nutgraf.facts.places.gazetteer import (
    ADMIN1, ADMIN2, CITY, CONTINENT, COUNTRY, Candidate, Entry, Gazetteer, open_gazetteer,
)
from nutgraf.model import Place

# Scores (log-odds-like units).  Named so the bench's tuning changes them in one place.
LEVEL_PRIOR = {CONTINENT: 2.0, COUNTRY: 3.0, ADMIN1: 1.6, ADMIN2: 0.0, CITY: 0.0}
POPULATION_WEIGHT = 0.45     # per decade of population
MATCH_PENALTY = {"name": 0.0, "alt": -1.0, "demonym": 0.0, "container": 0.0}
CONTAINER_BONUS = 6.0        # 'X, Y': Y contains the candidate
SAME_COUNTRY = 1.2           # per share of the article's confident mentions in the candidate's country
SAME_ADMIN1 = 2.0
NEARBY = 1.5                 # another confident mention within NEARBY_KM
NEARBY_KM = 150.0
SITE_COUNTRY = 1.0
NAMESAKE_BONUS = 0.5         # a city over the division named after it
MAX_CANDIDATES = 60
MAX_VOTERS = 40              # distinct names that vote on the others' readings
# Words after a name that say which kind of place it is ('Aydin province', 'Orange County').
KIND_WORDS = {
    "county": ADMIN2, "parish": ADMIN2, "borough": ADMIN2, "district": ADMIN2,
    "province": ADMIN1, "state": ADMIN1, "region": ADMIN1, "oblast": ADMIN1, "governorate": ADMIN1,
    "prefecture": ADMIN1, "city": CITY, "town": CITY, "village": CITY,
}
# Words around a name that are not part of it ('the Verkhny Lars border').
STRIP_PREFIXES = ("the ", "downtown ", "central ", "greater ", "metro ", "northern ", "southern ",
                  "eastern ", "western ", "northeast ", "northwest ", "southeast ", "southwest ",
                  "northeastern ", "northwestern ", "southeastern ", "southwestern ", "north ", "south ",
                  "east ", "west ", "rural ", "upstate ", "coastal ")
STRIP_SUFFIXES = tuple(" " + w for w in KIND_WORDS) + (
    " area", " border", " crossing", " checkpoint", " township", " metropolitan area", "'s", " city center")

# Country-code top-level domains that are not a country's site (.tv, .io, .me are used worldwide).
_GENERIC_TLDS = {"tv", "io", "me", "co", "fm", "ai", "ly", "to", "cc", "ws", "eu", "app"}


@dataclass
class Mention:
    """One place mention to resolve: its span in the text and, once read, its candidates."""

    text: str
    start: int
    end: int
    kind: str = "name"  # name | demonym
    label: str | None = None  # the entity label it was found under (GPE, LOC, FAC, ...); "given" for a caller's span
    candidates: tuple[Candidate, ...] = ()
    container: "Mention | None" = None  # the place named right after it ('X, Y')
    kind_word: int | None = None        # the level a following word names ('Aydin province')
    scores: list[float] = field(default_factory=list)
    chosen: int | None = None
    evidence: str = ""
    confidence: float = 0.0

    @property
    def entry(self) -> Entry | None:
        return self.candidates[self.chosen].entry if self.chosen is not None else None


def site_country(url: str | None, gaz: Gazetteer) -> str | None:
    """The country a page's domain names ('.de' → DE, '.co.uk' → GB), or None."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    if len(tld) != 2 or tld in _GENERIC_TLDS:
        return None
    code = "GB" if tld == "uk" else tld.upper()
    return code if gaz.country(code) else None


def _mappable(found: tuple[Candidate, ...]) -> tuple[Candidate, ...]:
    """Candidates with a point (a division with no known place inside has none)."""
    return tuple(c for c in found if c.entry.lat is not None)


_CONTAINER_AFTER = re.compile(r",\s*\(?((?:[A-Z][\w'’]*\.?)(?:\s+[A-Z][\w'’]*\.?){0,2}|(?:[A-Z]\.){2,3})")
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){1,4}$")


def candidates_for(text: str, gaz: Gazetteer) -> tuple[tuple[Candidate, ...], int | None]:
    """The gazetteer's candidates for a mention's text, trying the forms news wraps names in
    ('the Verkhny Lars border' → 'Verkhny Lars'); and the level a kind word names.  An
    acronym ('US', 'NSW', 'HIV', 'E.U') names a country or a first-level division or nothing:
    never the village that happens to be spelt so ('Eu', 'Hīv'); a word without capitals names
    nothing."""
    if text.lower() == text:
        return (), None  # place names are written with capitals: 'of' is not Of in Turkey
    k = N.key(text)
    if _ACRONYM.match(text.strip()):
        return tuple(c for c in _mappable(gaz.lookup(k)) if c.entry.level <= ADMIN1), None
    found = _mappable(gaz.lookup(k))
    if found:
        return found[:MAX_CANDIDATES], None
    level = None
    for _ in range(3):
        changed = False
        for prefix in STRIP_PREFIXES:
            if k.startswith(prefix) and len(k) > len(prefix) + 2:
                k = k[len(prefix):]
                changed = True
        for suffix in STRIP_SUFFIXES:
            if k.endswith(suffix) and len(k) > len(suffix) + 2:
                level = KIND_WORDS.get(suffix.strip(), level)
                k = k[: -len(suffix)]
                changed = True
        found = _mappable(gaz.lookup(k))
        if found:
            return found[:MAX_CANDIDATES], level
        if not changed:
            break
    return (), level


def _km(a: Entry, b: Entry) -> float:
    if a.lat is None or b.lat is None:
        return 1e9
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _contains(outer: Entry, inner: Entry) -> bool:
    """Whether ``outer`` (a country or division) contains ``inner``."""
    if outer.id == inner.id or outer.level >= inner.level:
        return False
    if outer.level == CONTINENT:
        return False
    if outer.country != inner.country:
        return False
    if outer.level == COUNTRY:
        return True
    if outer.level == ADMIN1:
        return outer.admin1 == inner.admin1
    if outer.level == ADMIN2:
        return outer.admin1 == inner.admin1 and outer.admin2 == inner.admin2 and inner.level == CITY
    return False


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(v - top) for v in scores]
    total = sum(exps)
    return [v / total for v in exps]


def _prior(c: Candidate, m: Mention) -> float:
    e = c.entry
    score = LEVEL_PRIOR[e.level] + POPULATION_WEIGHT * math.log10(e.population + 10)
    score += MATCH_PENALTY[c.kind]
    if c.kind == "container" and m.container is None and not m.text.endswith("."):
        score -= 4.0  # a postal-style abbreviation on its own is rarely the place
    if m.kind_word is not None:
        score += 2.0 if e.level == m.kind_word else -1.0
    return score


class Resolver:
    """Resolves the place mentions of one article together."""

    def __init__(self, gaz: Gazetteer | None = None) -> None:
        self.gaz = gaz or open_gazetteer()

    def resolve(self, text: str, mentions: list[Mention], url: str | None = None) -> list[Mention]:
        gaz = self.gaz
        for m in mentions:
            if not m.candidates:
                m.candidates, m.kind_word = candidates_for(m.text, gaz)
        self._link_containers(text, mentions)
        site = site_country(url, gaz)

        # first pass: each mention on its own (priors, containers, site)
        local = {id(m): self._namesakes(m, [self._local(c, m, site) for c in m.candidates]) for m in mentions}
        for m in mentions:
            m.scores = list(local[id(m)])
            self._choose(m, "prior")
        # then the article: each candidate gains from the other mentions that can lie in the
        # same country, the same first-level division, or near it, weighted by how likely each
        # of their readings is now; three rounds let a confident reading pull the others in
        for _round in range(3):
            probs = {id(m): _softmax(m.scores) for m in mentions if m.candidates}
            keyed = [(m, N.key(m.text)) for m in mentions if m.candidates]
            # one vote per distinct name: the same name twice is one piece of evidence; at
            # most MAX_VOTERS names vote, so a list of 10,000 names costs linear time
            by_key: dict[str, tuple[Mention, list[float]]] = {}
            for o, okey in keyed:
                if len(by_key) >= MAX_VOTERS:
                    break
                by_key.setdefault(okey, (o, probs[id(o)]))
            new_scores = {}
            for m, mkey in keyed:
                voters = [v for k, v in by_key.items() if k != mkey]
                weight = min(3, len(voters)) / max(1, len(voters))
                scores = []
                for c, base in zip(m.candidates, local[id(m)]):
                    e = c.entry
                    country = admin = 0.0
                    for o, p in voters:
                        vote = 0.3 if o.kind == "demonym" else 1.0
                        pc = pa = 0.0
                        for oc, po in zip(o.candidates, p):
                            if po < 0.01:
                                continue
                            f = oc.entry
                            if f.country == e.country and e.country is not None:
                                pc += po
                                if e.level >= ADMIN1 and f.level >= ADMIN1 and (
                                        f.admin1 == e.admin1 or
                                        (e.level >= ADMIN2 and f.level >= ADMIN2 and _km(e, f) <= NEARBY_KM)):
                                    pa += po
                        country += vote * pc
                        admin += vote * pa
                    scores.append(base + weight * (SAME_COUNTRY * country + SAME_ADMIN1 * admin))
                new_scores[id(m)] = scores
            for m, _ in keyed:
                m.scores = new_scores[id(m)]
                self._choose(m, "article")
        self._containers_for_unknown(text, mentions)
        self._settle_tentative(mentions)
        return mentions

    @staticmethod
    def _settle_tentative(mentions: list[Mention]) -> None:
        """A tentative mention (a town's name the model read as an organisation) stays a place
        only when one of its readings lies in a first-level division the article's other,
        confident places lie in ('Huntsville' in an article about Walker County, Texas)."""
        areas = {(m.entry.country, m.entry.admin1) for m in mentions
                 if m.label != "tentative" and m.entry is not None and m.entry.level >= ADMIN1
                 and m.confidence >= 0.5}
        for m in mentions:
            if m.label != "tentative" or m.chosen is None:
                continue
            inside = [i for i, c in enumerate(m.candidates) if (c.entry.country, c.entry.admin1) in areas]
            if not inside:
                m.chosen = None
                continue
            m.chosen = max(inside, key=lambda i: m.scores[i])
            m.evidence = "article-admin1"
            m.confidence = min(m.confidence, 0.5)

    @staticmethod
    def _namesakes(m: Mention, scores: list[float]) -> list[float]:
        """A city inside a division known by the same name ('Moscow' in Moskva) is what a bare
        mention of the name means, unless a kind word says otherwise ('Moscow region'): it
        takes the division's score plus a little."""
        if m.kind_word is not None and m.kind_word != CITY:
            return scores
        out = list(scores)
        for i, c in enumerate(m.candidates):
            if c.entry.level != CITY:
                continue
            for j, d in enumerate(m.candidates):
                # only where the division has the name as an alternate ('Moskva' for the
                # oblast, 'Moscow' for the city): a division named so in its own right
                # ('New York' the state) keeps its score
                if d.kind == "alt" and c.kind == "name" and d.entry.level in (ADMIN1, ADMIN2) \
                        and _contains(d.entry, c.entry):
                    out[i] = max(out[i], scores[j] + NAMESAKE_BONUS)
        return out

    def _local(self, c: Candidate, m: Mention, site: str | None) -> float:
        s = _prior(c, m)
        if m.container is not None and m.container.candidates:
            if any(_contains(oc.entry, c.entry) for oc in m.container.candidates):
                s += CONTAINER_BONUS
        if site and c.entry.country == site:
            s += SITE_COUNTRY
        return s

    @staticmethod
    def _choose(m: Mention, signal: str) -> None:
        if not m.candidates:
            return
        order = sorted(range(len(m.scores)), key=lambda i: -m.scores[i])
        best = order[0]
        margin = m.scores[best] - m.scores[order[1]] if len(order) > 1 else 10.0
        m.chosen = best
        m.confidence = round(1.0 - math.exp(-max(0.0, margin)), 3) if len(order) > 1 else 1.0
        m.evidence = "only-candidate" if len(order) == 1 else signal

    def _link_containers(self, text: str, mentions: list[Mention]) -> None:
        """'X, Y' and 'X (Y)': Y is X's container when it follows X directly, whether or not
        Y is one of the mentions ('Paris, Texas' with only 'Paris' given; 'Alexandria, La.')."""
        by_start = sorted(mentions, key=lambda m: m.start)
        for a, b in zip(by_start, by_start[1:]):
            gap = text[a.end:b.start]
            if len(gap) <= 3 and gap.strip() in (",", "("):
                a.container = b
        for m in mentions:
            if m.container is not None:
                continue
            after = _CONTAINER_AFTER.match(text, m.end, min(len(text), m.end + 60))
            if not after:
                continue
            cands, _ = candidates_for(after.group(1), self.gaz)
            cands = tuple(c for c in cands if c.entry.level <= ADMIN1 and c.entry.level != CONTINENT)
            if cands:
                m.container = Mention(text=after.group(1), start=after.start(1), end=after.end(1),
                                      candidates=cands, label="container")

    def _containers_for_unknown(self, text: str, mentions: list[Mention]) -> None:
        """A mention the gazetteer lacks takes the container the text gives with it: the
        place named right after it, else the nearest resolved place in the same sentence."""
        for m in mentions:
            # only names read as places whose words say they are one ('the Verkhny Lars
            # border', 'Talavera village') or that a caller gave; a disease or a company the
            # model tagged GPE ('West Nile', 'Covance') is left out, not put on a map
            if m.candidates or m.label not in ("GPE", "LOC", "given"):
                continue
            if m.label != "given" and not _says_place(text, m):
                continue
            container = m.container if m.container is not None and m.container.entry is not None else None
            if container is None:
                lo = max(text.rfind(".", 0, m.start), text.rfind("\n", 0, m.start))
                hi_dot = text.find(".", m.end)
                hi = hi_dot if hi_dot >= 0 else len(text)
                near = [o for o in mentions if o.entry is not None and lo < o.start < hi and o is not m]
                # a place named in the sentence before a demonym of one ('Russian citizens')
                named = [o for o in near if o.kind != "demonym"] or near
                if named:
                    container = min(named, key=lambda o: abs(o.start - m.start))
            if container is not None:
                m.candidates = (Candidate(container.entry, "container"),)
                m.scores = [0.0]
                m.chosen = 0
                m.evidence = f"container:{container.entry.name}"
                m.confidence = 0.3
                m.kind = "container"


# Words in or right after a name that say it is a place.
PLACE_WORDS = frozenset((
    "border crossing checkpoint pass river valley mountains mountain mount lake sea bay gulf island islands "
    "region province district county village town city camp port airport bridge strait coast desert "
    "peninsula plateau oblast state municipality neighbourhood neighborhood square border-crossing"
).split())


def _says_place(text: str, m: Mention) -> bool:
    words = N.key(m.text).split()
    after = N.key(text[m.end:m.end + 30]).split()[:1]
    return bool(words) and (words[-1] in PLACE_WORDS or (after and after[0] in PLACE_WORDS)
                            or m.container is not None)


def to_place(m: Mention, gaz: Gazetteer, entity: str | None = None) -> Place | None:
    e = m.entry
    if e is None:
        return None
    evidence = m.evidence
    if m.kind != "container":
        evidence = f"{m.evidence}"
    return Place(
        text=m.text, start=m.start, end=m.end, name=e.name, geonames_id=e.geonames_id,
        lat=None if e.lat is None else round(e.lat, 5), lon=None if e.lon is None else round(e.lon, 5),
        country_code=e.country, country_fips=gaz.country_fips(e.country),
        admin1=e.admin1 if e.level >= ADMIN1 else None,
        admin1_name=gaz.admin1_name(e.country, e.admin1) if e.level >= ADMIN1 else None,
        feature_class=e.feature_class, feature_code=e.feature_code, population=e.population or None,
        confidence=m.confidence, evidence=evidence, kind=m.kind, entity=entity,
    )


_WORD = re.compile(r"\w")


def resolve_spans(text: str, spans: list[tuple[int, int]], *, url: str | None = None,
                  gaz: Gazetteer | None = None) -> list[Place | None]:
    """Resolve mentions the caller found: one ``Place`` (or None) per span, in order."""
    gaz = gaz or open_gazetteer()
    mentions = []
    for start, end in spans:
        if not (0 <= start < end <= len(text)) or not _WORD.search(text[start:end]):
            mentions.append(Mention(text=text[start:end] if 0 <= start <= end <= len(text) else "",
                                    start=start, end=end))
            continue
        mentions.append(Mention(text=text[start:end], start=start, end=end, label="given"))
    Resolver(gaz).resolve(text, [m for m in mentions if m.text], url=url)
    return [to_place(m, gaz) for m in mentions]

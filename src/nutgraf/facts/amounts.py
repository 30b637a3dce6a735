"""Amounts: numbers with their unit, what they count, and who reported them — each a span.

``find_amounts(doc, index)`` reads the article text character by character for the numbers
(spaCy's tokenizer splits '$3bn', '€20m' and '640bhp' in unhelpful ways), then uses the
parse for what surrounds each number: the counted noun, the rate, and the reporter.

A number is read as (left to right)::

    [approximation] [currency] [sign] NUMBER [scale] [unit] [rate] [range: to|-|and NUMBER ...]

    'some 98,000 Russians'       value 98000, unit people, object Russians, approximate
    '€20m'                       value 2e7, unit EUR
    'between 5 and 7 million'    value 5e6, lower 5e6, upper 7e6
    'thousands of kilometres'    value None, vague, lower 1000, upper 10000, unit kilometre
    '10,000 ... each day'        per 'day' (a rate phrase in the number's clause)

Not amounts (see ``_excluded``): years ('in 2022', 'since 1991', 'the 2019 season'), dates
('September 21', '8 July 2021'), clock times ('10.45pm', '5:00 AM'), ordinals ('21st',
'third'), decades ('1980s'), phone numbers, version numbers ('3.8.18'), ids and model
names ('iPhone 11', 'S&P 500', 'TA-35', 'category 4', 'No. 10', '575 Wilbraham Road'),
sports scores ('2-0'), and ages in apposition ('Selena Gomez, 30,'): the age of the person
named is a fact about the person, not a figure anyone reports, so it is left out.  Ages
written as such ('a 50-year-old man') are amounts with unit ``year of age``.

The reporter (``source``) comes from, in order: an 'according to X' in the sentence; a
speech or report verb ('say', 'report', 'declare', 'estimate', 'show' ...) that governs
the number's clause, whose subject is the source ('authorities in Georgia reported 10,000
...'); where that subject is a document ('figures', 'data', 'a survey'), its owner
('X's figures show', 'data from X').  The source is the canonical entity name when the
phrase's head is an entity mention (or a pronoun or role phrase the entity index
resolves), else the phrase as written, without appositions or relative clauses.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nutgraf.facts import numbers as N
from nutgraf.facts import units as U
from nutgraf.model import Amount

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from nutgraf.facts.entities import EntityIndex

# ---------------------------------------------------------------------------------------
# What is not an amount: masked before numbers are read.

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_EXCLUDE = [
    # clock times: '10:27 PM', '5am', '10.45pm', '2:55 p.m.', '4:39'
    r"\b\d{1,2}(?::\d{2}){1,2}(?:\s*[ap]\.?\s?m\b\.?)?",
    r"\b\d{1,2}(?:[.:]\d{2})?\s*(?:[ap]\.m\.|[ap]m\b|[AP]M\b)",
    # dates: 'September 21', 'Oct. 31, 2019', '8 July 2021', '21st of May', ISO, d/m/y
    r"\b" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4}\b)?",
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+\d{4}\b)?",
    r"\b" + _MONTH + r",?\s+\d{4}\b",
    r"\b\d{4}-\d{2}-\d{2}\b",
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    r"\b\d{1,2}\.\d{1,2}\.\d{4}\b",
    # ordinals and decades: '21st', '96th-minute', '1980s', "'90s", 'mid-2000s'
    r"\b\d+(?:st|nd|rd|th)\b",
    r"(?:\b\d{2}|['’])?\d0['’]?s\b",
    r"\b\d{4}s\b",
    # phone numbers: '+44 20 7946 0958', '(555) 123-4567', '555-123-4567'
    r"(?:\+\d{1,3}[\s.-]?)?\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b",
    r"\+\d{1,3}(?:[\s.-]\d{2,4}){2,4}\b",
    # versions, IP addresses: '3.8.18', 'v2.1', '192.168.0.1'
    r"\b[vV]?\d+(?:\.\d+){2,}\b",
    r"\b[vV]\d+(?:\.\d+)?\b",
    # urls, e-mails, hashtags, '#1', 'No. 10', 'number 10'
    r"https?://\S+|www\.\S+|\S+@\S+\.\w+",
    r"#\w+",
    r"\b(?:No|no|Nos|nos|Number|number|Nr|nr)\.?\s*\d+\b",
    # the fraction-like ids '24/7', '9/11'
    r"\b\d{1,2}/\d{1,2}\b(?!\s*(?:of|th))",
]
_EXCLUDE_RE = re.compile("|".join(f"(?:{p})" for p in _EXCLUDE))

# Lower-case words after which a number is an id ('category 4', 'page 12', 'route 66').
ID_WORDS = {
    "category", "page", "pages", "chapter", "room", "gate", "platform", "route", "flight",
    "version", "level", "grade", "stage", "phase", "section", "article", "item", "episode",
    "season", "vol", "volume", "issue", "step", "unit", "lot", "row", "seat", "highway",
    "channel", "track", "terminal", "tier", "size", "type", "model", "pp", "p.", "pg",
    "interstate", "exit", "bus", "line", "apartment", "apt", "suite", "box", "code", "zone",
    "week", "day", "game", "round", "match", "act", "scene", "figure", "fig", "table",
    "part", "district", "ward", "precinct", "division", "paragraph", "clause", "rule",
    "amendment", "resolution", "bill", "case", "ticket", "id", "ref", "reference",
}
STREET_WORDS = {
    "road", "rd", "street", "st", "avenue", "ave", "lane", "ln", "way", "boulevard", "blvd",
    "drive", "dr", "place", "pl", "court", "ct", "terrace", "crescent", "close", "parade",
    "highway", "hwy", "square", "industrial", "park", "ranch", "zip",
}
# Words before a year ('in 2022', 'since 1991', 'the 2019 ...' is handled by the noun test).
YEAR_PREPS = {
    "in", "since", "by", "until", "till", "from", "of", "during", "before", "after",
    "through", "between", "and", "to", "circa", "c.", "mid", "early", "late", "year",
    "summer", "spring", "autumn", "fall", "winter", "season", "around", "about", "or",
    "on", "for", "at", "into", "throughout", "than", "with", "fiscal", "fy", "vintage",
}

# ---------------------------------------------------------------------------------------
# Left and right context of a number.

APPROX = {
    # phrase: bound it sets ('lower' | 'upper' | None)
    "some": None, "about": None, "around": None, "approximately": None, "approx.": None,
    "approx": None, "roughly": None, "nearly": "upper", "almost": "upper", "close to": None,
    "an estimated": None, "estimated": None, "circa": None, "c.": None, "~": None, "≈": None,
    "more than": "lower", "over": "lower", "well over": "lower", "just over": "lower",
    "upwards of": "lower", "in excess of": "lower", "at least": "lower",
    "no fewer than": "lower", "no less than": "lower", "not less than": "lower",
    "less than": "upper", "fewer than": "upper", "under": "upper", "just under": "upper",
    "well under": "upper", "below": "upper", "up to": "upper", "at most": "upper",
    "no more than": "upper", "not more than": "upper", "as many as": "upper",
    "as much as": "upper", "as high as": "upper", "as few as": "lower",
    "as little as": "lower", "an average of": None, "on average": None, "averaging": None,
    "barely": "upper", "just shy of": "upper", "north of": "lower", "south of": "upper",
    "the best part of": None, "the better part of": None, "a little over": "lower",
    "a little under": "upper", "a little more than": "lower", "a little less than": "upper",
    "slightly more than": "lower", "slightly less than": "upper", "over than": "lower",
    "or so": None, "odd": None,
}
_APPROX_RE = re.compile(
    r"(?:(?<=\s)|(?<=^)|(?<=\())(?P<a>"
    + "|".join(re.escape(a) for a in sorted(APPROX, key=len, reverse=True) if a not in
               ("or so", "odd"))
    + r")\s*$",
    re.IGNORECASE,
)
_SIGN_RE = re.compile(r"(?:(?<![\w.])(?:minus|negative)[\s-]|(?:(?<=[\s($=,])|^)[-−–+])$",
                      re.IGNORECASE)
_SCALE_RE = re.compile(
    r"(?:[\s-]*(?P<w>hundred|thousand|million|billion|trillion|lakh|crore)\b"
    r"|(?P<a>\s?(?:bn|bln|mn|mln|tn|trn))(?![A-Za-z])"
    r"|(?P<g>[kKmMbB])(?![A-Za-z0-9]))"
)
_US_AFTER_RE = re.compile(r"\s?(?:US|U\.S\.)(?![A-Za-z])")
_PER_RE = re.compile(
    r"(?P<sep>\s*(?:per|each|every)\s+|\s+(?:an|a)\s+|\s*/\s*|-(?:a|an|per)-)"
    r"(?P<w>(?:square|sq\.?|cubic)\s+[a-z]+|[A-Za-z]+)(?![A-Za-z])",
)
_NOT_PER_AFTER = re.compile(r"\s+(?:ago|earlier|later|before|after|previously|prior)\b")
_RANGE_RE = re.compile(r"\s*(?P<c>to|-|–|—|and|or)\s*", re.IGNORECASE)
_FRACTION_RE = re.compile(r"(?P<n>\d+)\s*[⁄/]\s*(?P<d>\d+)")
_WORD_FRACTION_RE = re.compile(
    r"\b(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine)[\s-]+"
    r"(?P<d>half|third|thirds|quarter|quarters|fifth|fifths|sixth|sixths|eighth|eighths|"
    r"tenth|tenths)\b(?=\s+of\b)|\b(?P<half>half)(?=\s+of\b)",
    re.IGNORECASE,
)
_MIXED_RE = re.compile(r"(?:\s+(?P<n>\d)\s*[/⁄]\s*(?P<d>\d{1,2})\b(?![/⁄]\d)|(?P<u>[½¼¾⅓⅔⅛]))")
_OUT_OF_RE = re.compile(r"\s+(?:out\s+of|in)\s+(?=(?:\d|one|two|three|four|five|six|seven|eight|nine|ten)\b)",
                        re.IGNORECASE)
_SCI_RE = re.compile(r"\s*[×x]\s*10(?:\^|\*\*)?(?P<e>[-−⁻]?\d+|[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")

_CORE_RE = re.compile(
    r"(?P<vague>" + N.VAGUE_RE.pattern + r")"
    r"|(?P<frac>" + _WORD_FRACTION_RE.pattern + r")"
    r"|(?P<words>" + N.WORDS_RE.pattern + r")"
    r"|(?P<ufrac>[½¼¾⅓⅔⅛])"
    r"|(?P<digits>" + N.DIGITS_RE.pattern + r")",
    re.IGNORECASE,
)

PEOPLE = {
    "people", "persons", "person", "troops", "troop", "soldiers", "soldier", "citizens",
    "residents", "refugees", "migrants", "immigrants", "voters", "workers", "employees",
    "staff", "staffers", "students", "pupils", "children", "kids", "adults", "men", "women",
    "boys", "girls", "patients", "civilians", "fighters", "victims", "casualties",
    "passengers", "tourists", "visitors", "fans", "members", "players", "officers",
    "police", "policemen", "protesters", "protestors", "demonstrators", "inhabitants",
    "asylum seekers", "seekers", "pensioners", "reservists", "recruits", "conscripts",
    "volunteers", "teachers", "doctors", "nurses", "journalists", "prisoners", "detainees",
    "hostages", "individuals", "americans", "russians", "ukrainians", "britons",
    "residents", "households", "families", "users", "customers", "subscribers",
    "followers", "viewers", "readers", "listeners", "consumers", "shoppers", "investors",
    "farmers", "miners", "drivers", "pilots", "crew", "sailors", "marines", "personnel",
    "militants", "rebels", "insurgents", "settlers", "evacuees", "displaced", "dead",
    "injured", "wounded", "survivors", "infected", "cases", "deaths", "lives", "adherents",
    "believers", "delegates", "lawmakers", "legislators", "senators", "officials",
    "diplomats", "scientists", "researchers", "experts", "economists", "analysts",
    "respondents", "participants", "attendees", "spectators", "runners", "athletes",
    "applicants", "candidates", "jobseekers", "unemployed", "fishermen", "nationals",
    "guests", "homeless", "babies", "infants", "teenagers", "teens", "youths", "elderly",
    "retirees", "veterans", "contractors", "labourers", "laborers", "servicemen",
    "mercenaries", "jihadists", "pilgrims", "worshippers", "activists", "supporters",
}

REPORT_VERBS = {
    "say", "report", "declare", "estimate", "announce", "state", "claim", "tell", "show",
    "reveal", "find", "confirm", "add", "note", "write", "predict", "forecast", "project",
    "warn", "indicate", "suggest", "calculate", "count", "record", "register", "tally",
    "publish", "disclose", "acknowledge", "admit", "allege", "assert", "insist", "argue",
    "explain", "testify", "mention", "cite", "quote", "expect", "anticipate", "believe",
    "think", "put", "say", "tweet", "post", "reckon", "figure", "conclude", "determine",
    "document", "list", "log", "signal", "stress", "emphasise", "emphasize", "observe",
    "point", "boast", "brief", "inform", "specify", "detail", "put", "tell", "survey",
    "poll", "measure", "track", "monitor", "assess", "compute", "said",
}
DOCUMENT_NOUNS = {
    "figure", "figures", "data", "statistic", "statistics", "number", "numbers", "report",
    "survey", "study", "poll", "estimate", "estimates", "analysis", "census", "record",
    "records", "document", "filing", "tally", "count", "research", "review", "assessment",
    "calculation", "calculations", "projection", "projections", "forecast", "forecasts",
    "model", "chart", "table", "index", "release", "statement", "paper", "audit",
}
TIME_PER = {"second", "minute", "hour", "day", "night", "week", "fortnight", "month",
            "quarter", "year", "decade", "century", "weekend", "session", "shift"}

_PRON = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "this", "that",
         "which", "who", "these", "those"}


@dataclass
class _Core:
    start: int
    end: int
    value: float | None
    kind: str  # digits | words | vague | frac
    lower: float | None = None
    upper: float | None = None
    scaled: bool = False


@dataclass
class _Draft:
    start: int
    end: int
    value: float | None
    value_start: int
    value_end: int
    core: _Core
    unit: str | None = None
    unit_form: str | None = None
    currency: str | None = None
    approximate: bool = False
    lower: float | None = None
    upper: float | None = None
    per: str | None = None
    vague: bool = False
    scaled: bool = False
    is_range: bool = False
    object: str | None = None
    count_noun: bool = False


class _Spans:
    """Sorted disjoint character ranges; ``hit(a, b)`` says whether [a, b) overlaps one."""

    def __init__(self, spans: list[tuple[int, int]]):
        merged: list[list[int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def hit(self, a: int, b: int) -> bool:
        i = bisect_right(self.starts, b - 1) - 1
        return i >= 0 and self.ends[i] > a

    def add(self, a: int, b: int) -> None:
        i = bisect_left(self.starts, a)
        self.starts.insert(i, a)
        self.ends.insert(i, b)


# ---------------------------------------------------------------------------------------
# Reading one number.

def _read_core(text: str, m: re.Match[str]) -> _Core | None:
    kind = m.lastgroup
    s, e = m.start(), m.end()
    raw = m.group(0)
    if kind == "vague":
        lo, hi = N.vague_bounds(raw) or (None, None)
        return _Core(s, e, None, "vague", lo, hi)
    if kind == "frac":
        if m.group("half"):
            return _Core(s, e, 0.5, "frac")
        words = re.split(r"[\s-]+", raw.lower())
        num = N.parse_words(words[0]) or 1.0
        den = N.FRACTIONS[re.split(r"[\s-]+", raw.lower())[-1]]
        return _Core(s, e, num / den, "frac")
    if kind == "ufrac":
        return _Core(s, e, N.UNICODE_FRACTIONS[raw], "frac")
    if kind == "words":
        value = N.parse_words(raw)
        if value is None:
            return None
        return _Core(s, e, value, "words")
    # digits: a fraction '1/16', '1⁄32'
    fm = _FRACTION_RE.match(text, s)
    if fm and (text[fm.end():fm.end() + 3] == " of" or "⁄" in fm.group(0)):
        d = float(fm.group("d"))
        if d:
            return _Core(s, fm.end(), float(fm.group("n")) / d, "frac")
    value = N.parse_digits(raw)
    mixed = _MIXED_RE.match(text, e)
    if mixed and "." not in raw and "," not in raw:
        # '1 1/2 cups', '2½ miles'
        if mixed.group("u"):
            return _Core(s, mixed.end(), value + N.UNICODE_FRACTIONS[mixed.group("u")], "digits")
        den = float(mixed.group("d"))
        if den and float(mixed.group("n")) < den:
            return _Core(s, mixed.end(), value + float(mixed.group("n")) / den, "digits")
    return _Core(s, e, value, "digits")


def _scale(text: str, pos: int, core: _Core, money: bool) -> tuple[float, int, bool]:
    """Scale words after a number: (factor, end, glued lower-case m/b taken as scale)."""
    factor = 1.0
    end = pos
    while True:
        m = _SCALE_RE.match(text, end)
        if not m:
            break
        if m.group("g"):
            g = m.group("g")
            if end != core.end or core.kind != "digits":
                break
            if g in "mbkK" and not money:
                break  # '37m' is metres, '16b' bits, '4K' a resolution, unless it is money
            factor *= N.SCALES[g]
            end = m.end()
            break
        word = (m.group("w") or m.group("a")).strip().lower()
        if core.kind == "words" and m.group("w"):
            break  # number words already took their scale words
        factor *= N.SCALES[word]
        end = m.end()
    return factor, end, factor != 1.0


def _prev_word(text: str, pos: int) -> tuple[str, int]:
    """The word ending right before ``pos`` (spaces skipped) and its start."""
    j = pos
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    k = j
    while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "&.'’-"):
        k -= 1
    return text[k:j], k


class _Reader:
    def __init__(self, doc: "Doc"):
        self.doc = doc
        self.text = doc.text
        self.tok_starts = [t.idx for t in doc]
        spans = [(m.start(), m.end()) for m in _EXCLUDE_RE.finditer(self.text)]
        self.excluded = _Spans(spans)
        self.taken = _Spans([])

    # -- tokens ---------------------------------------------------------------------
    def token_at(self, pos: int) -> "Token | None":
        """The token containing character ``pos`` (or the next one)."""
        if not len(self.doc):
            return None
        i = bisect_right(self.tok_starts, pos) - 1
        if i < 0:
            i = 0
        tok = self.doc[i]
        if tok.idx + len(tok) <= pos and i + 1 < len(self.doc):
            tok = self.doc[i + 1]
        return tok

    def token_from(self, pos: int) -> "Token | None":
        i = bisect_left(self.tok_starts, pos)
        return self.doc[i] if i < len(self.doc) else None

    # -- reading --------------------------------------------------------------------
    def read_all(self) -> list[_Draft]:
        drafts: list[_Draft] = []
        for m in _CORE_RE.finditer(self.text):
            if self.excluded.hit(m.start(), m.end()) or self.taken.hit(m.start(), m.end()):
                continue
            core = _read_core(self.text, m)
            if core is None:
                continue
            draft = self.read_one(core)
            if draft is None:
                continue
            self.taken.add(draft.value_start, draft.end)
            drafts.append(draft)
        return drafts

    def read_one(self, core: _Core) -> _Draft | None:
        text = self.text
        s, e = core.start, core.end
        if core.kind == "digits":
            before = text[s - 1] if s else " "
            if before.isalpha() or before == "_":
                cur = U.match_prefix_currency(text, s)
                if cur is None:
                    return None  # 'M21', 'V10', 'S22'
            if before == "-" and s >= 2 and text[s - 2].isalnum():
                word, _ = _prev_word(text, s - 1)
                if any(ch.isupper() for ch in word) or word[-1:].isdigit():
                    return None  # 'TA-35', 'F-35', 'COVID-19'; '5-10' is read as a range
                if word.lower() not in ("minus", "sub", "over", "under", "top", "mid",
                                        "about", "around", "nearly", "almost", "now", "up"):
                    if not word.isalpha():
                        return None
            if before in ".,":
                return None  # part of a longer malformed number
        if core.kind == "words":
            low = text[s:e].lower()
            first = low.split()[0].split("-")[0]
            if first in N.WORD_SCALES:
                # 'a dozen', 'a hundred', 'a million'; 'several hundred' is vague
                word, ws = _prev_word(text, s)
                if word.lower() in ("a", "an"):
                    s = ws
                elif word.lower() in ("several", "few", "many"):
                    mult = {"several": 3.0, "few": 2.0, "many": 2.0}[word.lower()]
                    base = core.value or 1.0
                    core = _Core(ws, e, None, "vague", mult * base, 10 * base)
                    s = ws
                else:
                    return None
            elif first == "one" and not self._counting_one(s, e):
                return None
        value = core.value
        vstart, vend = s, e
        draft = _Draft(s, e, value, vstart, vend, core)
        if core.kind == "vague":
            draft.vague = True
            draft.approximate = True
            draft.lower, draft.upper = core.lower, core.upper

        # left: sign, currency, approximation
        left = s
        sign = _SIGN_RE.search(text, max(0, left - 9), left)
        cur = U.match_prefix_currency(text, left)
        if sign and sign.end() == left and not cur:
            if sign.group(0) in "-–" and left >= 2 and text[left - 2].isdigit():
                sign = None
            if sign is not None:
                left = sign.start()
                if draft.value is not None and sign.group(0) != "+":
                    draft.value = -draft.value
                cur = U.match_prefix_currency(text, left)
        if cur:
            draft.currency, left = cur
        am = _APPROX_RE.search(text, max(0, left - 24), left)
        approx_kind = None
        if am:
            draft.approximate = True
            approx_kind = APPROX[am.group("a").lower()]
            left = am.start()
        draft.start = left

        # right: scale, 'US' after '$', unit, rate
        money = draft.currency is not None
        if not money:
            m_unit = U.UNIT_RE.match(text, e + 1 if text[e:e + 1] == " " else e)
            if m_unit and U._UNIT_LOOKUP[m_unit.lastgroup] in U.MONEY_UNITS:
                money = True
        pos = e
        if core.kind in ("digits", "words"):
            factor, pos, scaled = _scale(text, e, core, money)
            if scaled and draft.value is not None:
                draft.value *= factor
                draft.scaled = True
            sci = _SCI_RE.match(text, pos)
            if sci and draft.value is not None:
                exp = sci.group("e").translate(_SUPERSCRIPT).replace("−", "-")
                try:
                    draft.value *= 10.0 ** int(exp)
                    pos = sci.end()
                    draft.scaled = True
                except ValueError:
                    pass
            out_of = _OUT_OF_RE.match(text, pos)
            if out_of and draft.value is not None:
                m2 = _CORE_RE.match(text, out_of.end())
                if m2 and m2.lastgroup in ("digits", "words"):
                    c2 = _read_core(text, m2)
                    if c2 is not None and c2.value and c2.value > draft.value and \
                            out_of.group(0).strip() != "in" or c2 is not None and c2.value \
                            and c2.value >= 2 and out_of.group(0).strip() == "in" and \
                            draft.value < c2.value and core.kind == c2.kind:
                        draft.value = draft.value / c2.value
                        draft.core = core = _Core(core.start, c2.end, draft.value, "frac")
                        pos = c2.end
        draft.value_end = pos
        if draft.currency == "USD":
            um = _US_AFTER_RE.match(text, pos)
            if um:
                pos = um.end()
        pos = self._unit(draft, pos)
        draft.end = pos
        if draft.value is not None and approx_kind == "lower":
            draft.lower = draft.value
        elif draft.value is not None and approx_kind == "upper":
            draft.upper = draft.value

        # ranges: '10-20%', 'between 5 and 7 million', '$3 billion to $5 billion'
        if core.kind != "frac":
            self._range(draft)
        if draft.per is None:
            self._per(draft)
        if not self._keep(draft):
            return None
        return draft

    def _unit(self, draft: _Draft, pos: int) -> int:
        text = self.text
        glued = pos == draft.core.end or (pos > draft.core.end and text[pos - 1] != " ")
        gap = 0
        if text[pos:pos + 1] == " ":
            gap = 1
        elif text[pos:pos + 1] == "-" and text[pos + 1:pos + 2].isalpha():
            gap = 1
        elif draft.core.kind == "vague" or text[pos:pos + 1] == "\u00a0":
            gap = 1 if text[pos:pos + 1] in " \u00a0" else 0
        at = pos + gap
        # 'thousands of kilometres', 'a dozen of ...': units after 'of' for vague numbers
        if draft.core.kind == "vague" and text[at:at + 3].lower() == "of ":
            at += 3
        hit = U.match_unit(text, at, glued=(gap == 0 and glued))
        if hit and draft.currency and hit[0] not in U.MONEY_UNITS:
            hit = None  # '$800 stone pizza oven': the noun after money is not its unit
        if hit and text[at - 1:at] == "-" and hit[0] not in (
                "year of age", "month of age", "week of age", "day of age") and \
                not text[at:at + 1].isalpha():
            hit = None
        if hit:
            name, form, end = hit
            if name in U.MONEY_UNITS and name != "cent" and draft.currency and \
                    name in U.CURRENCY_CODES:
                draft.currency = name if draft.currency == "USD" else draft.currency
            if name == "degree":
                # 'degrees Celsius' after 'degrees': take the longer reading
                m2 = re.match(r"\s*(?:Celsius|celsius|C\b|centigrade|Fahrenheit|fahrenheit"
                              r"|F\b)", text[end:])
                if m2:
                    name = "degree Celsius" if m2.group(0).strip()[0] in "Cc" else \
                        "degree Fahrenheit"
                    end += m2.end()
            draft.unit = name
            draft.unit_form = form
            pos = end
        elif draft.currency is None and text[at:at + 6].lower() in ("pounds", "pound "):
            # 'pounds' alone: money with a scale word or 'sterling', else weight
            if draft.scaled:
                draft.unit = "GBP"
            else:
                draft.unit = "pound"
            draft.unit_form = "pounds"
            pos = at + (6 if text[at:at + 6].lower() == "pounds" else 5)
        if draft.currency and draft.unit is None:
            draft.unit = draft.currency
        elif draft.currency and draft.unit in U.CURRENCY_CODES:
            draft.unit = draft.unit if draft.currency == "USD" else draft.currency
        return pos

    def _range(self, draft: _Draft) -> None:
        text = self.text
        m = _RANGE_RE.match(text, draft.end)
        if not m:
            # a unit-less first number with the unit after the second: '5 to 7 per cent'
            return
        conn = m.group("c").lower()
        before, _ = _prev_word(text, draft.start)
        before = before.lower()
        if conn == "and" and before != "between":
            return
        if conn in ("-", "–", "—") and m.group(0) != m.group("c") and conn == "-":
            return  # ' - ' with spaces is a dash, not a range
        nxt = _CORE_RE.match(text, m.end())
        cur2 = None
        start2 = m.end()
        if nxt is None:
            cur = re.match(r"(US\s?\$|\$\s?US|A\$|\$A|HK\s?\$|\$|€|£|¥|Y=|PS)", text[m.end():])
            if cur:
                cur2 = cur.group(0)
                start2 = m.end() + len(cur2)
                nxt = _CORE_RE.match(text, start2)
            elif text[m.end():m.end() + 1] in "-−":
                nxt = _CORE_RE.match(text, m.end() + 1)
                if nxt is None:
                    return
        if nxt is None or nxt.lastgroup not in ("digits", "words") or \
                self.excluded.hit(nxt.start(), nxt.end()):
            return
        core2 = _read_core(text, nxt)
        if core2 is None or core2.value is None:
            return
        if core2.kind == "words" and core2.value == 1 and conn != "to":
            return
        if conn == "to" and before == "by" and draft.unit is not None and \
                draft.core.kind == "digits":
            return  # 'increased by $43.6 billion to $419.2 billion': a change, then a level
        sub = _Draft(core2.start, core2.end, core2.value, core2.start, core2.end, core2)
        money = bool(cur2) or draft.currency is not None
        factor, pos, scaled = _scale(text, core2.end, core2, money)
        if scaled:
            sub.value *= factor
        if cur2:
            sub.currency = U.match_prefix_currency(text, start2)[0] if \
                U.match_prefix_currency(text, start2) else draft.currency
        um = _US_AFTER_RE.match(text, pos) if money else None
        if um:
            pos = um.end()
        pos = self._unit(sub, pos)
        unit1, unit2 = draft.unit, sub.unit
        if unit1 and unit2 and unit1 != unit2:
            return  # '5% to $84': two amounts
        if unit1 and not unit2 and before != "from":
            return  # 'rose 8.15% to 3.65': a change, then a level
        year = re.compile(r"\d{4}")
        if not unit1 and draft.currency is None and year.fullmatch(
                text[draft.core.start:draft.core.end]) and 1000 <= (draft.value or 0) <= 2199:
            return  # 'from 20 mpg in 2008 to 29 mpg': a year, not a range end
        if not (unit1 or unit2) and (
                year.fullmatch(text[draft.core.start:draft.core.end]) and
                1000 <= (draft.value or 0) <= 2199 or
                year.fullmatch(text[core2.start:core2.end]) and 1000 <= core2.value <= 2199):
            return  # 'between 2014 and 2017': years
        if conn == "or" and not (draft.value is not None and sub.value > draft.value):
            return
        if conn in ("-", "–", "—") and not (unit1 or unit2 or scaled or draft.scaled):
            # '2-0', '16-18': a score or an id unless a counted noun follows
            tok = self.token_from(pos + 1) if text[pos:pos + 1] == " " else None
            if tok is None or tok.pos_ != "NOUN" or tok.tag_ not in ("NNS", "NN"):
                draft.core.kind = "score"
                draft.end = pos
                return
        v1 = draft.value
        if scaled and not draft.scaled and v1 is not None and abs(v1) < 1000 and \
                draft.unit in (None, unit2) and v1 * factor <= sub.value:
            v1 *= factor
            draft.scaled = True
        if v1 is None:
            return
        draft.value = v1
        draft.lower, draft.upper = v1, sub.value
        draft.is_range = True
        if unit2 and not unit1:
            draft.unit, draft.unit_form = unit2, sub.unit_form
        draft.end = pos
        if sub.per:
            draft.per = sub.per

    def _per(self, draft: _Draft) -> None:
        text = self.text
        m = _PER_RE.match(text, draft.end)
        if not m:
            return
        word = m.group("w")
        sep = m.group("sep").strip().lower()
        low = re.sub(r"\s+", " ", word.lower())
        low = re.sub(r"^sq\.? ", "square ", low)
        if low == "cent" and sep == "per":
            return
        if sep in ("a", "an", "-a-") and low not in TIME_PER | {"barrel", "ounce", "share",
                                                               "gallon", "head", "person",
                                                               "piece", "pop", "litre",
                                                               "kilo", "pound", "ton",
                                                               "tonne", "unit", "night"}:
            return
        if sep == "/" and low not in U.PER_ABBREV and low.rstrip("s") not in U.PER_WORDS:
            return
        if _NOT_PER_AFTER.match(text, m.end()):
            return
        singular = low[:-1] if low.endswith("s") and low[:-1] in U.PER_WORDS else low
        per = U.PER_ABBREV.get(singular, singular)
        if sep in ("per", "each", "every", "-per-") or per in U.PER_WORDS or \
                per in U.PER_ABBREV.values():
            draft.per = per
            draft.end = m.end()

    # -- filters --------------------------------------------------------------------
    def _counting_one(self, s: int, e: int) -> bool:
        """'one' as a number, not the pronoun ('each one', 'the same one', 'one another')."""
        if e - s > 3:
            return True
        word, _ = _prev_word(self.text, s)
        if word.lower() in ("each", "every", "the", "this", "that", "which", "any", "no",
                            "same", "new", "only", "last", "little", "another", "any",
                            "someone", "every", "big", "good", "old", "right", "wrong",
                            "first", "such", "other", "a"):
            return False
        after = self.text[e:e + 12].lower()
        if re.match(r"\s+[\d$€£]", after):
            return False  # 'one 52,000 barrel-a-day refinery'
        if after.startswith((" another", "-off", "-time", " way or", "-way", "-on-one",
                             " or two", " or another", " hand")):
            return after.startswith((" hand",)) and False or after.startswith(" or two")
        return True

    def _keep(self, d: _Draft) -> bool:
        text = self.text
        core = d.core
        if core.kind == "score":
            return False
        if d.value is None and not d.vague:
            return False
        plain = d.unit is None and d.currency is None and not d.scaled and not d.is_range
        if core.kind == "digits" and plain and text[core.end:core.end + 1].isalpha() and \
                d.end == core.end:
            return False  # '4K', '9AB8', '3G': an id or a name
        if core.kind == "digits" and plain:
            raw = text[core.start:core.end]
            word, ws = _prev_word(text, d.start)
            wl = word.lower().rstrip(".")
            after = text[d.end:d.end + 40]
            nxt = self.token_from(d.end + 1) if after[:1] == " " else None
            # years
            if re.fullmatch(r"\d{4}", raw) and 1000 <= d.value <= 2199 and not d.approximate:
                plural_noun = nxt is not None and nxt.tag_ == "NNS" and nxt.pos_ == "NOUN"
                if wl in YEAR_PREPS or not plural_noun or 1900 <= d.value <= 2100 and \
                        (nxt is None or nxt.pos_ != "NOUN"):
                    return False
            # ids and model names: 'iPhone 11', 'S&P 500', 'Game 7', 'category 4'
            if word and ws == d.start - len(word) - 1 and text[ws:d.start].strip() == word:
                if wl in ID_WORDS:
                    return False
                if word[:1].isupper() or any(ch.isupper() for ch in word[1:]):
                    tok = self.token_at(ws)
                    sent_start = tok is not None and tok.is_sent_start
                    if tok is not None and tok.pos_ in ("PROPN",) and not sent_start or \
                            (any(ch.isupper() for ch in word[1:]) and word.upper() != word
                             and not sent_start) or \
                            (word.isupper() and len(word) > 1 and word not in ("US",)):
                        if not d.approximate:
                            return False
            # addresses and proper names after the number: '575 Wilbraham Road'
            if nxt is not None and "," not in raw and "." not in raw:
                if nxt.pos_ == "PROPN" and nxt.tag_ == "NNP" and nxt.ent_type_ != "NORP":
                    return False
                window = after.lower().split()[:4]
                if any(w.strip(".,") in STREET_WORDS for w in window[1:3]) and nxt is not None \
                        and nxt.text[:1].isupper():
                    return False
            # ages in apposition: 'Selena Gomez, 30,'
            if re.search(r"[A-Z][\w.'’-]*\s*,\s*$", text[max(0, d.start - 40):d.start]) and \
                    re.match(r"\s*[,)]", text[d.end:d.end + 3]) and 0 < d.value < 120 and \
                    float(d.value).is_integer():
                return False
        if core.kind == "words" and plain and d.value is not None:
            word, ws = _prev_word(text, d.start)
            if word.lower() in ID_WORDS:
                return False
            tok = self.token_at(core.start)
            if text[core.start].isupper() and tok is not None and not tok.is_sent_start and \
                    word[:1].isupper():
                return False  # 'BBC One', 'Channel Four': a name
        return True


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
    while j < len(doc) and j - i < limit:
        t = doc[j]
        if t.pos_ in ("NOUN", "PROPN"):
            last_noun = j
        elif t.pos_ in ("ADJ", "NUM") or t.tag_ in ("VBN", "VBG") and j + 1 < len(doc) and \
                doc[j + 1].pos_ in ("NOUN", "PROPN", "ADJ"):
            pass
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
                                                          not t.whitespace_):
                break
        j += 1
    if last_noun is None:
        return None
    return i, last_noun + 1


def _span_text(doc: "Doc", i: int, j: int) -> tuple[str, int, int]:
    start = doc[i].idx
    end = doc[j - 1].idx + len(doc[j - 1])
    return doc.text[start:end], start, end


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


class _Context:
    def __init__(self, doc: "Doc", index: "EntityIndex | None", reader: _Reader):
        self.doc = doc
        self.text = doc.text
        self.index = index
        self.reader = reader
        self._source_cache: dict[int, tuple[str | None, tuple[int, int] | None]] = {}

    def num_token(self, d: _Draft) -> "Token | None":
        return self.reader.token_at(d.core.start)

    def counted(self, d: _Draft) -> None:
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
            d.unit = tok.lemma_.lower() if tok is not None and tok.idx == pos + 1 and \
                tok.text == hy.group(1) else hy.group(1)
            d.count_noun = True
            return
        of_the = re.match(r"\s+of\s+(?:the|its|his|her|their|our|my|your|these|those)\s+",
                          text[pos:pos + 20])
        if d.core.kind == "words" and d.value == 1 and of_the:
            pos += of_the.end()  # 'one of the best speakers'
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
        if tok.lower_ in ("of", "last", "next", "this", "that", "each", "every", "per", "a",
                          "an", "the", "these", "those", "or", "and", "to"):
            return
        if tok.pos_ in ("AUX", "ADP", "PRON", "CCONJ", "SCONJ", "ADV", "PART") or \
                tok.pos_ == "VERB" and tok.tag_ not in ("VBG", "VBN"):
            return
        np = _noun_phrase(self.doc, tok)
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
            lemma = head.lemma_.lower() if head.pos_ == "NOUN" else head.text
            d.unit = lemma
        d.end = max(d.end, oend)
        # a rate right after the counted noun: '30 deaths a day'
        if d.per is None:
            before = d.end
            self.reader._per(d)
            if d.end == before:
                d.end = oend

    def _of_object(self, d: _Draft) -> None:
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
            inside = [t for t in self.doc if d.start <= t.idx < d.end]
            if not any(np[0] <= t.head.i < np[1] for t in inside):
                return
        d.object = _span_text(self.doc, *np)[0]

    def subject_object(self, d: _Draft) -> None:
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
        if not subj or subj[0].lower_ in _PRON:
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

    def clause_rate(self, d: _Draft) -> None:
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
            if c.lemma_.lower() in TIME_PER and c.i > tok.i and not \
                    (d.start <= c.idx < d.end):
                dets = [g for g in c.children if g.lower_ in ("each", "every", "per", "a",
                                                               "an")]
                if dets and (dets[0].lower_ != "a" and dets[0].lower_ != "an" or
                             c.dep_ == "npadvmod"):
                    d.per = c.lemma_.lower()
                    return
            if c.lower_ == "per" and c.dep_ == "prep":
                for g in c.children:
                    if g.dep_ == "pobj" and g.lemma_.lower() in TIME_PER:
                        d.per = g.lemma_.lower()
                        return

    # -- sources --------------------------------------------------------------------
    def source(self, d: _Draft) -> tuple[str | None, tuple[int, int] | None]:
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
            if anc.lemma_.lower() in REPORT_VERBS and anc.pos_ in ("VERB", "AUX") and \
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
        if head.lemma_.lower() in DOCUMENT_NOUNS or head.lower_ in DOCUMENT_NOUNS:
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
            if head.lower_ in _PRON or head.pos_ == "PRON" or \
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


# ---------------------------------------------------------------------------------------

def find_amounts(doc: "Doc", index: "EntityIndex | None" = None) -> list[Amount]:
    """Every amount in ``doc``, in text order, each with its span over ``doc.text``."""
    reader = _Reader(doc)
    drafts = reader.read_all()
    ctx = _Context(doc, index, reader)
    out: list[Amount] = []
    text = doc.text
    for d in drafts:
        ctx.counted(d)
        ctx.subject_object(d)
        ctx.clause_rate(d)
        source, source_span = ctx.source(d)
        start, end = d.start, d.end
        while end > start and text[end - 1] in " ,.;:-–":
            end -= 1
        value_text = text[d.start:d.value_end].strip()
        if d.core.kind == "vague":
            value_text = text[d.start:d.core.end]
        out.append(Amount(
            text=text[start:end], start=start, end=end, value=d.value, unit=d.unit,
            object=d.object, source=source, approximate=d.approximate, per=d.per,
            value_text=value_text, lower_bound=d.lower, upper_bound=d.upper,
            source_span=source_span, vague=d.vague, change=_change(doc, d.core.start),
        ))
    return out


_UP = {"rise", "increase", "grow", "climb", "jump", "gain", "surge", "soar", "rally", "advance",
       "add", "expand", "raise", "boost", "lift", "swell", "spike"}
_DOWN = {"fall", "drop", "decline", "decrease", "shrink", "slip", "slide", "sink", "plunge",
         "tumble", "lose", "cut", "reduce", "lower", "dip", "ease", "contract", "plummet", "slump"}


def _change(doc: "Doc", char: int) -> str | None:
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
    lemma = head.lemma_.lower()
    if lemma in _UP:
        return "up"
    if lemma in _DOWN:
        return "down"
    return None

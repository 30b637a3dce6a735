"""Reading amounts out of text: each number with its approximation, currency, sign, scale,
unit, rate and range, and the numbers that are not amounts (years, dates, times, ordinals,
ids, scores, ages in apposition) left out.  The parse is used only to locate tokens; what
surrounds a number in the sentence is ``amount_context``'s job.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nutgraf.facts import numbers as N
from nutgraf.facts import units as U
from nutgraf.facts.nlp import lemma_in, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

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
# The same search, faster, for a text without '@' (most): there the e-mail alternative
# (which may start at any non-space character) cannot match, and every other alternative
# starts with a digit, a month's capital, or one of these characters, so a lookahead on
# that first character skips the other positions without trying twenty alternatives at
# each.  Same matches, in the same order, as ``_EXCLUDE_RE``.
_EMAIL = r"|\S+@\S+\.\w+"
_EXCLUDE_NO_AT_RE = re.compile(
    r"(?=[\d+(#'’vVhwNnJFMASOD])(?:" + "|".join("(?:" + p.replace(_EMAIL, "") + ")" for p in _EXCLUDE) + ")")

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
    "highway", "hwy", "square",
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
    "slightly more than": "lower", "slightly less than": "upper",
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
# 'zero-to-60' is 'zero to 60' written as one word
_RANGE_RE = re.compile(r"\s*(?P<c>-to-|to|-|–|—|and|or)\s*", re.IGNORECASE)
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
# The same search over a whole text, faster: every alternative starts with a digit, '.', a
# fraction sign or the first letter of a number word, so a lookahead on that character skips
# the other positions at once.  Same matches (and groups) as ``_CORE_RE.finditer``.
_CORE_SCAN_RE = re.compile(r"(?=[\d.½¼¾⅓⅔⅛abcdefhlmnostz])(?:" + _CORE_RE.pattern + ")", re.IGNORECASE)

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

PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "this", "that",
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
class Draft:
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


def _unit_symbol(word: str) -> bool:
    """A lone letter that is a unit's symbol ('5 W charger', '12 V battery'): not a name."""
    if not re.fullmatch(r"[^\W\d_]\.?", word):
        return False
    hit = U.match_unit(word, 0, glued=True)
    return hit is not None and hit[2] == len(word.rstrip("."))


_CHANGE_VERBS = {
    "rise", "increase", "grow", "climb", "jump", "gain", "surge", "soar", "rally", "advance",
    "add", "fall", "drop", "decline", "decrease", "shrink", "slip", "slide", "sink", "plunge",
    "tumble", "lose", "dip", "ease", "plummet", "slump", "edge", "inch", "shed"}


def _change_verb(tok: "Token | None") -> bool:
    """'rose $12.40 to $1,780': the verb before a change ('from' would make a range)."""
    return tok is not None and tok.pos_ == "VERB" and lemma_in(tok, _CHANGE_VERBS)


def _times(value: float, factor: float) -> float:
    """``value * factor`` without the binary-fraction noise ('4.1bn' is 4100000000.0, not
    4099999999.9999995): written numbers have far fewer than 12 significant digits."""
    return float(f"{value * factor:.12g}")


def _prev_word(text: str, pos: int) -> tuple[str, int]:
    """The word ending right before ``pos`` (spaces skipped) and its start."""
    j = pos
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    k = j
    while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "&.'’-"):
        k -= 1
    return text[k:j], k


class AmountReader:
    def __init__(self, doc: "Doc"):
        self.doc = doc
        self.text = text_of(doc)
        # token start offsets straight from the Doc's array (building a Token per word is slow)
        self.tok_starts = doc.to_array("IDX").tolist() if len(doc) else []
        rx = _EXCLUDE_RE if "@" in self.text else _EXCLUDE_NO_AT_RE
        spans = [(m.start(), m.end()) for m in rx.finditer(self.text)]
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
    def read_all(self) -> list[Draft]:
        drafts: list[Draft] = []
        for m in _CORE_SCAN_RE.finditer(self.text):
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

    def read_one(self, core: _Core) -> Draft | None:
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
                    return None  # 'last-32', 'covid-19', 'x-2': a name or a rank, not a count
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
        draft = Draft(s, e, value, vstart, vend, core)
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
            m_unit = U.unit_re_match(text, e + 1 if text[e:e + 1] == " " else e)
            if m_unit and U._UNIT_LOOKUP[m_unit.lastgroup] in U.MONEY_UNITS:
                money = True
            elif core.kind == "digits" and text[e:e + 1] in ("m", "b", "k", "M", "B", "K") \
                    and text[e + 1:e + 2] == " ":
                # '5m EUR', '3bn rupees' with 'b' alone: a currency after the scale letter
                cur_after = U.match_unit(text, e + 2, glued=False)
                if cur_after and cur_after[0] in U.CURRENCY_CODES:
                    money = True
        pos = e
        if core.kind == "digits" and not money and text[e:e + 1] in ("m", "k") and \
                text[e + 1:e + 2] == " ":
            # '1.5m people', '10k users': a glued m or k before a counted plural noun (not a
            # unit: '3m years' stays ambiguous) is million or thousand; '37m yacht' is metres
            nxt = self.token_from(e + 2)
            if nxt is not None and nxt.idx == e + 2 and nxt.tag_ == "NNS" and \
                    nxt.pos_ == "NOUN" and U.match_unit(nxt.text, 0, glued=False) is None:
                money = True
        if core.kind in ("digits", "words"):
            factor, pos, scaled = _scale(text, e, core, money)
            if scaled and draft.value is not None:
                draft.value = _times(draft.value, factor)
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

    def _unit(self, draft: Draft, pos: int) -> int:
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
        if hit is None and draft.core.kind == "frac":
            # 'a quarter of a percentage point', 'half a mile', 'two-thirds of a second'
            of_a = re.match(r"(?:of\s+)?an?\s+", text[at:at + 8], re.IGNORECASE)
            if of_a:
                hit = U.match_unit(text, at + of_a.end(), glued=False)
                if hit and hit[0] in U.MONEY_UNITS:
                    hit = None
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

    def _range(self, draft: Draft) -> None:
        text = self.text
        m = _RANGE_RE.match(text, draft.end)
        if not m:
            # a unit-less first number with the unit after the second: '5 to 7 per cent'
            return
        conn = m.group("c").lower().strip("-") or "-"
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
        if conn == "to" and draft.unit is not None and draft.core.kind == "digits" and (
                before == "by" or _change_verb(self.token_at(draft.start - 2) if
                                               draft.start >= 2 else None)):
            return  # 'increased by $43.6 billion to $419.2 billion': a change, then a level
        sub = Draft(core2.start, core2.end, core2.value, core2.start, core2.end, core2)
        money = bool(cur2) or draft.currency is not None
        factor, pos, scaled = _scale(text, core2.end, core2, money)
        if scaled:
            sub.value = _times(sub.value, factor)
            sub.scaled = True  # '10 million to 12 million pounds': money, not weight
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
            if tok is None or tok.pos_ != "NOUN" or tok.tag_ not in ("NNS", "NN") or \
                    draft.value is not None and draft.value > sub.value:
                # (a range runs upwards: '2-1 win', '3-0 victory' are scores)
                draft.core.kind = "score"
                draft.end = pos
                return
        v1 = draft.value
        if scaled and not draft.scaled and v1 is not None and abs(v1) < 1000 and \
                draft.unit in (None, unit2) and v1 * factor <= sub.value:
            v1 = _times(v1, factor)
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

    def _per(self, draft: Draft) -> None:
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
        end = m.end()
        if _NOT_PER_AFTER.match(text, end):
            return
        singular = low[:-1] if low.endswith("s") and low[:-1] in U.PER_WORDS else low
        per = U.PER_ABBREV.get(singular)
        if per is None:
            # a unit's symbol or name ('per kWh', 'per MWh') by the unit's name
            unit = U.match_unit(word, 0, glued=True)
            per = unit[0] if unit and unit[2] == len(word) and unit[0] not in \
                U.MONEY_UNITS else singular
        if sep in ("per", "each", "every", "-per-") or per in U.PER_WORDS or \
                per in U.PER_ABBREV.values():
            draft.per = per
            draft.end = end

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
        # idioms ('one another', 'a one-off', 'one way or another'; 'on the one hand' is
        # already out by its 'the'), except 'one or two', which counts
        if after.startswith((" another", "-off", "-time", " way or", "-way", "-on-one",
                             " or two", " or another")):
            return after.startswith(" or two")
        return True

    def _keep(self, d: Draft) -> bool:
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
                            (word.isupper() and len(word) > 1):
                        if not d.approximate:
                            return False
            # addresses and proper names after the number: '575 Wilbraham Road'
            if nxt is not None and "," not in raw and "." not in raw:
                if nxt.pos_ == "PROPN" and nxt.tag_ == "NNP" and nxt.ent_type_ != "NORP" and \
                        not _unit_symbol(nxt.text):
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
        if core.kind in ("words", "digits") and plain and not d.approximate:
            # 'slipped towards the bottom three', 'finished in the top 10': a place in a
            # table, not a count (unless a counted noun follows: 'the top 10 firms')
            word, ws = _prev_word(text, d.start)
            if word.lower() in ("top", "bottom") and \
                    _prev_word(text, ws)[0].lower() == "the":
                nxt = self.token_from(d.end + 1) if text[d.end:d.end + 1] == " " else None
                if nxt is None or nxt.pos_ not in ("NOUN", "PROPN", "ADJ"):
                    return False
        if core.kind == "words" and plain and d.value is not None:
            word, ws = _prev_word(text, d.start)
            if word.lower() in ID_WORDS:
                return False
            tok = self.token_at(core.start)
            if text[core.start].isupper() and tok is not None and not tok.is_sent_start and \
                    (word[:1].isupper() or text[core.start - 1:core.start] == "-"):
                return False  # 'BBC One', 'Channel Four', '7-Eleven': a name
        return True

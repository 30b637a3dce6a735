"""Text helpers shared by the corpus passes: normalised words, shingles, content terms, days.

Everything here is a pure function of a string, so the same article gives the same shingles,
hashes and terms in every run and every process (MinHash band keys are persisted and must be
reproducible).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"[^\W_]+(?:['\u2019.][^\W_]+)*", re.UNICODE)

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having he
her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor
not now of off on once only or other our ours ourselves out over own same she should so some such than that
the their theirs them themselves then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours yourself yourselves said says
say saying told according new one two three four five six seven eight nine ten first last year years
week weeks day days time times mr mrs ms dr also like just get got make made many much may might must
per cent percent people including since still well back even way could would another us
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
""".split())


def fold(text: str) -> str:
    """Lower case without diacritics, typographic apostrophes made plain."""
    if text.isascii():
        return text.casefold()
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return text.replace("\u2019", "'").casefold()


def words(text: str) -> list[str]:
    """The normalised words of ``text`` (lower case, no punctuation, no diacritics)."""
    return _WORD.findall(fold(text))


def content_hash(text: str) -> str:
    """Exact-copy key: the SHA-256 (32 hex digits) of the text's normalised words, so
    whitespace, punctuation and case differences do not matter."""
    return hashlib.sha256(" ".join(words(text)).encode("utf-8")).hexdigest()[:32]


def shingles(tokens: list[str], k: int) -> set[str]:
    """Distinct word ``k``-grams (the whole text as one shingle when shorter than ``k``)."""
    if len(tokens) < k:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + k]) for i in range(len(tokens) - k + 1)}


def jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def containment(a: set, b: set) -> float:
    """Share of the smaller set found in the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def stem(word: str) -> str:
    """A light plural stripper so 'refugees'/'refugee' meet (no NLP model needed)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# word -> its term ('' when it is none): a word's term is a pure function of the word, and
# the same words come back in every article
_TERMS: dict[str, str] = {}


def _term(w: str) -> str:
    t = stem(w) if len(w) >= 3 and w.isalpha() and w not in STOPWORDS else ""
    if len(_TERMS) > 500_000:
        _TERMS.clear()
    _TERMS[w] = t
    return t


def terms(text: str) -> list[str]:
    """Content terms: normalised, stemmed words of 3+ letters that are not stop words or numbers."""
    get = _TERMS.get
    out = []
    for w in words(text):
        t = get(w)
        if t is None:
            t = _term(w)
        if t:
            out.append(t)
    return out


def day_of(value: str | None) -> str | None:
    """The ``YYYY-MM-DD`` day of an ISO-8601 date or timestamp, None when it is not one."""
    if not value or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def shift_day(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` holding ``[start, end)`` (split on . ! ? and paragraph breaks)."""
    left = max(text.rfind(". ", 0, start), text.rfind("? ", 0, start), text.rfind("! ", 0, start),
               text.rfind("\n", 0, start))
    rights = [i for i in (text.find(". ", end), text.find("? ", end), text.find("! ", end),
                          text.find("\n", end)) if i != -1]
    right = min(rights) if rights else len(text)
    return text[left + 1:right + 1].strip()

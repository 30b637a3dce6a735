"""Written numbers: digits with separators, scale words, number words, vague plurals.

Everything here works on plain strings and returns floats; it knows nothing of units or of
the article.  ``amounts`` composes these pieces with units and context.

- ``parse_digits('1,307,000') == 1307000.0``, ``parse_digits('.001') == 0.001``
- ``parse_words('two hundred and five') == 205.0``, ``parse_words('a dozen') == 12.0``
- ``SCALES['bn'] == 1e9``; ``VAGUE['thousands'] == (1000, 10000)``

Vague plurals ('thousands', 'tens of millions') have no single value: they are read as the
interval ``[S, 10·S)`` of their scale word S ('thousands' → [1000, 10000), 'dozens' →
[12, 120), 'tens of thousands' → [10000, 100000)).  The lower end is what the text
guarantees; the upper end is the next order of magnitude, where a writer would have
switched to the next word.
"""

from __future__ import annotations

import re

SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
# Scale words written out (after digits or number words).
WORD_SCALES = {
    "hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "dozen": 12, "lakh": 1e5, "crore": 1e7,
}
# Scale abbreviations ('$3bn', '20m', '5.4m', '10K').  'm' and 'b' are ambiguous with
# metres and bits: amounts decides from context (a currency makes them scales).
SCALES = {
    **WORD_SCALES, "bn": 1e9, "bln": 1e9, "mn": 1e6, "mln": 1e6, "tn": 1e12, "trn": 1e12,
    "k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "b": 1e9, "B": 1e9,
}
FRACTIONS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8,
    "tenth": 10, "tenths": 10,
}
UNICODE_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125}

# Vague plurals: (lower, upper) bounds, value None.
VAGUE = {
    "dozens": (12.0, 120.0), "scores": (20.0, 200.0), "hundreds": (100.0, 1e3),
    "thousands": (1e3, 1e4), "millions": (1e6, 1e7), "billions": (1e9, 1e10),
    "trillions": (1e12, 1e13),
    "tens of thousands": (1e4, 1e5), "hundreds of thousands": (1e5, 1e6),
    "tens of millions": (1e7, 1e8), "hundreds of millions": (1e8, 1e9),
    "tens of billions": (1e10, 1e11), "hundreds of billions": (1e11, 1e12),
    "dozens of thousands": (1.2e4, 1.2e5),
}

NUMBER_WORDS = set(SMALL) | set(TENS) | set(WORD_SCALES)
_WORD_ALT = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# A run of number words: 'two hundred and five', 'twenty-five', 'three thousand'.  'and'
# joins only after a scale word ('two hundred and five'); 'two and three' is two numbers.
_AFTER_SCALE = "".join(f"(?<={w})" if not i else f"|(?<={w})"
                       for i, w in enumerate(WORD_SCALES))
WORDS_RE = re.compile(
    r"\b(?:" + _WORD_ALT + r")(?:(?:[\s-]+|(?:" + _AFTER_SCALE + r")\s+and\s+)(?:"
    + _WORD_ALT + r"))*\b",
    re.IGNORECASE,
)
# Digits: '1,307,000', '98,000', '1.5', '.001', '13000'.
DIGITS_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")
VAGUE_RE = re.compile(
    r"\b(?:(?:tens|hundreds|dozens)\s+of\s+(?:thousands|millions|billions)"
    r"|dozens|hundreds|thousands|millions|billions|trillions)\b",
    re.IGNORECASE,
)


def parse_digits(text: str) -> float:
    """'1,307,000' → 1307000.0; '.5' → 0.5."""
    return float(text.replace(",", ""))


def parse_words(text: str) -> float | None:
    """'two hundred and five' → 205; 'twenty-five' → 25; 'a dozen' → 12; None if the
    words do not form a number (a lone 'and', a scale word repeated oddly)."""
    words = [w for w in re.split(r"[\s-]+", text.lower()) if w and w != "and"]
    if not words:
        return None
    if words[0] in ("a", "an"):
        words[0] = "one"
    total = 0.0
    current = 0.0
    seen = False
    for w in words:
        if w in SMALL:
            current += SMALL[w]
            seen = True
        elif w in TENS:
            current += TENS[w]
            seen = True
        elif w == "hundred":
            current = (current or 1) * 100
            seen = True
        elif w == "dozen":
            current = (current or 1) * 12
            seen = True
        elif w in WORD_SCALES:
            total += (current or 1) * WORD_SCALES[w]
            current = 0.0
            seen = True
        else:
            return None
    return total + current if seen else None


def vague_bounds(text: str) -> tuple[float, float] | None:
    """'thousands' → (1000, 10000); 'tens of millions' → (1e7, 1e8)."""
    return VAGUE.get(re.sub(r"\s+", " ", text.lower()))

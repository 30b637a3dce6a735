"""How much a block of text reads like article prose, judged from the text alone.

Positive weights are prose (long, punctuated, few links), negative ones page furniture
(link lists, consent banners, short chrome).  Captions, table rows and teaser excerpts are
neutral: whether they are kept depends on where they stand, which ``region`` decides.
"""

from __future__ import annotations

import re

from nutgraf.extract import phrases
from nutgraf.extract.blocks import Block

# The word lists are data in ``phrases`` (BLOCK_*); here they are compiled.
BOILERPLATE = re.compile(phrases.BLOCK_BOILERPLATE, re.I)
_COOKIE_NOTICE = re.compile(phrases.BLOCK_COOKIE_NOTICE, re.I | re.S)
_MAILING_NOTICE = re.compile(phrases.BLOCK_MAILING_NOTICE, re.I | re.S)
CALL_TO_ACTION = re.compile(phrases.BLOCK_CALL_TO_ACTION, re.I)
_TRUNCATED = re.compile(r"[\w,;:](?:\.\.\.?|…|\[…\]|\[\.\.\.\])\s*$")
_SENTENCE_END = re.compile(r"[.!?…:;\"'”’»)\]。！？」』]\s*$")
_PUNCT = re.compile(r"[.,;:!?。、，！？；：،؛]")
# Han, kana and hangul carry about a word per character: weigh them like three Latin letters.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


# Necessary conditions for the two notices, tested on the lower-cased text before the regexes
# run (most blocks contain none of these words).  Exact: under re.I a letter of these words only
# matches characters whose lower() is that letter, except "İ", "ı" (for i) and "ſ" (for s);
# a text holding one of those goes straight to the regex.
_COOKIE_WORD = phrases.BLOCK_COOKIE_WORD
_MAILING_WORDS = phrases.BLOCK_MAILING_WORDS
_ODD_FOLDS = ("\u0130", "\u0131", "\u017f")


def _notice(text: str) -> bool:
    """``_COOKIE_NOTICE.search(text) or _MAILING_NOTICE.search(text)``, as a bool."""
    if not text.isascii() and any(map(text.__contains__, _ODD_FOLDS)):
        return bool(_COOKIE_NOTICE.search(text) or _MAILING_NOTICE.search(text))
    low = text.lower()
    if _COOKIE_WORD in low and _COOKIE_NOTICE.search(text):
        return True
    return any(map(low.__contains__, _MAILING_WORDS)) and _MAILING_NOTICE.search(text) is not None


def _ends(pattern: re.Pattern[str], text: str, longest: int) -> bool:
    """``pattern.search(text)`` for a pattern that ends in ``\\s*$`` and whose other part is at
    most ``longest`` characters, none of them whitespace: only the end of the text is read."""
    return pattern.search(text, max(0, len(text.rstrip()) - longest)) is not None


def block_weight(block: Block) -> float:
    """How much a block looks like article prose (>0) or like page furniture (<0)."""
    if block.kind in ("caption", "row"):
        return 0.0  # neither prose nor chrome: kept or dropped by where they stand
    text = block.text
    n = len(text)
    if n < 400 and not text.isascii():
        n += 2 * len(_CJK.findall(text))
    ld = block.link_density
    if ld > 0.5:
        return -n * ld  # navigation, teaser lists
    if n < 500 and _notice(text):
        return -float(n)
    if n < 500 and _ends(_TRUNCATED, text, 6):
        return 0.0  # a teaser's excerpt, cut off mid-sentence

    if n >= 80 and _PUNCT.search(text) is not None:
        return n * (1 - ld) ** 2 * (1.2 if block.kind == "p" else 1.0)
    if n >= 40 and _ends(_SENTENCE_END, text, 1):
        return n * (1 - ld) * 0.6
    if n >= 20 and " " in text and _ends(_SENTENCE_END, text, 1):
        return n * (1 - ld) * 0.2  # a short sentence: dialogue, a one-line paragraph
    return -5.0  # short chrome: 'Share', 'Menu', a date line


def relaxed_weight(block: Block) -> float:
    """Like block_weight, but any line of words without links is content."""
    if block.kind == "caption":
        return 0.0
    n = len(block.text)
    ld = block.link_density
    if ld > 0.3:
        return -n * ld
    if n < 500 and (_COOKIE_NOTICE.search(block.text) or BOILERPLATE.match(block.text)):
        return -float(n)
    return n * (1 - ld) if n >= 12 else -2.0

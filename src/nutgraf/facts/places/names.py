"""Name keys: how a place name in the text meets a name in the gazetteer.

One function, ``key``, used both when the gazetteer is built and when a mention is looked up,
so the two can never disagree: accents dropped ('Zürich' = 'Zurich'), case folded, dots
removed ('U.S.' = 'US', 'St. Louis' = 'St Louis'), hyphens and runs of spaces made one
space, curly apostrophes straight.  ``variants`` adds the spellings news writes for the same
name ('Saint' / 'St', 'Mount' / 'Mt', 'Fort' / 'Ft').
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s\-‐‑‒–—_/]+")
_DROP = re.compile(r"[.\u00b7()\"“”‘’`´]")
_ABBREVIATED = {"saint": "st", "sainte": "ste", "mount": "mt", "fort": "ft", "port": "pt"}
_EXPANDED = {v: k for k, v in _ABBREVIATED.items()}


def key(name: str) -> str:
    """The lookup key of a name ('' for a name with no letters)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("ʻ", "'").replace("ʼ", "'")
    text = _DROP.sub("", text.casefold())
    text = _SPACES.sub(" ", text).strip(" ,;:'")
    if not any(ch.isalpha() for ch in text):
        return ""
    return text


def variants(name_key: str) -> list[str]:
    """Other keys news uses for the same name: 'saint petersburg' ↔ 'st petersburg'."""
    words = name_key.split(" ")
    out = []
    for table in (_ABBREVIATED, _EXPANDED):
        if words[0] in table:
            out.append(" ".join([table[words[0]], *words[1:]]))
    return out


def is_latin(name: str) -> bool:
    """Whether a name is written in the Latin script (what the English pipeline reads)."""
    for ch in name:
        if ch.isalpha() and ord(ch) >= 0x250 and not (0x1E00 <= ord(ch) <= 0x1EFF):
            return False
    return True

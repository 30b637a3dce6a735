"""How much a block of text reads like article prose, judged from the text alone.

Positive weights are prose (long, punctuated, few links), negative ones page furniture
(link lists, consent banners, short chrome).  Captions, table rows and teaser excerpts are
neutral: whether they are kept depends on where they stand, which ``region`` decides.
"""

from __future__ import annotations

import re

from nutgraf.extract.blocks import Block

# Short lines that are page chrome in any article body.  Kept deliberately generic and
# multilingual-light: they must never match a sentence of prose (checked by length).
BOILERPLATE = re.compile(
    r"^\W{0,3}(?:advertisement|advertising|anzeige|werbung|publicité|sponsored|share( this( article| story)?)?|"
    r"tweet|email|print|comments?|read more|read next|more:|related:?|see also|also read|you may also like|"
    r"click here|sign up|subscribe|follow us|image:|photo:|foto:|bild:|credit:|picture:|getty images|"
    r"all rights reserved|copyright|loading|skip to|continue reading( below)?|story continues below|"
    r"scroll to continue|lesen sie auch|mehr zum thema|weitere (themen|artikel|informationen|beiträge)|"
    r"das könnte|schon gelesen|auch interessant|zobacz (też|także)|czytaj (też|także|więcej)|veja também|"
    r"leia (também|mais)|lire aussi|à lire aussi|voir aussi|ver también|lee también|te puede interesar|"
    r"leggi anche|externer inhalt|rezept drucken|kontakt|impressum|war (der|dieser) artikel|quelle:|"
    r"quellenangaben|abbildung \d|be sociable)\b|^\W{0,3}©",
    re.I,
)
# Consent banners read like prose; their vocabulary gives them away.
_COOKIE_NOTICE = re.compile(
    r"\b(?:uses?|using|accept|verwendet|nutzt|akzeptier\w*|utilis\w+|acepta\w*|usa(?:mos)?)\b.{0,60}\bcookies?\b"
    r"|\bcookies?\b.{0,80}\b(?:policy|richtlinie|settings|einstellungen|zustimm\w*|akzeptier\w*|accept\w*)\b",
    re.I | re.S,
)
# Sign-up forms explain how to leave the list; articles rarely do.
_MAILING_NOTICE = re.compile(
    r"\b(?:unsubscribe|opt[- ]out at any time|désabonner|désinscri\w*|se désinscrire|abmelden|abbestellen|"
    r"darse de baja|cancelar (?:la|su) suscripción|disiscriver\w*|liste de diffusion|mailing list)\b"
    # 'Enter your email address to follow this blog', 'Gib deine E-Mail-Adresse ein, um … zu folgen'
    r"|\b(?:e-?mail[- ]?(?:adresse|address)|adresse (?:e-?mail|électronique)|correo electrónico)\b"
    r".{0,80}\b(?:folgen|follow|abonn\w*|subscri\w*|suscri\w*|benachrichtigung\w*|notifications?|recevoir)\b"
    # the site's licence line
    r"|\bcreative commons\b.{0,60}\b(?:licen[cs]\w*|lizen\w*)\b|\b(?:licensed under|lizenziert unter|sous licence)\b",
    re.I | re.S,
)
_TRUNCATED = re.compile(r"[\w,;:](?:\.\.\.?|…|\[…\]|\[\.\.\.\])\s*$")
_SENTENCE_END = re.compile(r"[.!?…:;\"'”’»)\]。！？」』]\s*$")
_PUNCT = re.compile(r"[.,;:!?。、，！？；：،؛]")
# Han, kana and hangul carry about a word per character: weigh them like three Latin letters.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")

# A closing line that asks the reader to do something: subscribe, follow, share.
CALL_TO_ACTION = re.compile(
    r"\b(subscribe|newsletters?|sign up|follow (us|@|the)|on (facebook|twitter|instagram)|download (our|the) app|"
    r"click here|contributed to this report|originally (published|appeared)|all rights reserved|"
    r"abonnieren|newsletter|suivez-nous|inscrivez-vous)\b",
    re.I,
)


# Necessary conditions for the two notices, tested on the lower-cased text before the regexes
# run (most blocks contain none of these words).  Exact: under re.I a letter of these words only
# matches characters whose lower() is that letter, except "İ", "ı" (for i) and "ſ" (for s);
# a text holding one of those goes straight to the regex.
_COOKIE_WORD = "cookie"
_MAILING_WORDS = (
    "unsubscribe", "out at any time", "désabonner", "désinscri", "abmelden", "abbestellen", "darse de baja",
    "suscripción", "disiscriver", "liste de diffusion", "mailing list", "mail", "adresse", "correo electrónico",
    "creative commons", "licensed under", "lizenziert unter", "sous licence",
)
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

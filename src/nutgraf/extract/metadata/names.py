"""What a person's name looks like in a byline, and how a byline splits into names.

'By Jane Doe and John Roe', 'Jane Doe, Reuters', 'Von Jane Doe | 3. Mai 2019': the lead-in
('by', 'von', 'written by') and what follows the names (a date, a separator, 'updated') are cut,
the rest is split on the separators people use, and each part is kept only when it reads as a
name -- not an organisation, a site, an agency, a role, a date, an e-mail or a url.
``strict`` is for free text, where a name must be two to four capitalised words; structured
markers (itemprop, rel=author, author links) may carry a single-word handle.
"""

from __future__ import annotations

import re

from nutgraf.extract.dates import MONTH_PATTERN
from nutgraf.extract.metadata.markup import clean, fold, plain

_BY_PREFIX = re.compile(
    r"^(?:(?:(?:written|posted|published|reported|compiled|edited|text|story|words|"
    r"geschrieben|verfasst|veröffentlicht|publié|escrito|scritto|erstellt|created|gepostet|geposted|eingestellt|"
    r"ein\s+beitrag|a\s+post|article|artikel|beitrag|posting|foto|photo)\s+)?"
    r"(?:by|von|vom|par|por|di|da|door|av|af|przez|от)\b|autor(?:in|es)?|author(?:s)?|"
    r"verfasser(?:in)?|auteur|text|texte|redakteur(?:in)?|posted)\s*[:\-–—]?\s*",
    re.I,
)
_INNER_BY = re.compile(r"(?:^|[\s·|•,])(?:by|von|par|por|door)\s+(?=[^\W\d_])", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\||&|\+|/|·|•|\band\b|\bund\b|\bet\b|\bsowie\b|\bu\.\s|\by\b|\be\b|\ben\b|\bi\b|\bog\b|\boch\b)\s*")
_STOP_AFTER = re.compile(
    r"\s(?:\||•|·|—|–|-)\s|\s*\b(?:updated|aktualisiert|veröffentlicht|published|posted|stand|am|on|le|el|il|"
    r"um|at|mis à jour|publié)\b\s*(?:\d|:|am\b|on\b)|\s\d{1,2}[./]\d{1,2}[./]\d{2,4}|\s\d{4}-\d\d-\d\d|"
    r"\s(?:\d{1,2}\.?\s+)?(?:" + MONTH_PATTERN + r")\.?\s+\d|"
    r"\s(?:mo|di|mi|do|fr|sa|so|mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|jeu|ven|sam|dim)[a-z]*\.?,?\s+\d",
    re.I,
)
_NOT_NAME_WORDS = {
    "publisher", "red", "redakcja", "anónimo", "anonimo", "phone", "germany", "deutschland", "deutsche", "deutsches",
    "österreich", "schweiz", "switzerland", "austria", "europe", "europa", "france", "usa", "kreuz", "diakonie",
    "caritas", "kitchens", "kitchen", "noticias", "departement", "república", "republic", "republik", "bund",
    "superuser", "user", "no", "author", "autor", "for", "für", "of", "anstalt", "landesanstalt", "collectif", "collective", "kollektiv", "gastbeitrag", "gastautorin", "redakteur", "redaktionsteam", "onlineredaktion",
    "staff", "redaktion", "editor", "editors", "editorial", "admin", "administrator", "team", "news", "newsroom",
    "agency", "agentur", "press", "presse", "desk", "reporter", "reporters", "correspondent", "contributor",
    "contributors", "guest", "gast", "gastautor", "unknown", "anonymous", "anonym", "wire", "wires", "reuters",
    "afp", "dpa", "ap", "apa", "sid", "kna", "epd", "ddp", "ots", "ansa", "efe", "bloomberg", "online",
    "gmbh", "inc", "ltd", "llc", "ag", "corp", "media", "verlag", "zeitung", "magazin", "magazine", "daily",
    "newsletter", "blog", "website", "webmaster", "service", "services", "support", "office", "redaction",
    "rédaction", "redacción", "redazione", "redactie", "association", "foundation", "stiftung", "verein",
    "e.v.", "institute", "institut", "university", "universität", "department", "ministry", "group", "company",
    "sponsored", "partner", "content", "advertisement", "anzeige", "home", "startseite", "login", "menu",
    "kontakt", "contact", "impressum", "share", "teilen", "comments", "kommentare", "follow", "twitter",
    "facebook", "instagram", "linkedin", "email", "e-mail", "mail", "more", "mehr", "read", "lesen", "all",
    "alle", "articles", "artikel", "posts", "beiträge", "the", "by", "photo",
    "photos", "foto", "fotos", "bild", "bilder", "image", "images", "video", "videos", "source", "quelle",
    "published", "updated", "minutes", "minuten", "min", "read", "lesezeit", "uhr", "am", "pm", "hours",
    "ago", "vor", "today", "heute", "yesterday", "gestern", "tv", "radio", "channel", "network", "times",
    "post", "tribune", "herald", "gazette", "journal", "courier", "kurier", "rundschau", "anzeiger",
    "nachrichten", "tagblatt", "abendblatt", "morgenpost", "welt", "spiegel", "bild", "focus", "stern",
    "zdf", "ard", "ndr", "wdr", "swr", "br", "mdr", "hr", "rbb", "orf", "srf", "bbc", "cnn", "nbc", "abc",
    "cbs", "fox", "npr", "pbs", "club", "party", "partei", "fraktion", "kreisverband", "ortsverband",
    "landesverband", "bundesverband", "gemeinde", "stadt", "city", "council", "government", "regierung",
    "polizei", "police", "feuerwehr", "schule", "school", "kirche", "church", "network", "projekt", "project",
}
_NAME_PARTICLES = {"von", "van", "der", "den", "de", "da", "di", "del", "della", "dos", "das", "du", "la", "le",
                   "zu", "zur", "ten", "ter", "bin", "ibn", "al", "el", "y", "e", "af", "av", "st."}
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:[-'’][^\W\d_]+)*\.?$")
_INITIAL = re.compile(r"^(?:[^\W\d_]\.){1,3}$")


# "Mike Blake/Reuters files", "Foto: Jane Doe": a picture credit, not the article's author
_CREDIT = re.compile(
    r"\w\s*/\s*(?:reuters|ap|afp|getty|epa|dpa|bloomberg|shutterstock|istock|imago|picture[- ]alliance)\b"
    r"|^\s*(?:photo|foto|image|bild|picture|credit|illustration)s?\s*(?:by|von|:)"
    r"|\b(?:file )?photo\b\s*$|\bfiles\s*$",
    re.I,
)
# Honorifics and professional titles written before a name: not part of it.
_HONORIFICS = {"dr", "dr.", "prof", "prof.", "rechtsanwalt", "rechtsanwältin", "ra", "mag", "mag.",
               "dipl.-ing.", "ing.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mme", "m.", "herr", "frau",
               "pfarrer", "pastor", "rev.", "notar", "notarin", "steuerberater", "steuerberaterin"}


def split_names(text: str) -> list[str]:
    text = clean(text)
    if not text or _CREDIT.search(text):
        return []
    text = _BY_PREFIX.sub("", text, count=1)
    text = _BY_PREFIX.sub("", text, count=1)
    # "29. Juni 2017, 23:39 · von Tobi": the names follow the 'by'
    m = _INNER_BY.search(text)
    if m is not None and m.start() > 0 and re.search(r"[\d·|•:]", text[: m.start() + 1]):
        text = text[m.end() :]
    m = _STOP_AFTER.search(text)
    if m and m.start() > 0:
        text = text[: m.start()]
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]|(?<!\S)@\w+", " ", text)
    out = []
    for part in _NAME_SPLIT.split(text):
        part = _BY_PREFIX.sub("", part.strip(" .,:;-–—*\"'“”„«»")).strip(" .,:;-–—*")
        if part:
            out.append(clean(part))
    return out


_ORG_SUFFIXES = ("fraktion", "verband", "verein", "redaktion", "ministerium", "zeitung", "stiftung", "partei",
                 "nachrichten", "magazin", "verlag", "institut", "agentur", "kirche", "schule", "gemeinde",
                 "gesellschaft", "genossenschaft", "bündnis", "vereinigung", "kammer", "behörde", "zentrum", "center",
                 "centre", "network", "media", "news", "press", "team", "staff", "group", "service", "services")


def _org_like(name: str, blocked: set[str]) -> bool:
    """Whether ``name`` names an organisation, site, agency or role rather than a person."""
    if fold(name) in blocked:
        return True
    low = name.casefold()

    if "@" in low or "http" in low or "www." in low or "://" in low or re.search(r"\.(?:com|de|org|net|at|ch|uk|fr|pl|it|es)\b", low):
        return True
    for w in low.split():
        w = w.strip(".,:;()")
        if w in _NOT_NAME_WORDS or (len(w) > 6 and w.endswith(_ORG_SUFFIXES)):
            return True
    return False


def _valid_name(name: str, *, strict: bool, blocked: set[str]) -> str | None:
    """``name`` cleaned when it looks like a person's name (or, not strict, a user handle)."""
    name = clean(name).strip(" .,:;-–—|*\"'“”„«»@")
    if not name or len(name) > 60 or len(name) < 2:
        return None
    if "@" in name:  # "Jane Doe @janedoe": the handle goes, the name stays
        name = " ".join(w for w in name.split() if not w.startswith("@")).strip()
        if not name:
            return None
    if any(ch.isdigit() for ch in name):
        return None
    if _org_like(name, blocked):
        return None
    words = name.split()
    while len(words) > 2 and words[0].casefold() in _HONORIFICS:
        words = words[1:]
    name = " ".join(words)
    # "Olivier Minot Olivier Minot": a name printed twice
    if len(words) % 2 == 0 and len(words) >= 4 and words[: len(words) // 2] == words[len(words) // 2 :]:
        words = words[: len(words) // 2]
        name = " ".join(words)
    if len(words) > 5:
        return None
    half = len(name) // 2
    if len(name) % 2 == 0 and name[:half] == name[half:]:  # "Jo DoeJo Doe": text printed twice
        name = name[:half].strip()
        words = name.split()
    if not strict:
        if len(words) == 1:
            # a handle: letters (and - _ .) only, not initials or an agency code ("kj", "AgE", "GNB")
            if not re.match(r"^[^\W\d][\w.\-]*$", name) or len(name) > 30 or len(name) <= 2:
                return None
            if len(name) == 3 and not (name[0].isupper() and name[1:].islower()):
                return None
            return name
        if not all(_NAME_WORD.match(w) or _INITIAL.match(w) for w in words):
            return None
        if not all(w[0].isupper() or w.casefold() in _NAME_PARTICLES for w in words):
            return None
        return name
    # strict: what a byline in running text must look like
    if len(words) < 2 or len(words) > 4:
        return None
    for w in words:
        if w.casefold() in _NAME_PARTICLES:
            continue
        if not (_NAME_WORD.match(w) or _INITIAL.match(w)) or not w[0].isupper():
            return None
        if len(w) > 2 and w.isupper():
            return None
    if words[-1].casefold() in _NAME_PARTICLES:
        return None
    return name


def names_in(text: str, *, strict: bool, blocked: set[str]) -> list[str]:
    text = plain(text)
    parts = split_names(text)
    # "Süddeutsche.de GmbH, Munich, Germany": an organisation with its address, not a list of people
    if parts and _org_like(parts[0], blocked):
        return []
    out: list[str] = []
    for part in parts:
        n = _valid_name(part, strict=strict, blocked=blocked)
        if n and n not in out:
            out.append(n)
    return out

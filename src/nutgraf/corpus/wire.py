"""Wire-service cues in an article's text: datelines ('WASHINGTON (AP) —'), bylines
('By JANE DOE, Associated Press' on a line of its own), credits
('Reporting by Jane Doe; Editing by John Roe', '(Reuters)', '© AFP', 'The Associated Press
contributed to this report').  Each cue is a span of ``Article.text`` like every other fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# service name -> how it is written in datelines and credits
SERVICES: dict[str, str] = {
    "AP": r"AP|The Associated Press|Associated Press",
    "Reuters": r"Reuters|Thomson Reuters",
    "AFP": r"AFP|Agence France[- ]Presse",
    "dpa": r"dpa|DPA|Deutsche Presse-Agentur",
    "UPI": r"UPI|United Press International",
    "Bloomberg": r"Bloomberg(?: News)?",
    "PA": r"PA|PA Media|Press Association",
    "ANSA": r"ANSA",
    "EFE": r"EFE",
    "Xinhua": r"Xinhua",
    "Kyodo": r"Kyodo(?: News)?",
    "Yonhap": r"Yonhap",
    "TASS": r"TASS|Tass",
    "Interfax": r"Interfax",
    "PTI": r"PTI|Press Trust of India",
    "IANS": r"IANS",
    "CP": r"CP|The Canadian Press|Canadian Press",
    "AAP": r"AAP|Australian Associated Press",
    "ANI": r"ANI",
    "APA": r"APA",
    "Anadolu": r"Anadolu(?: Agency)?|AA",
}
_ANY = "|".join(f"(?P<s{i}>{p})" for i, p in enumerate(SERVICES.values()))
_NAMES = list(SERVICES)

_DATELINE = re.compile(
    r"(?m)^[ \t]*(?:[A-Z][A-Z.'\u2019-]+(?:[ ,]+[A-Z][A-Za-z.'\u2019-]+){0,4},?[ \t]*"
    r"(?:\(?[A-Z][a-z]{2,8}\.? \d{1,2}\)?[ \t]*)?)?\((?:" + _ANY + r")\)[ \t]*[-\u2013\u2014:]+")
_PAREN = re.compile(r"\((?:" + _ANY + r")\)")
_REPORTING = re.compile(
    r"\(?(?:Reporting|Additional reporting|Writing|Editing|Compiled) by [^\n]{1,300}?"
    r"(?:\((?:" + _ANY + r")\)|\)|$)", re.M)
_COPYRIGHT = re.compile(r"(?:\u00a9|\(c\)|Copyright)\s*(?:\d{4}\s*)?(?:" + _ANY + r")\b", re.I)
# every service's spellings start with a letter: a lookahead on the set of those letters lets
# a search skip the other positions at once (the same matches, found sooner)
_FIRST = "".join(sorted({alt[0] for p in SERVICES.values() for alt in p.split("|")}))
assert _FIRST.isalpha() and _FIRST.isascii()
_CONTRIB = re.compile(
    r"(?=[" + _FIRST + r"])\b(?:" + _ANY + r")\s+(?:contributed(?: to this report)?|writers?\b|correspondents?\b|reporters?\b)")
_PHOTO = re.compile(r"\((?:" + _ANY + r")\s+Photo\b")
# a wire byline: 'By JANE DOE, Associated Press', 'By Jane Doe\nReuters', 'By JANE DOE | AFP' on
# a line of its own (a text dump of a wire story keeps it)
_BYLINE = re.compile(
    r"(?m)^[ \t]*By[ \t]+[A-Z][\w.'\u2019-]*(?:[ \t]+(?:[A-Z][\w.'\u2019-]*|and|de|van|von|al|el)){0,5}"
    r"(?:[ \t]*[,|/\u2013\u2014-][ \t]*|[ \t]*\n[ \t]*|[ \t]+)(?:The[ \t]+)?(?:" + _ANY + r")[ \t]*$")


@dataclass
class WireCue:
    service: str
    kind: str  # dateline | byline | credit | copyright | contributed | photo | paren
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"service": self.service, "kind": self.kind, "start": self.start, "end": self.end}


def _service(m: re.Match) -> str | None:
    for i, name in enumerate(_NAMES):
        if m.groupdict().get(f"s{i}"):
            return name
    return None


def wire_cues(text: str) -> list[WireCue]:
    """Every wire-service cue in ``text``, in order of position."""
    cues: list[WireCue] = []
    taken: list[tuple[int, int]] = []

    def add(service: str | None, kind: str, start: int, end: int) -> None:
        if service is None or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        cues.append(WireCue(service, kind, start, end))

    for m in _DATELINE.finditer(text):
        add(_service(m), "dateline", m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.end())
    for m in _BYLINE.finditer(text):
        add(_service(m), "byline", m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.end())
    for m in _REPORTING.finditer(text):
        service = _service(m)
        # 'Reporting by ...; Editing by ...' without a named service is Reuters' house style
        if service is None and ";" in m.group(0) and "Editing by" in m.group(0):
            service = "Reuters"
        add(service, "credit", m.start(), m.end())
    for m in _COPYRIGHT.finditer(text):
        add(_service(m), "copyright", m.start(), m.end())
    for m in _CONTRIB.finditer(text):
        add(_service(m), "contributed", m.start(), m.end())
    for m in _PHOTO.finditer(text):
        add(_service(m), "photo", m.start(), m.end())
    for m in _PAREN.finditer(text):
        # a bare '(Reuters)' / '(AP)': counted only near a paragraph start (a dateline the
        # pattern above did not recognise), not inside a sentence citing the agency
        line_start = text.rfind("\n", 0, m.start()) + 1
        if m.start() - line_start <= 60:
            add(_service(m), "paren", m.start(), m.end())
    cues.sort(key=lambda c: c.start)
    return cues


def services(cues: list[WireCue]) -> list[str]:
    """The distinct services of ``cues``, in order of first appearance."""
    out: list[str] = []
    for c in cues:
        if c.service not in out:
            out.append(c.service)
    return out

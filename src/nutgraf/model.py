"""The data nutgraf passes from stage to stage.

Everything downstream of extraction is a span over ``Article.text``: a fact without
``start``/``end`` cannot be stored.  The shapes follow spaCy's ``Doc``: one text, and
annotations that point into it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


def _plain(value: Any) -> Any:
    """Turn dataclasses, tuples and nested containers into JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Evidence:
    """Where a metadata value came from: ``source`` names the signal (``json-ld``,
    ``meta:og:title``, ``time``, ``url``, ``text``, ...), ``raw`` is the string it was read from."""

    source: str
    raw: str

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass
class Paragraph:
    """One block of ``Article.text`` and where it came from.

    ``start``/``end`` index ``Article.text``.  For HTML, ``path`` is the element's path in
    the page (``/html/body/div[2]/p[3]``) and ``source_start``/``source_end`` the character
    range of that element in the decoded page.  For plain text, ``path`` is ``lines:A-B``
    and the source range covers those lines of the input.
    """

    start: int
    end: int
    kind: str = "p"  # p | heading | li | quote | pre | table
    path: str = ""
    source_start: int | None = None
    source_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass
class Entity:
    """One referent in the article: ``name`` is canonical (the fullest form of the name the
    text gives), ``mentions`` every ``(start, end)`` in ``Article.text`` that refers to it,
    ``aliases`` the distinct surface forms seen."""

    name: str
    label: str  # PERSON | ORG | GPE | LOC | NORP | FAC | EVENT | ...
    mentions: list[tuple[int, int]] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass
class Quote:
    text: str
    start: int
    end: int
    kind: str = "direct"  # direct | mixed | indirect
    speaker: str | None = None
    speaker_span: tuple[int, int] | None = None
    cue: str | None = None
    cue_span: tuple[int, int] | None = None
    # for mixed quotes: the quoted fragments inside the reported clause, marks excluded
    direct_parts: list[tuple[int, int]] = field(default_factory=list)
    # the speaker's label when resolved to an entity (PERSON, ORG, GPE, ...)
    speaker_label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass
class Amount:
    text: str
    start: int
    end: int
    value: float | None = None
    unit: str | None = None
    object: str | None = None
    source: str | None = None
    approximate: bool = False
    per: str | None = None
    # the written number ("some 98,000", "thousands"); value is None when vague
    value_text: str | None = None
    lower_bound: float | None = None
    # ranges, as written: value is the first end; a movement ('fell from 5.2 to 4.9 percent')
    # keeps its order (lower_bound 5.2, upper_bound 4.9), as NewsQuant annotates it
    upper_bound: float | None = None
    source_span: tuple[int, int] | None = None
    vague: bool = False
    change: str | None = None  # "up" | "down" when the amount is a rise or fall ('rose by 5%')

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass
class DateMention:
    """A date named in the text.  ``value`` is ISO-8601 (a day, ``YYYY-MM`` or ``YYYY``) when
    it can be resolved, relative mentions against the publication date; ``relative`` marks
    those ('on Thursday', 'last week')."""

    text: str
    start: int
    end: int
    value: str | None = None
    relative: bool = False
    granularity: str | None = None  # day | week | month | year

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass
class Place:
    """A place mention resolved to a point: ``text``/``start``/``end`` is the mention in
    ``Article.text``; the rest is the gazetteer entry chosen for it (GeoNames, offline).

    ``kind`` says what the mention is: ``name`` ('Georgia'), ``demonym`` ('Russian' read as
    Russia, as GDELT does) or ``container`` (a place the gazetteer lacks, placed at the
    nearest container the text gives: 'the Verkhny Lars border' → the region named with it).
    ``evidence`` names the signal that decided among the candidates (``only-candidate``,
    ``container:Texas``, ``article-country:GE``, ``population`` ...) and ``confidence`` is
    the margin the choice won by, 0..1.  ``entity`` is the canonical entity of the mention."""

    text: str
    start: int
    end: int
    name: str
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    country_code: str | None = None  # ISO 3166-1 alpha-2
    country_fips: str | None = None  # FIPS 10-4, as GDELT uses
    admin1: str | None = None  # GeoNames admin1 code ('LA', '48')
    admin1_name: str | None = None
    feature_class: str | None = None  # GeoNames: A (country, region), P (city), L (area) ...
    feature_code: str | None = None  # PCLI, ADM1, ADM2, PPL, CONT ...
    population: int | None = None
    confidence: float = 0.0
    evidence: str = ""
    kind: str = "name"  # name | demonym | container
    entity: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass
class Actor:
    """One side of an event: the words that name it (a span of ``Article.text``), the
    canonical entity they belong to, and its CAMEO/PLOVER country (ISO 3166-1 alpha-3) and
    sector (GOV, MIL, COP, REB, BUS, MED, CVL, IGO ...) where the text gives them."""

    name: str
    start: int
    end: int
    entity: str | None = None
    country: str | None = None
    sector: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass
class Event:
    """Who did what to whom: a PLOVER 2021 ``category`` (and ``mode`` where the codebook
    defines one), the nearest ``cameo`` code and PLOVER's conflict–cooperation ``score``.
    ``text``/``start``/``end`` is the trigger ('ordered a partial mobilisation'),
    ``sentence_start``/``sentence_end`` the sentence it was read from."""

    category: str
    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    mode: str | None = None
    cameo: str | None = None
    score: float | None = None
    source: Actor | None = None
    target: Actor | None = None
    place: Place | None = None
    date: DateMention | None = None
    negated: bool = False
    confidence: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass
class Article:
    """What extraction makes of one page: clean text plus metadata, each field with its evidence."""

    text: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO-8601
    site_name: str | None = None
    language: str | None = None
    url: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    # metadata field name -> the evidence it was taken from
    evidence: dict[str, Evidence] = field(default_factory=dict)
    # how the input was read: "html" or "text", the charset used and how it was chosen
    source_kind: str = "html"
    encoding: str | None = None
    # non-fatal notes about the input ("no article found", "charset mislabelled", ...)
    warnings: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.text.split())

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


class ExtractionError(Exception):
    """Input that cannot be turned into an article at all (binary data, over the size cap,
    past the time bound).  The message says why, for recording against the document."""

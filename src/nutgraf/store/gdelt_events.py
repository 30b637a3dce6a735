"""GDELT 2.0 Event rows from the store's ``events`` table (``nutgraf export --format events``).

One tab-separated row of 61 fields per event, no header, in the column order of the GDELT 2.0
Event codebook (``COLUMNS``).  How nutgraf fills them:

- ``GlobalEventID``: the store's ``events.id``, so every row leads back to its evidence: the
  trigger, sentence, actor, place and date spans are in the ``events`` table (CSV/Parquet
  exports) and nested in each article's ``events`` in the JSONL export.
- ``Day``/``MonthYear``/``Year``/``FractionDate``: the event's date when the text resolves it
  to a day ('on 21 September 2022'); otherwise the article's publication date (a month or a
  year alone is not a day), else the date it was fetched.  ``FractionDate`` is the year plus
  the day of the year over 365, as GDELT computes it (20190125 → 2019.0685).
- ``Actor1*`` is the event's source, ``Actor2*`` its target.  ``Code`` is the CAMEO actor code:
  country (ISO 3166-1 alpha-3, as CAMEO uses) followed by sector ('RUS' + 'GOV' → 'RUSGOV');
  ``Name`` is the canonical entity (else the words naming the actor), upper-cased as GDELT
  writes names; ``CountryCode`` the alpha-3 code; an organisation given instead of a country
  ('NATO', 'EU', 'UN') goes to ``KnownGroupCode`` as CAMEO's group code (NAT, EEC, UNO);
  ``Type1Code`` the sector (GOV, MIL, REB, CVL, IGO ...).  Ethnic, religion and further type
  codes stay empty.
- ``IsRootEvent``: 1 when the event's sentence begins in the article's lead paragraph (GDELT's
  definition: the lead is where the most important events are told).
- ``EventCode``: the event's nearest CAMEO code ('0874'); ``EventBaseCode`` its first three
  digits, ``EventRootCode`` its first two.  ``QuadClass`` from the root as GDELT groups them:
  01-05 verbal cooperation (1), 06-08 material cooperation (2), 09-13 verbal conflict (3),
  14-20 material conflict (4).
- ``GoldsteinScale``: the Goldstein (1992) weight GDELT gives the CAMEO root code
  (``ROOT_GOLDSTEIN``: 15 → -7.2, 19 → -10); GDELT weighs some finer codes differently, which
  nutgraf does not attempt.  An event without a CAMEO code gets its PLOVER score.
- ``NumMentions``/``NumSources``/``NumArticles``: 1/1/1 per event.  Where the corpus passes
  have clustered the events that report one happening (``event_clusters`` and
  ``event_cluster_members``), each cluster is one row: its representative event (the
  earliest-published member; its id is the GlobalEventID) with the cluster's member events,
  independent sources (a syndication group or a site counts once) and articles.
- ``AvgTone``: empty (no tone model).
- ``ActionGeo_*``: the event's place, written as the GKG export writes locations
  (``store.gkg.location_fields``: type 1 country, 2 US state, 3 US city, 4 world city,
  5 world state; FIPS 10-4 country code; ADM1 = FIPS country + GeoNames admin1 ('RS48');
  ``ADM2Code`` empty; ``FeatureID`` the GeoNames id, the FIPS code for a country as GDELT
  does).  ``Actor1Geo_*``/``Actor2Geo_*``: the place named nearest that actor in the event's
  sentence, else the event's place; empty without the actor.
- ``DATEADDED``: when the article was fetched (YYYYMMDDHHMMSS), else its publication date;
  ``SOURCEURL``: the article's URL.

Negated events ('did not order a mobilisation') have no place in GDELT's format, which has no
negation column: they are left out unless ``include_negated`` is given, and then they read
like any other row (the ``events`` table's ``negated`` column tells them apart).

Tabs and line breaks inside values become spaces, so every row has exactly 61 fields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import IO, Any

from nutgraf.facts.events import plover
from nutgraf.store.gkg import _clean, gkg_date, location_fields

_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
COLUMNS = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{f}" for f in _ACTOR), *(f"Actor2{f}" for f in _ACTOR),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{f}" for f in _GEO), *(f"Actor2Geo_{f}" for f in _GEO), *(f"ActionGeo_{f}" for f in _GEO),
    "DATEADDED", "SOURCEURL",
)
assert len(COLUMNS) == 61

# Goldstein (1992) weights of the twenty CAMEO root codes, as GDELT's Goldstein lookup gives
# them (the same numbers ``facts.events.plover`` averages into its category scores).
ROOT_GOLDSTEIN = {
    "01": 0.0, "02": 3.0, "03": 4.0, "04": 1.0, "05": 3.5, "06": 6.0, "07": 7.0, "08": 5.0, "09": -2.0,
    "10": -5.0, "11": -2.0, "12": -4.0, "13": -6.0, "14": -6.5, "15": -7.2, "16": -4.0, "17": -7.0,
    "18": -9.0, "19": -10.0, "20": -10.0,
}
# CAMEO's known-group codes for the organisations an actor's country may name instead.
KNOWN_GROUPS = {"NATO": "NAT", "EU": "EEC", "UN": "UNO", "AU": "AFU", "ASEAN": "ASN", "OPEC": "OPC",
                "ARAB LEAGUE": "ARL", "OSCE": "OSC", "WTO": "WTO", "IMF": "IMF"}


def quad_class(root: str, category: str) -> int:
    """GDELT's QuadClass of a CAMEO root code; the PLOVER quadrant when there is no code."""
    if not root.isdigit():
        return plover.quad(category)
    n = int(root)
    return 1 if n <= 5 else 2 if n <= 8 else 3 if n <= 13 else 4


def _number(value: float) -> str:
    return f"{value:g}"


def actor_fields(actor: Mapping[str, Any] | None) -> list[str]:
    """The ten ``Actor{1,2}*`` fields of an ``Actor.to_dict()`` record (empty without one)."""
    if not actor:
        return [""] * len(_ACTOR)
    country = _clean(actor.get("country")).upper()
    sector = _clean(actor.get("sector")).upper()
    code, group = (country, "") if re.fullmatch(r"[A-Z]{3}", country) else ("", KNOWN_GROUPS.get(country, ""))
    name = _clean(actor.get("entity") or actor.get("name")).upper()
    return [code + group + sector, name, code, group, "", "", "", sector, "", ""]


def geo_fields(place: Mapping[str, Any] | None) -> list[str]:
    """The eight ``*Geo_*`` fields of a place record, as the GKG export writes a location."""
    loc = location_fields(place) if place else None
    if loc is None:
        return [""] * len(_GEO)
    kind, full, fips, adm1, lat, lon, feature = loc
    return [str(kind), full, fips, adm1, "", lat, lon, feature]


def _actor_place(actor: Mapping[str, Any] | None, event: Mapping[str, Any],
                 places: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The located place of the event's sentence nearest the actor's words, else the event's."""
    if not actor:
        return None
    s0, s1 = event["sentence_start"], event["sentence_end"]
    near = [p for p in places if s0 <= p["start"] < s1 and location_fields(p) is not None]
    if not near:
        return event.get("place")
    # 0 when the place is inside the actor's words ('Russian citizens' → Russia)
    return min(near, key=lambda p: max(p["start"] - actor["end"], actor["start"] - p["end"], 0))


def lead_end(text: str) -> int:
    """Where the article's lead (first) paragraph ends: at the first blank line, or at the
    first line break in a text without blank lines."""
    body = len(text) - len(text.lstrip())
    sep = r"\n[ \t]*\n" if re.search(r"\n[ \t]*\n", text[body:]) else r"\n"
    m = re.compile(sep).search(text, body)
    return m.start() if m else len(text)


def _day(event: Mapping[str, Any], article: Mapping[str, Any]) -> dt.date | None:
    value = (event.get("date") or {}).get("value") or ""
    candidates = [value] if re.match(r"\d{4}-\d{2}-\d{2}", value) else []
    candidates += [gkg_date(article.get("published")), gkg_date(article.get("fetched_at"))]
    for c in candidates:
        digits = c.replace("-", "")[:8]
        try:
            return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        except ValueError:  # '' or an impossible day: try the next
            continue
    return None


def event_row(event: Mapping[str, Any], article: Mapping[str, Any], event_id: int,
              counts: tuple[int, int, int] = (1, 1, 1), lead: int | None = None) -> list[str]:
    """The 61 fields for one ``Event.to_dict()`` record of an article record (as
    ``iter_articles`` yields); ``counts`` = (NumMentions, NumSources, NumArticles); ``lead`` the
    end of the article's lead paragraph when already known."""
    day = _day(event, article)
    if day is not None:
        date_fields = [day.strftime("%Y%m%d"), day.strftime("%Y%m"), str(day.year),
                       f"{day.year + day.timetuple().tm_yday / 365:.4f}"]
    else:
        date_fields = ["", "", "", ""]
    category = event.get("category") or ""
    code = re.sub(r"\D", "", event.get("cameo") or plover.cameo(category, event.get("mode")) or "")
    root = code[:2]
    if root in ROOT_GOLDSTEIN:
        goldstein = _number(ROOT_GOLDSTEIN[root])
    else:
        goldstein = _number(event["score"]) if event.get("score") is not None else ""
    if lead is None:
        lead = lead_end(article.get("text") or "")
    places = article.get("places") or []
    source, target = event.get("source"), event.get("target")
    row = [str(event_id), *date_fields, *actor_fields(source), *actor_fields(target),
           "1" if event["sentence_start"] < lead else "0", code, code[:3], root,
           str(quad_class(root, category)), goldstein, *(str(n) for n in counts), "",
           *geo_fields(_actor_place(source, event, places)), *geo_fields(_actor_place(target, event, places)),
           *geo_fields(event.get("place")),
           gkg_date(article.get("fetched_at")) or gkg_date(article.get("published")), _clean(article.get("url"))]
    assert len(row) == len(COLUMNS)
    return row


def _event_ids(store: Any) -> dict[int, list[int]]:
    """``{article id: [events.id, ...]}`` in id order, the order ``iter_articles`` gives events."""
    cols = store.columns("events")
    i_id, i_article = cols.index("id"), cols.index("article_id")
    ids: dict[int, list[int]] = {}
    for r in store.rows("events"):
        ids.setdefault(r[i_article], []).append(r[i_id])
    return ids


def _clusters(store: Any) -> tuple[dict[int, int], dict[int, tuple[int | None, tuple[int, int, int]]]]:
    """``({event id: cluster id}, {cluster id: (representative event id, (members, sources,
    articles))})`` from the corpus passes' event clusters; empty where the tables do not exist
    (a store made before them) or the passes have not filled them."""
    from nutgraf.corpus import sql

    con = sql.connect(store)
    try:
        clusters = {r[0]: (r[1], (int(r[2]), int(r[3]), int(r[4]))) for r in con.execute(
            "SELECT id, event_id, members, sources, articles FROM event_clusters")}
        members = {r[0]: r[1] for r in con.execute("SELECT event_id, cluster_id FROM event_cluster_members")}
    except sql.missing_table():
        return {}, {}
    return members, clusters


def iter_event_rows(store: Any, *, include_negated: bool = False) -> Iterator[list[str]]:
    """Every exported row of ``store``: one per event (negated ones only when asked), or, where
    the corpus passes have clustered the events, one per cluster: its representative event
    (the earliest-published member) with the cluster's counts."""
    ids = _event_ids(store)
    members, clusters = _clusters(store)
    written: set[int] = set()
    for article in store.iter_articles():
        events = article.get("events") or []
        event_ids = ids.get(article["id"], [])
        if len(event_ids) != len(events):  # stored after the ids were read (a running ingest): next time
            continue
        lead = lead_end(article.get("text") or "")
        for event, event_id in zip(events, event_ids):
            if event.get("negated") and not include_negated:
                continue
            cluster = members.get(event_id)
            if cluster is None or cluster not in clusters:
                yield event_row(event, article, event_id, lead=lead)
                continue
            rep, counts = clusters[cluster]
            # the representative, or the first member met when it is not (no longer) a member
            if cluster in written or (rep != event_id and members.get(rep) == cluster):
                continue
            written.add(cluster)
            yield event_row(event, article, event_id, counts=counts, lead=lead)


def write_events(store: Any, fh: IO[str], *, include_negated: bool = False) -> int:
    """Write the rows tab-separated, one per line; returns how many."""
    n = 0
    for row in iter_event_rows(store, include_negated=include_negated):
        fh.write("\t".join(row) + "\n")
        n += 1
    return n

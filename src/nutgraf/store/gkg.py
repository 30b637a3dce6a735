"""One GDELT Global Knowledge Graph 2.1 row per article (GDELT GKG 2.1 codebook column order).

A GKG 2.1 row has 27 tab-separated fields.  What nutgraf fills, and how:

 #  column                         nutgraf
 1  GKGRECORDID                    ``YYYYMMDDHHMMSS-<article id>`` (the V2.1DATE and the store's id)
 2  V2.1DATE                       publication date (else fetch time) as YYYYMMDDHHMMSS, UTC as written
 3  V2SOURCECOLLECTIONIDENTIFIER   ``1`` (WEB)
 4  V2SOURCECOMMONNAME             site name, else the URL's host
 5  V2DOCUMENTIDENTIFIER           the article's URL (empty when unknown)
 6  V1COUNTS                       (empty: GDELT's counts are theme-coded)
 7  V2.1COUNTS                     (empty)
 8  V1THEMES                       (empty: no theme taxonomy)
 9  V2ENHANCEDTHEMES               (empty)
10  V1LOCATIONS                    ``Type#FullName#CountryCode#ADM1Code#Lat#Long#FeatureID`` per distinct
                                   place of the article (``places``, geocoded against GeoNames),
                                   ``;``-joined; see "Locations" below
11  V2ENHANCEDLOCATIONS            one per place mention, with ADM2Code (empty) and its character offset:
                                   ``Type#FullName#CountryCode#ADM1Code#ADM2Code#Lat#Long#FeatureID#Offset``
12  V1PERSONS                      PERSON entity names, ``;``-joined
13  V2ENHANCEDPERSONS              ``Name,Offset`` per mention, ``;``-joined
14  V1ORGANIZATIONS                ORG entity names, ``;``-joined
15  V2ENHANCEDORGANIZATIONS        ``Name,Offset`` per mention
16  V1.5TONE                       (empty: no tone model)
17  V2.1ENHANCEDDATES              ``Resolution#Month#Day#Year#Offset`` per resolved date mention
                                   (resolution 4 = full date, 2 = month and year, 1 = year)
18  V2GCAM                         (empty)
19  V2.1SHARINGIMAGE               (empty)
20  V2.1RELATEDIMAGES              (empty)
21  V2.1SOCIALIMAGEEMBEDS          (empty)
22  V2.1SOCIALVIDEOEMBEDS          (empty)
23  V2.1QUOTATIONS                 ``Offset|Length|Verb|Quote`` per quote, ``#``-joined (offset and
                                   length of the quoted text; verb = the cue)
24  V2.1ALLNAMES                   ``Name,Offset`` per mention of every named entity, ``;``-joined
25  V2.1AMOUNTS                    ``Amount,Object,Offset`` per amount with a value, ``;``-joined
26  V2.1TRANSLATIONINFO            (empty: source-language text)
27  V2EXTRASXML                    (empty)

Locations, as GDELT writes them:

- ``Type``: 1 COUNTRY (GeoNames ``PCL*`` features), 2 USSTATE (an ``ADM1`` in the US),
  3 USCITY (anything else in the US), 4 WORLDCITY (anything else outside it), 5 WORLDSTATE
  (an ``ADM1`` outside the US);
- ``FullName``: 'Moscow, Moskva, Russia', 'Texas, United States', 'Georgia' (place, its
  admin1, its country; country names from the gazetteer);
- ``CountryCode``: FIPS 10-4 (Georgia ``GG``, Russia ``RS``); ``ADM1Code``: FIPS country code
  plus the GeoNames admin1 code (``USTX``, ``RS48``), the FIPS code alone for a country;
- ``Lat``/``Long``: the gazetteer's point; ``FeatureID``: the GeoNames id, the FIPS code for a
  country (as GDELT does).

Demonym mentions count ('Russian' is Russia, as GDELT geocodes it) and so do places the
gazetteer lacks that are placed at their container ('the Verkhny Lars crossing' at Georgia).
Places without coordinates and continents are left out.  An article stored without place rows
(before places existed) lists its GPE/LOC/FAC entities by name only (``#Name#####``), as
earlier versions did.

Offsets are character offsets into the article text nutgraf stores (GDELT's are into its own
copy of the text, which nobody else can see).  Delimiters that would break the format
(tab, newline, and the field's own separators) are replaced by spaces inside values.
"""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import urlsplit

COLUMNS = (
    "GKGRECORDID", "V2.1DATE", "V2SOURCECOLLECTIONIDENTIFIER", "V2SOURCECOMMONNAME", "V2DOCUMENTIDENTIFIER",
    "V1COUNTS", "V2.1COUNTS", "V1THEMES", "V2ENHANCEDTHEMES", "V1LOCATIONS", "V2ENHANCEDLOCATIONS",
    "V1PERSONS", "V2ENHANCEDPERSONS", "V1ORGANIZATIONS", "V2ENHANCEDORGANIZATIONS", "V1.5TONE",
    "V2.1ENHANCEDDATES", "V2GCAM", "V2.1SHARINGIMAGE", "V2.1RELATEDIMAGES", "V2.1SOCIALIMAGEEMBEDS",
    "V2.1SOCIALVIDEOEMBEDS", "V2.1QUOTATIONS", "V2.1ALLNAMES", "V2.1AMOUNTS", "V2.1TRANSLATIONINFO",
    "V2EXTRASXML",
)
assert len(COLUMNS) == 27

LOCATION_LABELS = {"GPE", "LOC", "FAC"}
WEB = "1"
COUNTRY, USSTATE, USCITY, WORLDCITY, WORLDSTATE = 1, 2, 3, 4, 5


def _clean(value: Any, bad: str = "") -> str:
    text = re.sub(r"[\t\r\n]+", " ", str(value if value is not None else ""))
    for ch in bad:
        text = text.replace(ch, " ")
    return " ".join(text.split())


def gkg_date(value: str | None) -> str:
    """ISO-8601 to YYYYMMDDHHMMSS (missing parts are zeros); '' when unreadable."""
    if not value:
        return ""
    digits = re.match(r"(\d{4})-?(\d{2})?-?(\d{2})?(?:[T ](\d{2}):?(\d{2})?:?(\d{2})?)?", value.strip())
    if not digits:
        return ""
    parts = [p or ("01" if i in (1, 2) else "00") for i, p in enumerate(digits.groups())]
    return "".join(parts)


def _date_field(d: dict[str, Any]) -> str | None:
    value = d.get("value")
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    if day:
        res = 4
    elif month:
        res = 2
    else:
        res = 1
    return f"{res}#{int(month or 0)}#{int(day or 0)}#{int(year)}#{d['start']}"


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"


def _coord(value: float) -> str:
    text = f"{float(value):.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@functools.lru_cache(maxsize=512)
def _country_name(iso2: str | None) -> str | None:
    if not iso2:
        return None
    try:
        from nutgraf.facts.places.gazetteer import open_gazetteer

        entry = open_gazetteer().country(iso2)
    except Exception:  # noqa: BLE001 - no gazetteer installed: the code stands in for the name
        return None
    return entry.name if entry else None


def location_type(p: dict[str, Any]) -> int:
    """GDELT's location type of a place record."""
    code = (p.get("feature_code") or "").upper()
    us = p.get("country_code") == "US"
    if code.startswith("PCL"):
        return COUNTRY
    if code == "ADM1":
        return USSTATE if us else WORLDSTATE
    return USCITY if us else WORLDCITY


def location_fields(p: dict[str, Any]) -> tuple[int, str, str, str, str, str, str] | None:
    """``(Type, FullName, CountryCode, ADM1Code, Lat, Long, FeatureID)`` of a place record
    (``SQLiteStore.iter_articles``'s ``places``), or None when it has no point or is a continent."""
    if p.get("lat") is None or p.get("lon") is None or (p.get("feature_code") or "").upper() == "CONT":
        return None
    kind = location_type(p)
    fips = _clean(p.get("country_fips") or "", ";#")
    country = _country_name(p.get("country_code")) or p.get("country_code") or ""
    name = p.get("name") or ""
    if kind == COUNTRY:
        parts = [name]
    elif kind in (USSTATE, WORLDSTATE):
        parts = [name, country]
    else:
        admin1 = p.get("admin1_name")
        parts = [name] + ([admin1] if admin1 and admin1 != name else []) + [country]
    full = ", ".join(_clean(x, ";#,") for x in parts if x)
    admin1_code = _clean(p.get("admin1") or "", ";#")
    if kind == COUNTRY:
        adm1 = fips
    else:
        adm1 = f"{fips}{admin1_code}" if fips and admin1_code else fips
    if kind == COUNTRY and fips:
        feature = fips
    else:
        feature = str(p["geonames_id"]) if p.get("geonames_id") is not None else ""
    return kind, full, fips, adm1, _coord(p["lat"]), _coord(p["lon"]), feature


def _role_phrase(name: str) -> bool:
    """'the president', 'a spokesman': a role phrase is not a person's name; the entities
    pass resolves it to its person when it can, and otherwise it stays out of the persons
    columns."""
    first = name.split()[0] if name.split() else ""
    return first.lower() in ("the", "a", "an", "this", "that") or first[:1].islower()


def gkg_row(a: dict[str, Any]) -> list[str]:
    """The 27 fields for one article record (as ``SQLiteStore.iter_articles`` yields)."""
    date = gkg_date(a.get("published")) or gkg_date(a.get("fetched_at"))
    record_id = f"{date or '0' * 14}-{a['id']}"
    host = urlsplit(a.get("url") or "").hostname or ""
    site = a.get("site_name") or host.removeprefix("www.")

    persons, orgs, locations = [], [], []
    persons2, orgs2, locations2, allnames = [], [], [], []
    for e in a.get("entities", []):
        name = _clean(e["name"], ";,#")
        offsets = sorted(s for s, _ in e.get("mentions", []))
        for off in offsets:
            allnames.append((off, f"{name},{off}"))
        if e["label"] == "PERSON" and not _role_phrase(name):
            persons.append(name)
            persons2 += [(o, f"{name},{o}") for o in offsets]
        elif e["label"] == "ORG":
            orgs.append(name)
            orgs2 += [(o, f"{name},{o}") for o in offsets]
        elif e["label"] in LOCATION_LABELS and not a.get("places"):
            locations.append(f"#{name}#####")
            locations2 += [(o, f"#{name}#######{o}") for o in offsets]
    for p in a.get("places") or []:
        loc = location_fields(p)
        if loc is None:
            continue
        kind, full, fips, adm1, lat, lon, feature = loc
        locations.append(f"{kind}#{full}#{fips}#{adm1}#{lat}#{lon}#{feature}")
        locations2.append((p["start"], f"{kind}#{full}#{fips}#{adm1}##{lat}#{lon}#{feature}#{p['start']}"))

    def joined(items: list[tuple[int, str]]) -> str:
        return ";".join(s for _, s in sorted(items))

    quotes = []
    for q in sorted(a.get("quotes", []), key=lambda q: q["start"]):
        text = _clean(q["text"], "|#")
        quotes.append(f"{q['start']}|{q['end'] - q['start']}|{_clean(q.get('cue'), '|#')}|{text}")
    amounts = []
    for m in sorted(a.get("amounts", []), key=lambda m: m["start"]):
        if m.get("value") is None:
            continue
        obj = _clean(m.get("object") or m.get("unit") or "", ",;")
        amounts.append(f"{_number(m['value'])},{obj},{m['start']};")
    dates = [f for d in sorted(a.get("dates", []), key=lambda d: d["start"]) if (f := _date_field(d))]

    row = {
        "GKGRECORDID": record_id,
        "V2.1DATE": date,
        "V2SOURCECOLLECTIONIDENTIFIER": WEB,
        "V2SOURCECOMMONNAME": _clean(site),
        "V2DOCUMENTIDENTIFIER": _clean(a.get("url")),
        "V1LOCATIONS": ";".join(dict.fromkeys(locations)),
        "V2ENHANCEDLOCATIONS": joined(locations2),
        "V1PERSONS": ";".join(dict.fromkeys(persons)),
        "V2ENHANCEDPERSONS": joined(persons2),
        "V1ORGANIZATIONS": ";".join(dict.fromkeys(orgs)),
        "V2ENHANCEDORGANIZATIONS": joined(orgs2),
        "V2.1ENHANCEDDATES": ";".join(dates),
        "V2.1QUOTATIONS": "#".join(quotes),
        "V2.1ALLNAMES": joined(allnames),
        "V2.1AMOUNTS": "".join(amounts),
    }
    return [row.get(c, "") for c in COLUMNS]

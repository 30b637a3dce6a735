"""The page's language, and what it says about how the page writes dates.

The language comes from ``<html lang>``, then the meta tags, then JSON-LD ``inLanguage``.
``date_reading`` turns the language, locale and country domain into the two things a date
parser needs: whether "03/04/2019" is month first (American pages), and the publisher's likely
time zone (a UTC timestamp is shown to readers as the local date)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import tzinfo

from nutgraf.extract.dates import zone
from nutgraf.extract.metadata.jsonld import ld_str
from nutgraf.extract.metadata.signals import PageSignals
from nutgraf.model import Evidence

_LANG_META = ("content-language", "language", "dc.language", "dcterms.language", "og:locale", "inlanguage", "lang")
_LANG_CODE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$", re.I)


def _norm_lang(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip().split(",")[0].strip()
    m = _LANG_CODE.match(value)
    if not m:
        return None
    code = m.group(1).lower()
    if code in ("x", "i") or len(code) == 3 and code not in ("ger", "deu", "eng", "fra", "fre", "spa", "ita"):
        return None
    return {"ger": "de", "deu": "de", "eng": "en", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it"}.get(code, code)


def pick(signals: PageSignals) -> tuple[str | None, Evidence | None]:
    return signals.once("language", _pick)


def _pick(signals: PageSignals) -> tuple[str | None, Evidence | None]:
    lang_raw = signals.lang_attr
    lang = _norm_lang(lang_raw)
    if lang:
        return lang, Evidence("html[lang]", lang_raw)
    for k in _LANG_META:
        for v in signals.metas.get(k, ()):
            lang = _norm_lang(v)
            if lang:
                return lang, Evidence(f"meta:{k}", v)
    for o in signals.ld_ranked:
        v = o.get("inLanguage")
        lang = _norm_lang(ld_str(v) if not isinstance(v, str) else v)
        if lang:
            return lang, Evidence("json-ld:inLanguage", str(v))
    return None, None


@dataclass(frozen=True)
class DateReading:
    month_first: bool  # "03/04/2019" is March 4th
    tz: tzinfo | None  # the publisher's zone, for UTC timestamps; None: dates as written


def date_reading(signals: PageSignals) -> DateReading:
    return signals.once("date_reading", _date_reading)


def _date_reading(signals: PageSignals) -> DateReading:
    lang, _ = pick(signals)
    lang_raw, host = signals.lang_attr, signals.host
    month_first = bool(isinstance(lang_raw, str) and lang_raw.lower().replace("_", "-") in ("en-us", "en-ph"))
    if not month_first:
        loc = (signals.meta("og:locale") or ("", ""))[1].lower().replace("_", "-")
        # a bare "en" on a .com site is most likely American; "en-GB"/"en-AU" written on the page says otherwise
        region_given = isinstance(lang_raw, str) and bool(re.match(r"^en[-_][a-z]{2}$", lang_raw.strip(), re.I))
        month_first = loc == "en-us" or (
            lang == "en" and not loc and not region_given and host.endswith((".com", ".org", ".net", ".us"))
        )
    metas = signals.metas
    lang_values = [v for v in (lang_raw, *(metas.get("og:locale", ())), *(metas.get("content-language", ()))) if isinstance(v, str)]
    return DateReading(month_first, _guess_zone(host, lang_values, lang))


_REGION_ZONES = {
    "de": "Europe/Berlin", "at": "Europe/Vienna", "ch": "Europe/Zurich", "fr": "Europe/Paris", "it": "Europe/Rome",
    "es": "Europe/Madrid", "nl": "Europe/Amsterdam", "be": "Europe/Brussels", "lu": "Europe/Luxembourg",
    "pl": "Europe/Warsaw", "cz": "Europe/Prague", "sk": "Europe/Bratislava", "dk": "Europe/Copenhagen",
    "se": "Europe/Stockholm", "no": "Europe/Oslo", "fi": "Europe/Helsinki", "uk": "Europe/London",
    "gb": "Europe/London", "ie": "Europe/Dublin", "pt": "Europe/Lisbon", "gr": "Europe/Athens",
    "hu": "Europe/Budapest", "ro": "Europe/Bucharest", "si": "Europe/Ljubljana", "hr": "Europe/Zagreb",
    "ru": "Europe/Moscow", "ua": "Europe/Kyiv", "tr": "Europe/Istanbul", "il": "Asia/Jerusalem",
    "ar": "America/Argentina/Buenos_Aires", "br": "America/Sao_Paulo", "uy": "America/Montevideo",
    "cl": "America/Santiago", "mx": "America/Mexico_City", "pe": "America/Lima", "ve": "America/Caracas",
    "bo": "America/La_Paz", "co": "America/Bogota", "ec": "America/Guayaquil", "py": "America/Asuncion",
    "cr": "America/Costa_Rica", "gt": "America/Guatemala", "pa": "America/Panama", "do": "America/Santo_Domingo",
    "cu": "America/Havana", "pr": "America/Puerto_Rico", "hn": "America/Tegucigalpa", "ni": "America/Managua",
    "sv": "America/El_Salvador", "aw": "America/Aruba", "ph": "Asia/Manila", "id": "Asia/Jakarta",
    "th": "Asia/Bangkok", "vn": "Asia/Ho_Chi_Minh", "my": "Asia/Kuala_Lumpur", "pk": "Asia/Karachi",
    "us": "America/New_York", "ca": "America/Toronto", "jp": "Asia/Tokyo", "cn": "Asia/Shanghai",
    "hk": "Asia/Hong_Kong", "tw": "Asia/Taipei", "kr": "Asia/Seoul", "in": "Asia/Kolkata", "sg": "Asia/Singapore",
    "au": "Australia/Sydney", "nz": "Pacific/Auckland", "za": "Africa/Johannesburg", "ng": "Africa/Lagos",
    "ke": "Africa/Nairobi", "eg": "Africa/Cairo", "tn": "Africa/Tunis", "ma": "Africa/Casablanca",
}
_LANG_ZONES = {
    "de": "Europe/Berlin", "fr": "Europe/Paris", "it": "Europe/Rome", "nl": "Europe/Amsterdam", "pl": "Europe/Warsaw",
    "cs": "Europe/Prague", "da": "Europe/Copenhagen", "sv": "Europe/Stockholm", "nb": "Europe/Oslo",
    "no": "Europe/Oslo", "fi": "Europe/Helsinki", "hu": "Europe/Budapest", "el": "Europe/Athens",
    "ja": "Asia/Tokyo", "zh": "Asia/Shanghai", "ko": "Asia/Seoul", "ru": "Europe/Moscow", "tr": "Europe/Istanbul",
    "en": "America/New_York",
}


def _guess_zone(host: str, lang_values: list[str], lang: str | None):
    """The publisher's likely time zone: from the country domain, else the locale's region, else the language."""
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    if tld in _REGION_ZONES:
        return zone(_REGION_ZONES[tld])
    for v in lang_values:
        m = re.match(r"^[a-z]{2,3}[-_]([a-z]{2})\b", v.strip(), re.I)
        if m and m.group(1).lower() in _REGION_ZONES:
            return zone(_REGION_ZONES[m.group(1).lower()])
    if lang in _LANG_ZONES and (lang != "en" or tld in ("com", "org", "net", "us", "edu", "gov")):
        return zone(_LANG_ZONES[lang])
    return None

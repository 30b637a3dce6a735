"""Actors: the words that name one side of an event → canonical entity, country (ISO 3166-1
alpha-3) and sector.  Role words, metonyms ('the Kremlin') and organisations are data in
``data/actors.tsv``; countries come from the article's resolved places first, then from the
gazetteer (names, demonyms: 'Hungarian' → HUN)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
PERSONAL = frozenset({"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us",
                      "his", "its", "their", "our"})


@dataclass(frozen=True)
class ActorWords:
    sectors: dict[str, str]       # role word or two-word phrase → sector
    countries: dict[str, str]     # metonym → ISO-3
    organisations: dict[str, str]  # organisation name → IGO | NGO


@functools.lru_cache(maxsize=1)
def words() -> ActorWords:
    sectors: dict[str, str] = {}
    countries: dict[str, str] = {}
    orgs: dict[str, str] = {}
    table = {"sector": sectors, "country": countries, "igo": orgs}
    for line in (DATA / "actors.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, word, value = (line.split("\t") + ["", ""])[:3]
        table[kind.strip()][word.strip().lower()] = value.strip()
    return ActorWords(sectors, countries, orgs)


def sector_of(lemmas: list[str]) -> str | None:
    """The sector a run of lower-case lemmas names ('riot police' → COP, 'minister' → GOV);
    the last (head) word first, two-word phrases before single words."""
    table = words().sectors
    for i in range(len(lemmas) - 1, -1, -1):
        if i > 0 and f"{lemmas[i - 1]} {lemmas[i]}" in table:
            return table[f"{lemmas[i - 1]} {lemmas[i]}"]
        if lemmas[i] in table:
            return table[lemmas[i]]
    return None


def organisation(name: str) -> str | None:
    key = re.sub(r"^the\s+", "", name.strip().lower())
    return words().organisations.get(key)


class Countries:
    """ISO-3 country of a name, from the gazetteer (cached per process)."""

    def __init__(self) -> None:
        self._gaz = None
        self._failed = False

    def gazetteer(self):
        if self._gaz is None and not self._failed:
            try:
                from nutgraf.facts.places.gazetteer import open_gazetteer

                self._gaz = open_gazetteer()
            except Exception:  # noqa: BLE001 - no gazetteer: countries stay unknown
                self._failed = True
        return self._gaz

    def iso3(self, iso2: str | None) -> str | None:
        gaz = self.gazetteer()
        return gaz.country_iso3(iso2) if gaz is not None and iso2 else None

    @functools.lru_cache(maxsize=20_000)  # noqa: B019 - one instance per process
    def of_name(self, name: str, label: str) -> str | None:
        """'Hungarian' → HUN, 'the Kremlin' → RUS, 'Washington' → USA; None when the name is no
        country, demonym, metonym or (for GPE names) place."""
        low = re.sub(r"^the\s+", "", name.strip().lower())
        if low in words().countries:
            return words().countries[low]
        if low in words().organisations:
            return None
        gaz = self.gazetteer()
        if gaz is None or not low:
            return None
        from nutgraf.facts.places.gazetteer import COUNTRY

        cands = gaz.find(name)
        for c in cands:
            if c.entry.level == COUNTRY or c.kind == "demonym":
                return gaz.country_iso3(c.entry.country)
        if label in ("GPE", "LOC", "FAC") and cands:
            return gaz.country_iso3(cands[0].entry.country)
        return None


COUNTRIES = Countries()

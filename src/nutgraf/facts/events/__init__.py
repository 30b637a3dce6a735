"""Events: who did what to whom, coded to PLOVER 2021 from the spaCy parse, offline.

- ``lexicon``: trigger words (lemmas) and how each reads, from ``data/lexicon.tsv``;
- ``plover``: the categories, their scores, and the nearest CAMEO code (``data/cameo_plover.tsv``,
  derived from the public CAMEO → PLOVER 2021 table of the Open Event Data Alliance);
- ``actors``: role words → sector, metonyms and organisations (``data/actors.tsv``), countries
  through the places and the gazetteer;
- ``coder``: the walk over each sentence's parse.

    import nutgraf
    for e in nutgraf.analyze(text).events:
        e.category, e.source.name, e.target and e.target.country
"""

from __future__ import annotations

from nutgraf.facts.events.coder import find_events

__all__ = ["find_events"]

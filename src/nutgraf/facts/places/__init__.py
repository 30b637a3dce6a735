"""Places: every place mention resolved to a point on the map, offline.

- ``gazetteer``: GeoNames places (countries, admin divisions, cities of 500+ people, alternate
  names, demonyms) in one SQLite file built at install from pinned packages (``build``);
- ``detect``: which spans of an article are place mentions (the model's GPE/LOC/FAC spans,
  demonyms, and names the small model misses);
- ``resolve``: which gazetteer entry each mention means, from the article's evidence.

    import nutgraf
    nutgraf.analyze(text).places                            # detected and resolved
    nutgraf.resolve_places(text, [(0, 7)], url=...)         # your own spans, resolved
"""

from __future__ import annotations

from nutgraf.model import Place


def find_places(article, doc=None, gaz=None) -> list[Place]:
    """Detect and resolve the places of an article whose entities are filled (in order)."""
    from nutgraf.facts.places.detect import detect
    from nutgraf.facts.places.gazetteer import open_gazetteer
    from nutgraf.facts.places.resolve import Resolver, to_place

    gaz = gaz or open_gazetteer()
    found = detect(article.text, article.entities, gaz, doc)
    mentions = [m for m, _ in found]
    Resolver(gaz).resolve(article.text, mentions, url=article.url)
    out = []
    for m, entity in found:
        place = to_place(m, gaz, entity)
        if place is not None:
            out.append(place)
    return out


def resolve_places(text: str, spans: list[tuple[int, int]], *, url: str | None = None) -> list[Place | None]:
    """Resolve place mentions the caller already found: one ``Place`` (or None where no
    gazetteer entry fits) per ``(start, end)`` span of ``text``, in order."""
    from nutgraf.facts.places.resolve import resolve_spans

    return resolve_spans(text, list(spans), url=url)


__all__ = ["find_places", "resolve_places"]

"""The search filters both stores share (site, date range, entity, speaker, place, country,
event category, event actor),
as SQL conditions over ``articles a`` and their arguments, in ``?`` statements (PostgreSQL's
connection, ``store.dialect.PgConnection``, takes them too).  The dialects differ only in the
case-insensitive LIKE (``Dialect.like``: SQLite's LIKE already ignores ASCII case;
PostgreSQL needs ILIKE)."""

from __future__ import annotations

from typing import Any

from nutgraf.store.dialect import SQLITE, Dialect


def search_filters(*, site: str | None = None, since: str | None = None, until: str | None = None,
                   entity: str | None = None, speaker: str | None = None, place: str | None = None,
                   country: str | None = None, event: str | None = None, actor: str | None = None,
                   dialect: Dialect = SQLITE, mark: str = "?", like: str | None = None,
                   has_places: bool = True, has_events: bool = True) -> tuple[list[str], list[Any]]:
    """``(conditions, arguments)`` for the filters given; dates compare as ISO prefixes, so
    ``since="2019"`` and ``since="2019-05-01"`` both work.

    ``place``: articles with a place mention whose gazetteer name or text is ``place`` (case
    ignored: 'georgia' finds 'Georgia', and 'Russia' finds 'Russian' read as Russia), or, given
    as digits, whose GeoNames id is that number.  ``country``: articles naming a place in that
    country (ISO 3166-1 alpha-2, case ignored: 'GE' finds Georgia, Tbilisi and a border
    crossing placed in Georgia).  ``has_places=False`` (a store older than the places tables)
    makes either filter match nothing.

    ``event``: articles with an event of that PLOVER category (case ignored: 'mobilize').
    ``actor``: articles with an event whose source or target is ``actor``: every word of it
    begins a word of the actor's name or canonical entity ('putin' finds 'President Vladimir
    Putin'; case ignored), or it is the actor's country code ('RUS').  Given both, one event
    must match both.  ``has_events=False`` (a store older than the events table) makes either
    match nothing.

    ``mark`` (the placeholder written) and ``like`` (instead of ``dialect.like``) are for a
    caller with a raw driver connection."""
    like = like or dialect.like
    where: list[str] = []
    args: list[Any] = []
    if site:
        where.append(f"(a.site_name {like} {mark} OR a.url {like} {mark})")
        args += [f"%{site}%", f"%{site}%"]
    if since:
        where.append(f"a.published IS NOT NULL AND substr(a.published, 1, {mark}) >= {mark}")
        args += [len(since), since]
    if until:
        where.append(f"a.published IS NOT NULL AND substr(a.published, 1, {mark}) <= {mark}")
        args += [len(until), until]
    if entity:
        where.append(f"EXISTS (SELECT 1 FROM entities e WHERE e.article_id = a.id AND "
                     f"(e.name {like} {mark} OR e.aliases {like} {mark}))")
        args += [f"%{entity}%", f"%{entity}%"]
    if speaker:
        where.append(f"EXISTS (SELECT 1 FROM quotes q WHERE q.article_id = a.id AND q.speaker {like} {mark})")
        args.append(f"%{speaker}%")
    place = (place or "").strip()
    country = (country or "").strip()
    if (place or country) and not has_places:
        where.append("1 = 0")
    elif place:
        if place.isascii() and place.isdigit() and len(place) <= 18:
            where.append(f"EXISTS (SELECT 1 FROM article_places ap WHERE ap.article_id = a.id"
                         f" AND ap.geonames_id = {mark})")
            args.append(int(place))
        else:
            where.append(f"EXISTS (SELECT 1 FROM places p WHERE p.article_id = a.id AND"
                         f" (lower(p.name) = lower({mark}) OR lower(p.text) = lower({mark})))")
            args += [place, place]
    if country and has_places:
        where.append(f"EXISTS (SELECT 1 FROM article_places ac WHERE ac.article_id = a.id"
                     f" AND ac.country_code = {mark})")
        args.append(country.upper())
    event = (event or "").strip()
    actor = (actor or "").strip()
    if (event or actor) and not has_events:
        where.append("1 = 0")
    elif event or actor:
        conds: list[str] = []
        if event:
            conds.append(f"upper(ev.category) = {mark}")
            args.append(event.upper())
        if actor:
            sql, more = _actor_condition(actor, mark, like)
            conds.append(sql)
            args += more
        where.append("EXISTS (SELECT 1 FROM events ev WHERE ev.article_id = a.id AND " + " AND ".join(conds) + ")")
    return where, args


# More words than this in --actor are not a name: the rest are ignored (each adds four LIKEs).
_ACTOR_WORDS = 6


def _actor_condition(actor: str, mark: str, like: str) -> tuple[str, list[Any]]:
    """SQL over ``events ev`` for an actor name or country code, and its arguments.

    A word matches where it begins a word of the column: the column is prefixed with a space
    and the pattern is '% word%' (the '%' stay in the arguments, which psycopg needs)."""
    words = actor.split()[:_ACTOR_WORDS]
    sides, args = [], []
    for side in ("source", "target"):
        per_word = []
        for w in words:
            per_word.append(f"((' ' || ev.{side}_name) {like} {mark} OR (' ' || ev.{side}_entity) {like} {mark})")
            args += [f"% {w}%", f"% {w}%"]
        sides.append("(" + " AND ".join(per_word) + ")")
    sql = "(" + " OR ".join(sides)
    if len(words) == 1:  # a country code: 'RUS', 'rus'
        sql += f" OR upper(ev.source_country) = {mark} OR upper(ev.target_country) = {mark}"
        args += [words[0].upper(), words[0].upper()]
    return sql + ")", args

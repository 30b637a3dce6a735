"""The search filters both stores share (site, date range, entity, speaker), as SQL
conditions over ``articles a`` and their arguments.  The stores differ only in the
parameter mark (``?`` for SQLite, ``%s`` for psycopg) and the case-insensitive LIKE
(SQLite's LIKE already ignores ASCII case; PostgreSQL needs ILIKE)."""

from __future__ import annotations

from typing import Any


def search_filters(*, site: str | None = None, since: str | None = None, until: str | None = None,
                   entity: str | None = None, speaker: str | None = None, mark: str = "?",
                   like: str = "LIKE") -> tuple[list[str], list[Any]]:
    """``(conditions, arguments)`` for the filters given; dates compare as ISO prefixes, so
    ``since="2019"`` and ``since="2019-05-01"`` both work."""
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
    return where, args

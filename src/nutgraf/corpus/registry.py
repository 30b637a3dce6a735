"""The entity registry: one id per referent across the corpus ('Vladimir Putin' everywhere).

Each article's ``Entity.name`` is already canonical within its article (the fullest form the
text gives).  Across articles they are joined by **normalised name + label**
(``entity_registry(norm, label)`` is unique): case, diacritics, punctuation, a leading
'the' and (for people) titles such as 'President' do not matter, and a few short forms of
places and bodies are expanded ('US', 'U.S.' -> 'united states'; 'UK', 'EU', 'UN').  For people, a **surname alone** ('Putin') joins the one person of
the corpus with that surname ('Vladimir Putin') when there is exactly one; when the full
name arrives after the surname was registered alone, the surname entry is merged into it
(its links move), again only when that full name is the only one with the surname.  Two
full names sharing a surname ('Boris Johnson', 'Lyndon Johnson') leave a bare 'Johnson'
on its own.

**Places** join by **GeoNames id** first: a GPE/LOC/FAC entity whose place mentions (the
``places`` rows of its article, ``kind`` 'name', through their ``entity_id``) resolved to a
GeoNames id joins the entry of that id, whatever it is called ('US', 'United States',
'America' -> 6252001).  An id not seen before adopts the entry of the same name and label
when that entry is not already another place, and otherwise starts its own entry, so that
'Georgia' the country (614540) and 'Georgia' the US state (4197000) stay two referents (the
second one's ``norm`` carries its id: 'georgia #4197000').  An id's entry met under another
name takes in the entry of that name made without an id (mentions that did not resolve, in
earlier articles), unless that entry is another place, and carries the ``norm`` of its fullest
name ('United States', not 'America' when 'America' came first), so that later unresolved
'US' or 'U.S.' join it by name.  Entities without a resolved place (demonyms, containers,
older articles) join by name as before.

Tables: ``entity_registry`` (the referents: ``name`` the fullest form seen, ``aliases``,
``articles``, ``mentions``), ``entity_links`` (per-article entity id -> registry id) and
``registry_geonames`` (GeoNames id -> registry id).
"""

from __future__ import annotations

import json

from nutgraf.corpus.sql import Connection
from nutgraf.corpus.text import words

PERSON = "PERSON"
PLACE_LABELS = {"GPE", "LOC", "FAC"}
_HONORIFICS = {"mr", "mrs", "ms", "dr", "sir", "dame", "president", "prime", "minister", "gen", "general",
               "lord", "lady", "prof", "professor", "senator", "sen", "rep", "gov", "governor"}


# a few short forms that name one place or body everywhere (not person names)
_SHORT = {"us": "united states", "usa": "united states", "united states of america": "united states",
          "uk": "united kingdom", "britain": "united kingdom", "great britain": "united kingdom",
          "eu": "european union", "un": "united nations", "uae": "united arab emirates"}


def normalise(name: str, label: str | None = None) -> str:
    toks = [w.replace("'", "").replace(".", "") for w in words(name)]
    if toks and toks[0] == "the" and len(toks) > 1:
        toks = toks[1:]
    if label == PERSON:
        while len(toks) > 1 and toks[0] in _HONORIFICS:
            toks = toks[1:]
        if len(toks) > 1 and toks[-1] in {"jr", "sr", "ii", "iii"}:
            toks = toks[:-1]
        return " ".join(toks)
    joined = " ".join(toks)
    return _SHORT.get(joined, joined) if label in (None, "GPE", "ORG", "LOC", "NORP") else joined


def surname(norm: str) -> str | None:
    toks = norm.split()
    return toks[-1] if toks else None


def _add_aliases(con: Connection, rid: int, names: list[str]) -> None:
    row = con.execute("SELECT aliases FROM entity_registry WHERE id = ?", (rid,)).fetchone()
    aliases = json.loads(row[0]) if row else []
    changed = False
    for n in names:
        if n and n not in aliases:
            aliases.append(n)
            changed = True
    if changed:
        con.execute("UPDATE entity_registry SET aliases = ? WHERE id = ?", (json.dumps(aliases, ensure_ascii=False), rid))


def _refresh_counts(con: Connection, rid: int) -> None:
    con.execute(
        "UPDATE entity_registry SET articles = (SELECT count(DISTINCT l.article_id) FROM entity_links l"
        " WHERE l.registry_id = ?), mentions = (SELECT coalesce(sum(e.mentions), 0) FROM entity_links l"
        " JOIN entities e ON e.id = l.entity_id WHERE l.registry_id = ?) WHERE id = ?", (rid, rid, rid))


def _full_names_with_surname(con: Connection, sur: str, label: str) -> list[tuple[int, str]]:
    return con.execute("SELECT id, norm FROM entity_registry WHERE surname = ? AND label = ? AND norm <> ?",
                       (sur, label, sur)).fetchall()


def resolve(con: Connection, name: str, label: str) -> int | None:
    """The registry id a name would join, without changing anything (None if unknown)."""
    norm = normalise(name, label)
    if not norm:
        return None
    if label == PERSON and " " not in norm:
        full = _full_names_with_surname(con, norm, label)
        if len(full) == 1:
            return full[0][0]
    row = con.execute("SELECT id FROM entity_registry WHERE norm = ? AND label = ?", (norm, label)).fetchone()
    return row[0] if row else None


def resolve_any(con: Connection, name: str) -> int | None:
    """Registry id for a name of unknown label (speakers, sources): a person first."""
    for label in (PERSON, "ORG", "GPE", "NORP"):
        rid = resolve(con, name, label)
        if rid is not None:
            return rid
    return None


def _new_entry(con: Connection, name: str, label: str, norm: str, sur: str | None) -> int:
    return con.execute(
        "INSERT INTO entity_registry (name, label, norm, surname, aliases, articles, mentions)"
        " VALUES (?,?,?,?,?,0,0) RETURNING id", (name, label, norm, sur, "[]")).fetchone()[0]


def _merge(con: Connection, src: int, dst: int) -> None:
    """Entry ``src`` is the referent ``dst``: its links, keys, aliases and counts move there."""
    con.execute("UPDATE entity_links SET registry_id = ? WHERE registry_id = ?", (dst, src))
    con.execute("UPDATE quote_clusters SET speaker_key = ?, speaker_id = ? WHERE speaker_key = ?",
                (f"r:{dst}", dst, f"r:{src}"))
    for col in ("source_key", "target_key"):
        con.execute(f"UPDATE event_clusters SET {col} = ? WHERE {col} = ?", (f"r:{dst}", f"r:{src}"))
    con.execute("UPDATE story_features SET feature = ? WHERE feature = ?", (f"e:{dst}", f"e:{src}"))
    con.execute("UPDATE registry_geonames SET registry_id = ? WHERE registry_id = ?", (dst, src))
    row = con.execute("SELECT aliases FROM entity_registry WHERE id = ?", (src,)).fetchone()
    con.execute("DELETE FROM entity_registry WHERE id = ?", (src,))
    if row:
        _add_aliases(con, dst, json.loads(row[0]))
    _refresh_counts(con, dst)
    _MERGED.add(dst)


# entries that took another one in while the current article was linked: recounted at its end
_MERGED: set[int] = set()


def _is_place_entry(con: Connection, rid: int) -> bool:
    return con.execute("SELECT 1 FROM registry_geonames WHERE registry_id = ?", (rid,)).fetchone() is not None


def _place_seen_as(con: Connection, rid: int, name: str, label: str, norm: str) -> None:
    """The place entry ``rid`` (a GeoNames id's) met under ``name``: an entry of that name made
    without a GeoNames id (its mentions did not resolve) is the same place, and merges into it;
    the entry takes the fullest name, and that name's ``norm`` when no other entry holds it, so
    that later unresolved mentions ('US', 'U.S.' -> 'united states') join it by name too."""
    other = con.execute("SELECT id FROM entity_registry WHERE norm = ? AND label = ? AND id <> ?",
                        (norm, label, rid)).fetchone()
    if other and not _is_place_entry(con, other[0]):
        _merge(con, other[0], rid)
        other = None
    cur = con.execute("SELECT name, norm FROM entity_registry WHERE id = ?", (rid,)).fetchone()
    if cur is None or len(name) <= len(cur[0]):
        return
    con.execute("UPDATE entity_registry SET name = ? WHERE id = ?", (name, rid))
    if other is None and "#" not in cur[1] and norm != cur[1]:
        con.execute("UPDATE entity_registry SET norm = ? WHERE id = ?", (norm, rid))


def _register_place(con: Connection, name: str, label: str, norm: str, geonames_id: int) -> int:
    """The registry id of a place entity resolved to ``geonames_id`` (see the module notes)."""
    row = con.execute("SELECT g.registry_id FROM registry_geonames g JOIN entity_registry r"
                      " ON r.id = g.registry_id WHERE g.geonames_id = ?", (geonames_id,)).fetchone()
    if row:
        _place_seen_as(con, row[0], name, label, norm)
        return row[0]
    con.execute("DELETE FROM registry_geonames WHERE geonames_id = ?", (geonames_id,))  # its entry is gone
    row = con.execute("SELECT id, name FROM entity_registry WHERE norm = ? AND label = ?", (norm, label)).fetchone()
    if row and con.execute("SELECT 1 FROM registry_geonames WHERE registry_id = ?", (row[0],)).fetchone():
        # that name is already another place: this one gets an entry of its own
        norm = f"{norm} #{geonames_id}"
        row = con.execute("SELECT id, name FROM entity_registry WHERE norm = ? AND label = ?",
                          (norm, label)).fetchone()
    if row:
        rid = row[0]
        if len(name) > len(row[1]):
            con.execute("UPDATE entity_registry SET name = ? WHERE id = ?", (name, rid))
    else:
        rid = _new_entry(con, name, label, norm, None)
    con.execute("INSERT INTO registry_geonames (geonames_id, registry_id) VALUES (?, ?)", (geonames_id, rid))
    return rid


def register(con: Connection, name: str, label: str, geonames_id: int | None = None) -> int | None:
    """The registry id for ``name``/``label``, creating or merging entries as needed; a place
    (GPE/LOC/FAC) with its ``geonames_id`` joins by that id first."""
    norm = normalise(name, label)
    if not norm:
        return None
    if geonames_id is not None and label in PLACE_LABELS:
        return _register_place(con, name, label, norm, int(geonames_id))
    sur = surname(norm) if label == PERSON else None
    if label == PERSON and " " not in norm:
        full = _full_names_with_surname(con, norm, label)
        if len(full) == 1:
            return full[0][0]
    row = con.execute("SELECT id, name FROM entity_registry WHERE norm = ? AND label = ?", (norm, label)).fetchone()
    if row:
        rid, cur = row[0], row[1]
        if len(name) > len(cur):
            con.execute("UPDATE entity_registry SET name = ? WHERE id = ?", (name, rid))
    else:
        rid = _new_entry(con, name, label, norm, sur)
    if label == PERSON and " " in norm and sur:
        # a bare surname registered before this full name: merge it here when unambiguous
        full = _full_names_with_surname(con, sur, label)
        lone = con.execute("SELECT id, aliases FROM entity_registry WHERE norm = ? AND label = ?",
                           (sur, label)).fetchone()
        if lone and len(full) == 1 and full[0][0] == rid:
            _merge(con, lone[0], rid)
    return rid


def _place_ids(con: Connection, article_id: int) -> dict[int, int]:
    """{entity id: GeoNames id} for the article's entities whose place mentions (by name: not
    demonyms, not containers) resolved; the id most of them resolved to, the first on a tie."""
    best: dict[int, tuple[int, int, int]] = {}
    for eid, gid, n, first in con.execute(
            "SELECT entity_id, geonames_id, count(*), min(start) FROM places WHERE article_id = ? AND kind = 'name'"
            " AND geonames_id IS NOT NULL AND entity_id IS NOT NULL GROUP BY entity_id, geonames_id",
            (article_id,)):
        key = (int(n), -int(first), int(gid))
        if eid not in best or key > best[eid]:
            best[eid] = key
    return {eid: key[2] for eid, key in best.items()}


def link_article(con: Connection, article_id: int) -> dict[int, int]:
    """Register every entity of a stored article; returns {entity id: registry id}."""
    _MERGED.clear()
    out: dict[int, int] = {}
    rows = con.execute("SELECT id, name, label, aliases, mentions FROM entities WHERE article_id = ? ORDER BY id",
                       (article_id,)).fetchall()
    # full names first, so that 'Putin' in the same article finds 'Vladimir Putin'
    rows.sort(key=lambda r: -len(normalise(r[1], r[2]).split()))
    places = _place_ids(con, article_id)
    mentions: dict[int, int] = {}
    counts = {r[0]: r[4] for r in rows}
    for eid, name, label, aliases, _n in rows:
        rid = register(con, name, label, places.get(eid))
        if rid is None:
            continue
        con.execute("INSERT INTO entity_links (entity_id, registry_id, article_id) VALUES (?,?,?) "
                    "ON CONFLICT (entity_id) DO UPDATE SET registry_id = excluded.registry_id", (eid, rid, article_id))
        _add_aliases(con, rid, [name] + json.loads(aliases or "[]"))
        out[eid] = rid
        mentions[rid] = mentions.get(rid, 0) + int(counts.get(eid) or 0)
    # counted incrementally (one more article per referent), not recounted: a referent in
    # every article must not cost a scan of all its links each time
    con.executemany("UPDATE entity_registry SET articles = articles + 1, mentions = mentions + ? WHERE id = ?",
                    [(m, rid) for rid, m in mentions.items()])
    for rid in _MERGED:  # counted again from the links: the increment above may count this article twice
        _refresh_counts(con, rid)
    return out


def lookup(con: Connection, name: str) -> list[dict]:
    """Registry entries matching a name (any label), with their aliases and counts."""
    norm = normalise(name, PERSON)
    rows = con.execute(
        "SELECT id, name, label, aliases, articles, mentions FROM entity_registry WHERE norm = ? OR surname = ?"
        " OR norm = ? ORDER BY articles DESC, id", (norm, norm, normalise(name))).fetchall()
    return [{"id": r[0], "name": r[1], "label": r[2], "aliases": json.loads(r[3]), "articles": r[4],
             "mentions": r[5]} for r in rows]

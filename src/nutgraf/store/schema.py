"""The SQLite schema of a nutgraf store (version 5), as executed by ``store.sqlite``.

Kept as Python so it ships inside any install; the same text is what ``sqlite3 demo.db .schema``
shows.  See the README section "The store" for a tour.
"""

# 2: the corpus tables (syndication, stories, entity registry, quotes/figures across
# articles); a version-1 store gets them when a writer opens it (every statement is IF NOT EXISTS).
# 3: captures_origin.  4: places (one row per place mention), article_places (one per distinct
# place per article) and registry_geonames (registry entries joined by GeoNames id); an older
# store gets them, empty, when a writer opens it (its articles were stored without places).
# 5: events (one row per coded event: trigger, actors, place and date, each with its span).
SCHEMA_VERSION = 5

SCHEMA = r"""
-- nutgraf store, SQLite (schema version 5).
--
-- One row per capture (content-addressed: id = SHA-256 of the document bytes), one article
-- per successfully extracted capture, and the facts of each article as span rows:
-- article.text[start:end] is the evidence of every mention, quote, speaker, cue, amount,
-- source and date.  Lists and maps (authors, aliases, paragraphs, evidence, warnings) are
-- JSON text, readable with SQLite's/DuckDB's json functions.  "end" is an SQL keyword in
-- some engines (DuckDB, PostgreSQL): quote it there, e.g. q."end".
--
-- Open it from Datasette (`datasette demo.db`) or DuckDB
-- (`INSTALL sqlite; LOAD sqlite; ATTACH 'demo.db' AS n (TYPE sqlite);`).

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

-- Every document a source handed over, whatever became of it.
CREATE TABLE IF NOT EXISTS captures (
    id               TEXT PRIMARY KEY,            -- sha256 hex of the content bytes
    url              TEXT,
    content_type     TEXT,
    size             INTEGER,                     -- bytes (NULL when unknown)
    fetched_at       TEXT,                        -- ISO-8601: WARC-Date, file mtime, JSONL field
    origin_kind      TEXT NOT NULL CHECK (origin_kind IN ('file', 'warc', 'jsonl', 'web')),
    origin_path      TEXT NOT NULL,
    origin_record_id TEXT,                        -- WARC-Record-ID
    origin_offset    INTEGER,                     -- byte offset of the WARC record in its file
    origin_line      INTEGER,                     -- 1-based JSONL line
    status           TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
    error            TEXT,                        -- why it failed / was skipped
    ingested_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS captures_status ON captures(status);
CREATE INDEX IF NOT EXISTS captures_url ON captures(url);
-- a fetched page's URL as asked for (before redirects): re-runs skip pages already stored
CREATE INDEX IF NOT EXISTS captures_origin ON captures(origin_kind, origin_path);

CREATE TABLE IF NOT EXISTS articles (
    id              INTEGER PRIMARY KEY,
    capture_id      TEXT NOT NULL UNIQUE REFERENCES captures(id) ON DELETE CASCADE,
    url             TEXT,
    title           TEXT,
    text            TEXT NOT NULL,
    authors         TEXT NOT NULL DEFAULT '[]',   -- JSON list of names
    published       TEXT,                         -- ISO-8601
    site_name       TEXT,
    language        TEXT,
    source_kind     TEXT,                         -- html | text
    encoding        TEXT,
    words           INTEGER NOT NULL,
    paragraphs      TEXT NOT NULL DEFAULT '[]',   -- JSON: [{start, end, kind, path, source_start, source_end}]
    evidence        TEXT NOT NULL DEFAULT '{}',   -- JSON: {field: {source, raw}}
    warnings        TEXT NOT NULL DEFAULT '[]',   -- JSON list
    nutgraf_version TEXT NOT NULL,
    settings_hash   TEXT NOT NULL,                -- model + settings the article was made with
    created_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_site ON articles(site_name);
CREATE INDEX IF NOT EXISTS articles_url ON articles(url);

-- One canonical referent per article (a corpus-wide registry is a later pass).
CREATE TABLE IF NOT EXISTS entities (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    label      TEXT NOT NULL,                     -- PERSON | ORG | GPE | LOC | NORP | ...
    aliases    TEXT NOT NULL DEFAULT '[]',        -- JSON list of surface forms
    mentions   INTEGER NOT NULL                   -- number of mention rows
);
CREATE INDEX IF NOT EXISTS entities_article ON entities(article_id);
CREATE INDEX IF NOT EXISTS entities_name ON entities(name, label);

CREATE TABLE IF NOT EXISTS mentions (
    id         INTEGER PRIMARY KEY,
    entity_id  INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    text       TEXT NOT NULL                      -- article.text[start:end]
);
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(entity_id);
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article_id);

CREATE TABLE IF NOT EXISTS quotes (
    id                INTEGER PRIMARY KEY,
    article_id        INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start             INTEGER NOT NULL,
    "end"             INTEGER NOT NULL,
    text              TEXT NOT NULL,              -- content, quote marks excluded
    kind              TEXT NOT NULL,              -- direct | mixed | indirect
    speaker           TEXT,                       -- canonical name
    speaker_label     TEXT,
    speaker_start     INTEGER,
    speaker_end       INTEGER,
    speaker_entity_id INTEGER REFERENCES entities(id) ON DELETE SET NULL,
    cue               TEXT,                       -- the reporting verb ("said")
    cue_start         INTEGER,
    cue_end           INTEGER,
    direct_parts      TEXT NOT NULL DEFAULT '[]'  -- JSON [[start, end], ...] of quoted fragments
);
CREATE INDEX IF NOT EXISTS quotes_article ON quotes(article_id);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker);

CREATE TABLE IF NOT EXISTS amounts (
    id               INTEGER PRIMARY KEY,
    article_id       INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start            INTEGER NOT NULL,
    "end"            INTEGER NOT NULL,
    text             TEXT NOT NULL,
    value            REAL,                        -- NULL when vague ("thousands")
    value_text       TEXT,
    lower_bound      REAL,
    upper_bound      REAL,
    unit             TEXT,
    object           TEXT,                        -- what is counted
    per              TEXT,                        -- "day", ...
    approximate      INTEGER NOT NULL DEFAULT 0,
    vague            INTEGER NOT NULL DEFAULT 0,
    source           TEXT,                        -- who reported it (canonical)
    source_start     INTEGER,
    source_end       INTEGER,
    source_entity_id INTEGER REFERENCES entities(id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS amounts_article ON amounts(article_id);
CREATE INDEX IF NOT EXISTS amounts_source ON amounts(source);

CREATE TABLE IF NOT EXISTS dates (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    text        TEXT NOT NULL,
    value       TEXT,                             -- ISO-8601 day, YYYY-MM or YYYY
    relative    INTEGER NOT NULL DEFAULT 0,
    granularity TEXT
);
CREATE INDEX IF NOT EXISTS dates_article ON dates(article_id);

-- Places (schema version 4): one row per place mention, resolved against the offline
-- GeoNames gazetteer.  kind: 'name' ('Georgia'), 'demonym' ('Russian' -> Russia, as GDELT
-- reads it) or 'container' (a place the gazetteer lacks, put at the place the text names
-- with it: text 'Verkhny Lars', name 'Georgia').
CREATE TABLE IF NOT EXISTS places (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    text          TEXT NOT NULL,                  -- article.text[start:end]
    name          TEXT NOT NULL,                  -- the gazetteer's name of the place
    geonames_id   INTEGER,
    lat           REAL,
    lon           REAL,
    country_code  TEXT,                           -- ISO 3166-1 alpha-2 ('GE')
    country_fips  TEXT,                           -- FIPS 10-4, as GDELT uses ('GG')
    admin1        TEXT,                           -- GeoNames admin1 code ('48', 'TX')
    admin1_name   TEXT,
    feature_class TEXT,                           -- GeoNames: A (country, region), P (city), ...
    feature_code  TEXT,                           -- PCLI, ADM1, PPLC, ...
    population    INTEGER,
    confidence    REAL,                           -- the margin the choice won by, 0..1
    evidence      TEXT,                           -- the signal that decided ('container:Georgia')
    kind          TEXT NOT NULL,                  -- name | demonym | container
    entity        TEXT,                           -- canonical entity name of the mention
    entity_id     INTEGER REFERENCES entities(id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS places_article ON places(article_id);
CREATE INDEX IF NOT EXISTS places_geonames ON places(geonames_id);
CREATE INDEX IF NOT EXISTS places_country ON places(country_code);

-- One row per distinct place per article (demonym and container mentions counted too): what
-- a map or a country filter reads.  place_key: the GeoNames id as text, else 'name:<name>'.
CREATE TABLE IF NOT EXISTS article_places (
    article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    place_key    TEXT NOT NULL,
    geonames_id  INTEGER,
    name         TEXT NOT NULL,
    lat          REAL,
    lon          REAL,
    country_code TEXT,
    country_fips TEXT,
    admin1       TEXT,
    admin1_name  TEXT,
    feature_code TEXT,
    mentions     INTEGER NOT NULL,                -- place rows of this place in the article
    first_start  INTEGER NOT NULL,                -- where the first of them starts
    PRIMARY KEY (article_id, place_key)
);
CREATE INDEX IF NOT EXISTS article_places_geonames ON article_places(geonames_id);
CREATE INDEX IF NOT EXISTS article_places_country ON article_places(country_code);

-- Events (schema version 5): who did what to whom, coded to PLOVER 2021 with the nearest CAMEO
-- code.  start/end is the trigger ('ordered a partial mobilisation'), sentence_start/_end the
-- sentence it was read from; each actor is a span too (source_start/_end, target_start/_end:
-- article.text[source_start:source_end] is the words that name it) with its canonical entity,
-- country (ISO 3166-1 alpha-3, as CAMEO uses) and sector (GOV, MIL, REB ...).  The place and
-- date are spans of the article's places/dates rows, with the place's point copied here so a
-- map or a GDELT export needs no join.  negated: 1 for 'refused to', 'denied', 'did not'.
CREATE TABLE IF NOT EXISTS events (
    id                 INTEGER PRIMARY KEY,
    article_id         INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start              INTEGER NOT NULL,
    "end"              INTEGER NOT NULL,
    text               TEXT NOT NULL,             -- article.text[start:end], the trigger
    sentence_start     INTEGER NOT NULL,
    sentence_end       INTEGER NOT NULL,
    category           TEXT NOT NULL,             -- PLOVER: MOBILIZE, THREATEN, ACCUSE ...
    mode               TEXT,                      -- PLOVER mode where the codebook has one
    cameo              TEXT,                      -- nearest CAMEO code ('0874')
    score              REAL,                      -- PLOVER conflict-cooperation score
    negated            INTEGER NOT NULL DEFAULT 0,
    confidence         REAL,
    source_name        TEXT,
    source_start       INTEGER,
    source_end         INTEGER,
    source_entity      TEXT,                      -- canonical entity name
    source_entity_id   INTEGER REFERENCES entities(id) ON DELETE SET NULL,
    source_country     TEXT,                      -- ISO 3166-1 alpha-3 ('RUS'), or 'NATO', 'EU' ...
    source_sector      TEXT,
    target_name        TEXT,
    target_start       INTEGER,
    target_end         INTEGER,
    target_entity      TEXT,
    target_entity_id   INTEGER REFERENCES entities(id) ON DELETE SET NULL,
    target_country     TEXT,
    target_sector      TEXT,
    place_start        INTEGER,                   -- the places row the event is placed at
    place_end          INTEGER,
    place_name         TEXT,
    place_geonames_id  INTEGER,
    place_lat          REAL,
    place_lon          REAL,
    place_country_code TEXT,                      -- ISO 3166-1 alpha-2
    place_country_fips TEXT,                      -- FIPS 10-4, as GDELT uses
    place_admin1       TEXT,
    place_feature_code TEXT,
    date_start         INTEGER,                   -- the dates row the event is dated by
    date_end           INTEGER,
    date_value         TEXT                       -- ISO-8601 when resolved
);
CREATE INDEX IF NOT EXISTS events_article ON events(article_id);
CREATE INDEX IF NOT EXISTS events_category ON events(category);
CREATE INDEX IF NOT EXISTS events_source_entity ON events(source_entity_id);
CREATE INDEX IF NOT EXISTS events_target_entity ON events(target_entity_id);

-- One row per `nutgraf ingest` run: what was asked and what came of it.
CREATE TABLE IF NOT EXISTS runs (
    id              INTEGER PRIMARY KEY,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    sources         TEXT NOT NULL,                -- JSON list of the SOURCE arguments
    workers         INTEGER,
    counts          TEXT,                         -- JSON {ingested, unchanged, skipped, failed}
    source_errors   TEXT,                         -- JSON list of messages
    nutgraf_version TEXT NOT NULL
);

-- Full-text search over title and text (external content: the text lives once, in articles).
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;

-- Who said what, with the article it is in.
CREATE VIEW IF NOT EXISTS quotes_with_speakers AS
SELECT q.id AS quote_id, q.article_id, a.title, a.url, a.published, a.site_name,
       q.speaker, q.speaker_label, q.speaker_entity_id, q.kind, q.cue, q.text AS quote,
       q.start, q."end", q.speaker_start, q.speaker_end
FROM quotes q JOIN articles a ON a.id = q.article_id;

-- Which figure, reported by whom, in which article.
CREATE VIEW IF NOT EXISTS amounts_with_sources AS
SELECT m.id AS amount_id, m.article_id, a.title, a.url, a.published, a.site_name,
       m.source, m.source_entity_id, m.value, m.unit, m.per, m.object, m.approximate, m.vague,
       m.text AS amount, m.start, m."end", m.source_start, m.source_end
FROM amounts m JOIN articles a ON a.id = m.article_id;

-- ---------------------------------------------------------------------------------------
-- Corpus passes (schema version 2): what is known *across* articles, computed by
-- nutgraf.corpus at ingest, one article at a time, by the single writer.  Derived data:
-- rebuildable from the tables above.

-- One row per article once the corpus passes have seen it.
CREATE TABLE IF NOT EXISTS corpus_articles (
    article_id        INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    content_hash      TEXT NOT NULL,              -- sha256 (32 hex) of the normalised words of the text
    shingles          INTEGER NOT NULL,           -- distinct word 5-shingles; 0: exact copies only; -1: too short
    syndication_group INTEGER NOT NULL,           -- article id of the group's first member (own id when alone)
    original_id       INTEGER NOT NULL,           -- the group's earliest-published member
    is_original       INTEGER NOT NULL DEFAULT 0, -- 1 for that member
    similarity        REAL,                       -- Jaccard with the member it matched (NULL: matched none)
    matched_id        INTEGER,                    -- that member
    wire              TEXT,                       -- wire services cued, comma-separated ('AP,Reuters')
    wire_cues         TEXT NOT NULL DEFAULT '[]', -- JSON [{service, kind, start, end}] spans of articles.text
    day               TEXT,                       -- YYYY-MM-DD: published, else fetched
    story_id          INTEGER,                    -- stories.id
    story_score       REAL,                       -- cosine with the story when it joined (NULL: started it)
    features          TEXT NOT NULL DEFAULT '{}', -- JSON {feature: weight}: the article's story vector
    processed_at      TEXT NOT NULL,
    copy_kind         TEXT                        -- as a copy of original_id: full / trimmed / rewritten (NULL: the original)
);
CREATE INDEX IF NOT EXISTS corpus_articles_hash ON corpus_articles(content_hash);
CREATE INDEX IF NOT EXISTS corpus_articles_group ON corpus_articles(syndication_group);
CREATE INDEX IF NOT EXISTS corpus_articles_story ON corpus_articles(story_id);

-- MinHash LSH: 32 band keys per article (128 permutations, 4 rows a band), and 16 for each of
-- its lead windows (the first 80 words from its first and its second paragraph; 64
-- permutations): candidates of a new article are the articles sharing a key with it.  A store
-- made before the lead keys and corpus_articles.copy_kind gets both from the next writer's
-- corpus pass (ALTER TABLE ... ADD COLUMN, the lead keys of the articles already seen).
CREATE TABLE IF NOT EXISTS minhash_bands (
    band_key   INTEGER NOT NULL,                  -- signed 64-bit hash of (band number, its rows)
    article_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS minhash_bands_key ON minhash_bands(band_key, article_id);

-- Stories: articles about one event within a few days.
CREATE TABLE IF NOT EXISTS stories (
    id               INTEGER PRIMARY KEY,
    label            TEXT,                        -- headline of the most central member
    label_article_id INTEGER,
    first_day        TEXT,                        -- YYYY-MM-DD span of the members' days
    last_day         TEXT,
    members          INTEGER NOT NULL DEFAULT 0,
    centroid         TEXT NOT NULL DEFAULT '{}',  -- JSON {feature: summed weight}, top features
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_days ON stories(last_day, first_day);

-- Inverted index of each story's top features ('e:<registry id>', 't:<term>').
CREATE TABLE IF NOT EXISTS story_features (
    story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    feature  TEXT NOT NULL,
    weight   REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS story_features_feature ON story_features(feature, story_id);
CREATE INDEX IF NOT EXISTS story_features_story ON story_features(story_id);

-- Document frequency of every content term (tf-idf for stories).
CREATE TABLE IF NOT EXISTS term_df (
    term TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
);

-- Entity registry: one id per referent across articles.
CREATE TABLE IF NOT EXISTS entity_registry (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,                       -- fullest form seen
    label    TEXT NOT NULL,
    norm     TEXT NOT NULL,                       -- normalised name: with label, the join key
    surname  TEXT,                                -- PERSON: last word of norm
    aliases  TEXT NOT NULL DEFAULT '[]',          -- JSON list of names seen
    articles INTEGER NOT NULL DEFAULT 0,
    mentions INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS entity_registry_key ON entity_registry(norm, label);
CREATE INDEX IF NOT EXISTS entity_registry_surname ON entity_registry(surname, label);

CREATE TABLE IF NOT EXISTS entity_links (
    entity_id   INTEGER PRIMARY KEY REFERENCES entities(id) ON DELETE CASCADE,
    registry_id INTEGER NOT NULL,
    article_id  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entity_links_registry ON entity_links(registry_id);
CREATE INDEX IF NOT EXISTS entity_links_article ON entity_links(article_id);

-- Places in the registry (schema version 4): a GPE/LOC/FAC entity whose mentions resolved to
-- a GeoNames id joins the entry of that id, whatever it is called ('US', 'America', 'United
-- States' -> 6252001), and two places with one name ('Georgia' the country, the US state)
-- stay apart.
CREATE TABLE IF NOT EXISTS registry_geonames (
    geonames_id INTEGER PRIMARY KEY,
    registry_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS registry_geonames_registry ON registry_geonames(registry_id);

-- One quote reported by many: same speaker, same words (containment >= 0.8).
CREATE TABLE IF NOT EXISTS quote_clusters (
    id               INTEGER PRIMARY KEY,
    speaker_key      TEXT NOT NULL,               -- 'r:<registry id>' or 'n:<normalised name>'
    speaker_id       INTEGER,                     -- entity_registry.id
    speaker          TEXT,
    text             TEXT NOT NULL,               -- the words of the cluster's first quote
    first_quote_id   INTEGER NOT NULL,            -- earliest-published appearance
    first_article_id INTEGER NOT NULL,
    first_day        TEXT,
    members          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS quote_clusters_speaker ON quote_clusters(speaker_key);

CREATE TABLE IF NOT EXISTS quote_links (
    quote_id    INTEGER PRIMARY KEY REFERENCES quotes(id) ON DELETE CASCADE,
    cluster_id  INTEGER NOT NULL,
    article_id  INTEGER NOT NULL,
    containment REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS quote_links_cluster ON quote_links(cluster_id);

-- One figure reported by many: same value, unit and rate, same object or sentence words.
CREATE TABLE IF NOT EXISTS figure_clusters (
    id               INTEGER PRIMARY KEY,
    value            REAL NOT NULL,
    unit             TEXT NOT NULL DEFAULT '',
    per              TEXT NOT NULL DEFAULT '',
    object           TEXT NOT NULL DEFAULT '',    -- normalised
    context          TEXT NOT NULL DEFAULT '',    -- content terms of the first sentence, space-separated
    text             TEXT NOT NULL,               -- the first appearance as written
    first_amount_id  INTEGER NOT NULL,
    first_article_id INTEGER NOT NULL,
    first_day        TEXT,
    members          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS figure_clusters_key ON figure_clusters(unit, per, value);
CREATE INDEX IF NOT EXISTS figure_clusters_value ON figure_clusters(value);

CREATE TABLE IF NOT EXISTS figure_links (
    amount_id  INTEGER PRIMARY KEY REFERENCES amounts(id) ON DELETE CASCADE,
    cluster_id INTEGER NOT NULL,
    article_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS figure_links_cluster ON figure_links(cluster_id);
CREATE INDEX IF NOT EXISTS figure_links_article ON figure_links(article_id);

-- Figures for the same thing that disagree: one story, same unit and rate, overlapping
-- sentences, different values.  cluster_id < other_id.
CREATE TABLE IF NOT EXISTS figure_conflicts (
    cluster_id INTEGER NOT NULL,
    other_id   INTEGER NOT NULL,
    story_id   INTEGER,
    similarity REAL,                              -- Jaccard of their sentences' content terms
    PRIMARY KEY (cluster_id, other_id)
);
CREATE INDEX IF NOT EXISTS figure_conflicts_other ON figure_conflicts(other_id);

-- One event reported by many (nutgraf.corpus.events; added within schema version 5, created
-- when a writer opens the store, filled for earlier articles by catch_up): events (of several
-- articles, or named twice in one) with the same PLOVER category or CAMEO root, negation and
-- source referent, a compatible target, and days within 2 of every member's.  Every event is
-- a member of exactly one cluster (most have one member: filter on articles >= 2 for "reported
-- by many").
CREATE TABLE IF NOT EXISTS event_clusters (
    id             INTEGER PRIMARY KEY,
    category       TEXT NOT NULL,                 -- PLOVER category of the first member
    cameo          TEXT,                          -- its CAMEO code
    cameo_root     TEXT,                          -- first two digits: the other join key
    negated        INTEGER NOT NULL DEFAULT 0,
    source_key     TEXT,                          -- 'r:<registry id>', 'c:<country>/<sector>', 'n:<name>'
    source_name    TEXT,                          -- the representative's source (entity, else words)
    source_country TEXT,                          -- ISO 3166-1 alpha-3, as in events
    target_key     TEXT,                          -- as source_key; NULL: no member names a target
    target_name    TEXT,
    target_country TEXT,
    first_date     TEXT,                          -- YYYY-MM-DD span of the members' days (event
    last_date      TEXT,                          -- date, else the article's); NULL: undated
    articles       INTEGER NOT NULL DEFAULT 1,    -- distinct member articles
    sources        INTEGER NOT NULL DEFAULT 1,    -- independent reports: articles sharing a
                                                  -- syndication group or a site count once
    members        INTEGER NOT NULL DEFAULT 1,    -- member events
    event_id       INTEGER,                       -- representative: the earliest-published member
    story_id       INTEGER                        -- stories.id when all member articles share it
);
CREATE INDEX IF NOT EXISTS event_clusters_category ON event_clusters(category, source_key, first_date);
CREATE INDEX IF NOT EXISTS event_clusters_cameo ON event_clusters(cameo_root, source_key, first_date);
CREATE INDEX IF NOT EXISTS event_clusters_story ON event_clusters(story_id);

-- Members go with their event or article (a deleted or re-ingested document); the clusters'
-- counts are then recomputed by catch_up.
CREATE TABLE IF NOT EXISTS event_cluster_members (
    cluster_id INTEGER NOT NULL REFERENCES event_clusters(id) ON DELETE CASCADE,
    event_id   INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (cluster_id, event_id)
);
CREATE INDEX IF NOT EXISTS event_cluster_members_event ON event_cluster_members(event_id);
CREATE INDEX IF NOT EXISTS event_cluster_members_article ON event_cluster_members(article_id);
"""


# The per-document tables, in the order exports and counts list them.
FACT_TABLES = ("entities", "mentions", "quotes", "amounts", "dates", "places", "article_places", "events")
TABLES = ("captures", "articles") + FACT_TABLES

# Tables added after version 1 of the per-document tables, with the version that added them: a
# read-only open of an older store (which cannot create them) reads them as empty.
ADDED_TABLES = {"places": 4, "article_places": 4, "events": 5}


def schema_columns(table: str) -> list[tuple[str, str]]:
    """(name, declared type) of each column of ``table`` as this schema declares it."""
    return list(_declared().get(table, ()))


def _declared() -> dict[str, tuple[tuple[str, str], ...]]:
    global _DECLARED
    if _DECLARED is None:
        import sqlite3

        mem = sqlite3.connect(":memory:")
        try:
            mem.executescript(SCHEMA)
            names = [r[0] for r in mem.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            _DECLARED = {t: tuple((r[1], str(r[2])) for r in mem.execute(f'PRAGMA table_info("{t}")'))
                         for t in names}
        finally:
            mem.close()
    return _DECLARED


_DECLARED: dict[str, tuple[tuple[str, str], ...]] | None = None

"""The SQLite schema of a nutgraf store (version 1), as executed by ``store.sqlite``.

Kept as Python so it ships inside any install; the same text is what ``sqlite3 demo.db .schema``
shows.  See the README section "The store" for a tour.
"""

SCHEMA_VERSION = 1

SCHEMA = r"""
-- nutgraf store, SQLite (schema version 1).
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
    origin_kind      TEXT NOT NULL CHECK (origin_kind IN ('file', 'warc', 'jsonl')),
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
"""

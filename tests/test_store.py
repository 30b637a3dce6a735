"""The SQLite store: schema, content addressing, per-document transactions, FTS, views."""

from __future__ import annotations

import json
import sqlite3

import pytest

from nutgraf.sources.capture import Issue, Origin
from nutgraf.store import StoreError, open_store
from nutgraf.store.schema import SCHEMA_VERSION
from storehelp import make_article


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "t.db") as s:
        yield s


def fill(store, n=3):
    for i in range(n):
        c, a = make_article(i)
        store.add_article(c, a, version="0.1.0", settings_hash="abc")


def test_schema(store):
    names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    for t in ("captures", "articles", "entities", "mentions", "quotes", "amounts", "dates", "runs",
              "articles_fts", "quotes_with_speakers", "amounts_with_sources"):
        assert t in names
    assert store.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    fks = {r["table"] for r in store.conn.execute("PRAGMA foreign_key_list(quotes)")}
    assert fks == {"articles", "entities"}
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_article_and_facts_stored_with_spans(store):
    fill(store, 1)
    a = store.conn.execute("SELECT * FROM articles").fetchone()
    assert a["title"] == "Pier to reopen #0" and json.loads(a["authors"]) == ["A. Writer"]
    assert a["words"] > 10 and a["nutgraf_version"] == "0.1.0" and a["settings_hash"] == "abc"
    for m in store.conn.execute("SELECT * FROM mentions"):
        assert a["text"][m["start"]:m["end"]] == m["text"]
    q = store.conn.execute("SELECT * FROM quotes").fetchone()
    assert a["text"][q["start"]:q["end"]] == q["text"] == "We are ready,"
    assert a["text"][q["speaker_start"]:q["speaker_end"]] == "Smith"
    ent = store.conn.execute("SELECT name FROM entities WHERE id = ?", (q["speaker_entity_id"],)).fetchone()
    assert ent["name"] == "Jo Smith"
    m = store.conn.execute("SELECT * FROM amounts").fetchone()
    assert m["value"] == 1200 and m["per"] == "day" and m["source"] == "Acme Corp" and m["source_entity_id"]


def test_reingest_adds_nothing(store):
    fill(store, 3)
    before = store.counts()
    c, a = make_article(1)
    assert store.has(c.id)
    assert store.add_article(c, a, version="0.1.0", settings_hash="abc") is None
    issue = Issue(Origin("warc", "x.warc", record_id="<r>", offset=5), "skipped", "image")
    store.add_issue(issue)
    store.add_issue(issue)
    after = store.counts()
    assert after["captures"] == before["captures"] + 1
    assert {k: v for k, v in after.items() if k not in ("captures", "captures_skipped")} == \
        {k: v for k, v in before.items() if k not in ("captures", "captures_skipped")}


def test_failed_capture_can_be_retried(store):
    c, a = make_article(0)
    store.add_failure(c, "boom")
    assert store.status(c.id) == "failed"
    assert store.has(c.id) and not store.has(c.id, retry_failed=True)
    assert store.add_article(c, a, version="0.1.0", settings_hash="abc") is not None
    assert store.status(c.id) == "ok"
    assert store.conn.execute("SELECT error FROM captures").fetchone()[0] is None


def test_transaction_is_all_or_nothing(store, monkeypatch):
    c, a = make_article(0)
    a.dates[0].start = None  # violates NOT NULL on the last insert of the document
    with pytest.raises(sqlite3.IntegrityError):
        store.add_article(c, a, version="0.1.0", settings_hash="abc")
    assert store.counts()["captures"] == 0 and store.counts()["articles"] == 0
    assert store.counts()["entities"] == 0


def test_fts_search_and_filters(store):
    fill(store, 3)
    hits = store.search("pier")
    assert len(hits) == 3 and "[pier]" in hits[0]["snippet"].lower()
    assert store.search("reopen", since="2024-03-02") and len(store.search("reopen", since="2024-03-02")) == 2
    assert len(store.search("pier", until="2024-03-01")) == 1
    assert len(store.search("pier", entity="Brighton")) == 3
    assert store.search("pier", entity="Paris") == []
    assert len(store.search("pier", speaker="Smith")) == 3
    assert len(store.search("pier", site="news.example")) == 3
    assert len(store.search("U.S.")) == 0  # not FTS syntax: searched as words, no crash
    assert len(store.search("", speaker="Jo")) == 3  # filters alone


def test_views(store):
    fill(store, 2)
    rows = store.conn.execute("SELECT speaker, quote, title, url FROM quotes_with_speakers").fetchall()
    assert [r["speaker"] for r in rows] == ["Jo Smith", "Jo Smith"] and rows[0]["url"].startswith("https://")
    rows = store.conn.execute("SELECT source, value, per, object FROM amounts_with_sources").fetchall()
    assert rows[0]["source"] == "Acme Corp" and rows[0]["value"] == 1200


def test_readonly_errors(tmp_path):
    with pytest.raises(StoreError):
        open_store(tmp_path / "missing.db", readonly=True)
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not sqlite" * 100)
    with pytest.raises(StoreError):
        open_store(bad)
    with pytest.raises(StoreError, match="PostgreSQL"):
        open_store("postgresql://localhost/news")

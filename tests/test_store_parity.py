"""One store over two dialects: SQLiteStore and PostgresStore are one implementation
(``store.base.SQLStore``) apart from connection, transactions, schema, ids and full-text
search, offer the same methods (the ``Store`` protocol), and both run ``then=`` inside the
document's transaction.  The PostgreSQL half runs on the server tests/conftest.py starts."""

from __future__ import annotations

import inspect

import pytest

from nutgraf.store import PostgresStore, SQLiteStore, SQLStore, Store, open_store
from nutgraf.store.dialect import POSTGRES, SQLITE, PgConnection, pg_sql, wrap
from nutgraf.store.filters import search_filters
from storehelp import make_article

# What a backend may define itself; everything else is the shared class's.
BACKEND = {"close", "transaction", "column_types"}


def _public(cls: type) -> set[str]:
    return {n for n, _ in inspect.getmembers(cls, callable) if not n.startswith("_")}


def test_both_stores_expose_the_same_public_methods():
    assert _public(SQLiteStore) == _public(PostgresStore)
    protocol = {n for n in vars(Store) if not n.startswith("_") and callable(getattr(Store, n))}
    assert protocol <= _public(SQLiteStore)


def test_backends_define_only_connection_schema_and_search():
    for cls in (SQLiteStore, PostgresStore):
        own = {n for n, v in vars(cls).items() if callable(v) and not n.startswith("_")}
        assert own <= BACKEND, (cls.__name__, own - BACKEND)
        assert issubclass(cls, SQLStore)
    shared = ("add_article", "add_issue", "add_failure", "start_run", "finish_run", "search", "iter_articles",
              "rows", "corpus_fields", "counts", "has", "status")
    for name in shared:
        assert getattr(SQLiteStore, name) is getattr(PostgresStore, name) is getattr(SQLStore, name)


def test_insert_spellings():
    assert SQLITE.insert("captures", ("id", "end"), ignore=True) == 'INSERT OR IGNORE INTO captures ("id", "end") VALUES (?,?)'
    assert POSTGRES.insert("captures", ("id", "end"), ignore=True) == \
        'INSERT INTO captures ("id", "end") VALUES (?,?) ON CONFLICT DO NOTHING'
    assert SQLITE.insert("meta", ("key", "value"), key="key").startswith("INSERT OR REPLACE INTO meta")
    assert POSTGRES.insert("meta", ("key", "value"), key="key").endswith(
        'ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"')
    assert SQLITE.insert("runs", ("workers",), returning="id") == 'INSERT INTO runs ("workers") VALUES (?)'
    assert POSTGRES.insert("runs", ("workers",), returning="id").endswith(' RETURNING "id"')
    assert POSTGRES.sql("SELECT '?', 'a%' WHERE x = ?") == "SELECT '?', 'a%%' WHERE x = %s" == \
        pg_sql("SELECT '?', 'a%' WHERE x = ?")
    assert SQLITE.sql("SELECT ?") == "SELECT ?"
    assert SQLITE.among("a.id", [3, 4]) == ("a.id IN (?,?)", [3, 4])
    assert POSTGRES.among("a.id", (3, 4)) == ("a.id = ANY(?)", [[3, 4]])


def test_filters_take_the_dialects_like():
    lite, _ = search_filters(site="bbc")
    pg, args = search_filters(site="bbc", dialect=POSTGRES)
    assert "LIKE ?" in lite[0] and "ILIKE" not in lite[0]
    assert "ILIKE ?" in pg[0] and args == ["%bbc%", "%bbc%"]
    assert search_filters(site="bbc", dialect=POSTGRES, mark="%s")[0][0].count("%s") == 2


def test_wrap_keeps_a_wrapped_connection():
    class Raw:
        pass

    raw = Raw()
    con = wrap(raw)
    assert isinstance(con, PgConnection) and con.raw is raw and wrap(con) is con


# --------------------------------------------------------------------------- both backends


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "p.db")
    return request.getfixturevalue("pg_url")


def test_open_store_returns_a_store(store_url):
    with open_store(store_url) as store:
        assert isinstance(store, Store)
        assert store.dialect is (POSTGRES if store_url.startswith("postgres") else SQLITE)


def test_then_runs_inside_the_documents_transaction(store_url):
    seen = []

    def then(con, article_id):
        # the same ``?`` statements on both: the article is visible inside its transaction
        title = con.execute("SELECT title FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
        seen.append((article_id, title))

    with open_store(store_url) as store:
        c, a = make_article(0)
        aid = store.add_article(c, a, version="0.1.0", settings_hash="abc", then=then)
        assert seen == [(aid, a.title)]
        assert store.add_article(c, a, version="0.1.0", settings_hash="abc", then=then) is None
        assert len(seen) == 1  # not called for a capture already stored


def test_then_failing_rolls_the_document_back(store_url):
    def then(con, article_id):
        raise RuntimeError("corpus pass broke")

    with open_store(store_url) as store:
        c, a = make_article(1)
        with pytest.raises(RuntimeError):
            store.add_article(c, a, version="0.1.0", settings_hash="abc", then=then)
        counts = store.counts()
        assert counts["captures"] == counts["articles"] == counts["entities"] == 0
        assert store.add_article(c, a, version="0.1.0", settings_hash="abc") is not None


def test_same_answers_on_both(store_url):
    with open_store(store_url) as store:
        ids = [store.add_article(*make_article(i), version="0.1.0", settings_hash="abc") for i in range(3)]
        run = store.start_run(["x"], 1, "0.1.0")
        store.finish_run(run, {"ingested": 3}, [])
        assert store.article_ids() == ids
        counts = store.counts()
        assert (counts["articles"], counts["entities"], counts["mentions"], counts["quotes"]) == (3, 9, 12, 3)
        records = list(store.iter_articles(batch=2))
        assert [r["title"] for r in records] == ["Pier to reopen #0", "Pier to reopen #1", "Pier to reopen #2"]
        assert records[0]["quotes"][0]["speaker"] == "Jo Smith"
        assert [h["title"] for h in store.search("pier", site="EXAMPLE")][:1]
        assert [h["id"] for h in store.search(None, since="2024-03-02")] == [ids[2], ids[1]]
        cols = store.columns("entities")
        assert [r[cols.index("name")] for r in store.rows("entities")][:3] == ["Jo Smith", "Brighton", "Acme Corp"]
        assert store.corpus_fields() == {}
        with pytest.raises(ValueError):
            store.rows("no_such_table")

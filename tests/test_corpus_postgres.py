"""The corpus passes on PostgreSQL (tests/conftest.py starts a server; skipped without one):
the same corpus ingested into SQLite and into PostgreSQL gives the same syndication groups,
stories, registry and quote/figure clusters; ``catch_up`` and ``nutgraf stories``/``trace``
work there too.  Results are compared by article URL, not by id: ids are each store's own."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import nutgraf
import test_stories
import test_trace
from corpushelp import SITE_FOOTER, UNRELATED, WIRE, make, store_all, wrap_template
from nutgraf import corpus
from nutgraf.cli import main
from nutgraf.corpus import sql
from nutgraf.model import Article
from nutgraf.run import local
from nutgraf.store import open_store

# --------------------------------------------------------------------------- the corpus


class _Recorder:
    """Stands in for a store to collect the articles a test module's ``build`` stores, in its
    order (the corpus passes do not run on it: ``corpus.supported`` is False)."""

    def __init__(self) -> None:
        self.articles: list[Article] = []

    def add_article(self, capture: Any, article: Article, **_: Any) -> int:
        self.articles.append(article)
        return len(self.articles)


def _built_by(build: Any) -> list[Article]:
    rec = _Recorder()
    build(rec)
    return rec.articles


def _copies() -> list[Article]:
    """Near-duplicates and syndication, as in test_dedup: one wire text under two sites'
    templates, lightly edited copies, copies published at different times (one undated),
    articles bridging two texts, a site's unrelated pages sharing a footer, empty pages."""
    pages = [wrap_template(WIRE, "Russians flee call-up to Kazakhstan", "Daily Planet"),
             wrap_template(WIRE, "Kazakhstan opens its doors to fleeing Russians", "Morning Herald")]
    out = [nutgraf.extract(p, url=f"https://site{i}.example/story") for i, p in enumerate(pages)]
    out[0].published, out[1].published = "2024-03-04T08:00:00Z", "2024-03-04T10:00:00Z"
    paras = WIRE.split("\n\n")
    variants = [WIRE.replace("local reporters said", "according to reporters from the regional newspaper"),
                "\n\n".join(paras[:3] + paras[4:]),
                WIRE + "\n\n(Reporting by Olzhas Auyezov in Almaty; Editing by Mark Heinrich) (Reuters)",
                WIRE.replace("Thousands of Russian men", "Tens of thousands of Russian men of fighting age")]
    out += [make(t, title=f"Headline {i}", published="2024-03-04", url="") for i, t in enumerate(variants)]
    times = ["2024-03-04T12:00:00+00:00", "2024-03-04T09:00:00+02:00", None]
    out += [make(WIRE, title=f"v{i}", published=p, url="") for i, p in enumerate(times)]
    out += [make("\n\n".join(paras[:3]) + "\n\n" + UNRELATED[0], title="a", published=None, url=""),
            make(UNRELATED[1] + "\n\n" + "\n\n".join(paras[2:]), title="b", published=None, url="")]
    out += [make(t + "\n\n" + SITE_FOOTER, title=f"Local {i}", published="2024-03-04", url="", site="Valley News")
            for i, t in enumerate(UNRELATED)]
    out += [make("Page not found.", title="404", published=None, url="", site="Valley News") for _ in range(2)]
    return out


def corpus_articles() -> list[Article]:
    """The SQLite corpus tests' articles in one corpus, each with a URL of its own."""
    arts = _built_by(test_stories.build) + _built_by(test_trace.build) + _copies()
    arts = [copy.deepcopy(a) for a in arts]
    for k, a in enumerate(arts):
        a.url = f"https://corpus.example/{k}"
    return arts


# --------------------------------------------------------------------------- ingest, both stores


def ingest_corpus(db: str | Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> local.IngestStats:
    """``nutgraf ingest`` of one file per article (the writer's path: on SQLite the passes run
    in each article's transaction, on PostgreSQL after it), extraction replaced by the corpus."""
    arts = corpus_articles()
    folder.mkdir(exist_ok=True)
    for k in range(len(arts)):
        (folder / f"{k:03d}.html").write_text(f"<html><body><article><p>page {k}</p></article></body></html>")

    def fake_process(captures: list[Any], text_group: bool = False) -> list[local.Outcome]:
        return [local.Outcome(c.id, arts[int(Path(c.origin.path).stem)], None) for c in captures]

    with monkeypatch.context() as m:
        m.setattr(local, "process", fake_process)
        return local.ingest([str(folder)], db, workers=1)


def _q(store: Any, query: str) -> list[tuple]:
    return [tuple(r) for r in sql.connect(store).execute(query).fetchall()]


def _partition(rows: list[tuple]) -> set[frozenset]:
    """(member, key) rows -> the set of members sharing each key."""
    groups: dict[Any, set] = {}
    for member, key in rows:
        groups.setdefault(key, set()).add(member)
    return {frozenset(g) for g in groups.values()}


def _registry_names(store: Any) -> dict[int, tuple[str, str]]:
    return {r[0]: (r[1], r[2]) for r in _q(store, "SELECT id, norm, label FROM entity_registry")}


def _features(store: Any, text: str) -> dict[str, float]:
    """An article's story vector with registry ids read as (norm, label)."""
    names = _registry_names(store)
    return {(f"e:{names[int(k[2:])]}" if k.startswith("e:") else k): v for k, v in json.loads(text).items()}


def results(store: Any) -> dict[str, Any]:
    """Everything the corpus passes decided, in terms of URLs, names and texts."""
    url = dict(_q(store, "SELECT id, url FROM articles"))
    names = _registry_names(store)
    per_article = {
        url[r[0]]: (url[r[1]], url[r[2]], r[3], url.get(r[4]), r[5], r[6], r[7], r[8], r[9], r[10], r[11],
                    _features(store, r[12]))
        for r in _q(store, "SELECT article_id, syndication_group, original_id, is_original, matched_id, similarity,"
                           " content_hash, shingles, wire, wire_cues, day, story_score, features FROM corpus_articles")}
    members = _partition([(url[a], s) for a, s in _q(store, "SELECT article_id, story_id FROM corpus_articles")])
    by_member = {m: group for group in members for m in group}
    stories = {by_member[r[0]]: (r[1], r[2], r[3], r[4], r[5], _features(store, r[6])) for r in _q(
        store, "SELECT c.url, s.label, a.url, s.first_day, s.last_day, s.members, s.centroid FROM stories s"
               " JOIN articles a ON a.id = s.label_article_id"
               " JOIN articles c ON c.id = (SELECT min(article_id) FROM corpus_articles WHERE story_id = s.id)")}
    referents = {(r[0], r[1], r[2], tuple(sorted(json.loads(r[3]))), r[4], r[5]) for r in _q(
        store, "SELECT name, label, norm, aliases, articles, mentions FROM entity_registry")}
    links = {(url[r[0]], r[1], r[2], names[r[3]]) for r in _q(
        store, "SELECT e.article_id, e.name, e.label, l.registry_id FROM entities e JOIN entity_links l"
               " ON l.entity_id = e.id")}
    quotes = _partition(_q(store, "SELECT a.url || ' ' || q.text, l.cluster_id FROM quotes q"
                                  " JOIN quote_links l ON l.quote_id = q.id JOIN articles a ON a.id = q.article_id"))
    figures = _partition(_q(store, "SELECT a.url || ' ' || m.text, l.cluster_id FROM amounts m"
                                   " JOIN figure_links l ON l.amount_id = m.id JOIN articles a ON a.id = m.article_id"))
    return {
        "articles": per_article,
        "syndication": _partition([(url[a], g) for a, g in _q(
            store, "SELECT article_id, syndication_group FROM corpus_articles")]),
        "stories": stories,
        "referents": referents,
        "links": links,
        "quote_clusters": (quotes, sorted(r[0] for r in _q(store, "SELECT members FROM quote_clusters"))),
        "figure_clusters": (figures, sorted(r[0] for r in _q(store, "SELECT members FROM figure_clusters"))),
        "conflicts": _q(store, "SELECT count(*) FROM figure_conflicts")[0][0],
        "term_df": set(_q(store, "SELECT term, df FROM term_df")),
        "docs": _q(store, "SELECT value FROM meta WHERE key = 'corpus_docs'"),
    }


@pytest.fixture
def both(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """The corpus ingested into a SQLite file and into the PostgreSQL database."""
    lite = tmp_path / "c.db"
    for db in (lite, pg_url):
        stats = ingest_corpus(db, tmp_path / "pages", monkeypatch)
        assert stats.ingested == len(corpus_articles()) and stats.source_errors == []
    return lite, pg_url


def test_postgres_store_runs_the_passes(pg_url):
    with open_store(pg_url) as store:
        assert corpus.supported(store)
    with open_store(pg_url, readonly=True) as store:
        assert not corpus.supported(store) and corpus.pending(store) == []


def test_same_results_as_sqlite(both):
    lite, pg = both
    with open_store(lite) as ls, open_store(pg) as ps:
        expected, found = results(ls), results(ps)
        assert corpus.pending(ps) == []
    for key in expected:
        assert found[key] == expected[key], key
    # and the corpus is one that exercises every pass
    assert any(len(g) >= 5 for g in expected["syndication"])
    assert max(v[4] for v in expected["stories"].values()) >= 3
    assert max(expected["quote_clusters"][1]) >= 3 and expected["conflicts"] >= 1
    assert any(r[0] == "Vladimir Putin" and "Putin" in r[3] for r in expected["referents"])


def test_readers_same_as_sqlite(both):
    """``list_stories``, ``group_members``, ``registry.lookup`` and ``trace`` through the adapter."""
    from nutgraf.corpus import dedup, registry, stories, travel

    lite, pg = both
    with open_store(lite, readonly=True) as ls, open_store(pg, readonly=True) as ps:
        a, b = sql.connect(ls), sql.connect(ps)
        assert stories.list_stories(b) == stories.list_stories(a)
        for s in stories.list_stories(a, min_members=2):
            assert stories.story_members(b, s["id"]) == stories.story_members(a, s["id"])
        for group in {r[0] for r in a.execute("SELECT syndication_group FROM corpus_articles")}:
            assert dedup.group_members(b, group) == dedup.group_members(a, group)
        for name in ("Putin", "Tokayev", "Johnson", "Kazakhstan", "nobody at all"):
            assert registry.lookup(b, name) == registry.lookup(a, name)
        for query in ("98,000", "100,000 attended", test_trace.Q, "zebra crossing"):
            assert travel.trace(b, query) == travel.trace(a, query)
        assert travel.conflicts(b) == travel.conflicts(a)


def test_cli_stories_and_trace(both):
    lite, pg = both

    def run(*args: str, db: str) -> Any:
        result = CliRunner().invoke(main, [*args, "--db", db])
        assert result.exit_code == 0, (result.output, result.exception)
        return result.output

    for args in (("stories",), ("stories", "--format", "json", "--min-members", "2"),
                 ("trace", "98,000"), ("trace", test_trace.Q, "--format", "json")):
        assert run(*args, db=pg) == run(*args, db=str(lite))
    text = run("trace", "98,000", db=pg)
    assert "CONFLICT" in text and "2022-09-27" in text
    missing = CliRunner().invoke(main, ["trace", "zebra crossing in the rain", "--db", pg])
    assert missing.exit_code == 1


def test_cli_on_postgres_without_corpus_tables(pg_url):
    """A database whose corpus tables are gone (made before them): a message, not a traceback."""
    import psycopg

    open_store(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("DROP TABLE corpus_articles CASCADE")
    for args in (["stories"], ["trace", "98,000"]):
        result = CliRunner().invoke(main, [*args, "--db", pg_url])
        assert result.exit_code == 1 and "made by an older nutgraf" in result.output
        assert not isinstance(result.exception, psycopg.Error)


def test_catch_up_on_postgres(pg_url, tmp_path):
    arts = corpus_articles()
    with open_store(tmp_path / "c.db") as ls:
        store_all(ls, arts)
        expected = results(ls)
    with open_store(pg_url) as ps:
        ids = store_all(ps, corpus_articles(), passes=False)
        assert corpus.pending(ps) == ids
        assert corpus.catch_up(ps) == len(ids)
        assert corpus.pending(ps) == [] and corpus.catch_up(ps) == 0
        assert corpus.update(ps, ids[0]) is None  # already done
        found = results(ps)
    for key in expected:
        assert found[key] == expected[key], key


def test_a_failing_pass_leaves_the_article_pending(pg_url, monkeypatch):
    """On PostgreSQL the passes commit after the article, in a transaction of their own: when
    one fails, nothing of them is kept, and the article waits for ``catch_up``."""
    from nutgraf.corpus import travel

    arts = corpus_articles()[:3]
    with open_store(pg_url) as ps:
        store_all(ps, arts[:1])
        monkeypatch.setattr(travel, "link_figures", lambda *a, **k: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            store_all(ps, arts[1:2])
        assert len(corpus.pending(ps)) == 1
        assert _q(ps, "SELECT count(*) FROM corpus_articles")[0][0] == 1
        monkeypatch.undo()
        assert corpus.catch_up(ps) == 1 and corpus.pending(ps) == []


def test_pg_sql():
    assert sql.pg_sql("SELECT a FROM t WHERE b = ? AND c IN (?, ?)") == "SELECT a FROM t WHERE b = %s AND c IN (%s, %s)"
    # a literal '%' is doubled (psycopg reads it everywhere); a '?' inside a string is text
    assert sql.pg_sql("SELECT '?', 'it''s 5%' WHERE x LIKE ?") == "SELECT '?', 'it''s 5%%' WHERE x LIKE %s"



def test_sqlite_connection_is_not_wrapped(tmp_path):
    with open_store(tmp_path / "c.db") as store:
        assert sql.connect(store) is store.conn  # ingest's hot path: no layer in between
        with store.transaction() as con:
            assert sql.wrap(con) is con

"""``ingest``: mixed sources into a store, idempotent re-runs, per-site text cleaning, the
process pool, and resuming after the run was killed with SIGKILL."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nutgraf.extract.text import clean_site
from nutgraf.run.local import ingest, settings_hash
from nutgraf.store import open_store
from test_sources import write_warc

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PAGES = sorted((SAMPLES / "scrapinghub").glob("*.html.gz"))

SITE_TEXTS = [
    "Harbour news: pier {i}\n\nBy Jo Writer\n\nThe Porttown Gazette | Subscribe for 1 pound a week\n\n"
    "The pier number {i} will reopen on Friday after two years of repairs, the council said.\n\n"
    "Engineers replaced {i} rotten beams and the whole deck, according to the contractor.\n\n"
    "More from the Porttown Gazette: weather, tides and traffic\n".format(i=i)
    for i in range(3)
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    for p in PAGES[:3]:
        shutil.copy(p, root / p.name)
    site = root / "gazette"
    site.mkdir()
    for i, t in enumerate(SITE_TEXTS):
        (site / f"{i}.txt").write_text(t, encoding="utf-8")
    write_warc(root / "crawl.warc.gz", n=2)
    lines = [json.dumps({"url": "https://j.example/1", "html": gzip.decompress(PAGES[5].read_bytes()).decode("utf-8", "replace"),
                         "title": "JSONL title"}),
             "{broken",
             json.dumps({"url": "https://j.example/2", "text": "A headline\n\nA paragraph that is the body."})]
    (root / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


# 3 html + 3 txt + 3 WARC documents (2 + 1 gzip-encoded) + 2 JSONL documents
DOCS = 3 + 3 + 3 + 2


def test_ingest_mixed_sources_and_rerun(corpus, tmp_path):
    db = tmp_path / "n.db"
    stats = ingest([str(corpus)], db, workers=1)
    assert stats.counts() == {"ingested": DOCS, "unchanged": 0, "skipped": 2, "failed": 1}
    assert stats.source_errors == []
    assert ("failed", next(r for s, r in stats.reasons if s == "failed")) in stats.reasons
    with open_store(db) as store:
        c = store.counts()
        assert c["articles"] == DOCS and c["captures"] == DOCS + 3 and c["captures_failed"] == 1
        bad = store.conn.execute("SELECT * FROM captures WHERE status='failed'").fetchone()
        assert bad["origin_kind"] == "jsonl" and bad["origin_line"] == 2 and "JSON" in bad["error"]
        urls = {r[0] for r in store.conn.execute("SELECT url FROM articles WHERE url IS NOT NULL")}
        assert {"https://news.example/0", "https://news.example/gz", "https://j.example/1"} <= urls
        # a JSONL title is a hint only: the page's own title wins when there is one
        assert store.conn.execute("SELECT title FROM articles WHERE url='https://j.example/1'").fetchone()[0]
        # the .txt of one folder went through clean_site together
        texts = [r[0] for r in store.conn.execute(
            "SELECT a.text FROM articles a JOIN captures c ON c.id = a.capture_id"
            " WHERE c.origin_path LIKE '%gazette%' ORDER BY c.origin_path")]
        assert texts == [a.text for a in clean_site(SITE_TEXTS)]
        modes = {r[0] for r in store.conn.execute("SELECT DISTINCT settings_hash FROM articles")}
        assert modes == {settings_hash("html"), settings_hash("text-site")}
        assert c["entities"] > 0 and c["quotes"] > 0
        n_runs = store.conn.execute("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL").fetchone()[0]
        assert n_runs == 1
    again = ingest([str(corpus)], db, workers=1)
    assert again.counts() == {"ingested": 0, "unchanged": DOCS + 3, "skipped": 0, "failed": 0}
    with open_store(db) as store:
        assert store.counts() == c | {}


def test_pool_gives_the_same_articles(corpus, tmp_path):
    one, two = tmp_path / "1.db", tmp_path / "2.db"
    ingest([str(corpus)], one, workers=1)
    stats = ingest([str(corpus)], two, workers=2)
    assert stats.counts() == {"ingested": DOCS, "unchanged": 0, "skipped": 2, "failed": 1}
    q = ("SELECT a.capture_id, a.title, a.text, (SELECT count(*) FROM quotes q WHERE q.article_id = a.id),"
         " (SELECT count(*) FROM mentions m WHERE m.article_id = a.id) FROM articles a ORDER BY a.capture_id")
    with open_store(one) as s1, open_store(two) as s2:
        assert s1.conn.execute(q).fetchall() == s2.conn.execute(q).fetchall()


def test_truncated_source_keeps_what_came_before(tmp_path):
    warc = tmp_path / "w.warc.gz"
    write_warc(warc, n=5, extra=False)
    data = warc.read_bytes()
    warc.write_bytes(data[: int(len(data) * 0.7)])
    stats = ingest([str(warc)], tmp_path / "t.db", workers=1)
    assert len(stats.source_errors) == 1 and "truncated" in str(stats.source_errors[0])
    assert 0 < stats.ingested < 5 and stats.failed == 0


def _count(db: Path, sql: str) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_resume_after_kill_9(tmp_path):
    src = tmp_path / "pages"
    src.mkdir()
    for p in PAGES[:12]:
        shutil.copy(p, src / p.name)
    db = tmp_path / "r.db"
    cmd = [sys.executable, "-m", "nutgraf", "ingest", str(src), "--db", str(db), "--workers", "1"]
    env = dict(os.environ, NUTGRAF_INGEST_WRITE_DELAY="0.3")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    stored = _count(db, "SELECT count(*) FROM articles")
                except sqlite3.OperationalError:
                    stored = 0
                if stored >= 3:
                    break
            time.sleep(0.05)
        assert proc.poll() is None, f"ingest ended before it could be killed: {proc.stderr.read()!r}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    kept = _count(db, "SELECT count(*) FROM captures")
    assert 3 <= kept < 12
    # whole documents only: every capture has its article, every article its capture
    assert _count(db, "SELECT count(*) FROM articles") == kept
    assert _count(db, "SELECT count(*) FROM captures c LEFT JOIN articles a ON a.capture_id = c.id"
                      " WHERE a.id IS NULL") == 0

    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{12 - kept} ingested, {kept} unchanged, 0 skipped, 0 failed" in done.stderr
    assert _count(db, "SELECT count(*) FROM captures") == 12
    assert _count(db, "SELECT count(*) FROM articles") == 12
    assert _count(db, "SELECT count(DISTINCT capture_id) FROM articles") == 12
    assert _count(db, "SELECT count(*) FROM (SELECT origin_path FROM captures GROUP BY 1 HAVING count(*) > 1)") == 0
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()

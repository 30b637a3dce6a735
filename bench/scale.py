"""Scale: how nutgraf's ingest cost grows with the corpus (issue 18).

    .venv/bin/python bench/scale.py [--sizes 1000,10000] [--chunk 1000] [--workers 2] [--data DIR]

Builds N synthetic-but-realistic news articles from real pages and ingests them into one
fresh SQLite store, ``--chunk`` articles at a time (as a daily crawl would arrive), with the
real CLI (``nutgraf ingest CHUNK.jsonl --db DB --workers W``, one subprocess per chunk).  After
each chunk it records:

- **articles/s** of that chunk by the ingest's own clock (start-up excluded), so a slope over
  the run shows what the corpus passes (syndication bands, stories, the entity registry, quote,
  figure and event clusters, FTS) cost as the store grows;
- **peak RSS** of the writer (the ingest process) and of its largest worker, sampled every
  0.2 s with psutil;
- **database size** per article;
- **search** latency (p50/p95 over 20 queries, ``store.search`` as the CLI runs it) and
  **article page** latency (p95 over 20 random articles, the web app's ``/article/{id}``).

The articles: the ScrapingHub pages (``DIR/extraction/scrapinghub/html``, extracted once) and
the PolNeAR texts (``DIR/quotes/polnear``), about 1,100 articles; each synthetic article takes
the opening paragraph of one (its lead) and a window of that article's body, a paragraph or two
of another, and a local paragraph of its own, is dated within a year (seeded), and comes from
one of 40 hosts.  One in twenty is a copy of an earlier article on another host a day later, one
in twenty a trimmed copy (its first paragraphs and a local one), so syndication groups and
stories form as in real news.  Text records (``{"url", "title", "text", "published"}``): HTML
extraction is a constant per page, measured by bench/throughput.py; here the corpus side is.
Each chunk's rate is also given per CPU-second of the ingest and its workers (the machine is
shared: that is the figure other load does not move, and the one the bar is read on).

The bar (issue 18): at 10k articles the last chunk's articles/s is at least 90% of the first
chunk's, writer RSS under 1 GB, search p95 under 50 ms.  Writes ``bench/results/scale.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

HOSTS = [f"news{i:02d}.example.com" for i in range(40)]
QUERIES = ["president", "government", "police", "company", "market", "election", "court", "minister",
           "percent", "million", "city", "war", "health", "school", "energy", "price", "report",
           "officials", "China", "United States"]


# --------------------------------------------------------------------------- the articles

def base_articles(data: Path) -> list[dict]:
    """Title and paragraphs of each source article: the ScrapingHub pages (extracted once) and
    the PolNeAR texts (already clean; first line the title).  Cached beside the results.  About
    1,100 articles: with the ScrapingHub pages alone (172) every lead came back some sixty times
    in 10,000 articles, and the corpus passes then merged those as partial copies of one
    another, which real news does not do at that rate."""
    cache = ROOT / "bench" / "results" / "scale_base.json"
    if cache.exists():
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if isinstance(cached, dict) and cached.get("version") == BASE_VERSION:
            return cached["articles"]
    out = _scrapinghub_bases(data) + _polnear_bases(data)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"version": BASE_VERSION, "articles": out}), encoding="utf-8")
    return out


BASE_VERSION = 2  # the cache's layout and sources


def _usable(title: str | None, paras: list[str]) -> dict | None:
    paras = [x.strip() for x in paras if len(x.split()) >= 8]
    return {"title": title.strip(), "paragraphs": paras} if title and title.strip() and len(paras) >= 3 else None


def _scrapinghub_bases(data: Path) -> list[dict]:
    import nutgraf

    pages = sorted((data / "extraction" / "scrapinghub" / "html").glob("*.html.gz"))
    if not pages:
        raise SystemExit(f"no pages in {data / 'extraction/scrapinghub/html'}")
    out = []
    for p in pages:
        try:
            a = nutgraf.extract(gzip.decompress(p.read_bytes()))
        except Exception:  # noqa: BLE001 - a page that does not extract is left out
            continue
        base = _usable(a.title, a.text.split("\n\n"))
        if base:
            out.append(base)
    return out


def _polnear_bases(data: Path) -> list[dict]:
    out = []
    for path in sorted((data / "quotes" / "polnear").glob("*/text/*.txt")):
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n\n")
        base = _usable(lines[0], lines[1:]) if lines else None
        if base:
            out.append(base)
    return out


class Generator:
    """The i-th synthetic article, the same for every run (seeded per article)."""

    def __init__(self, bases: list[dict], days: int = 365) -> None:
        self.bases = bases
        self.days = days
        self.made: list[dict] = []

    def article(self, i: int) -> dict:
        rng = random.Random(i * 7919 + 13)
        kind = rng.random()
        if i > 50 and kind < 0.10:  # a copy of an earlier article, a day later, on another host
            orig = self.made[rng.randrange(max(0, i - 500), i)]
            day = date.fromisoformat(orig["published"]) + timedelta(days=1)
            host = rng.choice([h for h in HOSTS if h not in orig["url"]])
            paras = orig["text"].split("\n\n")
            if kind < 0.05:  # trimmed: the top of the story and a local paragraph
                paras = paras[:max(2, len(paras) // 3)] + [self.local(rng, i, host)]
            else:  # whole, with the outlet's credit line (a text copy is never byte-identical)
                paras = paras + [f"This story was published by {host.split('.')[0]} with permission."]
            art = {"url": f"https://{host}/{day:%Y/%m/%d}/story-{i}", "title": orig["title"],
                   "text": "\n\n".join(paras), "published": day.isoformat()}
        else:
            # one story: the lead's opening paragraph, a window of its body from anywhere, a
            # paragraph or two of another article (background), a local paragraph
            lead = self.bases[rng.randrange(len(self.bases))]
            other = self.bases[rng.randrange(len(self.bases))]
            host = rng.choice(HOSTS)
            day = date(2025, 1, 1) + timedelta(days=rng.randrange(self.days))
            body = lead["paragraphs"][1:]
            start = rng.randrange(len(body))
            window = body[start:start + rng.randint(2, 10)]
            extra = other["paragraphs"][rng.randrange(len(other["paragraphs"])):][:rng.randint(1, 2)]
            paras = lead["paragraphs"][:1] + window[:1] + extra + window[1:] + [self.local(rng, i, host)]
            art = {"url": f"https://{host}/{day:%Y/%m/%d}/story-{i}", "title": f"{lead['title']} ({i})",
                   "text": "\n\n".join(paras), "published": day.isoformat()}
        self.made.append(art)
        return art

    @staticmethod
    def local(rng: random.Random, i: int, host: str) -> str:
        words = ["council", "residents", "meeting", "budget", "school", "road", "police", "weekend",
                 "district", "festival", "library", "bridge", "hospital", "market", "volunteers"]
        picked = " ".join(rng.choice(words) for _ in range(12))
        return (f"Reporting for {host.split('.')[0]}, article {i}: local readers asked about the {picked}. "
                f"More on this story as it develops.")


# --------------------------------------------------------------------------- measuring

class RssSampler(threading.Thread):
    """Peak RSS of a process (the writer) and of its largest child (a worker)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process(pid)
        self.writer = self.worker = 0
        self.writer_cpu = 0.0  # the writer's own CPU seconds (the corpus passes run there), last sample
        self.done = threading.Event()

    def run(self) -> None:
        import psutil

        while not self.done.is_set():
            try:
                self.writer = max(self.writer, self.proc.memory_info().rss)
                times = self.proc.cpu_times()
                self.writer_cpu = times.user + times.system
                for c in self.proc.children(recursive=True):
                    try:
                        self.worker = max(self.worker, c.memory_info().rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                return
            self.done.wait(0.2)


def ingest_chunk(chunk: Path, db: Path, workers: int) -> dict:
    cmd = [sys.executable, "-m", "nutgraf", "ingest", str(chunk), "--db", str(db), "--workers", str(workers)]
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = RssSampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    sampler.done.set()
    sampler.join()
    wall = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    m = re.search(r"(\d+) ingested, (\d+) unchanged, (\d+) skipped, (\d+) failed in ([\d.]+)s", err)
    if not m:
        raise SystemExit(f"cannot read the ingest summary:\n{err[-2000:]}")
    ingested, unchanged, skipped, failed, work = m.groups()
    return {"ingested": int(ingested), "unchanged": int(unchanged), "failed": int(failed), "work_s": float(work),
            "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "writer_cpu_s": round(sampler.writer_cpu, 2), "writer_rss_mb": round(sampler.writer / 2**20, 1),
            "worker_rss_mb": round(sampler.worker / 2**20, 1)}


def _children_cpu() -> float:
    """User + system CPU seconds of every finished child process and its own waited-for
    children (the ingest and its workers): the machine is shared, so the per-CPU-second rate
    is the figure that other load does not move (start-up, a constant per chunk, included)."""
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def latencies(db: Path, rng: random.Random) -> dict:
    from fastapi.testclient import TestClient

    from nutgraf.store import open_store
    from nutgraf.web.app import create_app

    search_ms = []
    with open_store(db, readonly=True) as store:
        ids = store.article_ids()
        for q in QUERIES:
            t0 = time.perf_counter()
            store.search(q, limit=20)
            search_ms.append((time.perf_counter() - t0) * 1000)
    page_ms = []
    with TestClient(create_app(str(db))) as client:
        for aid in rng.sample(ids, min(20, len(ids))):
            t0 = time.perf_counter()
            r = client.get(f"/article/{aid}")
            page_ms.append((time.perf_counter() - t0) * 1000)
            if r.status_code != 200:
                raise SystemExit(f"/article/{aid}: HTTP {r.status_code}")
    return {"search_p50_ms": round(statistics.median(search_ms), 2), "search_p95_ms": round(_p95(search_ms), 2),
            "article_p95_ms": round(_p95(page_ms), 2)}


def corpus_shape(db: Path) -> dict:
    """How many copies and stories the corpus passes found: the synthetic corpus is meant to
    give both, as real news does."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        row = con.execute(
            "SELECT count(*), count(DISTINCT syndication_group), count(DISTINCT story_id) FROM corpus_articles"
        ).fetchone()
        grouped = con.execute(
            "SELECT count(*) FROM (SELECT syndication_group FROM corpus_articles WHERE syndication_group IS NOT NULL"
            " GROUP BY syndication_group HAVING count(*) > 1)").fetchone()[0]
    finally:
        con.close()
    return {"articles_seen": row[0], "syndication_groups": row[1], "groups_with_copies": grouped, "stories": row[2]}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


# --------------------------------------------------------------------------- the driver

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--sizes", default="1000,10000", help="store sizes to report at (the largest is built)")
    ap.add_argument("--chunk", type=int, default=1000, help="articles per ingest run")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="keep the store at this path")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scale.json")
    args = ap.parse_args()

    sizes = sorted(int(s) for s in args.sizes.split(","))
    total = sizes[-1]
    gen = Generator(base_articles(args.data))
    work = Path(tempfile.mkdtemp(prefix="nutgraf-scale-"))
    db = work / "scale.db"
    rng = random.Random(5)
    rows = []
    try:
        done = 0
        while done < total:
            n = min(args.chunk, total - done)
            chunk = work / f"chunk-{done:07d}.jsonl"
            with open(chunk, "w", encoding="utf-8") as fh:
                for i in range(done, done + n):
                    fh.write(json.dumps(gen.article(i)) + "\n")
            r = ingest_chunk(chunk, db, args.workers)
            chunk.unlink()
            done += n
            r["articles_total"] = done
            r["articles_per_s"] = round(n / r["work_s"], 2) if r["work_s"] else None
            r["articles_per_cpu_s"] = round(n / r["cpu_s"], 3) if r["cpu_s"] else None
            r["db_kb_per_article"] = round(db.stat().st_size / 1024 / done, 1)
            r.update(latencies(db, rng))
            rows.append(r)
            print(f"{done:7d} articles ({r['ingested']} new, {r['failed']} failed): {r['articles_per_s']:6.2f}/s ({r['articles_per_cpu_s']:.2f}/CPU-s) this chunk, writer {r['writer_rss_mb']:.0f} MB,"
                  f" worker {r['worker_rss_mb']:.0f} MB, {r['db_kb_per_article']:.0f} KB/article, search p95 "
                  f"{r['search_p95_ms']:.1f} ms, article p95 {r['article_p95_ms']:.1f} ms", file=sys.stderr)
        shape = corpus_shape(db)
        if args.keep:
            shutil.copy(db, args.keep)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    first, last = rows[0], rows[-1]
    result = {
        "sizes": sizes, "chunk": args.chunk, "workers": args.workers,
        "articles": "synthetic from the ScrapingHub pages and PolNeAR texts (a lead's opening and a window of "
                    "its body + another article's paragraphs + a local one, 10% copies of which half trimmed), "
                    "text records",
        "last_vs_first_chunk": round(last["articles_per_s"] / first["articles_per_s"], 3),
        # the bar is read per CPU-second: on a shared machine the wall-clock rate moves with
        # whatever else runs, the CPU the ingest spent does not
        "last_vs_first_chunk_per_cpu_s": round(last["articles_per_cpu_s"] / first["articles_per_cpu_s"], 3),
        "bar_last_ge_0.9_first": last["articles_per_cpu_s"] >= 0.9 * first["articles_per_cpu_s"],
        "bar_writer_rss_lt_1gb": max(r["writer_rss_mb"] for r in rows) < 1024,
        "bar_search_p95_lt_50ms": last["search_p95_ms"] < 50,
        "corpus": shape,
        "at": {str(s): next((r for r in rows if r["articles_total"] >= s), None) for s in sizes},
        "chunks": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nlast chunk / first chunk articles per CPU-second: {result['last_vs_first_chunk_per_cpu_s']:.2f}"
          f" (wall-clock {result['last_vs_first_chunk']:.2f}; bar >= 0.90: "
          f"{'met' if result['bar_last_ge_0.9_first'] else 'NOT met'}); writer RSS max "
          f"{max(r['writer_rss_mb'] for r in rows):.0f} MB; search p95 at {total}: {last['search_p95_ms']:.1f} ms",
          file=sys.stderr)
    print(f"corpus: {shape}", file=sys.stderr)
    print(f"-> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

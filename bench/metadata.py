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

Every figure is printed for the whole set and for its tuning and check halves (``bench/halves.py``,
by url); ``--show`` lists misses on the tuning half only.  htmldate (the date library trafilatura
uses) runs beside trafilatura as a second date anchor.

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

sys.path.insert(0, str(ROOT / "bench"))
from halves import HALVES, half  # noqa: E402


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


def run_htmldate(html: str, url: str) -> dict:
    """htmldate alone, as trafilatura calls it for the original publication date: a date anchor."""
    from htmldate import find_date

    return {"date": find_date(html, url=url, original_date=True)}


# the fields each tool is scored on (htmldate gives dates only)
TOOL_FIELDS = {"nutgraf": tuple(NORM), "trafilatura": tuple(NORM), "htmldate": ("date",)}
SPLITS = ("all", *HALVES)


def _counts() -> dict:
    return {"hits": {f: 0 for f in NORM}, "totals": {f: 0 for f in NORM}, "invented": 0, "invented_strict": 0,
            "no_author": 0, "no_author_strict": 0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages")
    ap.add_argument("--show", choices=["title", "author", "date", "invented"],
                    help="print nutgraf's misses on the tuning half (the check half is not for reading)")
    ap.add_argument("--no-anchor", action="store_true", help="skip trafilatura and htmldate (faster iteration)")
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
        tools["htmldate"] = run_htmldate
    counts = {t: {s: _counts() for s in SPLITS} for t in tools}
    pages = {s: 0 for s in SPLITS}
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
        absent = gnorm["author"] is None
        strict = g.get("author") is not None and absent
        splits = ("all", half(url))
        for s in splits:
            pages[s] += 1
        for t, fn in tools.items():
            t0 = time.perf_counter()
            try:
                out = fn(html, url)
            except Exception as e:  # the anchors may fail on a page; nutgraf must not
                if t == "nutgraf":
                    raise
                print(f"{t} failed on {url}: {e!r}", file=sys.stderr)
                out = {}
            times[t].append((time.perf_counter() - t0) * 1000)
            for s in splits:
                c = counts[t][s]
                for f in TOOL_FIELDS[t]:
                    if gnorm[f] is not None:
                        c["totals"][f] += 1
                        c["hits"][f] += NORM[f](out.get(f)) == gnorm[f]
                if "author" in TOOL_FIELDS[t]:
                    c["no_author"] += absent
                    c["no_author_strict"] += strict
                    if absent and NORM["author"](out.get("author")):
                        c["invented"] += 1
                        c["invented_strict"] += strict
            if t == "nutgraf" and args.show and half(url) == "tune":
                f = args.show
                if f == "invented":
                    if absent and NORM["author"](out.get("author")):
                        misses.append((url, g.get("file"), None, out.get("author")))
                elif gnorm[f] is not None and NORM[f](out.get(f)) != gnorm[f]:
                    misses.append((url, g.get("file"), g.get(f), out.get(f)))

    for m in misses:
        print(f"MISS {m[0]}  {m[1]}\n   gold={m[2]!r}\n   got ={m[3]!r}")

    results = {"pages": pages, "halves": "bench/halves.py half(url)", "tools": {}}
    print(f"\ntrafilatura-eval metadata, {len(items)} pages (exact match after normalisation); "
          f"tune {pages['tune']} / check {pages['check']} pages by bench/halves.py\n")
    head = (f"{'half':<6} {'tool':<12} {'title':>7} {'author':>7} {'date':>7} {'invented':>16} "
            f"{'invented(strict)':>17} {'ms/page med':>12}")
    print(head)
    print("-" * len(head))
    for s in SPLITS:
        for t in tools:
            c = counts[t][s]
            row = {f: (c["hits"][f] / c["totals"][f] if c["totals"][f] else None) for f in NORM}
            row["gold_pages"] = dict(c["totals"])
            if "author" in TOOL_FIELDS[t]:
                row["invented_author"] = c["invented"] / c["no_author"] if c["no_author"] else None
                row["invented_author_strict"] = (c["invented_strict"] / c["no_author_strict"]
                                                 if c["no_author_strict"] else None)
                row["invented_author_count"] = c["invented"]
            if s == "all":
                row["ms_median"] = statistics.median(times[t])
                row["ms_mean"] = statistics.fmean(times[t])
            results["tools"].setdefault(t, {})[s] = row
            cell = lambda v: f"{v:>7.3f}" if v is not None and row["gold_pages"] else f"{'-':>7}"  # noqa: E731
            inv = (f"{c['invented']:>5}/{c['no_author']:<4} {row['invented_author']:>5.2f} "
                   f"{c['invented_strict']:>5}/{c['no_author_strict']:<4} {row['invented_author_strict']:>5.2f}"
                   if "author" in TOOL_FIELDS[t] else f"{'-':>16} {'-':>17}")
            ms = f"{row['ms_median']:>12.2f}" if s == "all" else ""
            print(f"{s:<6} {t:<12} {cell(row['title'])} {cell(row['author'])} {cell(row['date'])} {inv} {ms}")
    if META_ONLY_MS:
        nut = results["tools"]["nutgraf"]["all"]
        nut["ms_metadata_only_median"] = statistics.median(META_ONLY_MS)
        nut["ms_metadata_only_p95"] = sorted(META_ONLY_MS)[int(0.95 * (len(META_ONLY_MS) - 1))]
        print(f"\nnutgraf extract_metadata alone (tree already parsed): median "
              f"{nut['ms_metadata_only_median']:.2f} ms, p95 {nut['ms_metadata_only_p95']:.2f} ms"
              " (ms/page above includes parsing for every tool)")
    tot = counts["nutgraf"]["all"]["totals"]
    print(f"\ngold pages: title {tot['title']}, author {tot['author']}, date {tot['date']}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0

if __name__ == "__main__":
    raise SystemExit(main())

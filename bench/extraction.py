"""Main-text extraction: nutgraf beside trafilatura, readability-lxml and resiliparse, one run.

    python bench/extraction.py --data ../shared/data [--sets scrapinghub,trafilatura] [--tools ...]

ScrapingHub (181 pages): the benchmark's own metric (BENCHMARKS.md §1): 4-gram shingles of
``\\w+`` tokens, per-page TP/FP/FN normalised by the page's total, precision averaged over
pages with a prediction, recall over pages with gold, F1 of the two means.

trafilatura's evaluation set (699 pages): its own snippet metric: a "with" snippet found in
the output is a true positive (else a false negative), a "without" snippet found is a false
positive.  Title/author/date exact match lives in bench/metadata.py.

Every tool gets the same decoded string; time is wall-clock per page, one process.  For the
speed goal (nutgraf/trafilatura CPU time, each leg in its own process, both halves) run
bench/extract_speed.py.
Figures go to bench/results/extraction.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from nutgraf.extract.decode import decode_html  # noqa: E402

_TOKEN = re.compile(r"\w+", re.UNICODE)


# --- the ScrapingHub metric -------------------------------------------------------------


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    grams = (" ".join(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def shingle_match(true: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0
    for key in t.keys() | p.keys():
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def prf(triples: list[tuple[float, float, float]]) -> dict[str, float]:
    precisions = [tp / (tp + fp) for tp, fp, fn in triples if tp + fp > 0]
    recalls = [tp / (tp + fn) for tp, fp, fn in triples if tp + fn > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"f1": f1, "precision": p, "recall": r}


# --- the tools --------------------------------------------------------------------------


def tool_nutgraf() -> Callable[[str, str], str]:
    import nutgraf

    return lambda html, url: nutgraf.extract(html, url=url, content_type="text/html").text


def tool_trafilatura(precision: bool) -> Callable[[str, str], str]:
    import trafilatura

    def run(html: str, url: str) -> str:
        return trafilatura.extract(html, url=url, favor_precision=precision) or ""

    return run


def tool_readability() -> Callable[[str, str], str]:
    import lxml.html
    from readability import Document

    def run(html: str, url: str) -> str:
        summary = Document(html).summary(html_partial=True)
        return lxml.html.fromstring(summary).text_content() if summary.strip() else ""

    return run


def tool_resiliparse() -> Callable[[str, str], str]:
    from resiliparse.extract.html2text import extract_plain_text

    return lambda html, url: extract_plain_text(html, main_content=True)


TOOLS: dict[str, Callable[[], Callable[[str, str], str]]] = {
    "nutgraf": tool_nutgraf,
    "trafilatura": lambda: tool_trafilatura(False),
    "trafilatura-precision": lambda: tool_trafilatura(True),
    "readability-lxml": tool_readability,
    "resiliparse": tool_resiliparse,
}


def run_tool(fn: Callable[[str, str], str], html: str, url: str) -> tuple[str, float]:
    t0 = time.perf_counter()
    try:
        out = fn(html, url)
    except Exception as exc:  # an anchor crashing on a page counts as an empty answer
        out = ""
        print(f"  ! {exc.__class__.__name__}: {exc}"[:200], file=sys.stderr)
    return out, time.perf_counter() - t0


# --- the data sets ----------------------------------------------------------------------


def load_scrapinghub(data: Path) -> list[dict]:
    base = data / "extraction" / "scrapinghub"
    gold = json.loads((base / "ground-truth.json").read_text())
    pages = []
    for pid in sorted(gold):
        raw = gzip.open(base / "html" / f"{pid}.html.gz").read()
        pages.append({"id": pid, "url": gold[pid]["url"], "html": decode_html(raw).text,
                      "gold": gold[pid]["articleBody"]})
    return pages


def trafilatura_raw_pages(data: Path):
    """(url, gold item, raw bytes) for each page of trafilatura's evaluation set."""
    base = data / "extraction" / "trafilatura-eval"
    gold = json.loads((base / "evaldata.json").read_text())
    for url, item in gold.items():
        path = base / "pages" / item["file"]
        if not path.exists():
            path = base / "pages" / (item["file"] + ".gz")
        if not path.exists():
            continue
        yield url, item, gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes()


def load_trafilatura(data: Path) -> list[dict]:
    return [{"id": item["file"], "url": url, "html": decode_html(raw).text,
             "with": item.get("with", []), "without": item.get("without", [])}
            for url, item, raw in trafilatura_raw_pages(data)]


def score_snippets(pages: list[dict], outputs: list[str]) -> dict[str, float]:
    tp = fp = fn = tn = 0
    for page, out in zip(pages, outputs):
        text = " ".join(out.split())
        for s in page["with"]:
            if " ".join(s.split()) in text:
                tp += 1
            else:
                fn += 1
        for s in page["without"]:
            if " ".join(s.split()) in text:
                fp += 1
            else:
                tn += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r,
            "accuracy": (tp + tn) / (tp + tn + fp + fn) if tp + tn + fp + fn else 0.0}


def bench(pages: list[dict], tools: list[str], scorer: str) -> dict[str, dict]:
    results: dict[str, dict] = {}
    for name in tools:
        fn = TOOLS[name]()
        fn(pages[0]["html"], pages[0]["url"])  # warm-up: imports, lazy tables
        outputs, times = [], []
        for page in pages:
            out, secs = run_tool(fn, page["html"], page["url"])
            outputs.append(out)
            times.append(secs)
        if scorer == "shingles":
            scores = prf([shingle_match(p["gold"], o) for p, o in zip(pages, outputs)])
        else:
            scores = score_snippets(pages, outputs)
        scores.update(ms_median=1000 * statistics.median(times), s_total=sum(times),
                      empty=sum(1 for o in outputs if not o.strip()))
        results[name] = scores
        results[name]["_outputs"] = outputs
    return results


def print_table(title: str, results: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"{'tool':24} {'F1':>6} {'P':>6} {'R':>6} {'ms/page':>8} {'total s':>8} {'empty':>6}")
    base = results.get("trafilatura", {}).get("s_total")
    for name, r in results.items():
        ratio = f"  ({r['s_total'] / base:.2f}x trafilatura time)" if base and name != "trafilatura" else ""
        print(f"{name:24} {r['f1']:6.3f} {r['precision']:6.3f} {r['recall']:6.3f} "
              f"{r['ms_median']:8.1f} {r['s_total']:8.2f} {r['empty']:6d}{ratio}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--sets", default="scrapinghub,trafilatura")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extraction.json")
    ap.add_argument("--dump", type=Path, help="write nutgraf's per-page scores here (for error analysis)")
    args = ap.parse_args()
    tools = [t for t in args.tools.split(",") if t]
    figures: dict[str, dict] = {}
    import nutgraf

    if "scrapinghub" in args.sets:
        pages = load_scrapinghub(args.data)
        res = bench(pages, tools, "shingles")
        print_table(f"ScrapingHub ({len(pages)} pages): shingle F1 / P / R", res)
        if args.dump and "nutgraf" in res:
            rows = []
            for p, o in zip(pages, res["nutgraf"]["_outputs"]):
                tp, fp, fn = shingle_match(p["gold"], o)
                rows.append({"id": p["id"], "url": p["url"], "tp": tp, "fp": fp, "fn": fn})
            args.dump.write_text(json.dumps(sorted(rows, key=lambda r: r["tp"]), indent=1))
        figures["scrapinghub"] = {k: {m: v for m, v in r.items() if m != "_outputs"} for k, r in res.items()}
    if "trafilatura" in args.sets:
        pages = load_trafilatura(args.data)
        res = bench(pages, tools, "snippets")
        print_table(f"trafilatura eval set ({len(pages)} pages): snippet F1 / P / R", res)
        figures["trafilatura-eval"] = {k: {m: v for m, v in r.items() if m != "_outputs"} for k, r in res.items()}
    figures["nutgraf_version"] = nutgraf.__version__
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2))
    print(f"\nfigures written to {args.out}")


if __name__ == "__main__":
    main()

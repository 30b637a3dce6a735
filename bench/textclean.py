"""Plain-text cleaning: nutgraf beside the baselines of BENCHMARKS.md §2, one run.

    python bench/textclean.py --data ../shared/data [--sets scrapinghub,trafilatura,seed]

Every HTML page is first flattened to the whole page's text with
``html_text.extract_text(html)`` (one block per line), as a text scrape would arrive; each
method then gets that same string.

ScrapingHub (181 pages): BENCHMARKS.md §1's shingle metric against the same ground truth.
Methods: keep everything; the C4 line rule (keep lines of >= 3 words ending in . ! ? or
a closing quote); jusText and trafilatura on the lines wrapped in ``<p>``; nutgraf.

trafilatura's evaluation set (multilingual, 699 pages): its snippet metric, nutgraf
beside the C4 rule, so a German or French body deleted by the cleaner shows up as lost
recall.  Also broken down by the page's language where ``html lang`` says it, and by
halves (even- and odd-indexed pages): tune on one, confirm on the other (``--split``).

Seed (``data/seed/*.txt`` with ``.gold.json``): every ``boilerplate_excluded`` span gone,
every body paragraph (the lines holding the gold quotes and amounts, and every other
long line above the first furniture section) kept verbatim, and the first line as title.

Figures go to bench/results/textclean.json.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(BENCH))

from extraction import prf, score_snippets, shingle_match, trafilatura_raw_pages  # noqa: E402

from nutgraf.extract.decode import decode_html  # noqa: E402


# --- the methods --------------------------------------------------------------------------

_C4_END = re.compile(r"[.!?][\"'”’»)]*$|[\"”’»]$")


def keep_all(text: str) -> str:
    return text


def c4_rule(text: str) -> str:
    out = []
    for line in text.splitlines():
        s = line.strip()
        if len(s.split()) >= 3 and _C4_END.search(s):
            out.append(s)
    return "\n".join(out)


def _wrap(text: str) -> str:
    paras = "".join(f"<p>{html.escape(line.strip())}</p>\n" for line in text.splitlines() if line.strip())
    return f"<html><body>\n{paras}</body></html>"


def tool_justext() -> Callable[[str], str]:
    import justext

    stop = justext.get_stoplist("English")

    def run(text: str) -> str:
        if not text.strip():
            return ""
        paras = justext.justext(_wrap(text), stop)
        return "\n".join(p.text for p in paras if not p.is_boilerplate)

    return run


def tool_trafilatura() -> Callable[[str], str]:
    import trafilatura

    return lambda text: trafilatura.extract(_wrap(text)) or ""


def tool_nutgraf() -> Callable[[str], str]:
    import nutgraf

    return lambda text: nutgraf.extract(text, content_type="text/plain").text


METHODS: dict[str, Callable[[], Callable[[str], str]]] = {
    "keep all": lambda: keep_all,
    "C4 rule": lambda: c4_rule,
    "jusText <p>": tool_justext,
    "trafilatura <p>": tool_trafilatura,
    "nutgraf": tool_nutgraf,
}


# --- data ---------------------------------------------------------------------------------


def _render(raw: bytes) -> tuple[str, str | None]:
    import html_text

    page = decode_html(raw).text
    m = re.search(r"<html[^>]*\blang\s*=\s*[\"']?([a-zA-Z]{2})", page[:5000], re.I)
    return html_text.extract_text(page), (m.group(1).lower() if m else None)


def load_scrapinghub(data: Path) -> list[dict]:
    base = data / "extraction" / "scrapinghub"
    gold = json.loads((base / "ground-truth.json").read_text())
    pages = []
    for pid in sorted(gold):
        text, _ = _render(gzip.open(base / "html" / f"{pid}.html.gz").read())
        pages.append({"id": pid, "url": gold[pid]["url"], "text": text, "gold": gold[pid]["articleBody"]})
    return pages


def load_trafilatura(data: Path) -> list[dict]:
    pages = []
    for url, item, raw in trafilatura_raw_pages(data):
        text, lang = _render(raw)
        pages.append({"id": item["file"], "url": url, "text": text, "lang": lang,
                      "with": item.get("with", []), "without": item.get("without", [])})
    return pages


# --- runs ---------------------------------------------------------------------------------


def run_method(fn: Callable[[str], str], pages: list[dict]) -> tuple[list[str], list[float]]:
    fn(pages[0]["text"])  # warm-up: imports, lazy tables
    outputs, times = [], []
    for page in pages:
        t0 = time.perf_counter()
        try:
            out = fn(page["text"])
        except Exception as exc:  # a baseline crashing on a page counts as an empty answer
            out = ""
            print(f"  ! {exc.__class__.__name__}: {exc}"[:200], file=sys.stderr)
        times.append(time.perf_counter() - t0)
        outputs.append(out)
    return outputs, times


def print_table(title: str, results: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"{'method':18} {'F1':>6} {'P':>6} {'R':>6} {'ms/page':>8} {'empty':>6}")
    for name, r in results.items():
        print(f"{name:18} {r['f1']:6.3f} {r['precision']:6.3f} {r['recall']:6.3f} {r['ms_median']:8.2f} {r['empty']:6d}")


def bench_scrapinghub(data: Path, methods: list[str], dump: Path | None) -> dict:
    pages = load_scrapinghub(data)
    results = {}
    for name in methods:
        outputs, times = run_method(METHODS[name](), pages)
        triples = [shingle_match(p["gold"], o) for p, o in zip(pages, outputs)]
        results[name] = prf(triples)
        results[name].update(ms_median=1000 * statistics.median(times), empty=sum(not o.strip() for o in outputs))
        if name == "nutgraf" and dump:
            rows = [{"id": p["id"], "url": p["url"], "tp": t[0], "fp": t[1], "fn": t[2]}
                    for p, t in zip(pages, triples)]
            dump.write_text(json.dumps(sorted(rows, key=lambda r: r["tp"]), indent=1))
    print_table(f"ScrapingHub as text ({len(pages)} pages, html_text): shingle F1 / P / R", results)
    return results


def bench_trafilatura(data: Path, split: str = "all") -> dict:
    """``split``: "even" or "odd" scores only the pages at even or odd positions of the
    set (tune on one half, confirm on the other); "all" scores every page and reports
    both halves beside the whole."""
    pages = load_trafilatura(data)
    if split in ("even", "odd"):
        pages = pages[0 if split == "even" else 1 :: 2]
    results = {}
    halves: dict[str, dict] = {}
    by_lang: dict[str, dict] = {}
    for name in ("C4 rule", "nutgraf"):
        outputs, times = run_method(METHODS[name](), pages)
        results[name] = score_snippets(pages, outputs)
        results[name].update(ms_median=1000 * statistics.median(times), empty=sum(not o.strip() for o in outputs))
        if split == "all":
            for half, at in (("even", 0), ("odd", 1)):
                score = score_snippets(pages[at::2], outputs[at::2])
                score["empty"] = sum(not o.strip() for o in outputs[at::2])
                halves.setdefault(half, {})[name] = score
        for lang in ("de", "fr"):
            sel = [i for i, p in enumerate(pages) if p["lang"] == lang]
            if sel:
                score = score_snippets([pages[i] for i in sel], [outputs[i] for i in sel])
                score["pages"] = len(sel)
                score["empty"] = sum(not outputs[i].strip() for i in sel)
                by_lang.setdefault(lang, {})[name] = score
    label = "" if split == "all" else f", {split}-indexed pages"
    print_table(f"trafilatura eval set as text ({len(pages)} pages{label}): snippet F1 / P / R", results)
    for half, rows in halves.items():
        print(f"  {half:4} pages: " + "; ".join(
            f"{n} F1 {r['f1']:.3f} P {r['precision']:.3f} R {r['recall']:.3f} empty {r['empty']}" for n, r in rows.items()))
    for lang, rows in by_lang.items():
        print(f"  lang={lang}: " + "; ".join(
            f"{n} F1 {r['f1']:.3f} P {r['precision']:.3f} R {r['recall']:.3f} empty {r['empty']}/{r['pages']}"
            for n, r in rows.items()))
    results["by_language"] = by_lang
    if halves:
        results["by_half"] = halves
    results["split"] = split
    return results


def bench_seed(data: Path) -> dict:
    import nutgraf

    out = {}
    for txt in sorted((data / "seed").glob("*.txt")):
        gold = json.loads(txt.with_suffix(".gold.json").read_text())
        raw = txt.read_text(encoding="utf-8")
        article = nutgraf.extract(raw, content_type="text/plain")
        lines = raw.splitlines()
        # every span the gold marks as boilerplate must be gone
        # (judged by the line holding the span: a word like "exodus" may also be in the body)
        leaked = []
        for b in gold.get("boilerplate_excluded", []):
            a = raw.rfind("\n", 0, b["span"]["start"]) + 1
            e = raw.find("\n", b["span"]["end"])
            line = raw[a : e if e >= 0 else len(raw)].strip()
            if line in article.text.split("\n\n"):
                leaked.append(line)
        # body paragraphs: lines holding a gold quote or amount, plus every long line
        # ending a sentence above the first boilerplate span
        first_bp = min((b["span"]["start"] for b in gold.get("boilerplate_excluded", [])), default=len(raw))
        spans = [q["content"] for q in gold.get("quotes", [])] + [a["span"] for a in gold.get("amounts", [])]
        body: set[str] = set()
        pos = 0
        for line in raw.split("\n"):
            s, e = pos, pos + len(line)
            pos = e + 1
            if any(s <= sp["start"] < e for sp in spans) or (
                e <= first_bp and len(line.split()) >= 12 and line.rstrip()[-1:] in ".!?”\""):
                body.add(line.strip())
        kept = set(article.text.split("\n\n"))
        missing = sorted(b for b in body if b not in kept)
        extra = sorted(p for p in kept if p and p not in body)
        title_ok = article.title == lines[0].strip()
        res = {"furniture_leaked": leaked, "body_paragraphs": len(body), "body_missing": missing,
               "kept_not_body": extra, "title": article.title, "title_ok": title_ok,
               "authors": article.authors, "published": article.published,
               "perfect": not leaked and not missing and not extra and title_ok}
        out[txt.stem] = res
        print(f"\nseed {txt.stem}: furniture leaked {len(leaked)}/{len(gold.get('boilerplate_excluded', []))}, "
              f"body kept {len(body) - len(missing)}/{len(body)}, extra kept {len(extra)}, "
              f"title {'ok' if title_ok else 'WRONG: ' + repr(article.title)} -> {'PERFECT' if res['perfect'] else 'not perfect'}")
        for s in leaked + missing + extra:
            print("   ", s[:100])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--sets", default="scrapinghub,trafilatura,seed")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--out", type=Path, default=BENCH / "results" / "textclean.json")
    ap.add_argument("--split", choices=("all", "even", "odd"), default="all",
                    help="trafilatura set: score the even- or odd-indexed pages only (default: all, with both halves)")
    ap.add_argument("--dump", type=Path, help="write nutgraf's per-page ScrapingHub scores here")
    args = ap.parse_args()
    import nutgraf

    figures: dict[str, object] = {}
    if "scrapinghub" in args.sets:
        figures["scrapinghub_as_text"] = bench_scrapinghub(args.data, [m for m in args.methods.split(",") if m], args.dump)
    if "trafilatura" in args.sets:
        figures["trafilatura_eval_as_text"] = bench_trafilatura(args.data, args.split)
    if "seed" in args.sets:
        figures["seed"] = bench_seed(args.data)
    figures["nutgraf_version"] = nutgraf.__version__
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    print(f"\nfigures written to {args.out}")


if __name__ == "__main__":
    main()

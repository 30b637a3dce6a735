"""Parse parity: do the facts pass's size limits change any fact on the benchmark sets?

    .venv/bin/python bench/parse_parity.py [--data DIR] [--sets seed,polnear,newsquant,scrapinghub,demo]

Each text is analysed twice in the same run: once as ingest does it (``nlp.parse``: texts past
``PIECE_CHARS`` parsed in pieces, runs of ``MAX_SENT_TOKENS`` tokens with no sentence end given
a boundary), once with ``nlp.unbounded()`` (one parse per text, no cap: the path before the
limits).  Every fact (entities with their mentions, quotes, amounts, dates, places, events) is
compared one for one.  Comparing the two paths in one run, rather than against stored results,
keeps changes made meanwhile to the passes themselves out of the difference.

Sets (under DIR, default ../shared/data): the seed article (``seed/*.txt``), PolNeAR texts
(``quotes/polnear/*/text``), NewsQuant sentences (``amounts/newsquant``), the ScrapingHub pages
(``extraction/scrapinghub/html``, extracted) and the demo samples (``samples/``).  Writes
``bench/results/parse_parity.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

FACTS = ("entities", "quotes", "amounts", "dates", "places", "events")


def texts(data: Path, name: str) -> Iterator[tuple[str, str]]:
    """``(id, text)`` of one set's documents."""
    import nutgraf

    if name == "seed":
        for p in sorted((data / "seed").glob("*.txt")) + sorted((ROOT / "samples" / "seed").glob("*.txt")):
            yield p.name, p.read_text(encoding="utf-8")
    elif name == "polnear":
        for p in sorted((data / "quotes" / "polnear").glob("*/text/*.txt")):
            yield p.name, p.read_text(encoding="utf-8")
    elif name == "newsquant":
        for path in sorted((data / "amounts" / "newsquant").glob("*.json")):
            for i, item in enumerate(json.loads(path.read_text(encoding="utf-8"))):
                yield f"{path.name}#{i}", item["text"]
    elif name in ("scrapinghub", "demo"):
        folder = data / "extraction" / "scrapinghub" / "html" if name == "scrapinghub" else ROOT / "samples"
        for p in sorted(folder.rglob("*.html.gz")):
            try:
                yield p.name, nutgraf.extract(gzip.decompress(p.read_bytes())).text
            except Exception:  # noqa: BLE001 - a page that does not extract has no facts to compare
                continue
    else:
        raise SystemExit(f"unknown set {name!r}")


def facts(text: str) -> dict[str, list]:
    """The article's facts as plain data (warnings left out: they say which path ran)."""
    from nutgraf.facts import add_facts, clean_article

    article = add_facts(clean_article(text))
    return {k: [f.to_dict() for f in getattr(article, k)] for k in FACTS}


def compare(data: Path, sets: list[str]) -> dict:
    from nutgraf.facts import nlp

    out = {}
    for name in sets:
        docs = same = 0
        differing: list[dict] = []
        cpu_bounded = cpu_unbounded = 0.0
        for doc_id, text in texts(data, name):
            t = time.process_time()
            bounded = facts(text)
            cpu_bounded += time.process_time() - t
            t = time.process_time()
            with nlp.unbounded():
                whole = facts(text)
            cpu_unbounded += time.process_time() - t
            docs += 1
            if bounded == whole:
                same += 1
                continue
            differing.append({"id": doc_id, "chars": len(text), "facts": {
                k: {"bounded": len(bounded[k]), "unbounded": len(whole[k]),
                    "only_bounded": sum(1 for f in bounded[k] if f not in whole[k]),
                    "only_unbounded": sum(1 for f in whole[k] if f not in bounded[k])}
                for k in FACTS if bounded[k] != whole[k]}})
        out[name] = {"documents": docs, "identical": same, "differing": differing,
                     "cpu_s_bounded": round(cpu_bounded, 1), "cpu_s_unbounded": round(cpu_unbounded, 1)}
        print(f"{name:12s} {same}/{docs} documents with identical facts"
              f" (CPU {cpu_bounded:.1f} s bounded, {cpu_unbounded:.1f} s unbounded)", file=sys.stderr)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--sets", default="seed,polnear,newsquant,scrapinghub,demo")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "parse_parity.json")
    args = ap.parse_args()
    from nutgraf.facts import nlp

    with nlp.blas_threads(1):
        result = compare(args.data, [s.strip() for s in args.sets.split(",") if s.strip()])
    result = {"limits": {"max_chars": nlp.MAX_CHARS, "piece_chars": nlp.PIECE_CHARS,
                         "max_sent_tokens": nlp.MAX_SENT_TOKENS}, "sets": result}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"-> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

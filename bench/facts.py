"""The whole facts pass: the seed article end to end, and words per second per core.

    .venv/bin/python bench/facts.py [--data ../shared/data] [--limit N]

Seed (``DIR/seed/000_bcbe3f4cab7c9581.txt`` and its gold): the three bars of the facts
issue in one table, through the public API as a user calls it
(``nutgraf.analyze(raw, content_type="text/plain")``):
- exactly one PERSON entity for Vladimir Putin, covering both spellings the text uses
  ('Vladimir Putin' and the typo 'Vladimr Putin') — checked here;
- quote+speaker F1 — scored by ``bench/quotes.py``'s seed scorer;
- amounts value+source F1 — scored by ``bench/amounts.py``'s seed scorer.

Speed: the ScrapingHub pages' extracted article texts (181, ../shared/data/extraction),
one process, so the figures are per core:
- spaCy alone (``nlp.pipe`` over the texts, all components of the pinned model), and
- the whole facts pass (``add_facts_many``: the same parse plus entities, quotes, amounts,
  dates), both in words per second.

Writes ``bench/results/facts.json``.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import nutgraf  # noqa: E402
from nutgraf.facts import add_facts_many, nlp  # noqa: E402
from nutgraf.model import Article  # noqa: E402

SEED = "000_bcbe3f4cab7c9581"


def _bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def putin_check(data: Path) -> dict:
    raw = (data / "seed" / f"{SEED}.txt").read_text(encoding="utf-8")
    article = nutgraf.analyze(raw, content_type="text/plain")
    people = [e for e in article.entities if e.label == "PERSON"
              and any(a.split()[-1] in ("Putin", "Putin’s") for a in e.aliases)]
    spans = [article.text[s:e] for p in people for s, e in p.mentions]
    ok = (len(people) == 1 and "Vladimir Putin" in spans and any("Vladimr" in s for s in spans))
    return {"putin_entities": len(people), "canonical": people[0].name if people else None,
            "mentions": spans, "ok": ok,
            "entities": len(article.entities), "quotes": len(article.quotes),
            "amounts": len(article.amounts), "dates": len(article.dates)}


def speed(data: Path, limit: int | None) -> dict:
    base = data / "extraction" / "scrapinghub" / "html"
    texts = []
    for path in sorted(base.glob("*.html.gz"))[:limit]:
        article = nutgraf.extract(gzip.open(path).read())
        if article.text:
            texts.append(article.text)
    words = sum(len(t.split()) for t in texts)
    nlp.load()
    list(nlp.parse_many(texts[:5]))  # warm up
    t0 = time.perf_counter()
    for _ in nlp.parse_many(texts):
        pass
    spacy_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in add_facts_many(Article(text=t) for t in texts):
        pass
    facts_s = time.perf_counter() - t0
    return {"documents": len(texts), "words": words,
            "spacy_words_per_s": round(words / spacy_s), "facts_words_per_s": round(words / facts_s),
            "facts_overhead": round(facts_s / spacy_s - 1, 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages for speed")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "facts.json")
    args = ap.parse_args()

    putin = putin_check(args.data)
    quotes_seed, _ = _bench_module("quotes").run_seed(args.data, 0)
    amounts_seed = _bench_module("amounts").run_seed(args.data)
    perf = speed(args.data, args.limit)

    print("seed article, end to end (nutgraf.analyze):")
    print(f"  Putin: {putin['putin_entities']} PERSON entity '{putin['canonical']}', mentions "
          f"{sorted(set(putin['mentions']))} -> {'ok' if putin['ok'] else 'FAIL'}")
    print(f"  quote+speaker F1 {quotes_seed['quote_speaker_f1']:.3f} "
          f"(content F1 {quotes_seed['content_f1']:.3f}, {quotes_seed['speaker_correct']}/"
          f"{quotes_seed['matched']} speakers right, {quotes_seed['gold']} gold)   bar 0.8")
    vs = amounts_seed["value+source"]["F1"]
    print(f"  amounts value+source F1 {vs:.3f} (value F1 {amounts_seed['value']['F1']:.3f}; "
          f"excluded spans emitted: {len(amounts_seed['excluded_emitted'])})   bar 0.8")
    print()
    print(f"speed, one process ({perf['documents']} ScrapingHub articles, {perf['words']} words):")
    print(f"  spaCy alone      {perf['spacy_words_per_s']:>7} words/s")
    print(f"  whole facts pass {perf['facts_words_per_s']:>7} words/s "
          f"({perf['facts_overhead'] * 100:.0f}% on top of the parse)")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"nutgraf_version": nutgraf.__version__, "model": nlp.model_info(),
                                    "seed": {"putin": putin, "quotes": quotes_seed,
                                             "amounts": amounts_seed},
                                    "speed": perf}, indent=2, ensure_ascii=False))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    with nlp.blas_threads(1):  # speeds are for one core, as one ingest worker
        main()

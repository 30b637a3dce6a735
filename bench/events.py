"""Events: PLOVER category and who-did-what-to-whom on the PLOVER gold standard records, beside
a verb-lexicon baseline, and the seed article's required events.

    python bench/events.py --data ../shared/data [--limit N]

For each record of ``events/plover_gsr.dev.json`` (one coded sentence; PLOVER 0.5 names mapped
to 2021: DEMAND → REQUEST, DISAPPROVE and INVESTIGATE → ACCUSE, FIGHT → ASSAULT), split into the
tuning and check halves by a hash of the record id (``halves.half``), in one run:

- **category P/R/F1**: a record is a TP when an event of its category is found in its sentence;
  every other predicted category is a FP (one per category, however many events carry it);
  negated events ('did not attack') are not predictions of their category;
- **full-event accuracy**: the share of records with an event of the right category whose source
  and target are right; an actor is right when it shares a name word with a gold actor (its
  words or its entity's canonical name's) or has the gold ISO-3 code; where the gold has no
  target (compound actors), no target or one of the gold sources is right;
- the same for the **baseline**: the first verb whose lemma is in a flat verb list (the coder's
  lexicon, one category per lemma) gives the category; its subject and object are the actors;
- speed: the event pass alone (records/s, events/s) and its share of ``analyze``'s time;
- **seed**: the required events E1–E6 of ``seed/000_bcbe3f4cab7c9581.gold.json``: a predicted
  event counts when its category is the gold's (or one in ``also_accept``), its trigger or
  sentence overlaps the gold trigger, and its source matches the gold source by name words or
  country.

Writes bench/results/events.json.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from halves import HALVES, half  # noqa: E402

RENAME = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
STOP = {"the", "of", "a", "an", "and", "in", "s", "'s", "to", "on", "for", "from", "by", "its",
        "his", "her", "their", "near", "president", "minister", "prime", "government", "officials",
        "official", "forces", "force", "group", "groups", "senior", "town", "city"}
SEED = "seed/000_bcbe3f4cab7c9581"


def words(text: str | None) -> set[str]:
    text = (text or "").lower().replace(".", "")  # U.N. = UN
    return {w for w in re.findall(r"[a-z0-9]+", text) if w not in STOP and len(w) > 1}


def actor_ok(pred, golds: list[dict]) -> bool:
    """Name words shared, or the same ISO-3 country code."""
    if pred is None:
        return False
    mine = words(pred.get("name")) | words(pred.get("entity"))
    for g in golds:
        if mine & words(g.get("actorText")):
            return True
        code = (g.get("code") or "").upper()
        if len(code) == 3 and code not in ("IGO", "NGO") and pred.get("country") == code:
            return True
    return False


def target_ok(pred, record: dict) -> bool:
    golds = record.get("target") or []
    if not golds:
        return pred is None or actor_ok(pred, record.get("source") or [])
    return actor_ok(pred, golds)


class Tally:
    def __init__(self) -> None:
        self.n = self.tp = self.fp = self.fn = self.full = 0

    def add(self, gold: str, predicted: set[str], full: bool) -> None:
        self.n += 1
        if gold in predicted:
            self.tp += 1
        else:
            self.fn += 1
        self.fp += len(predicted - {gold})
        self.full += int(full)

    def row(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"records": self.n, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "full_event": round(self.full / max(1, self.n), 4), "tp": self.tp, "fp": self.fp,
                "fn": self.fn}


def flat_verbs() -> dict[str, str]:
    """The baseline's list: each verb lemma of the lexicon with one category (its general entry)."""
    from nutgraf.facts.events.lexicon import load

    fixed = {"act": None, "intent": "AGREE", "threat": "THREATEN", "refuse": "REJECT",
             "request": "REQUEST", "accuse": "ACCUSE"}
    out: dict[str, str] = {}
    for (lemma, pos), entries in load().entries.items():
        if pos != "V":
            continue
        for e in sorted(entries, key=lambda e: (e.objects is not None, bool(e.particle))):
            if e.kind in fixed:
                cat = fixed[e.kind] or e.category
                if cat:
                    out.setdefault(lemma, cat)
    return out


def baseline(doc, verbs: dict[str, str]) -> list[dict]:
    from nutgraf.facts import nlp

    for t in doc:
        if t.pos_ == "VERB" and nlp.lemma_in(t, verbs.keys()):
            cat = verbs[nlp.lemma(t)]

            def side(deps):
                c = next((c for c in t.children if c.dep_ in deps), None)
                if c is None:
                    return None
                sub = list(c.subtree)
                return {"name": doc[sub[0].i:sub[-1].i + 1].text, "entity": None, "country": None}
            return [{"category": cat, "negated": False, "source": side(("nsubj",)),
                     "target": side(("dobj", "nsubjpass"))}]
    return []


def run_gsr(path: Path, limit: int | None) -> tuple[dict, dict, list]:
    import nutgraf
    from nutgraf.facts import nlp
    from nutgraf.facts.entities import EntityIndex
    from nutgraf.facts.events import find_events

    records = json.loads(path.read_text(encoding="utf-8"))[:limit]
    verbs = flat_verbs()
    ours = {h: Tally() for h in HALVES}
    base = {h: Tally() for h in HALVES}
    misses = []
    t_analyze = t_events = 0.0
    n_events = 0
    confusion: Counter = Counter()
    for rec in records:
        gold = RENAME.get(rec["event"], rec["event"])
        h = half(rec["id"])
        t0 = time.perf_counter()
        article = nutgraf.analyze(rec["text"], clean=False)
        t_analyze += time.perf_counter() - t0
        doc = nlp.parse(article.text)
        t0 = time.perf_counter()
        events = find_events(doc, article, EntityIndex(article.text, article.entities))
        t_events += time.perf_counter() - t0
        n_events += len(events)
        preds = [e.to_dict() for e in article.events]
        cats = {e["category"] for e in preds if not e["negated"]}
        full = any(e["category"] == gold and not e["negated"] and actor_ok(e["source"], rec.get("source") or [])
                   and target_ok(e["target"], rec) for e in preds)
        ours[h].add(gold, cats, full)
        for c in cats - {gold}:
            confusion[(gold, c)] += 1
        if gold not in cats:
            confusion[(gold, "-")] += 1
        bpreds = baseline(doc, verbs)
        bcats = {e["category"] for e in bpreds}
        bfull = any(e["category"] == gold and actor_ok(e["source"], rec.get("source") or [])
                    and target_ok(e["target"], rec) for e in bpreds)
        base[h].add(gold, bcats, bfull)
        if h == "tune" and (gold not in cats or len(cats) > 1 or not full):
            misses.append({"id": rec["id"], "gold": gold, "predicted": sorted(cats), "full": full,
                           "text": rec["text"],
                           "events": [(e["category"], e["text"], e["source"] and e["source"]["name"],
                                       e["target"] and e["target"]["name"]) for e in preds]})
    speed = {"records": len(records), "events": n_events,
             "event_pass_s": round(t_events, 3), "analyze_s": round(t_analyze, 3),
             "records_per_s": round(len(records) / max(t_events, 1e-9), 1),
             "events_per_s": round(n_events / max(t_events, 1e-9), 1),
             "share_of_analyze": round(t_events / max(t_analyze, 1e-9), 4)}
    result = {"ours": {h: t.row() for h, t in ours.items()},
              "baseline": {h: t.row() for h, t in base.items()}, "speed": speed,
              "confusion": {f"{g}->{p}": n for (g, p), n in confusion.most_common(30)}}
    return result, speed, misses


def run_seed(data: Path) -> dict:
    import nutgraf

    text = (data / f"{SEED}.txt").read_text(encoding="utf-8")
    gold = json.loads((data / f"{SEED}.gold.json").read_text(encoding="utf-8"))
    article = nutgraf.analyze(text, content_type="text/plain")
    events = [e.to_dict() for e in article.events]
    rows = []
    for g in gold["events"]:
        if not g.get("required"):
            continue
        want = {g["category"], *g.get("also_accept", [])}
        trig = g["trigger"]["text"]
        countries = g.get("source_country")
        countries = set(countries if isinstance(countries, list) else [countries] if countries else [])
        hit = None
        for e in events:
            if e["category"] not in want or e["negated"]:
                continue
            # offsets index the raw file: place the gold trigger in the extracted text by its words
            at = article.text.find(trig)
            overlap = at >= 0 and (e["start"] < at + len(trig) and at < e["end"]
                                   or e["sentence_start"] <= at < e["sentence_end"])
            if not overlap:
                continue
            src = e["source"] or {}
            if words(g["source"]) & (words(src.get("name")) | words(src.get("entity"))) or \
                    (src.get("country") and src.get("country") in countries):
                hit = e
                break
        rows.append({"id": g["id"], "category": g["category"], "trigger": trig, "found": hit is not None,
                     "predicted": hit and {"category": hit["category"], "text": hit["text"],
                                           "source": hit["source"] and hit["source"]["name"],
                                           "target": hit["target"] and hit["target"]["name"]}})
    return {"required": len(rows), "found": sum(r["found"] for r in rows), "events": rows,
            "all_predicted": len(events)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--limit", type=int)
    ap.add_argument("--misses", help="write the tuning half's misses here (JSON)")
    args = ap.parse_args()
    data = Path(args.data)
    result, speed, misses = run_gsr(data / "events" / "plover_gsr.dev.json", args.limit)
    result["seed"] = run_seed(data)
    print(f"{'':10} {'half':6} {'n':>4} {'P':>6} {'R':>6} {'F1':>6} {'full':>6}")
    for who in ("ours", "baseline"):
        for h in HALVES:
            r = result[who][h]
            print(f"{who:10} {h:6} {r['records']:4d} {r['precision']:6.3f} {r['recall']:6.3f} "
                  f"{r['f1']:6.3f} {r['full_event']:6.3f}")
    print(f"speed: {speed['records_per_s']} records/s, {speed['events_per_s']} events/s in the event "
          f"pass ({speed['share_of_analyze']:.1%} of analyze)")
    seed = result["seed"]
    print(f"seed: {seed['found']}/{seed['required']} required events")
    for r in seed["events"]:
        print(f"  {r['id']} {r['category']:9} {'ok ' if r['found'] else 'MISS'} {r['trigger']!r} "
              f"{r['predicted'] or ''}")
    out = ROOT / "bench" / "results" / "events.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.misses:
        Path(args.misses).write_text(json.dumps(misses, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()

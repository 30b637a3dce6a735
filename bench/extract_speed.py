"""Extraction speed: nutgraf.extract against trafilatura on the 181 ScrapingHub pages, one run.

    python bench/extract_speed.py [--data ../shared/data] [--rounds 3]
                                  [--reference bench/extract-outputs.json] [--write-reference]

Each leg runs in its own process (same run, same decoded strings, one warm-up page first, not
timed) and is timed in CPU seconds (``time.process_time``): several engineers share the
machine, and wall-clock time there measures them as much as us.  With ``--rounds N`` the legs
alternate N times; each leg's time is its fastest round, and every round's own ratio is printed
too.  The goal (BENCHMARKS.md §1, issue 14): nutgraf at most 0.7x trafilatura's default time.

Both halves (``bench/halves.py``, by page id) are printed with time and accuracy (the
ScrapingHub shingle F1 / P / R of bench/extraction.py) for each leg.

Speed work must not change what is extracted: every page's ``Article`` (text, paragraphs,
metadata, evidence, warnings) is hashed and compared with ``--reference`` (written with
``--write-reference``; ``--src`` runs the nutgraf leg on another source tree, e.g. the commit
before a change, unpacked with ``git archive``).  Figures go to bench/results/extract_speed.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEGS = ("nutgraf", "trafilatura")


def load_pages(data: Path) -> list[dict]:
    from extraction import load_scrapinghub  # bench/extraction.py: the same pages and gold

    return load_scrapinghub(data)


def digest(article) -> str:
    blob = json.dumps(article.to_dict(), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


# --- one leg, in a process of its own -------------------------------------------------------


def run_leg(leg: str, data: Path) -> dict:
    pages = load_pages(data)
    if leg == "nutgraf":
        import nutgraf

        def fn(page: dict):
            return nutgraf.extract(page["html"], url=page["url"], content_type="text/html")
    else:
        import trafilatura

        def fn(page: dict):
            return trafilatura.extract(page["html"], url=page["url"]) or ""

    fn(pages[0])  # warm-up: imports, lazy tables, compiled patterns
    cpu: dict[str, float] = {}
    texts: dict[str, str] = {}
    digests: dict[str, str] = {}
    clock = time.process_time
    w0 = time.perf_counter()
    for page in pages:
        t0 = clock()
        out = fn(page)
        cpu[page["id"]] = clock() - t0
        if leg == "nutgraf":
            texts[page["id"]] = out.text
            digests[page["id"]] = digest(out)
        else:
            texts[page["id"]] = out
    return {"leg": leg, "cpu": cpu, "wall_s": time.perf_counter() - w0, "texts": texts, "digests": digests}


def spawn(leg: str, data: Path, src: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--leg", leg, "--data", str(data), "--src", str(src)],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"the {leg} leg failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)


# --- the run ----------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the nutgraf source tree to time")
    ap.add_argument("--reference", type=Path, default=ROOT / "bench" / "extract-outputs.json")
    ap.add_argument("--write-reference", action="store_true",
                    help="record this run's per-page output hashes as the reference")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extract_speed.json")
    ap.add_argument("--leg", choices=LEGS, help=argparse.SUPPRESS)
    args = ap.parse_args()
    sys.path.insert(0, str(args.src))
    sys.path.insert(0, str(ROOT / "bench"))
    if args.leg:
        json.dump(run_leg(args.leg, args.data), sys.stdout)
        return 0

    from extraction import prf, shingle_match
    from halves import HALVES, half

    runs: dict[str, list[dict]] = {leg: [] for leg in LEGS}
    for r in range(args.rounds):
        for leg in (LEGS if r % 2 == 0 else LEGS[::-1]):  # alternate who goes first
            runs[leg].append(spawn(leg, args.data, args.src))
    ids = sorted(runs["nutgraf"][0]["cpu"])
    halves = {"all": ids, **{h: [i for i in ids if half(i) == h] for h in HALVES}}
    gold = {p["id"]: p["gold"] for p in _gold(args.data)}

    figures: dict = {"pages": len(ids), "rounds": args.rounds, "clock": "process_time (CPU s, own process)",
                     "halves": {}, "rounds_ratio": []}
    for r in range(args.rounds):
        a, b = sum(runs["nutgraf"][r]["cpu"].values()), sum(runs["trafilatura"][r]["cpu"].values())
        figures["rounds_ratio"].append(round(a / b, 3))
    print(f"ScrapingHub ({len(ids)} pages), CPU seconds per leg (fastest of {args.rounds} rounds, "
          f"each leg in its own process)")
    print(f"{'half':6} {'tool':12} {'pages':>5} {'CPU s':>7} {'ms/page':>8} {'ratio':>6} {'F1':>6} {'P':>6} {'R':>6}")
    for name, members in halves.items():
        row: dict = {}
        for leg in LEGS:
            cpu = min(sum(run["cpu"][i] for i in members) for run in runs[leg])
            texts = runs[leg][0]["texts"]
            scores = prf([shingle_match(gold[i], texts[i]) for i in members])
            row[leg] = {"cpu_s": round(cpu, 3), "ms_per_page": round(1000 * cpu / len(members), 2),
                        **{k: round(v, 4) for k, v in scores.items()}}
        row["ratio"] = round(row["nutgraf"]["cpu_s"] / row["trafilatura"]["cpu_s"], 3)
        figures["halves"][name] = row
        for leg in LEGS:
            x = row[leg]
            ratio = f"{row['ratio']:6.2f}" if leg == "nutgraf" else f"{'':6}"
            print(f"{name:6} {leg:12} {len(members):5d} {x['cpu_s']:7.2f} {x['ms_per_page']:8.1f} {ratio} "
                  f"{x['f1']:6.3f} {x['precision']:6.3f} {x['recall']:6.3f}")
    print(f"per-round ratio nutgraf/trafilatura: {', '.join(f'{x:.2f}' for x in figures['rounds_ratio'])}"
          f"  (goal <= 0.70)")

    digests = runs["nutgraf"][0]["digests"]
    unstable = [i for i in ids if any(run["digests"][i] != digests[i] for run in runs["nutgraf"])]
    if unstable:
        print(f"! nutgraf's output differed between rounds on {len(unstable)} pages: {unstable[:5]}")
    if args.write_reference:
        args.reference.parent.mkdir(parents=True, exist_ok=True)
        args.reference.write_text(json.dumps(digests, indent=0, sort_keys=True) + "\n")
        print(f"reference output hashes written to {args.reference}")
    elif args.reference.exists():
        ref = json.loads(args.reference.read_text())
        changed = sorted(i for i in ids if ref.get(i) != digests[i])
        figures["outputs_identical_to_reference"] = len(ids) - len(changed)
        print(f"outputs (text, paragraphs, metadata, warnings) identical to the reference on "
              f"{len(ids) - len(changed)}/{len(ids)} pages" + (f"; changed: {changed[:10]}" if changed else ""))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"figures written to {args.out}")
    return 0


def _gold(data: Path) -> list[dict]:
    base = data / "extraction" / "scrapinghub"
    gold = json.loads((base / "ground-truth.json").read_text())
    return [{"id": pid, "gold": item["articleBody"]} for pid, item in gold.items()]


if __name__ == "__main__":
    raise SystemExit(main())

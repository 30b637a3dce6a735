"""Quote attribution benchmark: who said what, on PolNeAR (dev) and the seed article.

    .venv/bin/python bench/quotes.py [--data ../shared/data] [--split dev] [--show N]
                                     [--limit N --offset K]   (a slice of the articles)

The held-out figure is ``--split dev``; development and error analysis used ``train``.

Data
- ``DIR/quotes/polnear/``: PolNeAR (US political news, 2016), read with its own
  ``parse_polnear.py`` (imported by path), first annotator of each article.  The texts are
  copyrighted: they are read here and never copied into the project.
- ``DIR/seed/000_bcbe3f4cab7c9581.txt`` with ``….gold.json`` (quotes Q1–Q9, spans into the
  raw file).  The raw file is a plain-text scrape with page furniture, so it goes through
  ``nutgraf.extract(raw, content_type='text/plain')`` first and the predicted spans are
  mapped back to raw offsets through ``article.paragraphs`` (``source_start`` +
  offset inside the paragraph).

Which gold counts (PolNeAR)
- *Speech attributions* only: the content holds a quotation mark, or the cue contains a
  speech-cue lemma (``SPEECH_CUES`` below: say, tell, add, claim, announce, ...; verbs of
  belief, plans and evidence — think, want, plan, show, find — are not speech).  The cue
  text is lemmatised with the project's spaCy model.
- Non-speech gold attributions are neither TP nor FN; a prediction that matches one of them
  (by the content rule below) is not counted as a false positive either.  Any other
  unmatched prediction is a false positive.

Matching and metrics (BENCHMARKS.md §3)
- Content tokens are ``\\w+`` words (quote marks and punctuation drop out), taken *by
  position* in the article: a gold content is the words inside its fragments, a
  prediction the words inside ``[start, end)``.  Predictions that share one cue span (a
  quotation interrupted by its cue, "“A,” she said. “B.”") are one attribution, their words
  united — as PolNeAR annotates them (one content with several fragments).
- overlap(P, G) = |P ∩ G| / max(|P|, |G|) — each side covers at least half of the other
  at the 0.5 threshold (stricter than Dice, laxer than Jaccard).  Pairs with overlap ≥ 0.5
  are matched one-to-one, greedily from the largest overlap.
- Content P/R/F1 over matched pairs.
- Speaker accuracy over matched pairs whose gold has a source.  Names are compared after
  normalising (case folded, possessive, punctuation, leading articles and titles — Mr,
  Sen., President, ... — dropped): equal, or one is a single word equal to the other's
  last word (a surname matches the full name), or the shorter (≥ 2 words) ends the longer.
  The gold name is the source text and, when the article's entities name it, the canonical
  entity at the gold source span.  **A gold pronoun source** (he, she, they, ...) is
  resolved to the nearest preceding gold source in the article that is not a pronoun (for
  he/she: one that names a PERSON entity) — the gold's own chain, not our resolver.  **A
  gold source that is a figure or a media object** ('63 percent', 'The clip'; the head word
  of the source span, by ``quotes.is_figure_or_media``) is no speaker (issue 15): the gold
  counts as one without a source.  A
  predicted pronoun (unresolved) never counts.  A gold attribution with no source is
  correct only when the prediction has no speaker either.
- Quote+speaker F1: a match counts as a true positive only with a correct speaker.
- Halves: every figure is also printed for the tuning and check halves of the articles
  (``bench/halves.py``, by article name).  Error listings (``--show``) come from the tuning
  half only unless ``--show-half`` says otherwise; a change is kept when it lifts the tuning
  half and the check half holds or rises.

Seed: the same matching on Q1–Q9 (optional_quotes and not_quotes are neither TP nor FP: a
prediction matching one is ignored).  Gold speaker names: ``speaker_normalized`` (a
parenthetical '(including X)' / '(governments)' gives alternatives) and the
``speaker_mention`` text.

Writes ``bench/results/quotes.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import nutgraf  # noqa: E402
from nutgraf.facts import nlp  # noqa: E402
from nutgraf.facts.entities import EntityIndex, find_entities  # noqa: E402
from nutgraf.facts.quotes import find_quotes, is_figure_or_media  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from halves import HALVES, half  # noqa: E402

# Speech cues for filtering PolNeAR's gold (lemmas).  Verbs of saying, writing, asserting,
# announcing, asking, promising, warning and naming; 'according' covers 'according to'.
SPEECH_CUES = frozenset({
    "say", "tell", "add", "claim", "announce", "state", "report", "according", "write", "ask",
    "insist", "argue", "explain", "note", "declare", "warn", "suggest", "confirm", "deny",
    "pledge", "promise", "vow", "acknowledge", "admit", "reply", "respond", "answer",
    "tweet", "predict", "recall", "stress", "emphasize", "emphasise", "mention", "assert",
    "contend", "maintain", "allege", "complain", "concede", "comment", "remark", "observe",
    "boast", "joke", "testify", "reiterate", "repeat", "conclude", "reveal", "disclose",
    "urge", "demand", "propose", "recommend", "threaten", "assure", "call", "describe",
    "brand", "label", "dub", "accuse", "criticize", "praise", "continue", "quote", "speak",
    "statement", "interview", "retort", "counter", "caution", "proclaim", "affirm",
    "point", "inform", "agree", "echo", "sing", "chant", "blast", "attack", "condemn",
})
PRONOUNS = {"he", "she", "they", "it", "him", "her", "them", "his", "its", "their", "i", "we",
            "you", "me", "us", "who", "which", "that"}
TITLES = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof", "rev", "gen",
          "sen", "rep", "gov", "president", "senator", "governor", "mayor", "minister",
          "secretary", "chancellor", "judge", "king", "queen", "prince", "princess", "pope",
          "general", "colonel", "captain", "sheikh", "prime", "former", "the", "a", "an",
          "vice", "presidential", "candidate", "nominee", "democratic", "republican", "gop",
          "u", "s", "us", "spokesman", "spokeswoman", "chairman", "ceo", "house", "speaker",
          "attorney", "state", "sens", "reps", "leader"}
_W = re.compile(r"\w+")


def load_polnear(data: Path):
    spec = importlib.util.spec_from_file_location(
        "parse_polnear", data / "quotes" / "polnear" / "parse_polnear.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def words(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _W.finditer(text)]


def token_set(wspans: list[tuple[int, int]], frags) -> frozenset[int]:
    out = set()
    for a, b in frags:
        for k, (s, e) in enumerate(wspans):
            if s >= b:
                break
            if s >= a and e <= b:
                out.add(k)
    return frozenset(out)


def overlap(p: frozenset[int], g: frozenset[int]) -> float:
    if not p or not g:
        return 0.0
    return len(p & g) / max(len(p), len(g))


def norm_name(name: str | None) -> list[str]:
    if not name:
        return []
    name = re.sub(r"['’]s\b", "", name.lower())
    toks = _W.findall(name)
    while len(toks) > 1 and toks[0] in TITLES:
        toks = toks[1:]
    return toks


def same_name(a: str | None, b: str | None) -> bool:
    x, y = norm_name(a), norm_name(b)
    if not x or not y:
        return False
    if x == y:
        return True
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) == 1:
        return short[0] == long_[-1]
    return long_[-len(short):] == short


def match(preds: list[frozenset[int]], golds: list[frozenset[int]]) -> list[tuple[int, int]]:
    pairs = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            o = overlap(p, g)
            if o >= 0.5:
                pairs.append((o, i, j))
    pairs.sort(reverse=True)
    used_p, used_g, out = set(), set(), []
    for o, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((i, j))
    return out


def group_preds(quotes, wspans, to_source=lambda s: s):
    """Predictions sharing one cue span are one attribution (words united)."""
    groups: dict[object, list] = defaultdict(list)
    for k, q in enumerate(quotes):
        key = ("cue", q.cue_span, q.speaker) if q.cue_span else ("q", k)
        groups[key].append(q)
    out = []
    for qs in groups.values():
        frags = [(to_source(q.start), to_source(q.end, True)) for q in qs]
        out.append((token_set(wspans, frags), qs[0]))
    out.sort(key=lambda t: min(t[0]) if t[0] else 0)
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


_lemma_cache: dict[str, set[str]] = {}


def cue_lemmas(cue: str) -> set[str]:
    if cue not in _lemma_cache:
        _lemma_cache[cue] = {nlp.lemma(t) for t in nlp.load()(cue)} | {
            w.lower() for w in _W.findall(cue)}
    return _lemma_cache[cue]


def is_speech(t) -> bool:
    return bool(t["is_direct"]) or bool(cue_lemmas(t["cue_text"]) & SPEECH_CUES)


def run_polnear(data: Path, split: str, show: int, limit: int | None = None, offset: int = 0,
                show_half: str = "tune"):
    mod = load_polnear(data)
    arts: dict[str, dict] = {}
    for t in mod.triples((split,)):
        if t["text"] is None or not t["content_frags"]:
            continue
        a = arts.setdefault(t["article"], {"text": t["text"], "gold": []})
        a["gold"].append(t)
    tp = fp = fn = 0
    sp_ok = sp_n = 0
    qs_tp = 0
    ignored = 0
    # per half (tune/check, by article name): [tp, fp, fn, sp_ok, sp_n, qs_tp, articles]
    by_half = {h: [0] * 7 for h in HALVES}
    n_words = 0
    t_parse = t_facts = 0.0
    errors = Counter()
    shown = []
    if limit:
        arts = dict(sorted(arts.items())[offset:offset + limit])
    for name, a in sorted(arts.items()):
        text = a["text"]
        hc = by_half[half(name)]
        can_show = show_half == "all" or half(name) == show_half
        hc[6] += 1
        n_words += len(text.split())
        t0 = time.perf_counter()
        doc = nlp.parse(text)
        t1 = time.perf_counter()
        index = EntityIndex(text, find_entities(doc))
        quotes = find_quotes(doc, index)
        t2 = time.perf_counter()
        t_parse += t1 - t0
        t_facts += t2 - t1
        wspans = words(text)
        golds = sorted(a["gold"], key=lambda g: g["content_frags"][0][0])
        speech = [g for g in golds if is_speech(g)]
        other = [g for g in golds if not is_speech(g)]
        g_sets = [token_set(wspans, g["content_frags"]) for g in speech]
        o_sets = [token_set(wspans, g["content_frags"]) for g in other]
        g_names = gold_names(text, golds, speech, index, doc)
        preds = group_preds(quotes, wspans, lambda s, end=False: s)
        p_sets = [p for p, _ in preds]
        pairs = match(p_sets, g_sets)
        mp = {i for i, _ in pairs}
        mg = {j for _, j in pairs}
        for i, (pset, q) in enumerate(preds):
            if i in mp:
                continue
            if any(overlap(pset, o) >= 0.5 for o in o_sets):
                ignored += 1
                continue
            fp += 1
            hc[1] += 1
            errors["fp"] += 1
            if can_show and len(shown) < show:
                shown.append(("FP", name, q.kind, q.speaker, q.cue, q.text[:160]))
        for j, g in enumerate(speech):
            if j not in mg:
                fn += 1
                hc[2] += 1
                if can_show and len(shown) < show:
                    shown.append(("FN", name, "direct" if g["is_direct"] else "ind",
                                  g["source_text"], g["cue_text"], g["content_text"][:160]))
        tp += len(pairs)
        hc[0] += len(pairs)
        for i, j in pairs:
            q = preds[i][1]
            alts = g_names[j]
            if alts is None:  # no source in the gold
                ok = q.speaker is None
            else:
                sp_n += 1
                hc[4] += 1
                ok = any(same_name(q.speaker, alt) for alt in alts)
                sp_ok += ok
                hc[3] += ok
                if not ok:
                    errors["speaker"] += 1
                    if can_show and len(shown) < show:
                        shown.append(("SPK", name, q.kind, q.speaker, "gold:", "|".join(alts),
                                      q.text[:80]))
            qs_tp += ok
            hc[5] += ok
    halves_out = {}
    for h, (htp, hfp, hfn, hok, hn, hqs, narts) in by_half.items():
        _, _, hf = prf(htp, hfp, hfn)
        _, _, hqf = prf(hqs, hfp + (htp - hqs), hfn + (htp - hqs))
        halves_out[h] = {"articles": narts, "gold_speech": htp + hfn,
                         "content_f1": round(hf, 4),
                         "speaker_accuracy": round(hok / hn, 4) if hn else 0.0,
                         "quote_speaker_f1": round(hqf, 4)}
    p, r, f = prf(tp, fp, fn)
    qp, qr, qf = prf(qs_tp, fp + (tp - qs_tp), fn + (tp - qs_tp))
    return {
        "articles": len(arts), "gold_speech": tp + fn, "predicted": tp + fp + ignored,
        "ignored_nonspeech_matches": ignored,
        "content_precision": round(p, 4), "content_recall": round(r, 4), "content_f1": round(f, 4),
        "speaker_accuracy": round(sp_ok / sp_n, 4) if sp_n else 0.0,
        "quote_speaker_precision": round(qp, 4), "quote_speaker_recall": round(qr, 4),
        "quote_speaker_f1": round(qf, 4),
        "halves": halves_out,
        "words": n_words, "seconds_parse": round(t_parse, 3),
        "seconds_entities_quotes": round(t_facts, 3),
        "words_per_s_total": round(n_words / (t_parse + t_facts)) if t_parse + t_facts else 0,
        "words_per_s_quotes_only": round(n_words / t_facts) if t_facts else 0,
    }, shown


def gold_names(text: str, golds, speech, index: EntityIndex, doc=None):
    """Per speech gold: the accepted names, or None when the gold has no source.  A source
    that is a figure or a media object ('63 percent', 'The clip') is no speaker (BENCHMARKS.md
    §3 / issue 15): the gold counts as one without a source."""
    chain = []  # (start, names, is_person) of non-pronoun gold sources, in text order
    for g in sorted(golds, key=lambda g: g["source_frags"][0][0] if g["source_frags"] else -1):
        if not g["source_frags"]:
            continue
        words_ = _W.findall(g["source_text"].lower())
        if words_ and all(w in PRONOUNS for w in words_):
            continue
        names = [g["source_text"]]
        s = g["source_frags"][0][0]
        e = g["source_frags"][-1][1]
        ent = index.at(s, e)
        if ent is not None:
            names.append(ent.name)
        chain.append((s, names, ent is not None and ent.label == "PERSON"))
    chain.sort(key=lambda c: c[0])
    out = []
    for g in speech:
        if not g["source_frags"]:
            out.append(None)
            continue
        s = g["source_frags"][0][0]
        if doc is not None:
            span = doc.char_span(s, g["source_frags"][-1][1], alignment_mode="expand")
            if span is not None and is_figure_or_media(span.root):
                out.append(None)
                continue
        words_ = _W.findall(g["source_text"].lower())
        if words_ and all(w in PRONOUNS for w in words_):
            person = words_[0] in ("he", "she", "him", "her", "his", "i", "me")
            before = [c for c in chain if c[0] < s and (c[2] or not person)]
            if not before and person:
                before = [c for c in chain if c[0] < s]
            out.append(before[-1][1] if before else [])
            continue
        names = [g["source_text"]]
        ent = index.at(s, g["source_frags"][-1][1])
        if ent is not None:
            names.append(ent.name)
        out.append(names)
    return out


def run_seed(data: Path, show: int):
    seed_dir = data / "seed"
    raw = (seed_dir / "000_bcbe3f4cab7c9581.txt").read_text(encoding="utf-8")
    gold = json.loads((seed_dir / "000_bcbe3f4cab7c9581.gold.json").read_text(encoding="utf-8"))
    article = nutgraf.extract(raw, content_type="text/plain")
    doc = nlp.parse(article.text)
    index = EntityIndex(article.text, find_entities(doc))
    quotes = find_quotes(doc, index)
    paras = article.paragraphs

    def to_source(pos: int, end: bool = False) -> int:
        for p in paras:
            if p.start <= pos < p.end or (end and p.start < pos <= p.end):
                return p.source_start + (pos - p.start)
        return -1

    wspans = words(raw)
    preds = group_preds(quotes, wspans, to_source)
    g_sets = [token_set(wspans, [(q["content"]["start"], q["content"]["end"])])
              for q in gold["quotes"]]
    opt_sets = [token_set(wspans, [(q["content"]["start"], q["content"]["end"])])
                for q in gold.get("optional_quotes", [])]
    not_sets = [token_set(wspans, [(q["span"]["start"], q["span"]["end"])])
                for q in gold.get("not_quotes", [])]
    pairs = match([p for p, _ in preds], g_sets)
    mp = {i for i, _ in pairs}
    fp = 0
    rows = []
    for i, (pset, q) in enumerate(preds):
        if i in mp:
            continue
        if any(overlap(pset, o) >= 0.5 for o in opt_sets) or any(pset & n for n in not_sets):
            rows.append(("ignored", q.kind, q.speaker, q.text[:70]))
            continue
        fp += 1
        rows.append(("FP", q.kind, q.speaker, q.text[:70]))
    ok = 0
    for i, j in pairs:
        q = preds[i][1]
        g = gold["quotes"][j]
        alts = [g["speaker_mention"]["text"]] if g.get("speaker_mention") else []
        norm = g["speaker_normalized"]
        m = re.match(r"^(.*?)\s*\((?:including\s+)?(.*)\)$", norm)
        alts += [m.group(1), m.group(2)] if m else [norm]
        good = any(same_name(q.speaker, a) for a in alts)
        ok += good
        rows.append((g["id"], "ok" if good else "WRONG SPEAKER", q.speaker, q.text[:70]))
    fn = len(g_sets) - len(pairs)
    for j, g in enumerate(gold["quotes"]):
        if j not in {jj for _, jj in pairs}:
            rows.append((g["id"], "MISSED", g["speaker_normalized"], g["content"]["text"][:70]))
    p, r, f = prf(len(pairs), fp, fn)
    qp, qr, qf = prf(ok, fp + len(pairs) - ok, fn + len(pairs) - ok)
    return {"gold": len(g_sets), "predicted": len(preds), "matched": len(pairs),
            "content_f1": round(f, 4), "speaker_correct": ok,
            "quote_speaker_precision": round(qp, 4), "quote_speaker_recall": round(qr, 4),
            "quote_speaker_f1": round(qf, 4)}, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--split", default="dev", help="PolNeAR compartment (dev; train for analysis)")
    ap.add_argument("--show", type=int, default=0, help="print this many errors")
    ap.add_argument("--show-half", default="tune", choices=(*HALVES, "all"),
                    help="errors are shown from this half only (tune: look only at the tuning half)")
    ap.add_argument("--limit", type=int, default=0, help="only N articles (sorted by name)")
    ap.add_argument("--offset", type=int, default=0, help="skip this many articles first")
    args = ap.parse_args()
    data = Path(args.data)
    nlp.load()
    t0 = time.perf_counter()
    pol, shown = run_polnear(data, args.split, args.show, args.limit, args.offset,
                              args.show_half)
    wall = time.perf_counter() - t0
    seed, rows = run_seed(data, args.show)
    for row in shown:
        print(" | ".join(str(x) for x in row))
    if args.show:
        for row in rows:
            print("seed", " | ".join(str(x) for x in row))
    print(f"\nQuote attribution — PolNeAR {args.split} ({pol['articles']} articles, "
          f"{pol['gold_speech']} speech attributions)")
    print(f"{'metric':<28}{'nutgraf':>10}{'bar':>8}")
    for key, bar in (("content_precision", ""), ("content_recall", ""), ("content_f1", "0.75"),
                     ("speaker_accuracy", "0.80"), ("quote_speaker_f1", "")):
        print(f"{key:<28}{pol[key]:>10.3f}{bar:>8}")
    print(f"\n{'half (by article name)':<28}{'articles':>9}{'content F1':>12}{'speaker':>9}"
          f"{'q+spk F1':>10}")
    for h in HALVES:
        v = pol["halves"][h]
        print(f"{h:<28}{v['articles']:>9}{v['content_f1']:>12.3f}{v['speaker_accuracy']:>9.3f}"
              f"{v['quote_speaker_f1']:>10.3f}")
    print("tune on the 'tune' half only; keep a change when the 'check' half holds or rises\n")
    print(f"{'seed content F1':<28}{seed['content_f1']:>10.3f}")
    print(f"{'seed speakers correct':<28}{seed['speaker_correct']:>7}/{seed['gold']}")
    print(f"{'seed quote+speaker F1':<28}{seed['quote_speaker_f1']:>10.3f}{'0.80':>8}")
    print(f"\ntime {wall:.1f}s for {pol['words']} words: {pol['words_per_s_total']} words/s "
          f"(parse + entities + quotes); entities + quotes alone "
          f"{pol['words_per_s_quotes_only']} words/s")
    print("anchors (other corpora): Citron/PARC3 quote F1 0.832; SFU GGT F1 0.837, speaker 0.865")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "quotes.json").write_text(json.dumps({
        "polnear": {"split": args.split, **pol}, "seed": seed,
        "metric": "one-to-one match at token overlap |P∩G|/max(|P|,|G|) >= 0.5",
        "model": nlp.model_info(),
    }, indent=1))


if __name__ == "__main__":
    with nlp.blas_threads(1):  # speeds are for one core, as one ingest worker
        main()

"""Near-duplicate detection (syndication groups): planted copies among unrelated articles.

    python bench/dedup.py [--data ../shared/data] [--sample 90] [--seed 7]

The corpus: the 181 ScrapingHub pages (``DATA/extraction/scrapinghub/html/*.html.gz``), each
extracted with ``nutgraf.extract``; then, for a sample of them (articles of 100+ words),
planted copies, each re-published by another "site": the extracted text wrapped in that
site's own page template (nav, teasers, sidebar, footer — the same for every page of the
site), with a new headline, and extracted again.  Copies come in kinds:

- ``template``: the same text under another template and headline;
- ``sentence``: one sentence replaced;
- ``paragraph``: one paragraph dropped;
- ``credit``: a wire dateline and 'Reporting by ...; Editing by ... (Reuters)' added;
- ``mixed``: a changed sentence, a dropped paragraph and a credit together;
- ``trimmed``: a local paper running the top of the story (the first 30-50% of its
  paragraphs, at least 50 words) plus a paragraph of its own (after it, or for one in three
  before it) and its site's own tagline paragraph (the same on every page of that site: a
  boilerplate paragraph shared by unrelated stories, which must not merge them);
- ``text``: a plain-text dump of the story (``text/plain``, extracted as a text scrape) with a
  headline, a wire byline ('By JANE DOE / Associated Press') and a wire dateline
  ('WASHINGTON (AP) — ') on its first paragraph.

The trimmed copies and text dumps are planted with a random generator of their own, after the
others, so the corpus of the first five kinds is the one earlier runs measured.

Truth: an original and its copies form one group; everything else is a group of one.
Measured, in the same run:

- **nutgraf**: the real ingest path — every document stored in a fresh SQLite store and
  put in its syndication group by ``nutgraf.corpus.dedup.assign`` (exact hash, rensa
  MinHash, band keys in ``minhash_bands``, verification on exact shingle sets);
- **datasketch**: ``MinHash`` (128 permutations) and ``MinHashLSH`` (32 bands x 4 rows,
  the same parameters) over the same shingles; its candidate pairs unioned raw, and with
  the same verification as nutgraf.

Pairwise precision and recall (over all pairs of documents in one predicted group vs one
true group), overall, per copy kind (the pairs with a copy of that kind in them) and on the
tuning and check halves (``bench/halves.py``, by the original's id: a story and its copies
are on one half); the ``copy_kind`` nutgraf marked on each planted copy against the kind
planted (trimmed should read trimmed; the others full or rewritten); false merges between documents of one site (same host: the original
corpus' sites and each planted site's pages); and documents/s of the MinHash step
(normalise, shingle, signature, band keys) on one core, single-threaded, for rensa (one
document at a time, as at ingest, and in bulk) and datasketch.  Figures go to
bench/results/dedup.json.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import random
import re
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path
from urllib.parse import urlsplit

os.environ.setdefault("RAYON_NUM_THREADS", "1")  # rensa: one core

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "src"))

import nutgraf  # noqa: E402
from nutgraf.corpus import dedup  # noqa: E402
from nutgraf.corpus.text import words  # noqa: E402
from nutgraf.model import Article  # noqa: E402
from nutgraf.sources.capture import Capture, Origin  # noqa: E402
from nutgraf.store import open_store  # noqa: E402

sys.path.insert(0, str(BENCH))
from halves import HALVES, half  # noqa: E402

SITES = {
    "daily-planet.example": (
        "<nav class='top'><a href='/'>Daily Planet</a> <a href='/news'>News</a> <a href='/world'>World</a> "
        "<a href='/business'>Business</a> <a href='/sport'>Sport</a> <a href='/subscribe'>Subscribe</a></nav>",
        "<aside><h3>Most read</h3><ol><li><a href='/1'>Mayor unveils plan for new tram line</a></li>"
        "<li><a href='/2'>Storm warning for the coast this weekend</a></li>"
        "<li><a href='/3'>Local team reaches the cup final</a></li></ol></aside>",
        "<footer><p>&copy; 2024 Daily Planet Media. All rights reserved.</p><p><a href='/privacy'>Privacy</a> "
        "<a href='/terms'>Terms</a> <a href='/contact'>Contact us</a></p></footer>"),
    "morning-herald.example": (
        "<header><div class='logo'>The Morning Herald</div><ul class='menu'><li>Home</li><li>Politics</li>"
        "<li>Opinion</li><li>Culture</li><li>Travel</li></ul></header>",
        "<div class='related'><h4>Related coverage</h4><a href='/r1'>What the new rules mean for you</a> "
        "<a href='/r2'>Five things to know this morning</a></div>",
        "<div class='footer'>The Morning Herald is published by Herald Group Ltd. Registered in England. "
        "Sign up for our newsletter to get the morning briefing in your inbox.</div>"),
    "wirefeed.example": (
        "<div id='nav'><span>WireFeed</span> | Top stories | Markets | Technology | Science</div>",
        "<section class='teasers'><article><h2><a href='/t1'>Markets rally as inflation cools</a></h2></article>"
        "<article><h2><a href='/t2'>Scientists map the deep ocean floor</a></h2></article></section>",
        "<div class='bottom'>WireFeed &middot; About &middot; Advertise &middot; Careers &middot; "
        "Cookie settings</div>"),
    "valley-news.example": (
        "<nav><a href='/'>Valley News</a><a href='/local'>Local</a><a href='/events'>Events</a>"
        "<a href='/obits'>Obituaries</a></nav>",
        "<aside class='promo'>Support local journalism: become a member today for just $5 a month.</aside>",
        "<footer>Valley News, 12 Main Street. Tips? Email news@valley.example. &copy; 2024</footer>"),
}
KINDS = ("template", "sentence", "paragraph", "credit", "mixed")
ALL_KINDS = KINDS + ("trimmed", "text")
TAGLINES = {
    "daily-planet.example": "The Daily Planet adds local reporting to wire stories; send news tips to our "
                            "newsroom through the contact form on our website.",
    "morning-herald.example": "This article was edited for length by the Morning Herald and includes "
                              "additional reporting from our own staff in the region.",
    "wirefeed.example": "WireFeed republishes stories from its partner agencies under licence; some "
                        "passages may have been shortened for our readers.",
    "valley-news.example": "Valley News is a member of the regional press council and follows its code of "
                           "practice on accuracy, fairness and corrections.",
}
LOCAL_SENTENCES = (
    "Residents of {town} said the news was discussed at the weekly market on {day}.",
    "The {town} council is expected to consider its own response at a meeting next month.",
    "Local business owners in {town} told the paper they were watching the situation closely.",
    "A spokesperson for the {town} district office said no local schools would be affected.",
    "Several families in {town} have relatives who could be affected, a community leader said.",
    "The regional transport authority said services through {town} would run as normal on {day}.",
    "Police in {town} said they had received no reports of incidents linked to the events.",
    "The mayor of {town} urged residents to rely on official information and to check on neighbours.",
)
TOWNS = ("Millbrook", "Ashford", "Cedar Falls", "Harlow", "Pinecrest", "Riverton", "Oakdale", "Westfield",
         "Elmira", "Kingsport", "Brightwater", "Stonebridge")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
WIRES = (("AP", "Associated Press", "WASHINGTON (AP) \u2014 "), ("Reuters", "Reuters", "LONDON (Reuters) - "),
         ("AFP", "AFP", "PARIS (AFP) - "))
BYLINES = ("JANE DOE", "MARCO ROSSI", "AMINA YUSUF", "PETER NORDSTROM", "LI WEI")
REPLACEMENT = ("A spokesperson declined to comment on the details when contacted by telephone on Thursday "
               "afternoon.")


def page(site: str, title: str, text: str) -> str:
    nav, aside, footer = SITES[site]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)} - {site}</title>"
            f"<meta property='og:site_name' content='{site}'></head><body>{nav}<main><article>"
            f"<h1>{html.escape(title)}</h1><p class='byline'>By Staff Reporter</p>{body}</article>{aside}"
            f"</main>{footer}</body></html>")


_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u201c\"])")


def edit(text: str, kind: str, rng: random.Random) -> str:
    paras = [p for p in text.split("\n\n") if p.strip()]
    if kind in ("sentence", "mixed"):
        i = rng.randrange(len(paras))
        sents = _SENT.split(paras[i])
        sents[rng.randrange(len(sents))] = REPLACEMENT
        paras[i] = " ".join(sents)
    if kind in ("paragraph", "mixed") and len(paras) >= 3:
        del paras[rng.randrange(1, len(paras))]
    if kind in ("credit", "mixed"):
        paras[0] = "LONDON (Reuters) - " + paras[0]
        paras.append("(Reporting by Jane Doe in London; Additional reporting by Ivan Petrov; "
                     "Editing by Mark Heinrich) (Reuters)")
    return "\n\n".join(paras)


def local_paragraph(rng: random.Random) -> str:
    town, day = rng.choice(TOWNS), rng.choice(DAYS)
    return " ".join(t.format(town=town, day=day) for t in rng.sample(LOCAL_SENTENCES, rng.choice((2, 3))))


def trimmed(text: str, site: str, rng: random.Random) -> str | None:
    """The first 30-50% of the paragraphs (at least 50 words), a local paragraph and the
    site's tagline; None when the story is too short for that."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    k = max(1, round(len(paras) * rng.uniform(0.3, 0.5)))
    if len(paras) < 3 or len(" ".join(paras[:k]).split()) < 50:
        return None
    top = paras[:k]
    out = [local_paragraph(rng)] + top if rng.random() < 1 / 3 else top + [local_paragraph(rng)]
    return "\n\n".join(out + [TAGLINES[site]])


def text_dump(text: str, title: str | None, rng: random.Random) -> str:
    """A plain-text copy: headline, wire byline, wire dateline on the first paragraph."""
    _service, name, dateline = rng.choice(WIRES)
    paras = [p for p in text.split("\n\n") if p.strip()]
    paras[0] = dateline + paras[0]
    return "\n\n".join([title or "Untitled", f"By {rng.choice(BYLINES)}\n{name}"] + paras) + "\n"


def headline(title: str | None, rng: random.Random) -> str:
    w = (title or "Untitled story").split()
    rng.shuffle(w)
    return "UPDATE: " + " ".join(w)


def build(data: Path, sample: int, seed: int) -> tuple[list[dict], dict]:
    folder = data / "extraction" / "scrapinghub"
    truth = json.loads((folder / "ground-truth.json").read_text())
    docs: list[dict] = []
    for path in sorted((folder / "html").glob("*.html.gz")):
        key = path.name.split(".")[0]
        raw = gzip.decompress(path.read_bytes())
        url = truth.get(key, {}).get("url") or f"https://unknown.example/{key}"
        a = nutgraf.extract(raw, url=url)
        docs.append({"key": key, "url": url, "host": urlsplit(url).hostname, "article": a, "group": key,
                     "kind": "original", "raw": raw})
    rng = random.Random(seed)
    eligible = [d for d in docs if d["article"].words >= 100]
    chosen = rng.sample(eligible, min(sample, len(eligible)))
    copies = []
    sites = list(SITES)
    for n, d in enumerate(chosen):
        a = d["article"]
        # one to three copies each, on different sites
        for j, site in enumerate(rng.sample(sites, 1 + n % 3)):
            kind = KINDS[(n + j) % len(KINDS)]
            text = a.text if kind == "template" else edit(a.text, kind, rng)
            title = headline(a.title, rng)
            raw = page(site, title, text).encode()
            url = f"https://{site}/{d['key'][:12]}-{j}"
            copies.append({"key": f"{d['key']}~{j}", "url": url, "host": site, "group": d["key"], "kind": kind,
                           "article": nutgraf.extract(raw, url=url), "raw": raw})
    # the sites' own unrelated pages: other originals re-published alone on one planted site
    # each (so each planted site has pages of many different stories, under one template)
    others = [d for d in docs if d not in chosen and d["article"].words >= 40]
    for i, d in enumerate(rng.sample(others, min(40, len(others)))):
        site = sites[i % len(sites)]
        raw = page(site, d["article"].title or "Story", d["article"].text).encode()
        url = f"https://{site}/own-{d['key'][:12]}"
        copies.append({"key": f"{d['key']}~site", "url": url, "host": site, "group": d["key"], "kind": "template",
                       "article": nutgraf.extract(raw, url=url), "raw": raw})
    # trimmed local republications and plain-text dumps, with a generator of their own (the
    # copies above stay the ones earlier runs measured): each sampled story gets a trimmed copy
    # on one site and every other one a text dump; plus each site's own unrelated pages
    # carrying its tagline paragraph, as its trimmed copies do
    rng2 = random.Random(seed + 1)
    for n, d in enumerate(chosen):
        a = d["article"]
        site = rng2.choice(sites)
        text = trimmed(a.text, site, rng2)
        if text is not None:
            raw = page(site, headline(a.title, rng2), text).encode()
            url = f"https://{site}/local-{d['key'][:12]}"
            copies.append({"key": f"{d['key']}~trim", "url": url, "host": site, "group": d["key"],
                           "kind": "trimmed", "article": nutgraf.extract(raw, url=url), "raw": raw})
        if n % 2 == 0:
            raw = text_dump(a.text, a.title, rng2).encode()
            url = f"https://feeds.example/dump/{d['key'][:12]}.txt"
            copies.append({"key": f"{d['key']}~text", "url": url, "host": "feeds.example", "group": d["key"],
                           "kind": "text", "article": nutgraf.extract(raw, url=url, content_type="text/plain"),
                           "raw": raw, "content_type": "text/plain", "service": raw.decode().split("\n")[3]})
    for i, d in enumerate(rng2.sample(others, min(40, len(others)))):
        site = sites[i % len(sites)]
        paras = [p for p in d["article"].text.split("\n\n") if p.strip()]
        text = "\n\n".join(paras + [TAGLINES[site]])
        raw = page(site, d["article"].title or "Story", text).encode()
        url = f"https://{site}/tagged-{d['key'][:12]}"
        copies.append({"key": f"{d['key']}~tagged", "url": url, "host": site, "group": d["key"],
                       "kind": "template", "article": nutgraf.extract(raw, url=url), "raw": raw})
    all_docs = docs + copies
    rng.shuffle(all_docs)
    info = {"originals": len(docs), "eligible": len(eligible), "sampled": len(chosen), "copies": len(copies),
            "documents": len(all_docs),
            "copies_by_kind": {k: sum(1 for c in copies if c["kind"] == k) for k in ALL_KINDS}}
    return all_docs, info


def pairs_of(groups: dict[int, object]) -> set[tuple[int, int]]:
    by: dict[object, list[int]] = {}
    for i, g in groups.items():
        by.setdefault(g, []).append(i)
    return {p for members in by.values() for p in combinations(sorted(members), 2)}


def _pr(truth: set, got: set) -> dict:
    tp = len(truth & got)
    return {"precision": round(tp / len(got), 4) if got else 1.0,
            "recall": round(tp / len(truth), 4) if truth else 1.0, "true_pairs": len(truth),
            "predicted_pairs": len(got)}


def score(pred: dict[int, object], docs: list[dict]) -> dict:
    truth = pairs_of({i: d["group"] for i, d in enumerate(docs)})
    got = pairs_of(pred)
    tp = len(truth & got)
    fp = got - truth
    same_site = [p for p in fp if docs[p[0]]["host"] == docs[p[1]]["host"]]
    missed = truth - got

    def kind_pairs(pairs: set, k: str) -> set:
        return {p for p in pairs if k in (docs[p[0]]["kind"], docs[p[1]]["kind"])}

    def half_pairs(pairs: set, h: str) -> set:
        # a pair is on the half of its first document's story (a true pair: both on one half)
        return {p for p in pairs if half(docs[p[0]]["group"]) == h}

    by_kind = {k: _pr(kind_pairs(truth, k), kind_pairs(got, k)) for k in ALL_KINDS}
    halves = {h: dict(_pr(half_pairs(truth, h), half_pairs(got, h)),
                      by_kind={k: _pr(kind_pairs(half_pairs(truth, h), k), kind_pairs(half_pairs(got, h), k))
                               for k in ALL_KINDS})
              for h in HALVES}
    return {"true_pairs": len(truth), "predicted_pairs": len(got), "tp": tp,
            "precision": round(tp / len(got), 4) if got else 1.0,
            "recall": round(tp / len(truth), 4) if truth else 1.0,
            "false_pairs": len(fp), "same_site_false_merges": len(same_site),
            "by_kind": by_kind, "halves": halves,
            "false_examples": [[docs[a]["url"], docs[b]["url"]] for a, b in sorted(fp)[:5]],
            "missed_by_kind": {k: sum(1 for a, b in missed if k in (docs[a]["kind"], docs[b]["kind"]))
                               for k in ALL_KINDS},
            "missed_examples": [[docs[a]["url"], docs[b]["url"]] for a, b in sorted(missed)[:5]]}


def kinds_marked(marks: dict[int, str | None], groups: dict[int, int], docs: list[dict]) -> dict:
    """The copy_kind nutgraf marked on each planted copy that joined its story's group, by
    the kind planted."""
    out: dict[str, dict[str, int]] = {}
    sizes: dict[int, int] = {}
    for g in groups.values():
        sizes[g] = sizes.get(g, 0) + 1
    for i, d in enumerate(docs):
        if "~" not in d["key"] or d["key"].endswith(("~site", "~tagged")):
            continue
        row = out.setdefault(d["kind"], {})
        mark = marks.get(i) or ("original" if sizes[groups[i]] > 1 else "alone")
        row[mark] = row.get(mark, 0) + 1
    return out


def run_nutgraf(docs: list[dict]) -> tuple[dict[int, int], float, dict[int, str | None]]:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        ids = {}
        t_pass = 0.0
        for i, d in enumerate(docs):
            a: Article = d["article"]
            cap = Capture(data=d["raw"], origin=Origin("file", d["key"]),
                          content_type=d.get("content_type", "text/html"), url=d["url"])
            aid = store.add_article(cap, a, version="bench", settings_hash="bench")
            t0 = time.perf_counter()
            with store.transaction() as con:
                dedup.assign(con, aid, a.text, day=None, now="bench")
            t_pass += time.perf_counter() - t0
            ids[i] = aid
        groups = dict(store.conn.execute("SELECT article_id, syndication_group FROM corpus_articles"))
        kinds = dict(store.conn.execute("SELECT article_id, copy_kind FROM corpus_articles"))
        wires = dict(store.conn.execute("SELECT article_id, wire FROM corpus_articles"))
        store.close()
    for i, aid in ids.items():
        docs[i]["wire_found"] = wires[aid]
    return ({i: groups[aid] for i, aid in ids.items()}, len(docs) / t_pass,
            {i: kinds[aid] for i, aid in ids.items()})


def union(n: int, pairs) -> dict[int, int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in range(n)}


def run_datasketch(docs: list[dict], shingle_sets: list[set[str]]) -> tuple[dict, dict]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(num_perm=dedup.NUM_PERM, params=(dedup.BANDS, dedup.ROWS))
    cands = set()
    for i, sh in enumerate(shingle_sets):
        if not len(sh):
            continue
        m = _ds_minhash(MinHash, sh)
        for j in lsh.query(m):
            cands.add((min(i, j), max(i, j)))
        lsh.insert(i, m)
    verified = {p for p in cands if dedup.is_copy(shingle_sets[p[0]], shingle_sets[p[1]])[0]}
    exact: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        toks = words(d["article"].text)
        if len(toks) >= dedup.MIN_WORDS_EXACT:
            exact.setdefault(dedup.content_key(toks), []).append(i)
    exact_pairs = {p for ids in exact.values() for p in combinations(ids, 2)}
    n = len(docs)
    return union(n, cands | exact_pairs), union(n, verified | exact_pairs)


def timed_all(fns: dict, texts: list[str], rounds: int = 7) -> dict[str, dict[str, int]]:
    """Documents/s of each function over ``texts``: rounds interleaved (so a busy moment on a
    shared machine hits every method alike); the best round (as ``timeit`` reports) and the
    median."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn(texts)
            times[name].append(time.perf_counter() - t0)
    return {k: {"best": round(len(texts) / min(v)), "median": round(len(texts) / sorted(v)[len(v) // 2])}
            for k, v in times.items()}


def _ds_minhash(MinHash, hashes):  # noqa: N803
    # datasketch over the same shingles: their 64-bit hashes folded to the 32 bits its
    # permutations expect, passed through an identity hash function
    m = MinHash(num_perm=dedup.NUM_PERM, seed=1, hashfunc=_identity)
    m.update_batch((hashes & 0xFFFFFFFF) ^ (hashes >> 32))
    return m


def _identity(x):
    return x


def minhash_rensa_one(texts: list[str]) -> None:
    """The whole-text MinHash step, one document at a time (words, shingles, signature, band
    keys): the anchor measured since the first version of this bench."""
    h = dedup.hasher()
    for t in texts:
        _, sh = dedup.text_shingles(t)
        if len(sh):
            h.band_keys(h.signature(sh))


def minhash_rensa_one_with_leads(texts: list[str]) -> None:
    """The ingest path now: the whole-text keys and the lead windows' keys."""
    for t in texts:
        dedup.index_keys(t)


def minhash_rensa_bulk(texts: list[str]) -> None:
    h = dedup.hasher()
    sets = [dedup.text_shingles(t)[1] for t in texts]
    for row in h.signatures([s for s in sets if len(s)]):
        h.band_keys(row)


def minhash_datasketch(texts: list[str]) -> None:
    from datasketch import MinHash

    for t in texts:
        _, sh = dedup.text_shingles(t)
        if len(sh):
            _ds_minhash(MinHash, sh).digest()


def minhash_datasketch_strings(texts: list[str]) -> None:
    """datasketch as usually used: string shingles, its own SHA-1 hashing."""
    from datasketch import MinHash

    for t in texts:
        tokens = words(t)
        if len(tokens) >= dedup.MIN_WORDS:
            m = MinHash(num_perm=dedup.NUM_PERM, seed=1)
            m.update_batch([" ".join(tokens[i:i + 5]).encode() for i in range(len(tokens) - 4)])
            m.digest()


def shingling_only(texts: list[str]) -> None:
    for t in texts:
        dedup.text_shingles(t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--sample", type=int, default=90, help="originals given planted copies")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=BENCH / "results" / "dedup.json")
    args = ap.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass

    t0 = time.perf_counter()
    docs, info = build(args.data, args.sample, args.seed)
    info["build_s"] = round(time.perf_counter() - t0, 1)
    texts = [d["article"].text for d in docs]
    words_total = sum(len(t.split()) for t in texts)
    info["mean_words"] = round(words_total / len(texts))
    print(f"corpus: {info['documents']} documents ({info['originals']} originals, {info['copies']} planted "
          f"copies of {info['sampled']}), mean {info['mean_words']} words; built in {info['build_s']}s")

    pred, store_rate, marks = run_nutgraf(docs)
    nut = score(pred, docs)
    nut["store_pass_docs_per_s"] = round(store_rate)
    nut["copy_kind_marked"] = kinds_marked(marks, pred, docs)
    dumps = [d for d in docs if d["kind"] == "text"]
    nut["text_dumps_wire_found"] = {"dumps": len(dumps), "service_found": sum(
        1 for d in dumps if d["wire_found"] and {"Associated Press": "AP"}.get(d["service"], d["service"])
        in d["wire_found"].split(","))}
    shingle_sets = [dedup.unique(dedup.text_shingles(t)[1]) for t in texts]
    ds_raw, ds_verified = run_datasketch(docs, shingle_sets)
    ds = score(ds_verified, docs)
    ds_raw_s = score(ds_raw, docs)

    speed = timed_all({
        "rensa_one_at_a_time": minhash_rensa_one,
        "rensa_one_at_a_time_with_leads": minhash_rensa_one_with_leads,
        "rensa_bulk": minhash_rensa_bulk,
        "datasketch": minhash_datasketch,
        "datasketch_string_shingles": minhash_datasketch_strings,
        "shingling_only": shingling_only,
    }, texts)
    figures = {
        "corpus": info,
        "parameters": {"num_perm": dedup.NUM_PERM, "bands": dedup.BANDS, "rows": dedup.ROWS,
                       "shingle_words": dedup.SHINGLE, "jaccard_min": dedup.JACCARD_MIN,
                       "containment_min": dedup.CONTAINMENT_MIN, "min_words": dedup.MIN_WORDS,
                       "lead_words": dedup.LEAD_WORDS, "lead_perm": dedup.LEAD_PERM, "lead_bands": dedup.LEAD_BANDS,
                       "partial_min": dedup.PARTIAL_MIN, "lead_in_min": dedup.LEAD_IN_MIN,
                       "full_min": dedup.FULL_MIN},
        "nutgraf": nut,
        "datasketch_lsh_verified": ds,
        "datasketch_lsh_raw_candidates": ds_raw_s,
        "minhash_docs_per_s_one_core": speed,
        "bar": {"precision": 0.98, "recall": 0.95, "same_site_false_merges": 0, "docs_per_s": 5000,
                "note": "precision and recall overall, on each half and for the trimmed and text kinds"},
    }
    checks = [nut] + list(nut["halves"].values()) + [nut["by_kind"]["trimmed"], nut["by_kind"]["text"]]
    figures["bar"]["met"] = (all(r["precision"] >= 0.98 and r["recall"] >= 0.95 for r in checks) and
                             nut["same_site_false_merges"] == 0 and speed["rensa_one_at_a_time"]["median"] >= 5000)
    print(f"{'':34}{'precision':>10}{'recall':>8}{'pairs':>7}{'false':>7}{'same-site':>10}")
    for name, r in (("nutgraf (rensa, SQLite bands)", nut), ("datasketch LSH + verification", ds),
                    ("datasketch LSH, raw candidates", ds_raw_s)):
        print(f"{name:34}{r['precision']:>10.4f}{r['recall']:>8.4f}{r['predicted_pairs']:>7}{r['false_pairs']:>7}"
              f"{r['same_site_false_merges']:>10}")
    print(f"missed pairs by copy kind (nutgraf): {nut['missed_by_kind']}")
    print(f"{'nutgraf pairwise P / R':34}" + "".join(f"{k:>18}" for k in ("all",) + ALL_KINDS))
    for h in ("all",) + HALVES:
        r = nut if h == "all" else nut["halves"][h]
        cells = [f"{r['precision']:.3f}/{r['recall']:.3f}"] + [
            f"{r['by_kind'][k]['precision']:.3f}/{r['by_kind'][k]['recall']:.3f}" for k in ALL_KINDS]
        print(f"{h:34}" + "".join(f"{c:>18}" for c in cells))
    print(f"copy_kind marked, by kind planted: {nut['copy_kind_marked']}")
    print(f"text dumps whose wire service was found (byline, dateline): {nut['text_dumps_wire_found']}")
    print("MinHash step, documents/s on one core (best / median of 7 rounds): "
          + ", ".join(f"{k} {v['best']}/{v['median']}" for k, v in speed.items()))
    print(f"store pass (dedup.assign incl. SQLite lookups, verification, inserts): {nut['store_pass_docs_per_s']} docs/s")
    print(f"bar met: {figures['bar']['met']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()

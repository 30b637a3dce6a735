"""Near-duplicates and syndication groups (corpus.dedup), persisted in the store."""

from __future__ import annotations

import json

import pytest

import nutgraf
from nutgraf import corpus
from nutgraf.corpus import dedup
from nutgraf.corpus.wire import wire_cues
from nutgraf.store import open_store
from storehelp import make_article
from corpushelp import SITE_FOOTER, UNRELATED, WIRE, make, store_all, wrap_template


def groups(store) -> dict[int, int]:
    return dict(store.conn.execute("SELECT article_id, syndication_group FROM corpus_articles"))


def test_copies_across_templates_grouped(tmp_path):
    pages = [wrap_template(WIRE, "Russians flee call-up to Kazakhstan", "Daily Planet"),
             wrap_template(WIRE, "Kazakhstan opens its doors to fleeing Russians", "Morning Herald")]
    arts = [nutgraf.extract(p, url=f"https://site{i}.example/story") for i, p in enumerate(pages)]
    assert arts[0].title != arts[1].title and "Home" not in arts[0].text
    arts[0].published, arts[1].published = "2024-03-04T08:00:00Z", "2024-03-04T10:00:00Z"
    with open_store(tmp_path / "d.db") as store:
        a, b = store_all(store, arts)
        g = groups(store)
        assert g[a] == g[b] == a
        row = store.conn.execute("SELECT similarity, matched_id FROM corpus_articles WHERE article_id = ?",
                                 (b,)).fetchone()
        assert row[0] == 1.0 and row[1] == a  # same words: the exact-copy key matched


def test_light_edits_grouped(tmp_path):
    paras = WIRE.split("\n\n")
    changed = WIRE.replace("local reporters said", "according to reporters from the regional newspaper")
    dropped = "\n\n".join(paras[:3] + paras[4:])
    credited = WIRE + "\n\n(Reporting by Olzhas Auyezov in Almaty; Editing by Mark Heinrich) (Reuters)"
    reworded = WIRE.replace("Thousands of Russian men", "Tens of thousands of Russian men of fighting age")
    variants = [WIRE, changed, dropped, credited, reworded]
    arts = [make(t, title=f"Headline {i}", published="2024-03-04", url=f"https://w{i}.example/x")
            for i, t in enumerate(variants)]
    with open_store(tmp_path / "d.db") as store:
        ids = store_all(store, arts)
        g = groups(store)
        assert {g[i] for i in ids} == {ids[0]}
        wire = store.conn.execute("SELECT wire FROM corpus_articles WHERE article_id = ?", (ids[3],)).fetchone()[0]
        assert wire == "AP,Reuters"


def test_unrelated_same_site_never_merged(tmp_path):
    # one site, a leftover footer line in each text, and a near-empty page twice
    arts = [make(t + "\n\n" + SITE_FOOTER, title=f"Local {i}", published="2024-03-04",
                 url=f"https://valley.example/{i}", site="Valley News") for i, t in enumerate(UNRELATED)]
    arts += [make("Page not found.", title="404", published=None, url=f"https://valley.example/x{i}",
                  site="Valley News") for i in range(2)]
    with open_store(tmp_path / "d.db") as store:
        ids = store_all(store, arts)
        g = groups(store)
        assert len({g[i] for i in ids}) == len(ids)
        assert all(r[0] == 1 for r in store.conn.execute("SELECT is_original FROM corpus_articles"))


def test_grouping_persists_across_runs(tmp_path, monkeypatch):
    """Two `ingest` runs into one store: the copy in the second run joins the first run's group."""
    from nutgraf.run import local

    texts = {"a.html": WIRE, "b.html": UNRELATED[0], "c.html": WIRE.replace("Tuesday", "Wednesday")}
    for name, text in texts.items():
        (tmp_path / name).write_text(f"<html><body><article><p>{text}</p></article></body></html>")

    def fake_process(captures, text_group=False):
        out = []
        for c in captures:
            name = c.origin.path.rsplit("/", 1)[-1]
            a = make(texts[name], title=name, published={"c.html": "2024-03-01"}.get(name, "2024-03-05"),
                     url=f"https://{name}.example/")
            out.append(local.Outcome(c.id, a, None))
        return out

    monkeypatch.setattr(local, "process", fake_process)
    db = tmp_path / "runs.db"
    local.ingest([str(tmp_path / "a.html"), str(tmp_path / "b.html")], db, workers=1)
    local.ingest([str(tmp_path / "c.html")], db, workers=1)
    with open_store(db) as store:
        ids = {r[1]: r[0] for r in store.conn.execute("SELECT id, title FROM articles")}
        g = groups(store)
        assert g[ids["c.html"]] == g[ids["a.html"]] == ids["a.html"] != g[ids["b.html"]]
        # c.html was published earlier: it is the original, though stored later
        orig = dict(store.conn.execute("SELECT article_id, is_original FROM corpus_articles"))
        assert orig[ids["c.html"]] == 1 and orig[ids["a.html"]] == 0
        bands = store.conn.execute("SELECT count(*) FROM minhash_bands").fetchone()[0]
        assert bands == sum(dedup.BANDS + len(dedup.lead_keys(t)) for t in texts.values())


def test_earliest_published_is_original(tmp_path):
    times = ["2024-03-04T12:00:00+00:00", "2024-03-04T09:00:00+02:00", None, "2024-03-04T08:00:00Z"]
    arts = [make(WIRE, title=f"v{i}", published=p, url=f"https://o{i}.example/") for i, p in enumerate(times)]
    with open_store(tmp_path / "d.db") as store:
        ids = store_all(store, arts)
        rows = {r[0]: r[1:] for r in store.conn.execute(
            "SELECT article_id, syndication_group, original_id, is_original FROM corpus_articles")}
        # 09:00+02:00 is 07:00 UTC, earlier than 08:00Z
        assert all(r[0] == ids[0] and r[1] == ids[1] for r in rows.values())
        assert [rows[i][2] for i in ids] == [0, 1, 0, 0]
        members = dedup.group_members(store.conn, ids[0])
        assert [m["id"] for m in members][0] == ids[1] and members[-1]["published"] is None


def test_bridging_article_merges_groups(tmp_path):
    first, second = WIRE.split("\n\n")[:3], WIRE.split("\n\n")[2:]
    a = "\n\n".join(first) + "\n\n" + UNRELATED[0]
    b = UNRELATED[1] + "\n\n" + "\n\n".join(second)
    with open_store(tmp_path / "d.db") as store:
        ids = store_all(store, [make(a, title="a", published=None, url="https://a.example/"),
                                make(b, title="b", published=None, url="https://b.example/"),
                                make(WIRE, title="whole", published=None, url="https://c.example/")])
        g = groups(store)
        assert g[ids[0]] != g[ids[1]] or g[ids[2]] == g[ids[0]]  # merged only through the bridge, if at all
        assert g[ids[2]] in (g[ids[0]], g[ids[1]], ids[2])


def test_wire_cues():
    text = "LONDON, March 3 (Reuters) - Shares fell.\n\nMore text here.\n\n\u00a9 AFP 2024"
    cues = wire_cues(text)
    assert [(c.service, c.kind) for c in cues] == [("Reuters", "dateline"), ("AFP", "copyright")]
    assert text[cues[0].start:cues[0].end] == "LONDON, March 3 (Reuters) -"
    assert wire_cues("He told Reuters in an interview that prices rose.") == []
    assert wire_cues("WASHINGTON (AP) \u2014 The Senate voted.")[0].service == "AP"
    assert wire_cues("(Reporting by Jane Doe; Editing by Bob Roe)")[0].service == "Reuters"


NUTGRAF_HASH = 7593379338064190908


def test_band_keys_stable():
    h = dedup.MinHasher()
    n, sh = dedup.shingle_hashes("A b, c d e f!")
    assert n == 6 and len(sh) == 2
    keys = h.band_keys(h.signature(sh))
    assert len(keys) == dedup.BANDS and len(set(keys)) == dedup.BANDS
    assert keys == dedup.MinHasher().band_keys(dedup.MinHasher().signature(sh[::-1]))
    # case and punctuation do not matter; words do
    assert list(dedup.shingle_hashes("a B c. D e \u2014 f")[1]) == list(sh)
    assert list(dedup.shingle_hashes("a b c d x f")[1]) != list(sh)
    # fixed values: band keys are persisted, so hashing must never change silently
    assert int(dedup.word_hashes("nutgraf")[0]) == NUTGRAF_HASH


def test_old_store_upgraded_and_caught_up(tmp_path):
    """A version-1 store (no corpus tables) gets them when opened, and catch_up fills them."""
    path = tmp_path / "old.db"
    with open_store(path) as store:
        store_all(store, [make(WIRE, title="x", published="2024-03-04", url="https://x.example/"),
                          make(WIRE, title="y", published="2024-03-05", url="https://y.example/")], passes=False)
        for t in ("corpus_articles", "minhash_bands", "stories", "story_features", "term_df", "entity_registry",
                  "entity_links", "quote_clusters", "quote_links", "figure_clusters", "figure_links",
                  "figure_conflicts"):
            store.conn.execute(f"DROP TABLE {t}")
        store.conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with open_store(path) as store:
        assert corpus.pending(store) == [1, 2]
        assert corpus.catch_up(store) == 2 and corpus.pending(store) == []
        assert set(groups(store).values()) == {1}


def test_exports_carry_group_and_story(tmp_path):
    from nutgraf.store.export import export

    with open_store(tmp_path / "d.db") as store:
        store_all(store, [make(WIRE, title="x", published="2024-03-04", url="https://x.example/"),
                          make(WIRE, title="y", published="2024-03-05", url="https://y.example/")])
        c, a = make_article(5)
        store.add_article(c, a, version="test", settings_hash="test")  # one the passes have not seen
        export(store, "jsonl", tmp_path / "a.jsonl")
        export(store, "csv", tmp_path / "csv")
        export(store, "parquet", tmp_path / "pq")
    records = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert [r["syndication_group"] for r in records] == [1, 1, None]
    assert records[0]["story_id"] == records[1]["story_id"] is not None
    import csv

    with open(tmp_path / "csv" / "articles.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["syndication_group"] for r in rows] == ["1", "1", ""]
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(tmp_path / "pq" / "articles.parquet").to_pylist()
    assert [r["syndication_group"] for r in table] == [1, 1, None] and table[0]["story_id"] is not None


def test_is_copy_thresholds():
    a = set(f"w{i}" for i in range(100))
    assert dedup.is_copy(a, set(list(a)[:90]))[0]          # containment 1.0, Jaccard 0.9
    assert dedup.is_copy(a, set(list(a)[:45]))[0]          # a shortened copy: containment 1.0
    assert not dedup.is_copy(a, set(list(a)[:20]) | {f"x{i}" for i in range(80)})[0]

"""Partial copies (corpus.dedup): the top of a wire story run with a local paragraph, the
original kept as the earliest full version, ``copy_kind`` on each copy, boilerplate shared by
one site's articles never merging them, and a store made before ``copy_kind`` upgraded by the
next pass; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from nutgraf.corpus import dedup, sql
from nutgraf.store import open_store
from corpushelp import UNRELATED, WIRE, make, store_all

PARAS = WIRE.split("\n\n")
LOCAL = ("Residents of Millbrook who have relatives in the region said they were following the news "
         "closely, and the town council is expected to discuss a response at its meeting next month.")
TOP2 = "\n\n".join(PARAS[:2])  # the first 40% of the paragraphs
TRIMMED = TOP2 + "\n\n" + LOCAL
ON_TOP = LOCAL + "\n\n" + TOP2
BOILER = ("This story is part of our series on the region's economy, produced with the support of the "
          "regional journalism fund; the fund has no say over what we cover or how we cover it, and "
          "readers can send questions about the series to our newsroom by email.")


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "d.db")
    return request.getfixturevalue("pg_url")


def rows(store) -> dict[int, tuple]:
    return {r[0]: tuple(r[1:]) for r in sql.connect(store).execute(
        "SELECT article_id, syndication_group, original_id, is_original, copy_kind FROM corpus_articles").fetchall()}


def test_relate_kinds():
    whole, top = dedup.Text.of(WIRE), dedup.Text.of(TRIMMED)
    r = dedup.relate(top, whole)
    assert r.match and r.kind == "trimmed" and r.jaccard < dedup.JACCARD_MIN
    assert dedup.relate(whole, top).kind == "contains"
    assert dedup.relate(dedup.Text.of(ON_TOP), whole).kind == "trimmed"
    assert dedup.relate(dedup.Text.of(WIRE.replace("Tuesday", "Wednesday")), whole).kind == "full"
    # one site: a partial copy is not enough (boilerplate, templates); whole copies still are
    assert not dedup.relate(top, whole, same_site=True).match
    assert dedup.relate(whole, whole, same_site=True).match
    # unrelated texts sharing one boilerplate paragraph, on two sites
    a, b = (dedup.Text.of(t + "\n\n" + BOILER) for t in UNRELATED[:2])
    assert not dedup.relate(a, b).match


def test_lead_windows():
    assert len(dedup.lead_windows(WIRE)) == 2
    assert dedup.lead_windows("too short") == []
    # the wire lead, moved to the second paragraph by a local one on top, gives the same keys
    keys_wire = set(dedup.lead_keys(WIRE))
    keys_top = set(dedup.lead_keys(ON_TOP))
    assert len(keys_wire & keys_top) >= dedup.LEAD_BANDS // 2
    assert all(k not in set(dedup.hasher().band_keys(dedup.hasher().signature(dedup.text_shingles(WIRE)[1])))
               for k in keys_wire)


def test_trimmed_copy_joins_and_original_stays_full(store_url):
    arts = [make(WIRE, title="wire", published="2024-03-04T10:00:00Z", url="https://wire.example/a"),
            # published earlier than the wire story: still not the original (not a full version)
            make(TRIMMED, title="local", published="2024-03-04T08:00:00Z", url="https://local.example/a",
                 site="Local"),
            make(ON_TOP, title="local 2", published="2024-03-05", url="https://other.example/a", site="Other"),
            make(WIRE.replace("Tuesday", "Wednesday"), title="copy", published="2024-03-06",
                 url="https://copy.example/a", site="Copy")]
    with open_store(store_url) as store:
        ids = store_all(store, arts)
        r = rows(store)
        assert {r[i][0] for i in ids} == {ids[0]}
        assert [r[i][1] for i in ids] == [ids[0]] * 4
        assert [r[i][3] for i in ids] == [None, "trimmed", "trimmed", "full"]
        members = dedup.group_members(sql.connect(store), ids[0])
        assert [m["copy_kind"] for m in members if m["id"] == ids[1]] == ["trimmed"]


def test_full_version_after_trimmed_takes_over(store_url):
    arts = [make(TRIMMED, title="local", published="2024-03-04T08:00:00Z", url="https://local.example/a"),
            make(WIRE, title="wire", published="2024-03-04T10:00:00Z", url="https://wire.example/a")]
    with open_store(store_url) as store:
        t, w = store_all(store, arts)
        r = rows(store)
        assert r[t][0] == r[w][0] == t          # the group keeps its first member's id
        assert r[t][1] == r[w][1] == w          # the full version is the original
        assert (r[w][2], r[w][3]) == (1, None) and (r[t][2], r[t][3]) == (0, "trimmed")


def test_one_site_boilerplate_never_merges(store_url):
    site = "https://valley.example/"
    arts = [make(t + "\n\n" + BOILER, title=f"s{i}", published="2024-03-04", url=f"{site}{i}", site="Valley")
            for i, t in enumerate(UNRELATED)]
    # a brief whose boilerplate paragraph is most of it, and a story that opens with that paragraph
    brief = ("Ferry services to the islands resume on Monday after the storm, the operator said, with extra "
             "sailings in the afternoon for passengers whose trips were cancelled last week.")
    arts.append(make(brief + "\n\n" + BOILER, title="short",
                     published="2024-03-05", url=f"{site}short", site="Valley"))
    own = ("The school board voted to extend the lunch break by ten minutes from next term after a survey "
           "of parents, pupils and teachers found that most children did not have time to finish eating.")
    arts.append(make(BOILER + "\n\n" + own, title="top", published="2024-03-05", url=f"{site}top", site="Valley"))
    with open_store(store_url) as store:
        ids = store_all(store, arts)
        r = rows(store)
        assert len({r[i][0] for i in ids}) == len(ids)


def test_old_store_upgraded(tmp_path):
    """A store whose corpus_articles lacks copy_kind (and has no lead keys) is upgraded by the
    next pass: the column added, the lead keys of the articles already seen indexed."""
    path = tmp_path / "old.db"
    with open_store(path) as store:
        w, c = store_all(store, [make(WIRE, title="w", published="2024-03-04", url="https://w.example/"),
                                 make(WIRE, title="c", published="2024-03-05", url="https://c.example/")])
        store.conn.execute("ALTER TABLE corpus_articles DROP COLUMN copy_kind")
        store.conn.execute("DELETE FROM minhash_bands")
        for aid in (w, c):  # the whole-text keys only, as an older pass wrote them
            sh = dedup.text_shingles(WIRE)[1]
            store.conn.executemany("INSERT INTO minhash_bands (band_key, article_id) VALUES (?, ?)",
                                   [(k, aid) for k in dedup.hasher().band_keys(dedup.hasher().signature(sh))])
        assert not dedup.has_copy_kind(store.conn)
        assert dedup.group_members(store.conn, w)[1]["copy_kind"] is None
    with open_store(path) as store:
        (t,) = store_all(store, [make(TRIMMED, title="t", published="2024-03-06", url="https://t.example/")])
        r = rows(store)
        assert r[t][0] == w and r[w][2] == 1
        assert (r[c][3], r[t][3]) == ("full", "trimmed")


def test_old_postgres_store_upgraded(pg_url):
    with open_store(pg_url) as store:
        w, c = store_all(store, [make(WIRE, title="w", published="2024-03-04", url="https://w.example/"),
                                 make(WIRE, title="c", published="2024-03-05", url="https://c.example/")])
        con = sql.connect(store)
        con.execute("ALTER TABLE corpus_articles DROP COLUMN copy_kind", ())
        con.execute("DELETE FROM minhash_bands", ())
        assert not dedup.has_copy_kind(con)
    with open_store(pg_url) as store:
        (t,) = store_all(store, [make(TRIMMED, title="t", published="2024-03-06", url="https://t.example/")])
        r = rows(store)
        assert r[t][0] == w and (r[c][3], r[t][3]) == ("full", "trimmed")


def test_wire_bylines():
    from nutgraf.corpus.wire import wire_cues

    text = "Cat found\n\nBy JANE DOE\nAssociated Press\n\nSANTA FE, N.M. (AP) \u2014 A cat was found."
    cues = wire_cues(text)
    assert [(c.service, c.kind) for c in cues] == [("AP", "byline"), ("AP", "dateline")]
    assert text[cues[0].start:cues[0].end] == "By JANE DOE\nAssociated Press"
    assert wire_cues("By Jane Doe and John Roe, Reuters")[0].service == "Reuters"
    assert wire_cues("By Anna Smith\n\nThe council met in April.") == []
    assert wire_cues("By the way, AP style is fine.") == []

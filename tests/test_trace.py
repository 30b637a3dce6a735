"""Facts across articles (corpus.travel): one quote, one figure reported by many; conflicts."""

from __future__ import annotations

import json

from click.testing import CliRunner

from nutgraf.cli import main
from nutgraf.corpus import travel
from nutgraf.store import open_store
from corpushelp import make, store_all

Q = "We will not turn them away, they are in a hopeless situation"
Q_EDITED = "We will not turn them away; they are in a hopeless situation, and we must help them"
ENTS = [("Kazakhstan", "GPE"), ("Uralsk", "GPE"), ("Kassym-Jomart Tokayev", "PERSON"), ("Tokayev", "PERSON"),
        ("Vladimir Putin", "PERSON"), ("Putin", "PERSON"), ("Brighton", "GPE")]

DOCS = [
    ("2022-09-27", "Russians flee to Kazakhstan as Putin orders mobilisation",
     f"Kazakh officials said that 98,000 Russians had entered Kazakhstan since the mobilisation began. "
     f"\u201c{Q},\u201d President Kassym-Jomart Tokayev said, as queues grew at the Uralsk border crossing "
     f"after Vladimir Putin ordered reservists to report.",
     [(Q, "Kassym-Jomart Tokayev", "PERSON")], [("98,000 Russians", 98000.0, "people", "Russians")]),
    ("2022-09-28", "Tokayev promises shelter to Russians fleeing Putin's call-up",
     f"About 100,000 people have entered Kazakhstan since the mobilisation began, officials said. "
     f"\u201c{Q},\u201d Tokayev said of the reservists queuing at the Uralsk border crossing to escape "
     f"Putin's decree.",
     [(Q, "Tokayev", "PERSON")], [("About 100,000 people", 100000.0, "people", "people")]),
    ("2022-09-29", "Border queues grow at Uralsk as Russians head for Kazakhstan",
     f"Officials repeated that 98,000 Russians had entered Kazakhstan since the mobilisation began. "
     f"\u201c{Q_EDITED},\u201d Tokayev said at the Uralsk border crossing, where reservists fleeing Putin's "
     f"mobilisation waited.",
     [(Q_EDITED, "Tokayev", "PERSON")], [("98,000 Russians", 98000.0, "people", "Russians")]),
    ("2022-09-28", "Record crowd for Brighton seafront concert",
     "Organisers said 100,000 people attended the free seafront concert in Brighton on Saturday night. "
     f"\u201c{Q},\u201d the singer Ann Lee joked from the stage about the crowd at the barriers.",
     [(Q, "Ann Lee", "PERSON")], [("100,000 people", 100000.0, "people", "people")]),
]


def build(store):
    arts = [make(text, title=title, published=day, url=f"https://s{i}.example/{i}", site=f"Site {i}",
                 entities=ENTS + [("Ann Lee", "PERSON")], quotes=quotes, amounts=amounts)
            for i, (day, title, text, quotes, amounts) in enumerate(DOCS)]
    # stored out of order: the earliest article arrives second
    order = [1, 0, 2, 3]
    ids = store_all(store, [arts[i] for i in order])
    return dict(zip(order, ids))


def test_quote_travels(tmp_path):
    with open_store(tmp_path / "t.db") as store:
        ids = build(store)
        found = travel.trace(store.conn, "we will not turn them away they are in a hopeless situation")
        tokayev = next(r for r in found if r["speaker_id"] is not None and "Tokayev" in r["speaker"])
        assert tokayev["appearances"] == 3 and tokayev["articles"] == 3
        assert tokayev["first"]["article_id"] == ids[0] and tokayev["first"]["published"] == "2022-09-27"
        assert [i["article_id"] for i in tokayev["later"]] == [ids[1], ids[2]]
        # the same words from another speaker are another quote
        assert any(r["speaker"] == "Ann Lee" and r["appearances"] == 1 for r in found)
        row = store.conn.execute("SELECT first_article_id, members FROM quote_clusters WHERE id = ?",
                                 (tokayev["cluster_id"],)).fetchone()
        assert tuple(row) == (ids[0], 3)


def test_figure_travels_and_conflict_flagged(tmp_path):
    with open_store(tmp_path / "t.db") as store:
        ids = build(store)
        found = travel.trace(store.conn, "98,000")
        assert len(found) == 1
        fig = found[0]
        assert fig["appearances"] == 2 and fig["first"]["article_id"] == ids[0]
        assert fig["later"][0]["article_id"] == ids[2]
        assert len(fig["conflicts"]) == 1
        c = fig["conflicts"][0]
        assert c["value"] == 100000 and c["first"]["article_id"] == ids[1]
        # the concert's 100,000 is another story: neither merged with nor in conflict with it
        concert = travel.trace(store.conn, "100,000 attended")
        assert len(concert) == 1 and concert[0]["first"]["article_id"] == ids[3] and not concert[0]["conflicts"]
        assert len(travel.conflicts(store.conn)) == 1


def test_parse_figure():
    assert travel.parse_figure("98,000") == (98000.0, set())
    assert travel.parse_figure("$1.2bn")[0] == 1.2e9
    assert travel.parse_figure("98,000 Russians entered")[1] == {"russian", "entered"}
    assert travel.parse_figure("we will not turn them away") is None


def test_trace_cli(tmp_path):
    db = tmp_path / "t.db"
    with open_store(db) as store:
        build(store)
    result = CliRunner().invoke(main, ["trace", "98,000", "--db", str(db)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "first" in out and "2022-09-27" in out and "CONFLICT" in out and "https://s0.example/0" in out
    result = CliRunner().invoke(main, ["trace", Q, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data[0]["kind"] == "quote" and data[0]["appearances"] == 3
    result = CliRunner().invoke(main, ["trace", "zebra crossing in the rain", "--db", str(db)])
    assert result.exit_code == 1

"""``ingest --dask``: the same tasks on a real Dask cluster (a scheduler and two worker
processes on loopback), the same store as a local run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from nutgraf.cli import main
from nutgraf.run.local import ingest
from nutgraf.store import open_store

distributed = pytest.importorskip("distributed")

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PAGES = sorted((SAMPLES / "scrapinghub").glob("*.html.gz"))


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0", silence_logs=40) as c:
        yield c


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    for p in PAGES[:8]:
        shutil.copy(p, root / p.name)
    for p in (SAMPLES / "seed").glob("*.txt"):
        shutil.copy(p, root / p.name)
    return root


def cli(*args: str, code: int = 0):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result


def _records(db) -> dict[str, dict]:
    with open_store(db) as store:
        return {r["capture_id"]: {k: v for k, v in r.items() if k != "id"} for r in store.iter_articles()}


def test_dask_run_equals_local_run(cluster, corpus, tmp_path):
    local, remote = tmp_path / "local.db", tmp_path / "dask.db"
    ingest([str(corpus)], local, workers=1)
    docs = len(list(corpus.iterdir()))

    out = cli("ingest", str(corpus), "--db", str(remote), "--dask", cluster.scheduler_address).output
    assert f"{docs} ingested, 0 unchanged, 0 skipped, 0 failed" in out
    with open_store(local) as a, open_store(remote) as b:
        assert a.counts() == b.counts() and a.counts()["articles"] == docs
        assert a.counts()["quotes"] > 0
        q = "SELECT capture_id FROM articles ORDER BY capture_id"
        assert [r[0] for r in a.conn.execute(q)] == [r[0] for r in b.conn.execute(q)]
        workers = b.conn.execute("SELECT workers, sources FROM runs").fetchone()
        assert workers[0] == 2 and json.loads(workers[1]) == [str(corpus)]
    assert _records(local) == _records(remote)  # the same articles and facts, span for span
    # spaCy was loaded once in each worker process (the plugin), then reused by every batch
    from nutgraf.facts import nlp

    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        infos = client.run(nlp.load.cache_info)
    assert len(infos) == 2 and all(i.misses == 1 and i.currsize == 1 for i in infos.values())

    again = cli("ingest", str(corpus), "--db", str(remote), "--dask", cluster.scheduler_address).output
    assert f"0 ingested, {docs} unchanged" in again


def test_dask_into_postgres(cluster, corpus, pg_url, tmp_path):
    src = tmp_path / "few"
    src.mkdir()
    for p in PAGES[:3]:
        shutil.copy(p, src / p.name)
    cli("ingest", str(src), "--db", pg_url, "--dask", cluster.scheduler_address)
    with open_store(pg_url) as store:
        assert store.counts()["articles"] == 3


def test_dask_errors(cluster, tmp_path):
    from nutgraf.run.dask import DaskError, connect

    with pytest.raises(DaskError, match="cannot reach"):
        connect("tcp://127.0.0.1:9", timeout=1)
    result = cli("ingest", str(tmp_path), "--db", str(tmp_path / "x.db"), "--workers", "2",
                 "--dask", cluster.scheduler_address, code=2)
    assert "exclude each other" in result.output

"""``ingest --dask tcp://host:8786``: the same per-document task on a Dask distributed cluster.

Everything but *where* ``run.local.process`` runs is ``run.local.ingest``: sources are read,
captures are looked up (resume = skip) and the single writer stores each document in its own
transaction, all in this process.  The batches of captures are submitted to the cluster
(``Client.submit``, wrapped as ``concurrent.futures`` futures) with at most two per worker
thread in flight, and each result is written as soon as it comes back (first completed,
first written), so memory stays flat whatever the corpus size.

- **Workers** must have nutgraf and its spaCy model installed (the same environment as
  here).  spaCy is loaded once per worker process: a worker plugin loads it when the worker
  joins (``nlp.load`` is cached per process), so the first batches do not pay for it.
- **Threads**: spaCy gains nothing from threads (the GIL), so run workers with one thread
  each and one process per core: ``dask worker tcp://host:8786 --nworkers 4 --nthreads 1``.
  A worker with several threads still works: batches run one at a time per process.
- ``workers`` recorded with the run is the cluster's total number of threads.

    dask scheduler                                   # on one machine (port 8786)
    dask worker tcp://sched:8786 --nworkers 4 --nthreads 1   # on each worker machine
    nutgraf ingest crawl/ --db postgresql://... --dask tcp://sched:8786
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

from nutgraf.facts.nlp import blas_threads
from nutgraf.run.local import IngestStats, ingest, process

_LOCK = threading.Lock()  # one batch at a time per worker process (spaCy is not made for threads)


def _task(batch: list, as_text: bool) -> list:
    """``process`` on a worker (runs in the worker process)."""
    with _LOCK, blas_threads(1):  # one batch on one core, as a local pool worker
        return process(batch, as_text)


def _load_model() -> None:
    import os

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from nutgraf.facts import nlp

    nlp.load()


class DaskError(RuntimeError):
    """The cluster cannot be reached or cannot run nutgraf."""


class _Executor(Executor):
    """Runs ``run.local``'s task function on the cluster as ``_task``; futures are
    ``concurrent.futures`` futures (``Client.get_executor``), so the local writer loop is unchanged."""

    def __init__(self, client: Any) -> None:
        self._inner = client.get_executor(pure=False)

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:  # type: ignore[override]
        if fn is process:
            fn = _task
        return self._inner.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait)


def _plugin() -> Any:
    from distributed.diagnostics.plugin import WorkerPlugin

    class LoadModel(WorkerPlugin):
        """Loads spaCy when a worker starts (and on workers that join later)."""

        name = "nutgraf-load-model"

        def setup(self, worker: Any) -> None:
            _load_model()

    return LoadModel()


def connect(address: str, *, timeout: float = 30) -> Any:
    """A ``distributed.Client`` on ``address`` with the model-loading plugin registered."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - pinned dependency
        raise DaskError("--dask needs dask distributed: pip install 'dask[distributed]'") from exc
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise DaskError(f"cannot reach the Dask scheduler at {address} ({exc})") from exc
    try:
        client.register_plugin(_plugin())
    except Exception as exc:  # noqa: BLE001 - a worker that cannot load the model
        client.close()
        raise DaskError(f"the Dask workers at {address} cannot load nutgraf's spaCy model ({exc})") from exc
    return client


def threads(client: Any) -> int:
    """Worker threads on the cluster now (at least 1)."""
    return max(1, sum(client.nthreads().values()))


def ingest_dask(sources: Iterable[str], db: str | Path | Any, address: str | Any, *,
                retry_failed: bool = False, on_progress: Callable[[IngestStats], None] | None = None,
                **kwargs: Any) -> IngestStats:
    """``run.local.ingest`` with the tasks on the Dask cluster at ``address`` (a scheduler
    address such as ``tcp://127.0.0.1:8786``, or a ``distributed.Client``)."""
    own = isinstance(address, str)
    client = connect(address) if own else address
    if not own:
        client.register_plugin(_plugin())
    try:
        if not client.nthreads():
            client.wait_for_workers(1, timeout=60)
        return ingest(sources, db, workers=threads(client), retry_failed=retry_failed, on_progress=on_progress,
                      executor=_Executor(client), **kwargs)
    finally:
        if own:
            client.close()


__all__ = ["DaskError", "connect", "ingest_dask", "threads"]

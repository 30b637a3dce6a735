"""``ingest``: sources → extract → facts → store, on this machine.

- **Workers compute, one writer writes.**  With ``workers > 1`` a process pool does the
  extraction and the facts (spaCy is loaded once per worker process, in its initializer);
  the main process is the only one that touches the database, one transaction per document.
  ``workers=1`` runs everything in-process (no pool, easiest to debug and profile).
- **Resume is skipping.**  Every capture is looked up in the store by its content hash
  before any work; one already there (stored, failed or skipped) is counted ``unchanged``.
  A killed run therefore resumes by running it again: whole documents were committed,
  the rest are done now.  ``retry_failed=True`` processes failed captures again.
- **Stored pages are not fetched again.**  A web page whose URL already has a stored
  article (``store.has_stored_url``) is counted ``unchanged`` without a request, so
  re-running a feed or URL list only downloads what is new (feeds and sitemaps are always
  fetched).  ``refetch=True`` fetches every page again; a changed page becomes a new capture.
- **Text dumps are cleaned per site.**  Plain-text captures (``.txt`` files, JSONL
  ``text`` records, ``text/plain`` WARC records) are not extracted one by one: they are
  grouped, by folder for files and by URL host for JSONL/WARC, and each group goes through
  ``extract.text.clean_site`` together, so lines the site repeats in several documents
  (share widgets, teasers, sign-up prompts) are recognised as furniture.  A group is sent
  when it reaches ``text_group`` documents or when the sources are exhausted; a lone text
  is cleaned as a group of one (the same as ``extract``).  Which documents share a group
  depends on the run, so the settings hash of these articles records the mode (``text-site``).
- HTML captures are sent in small batches so the facts pass can use ``nlp.pipe``.

The same task function (``process``) is what ``run.dask`` maps over a Dask cluster (the
``executor`` argument of ``ingest``); the writer stays here, in the main process.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nutgraf.extract import limits
from nutgraf.extract.decode import valid_text
from nutgraf.extract.limits import DEFAULT_TIMEOUT_S, MAX_INPUT_BYTES
from nutgraf.facts.nlp import blas_threads
from nutgraf.model import Article, ExtractionError
from nutgraf.sources import FetchOptions, SourceError, iter_sources
from nutgraf.sources.capture import Capture, Issue, Known, safe_label
from nutgraf.store import open_store

# HTML captures per task: a pool wants small tasks to share the work evenly; in-process, a
# larger batch lets nlp.pipe run its matrices fuller (a few per cent faster).
HTML_BATCH = 8
HTML_BATCH_IN_PROCESS = 32
TEXT_GROUP = 64
MAX_BUFFERED_TEXT = 2000
# Test hook: seconds to sleep after each stored document, so a test can kill a run midway.
_WRITE_DELAY_ENV = "NUTGRAF_INGEST_WRITE_DELAY"
# Test hook: a pool worker given a document containing these bytes dies at once (os._exit),
# as one killed by the OOM killer would; only read in pool workers, never in-process.
_DIE_ON_ENV = "NUTGRAF_TEST_WORKER_DIES_ON"
WORKER_DIED = ("worker died while processing this document (killed, e.g. by the out-of-memory killer); "
               "the pool was replaced and the run went on")


def _version() -> str:
    from nutgraf import __version__

    return __version__


def _gazetteer_hash() -> str | None:
    """The installed gazetteer's build hash: places depend on it as much as on the code."""
    try:
        from nutgraf.facts.places.gazetteer import open_gazetteer

        meta = open_gazetteer().meta
    except Exception:  # noqa: BLE001 - no gazetteer: the ingest reports it up front
        return None
    return meta.get("builder_sha256") or meta.get("sources")


def settings_hash(mode: str) -> str:
    """What an article depends on besides its bytes: the nutgraf version, the NLP model and
    the extraction settings, and how it was cleaned (``html``, ``text-site``)."""
    from nutgraf.facts import nlp, skipped_passes

    settings = {
        "version": _version(),
        "model": f"{nlp.MODEL_PACKAGE}=={nlp.MODEL_VERSION}",
        "disabled": list(nlp.DISABLED),
        "gemm": nlp.GEMM,
        "max_chars": nlp.MAX_CHARS,
        "timeout_s": DEFAULT_TIMEOUT_S,
        "max_input_bytes": MAX_INPUT_BYTES,
        "max_elements": limits.MAX_ELEMENTS,
        "max_text": [limits.MAX_TEXT_LINES, limits.MAX_TEXT_CHARS],
        "mode": mode,
        "skipped_passes": sorted(skipped_passes()),
        "gazetteer": _gazetteer_hash(),
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- worker side


@dataclass
class Outcome:
    capture_id: str
    article: Article | None
    error: str | None
    mode: str = "html"


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, (ExtractionError, OSError, ValueError)):
        return str(exc) or type(exc).__name__
    return f"internal error ({type(exc).__name__}: {exc})"


def _apply_hints(article: Article, capture: Capture) -> None:
    """The source's metadata where extraction found none.  A ``published`` hint is checked
    (an ISO-8601 date of a plausible year): a bad one is dropped with a warning instead of
    becoming the date that date filters match."""
    from nutgraf.sources.jsonl import check_published

    if article.url is None and capture.url:
        article.url = capture.url
    for key in ("title", "published"):
        value = capture.hints.get(key)
        if not value or getattr(article, key):
            continue
        if key == "published":
            good = check_published(value)
            if good is None:
                shown = value if len(value) <= 60 else value[:59] + "…"
                article.warnings.append(f"published hint {shown!r} is not an ISO-8601 date; ignored")
                continue
            value = good
        setattr(article, key, value)


def _clean_text_group(captures: list[Capture]) -> list[tuple[Capture, Article | None, str | None]]:
    """Plain-text captures of one site through ``clean_site`` together."""
    from nutgraf.extract.decode import decode_html, looks_binary
    from nutgraf.extract.limits import Deadline
    from nutgraf.extract.text import clean_site

    out: list[tuple[Capture, Article | None, str | None]] = []
    texts, kept, decoded = [], [], []
    for c in captures:
        if len(c.data) > MAX_INPUT_BYTES:
            out.append((c, None, f"input is {len(c.data) / 2**20:.1f} MiB, over the "
                                 f"{MAX_INPUT_BYTES // 2**20} MiB limit"))
            continue
        if looks_binary(c.data):
            out.append((c, None, "input looks binary (not HTML or text); skipped"))
            continue
        d = decode_html(c.data, "text/plain")
        texts.append(d.text)
        kept.append(c)
        decoded.append(d)
    if not kept:
        return out
    try:
        articles = clean_site(texts, urls=[c.url for c in kept],
                              deadline=Deadline(DEFAULT_TIMEOUT_S * max(1, len(kept))))
    except Exception:  # noqa: BLE001 - fall back to one at a time, each with its own error
        import nutgraf

        for c in kept:
            try:
                out.append((c, nutgraf.extract(c.data, url=c.url, content_type="text/plain"), None))
            except Exception as exc:  # noqa: BLE001
                out.append((c, None, _error_text(exc)))
        return out
    for c, d, a in zip(kept, decoded, articles):
        a.encoding = f"{d.encoding} ({d.how})"
        a.warnings[:0] = d.warnings
        out.append((c, a, None))
    return out


def process(captures: list[Capture], text_group: bool = False) -> list[Outcome]:
    """Extract and find the facts of a batch of captures (HTML, or one site's texts when
    ``text_group``).  Never raises: each document's failure is its own Outcome."""
    import nutgraf
    from nutgraf.facts import add_facts, add_facts_many

    if text_group:
        results = _clean_text_group(captures)
        mode = "text-site"
    else:
        results = []
        for c in captures:
            try:
                results.append((c, nutgraf.extract(c.data, url=c.url, content_type=c.content_type), None))
            except Exception as exc:  # noqa: BLE001
                results.append((c, None, _error_text(exc)))
        mode = "html"
    done = [(c, a) for c, a, err in results if a is not None]
    for c, a in done:
        _apply_hints(a, c)
    errors: dict[str, str] = {}
    try:
        list(add_facts_many([a for _, a in done]))
    except Exception:  # noqa: BLE001 - find which one breaks, keep the others
        for c, a in done:
            try:
                add_facts(a)
            except Exception as exc:  # noqa: BLE001
                errors[c.id] = f"facts: {_error_text(exc)}"
    outcomes = []
    for c, a, err in results:
        if a is not None and c.id in errors:
            a, err = None, errors[c.id]
        kind = ("text-site" if a is not None and a.source_kind == "text" and text_group
                else "text" if a is not None and a.source_kind == "text" else mode)
        outcomes.append(Outcome(c.id, a, err, kind))
    return outcomes


def _die_on_marker(captures: list[Capture]) -> None:
    marker = os.environ.get(_DIE_ON_ENV)
    if marker and any(marker.encode() in c.data for c in captures):
        os._exit(137)


def process_in_worker(captures: list[Capture], text_group: bool = False) -> list[Outcome]:
    """``process`` as a pool task (with the worker-death test hook)."""
    _die_on_marker(captures)
    return process(captures, text_group)


def _watch_parent(parent: int) -> None:
    # A pool worker whose main process was killed (kill -9) would wait on its queue forever.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(parent: int) -> None:
    # one process per core: numeric libraries must not start a thread pool of their own in each
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from threadpoolctl import threadpool_limits

    from nutgraf.facts import nlp

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    nlp.load()
    # this process is one worker: one core (after the load, so numpy's BLAS is there to limit,
    # whatever OPENBLAS_NUM_THREADS the environment had)
    threadpool_limits(limits=1, user_api="blas")


# --------------------------------------------------------------------------- main side


def _new_pool(workers: int) -> ProcessPoolExecutor:
    ctx = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(os.getpid(),))


@dataclass
class IngestStats:
    ingested: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    # (status, reason) -> count, and a few examples (origin label, reason)
    reasons: Counter = field(default_factory=Counter)
    examples: list[tuple[str, str, str]] = field(default_factory=list)
    source_errors: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    elapsed: float = 0.0
    interrupted: bool = False

    @property
    def seen(self) -> int:
        return self.ingested + self.unchanged + self.skipped + self.failed

    @property
    def processed(self) -> int:
        """Documents that went through extraction in this run."""
        return self.ingested + self.failed

    def rate(self) -> float:
        elapsed = self.elapsed or (time.perf_counter() - self.started)
        return self.processed / elapsed if elapsed > 0 else 0.0

    def note(self, status: str, reason: str, where: str) -> None:
        # group reasons by their first clause so "HTTP status 404" and "...: 301" stay apart
        # but per-file details do not explode the table
        self.reasons[(status, reason[:120])] += 1
        if len(self.examples) < 50:
            self.examples.append((status, where, reason))

    def counts(self) -> dict[str, int]:
        return {"ingested": self.ingested, "unchanged": self.unchanged, "skipped": self.skipped,
                "failed": self.failed}


def _group_key(c: Capture) -> str:
    if c.origin.kind == "file":
        return "folder:" + str(Path(c.origin.path).parent)
    if c.url:
        host = urlsplit(c.url).hostname
        if host:
            return "host:" + host.lower().removeprefix("www.")
    return "path:" + c.origin.path


def _corpus_pass(store: Any, stats: IngestStats, article_id: int | None) -> None:
    """The corpus passes (syndication, stories, entity registry, quotes and figures across
    articles: ``nutgraf.corpus``) for a newly stored article, or for every article not yet
    seen (``article_id`` None).  Run by the writer, after the article's own commit; a failure
    is reported once as a source error and never stops the ingest."""
    from nutgraf import corpus

    try:
        if article_id is None:
            corpus.catch_up(store)
        else:
            corpus.update(store, article_id)
    except Exception as exc:  # noqa: BLE001
        if not any(str(e).startswith("corpus passes:") for e in stats.source_errors):
            stats.source_errors.append(f"corpus passes: {type(exc).__name__}: {exc}")


def _corpus_pass_in(con: Any, stats: IngestStats, article_id: int) -> None:
    """``_corpus_pass`` for a new article inside the writer's transaction that stored it (one
    commit per document instead of two); a failure is undone (savepoint) and reported the
    same way, and the article is committed all the same, left for ``catch_up``."""
    from nutgraf import corpus

    try:
        corpus.run_in(con, article_id)
    except Exception as exc:  # noqa: BLE001
        if not any(str(e).startswith("corpus passes:") for e in stats.source_errors):
            stats.source_errors.append(f"corpus passes: {type(exc).__name__}: {exc}")


def ingest(sources: Iterable[str], db: str | Path | Any, *, workers: int = 1, retry_failed: bool = False,
           on_progress: Callable[[IngestStats], None] | None = None, html_batch: int | None = None,
           text_group: int = TEXT_GROUP, fetch: FetchOptions | None = None,
           executor: Executor | None = None, refetch: bool = False) -> IngestStats:
    """Ingest every document of ``sources`` (files, folders, globs, WARC, JSONL) into ``db``.

    Returns the counts: ``ingested`` (new articles), ``unchanged`` (already in the store,
    or the same bytes earlier in this run), ``skipped`` (not documents: images, redirects,
    ...) and ``failed`` (recorded with their error).  Sources that cannot be read on
    (missing, truncated) are listed in ``source_errors``; their earlier records are kept.
    ``fetch`` says how http(s) sources are fetched (``sources.web.FetchOptions``).  A page
    URL with a stored article is not fetched again (counted ``unchanged``) unless ``refetch``.

    ``db`` is a path, a ``postgresql://`` URL or an open store.  ``executor`` runs the
    ``process`` tasks elsewhere (``run.dask`` passes a Dask cluster's); the caller owns it, and
    ``workers`` is then its number of task slots (at most ``2 * workers`` batches in flight).
    """
    sources = list(sources)
    store = open_store(db) if isinstance(db, (str, Path)) else db
    own_store = store is not db
    stats = IngestStats()
    delay = float(os.environ.get(_WRITE_DELAY_ENV) or 0)
    version = _version()
    hashes: dict[str, str] = {}
    run_id = store.start_run([safe_label(str(s)) for s in sources], workers, version)
    _corpus_pass(store, stats, None)  # articles an earlier (killed, or older) run left unseen

    pending: dict[str, Capture] = {}  # sent to a worker, not yet written
    seen_now: set[str] = set()  # ids met in this run (duplicates inside one run)
    html: list[Capture] = []
    groups: dict[str, list[Capture]] = {}
    # each task in flight, with what it was given: a task lost with its worker is retried
    futures: dict[Future, tuple[list[Capture], bool]] = {}
    own_pool = executor is None and workers > 1
    pool: Executor | None = _new_pool(workers) if own_pool else executor
    max_inflight = max(2, workers * 2)
    if html_batch is None:
        html_batch = HTML_BATCH if pool is not None else HTML_BATCH_IN_PROCESS

    def progress() -> None:
        if on_progress is not None:
            on_progress(stats)

    # On SQLite the corpus passes run in the transaction that stores the article.
    from nutgraf import corpus

    in_transaction = corpus.supported(store)

    def corpus_then(con: Any, article_id: int) -> None:
        _corpus_pass_in(con, stats, article_id)

    def record_failure(item: Capture | Issue, exc: Exception) -> None:
        """A document the store refused: recorded as failed with the reason, and the run goes
        on.  When even that cannot be written the store itself is broken: the error stands."""
        reason = valid_text(f"cannot store: {type(exc).__name__}: {exc}")
        try:
            if isinstance(item, Issue):
                store.add_issue(Issue(item.origin, "failed", reason, data=item.data, url=item.url))
            else:
                store.add_failure(item, reason)
        except Exception:  # noqa: BLE001
            raise exc from None
        stats.failed += 1
        stats.note("failed", reason, item.origin.label())

    def write(outcomes: list[Outcome]) -> None:
        for o in outcomes:
            capture = pending.pop(o.capture_id)
            try:
                write_one(o, capture)
            except Exception as exc:  # noqa: BLE001 - one document, not the run
                record_failure(capture, exc)
            if delay:
                time.sleep(delay)
            progress()

    def write_one(o: Outcome, capture: Capture) -> None:
        if o.article is not None:
            if o.mode not in hashes:
                hashes[o.mode] = settings_hash(o.mode)
            if in_transaction:
                article_id = store.add_article(capture, o.article, version=version,
                                               settings_hash=hashes[o.mode], then=corpus_then)
            else:
                article_id = store.add_article(capture, o.article, version=version,
                                               settings_hash=hashes[o.mode])
            if article_id is None:
                stats.unchanged += 1
            else:
                stats.ingested += 1
                if not in_transaction:
                    _corpus_pass(store, stats, article_id)
        else:
            store.add_failure(capture, o.error or "unknown error")
            stats.failed += 1
            stats.note("failed", o.error or "unknown error", capture.origin.label())

    def collect(fut: Future, lost: list[tuple[list[Capture], bool]]) -> None:
        """Write a finished task's outcomes; a task whose worker died goes to ``lost``."""
        batch, as_text = futures.pop(fut)
        try:
            outcomes = fut.result()
        except BrokenProcessPool:
            if not own_pool:
                raise
            lost.append((batch, as_text))
            return
        write(outcomes)

    def drain(block: bool) -> None:
        if not futures:
            return
        done, _ = wait(list(futures), timeout=None if block else 0, return_when=FIRST_COMPLETED)
        lost: list[tuple[list[Capture], bool]] = []
        for fut in done:
            collect(fut, lost)
        if lost:
            recover(lost)

    def recover(lost: list[tuple[list[Capture], bool]]) -> None:
        """A worker died and took the pool with it: every task still in flight is lost too.
        The finished ones are written, a new pool is started, and the lost documents are
        tried again one at a time, so the one that kills a worker is found and recorded as
        failed, and every other one is stored once."""
        for fut in list(futures):
            fut.exception()  # a broken pool settles every task at once
            collect(fut, lost)
        replace_pool()
        for batch, as_text in lost:
            for c in batch:
                try:
                    outcomes = pool.submit(process_in_worker, [c], as_text).result()  # type: ignore[union-attr]
                except BrokenProcessPool:
                    replace_pool()
                    outcomes = [Outcome(c.id, None, WORKER_DIED)]
                write(outcomes)

    def replace_pool() -> None:
        nonlocal pool
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        pool = _new_pool(workers)

    def submit(batch: list[Capture], as_text: bool) -> None:
        if not batch:
            return
        for c in batch:
            pending[c.id] = c
        if pool is None:
            with blas_threads(1):  # in this process, one core: as one pool worker would
                outcomes = process(batch, as_text)
            write(outcomes)
            return
        while len(futures) >= max_inflight:
            drain(block=True)
        task = process_in_worker if own_pool else process
        try:
            fut = pool.submit(task, batch, as_text)
        except BrokenProcessPool:  # a worker died since the last look: settle that first
            if not own_pool:
                raise
            recover([])
            fut = pool.submit(task, batch, as_text)  # type: ignore[union-attr]
        futures[fut] = (batch, as_text)

    buffered = 0
    try:
        known = None if refetch else store.has_stored_url
        for item in iter_sources(sources, stats.source_errors, fetch=fetch, known=known):
            if isinstance(item, Known):  # stored by an earlier run: nothing to fetch or write
                stats.unchanged += 1
                progress()
                continue
            if item.id in seen_now or store.has(item.id, retry_failed=retry_failed):
                stats.unchanged += 1
                progress()
                continue
            seen_now.add(item.id)
            if isinstance(item, Issue):
                try:
                    store.add_issue(item)
                except Exception as exc:  # noqa: BLE001 - one record, not the run
                    record_failure(item, exc)
                    progress()
                    continue
                if item.status == "skipped":
                    stats.skipped += 1
                else:
                    stats.failed += 1
                stats.note(item.status, item.reason, item.origin.label())
                progress()
                continue
            if item.is_text:
                group = groups.setdefault(_group_key(item), [])
                group.append(item)
                buffered += 1
                if len(group) >= text_group:
                    submit(groups.pop(_group_key(item)), True)
                    buffered -= len(group)
                elif buffered > MAX_BUFFERED_TEXT:
                    key = max(groups, key=lambda k: len(groups[k]))
                    buffered -= len(groups[key])
                    submit(groups.pop(key), True)
            else:
                html.append(item)
                if len(html) >= html_batch:
                    submit(html, False)
                    html = []
            drain(block=False)
        submit(html, False)
        for key in list(groups):
            submit(groups.pop(key), True)
        while futures:
            drain(block=True)
    except KeyboardInterrupt:
        stats.interrupted = True
        raise
    finally:
        if pool is not None and executor is None:
            pool.shutdown(wait=not stats.interrupted, cancel_futures=True)
        elif executor is not None:
            for fut in futures:
                fut.cancel()
        stats.elapsed = time.perf_counter() - stats.started
        try:
            store.finish_run(run_id, stats.counts(), [valid_text(str(e)) for e in stats.source_errors])
        finally:
            if own_store:
                store.close()
    return stats


__all__ = ["IngestStats", "Outcome", "ingest", "process", "settings_hash", "SourceError"]

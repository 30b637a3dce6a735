"""Hostile-input benchmark (issue 17): fuzzing, bombs and slow servers.  Slow; not in `make test`.

    .venv/bin/python bench/hostile.py [--extract 20000] [--analyze 2000] [--seed 17]

- Fuzzing: mutations of the project's own sample pages (samples/scrapinghub: byte flips,
  truncation, tag soup, deep nesting, huge attributes, re-encodings) through
  ``nutgraf.extract`` and ``nutgraf.analyze``.  Bars: 0 exceptions other than
  ``ExtractionError``, 0 extract calls over 5 s.
- Bombs: a gzip bomb (.html.gz) and a WARC bomb (.warc.gz with a 1 GB record) ingested in a
  child process; its peak RSS (VmHWM) is reported.  Bar: < 1 GB.
- Slow server on 127.0.0.1 dribbling its headers: the cost of one fetch against the timeout.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLOW_S = 5.0


def seeds() -> list[bytes]:
    pages = sorted((ROOT / "samples" / "scrapinghub").glob("*.html.gz"))
    return [gzip.decompress(p.read_bytes()) for p in pages]


def mutate(page: bytes, rng: random.Random) -> bytes:
    """One hostile variant of ``page``."""
    kind = rng.randrange(7)
    if kind == 0:  # byte flips
        b = bytearray(page)
        for _ in range(rng.randint(1, 200)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if kind == 1:  # truncation
        return page[:rng.randrange(len(page) + 1)]
    if kind == 2:  # tag soup: slices of the page shuffled
        cuts = sorted(rng.randrange(len(page)) for _ in range(20))
        parts = [page[a:b] for a, b in zip([0, *cuts], [*cuts, len(page)])]
        rng.shuffle(parts)
        return b"".join(parts)
    if kind == 3:  # deep nesting
        n = rng.choice([500, 5000, 50000])
        tag = rng.choice([b"div", b"span", b"table", b"li", b"b"])
        at = rng.randrange(len(page))
        return page[:at] + (b"<" + tag + b">") * n + page[at:]
    if kind == 4:  # huge attributes
        at = page.find(b"<p")
        at = at if at >= 0 else 0
        attr = b" data-x='" + b"a" * rng.choice([10_000, 100_000, 1_000_000]) + b"'"
        many = b"".join(b" a%d='1'" % i for i in range(rng.choice([100, 5000])))
        return page[:at] + b"<p" + rng.choice([attr, many]) + b">x</p>" + page[at:]
    if kind == 5:  # encodings
        text = page.decode("utf-8", "replace")
        enc = rng.choice(["utf-16", "utf-32", "latin-1", "cp1252", "shift_jis", "utf-8-sig"])
        return text.encode(enc, "replace")
    # control characters, NULs and lone surrogates spliced in
    junk = rng.choice([b"\x00" * 50, b"\xed\xa0\x80" * 20, b"\x1b]0;owned\x07", b"\xff\xfe" * 30])
    at = rng.randrange(len(page))
    return page[:at] + junk + page[at:]


def fuzz(fn_name: str, n: int, rng: random.Random) -> dict:
    import nutgraf
    from nutgraf.model import ExtractionError

    fn = getattr(nutgraf, fn_name)
    pages = seeds()
    other: Counter = Counter()
    examples: list[str] = []
    slow, worst, cpu = 0, 0.0, 0.0
    for i in range(n):
        data = mutate(rng.choice(pages), rng)
        if fn_name == "analyze":
            data = data[:20_000]  # the facts pass has its own bounds; keep the count high
        c0, t0 = time.process_time(), time.perf_counter()
        try:
            fn(data)
        except ExtractionError:
            pass
        except Exception as exc:  # noqa: BLE001 - what this benchmark counts
            other[type(exc).__name__] += 1
            if len(examples) < 5:
                examples.append("".join(traceback.format_exception_only(exc)).strip())
        took = time.perf_counter() - t0
        cpu += time.process_time() - c0
        worst = max(worst, took)
        slow += took > SLOW_S
        if (i + 1) % 1000 == 0:
            print(f"  {fn_name}: {i + 1}/{n}", file=sys.stderr, flush=True)
    return {"calls": n, "other_exceptions": sum(other.values()), "by_type": dict(other), "examples": examples,
            f"over_{SLOW_S:g}s": slow, "worst_s": round(worst, 2), "cpu_s": round(cpu, 1)}


_BOMB_PROBE = r"""
import sys
from nutgraf.run.local import ingest
stats = ingest([sys.argv[1]], sys.argv[2], workers=1)
rss = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]
print(int(rss) * 1024, stats.counts(), stats.source_errors[:1])
"""


def bombs() -> dict:
    from warcio.warcwriter import WARCWriter
    from io import BytesIO

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        gz = Path(tmp) / "bomb.html.gz"
        with gzip.open(gz, "wb", compresslevel=9) as fh:
            fh.write(b"<html><body><p>")
            for _ in range(1024):
                fh.write(b"a" * 2**20)  # 1 GiB inflated
        warc = Path(tmp) / "bomb.warc.gz"
        with open(warc, "wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            payload = BytesIO(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + b"<p>" + b"b" * 2**30)
            writer.write_record(writer.create_warc_record("http://bomb.test/", "response", payload=payload))
        for path in (gz, warc):
            t0 = time.perf_counter()
            env = dict(os.environ, NUTGRAF_SKIP_PASSES="places,events")
            proc = subprocess.run([sys.executable, "-c", _BOMB_PROBE, str(path), str(Path(tmp) / "b.db")],
                                  capture_output=True, text=True, env=env, timeout=600)
            line = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
            rss = int(line.split()[0]) if line.split()[0].isdigit() else -1
            out[path.name] = {"size_mb": round(path.stat().st_size / 2**20, 1), "peak_rss_mb": round(rss / 2**20),
                              "result": line[:200], "seconds": round(time.perf_counter() - t0, 1)}
    return out


def slow_server(timeout: float = 2.0) -> dict:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_reliability import SLOW_HEADERS, _timed_fetch, dribbling_server

    with dribbling_server(SLOW_HEADERS, 1.0) as base:  # one header byte per second
        took, err = _timed_fetch(base, timeout=timeout, total_timeout=60)
    return {"timeout_s": timeout, "cost_s": round(took, 2), "ratio": round(took / timeout, 2), "error": err.reason}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extract", type=int, default=20_000)
    ap.add_argument("--analyze", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--no-bombs", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    report = {"slow_server": slow_server()}
    print("slow server:", report["slow_server"], flush=True)
    report["extract"] = fuzz("extract", args.extract, rng)
    print("extract:", report["extract"], flush=True)
    report["analyze"] = fuzz("analyze", args.analyze, rng)
    print("analyze:", report["analyze"], flush=True)
    if not args.no_bombs:
        report["bombs"] = bombs()
        print("bombs:", report["bombs"], flush=True)
    ok = (report["extract"]["other_exceptions"] == 0 and report["analyze"]["other_exceptions"] == 0
          and report["extract"][f"over_{SLOW_S:g}s"] == 0
          and all(b["peak_rss_mb"] < 1024 for b in report.get("bombs", {}).values())
          and report["slow_server"]["ratio"] <= 1.2)
    print("bars:", "all met" if ok else "NOT MET")


if __name__ == "__main__":
    main()

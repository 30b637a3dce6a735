"""Near-duplicates and syndication: which articles are copies of one another.

Computed on ``Article.text`` (the clean text, page furniture already removed), so the same
wire story under another site's template and with a new headline is found, and light edits
(a changed sentence, a dropped paragraph, an added credit line) still match.

Two steps for each new article, in the store, so it works across ingest runs and for
corpora larger than memory:

1. **exact copies**: ``content_hash`` (SHA-256 of the normalised words) looked up in
   ``corpus_articles`` (indexed);
2. **near copies**: the word 5-shingles of the text, hashed to 64 bits with numpy (no
   Python loop per word: see ``word_hashes``), a MinHash signature over them (rensa's
   ``RMinHash``, 128 permutations, seed fixed), cut into 32 bands of 4 rows; each band's
   64-bit key goes into ``minhash_bands(band_key, article_id)`` (indexed).  The articles
   sharing a band key with the new one are the candidates, best first (most shared bands,
   at most ``MAX_CANDIDATES``, ``MAX_PER_GROUP`` tries per group); each is **verified** on
   the exact shingle sets recomputed from the stored text: Jaccard >= ``JACCARD_MIN``
   (0.5), or containment >= ``CONTAINMENT_MIN`` (0.8, for a shortened copy) when both
   texts have at least ``MIN_CONTAIN_SHINGLES`` shingles.  Measured by ``bench/dedup.py``.

Guards: texts under ``MIN_WORDS_EXACT`` words (empty pages, stubs) are never grouped;
texts under ``MIN_WORDS`` words are grouped only by exact copy.  The 32x4 banding finds a
pair with Jaccard 0.5 with probability 0.87, 0.6 with 0.99, 0.7 with 0.9998; verification
removes the false candidates, so unrelated articles of one site (Jaccard near 0 once the
boilerplate is gone) are never merged.

A group's id (``syndication_group``) is the smallest article id among its members (the
first one stored), so it is stable across runs; when a new article bridges two groups they
are merged into the smaller id.  The group's ``original_id`` is its earliest-published
member (undated members count as later than dated ones; ties go to the first stored), and
``is_original`` marks it.  Wire-service cues found in the text are recorded in ``wire``
(service names) and ``wire_cues`` (spans).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import numpy as np

from nutgraf.corpus.sql import Connection
from nutgraf.corpus.text import words
from nutgraf.corpus.wire import services, wire_cues

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SEED = 1729
SHINGLE = 5
JACCARD_MIN = 0.5
CONTAINMENT_MIN = 0.8
MIN_CONTAIN_SHINGLES = 40
MIN_WORDS = 40          # below: exact copies only
MIN_WORDS_EXACT = 12    # below: never grouped
MAX_CANDIDATES = 64     # verified per new article (best first)
MAX_PER_GROUP = 3       # failed verifications tried per group before moving on

_MIX1 = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xC2B2AE3D27D4EB4F)
_MIX3 = np.uint64(0x165667B19E3779F9)
_EMPTY = np.zeros(0, dtype=np.uint64)

# Shingling, vectorised (numpy, no Python loop over words): the text's UTF-8 bytes are
# folded through a table (ASCII letters to lower case, digits kept, every other ASCII byte a
# separator; bytes of non-ASCII characters are word bytes, except the Latin-1 punctuation
# block U+00A0-U+00BF, x and / signs, and General Punctuation U+2000-U+206F (curly quotes,
# dashes, spaces), which separate words), each word gets a 64-bit polynomial hash from prefix
# sums, and each run of SHINGLE words a 64-bit mix of its words' hashes.  Non-ASCII letters
# are not case-folded (copies keep their case).  Pure function of the text: the same in every
# process and run (the band keys are persisted).
_FOLD = np.zeros(256, dtype=np.uint8)
for _c in b"0123456789abcdefghijklmnopqrstuvwxyz":
    _FOLD[_c] = _c
for _c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    _FOLD[_c] = _c + 32
_FOLD[128:] = np.arange(128, 256, dtype=np.uint8)
_P = 1099511628211  # FNV prime: odd, so invertible modulo 2**64
_POW = _IPOW = _EMPTY


def _powers(n: int) -> None:
    global _POW, _IPOW
    size = max(1 << 14, 1 << (n + 1).bit_length())
    with np.errstate(over="ignore"):
        p = np.full(size, _P, dtype=np.uint64)
        p[0] = 1
        _POW = np.cumprod(p, dtype=np.uint64)
        q = np.full(size, pow(_P, -1, 1 << 64), dtype=np.uint64)
        q[0] = 1
        _IPOW = np.cumprod(q, dtype=np.uint64)


def word_hashes(text: str) -> np.ndarray:
    """64-bit hashes of the words of ``text`` in order (case-insensitive, punctuation ignored)."""
    raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    b = _FOLD[raw]
    n = len(b)
    if n > 2 and not text.isascii():
        lead, nxt = raw[:-1], raw[1:]
        two = np.flatnonzero(((lead == 0xC2) & (nxt >= 0xA0) & (nxt <= 0xBF)) |
                             ((lead == 0xC3) & ((nxt == 0x97) | (nxt == 0xB7))))
        three = np.flatnonzero((lead[:-1] == 0xE2) & ((nxt[:-1] == 0x80) | (nxt[:-1] == 0x81)))
        for idx, width in ((two, 2), (three, 3)):
            for j in range(width):
                b[idx + j] = 0
    if n == 0:
        return _EMPTY
    if n >= len(_POW):
        _powers(n)
    inword = np.zeros(n + 2, dtype=bool)
    inword[1:-1] = b != 0
    edges = np.flatnonzero(inword[1:] != inword[:-1])
    starts, ends = edges[0::2], edges[1::2]
    prefix = np.empty(n + 1, dtype=np.uint64)
    prefix[0] = 0
    with np.errstate(over="ignore"):
        np.cumsum(b.astype(np.uint64) * _POW[:n], out=prefix[1:])
        w = (prefix[ends] - prefix[starts]) * _IPOW[starts]
        w ^= w >> np.uint64(31)
        w *= _MIX1
        w ^= w >> np.uint64(29)
    return w


def shingle_hashes(text: str, k: int = SHINGLE) -> tuple[int, np.ndarray]:
    """``(number of words, hashes of the word k-shingles)``; the hashes may repeat (a MinHash
    does not mind); ``unique()`` them for set sizes.  Fewer than ``k`` words: no shingles."""
    w = word_hashes(text)
    n = len(w) - k + 1
    if n <= 0:
        return len(w), _EMPTY
    with np.errstate(over="ignore"):
        h = w[:n].copy()
        for j in range(1, k):
            h *= _MIX1
            h ^= w[j:j + n]
        h ^= h >> np.uint64(32)
    return len(w), h


def unique(hashes: np.ndarray) -> np.ndarray:
    if len(hashes) < 2:
        return hashes
    h = np.sort(hashes)
    keep = np.empty(len(h), dtype=bool)
    keep[0] = True
    np.not_equal(h[1:], h[:-1], out=keep[1:])
    return h[keep]


class MinHasher:
    """MinHash signatures (rensa's RMinHash over the shingle hashes) and LSH band keys."""

    def __init__(self, num_perm: int = NUM_PERM, bands: int = BANDS, seed: int = SEED) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        import rensa

        self._cls = rensa.RMinHash
        self.num_perm, self.bands, self.seed = num_perm, bands, seed
        self.rows = num_perm // bands
        with np.errstate(over="ignore"):
            self._band_ids = np.arange(1, bands + 1, dtype=np.uint64) * _MIX3
            self._row_mix = (np.arange(1, self.rows + 1, dtype=np.uint64) * _MIX1) | np.uint64(1)

    def signatures(self, hash_sets: list[np.ndarray]) -> np.ndarray:
        """One signature row per array of shingle hashes (all non-empty)."""
        offsets = np.zeros(len(hash_sets) + 1, dtype=np.uint64)
        np.cumsum([len(h) for h in hash_sets], out=offsets[1:])
        flat = np.concatenate(hash_sets) if hash_sets else _EMPTY
        m = self._cls.digest_matrix_from_flat_token_hashes(flat, offsets, self.num_perm, self.seed)
        return np.asarray(m.to_rows(), dtype=np.uint64).reshape(len(hash_sets), self.num_perm)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        return self.signatures([hashes])[0]

    def band_keys(self, signature: np.ndarray) -> list[int]:
        """One signed 64-bit key per band: a mix of the band number and its rows."""
        sig = signature.reshape(self.bands, self.rows)
        with np.errstate(over="ignore"):
            # the rows are 32-bit: a sum with distinct odd 64-bit multipliers keeps them apart
            h = (sig * self._row_mix).sum(axis=1, dtype=np.uint64) + self._band_ids
            h ^= h >> np.uint64(29)
            h *= _MIX2
            h ^= h >> np.uint64(32)
        return h.view(np.int64).tolist()


_HASHER: MinHasher | None = None


def hasher() -> MinHasher:
    global _HASHER
    if _HASHER is None:
        _HASHER = MinHasher()
    return _HASHER


def text_shingles(text: str) -> tuple[int, np.ndarray]:
    """``(words, shingle hashes)`` of a text, repeats included (``unique()`` them for a set);
    no shingles under ``MIN_WORDS`` words."""
    n, h = shingle_hashes(text)
    return n, (h if n >= MIN_WORDS else _EMPTY)


def content_key(tokens: list[str]) -> str:
    return hashlib.sha256(" ".join(tokens).encode("utf-8")).hexdigest()[:32]


def overlap(a: np.ndarray, b: np.ndarray) -> int:
    """Size of the intersection of two sorted unique hash arrays."""
    return len(np.intersect1d(a, b, assume_unique=True))


def is_copy(a: np.ndarray | set, b: np.ndarray | set) -> tuple[bool, float]:
    """Whether two shingle sets (unique hash arrays, or Python sets) are copies of one text;
    returns (verdict, Jaccard)."""
    if isinstance(a, (set, frozenset)):
        inter, la, lb = len(a & b), len(a), len(b)
    else:
        inter, la, lb = overlap(a, b), len(a), len(b)
    if not la or not lb:
        return False, 0.0
    j = inter / (la + lb - inter)
    if j >= JACCARD_MIN:
        return True, j
    if min(la, lb) >= MIN_CONTAIN_SHINGLES and inter / min(la, lb) >= CONTAINMENT_MIN:
        return True, j
    return False, j


@dataclass
class Syndication:
    article_id: int
    syndication_group: int
    original_id: int
    matched_id: int | None = None
    similarity: float | None = None
    wire: list[str] = field(default_factory=list)


def _published_key(published: str | None, article_id: int) -> tuple:
    if not published:
        return (1, "", article_id)
    try:
        value = dt.datetime.fromisoformat(published.replace("Z", "+00:00"))
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return (0, value.isoformat(), article_id)
    except ValueError:
        return (0, published, article_id)


def _marks(n: int) -> str:
    return ",".join("?" * n)


def assign(con: Connection, article_id: int, text: str, *, day: str | None, now: str) -> Syndication:
    """Place one stored article in its syndication group (inside the caller's transaction):
    inserts its ``corpus_articles`` row and its band keys, merges groups, re-marks the original."""
    tokens = words(text)
    chash = content_key(tokens)
    _, sh = text_shingles(text)
    cues = wire_cues(text)
    wire = services(cues)
    matches: dict[int, tuple[int, float]] = {}  # group -> (matched article, similarity)

    if len(tokens) >= MIN_WORDS_EXACT:
        for aid, group in con.execute(
                "SELECT article_id, syndication_group FROM corpus_articles WHERE content_hash = ? "
                "AND article_id <> ? AND shingles >= 0 ORDER BY article_id LIMIT 1", (chash, article_id)):
            matches[group] = (aid, 1.0)

    keys: list[int] = []
    if len(sh):
        h = hasher()
        keys = h.band_keys(h.signature(sh))
        rows = con.execute(
            f"SELECT b.article_id, count(*) AS n, c.syndication_group FROM minhash_bands b "
            f"JOIN corpus_articles c ON c.article_id = b.article_id "
            f"WHERE b.band_key IN ({_marks(len(keys))}) AND b.article_id <> ? "
            f"GROUP BY b.article_id, c.syndication_group ORDER BY n DESC, b.article_id LIMIT ?",
            (*keys, article_id, MAX_CANDIDATES * 4)).fetchall()
        tried: dict[int, int] = {}
        mine: np.ndarray | None = None
        todo: list[tuple[int, int]] = []
        for aid, _n, group in rows:
            if group in matches or tried.get(group, 0) >= MAX_PER_GROUP or len(todo) >= MAX_CANDIDATES:
                continue
            tried[group] = tried.get(group, 0) + 1
            todo.append((aid, group))
        if todo:
            texts = dict(con.execute(f"SELECT id, text FROM articles WHERE id IN ({_marks(len(todo))})",
                                     [aid for aid, _ in todo]).fetchall())
            for aid, group in todo:
                if group in matches or aid not in texts:
                    continue
                if mine is None:
                    mine = unique(sh)
                ok, sim = is_copy(mine, unique(text_shingles(texts[aid])[1]))
                if ok:
                    matches[group] = (aid, sim)

    if matches:
        group = min(matches)
        matched_id, similarity = max(matches.values(), key=lambda m: m[1])
    else:
        group, matched_id, similarity = article_id, None, None
    group = min(group, article_id)
    con.execute(
        "INSERT INTO corpus_articles (article_id, content_hash, shingles, syndication_group, original_id,"
        " is_original, similarity, matched_id, wire, wire_cues, day, processed_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (article_id, chash, len(unique(sh)) if len(tokens) >= MIN_WORDS_EXACT else -1, group, article_id, 1,
         similarity, matched_id, ",".join(wire) or None, json.dumps([c.to_dict() for c in cues]), day, now))
    others = [g for g in matches if g != group]
    if others:
        con.execute(f"UPDATE corpus_articles SET syndication_group = ? WHERE syndication_group IN "
                    f"({_marks(len(others))})", (group, *others))
    if keys:
        con.executemany("INSERT INTO minhash_bands (band_key, article_id) VALUES (?, ?)",
                        [(k, article_id) for k in keys])
    original = _mark_original(con, group) if matches else article_id
    return Syndication(article_id, group, original, matched_id, similarity, wire)


def _mark_original(con: Connection, group: int) -> int:
    members = con.execute(
        "SELECT c.article_id, a.published FROM corpus_articles c JOIN articles a ON a.id = c.article_id "
        "WHERE c.syndication_group = ?", (group,)).fetchall()
    original = min(members, key=lambda r: _published_key(r[1], r[0]))[0]
    con.execute("UPDATE corpus_articles SET original_id = ?, is_original = CASE WHEN article_id = ? THEN 1 "
                "ELSE 0 END WHERE syndication_group = ?", (original, original, group))
    return original


def group_members(con: Connection, group: int) -> list[dict]:
    """Members of a syndication group, earliest published first."""
    rows = con.execute(
        "SELECT a.id, a.title, a.url, a.site_name, a.published, c.is_original, c.similarity, c.wire "
        "FROM corpus_articles c JOIN articles a ON a.id = c.article_id WHERE c.syndication_group = ?",
        (group,)).fetchall()
    out = [dict(zip(("id", "title", "url", "site_name", "published", "is_original", "similarity", "wire"), r))
           for r in rows]
    out.sort(key=lambda r: _published_key(r["published"], r["id"]))
    return out

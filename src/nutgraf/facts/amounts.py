"""Amounts: numbers with their unit, what they count, and who reported them — each a span.

``find_amounts(doc, index)`` reads the article text character by character for the numbers
(spaCy's tokenizer splits '$3bn', '€20m' and '640bhp' in unhelpful ways), then uses the
parse for what surrounds each number: the counted noun, the rate, and the reporter.

A number is read as (left to right)::

    [approximation] [currency] [sign] NUMBER [scale] [unit] [rate] [range: to|-|and NUMBER ...]

    'some 98,000 Russians'       value 98000, unit people, object Russians, approximate
    '€20m'                       value 2e7, unit EUR
    'between 5 and 7 million'    value 5e6, lower 5e6, upper 7e6
    'thousands of kilometres'    value None, vague, lower 1000, upper 10000, unit kilometre
    '10,000 ... each day'        per 'day' (a rate phrase in the number's clause)
    'zero to 60 mph', '0-to-60'  a range 0-60 (a benchmark), never 0 mph
    'from 20 mpg in 2008 to 29 mpg'   a range 20-29 (a short adjunct between the ends)
    '27.4 points, 8.1 rebounds and 6.3 assists per game'   per 'game' for all three

What is counted is the noun phrase the number modifies ('4.3M digital and physical
sales' -> sale; '12 of the 40 protesters' -> people): read left to right from the number,
and from the parse where that scan stops early.

Not amounts (see ``_excluded``): years ('in 2022', 'since 1991', 'the 2019 season'), dates
('September 21', '8 July 2021'), clock times ('10.45pm', '5:00 AM'), ordinals ('21st',
'third'), decades ('1980s'), phone numbers, version numbers ('3.8.18'), ids and model
names ('iPhone 11', 'S&P 500', 'TA-35', 'category 4', 'No. 10', '575 Wilbraham Road'),
sports scores ('2-0'), and ages in apposition ('Selena Gomez, 30,'): the age of the person
named is a fact about the person, not a figure anyone reports, so it is left out.  Ages
written as such ('a 50-year-old man') are amounts with unit ``year of age``.

The reporter (``source``) comes from, in order: an 'according to X' in the sentence; a
speech or report verb ('say', 'report', 'declare', 'estimate', 'show' ...) that governs
the number's clause, whose subject is the source ('authorities in Georgia reported 10,000
...'); where that subject is a document ('figures', 'data', 'a survey'), its owner
('X's figures show', 'data from X').  The source is the canonical entity name when the
phrase's head is an entity mention (or a pronoun or role phrase the entity index
resolves), else the phrase as written, without appositions or relative clauses.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nutgraf.facts.amount_context import AmountContext, change_direction
from nutgraf.facts.amount_reader import AmountReader
from nutgraf.model import Amount
from nutgraf.facts.nlp import text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from nutgraf.facts.entities import EntityIndex


# ---------------------------------------------------------------------------------------

_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)$")
_ADJUNCT_TO = re.compile(r"(?:\s+\w[\w-]*){1,3}\s+to\s+$")
_NOT_ADJUNCT = {"VBD", "VBZ", "VBP", "MD", "CC", ",", ":", "-LRB-", "-RRB-", "WDT", "WP", "VB"}


def _from_to(doc: "Doc", text: str, drafts: list) -> list:
    """'from 20 miles per gallon in 2008 to 29 mpg': 'from X [a short adjunct] to Y' is a
    range X-Y in the unit of X, as 'from 20 to 29 mpg' is (years between were never
    amounts; what sits between is a time or a qualifier, never a verb or a comma)."""
    out: list = []
    k = 0
    while k < len(drafts):
        a = drafts[k]
        b = drafts[k + 1] if k + 1 < len(drafts) else None
        if b is not None and not a.is_range and not a.vague and a.value is not None and \
                b.value is not None and not b.is_range and a.unit is not None and \
                b.unit in (None, a.unit) and (a.currency == b.currency or b.currency is None) \
                and text[max(0, a.start - 5):a.start].lower().rstrip().endswith("from"):
            gap = text[a.end:b.start]
            m = _ADJUNCT_TO.fullmatch(gap)
            span = doc.char_span(a.end, b.start, alignment_mode="expand") if m else None
            if span is not None and all(t.tag_ not in _NOT_ADJUNCT for t in span[:-1]):
                a.lower, a.upper, a.is_range = a.value, b.value, True
                a.end = b.end
                if b.per and not a.per:
                    a.per = b.per
                out.append(a)
                k += 2
                continue
        if b is not None and a.is_range and a.unit is not None and b.unit is None and \
                b.currency is None and b.value is not None and not b.vague and \
                re.fullmatch(r"\s+to\s+", text[a.end:b.start]) and \
                text[max(0, a.start - 5):a.start].lower().rstrip().endswith("from"):
            # 'from about 14-18 mpg to 24': the end shares the start's unit
            b.unit, b.unit_form = a.unit, a.unit_form
        out.append(a)
        k += 1
    return out


def _shared_rate(text: str, drafts: list) -> None:
    """A rate written once after a list applies to each item: '27.4 points, 8.1 rebounds
    and 6.3 assists per game' -> per 'game' for all three.  Items are amounts with a unit
    and no rate of their own, separated only by commas and 'and'/'or', alike in scale and
    (money) in currency."""
    for k in range(len(drafts) - 1, 0, -1):
        last = drafts[k]
        if last.per is None or last.unit is None:
            continue
        j = k
        while j > 0:
            prev = drafts[j - 1]
            gap = text[prev.end:drafts[j].start]
            listed = bool(gap.strip()) and _LIST_GAP.fullmatch(gap) is not None
            if not listed or prev.per is not None or prev.unit is None or prev.vague or \
                    (prev.currency is None) != (last.currency is None) or \
                    prev.scaled != last.scaled or \
                    prev.currency is not None and prev.unit != last.unit:
                break  # '£8.1bn and £250 a share': a total, then a price
            prev.per = last.per
            j -= 1


def find_amounts(doc: "Doc", index: "EntityIndex | None" = None) -> list[Amount]:
    """Every amount in ``doc``, in text order, each with its span over ``doc.text``."""
    reader = AmountReader(doc)
    drafts = _from_to(doc, text_of(doc), reader.read_all())
    ctx = AmountContext(doc, index, reader)
    out: list[Amount] = []
    text = text_of(doc)
    for d in drafts:
        ctx.counted(d)
        ctx.subject_object(d)
        ctx.clause_rate(d)
    _shared_rate(text, drafts)
    for d in drafts:
        source, source_span = ctx.source(d)
        start, end = d.start, d.end
        while end > start and text[end - 1] in " ,.;:-–":
            end -= 1
        value_text = text[d.start:d.value_end].strip()
        if d.core.kind == "vague":
            value_text = text[d.start:d.core.end]
        out.append(Amount(
            text=text[start:end], start=start, end=end, value=d.value, unit=d.unit,
            object=d.object, source=source, approximate=d.approximate, per=d.per,
            value_text=value_text, lower_bound=d.lower, upper_bound=d.upper,
            source_span=source_span, vague=d.vague, change=change_direction(doc, d.core.start),
        ))
    return out

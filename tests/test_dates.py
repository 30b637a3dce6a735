"""Dates named in the text, relative ones resolved against the publication date."""

from nutgraf.facts import nlp
from nutgraf.facts.dates import find_dates

TEXT = ("On Thursday the ministry said the border had closed. Yesterday officials met again. "
        "The treaty was signed on 21 September 2022 and ratified in March 2023. "
        "Since the beginning of October prices rose. In the last week alone 300 people "
        "crossed each day. The firm was founded in 1998.")
PUBLISHED = "2023-10-13T09:00:00+00:00"  # a Friday


def values(published=PUBLISHED):
    return {d.text: d for d in find_dates(nlp.parse(TEXT), published)}


def test_weekday_resolves_to_the_most_recent_one():
    d = values()["Thursday"]
    assert d.value == "2023-10-12" and d.relative


def test_yesterday_and_absolute_dates():
    got = values()
    assert got["Yesterday"].value == "2023-10-12"
    assert got["21 September 2022"].value == "2022-09-21"
    assert not got["21 September 2022"].relative
    assert got["March 2023"].value == "2023-03"


def test_durations_and_frequencies_are_not_dates():
    texts = {d.text for d in find_dates(nlp.parse(TEXT), PUBLISHED)}
    assert not any("last week" in t or "each day" in t for t in texts)


def test_spans_are_exact_and_unresolved_without_publication_date():
    doc = nlp.parse(TEXT)
    for d in find_dates(doc, None):
        assert TEXT[d.start:d.end] == d.text
    got = {d.text: d for d in find_dates(doc, None)}
    assert got["Thursday"].value is None and got["Thursday"].relative
    assert got["21 September 2022"].value == "2022-09-21"

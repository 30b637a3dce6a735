"""Speakers that can speak (issue 15): a person, an organisation, a group or a document; a
figure, a time or a media object is not, and a quote keeps no speaker rather than a wrong one."""

from __future__ import annotations

import pytest

from nutgraf.facts import nlp
from nutgraf.facts.entities import EntityIndex, find_entities
from nutgraf.facts.quotes import find_quotes

try:
    nlp.load()
except Exception:  # pragma: no cover - the model is a pinned dependency
    pytest.skip("spaCy model not installed", allow_module_level=True)


def quotes_of(text: str):
    doc = nlp.parse(text)
    return find_quotes(doc, EntityIndex(text, find_entities(doc)))


def speakers(text: str) -> set[str | None]:
    return {q.speaker for q in quotes_of(text)}


def test_a_figure_is_not_a_speaker():
    text = ("A new poll of voters in Ohio was published on Tuesday by a university.\n\n"
            "Fifty-one percent say that “the governor should resign before the summer.”")
    quotes = quotes_of(text)
    assert quotes, "the statement itself is still a quote"
    assert all(q.speaker is None for q in quotes)
    assert not any("percent" in (q.speaker or "") for q in quotes)


def test_a_media_object_is_not_a_speaker():
    text = ("Investigators released footage from the harbour on Friday.\n\n"
            "The clip suggests the crew of the ferry ignored the storm warnings for hours.")
    assert not any(s and "clip" in s.lower() for s in speakers(text))


def test_a_document_speaks():
    text = ("The audit office reviewed the city's accounts last year.\n\n"
            "The report said the city had overspent on its new tram line by two million euros.")
    assert "report" in speakers(text)


def test_a_time_heading_is_not_the_speaker():
    text = ("Updates on the campaign, as they happened.\n\n"
            "5:45 p.m.\n\n"
            "Mayor Lena Ortiz says the harbour will reopen “as soon as the divers are done.”")
    found = speakers(text)
    assert not any(s and "p.m" in s for s in found)
    assert "Lena Ortiz" in found


def test_words_inside_the_quotation_are_not_its_speaker():
    text = ("Tom Reyes, the harbour master, spoke to reporters on Monday.\n\n"
            "“My reaction, that was outrageous,” the harbour master said.")
    assert not any(s and "reaction" in s.lower() for s in speakers(text))


def test_pronoun_and_role_speakers_still_resolve():
    text = ("Harbour master Lena Ortiz inspected the new pier on Monday. "
            "She said the concrete would outlast all of us.\n\n"
            "The spokesman of the port, Tom Reyes, said the pier would open in May.")
    found = speakers(text)
    assert "Lena Ortiz" in found
    assert "Tom Reyes" in found


def test_a_pronoun_skips_the_other_gender_for_a_speaker_of_unknown_gender():
    text = ("Sam Kowalski said the harbour would reopen in May.\n\n"
            "Mr. Tom Reyes said the divers were not done yet.\n\n"
            "She said the ferry would run again by June.")
    q = next(q for q in quotes_of(text) if "ferry" in q.text)
    assert q.speaker == "Sam Kowalski"

"""Canonical entities: one per referent, spans exact, spaCy's slips repaired."""

import pytest

from nutgraf.facts import nlp
from nutgraf.facts.entities import EntityIndex, find_entities


def entities(text):
    return find_entities(nlp.parse(text))


def by_name(ents):
    return {e.name: e for e in ents}


def test_surname_typo_and_possessive_join_the_full_name():
    text = ("Chancellor Olaf Scholz met farmers on Monday. Olaf Scholtz’s plan was criticised, "
            "and Scholz's party lost votes. Later Olaf Scholz left Berlin.")
    ents = entities(text)
    people = [e for e in ents if e.label == "PERSON"]
    assert [p.name for p in people] == ["Olaf Scholz"]
    spans = [text[s:e] for s, e in people[0].mentions]
    assert "Olaf Scholtz" in spans and "Scholz" in spans
    assert all(not s.endswith(("'s", "’s")) for s in spans)


def test_every_mention_span_is_exact():
    text = "The United Nations said the U.N. would send aid to Kenya, where UN staff work."
    for ent in entities(text):
        for s, e in ent.mentions:
            assert text[s:e].strip() == text[s:e]
            assert text[s:e]


def test_role_phrase_joins_the_only_holder_of_the_role():
    text = ("President Emmanuel Macron visited Lyon on Tuesday. Workers booed as the President "
            "arrived at the factory, and the French President left early.")
    ents = by_name(entities(text))
    macron = ents["Emmanuel Macron"]
    spans = [text[s:e] for s, e in macron.mentions]
    assert any(s.lower().endswith("president") for s in spans)


def test_role_is_not_given_when_two_people_hold_it():
    text = ("President Joe Biden met President Xi Jinping in Bali. Reporters said the President "
            "looked tired.")
    for e in entities(text):
        spans = [text[s:t].lower() for s, t in e.mentions]
        assert "the president" not in spans


def test_social_network_is_not_a_person():
    text = "Elon Musk bought Twitter last year, and Twitter lost advertisers."
    labels = {e.name: e.label for e in entities(text)}
    assert labels.get("Twitter") != "PERSON"


def test_acronym_joins_its_full_name():
    text = ("The Associated Press reported the figures on Monday. Later AP corrected one of them.")
    ents = by_name(entities(text))
    assert "Associated Press" in ents
    assert len(ents["Associated Press"].mentions) == 2


@pytest.mark.parametrize("pronoun", ["he", "He"])
def test_index_resolves_pronoun_to_nearest_person(pronoun):
    text = f"Maria Lopez met Tom Hardy in Madrid. Later {pronoun} said the talks went well."
    ents = entities(text)
    index = EntityIndex(text, ents)
    pos = text.index(f" {pronoun} said") + 1
    assert index.resolve(pos, pos + len(pronoun)).name == "Tom Hardy"


def test_index_finds_the_named_entity_inside_a_longer_span():
    text = "Anna Berg, a senior economist at the central bank, warned of inflation."
    ents = entities(text)
    index = EntityIndex(text, ents)
    span_end = text.index(" warned")
    assert index.resolve(0, span_end).name == "Anna Berg"


def test_no_text_no_entities():
    assert entities("") == []


def test_title_inside_a_person_span_is_not_part_of_the_name():
    text = "Farmer Ada Kowalski said the harvest was poor. Kowalski added that prices fell."
    people = [e for e in entities(text) if e.label == "PERSON"]
    assert [p.name for p in people] == ["Ada Kowalski"]
    assert all(not text[s:e].startswith("Farmer") for s, e in people[0].mentions)

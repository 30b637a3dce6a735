"""Entity repairs from the demo corpus (issue 15, part 5): words glued to names, products
tagged as places, shouted words in quoted posts, role phrases and first names."""

from __future__ import annotations

import pytest

from nutgraf.facts import nlp
from nutgraf.facts.entities import find_entities
from nutgraf.store.gkg import gkg_row

try:
    nlp.load()
except Exception:  # pragma: no cover - the model is a pinned dependency
    pytest.skip("spaCy model not installed", allow_module_level=True)


def entities(text):
    return find_entities(nlp.parse(text))


def names(ents, label=None):
    return {e.name for e in ents if label is None or e.label == label}


def test_shouted_words_in_a_quoted_post_are_not_names():
    text = ("Governor Matt Bevin lost his race on Tuesday. President Trump had backed him, and "
            "Trump said he was proud of the campaign.\n\n"
            "“Governor Bevin has done a great job for the people of Kentucky!” Trump tweeted. "
            "“Matt has my Complete and Total Endorsement. GET OUT and VOTE for your GREAT "
            "Governor!”\n\nVoters did vote, and many said it was a great night for the state.")
    ents = entities(text)
    found = names(ents)
    assert "VOTE" not in found
    assert not any("GREAT" in n for n in found)
    assert "Complete and Total Endorsement" not in found
    assert "Trump" in names(ents, "PERSON")
    assert "Trump" not in names(ents, "ORG")


def test_acronyms_are_not_shouting():
    text = ("NASA said on Monday that the probe had reached Jupiter. The FBI and NATO were "
            "not involved, and nobody said the launch was anything but a success.")
    found = names(entities(text))
    assert "NASA" in found


def test_a_shouted_brand_joins_its_name():
    text = ("Ford showed a new car in Los Angeles on Tuesday. FORD MUSTANG MACH-E: the "
            "electric model goes on sale next year, Ford said.")
    orgs = [e for e in entities(text) if e.name.lower() == "ford"]
    assert len(orgs) == 1 and orgs[0].name == "Ford"


def test_a_lone_first_name_joins_the_one_full_name():
    text = ("Matt Bevin conceded on Wednesday. Supporters cheered when Matt thanked them, "
            "and Bevin left the stage.")
    people = names(entities(text), "PERSON")
    assert people == {"Matt Bevin"}


def test_a_role_phrase_is_never_the_name():
    text = ("President Trump spoke on Monday. Voters could have elevated the president's allies. "
            "Instead, the president's party lost, and Trump said little about the president "
            "of Ukraine.")
    ents = entities(text)
    people = names(ents, "PERSON")
    assert "Trump" in people
    assert not any(n.lower().startswith("the ") for n in people)
    trump = next(e for e in ents if e.name == "Trump")
    spans = [text[s:e] for s, e in trump.mentions]
    assert not any(s.lower() == "the president" and text[e:e + 3] == " of"
                   for s, e in zip(spans, [e for _, e in trump.mentions]))


def test_a_participle_glued_to_a_name_is_cut():
    text = ("Marc Benioff interviewed Tim Cook in San Francisco on Tuesday.\n\n"
            "Hosting Cook at Dreamforce \"is our dream,\" Benioff said. Cook smiled.")
    people = names(entities(text), "PERSON")
    assert not any(n.startswith("Hosting") for n in people)
    assert "Tim Cook" in people


def test_software_is_not_a_place():
    pytest.importorskip("nutgraf.facts.places.gazetteer")
    from nutgraf.facts.places.gazetteer import GazetteerMissing, open_gazetteer

    try:
        open_gazetteer()
    except GazetteerMissing:
        pytest.skip("gazetteer not built")
    text = ("Tim Cook praised the new Siri shortcuts in San Francisco on Tuesday, and said "
            "Netflix would come to the phone later.")
    ents = entities(text)
    assert "Siri" not in names(ents, "GPE")
    assert "San Francisco" in names(ents, "GPE")


def test_lowercase_words_are_not_names():
    found = names(entities("The police found meth in the car near Sioux Falls, South Dakota."))
    assert "meth" not in found


def test_gkg_persons_leave_out_role_phrases():
    row = gkg_row({"id": 1, "url": "https://example.org/a", "entities": [
        {"name": "the president", "label": "PERSON", "mentions": [[0, 13]]},
        {"name": "Matt Bevin", "label": "PERSON", "mentions": [[20, 30]]},
    ]})
    persons = row[11]
    assert persons == "Matt Bevin"
    assert "the president" not in row[12]

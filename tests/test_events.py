"""Events: PLOVER categories from the parse, actors with country and sector, evidence spans,
negation and intent, bounded time on hostile input."""

import time

import pytest

import nutgraf
from nutgraf.facts.events import lexicon, plover

CATEGORIES = set(plover.CATEGORIES)


def events(text):
    article = nutgraf.analyze(text, clean=False)
    return article, article.events


def cats(text):
    return [e.category for e in events(text)[1]]


def test_contract_fields_and_exact_spans():
    text = ("The Ruritanian army shelled the border town of Zarvia on Monday.\n\n"
            "Hungarian officials condemned the attack and urged both sides to hold talks in Vienna.")
    article, found = events(text)
    assert found, "no events"
    for e in found:
        assert e.category in CATEGORIES
        assert article.text[e.start:e.end] == e.text
        assert e.sentence_start <= e.start < e.end <= e.sentence_end
        assert e.cameo and e.cameo[:2].isdigit()
        assert -10 <= e.score <= 10
        assert 0 < e.confidence <= 1
        for actor in (e.source, e.target):
            if actor is not None:
                assert article.text[actor.start:actor.end] == actor.name
        d = e.to_dict()
        for key in ("category", "mode", "cameo", "score", "text", "start", "end", "sentence_start",
                    "sentence_end", "source", "target", "place", "date", "negated", "confidence"):
            assert key in d
    accuse = [e for e in found if e.category == "ACCUSE"]
    assert accuse and accuse[0].source.country == "HUN" and accuse[0].source.sector == "GOV"
    assert accuse[0].mode == "disapprove"


def test_statements_are_not_events():
    assert cats("The minister said the economy was growing. She declared the session open.") == []


def test_text_without_verbs_has_no_events():
    assert cats("Tables. Chairs. Blue skies, green fields and the sea.") == []


def test_assault_with_source_target_and_country():
    _, found = events("Burmese troops attacked a village held by Karen rebels.")
    e = next(e for e in found if e.category == "ASSAULT")
    assert e.source.country == "MMR" and e.source.sector == "MIL"
    assert "village" in e.target.name or "Karen" in e.target.name


def test_passive_agent_is_the_source():
    _, found = events("A convoy of Ruritanian refugees was attacked by Borduvian militiamen.")
    e = next(e for e in found if e.category == "ASSAULT")
    assert "militiamen" in e.source.name
    assert "convoy" in e.target.name or "refugees" in e.target.name


def test_refusal_is_reject_and_absorbs_the_refused_act():
    found = cats("The Ruritanian president refused to meet the opposition leader.")
    assert found == ["REJECT"]


def test_negated_act_keeps_category_and_is_flagged():
    _, found = events("The Borduvian army did not attack the capital.")
    e = next(e for e in found if e.category == "ASSAULT")
    assert e.negated is True


def test_threat_to_act():
    _, found = events("The Ruritanian government threatened to cut diplomatic ties with Borduvia.")
    assert [e.category for e in found] == ["THREATEN"]
    assert found[0].mode == "relations"
    assert found[0].target is not None and "Borduvia" in found[0].target.name


def test_intent_to_cooperate_is_agree_and_pledge_not_to_fight_too():
    assert cats("Germany pledged to send humanitarian aid to the flooded region.") == ["AGREE"]
    assert cats("The rebels vowed not to attack civilians again.") == ["AGREE"]


def test_future_conflict_is_a_threat_and_conditional_intent_an_ultimatum():
    assert cats("Colonel Varga said his troops will attack the town.") == ["THREATEN"]
    assert cats("Ruritania will withdraw its ambassador unless Borduvia frees the prisoners.") == ["THREATEN"]


def test_request_and_its_target():
    _, found = events("France urged Iran to release the detained journalists.")
    assert [e.category for e in found] == ["REQUEST"]
    assert found[0].source.country == "FRA" and found[0].target.country == "IRN"


def test_accusation_target_is_the_accused():
    _, found = events("Palestinian leaders accused Israel of blocking aid convoys.")
    assert [e.category for e in found] == ["ACCUSE"]
    assert found[0].target.country == "ISR"


def test_light_verb_takes_the_nouns_event_and_span():
    article, found = events("The Ruritanian interior minister imposed a curfew on the capital.")
    e = next(e for e in found if e.category == "COERCE")
    assert e.text == "imposed a curfew" and e.mode == "curfew"
    assert e.source.sector == "GOV"


def test_undoing_a_restriction_concedes():
    assert cats("The Borduvian government lifted the curfew in the northern provinces.") == ["CONCEDE"]


def test_actor_country_and_sector_from_demonyms_and_roles():
    _, found = events("Hungarian officials criticised the decision. Kenyan police arrested twelve students.")
    accuse = next(e for e in found if e.category == "ACCUSE")
    assert (accuse.source.country, accuse.source.sector) == ("HUN", "GOV")
    coerce = next(e for e in found if e.category == "COERCE")
    assert (coerce.source.country, coerce.source.sector) == ("KEN", "COP")
    assert coerce.target.sector == "EDU"


def test_metonym_and_role_prefix_give_the_country():
    _, found = events("The Kremlin condemned the sanctions. UK Defence Secretary Ben Wallace "
                      "criticised the referendum.")
    sources = [e.source for e in found if e.category == "ACCUSE"]
    assert sources[0].country == "RUS"
    assert sources[1].country == "GBR" and sources[1].sector in ("GOV", "MIL")


def test_coordinated_sources_give_one_event_each():
    _, found = events("Latvia, Lithuania and Estonia expelled Russian diplomats.")
    sanction = [e for e in found if e.category == "SANCTION"]
    assert {e.source.country for e in sanction} == {"LVA", "LTU", "EST"}
    assert all(e.target.country == "RUS" for e in sanction)


def test_date_and_place_come_from_the_sentence():
    _, found = events("Police arrested forty protesters in Nairobi, Kenya on 3 March 2021.")
    e = next(e for e in found if e.category == "COERCE")
    assert e.date is not None and e.date.value and e.date.value.startswith("2021-03-03")
    assert e.place is not None and e.place.country_code == "KE"


def test_lexicon_and_cameo_table_agree():
    lex = lexicon.load()
    table = {code: cat for code, cat, *_ in plover.cameo_table()}
    for entries in lex.entries.values():
        for e in entries:
            if e.category:
                assert e.category in CATEGORIES, e
                code = plover.cameo(e.category, e.mode)
                assert code in table
    assert plover.cameo("COERCE", "curfew") == "1723"
    assert plover.cameo("MOBILIZE", "troops") == "152"


@pytest.mark.parametrize("text", [
    " ".join(["the army attacked and the police arrested protesters"] * 700),   # a ~5,000-word sentence
    ", ".join(["France", "Germany", "Kenya", "Chile", "Japan"] * 40) + ".",       # 200 country names
    "attack " * 3000,
])
def test_hostile_input_in_bounded_time(text):
    from nutgraf.facts import nlp
    from nutgraf.facts.entities import EntityIndex
    from nutgraf.facts.events import find_events

    article = nutgraf.analyze(text, clean=False)
    doc = nlp.parse(article.text)
    start = time.perf_counter()
    found = find_events(doc, article, EntityIndex(article.text, article.entities))
    assert time.perf_counter() - start < 5.0
    for e in found:
        assert article.text[e.start:e.end] == e.text


def test_state_actor_without_a_country_takes_the_sentences_named_country():
    _, found = events("Following a flood of Russian civilians turning to Finland, the Ministry of Foreign "
                      "Affairs announced that new restrictions would be imposed on Russian tourists.")
    e = next(e for e in found if e.source and e.source.name.endswith("Foreign Affairs"))
    assert e.source.country == "FIN"
    # where: the country named outright, not the demonym inside an actor ('Russian tourists')
    assert e.place is not None and e.place.country_code == "FI"


def test_named_official_takes_the_articles_country_and_the_sentences_city():
    _, found = events("Russia has called up reservists. Russian officials in Moscow defended the plan. "
                      "The Russian army moved east. Vladimir Putin ordered a partial mobilisation of "
                      "reserve forces to Moscow's armed forces.")
    e = next(e for e in found if e.category == "MOBILIZE" and e.text.startswith("ordered"))
    assert e.source.name == "Vladimir Putin" and e.source.country == "RUS"
    assert e.place is not None and e.place.name == "Moscow"


def test_organisation_keeps_no_country():
    _, found = events("Russia moved troops. Russian officials spoke. Russia denied it. "
                      "NATO Secretary General Jens Stoltenberg condemned President Putin's speech.")
    e = next(e for e in found if e.category == "ACCUSE" and e.source and "Stoltenberg" in e.source.name)
    assert e.source.sector == "IGO" and e.source.country is None


def test_apposition_gives_role_and_country():
    _, found = events("Ukraine moved troops east. Dmitry Peskov, a Kremlin spokesman, condemned the attack "
                      "on Ukraine.")
    e = next(e for e in found if e.source and e.source.name.startswith("Dmitry Peskov"))
    assert (e.source.country, e.source.sector) == ("RUS", "GOV")


def test_an_event_without_a_place_in_its_sentence_is_placed_at_the_dateline():
    _, found = events("Protest ends. HARTFORD, Conn. — Police arrested twelve protesters on Tuesday. "
                      "Officials in Connecticut and in Boston, Massachusetts, said nothing.")
    e = next(e for e in found if e.category == "COERCE")
    assert e.place is not None and e.place.text == "HARTFORD" and e.place.admin1_name == "Connecticut"

"""Amounts: values, units, what is counted, rates, and who reported them, each with a span.

Fixtures are the project's own sentences (not NewsQuant's, not the seed's).
"""

from __future__ import annotations

import pytest

from nutgraf.facts import numbers as N
from nutgraf.facts.amounts import find_amounts
from nutgraf.facts.entities import EntityIndex, find_entities
from nutgraf.facts.nlp import parse


def amounts(text: str):
    doc = parse(text)
    found = find_amounts(doc, EntityIndex(text, find_entities(doc)))
    for a in found:
        assert a.text == text[a.start:a.end]  # every amount is a span over the text
        if a.source_span is not None:
            s, e = a.source_span
            assert 0 <= s < e <= len(text)
    return found


def one(text: str, needle: str):
    """The amount whose span contains ``needle``."""
    start = text.index(needle)
    hits = [a for a in amounts(text) if a.start <= start < a.end]
    assert hits, f"no amount at {needle!r} in {[a.text for a in amounts(text)]}"
    return hits[0]


# --- numbers -------------------------------------------------------------------------------

def test_number_words():
    assert N.parse_words("two hundred and five") == 205
    assert N.parse_words("twenty-five") == 25
    assert N.parse_words("a dozen") == 12
    assert N.parse_words("three thousand") == 3000
    assert N.parse_digits("1,307,000") == 1307000
    assert N.vague_bounds("tens of thousands") == (1e4, 1e5)


# --- currency, percent, scales ----------------------------------------------------------------

@pytest.mark.parametrize("text,needle,value,unit", [
    ("The harbour upgrade will cost $3bn over a decade.", "$3bn", 3e9, "USD"),
    ("The club sold the striker for €20m last summer.", "€20m", 2e7, "EUR"),
    ("Ministers set aside £1.2 billion for flood defences.", "£1.2 billion", 1.2e9, "GBP"),
    ("The farm co-op paid US$4.5 million in dividends.", "US$4.5 million", 4.5e6, "USD"),
    ("Rents rose 30% in the old town.", "30%", 30.0, "percent"),
    ("Turnout fell to 41 per cent in the by-election.", "41 per cent", 41.0, "percent"),
    ("The bakery sold 1.5 million loaves.", "1.5 million", 1.5e6, None),
    ("A new bridge of 2,400 metres spans the estuary.", "2,400 metres", 2400, "metre"),
    ("The ferry sails at 18 knots.", "18 knots", 18, "knot"),
    ("The van carried 750kg of apples.", "750kg", 750, "kilogram"),
])
def test_value_and_unit(text, needle, value, unit):
    a = one(text, needle)
    assert a.value == pytest.approx(value)
    if unit is not None:
        assert a.unit == unit


def test_span_is_exact():
    text = "Officials counted 12,500 ballots by midnight."
    a = one(text, "12,500")
    assert a.text == "12,500 ballots"
    assert (a.start, a.end) == (18, 32)
    assert a.value_text == "12,500"


# --- spelled-out numbers, counts ----------------------------------------------------------

def test_spelled_out_numbers_and_counted_objects():
    text = "Two hundred volunteers and a dozen boats searched the lake for three days."
    volunteers = one(text, "Two hundred")
    assert volunteers.value == 200
    assert volunteers.unit == "people"
    assert volunteers.object == "volunteers"
    boats = one(text, "a dozen")
    assert boats.value == 12
    assert boats.object == "boats"
    days = one(text, "three days")
    assert days.value == 3 and days.unit == "day"


# --- ranges, approximations, vague ----------------------------------------------------------

def test_ranges():
    a = one("Prices climbed 10-20% across the region.", "10-20%")
    assert (a.lower_bound, a.upper_bound) == (10, 20) and a.unit == "percent"
    b = one("The scheme will cost between 5 and 7 million dollars.", "5 and 7")
    assert (b.lower_bound, b.upper_bound) == (5e6, 7e6)
    assert b.unit == "USD"
    c = one("Tickets cost from $40 to $65 each.", "$40")
    assert (c.lower_bound, c.upper_bound) == (40, 65)


@pytest.mark.parametrize("text,needle,lower,upper", [
    ("Some 4,000 fans queued outside.", "Some 4,000", None, None),
    ("The festival drew about 60,000 visitors.", "about 60,000", None, None),
    ("More than 300 flights were cancelled.", "More than 300", 300, None),
    ("Nearly 90 homes lost power.", "Nearly 90", None, 90),
    ("The grant is worth up to £5,000.", "up to £5,000", None, 5000),
    ("The probe weighs ~40 kg.", "~40 kg", None, None),
])
def test_approximations(text, needle, lower, upper):
    a = one(text, needle)
    assert a.approximate
    assert a.lower_bound == lower and a.upper_bound == upper


def test_vague_counts():
    text = "Thousands of residents marched, and hundreds of shops closed."
    residents = one(text, "Thousands")
    assert residents.value is None and residents.vague
    assert residents.lower_bound == 1000 and residents.upper_bound == 10000
    assert residents.unit == "people"
    shops = one(text, "hundreds")
    assert shops.lower_bound == 100 and shops.object == "shops"


def test_vague_with_unit():
    a = one("Crews cleared thousands of kilometres of forest tracks.", "thousands")
    assert a.vague and a.unit == "kilometre" and a.lower_bound == 1000
    assert a.object == "forest tracks"


# --- rates, changes ----------------------------------------------------------------------

@pytest.mark.parametrize("text,needle,per", [
    ("The plant bottles 20,000 litres per hour.", "20,000", "hour"),
    ("They pay $1,800 a month in rent.", "$1,800", "month"),
    ("Inspectors say 300 lorries use the road each day.", "300", "day"),
    ("The fee is £12 per person.", "£12", "person"),
])
def test_rates(text, needle, per):
    assert one(text, needle).per == per


def test_changes_and_negatives():
    assert one("Exports rose by 5% in March.", "5%").value == 5
    assert one("The lake froze at minus 12 degrees Celsius.", "minus 12").value == -12
    assert one("The lake froze at minus 12 degrees Celsius.", "minus 12").unit == \
        "degree Celsius"
    assert one("Shares closed +0.4% on Friday.", "+0.4%").value == 0.4


# --- sources -----------------------------------------------------------------------------

def test_source_according_to():
    text = "About 2,000 homes were flooded, according to the Environment Agency."
    a = one(text, "2,000")
    assert a.source == "Environment Agency"
    s, e = a.source_span
    assert "Environment Agency" in text[s:e]


def test_source_report_verb():
    text = ("Officials in Bavaria reported that 3,400 refugees had arrived each week. "
            "The Red Cross estimated some 15,000 people were without shelter.")
    refugees = one(text, "3,400")
    assert refugees.source == "Officials in Bavaria"
    assert refugees.per == "week"
    assert refugees.unit == "people"
    people = one(text, "15,000")
    assert people.source == "Red Cross"
    assert people.approximate


def test_source_pronoun_resolves():
    text = ("Maria Keller runs the harbour café. She said 40 boats had left the marina.")
    assert one(text, "40").source == "Maria Keller"


def test_no_source_for_plain_statement():
    assert one("The army has 80,000 troops in the north.", "80,000").source is None


# --- not amounts ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,needle", [
    ("The bridge opened in 2022 after delays.", "2022"),
    ("The mill has been closed since 1991.", "1991"),
    ("The vote is on September 21 in the capital.", "21"),
    ("The train leaves at 10:45 pm.", "10"),
    ("She finished third, in the 21st race of the year.", "21"),
    ("Call the desk on 555-123-4567 for tickets.", "555"),
    ("Readers of the 1990s paper remember it.", "1990"),
    ("The update to version 3.8.18 fixed it.", "3.8"),
    ("He bought an iPhone 14 last week.", "14"),
    ("Chelsea won the game 2-0 on Sunday.", "2-0"),
    ("Maria Lopez, 41, runs the bakery.", "41"),
    ("The storm was upgraded to category 4 overnight.", "4"),
    ("They live at 42 Harbour Road near the pier.", "42"),
])
def test_not_amounts(text, needle):
    pos = text.index(needle)
    assert not [a for a in amounts(text) if a.start <= pos < a.end], needle


def test_ages_written_as_ages_are_amounts():
    a = one("A 52-year-old fisherman was rescued.", "52")
    assert a.value == 52 and a.unit == "year of age"


def test_empty_and_numberless_text():
    assert amounts("") == []
    assert amounts("No figures were given at the briefing.") == []


def test_vague_subject_counts_people_and_mixed_fractions():
    assert one("Thousands fled the city overnight.", "Thousands").unit == "people"
    a = one("Stir in 1 1/2 cups of stock.", "1 1/2")
    assert a.value == 1.5 and a.unit == "cup"


def test_rises_and_falls_carry_their_direction_levels_do_not():
    from nutgraf.facts import nlp
    from nutgraf.facts.amounts import find_amounts

    def changes(text):
        return [(a.value, a.change) for a in find_amounts(nlp.parse(text))]

    assert changes("Ticket sales rose 7% in June.") == [(7.0, "up")]
    assert changes("The deficit fell by $3 billion.") == [(3e9, "down")]
    assert changes("The deficit fell to $3 billion.") == [(3e9, None)]
    assert changes("The school has 450 pupils.") == [(450.0, None)]


@pytest.mark.parametrize("text, needle, unit", [
    ("Shares in the retailer closed at 125.8 p.", "125.8", "pence"),
    ("The oil has a 12 C melting point.", "12", "degree Celsius"),
    ("Storage fell to 16 billion b.", "16 billion", "b"),
])
def test_a_lone_letter_after_a_number_is_a_unit_symbol_not_the_counted_noun(text, needle, unit):
    a = one(text, needle)
    assert a.unit == unit
    assert a.object is None or len(a.object.rstrip(".")) > 1  # never the letter itself

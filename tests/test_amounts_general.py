"""Amounts read from general structure (issue 15): ranges written with words, benchmark
phrases, rates, currency abbreviations, unit symbols, and the noun a number counts.

The project's own sentences (not NewsQuant's, not the seed's).
"""

from __future__ import annotations

import pytest

from nutgraf.facts.amounts import find_amounts
from nutgraf.facts.nlp import parse


def amounts(text: str):
    found = find_amounts(parse(text))
    for a in found:
        assert a.text == text[a.start:a.end]
    return found


def one(text: str, needle: str):
    start = text.index(needle)
    hits = [a for a in amounts(text) if a.start <= start < a.end]
    assert hits, f"no amount at {needle!r} in {[a.text for a in amounts(text)]}"
    return hits[0]


# --- 'zero to 60 mph': a range (a benchmark), never 0 mph ----------------------------------

@pytest.mark.parametrize("text,needle,upper,unit", [
    ("The coupe goes from zero to 60 mph in 3.1 seconds.", "zero", 60.0, "mile per hour"),
    ("The hatchback sprints 0 to 60 mph in under seven seconds.", "0 to", 60.0,
     "mile per hour"),
    ("Its 0-60 mph time is 4.2 seconds.", "0-60", 60.0, "mile per hour"),
    ("The saloon reaches 0-100 km/h in 5.9 seconds.", "0-100", 100.0, "kilometre per hour"),
    ("The estate goes 0-to-60 mph in 5.1 seconds.", "0-to-60", 60.0, "mile per hour"),
])
def test_zero_to_sixty_is_a_range_not_zero_mph(text, needle, upper, unit):
    a = one(text, needle)
    assert (a.lower_bound, a.upper_bound, a.unit) == (0.0, upper, unit)
    # nothing in the sentence is a bare 0 mph / 0 km/h
    assert not [b for b in amounts(text) if b.value == 0 and b.upper_bound is None]
    seconds = [b for b in amounts(text) if b.unit == "second"]
    assert len(seconds) == 1


def test_zero_to_sixty_as_one_word_is_a_range():
    a = one("Its zero-to-60 time is 3.1 seconds.", "zero")
    assert (a.value, a.lower_bound, a.upper_bound) == (0.0, 0.0, 60.0)


# --- ranges split by words ------------------------------------------------------------------

@pytest.mark.parametrize("text,needle,lower,upper,unit", [
    ("The new stand will cost between 10 and 12 million dollars.", "10 and", 1e7, 1.2e7,
     "USD"),
    ("Between 10 and 12 million people watched the final.", "10 and", 1e7, 1.2e7, "people"),
    ("Organisers expect 10-12 million visitors this summer.", "10-12", 1e7, 1.2e7, "people"),
    ("The repairs will take from three to five weeks.", "three", 3.0, 5.0, "week"),
    ("Growth was forecast at 5 to 7 per cent.", "5 to", 5.0, 7.0, "percent"),
    ("The crate weighs between two and three tonnes.", "two", 2.0, 3.0, "tonne"),
    ("The levy would raise 10 million to 12 million pounds.", "10 million", 1e7, 1.2e7,
     "GBP"),
    ("The fine is between $10 million and $12 million.", "$10", 1e7, 1.2e7, "USD"),
])
def test_ranges_written_with_words(text, needle, lower, upper, unit):
    a = one(text, needle)
    assert (a.lower_bound, a.upper_bound, a.unit) == (lower, upper, unit)


def test_and_joins_number_words_only_after_a_scale_word():
    from nutgraf.facts import numbers as N

    assert N.WORDS_RE.search("two and three").group(0) == "two"
    assert N.parse_words(N.WORDS_RE.search("two hundred and five").group(0)) == 205


def test_a_change_then_a_level_is_not_a_range():
    found = amounts("Gold rose $12.40 to $1,780 an ounce on Friday.")
    assert [(a.value, a.unit, a.per) for a in found] == [(12.4, "USD", None),
                                                         (1780.0, "USD", "ounce")]
    assert all(a.upper_bound is None for a in found)
    # 'from ... to ...' is a range
    a = one("Brent climbed from $70 to $85 a barrel.", "$70")
    assert (a.lower_bound, a.upper_bound, a.per) == (70.0, 85.0, "barrel")


# --- rates ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text,needle,value,unit,per", [
    ("Brent crude settled at $85.20 per barrel.", "$85.20", 85.2, "USD", "barrel"),
    ("West Texas crude traded at $70 a barrel on Monday.", "$70", 70.0, "USD", "barrel"),
    ("The board declared a dividend of 25 cents a share.", "25 cents", 25.0, "cent", "share"),
    ("The loss came to 45 cents per share.", "45 cents", 45.0, "cent", "share"),
    ("Petrol averaged $3.45 a gallon in the state.", "$3.45", 3.45, "USD", "gallon"),
    ("The council pays carers £11 an hour.", "£11", 11.0, "GBP", "hour"),
    ("Power costs 30p per kWh.", "30p", 30.0, "pence", "kilowatt hour"),
    ("Beef costs €12/kg at the market.", "€12", 12.0, "EUR", "kilogram"),
])
def test_rates_per_unit(text, needle, value, unit, per):
    a = one(text, needle)
    assert (a.value, a.unit, a.per) == (value, unit, per)


# --- currency abbreviations and names -------------------------------------------------------

@pytest.mark.parametrize("text,needle,value,unit", [
    ("The court fined him Rs 5,000 for the offence.", "Rs 5,000", 5000.0, "INR"),
    ("The court fined him Rs. 5,000 for the offence.", "Rs. 5,000", 5000.0, "INR"),
    ("The firm reported revenue of EUR 5.2 million.", "EUR 5.2", 5.2e6, "EUR"),
    ("The flat sold for AED 2.5m last week.", "AED 2.5m", 2.5e6, "AED"),
    ("The ministry set aside Rp 3.2 trillion for roads.", "Rp 3.2", 3.2e12, "IDR"),
    ("Warsaw will spend 12bn zlotys on tanks.", "12bn", 1.2e10, "PLN"),
    ("The deal is worth NZ$1.2bn.", "NZ$1.2bn", 1.2e9, "NZD"),
    ("Sales reached 3.5bn yuan last year.", "3.5bn", 3.5e9, "CNY"),
    ("The budget is 5m EUR this year.", "5m", 5e6, "EUR"),
    ("The club was fined 3m euros.", "3m", 3e6, "EUR"),
    ("The firm raised CHF 200 million.", "CHF 200", 2e8, "CHF"),
])
def test_currency_abbreviations(text, needle, value, unit):
    a = one(text, needle)
    assert (a.value, a.unit) == (value, unit)


# --- unit symbols and the lexicon -----------------------------------------------------------

@pytest.mark.parametrize("text,needle,value,unit", [
    ("The tablet ships with a 5 W USB-C charger.", "5 W", 5.0, "watt"),
    ("The phone answers in 30 ms.", "30 ms", 30.0, "millisecond"),
    ("Its 2,000cc engine was rebuilt.", "2,000cc", 2000.0, "cubic centimetre"),
    ("The tyres run at 35 psi.", "35 psi", 35.0, "pound per square inch"),
])
def test_unit_symbols(text, needle, value, unit):
    a = one(text, needle)
    assert (a.value, a.unit) == (value, unit)


# --- what is counted: the noun phrase the number modifies -----------------------------------

@pytest.mark.parametrize("text,needle,unit,obj", [
    ("Half of the combined 4.3M digital and physical sales were online.", "4.3M", "sale",
     "digital and physical sales"),
    ("The garage has repaired dozens of Kia and Hyundai vehicles.", "dozens", "vehicle",
     "Kia and Hyundai vehicles"),
    ("It was one of the most spectacular catches of the season.", "one", "catch",
     "most spectacular catches"),
    ("Police arrested 12 of the 40 protesters.", "12", "people", "protesters"),
    ("The chain will close 20 of its 50 stores.", "20", "store", "stores"),
    ("The firm installed 500 fast, cheap chargers.", "500", "charger", "fast, cheap chargers"),
    ("The club signed 3 highly rated young players.", "3", "people",
     "highly rated young players"),
])
def test_counted_noun_phrase(text, needle, unit, obj):
    a = one(text, needle)
    assert (a.unit, a.object) == (unit, obj)


def test_a_part_keeps_its_own_span():
    found = amounts("Police arrested 12 of the 40 protesters.")
    assert [a.text for a in found] == ["12", "40 protesters"]


@pytest.mark.parametrize("text,needle", [
    ("A last-32 tie awaits the club in February.", "32"),
    ("The Australian-35 index is an invented name here.", "35"),
])
def test_a_word_hyphen_number_is_a_name_or_rank(text, needle):
    start = text.index(needle)
    assert not [a for a in amounts(text) if a.start <= start < a.end]


def test_a_sign_or_approximation_before_a_hyphen_keeps_the_number():
    assert one("The launch angle averaged minus-1.4 degrees.", "1.4").value == -1.4


@pytest.mark.parametrize("text,needle,value,unit", [
    ("About 1.5m people live in the valley.", "1.5m", 1.5e6, "people"),
    ("The app has 10k users.", "10k", 1e4, "people"),
    ("The game passed 2.5m downloads.", "2.5m", 2.5e6, "download"),
    ("The 37m yacht docked in the harbour.", "37m", 37.0, "metre"),
    ("She won the 100m sprint.", "100m", 100.0, "metre"),
])
def test_a_glued_m_or_k_before_a_counted_noun_is_a_scale(text, needle, value, unit):
    a = one(text, needle)
    assert (a.value, a.unit) == (value, unit)


def test_a_rate_after_a_list_applies_to_each_item():
    text = "She is averaging 27.4 points, 8.1 rebounds and 6.3 assists per game."
    assert [(a.value, a.per) for a in amounts(text)] == [(27.4, "game"), (8.1, "game"),
                                                         (6.3, "game")]
    text = "He earned $5,000 and then paid $20 a month."
    assert [(a.value, a.per) for a in amounts(text)] == [(5000.0, None), (20.0, "month")]


def test_a_fraction_of_a_unit():
    a = one("The Fed raised rates by a quarter of a percentage point.", "quarter")
    assert (a.value, a.unit) == (0.25, "percentage point")


@pytest.mark.parametrize("text,needle,kept", [
    ("The side slipped towards the bottom three after a poor run.", "three", False),
    ("She finished in the top 10 at the Open.", "10", False),
    ("The top 10 firms paid no tax.", "10", True),
])
def test_the_top_or_bottom_n_is_a_place_in_a_table(text, needle, kept):
    start = text.index(needle)
    assert bool([a for a in amounts(text) if a.start <= start < a.end]) is kept


@pytest.mark.parametrize("text,needle,lower,upper,unit", [
    ("Mileage rose from 20 miles per gallon in 2008 to 29 mpg in 2020.", "20 miles", 20.0,
     29.0, "mile per gallon"),
    ("The index fell from 5% last year to 3.2% this year.", "5%", 5.0, 3.2, "percent"),
])
def test_from_x_with_an_adjunct_to_y_is_a_range(text, needle, lower, upper, unit):
    a = one(text, needle)
    assert (a.lower_bound, a.upper_bound, a.unit) == (lower, upper, unit)
    assert len(amounts(text)) == 1


def test_from_x_to_y_across_a_clause_is_two_amounts():
    text = "Sales rose from $5m in March, the company said, to $7m."
    assert [a.value for a in amounts(text)] == [5e6, 7e6]


def test_the_end_of_a_from_range_to_a_bare_number_shares_the_unit():
    found = amounts("Mileage rose from about 14-18 mpg to 24 for SUVs.")
    assert [(a.lower_bound, a.upper_bound, a.value, a.unit) for a in found] == [
        (14.0, 18.0, 14.0, "mile per gallon"), (None, None, 24.0, "mile per gallon")]


def test_a_total_then_a_price_share_no_rate():
    found = amounts("The bid was worth £8.1bn, or £250 a share.")
    assert [(a.value, a.per) for a in found] == [(8.1e9, None), (250.0, "share")]


@pytest.mark.parametrize("text,needle", [
    ("The 2-1 win lifted them to fifth.", "2-1"),
    ("The round was led by 7-Eleven and others.", "Eleven"),
])
def test_names_and_scores_are_not_amounts(text, needle):
    start = text.index(needle)
    assert not [a for a in amounts(text) if a.start <= start < a.end]


def test_scaled_values_have_no_binary_noise():
    assert one("Revenue rose to $4.1bn.", "$4.1bn").value == 4.1e9
    a = one("Output grew from 2.3 to 4.1 million tonnes.", "2.3")
    assert (a.lower_bound, a.upper_bound) == (2.3e6, 4.1e6)

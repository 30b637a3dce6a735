"""The unit lexicon: how units are written after (or, for currencies, before) a number, and
the one canonical name each gets.

The naming scheme (``Amount.unit``):

- currencies are ISO 4217 codes: ``USD`` (a bare ``$`` is read as US dollars), ``EUR``,
  ``GBP``, ``JPY``, ``AUD`` ...; ``cent`` and ``pence`` are their own units;
- ``percent`` for %, 'per cent', 'pc'; ``percentage point``, ``basis point``, ``point``;
- measures are singular English names, British spelling for the metric ones:
  ``kilometre``, ``metre``, ``mile``, ``foot``, ``kilogram``, ``pound`` (mass),
  ``litre``, ``degree Celsius``, ``kilowatt hour``, ``mile per hour``, ``year`` ...;
- ages ('a 50-year-old', '18 month-old') are ``year of age`` / ``month of age``;
- counts of people (troops, Russians, voters, refugees ...) are ``people``; counts of other
  things are the singular of the counted noun ('22 goals' → ``goal``), and ``Amount.object``
  keeps the noun phrase as written;
- a rate keeps its unit and names the period or denominator in ``Amount.per``
  ('$3,500 a month' → unit ``USD``, per ``month``); units that are rates by name keep
  it in the unit ('mph' → ``mile per hour``).
"""

from __future__ import annotations

import re

# canonical name -> surface forms written after a number.  Forms are matched
# case-insensitively unless listed in CASE_SENSITIVE.
UNITS: dict[str, tuple[str, ...]] = {
    "percent": ("%", "percent", "per cent", "per-cent", "pc", "pct", "percentage"),
    "percentage point": ("percentage points", "percentage point", "percentage pts", "ppts",
                         "pp"),
    "basis point": ("basis points", "basis point", "bps", "bp"),
    "point": ("points", "point", "pts"),
    # length
    "kilometre": ("kilometres", "kilometre", "kilometers", "kilometer", "kms", "km"),
    "metre": ("metres", "metre", "meters", "meter", "m"),
    "centimetre": ("centimetres", "centimetre", "centimeters", "centimeter", "cm"),
    "millimetre": ("millimetres", "millimetre", "millimeters", "millimeter", "mm"),
    "micrometre": ("micrometres", "micrometre", "micrometers", "micrometer", "microns",
                   "micron", "μm", "µm"),
    "nanometre": ("nanometres", "nanometre", "nanometers", "nanometer", "nm"),
    "mile": ("miles", "mile", "mi"),
    "nautical mile": ("nautical miles", "nautical mile"),
    "foot": ("feet", "foot", "ft"),
    "inch": ("inches", "inch", "in.", "″", '"'),
    "yard": ("yards", "yard", "yds", "yd"),
    "light year": ("light years", "light-years", "light year", "light-year"),
    # area
    "square kilometre": ("square kilometres", "square kilometre", "square kilometers",
                         "square kilometer", "sq km", "sq. km", "km2", "km²"),
    "square metre": ("square metres", "square metre", "square meters", "square meter",
                     "sq m", "sq. m", "sqm", "m2", "m²"),
    "square mile": ("square miles", "square mile", "sq mi", "sq miles"),
    "square foot": ("square feet", "square foot", "sq ft", "sq. ft.", "sq. ft", "sqft"),
    "hectare": ("hectares", "hectare", "ha"),
    "acre": ("acres", "acre"),
    # volume
    "litre": ("litres", "litre", "liters", "liter", "l", "L"),
    "millilitre": ("millilitres", "millilitre", "milliliters", "milliliter", "ml", "mL"),
    "cubic metre": ("cubic metres", "cubic metre", "cubic meters", "cubic meter", "m3", "m³"),
    "cubic foot": ("cubic feet", "cubic foot", "cu ft"),
    "cubic centimetre": ("cubic centimetres", "cubic centimeters", "cubic centimetre",
                         "cubic centimeter", "cc", "cm3", "cm³"),
    "cubic inch": ("cubic inches", "cubic inch", "cu in"),
    "teaspoon": ("teaspoons", "teaspoon", "tsp"),
    "tablespoon": ("tablespoons", "tablespoon", "tbsp"),
    "cup": ("cups", "cup"),
    "gallon": ("gallons", "gallon", "gal"),
    "barrel": ("barrels", "barrel", "bbl"),
    "pint": ("pints", "pint"),
    "quart": ("quarts", "quart"),
    # mass
    "kilogram": ("kilograms", "kilogram", "kilogrammes", "kilos", "kilo", "kg"),
    "gram": ("grams", "gram", "grammes", "g"),
    "milligram": ("milligrams", "milligram", "mg"),
    "microgram": ("micrograms", "microgram", "mcg", "μg", "µg"),
    "tonne": ("tonnes", "tonne", "metric tons", "metric ton"),
    "ton": ("tons", "ton"),
    "pound": ("lbs", "lb"),
    "ounce": ("fluid ounces", "fluid ounce", "ounces", "ounce", "oz"),
    "stone": ("st",),
    # time
    "second": ("seconds", "second", "secs", "sec"),
    "millisecond": ("milliseconds", "millisecond", "ms"),
    "microsecond": ("microseconds", "microsecond", "μs", "µs"),
    "nanosecond": ("nanoseconds", "nanosecond", "ns"),
    "minute": ("minutes", "minute", "mins", "min"),
    "hour": ("hours", "hour", "hrs", "hr", "h"),
    "day": ("days", "day"),
    "week": ("weeks", "week", "wks"),
    "month": ("months", "month"),
    "year": ("years", "year", "yrs", "yr"),
    "decade": ("decades", "decade"),
    "century": ("centuries", "century"),
    "year of age": ("-year-old", "year-old", "years-old", "years old", "year old", "yo"),
    "month of age": ("-month-old", "month-old", "months-old", "months old", "month old"),
    "week of age": ("-week-old", "week-old", "weeks old", "week old"),
    "day of age": ("-day-old", "day-old", "days old", "day old"),
    # speed, economy
    "mile per hour": ("miles per hour", "mile per hour", "miles an hour", "mph"),
    "kilometre per hour": ("kilometres per hour", "kilometers per hour",
                           "kilometres an hour", "kilometers an hour", "km/h", "km/hr",
                           "kmh", "kph", "kmph"),
    "metre per second": ("metres per second", "meters per second", "m/s"),
    "knot": ("knots", "knot"),
    "mile per gallon": ("miles per gallon", "mpg"),
    # temperature, angle
    "degree Celsius": ("degrees Celsius", "degree Celsius", "degrees celsius",
                       "degrees centigrade", "Celsius", "celsius", "°C", "ºC", "C"),
    "degree Fahrenheit": ("degrees Fahrenheit", "degree Fahrenheit", "degrees fahrenheit",
                          "Fahrenheit", "fahrenheit", "°F", "ºF", "F"),
    "degree": ("degrees", "degree", "°"),
    # power, energy, electricity
    "watt": ("watts", "watt", "W"),
    "watt hour": ("watt hours", "watt-hours", "watt hour", "watt-hour", "Wh"),
    "kilowatt": ("kilowatts", "kilowatt", "kW", "KW"),
    "megawatt": ("megawatts", "megawatt", "MW"),
    "gigawatt": ("gigawatts", "gigawatt", "GW"),
    "kilowatt hour": ("kilowatt hours", "kilowatt-hours", "kilowatt hour", "kilowatt-hour",
                      "kWh", "KWh"),
    "megawatt hour": ("megawatt hours", "megawatt-hours", "megawatt hour", "MWh"),
    "gigawatt hour": ("gigawatt hours", "gigawatt-hours", "gigawatt hour", "GWh"),
    "terawatt hour": ("terawatt hours", "terawatt-hours", "TWh"),
    "horsepower": ("horsepower", "hp", "PS"),
    "brake horsepower": ("brake horsepower", "bhp"),
    "newton metre": ("newton metres", "newton meters", "newton-metres", "Nm"),
    "pound-foot": ("pound-feet", "pound-foot", "lb-ft", "lb ft", "lbs-ft"),
    "revolution per minute": ("revolutions per minute", "rpm"),
    "volt": ("volts", "volt", "V"),
    "kilovolt": ("kilovolts", "kilovolt", "kV"),
    "milliampere": ("milliamperes", "milliamps", "milliamp", "mA"),
    "joule": ("joules", "joule", "J"),
    "kilojoule": ("kilojoules", "kilojoule", "kJ"),
    "megajoule": ("megajoules", "megajoule", "MJ"),
    "pound per square inch": ("pounds per square inch", "psi"),
    "frame per second": ("frames per second", "fps"),
    "kilotonne": ("kilotonnes", "kilotons", "kilotonne", "kiloton", "kt"),
    "megatonne": ("megatonnes", "megatons", "megatonne", "megaton", "Mt"),
    "carat": ("carats", "carat", "ct"),
    "ampere": ("amperes", "amps", "amp"),
    "milliampere hour": ("milliamp hours", "mAh"),
    "hertz": ("hertz", "Hz", "HZ"),
    "kilohertz": ("kilohertz", "kHz"),
    "megahertz": ("megahertz", "MHz"),
    "gigahertz": ("gigahertz", "GHz"),
    "decibel": ("decibels", "decibel", "dB"),
    "gigapascal": ("gigapascals", "gigapascal", "GPa"),
    "megapascal": ("megapascals", "megapascal", "MPa"),
    "part per million": ("parts per million", "ppm"),
    "part per billion": ("parts per billion", "ppb"),
    "calorie": ("calories", "calorie", "kcal"),
    # data
    "bit": ("bits",),
    "byte": ("bytes",),
    "kilobyte": ("kilobytes", "KB", "kB"),
    "megabyte": ("megabytes", "MB"),
    "gigabyte": ("gigabytes", "GB"),
    "terabyte": ("terabytes", "TB"),
    "petabyte": ("petabytes", "PB"),
    "kilobit per second": ("kilobits per second", "kbps", "Kbps", "kb/s"),
    "terabit per second": ("terabits per second", "Tbps", "Tb/s"),
    "megabit per second": ("megabits per second", "Mbps", "Mb/s"),
    "gigabit per second": ("gigabits per second", "Gbps", "Gb/s"),
    "megapixel": ("megapixels", "megapixel", "MP"),
    "times": ("times", "x"),
    # money written after the number
    "cent": ("cents", "cent", "c", "¢"),
    "pence": ("pence", "p"),
    "USD": ("US dollars", "U.S. dollars", "American dollars", "dollars", "dollar", "USD"),
    "AUD": ("Australian dollars", "Australian dollar", "AUD"),
    "CAD": ("Canadian dollars", "Canadian dollar"),
    "HKD": ("Hong Kong dollars", "Hong Kong dollar"),
    "NZD": ("New Zealand dollars", "New Zealand dollar"),
    "SGD": ("Singapore dollars", "Singapore dollar"),
    "TWD": ("Taiwan dollars", "New Taiwan dollars"),
    "EUR": ("euros", "euro", "€", "EUR"),
    "GBP": ("pounds sterling", "pound sterling", "sterling", "£", "GBP"),
    "JPY": ("yen", "JPY"),
    "CNY": ("yuan", "renminbi", "CNY", "RMB"),
    "INR": ("rupees", "rupee", "INR"),
    "RUB": ("roubles", "rubles", "rouble", "ruble", "RUB"),
    "UAH": ("hryvnias", "hryvnia", "hryvnia", "UAH"),
    "ILS": ("shekels", "shekel", "NIS", "ILS"),
    "DKK": ("Danish crowns", "Danish kroner", "Danish krone", "DKK"),
    "SEK": ("Swedish crowns", "Swedish kronor", "Swedish krona", "SEK"),
    "NOK": ("Norwegian crowns", "Norwegian kroner", "Norwegian krone", "NOK"),
    "CZK": ("Czech crowns", "Czech korunas", "CZK"),
    "CHF": ("Swiss francs", "Swiss franc", "CHF"),
    "MYR": ("ringgit", "MYR"),
    "MXN": ("Mexican pesos", "pesos", "MXN"),
    "ZAR": ("rand", "ZAR"),
    "TRY": ("Turkish lira", "lira", "TRY"),
    "NGN": ("naira", "NGN"),
    "BRL": ("reais", "BRL"),
    "KRW": ("South Korean won", "Korean won", "KRW"),
    "IDR": ("Indonesian rupiah", "rupiahs", "rupiah", "IDR"),
    "PHP": ("Philippine pesos", "Philippine peso", "PHP"),
    "PKR": ("Pakistani rupees", "Pakistani rupee", "PKR"),
    "EGP": ("Egyptian pounds", "Egyptian pound", "EGP"),
    "AED": ("UAE dirhams", "Emirati dirhams", "dirhams", "dirham", "AED"),
    "SAR": ("Saudi riyals", "riyals", "riyal", "SAR"),
    "QAR": ("Qatari riyals", "Qatari riyal", "QAR"),
    "THB": ("baht", "THB"),
    "VND": ("Vietnamese dong", "VND"),
    "PLN": ("zlotys", "zloty", "złoty", "PLN", "zł"),
    "HUF": ("forints", "forint", "HUF"),
    "KES": ("Kenyan shillings", "Kenyan shilling", "KES"),
    "GHS": ("Ghanaian cedis", "cedis", "GHS"),
    "ARS": ("Argentine pesos", "Argentinian pesos", "ARS"),
    "BDT": ("taka", "BDT"),
    "LKR": ("Sri Lankan rupees", "LKR"),
    "HRK": ("kuna", "HRK"),  # not 'kn': '30kn' is knots
    "sen": ("sen",),
}

# Forms whose case matters (a lone 'm' is metres, 'M' is million; 'C' is Celsius).
CASE_SENSITIVE = {
    "m", "M", "L", "l", "W", "V", "C", "F", "MW", "GW", "kW", "KW", "kWh", "KWh", "MWh",
    "GWh", "TWh", "Nm", "PS", "hp", "mAh", "Hz", "HZ", "kHz", "MHz", "GHz", "dB", "GPa",
    "MPa", "KB", "kB", "MB", "GB", "TB", "MP", "g", "s", "h", "c", "p", "st", "in.", "ha",
    "mi", "yo", "pp", "bp", "Mbps", "Gbps", "Mb/s", "Gb/s", "sen", "rand", "lira",
    "Celsius", "Fahrenheit", "EUR", "GBP", "JPY", "CNY", "RMB", "INR", "RUB", "UAH", "NIS",
    "ILS", "DKK", "USD", "AUD", "SEK", "NOK", "CZK", "CHF", "MYR", "MXN", "ZAR", "TRY", "NGN", "BRL",
    "KRW", "HRK", "IDR", "PHP", "PKR", "EGP", "AED", "SAR", "QAR", "THB", "VND", "PLN", "HUF",
    "KES", "GHS", "ARS", "BDT", "LKR", "ms", "ns", "J", "kJ", "MJ", "kV", "mA", "Wh", "PB",
    "Tbps", "Kbps", "kbps", "Mt", "kt", "ct", "cc", "mg", "kg", "ml", "mL", "km", "cm", "mm", "nm", "ft", "pc", "pct",
}
# Short forms only taken when written right after the digits, with no space ('37m',
# '5pc', '10kW'), or — for a few — before a non-letter: 'in' (inch) is a preposition,
# 'a' (annum) an article.
GLUED_ONLY = {"J", "kt", "Mt", "ct", "cc", "x", "m", "l", "L", "g", "s", "h", "c", "p", "st",
              "yo", "ha", "mi", "pc", "in.", '"', "C", "F", "V", "W", "pp", "bp", "PS",
              "MP", "c"}

CURRENCY_CODES = {name for name in UNITS if name.isupper() and len(name) == 3}
MONEY_UNITS = CURRENCY_CODES | {"cent", "pence", "sen"}

# Currency written before the number: '$', 'US$', 'US $', '$US', 'HK$', '€', '£', 'Y='.
PREFIX_CURRENCIES: list[tuple[str, str]] = [
    ("US$", "USD"), ("US $", "USD"), ("U.S. $", "USD"), ("U.S.$", "USD"), ("$US", "USD"),
    ("USD", "USD"), ("A$", "AUD"), ("$A", "AUD"), ("AU$", "AUD"), ("AUD", "AUD"),
    ("C$", "CAD"), ("CA$", "CAD"), ("CAD", "CAD"), ("HK$", "HKD"), ("HK $", "HKD"),
    ("HKD", "HKD"), ("NZ$", "NZD"), ("NZD", "NZD"), ("S$", "SGD"), ("SGD", "SGD"),
    ("R$", "BRL"), ("NT$", "TWD"), ("$", "USD"), ("€", "EUR"), ("EUR", "EUR"),
    ("£", "GBP"), ("GBP", "GBP"), ("¥", "JPY"), ("JPY", "JPY"), ("Y=", "JPY"),
    ("₹", "INR"), ("Rs.", "INR"), ("Rs", "INR"), ("INR", "INR"), ("Rp", "IDR"),
    ("IDR", "IDR"), ("₱", "PHP"), ("PHP", "PHP"), ("PKR", "PKR"), ("AED", "AED"),
    ("Dh", "AED"), ("SAR", "SAR"), ("QAR", "QAR"), ("฿", "THB"), ("THB", "THB"),
    ("₫", "VND"), ("PLN", "PLN"), ("HUF", "HUF"), ("KSh", "KES"), ("Ksh", "KES"),
    ("KES", "KES"), ("GH₵", "GHS"), ("₵", "GHS"), ("EGP", "EGP"), ("E£", "EGP"),
    ("SEK", "SEK"), ("NOK", "NOK"), ("DKK", "DKK"), ("ZAR", "ZAR"), ("BRL", "BRL"),
    ("MXN", "MXN"), ("KRW", "KRW"), ("TRY", "TRY"), ("NGN", "NGN"), ("UAH", "UAH"),
    ("ILS", "ILS"), ("RUB", "RUB"), ("SFr", "CHF"), ("Fr.", "CHF"), ("₽", "RUB"),
    ("₩", "KRW"), ("₪", "ILS"), ("NIS", "ILS"), ("CHF", "CHF"), ("RM", "MYR"),
    ("CNY", "CNY"), ("RMB", "CNY"), ("₴", "UAH"), ("₦", "NGN"), ("₺", "TRY"),
    # 'PS' is how some scrapes render '£' ('PS2.7m'); only taken glued to the digits.
    ("PS", "GBP"),
]
# Glued only: 'PS' and 'RM' are words or names when a space follows ('RM 5' is rare,
# 'Rs 5,000' and 'Rs. 5,000' are how Indian papers write rupees, so those take a space).
PREFIX_GLUED_ONLY = {"PS", "RM", "R$", "Dh", "Fr."}

# Words for the period or denominator of a rate: 'per day', 'a year', 'each month'.
PER_WORDS = {
    "second", "minute", "hour", "day", "night", "week", "fortnight", "month", "quarter",
    "year", "decade", "century", "annum", "person", "capita", "head", "share", "barrel",
    "ounce", "gallon", "litre", "liter", "kilogram", "kilo", "pound", "tonne", "ton",
    "square foot", "square metre", "square meter", "sq m", "sq ft", "gram", "unit",
    "mmBTU", "mmbtu", "MWh", "kWh", "night", "visit", "game", "match", "seat", "bed",
    "household", "employee", "worker", "user", "customer", "student", "vehicle",
}
PER_ABBREV = {"h": "hour", "hr": "hour", "d": "day", "yr": "year", "y": "year", "mo": "month",
              "min": "minute", "s": "second", "wk": "week", "sq ft": "square foot",
              "sq m": "square metre", "kg": "kilogram", "g": "gram", "oz": "ounce",
              "bbl": "barrel", "annum": "year", "capita": "person", "head": "person",
              "liter": "litre", "square meter": "square metre", "kilo": "kilogram",
              "square m": "square metre", "square ft": "square foot",
              "square feet": "square foot", "square metres": "square metre",
              "square meters": "square metre", "mmbtu": "million British thermal unit"}


def _form_pattern(form: str) -> str:
    pat = re.escape(form).replace(r"\ ", r"\s*" if len(form) <= 5 else r"\s+")
    if form in CASE_SENSITIVE:
        return pat
    return "(?i:" + pat + ")"


def _unit_forms() -> tuple[list[str], dict[str, str], dict[str, str]]:
    """The alternatives of ``UNIT_RE`` (longest form first), group name -> unit, group -> form."""
    forms: list[tuple[str, str]] = []
    for name, surface in UNITS.items():
        for form in surface:
            forms.append((form, name))
    forms.sort(key=lambda f: len(f[0]), reverse=True)
    groups = []
    lookup: dict[str, str] = {}
    form_by_group: dict[str, str] = {}
    for i, (form, name) in enumerate(forms):
        groups.append(f"(?P<u{i}>{_form_pattern(form)})")
        lookup[f"u{i}"] = name
        form_by_group[f"u{i}"] = form
    return groups, lookup, form_by_group


# a unit ends where letters/digits end (no '5mg' inside '5mgs', no 'm' in 'months')
_UNIT_END = r"(?![A-Za-z0-9²³])"
_GROUPS, _UNIT_LOOKUP, _FORM_BY_GROUP = _unit_forms()


def _compile_units() -> tuple[re.Pattern[str], dict[str, str]]:
    return re.compile(r"(?:" + "|".join(_GROUPS) + r")" + _UNIT_END), dict(_UNIT_LOOKUP)


def __getattr__(name: str) -> object:
    # ``UNIT_RE`` (all the forms in one pattern) takes a fifth of a second to compile and
    # nutgraf itself matches with ``unit_re_match``: compiled on first use only.
    if name == "UNIT_RE":
        pattern = globals()["UNIT_RE"] = _compile_units()[0]
        return pattern
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ``UNIT_RE.match`` tries its 450 alternatives one after the other at the position.  Only
# those whose first character can match the character there can match, so each character
# gets (once) the sub-pattern of those alternatives, in the same order, with the same group
# names and the same ending: the same match, from a few alternatives instead of all.
_FIRST_CHAR: dict[tuple[str, bool], re.Pattern[str]] = {}


def _first_char(form: str) -> re.Pattern[str]:
    """What the form's first character matches, case-sensitive or not as the whole form."""
    key = (form[:1], form in CASE_SENSITIVE)
    if key not in _FIRST_CHAR:
        if key[0] in ("", " "):
            _FIRST_CHAR[key] = re.compile("")  # (none such: then every character may start it)
        else:
            pat = re.escape(key[0])
            _FIRST_CHAR[key] = re.compile(pat if key[1] else "(?i:" + pat + ")")
    return _FIRST_CHAR[key]


_ALTERNATIVES = [(group, _first_char(_FORM_BY_GROUP[f"u{i}"])) for i, group in enumerate(_GROUPS)]
_BY_CHAR: dict[str, re.Pattern[str] | None] = {}
_BY_ALTERNATIVES: dict[tuple[int, ...], re.Pattern[str]] = {}


def _unit_pattern_for(char: str) -> re.Pattern[str] | None:
    keep = tuple(i for i, (_, first) in enumerate(_ALTERNATIVES) if first.match(char))
    if not keep:
        return None
    if keep not in _BY_ALTERNATIVES:
        _BY_ALTERNATIVES[keep] = re.compile(
            r"(?:" + "|".join(_ALTERNATIVES[i][0] for i in keep) + r")" + _UNIT_END)
    return _BY_ALTERNATIVES[keep]


def unit_re_match(text: str, pos: int) -> re.Match[str] | None:
    """``UNIT_RE.match(text, pos)``, faster: the same ``lastgroup`` and ``end()``."""
    if pos < 0:
        pos = 0
    char = text[pos:pos + 1]
    if not char:
        return None
    try:
        rx = _BY_CHAR[char]
    except KeyError:
        rx = _BY_CHAR[char] = _unit_pattern_for(char)
    return rx.match(text, pos) if rx is not None else None


def match_unit(text: str, pos: int, glued: bool) -> tuple[str, str, int] | None:
    """The unit written at ``text[pos:]``: (canonical name, form, end) or None.  ``glued``
    says whether ``pos`` is right after the digits (no space): short forms need it."""
    m = unit_re_match(text, pos)
    while m:
        group = m.lastgroup
        form = _FORM_BY_GROUP[group]
        if form in GLUED_ONLY and not glued:
            # try again without the glued-only forms: a longer-to-shorter search is
            # already done by the alternation, so nothing else can match here
            return None
        return _UNIT_LOOKUP[group], form, m.end()
    return None


_PREFIX_SORTED = sorted(PREFIX_CURRENCIES, key=lambda p: len(p[0]), reverse=True)


def match_prefix_currency(text: str, end: int) -> tuple[str, int] | None:
    """The currency written right before ``end`` ('US$ ', '€', 'HK $'): (code, start)."""
    j = end
    while j > 0 and text[j - 1] == " " and end - j < 1:
        j -= 1
    # a form can only end at ``end`` or one space before it: a form whose last character is
    # neither of those cannot match, and is skipped without the tests below
    ends = (text[end - 1:end], text[end - 2:end - 1]) if 2 <= end <= len(text) else None
    for form, code in _PREFIX_SORTED:
        if ends is not None and form[-1] != ends[0] and form[-1] != ends[1]:
            continue
        for gap in ((0,) if form in PREFIX_GLUED_ONLY else (0, 1)):
            stop = end - gap
            if gap and (stop <= 0 or text[stop] != " "):
                continue
            start = stop - len(form)
            if start < 0 or text[start:stop] != form:
                continue
            if form[0].isalpha() and start > 0 and (text[start - 1].isalnum()):
                continue
            if form == "$" and start > 0 and text[start - 1].isalpha() and \
                    not text[start - 1].isupper():
                continue
            return code, start
    return None

"""Vocabulary for reading dates written out in words, shared by the HTML metadata reader
and the plain-text byline reader."""

from __future__ import annotations

# Month names and their usual abbreviations in the languages news arrives in most
# (English, German, French, Spanish, Italian, Portuguese, Dutch, Polish), lower-cased.
MONTHS: dict[str, int] = {}
for _number, _spellings in enumerate(
    [
        "january jan januar jänner jän janvier janv enero gennaio januari janeiro styczeń stycznia",
        "february feb februar février fevrier févr fév fevr febrero febbraio februari fevereiro",
        "march mar märz maerz mär mars marzo maart março marco",
        "april apr avril avr abril aprile",
        "may mai mayo maggio mei maio",
        "june jun juni juin junio giugno junho",
        "july jul juli juillet juil julio luglio julho",
        "august aug août aout agosto augustus",
        "september sep sept septembre septiembre setiembre settembre setembro",
        "october oct oktober okt octobre octubre ottobre outubro",
        "november nov novembre noviembre novembro",
        "december dec dezember dez décembre decembre déc dic diciembre dicembre dezembro",
    ],
    start=1,
):
    for _name in _spellings.split():
        MONTHS[_name] = _number


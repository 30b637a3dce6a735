"""Plain-text scrapes: furniture removed, body verbatim, metadata and provenance (issue 3).

The fixtures are the project's own invented articles, written in the shape of real
scrapes (share line, 'Read more:' link, 'Don't miss:' list with [TAG] teasers, comment
form, unrelated '...' teasers).
"""

from __future__ import annotations

import re
import time

import pytest

import nutgraf
from nutgraf.extract.limits import Deadline
from nutgraf.extract.text import clean_site, extract_plain_text
from nutgraf.model import ExtractionError

TITLE = "Harbour town votes to rebuild its storm-damaged sea wall – Video"
BODY = [
    "Residents of Kellsbay voted on Tuesday to borrow 4.2 million pounds to rebuild the sea wall that "
    "collapsed during the February storms, ending a year of argument over who should pay.",
    "The council had proposed a smaller repair, but engineers warned that a patched wall would fail "
    "again within a decade as winter surges grow stronger along the coast.",
    "“We cannot keep sandbagging the high street every time the wind turns,” said Mira Osei, who has "
    "run the bakery on the quay for twenty years.",
    "Work is expected to begin in the spring and to take about eighteen months, during which the "
    "harbour will stay open to fishing boats but closed to visiting yachts.",
    "The town’s insurers said premiums for seafront homes could fall once the new wall is finished, "
    "though they gave no figure.",
]
FURNITURE = [
    "Share post:",
    "Read more: Ferry timetable cut again as crews fall ill",
    "Don’t miss: ",
    "Fishermen ‘furious’ at new quota rules [REVEAL]",
    "Lighthouse keeper’s diary found in attic [INSIGHT]",
    "Please enter your comment!",
    "Please enter your name here",
    "Related articles",
    "Pop star, 31, shows off new look at awards after-party",
    "The singer turned heads in a silver gown covered in tiny mirrors, and...",
    "Football manager sacked after six straight defeats",
    "Fans had called for the change for weeks before the board finally...",
]


def scrape(newline: str = "\n") -> str:
    lines = [
        TITLE, "", "", FURNITURE[0], "", "",
        "By Jane Doe", "Published 12:30, Thu, Sep 22, 2022", "",
        BODY[0], "", BODY[1], "", BODY[2], "",
        FURNITURE[1], "",
        BODY[3], "", BODY[4], "",
        FURNITURE[2], FURNITURE[3], FURNITURE[4], "", "", "",
        FURNITURE[5], FURNITURE[6], "", "",
        FURNITURE[7], "", FURNITURE[8], "", FURNITURE[9], "", FURNITURE[10], "", FURNITURE[11], "",
    ]
    return newline.join(lines)


def test_furniture_removed_and_body_verbatim():
    article = extract_plain_text(scrape())
    assert article.source_kind == "text"
    assert article.text.split("\n\n") == BODY
    for line in FURNITURE:
        assert line.strip() not in article.text
    assert "By Jane Doe" not in article.text and "Published" not in article.text


def test_title_byline_and_date_are_metadata():
    article = extract_plain_text(scrape())
    assert article.title == TITLE
    assert article.evidence["title"].raw == TITLE
    assert article.authors == ["Jane Doe"]
    assert article.evidence["authors"].source == "text:byline"
    assert article.published == "2022-09-22T12:30"
    assert article.evidence["published"].raw == "Published 12:30, Thu, Sep 22, 2022"


def test_provenance_line_ranges_and_offsets():
    text = scrape()
    lines = text.split("\n")
    article = extract_plain_text(text)
    assert len(article.paragraphs) == len(BODY)
    for p, body in zip(article.paragraphs, BODY):
        assert article.text[p.start : p.end] == body
        first, last = map(int, re.fullmatch(r"lines:(\d+)-(\d+)", p.path).groups())
        assert "\n".join(lines[first - 1 : last]).strip() == body
        assert text[p.source_start : p.source_end] == "\n".join(lines[first - 1 : last])
        assert p.kind == "p"


def test_crlf_input_keeps_offsets_into_the_original():
    text = scrape("\r\n")
    article = extract_plain_text(text)
    assert article.text.split("\n\n") == BODY
    lines = text.split("\r\n")
    for p, body in zip(article.paragraphs, BODY):
        assert text[p.source_start : p.source_end] == body
        first, _ = map(int, re.fullmatch(r"lines:(\d+)-(\d+)", p.path).groups())
        assert lines[first - 1] == body


def test_public_api_routes_text_here():
    article = nutgraf.extract(scrape().encode("utf-8"), content_type="text/plain")
    assert article.text.split("\n\n") == BODY
    assert article.title == TITLE


def test_all_furniture_gives_empty_text_and_a_reason():
    menu = "\n".join(["Home", "News", "Sport", "Weather", "Share post:", "Subscribe to our newsletter",
                      "Please enter your comment!", "Related articles", "© 2024 Example Media"])
    article = extract_plain_text(menu)
    assert article.text == "" and article.paragraphs == []
    assert article.warnings and "furniture" in article.warnings[0]


def test_empty_and_blank_input():
    for text in ("", "\n\n  \n", "\r\n"):
        article = extract_plain_text(text)
        assert article.text == "" and article.paragraphs == []
        assert article.warnings


def test_a_short_real_article_is_never_empty():
    text = "Bridge closed\n\nThe old bridge over the river will stay closed until Friday for safety checks, the council said."
    article = extract_plain_text(text)
    assert article.title == "Bridge closed"
    assert "stay closed until Friday" in article.text


GERMAN = [
    "Die Stadt Kellsbach hat am Dienstag beschlossen, die bei den Februarstürmen beschädigte Ufermauer "
    "für 4,2 Millionen Euro neu zu bauen.",
    "„Wir können nicht jedes Mal Sandsäcke stapeln, wenn der Wind dreht“, sagte die Bäckerin Mira Osei, "
    "die seit zwanzig Jahren am Hafen arbeitet.",
    "Die Arbeiten sollen im Frühjahr beginnen und etwa achtzehn Monate dauern; der Hafen bleibt für "
    "Fischerboote geöffnet.",
    "Kurze Zeile ohne Punkt, aber Teil des Textes",
    "Versicherer erklärten, die Prämien für Häuser an der Uferpromenade könnten danach sinken.",
]


def test_german_article_body_is_kept():
    text = "\n\n".join(["Kellsbach baut neue Ufermauer", "Von Anna Schmidt", "22.09.2022, 14:05 Uhr", *GERMAN,
                        "Lesen Sie auch:", "Fährplan erneut gekürzt…", "Kommentare"])
    article = extract_plain_text(text)
    assert article.title == "Kellsbach baut neue Ufermauer"
    assert article.authors == ["Anna Schmidt"]
    assert article.published == "2022-09-22T14:05"
    assert article.text.split("\n\n") == GERMAN


def test_site_batch_removes_lines_repeated_across_documents():
    promo = "Become a member of the Kellsbay Post today and get the weekly briefing."
    closers = [
        "The council will publish the full engineering report on its website next week.",
        "Shops on the quay said they expected a busy summer whatever the weather brings.",
        "A public meeting about the road closures is planned for the first week of May.",
    ]
    docs = ["\n\n".join([f"Story {'ABC'[i]}", body, promo, closers[i]]) for i, body in enumerate(BODY[:3])]
    alone = extract_plain_text(docs[0])
    assert promo in alone.text  # alone, it reads like a sentence of the article
    articles = clean_site(docs)
    assert len(articles) == 3
    for article, body in zip(articles, BODY[:3]):
        assert promo not in article.text
        assert body in article.text
    # a single document works alone too
    assert clean_site([docs[0]])[0].text == alone.text


def test_site_batch_does_not_strip_versions_of_one_story():
    # two versions of the same story share their body: that is not site furniture
    v1 = "\n\n".join(["Sea wall vote", *BODY])
    v2 = "\n\n".join(["Sea wall vote (updated)", *BODY, "This story has been updated with the council’s reply."])
    for article in clean_site([v1, v2]):
        for body in BODY:
            assert body in article.text


def test_very_long_single_line():
    sentence = "The committee met again and agreed on nothing of substance before the break. "
    text = sentence * 20000  # ~1.5 MB, one line
    t0 = time.perf_counter()
    article = extract_plain_text(text)
    assert time.perf_counter() - t0 < 2.0
    assert article.text == text.strip()
    assert article.paragraphs[0].path == "lines:1-1"


def test_hard_wrapped_paragraphs_are_joined_with_spaces():
    para = ("The ferry company said on Monday that the winter timetable would start a week early\n"
            "because two of its crews were ill, and that the last evening crossing would be\n"
            "cancelled until the end of the month at the earliest.")
    text = "Ferry timetable changes\n\n" + para + "\n\n" + para.replace("Monday", "Tuesday") + "\n"
    article = extract_plain_text(text)
    blocks = article.text.split("\n\n")
    assert blocks[0] == " ".join(para.split("\n"))
    assert article.paragraphs[0].path == "lines:3-5"
    assert text[article.paragraphs[0].source_start : article.paragraphs[0].source_end] == para


def test_subhead_and_list_inside_the_body_are_kept():
    text = "\n\n".join([
        "How the repair will work", BODY[0], BODY[1], "What happens next", BODY[3],
        "The plan has three stages:\n- survey the old foundations\n- pour the new footing\n- rebuild the parapet",
        "Related articles", "Football manager sacked after six straight defeats",
    ])
    article = extract_plain_text(text)
    assert "What happens next" in article.text
    assert "- pour the new footing" in article.text
    assert "Football manager" not in article.text
    kinds = {article.text[p.start : p.end]: p.kind for p in article.paragraphs}
    assert kinds["What happens next"] == "heading"
    assert kinds["- survey the old foundations"] == "li"


def test_deadline_is_honoured():
    deadline = Deadline(0.0)
    time.sleep(0.001)
    with pytest.raises(ExtractionError):
        extract_plain_text("Short line\n" * 2000, deadline=deadline)


def test_cleaning_time_grows_linearly_with_the_scrape():
    # Absolute speed is measured in bench/textclean.py; here only the shape.
    def best(text):
        out = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            extract_plain_text(text)
            out = min(out, time.perf_counter() - t0)
        return out

    one = scrape()
    assert best("\n\n".join([one] * 8)) < 24 * best(one) + 0.05


# --- the multilingual furniture vocabulary (extract/phrases.py) and tail signals ------------

from nutgraf.extract import phrases  # noqa: E402
from nutgraf.extract.textlines import measure, split_units  # noqa: E402


def kind(line: str) -> str:
    units = split_units(line)
    measure(units)
    return units[0].furniture


@pytest.mark.parametrize("line", [
    "Ähnliche Artikel", "Verwandte Themen:", "Das könnte Sie auch interessieren", "Weitere Themen", "Über den Autor",
    "Articles similaires", "Sur le même sujet", "Artículos relacionados", "Otras noticias", "Leia também",
    "Articoli correlati", "Lees ook", "Zobacz także", "Читайте также", "Further reading", "About the author",
])
def test_related_and_author_headers_in_many_languages(line):
    assert kind(line) == "section"


@pytest.mark.parametrize("line", [
    "Schreibe einen Kommentar", "Hinterlasse eine Antwort", "Kommentar verfassen Antwort abbrechen",
    "Es gibt noch keine Kommentare.", "Laisser un commentaire", "Deja una respuesta", "Lascia un commento",
    "Dodaj komentarz", "Оставить комментарий", "Leave a Reply",
])
def test_comment_forms_in_many_languages(line):
    assert kind(line) == "comments"


@pytest.mark.parametrize("line", [
    "Czytaj też: Rząd przyjął nowy budżet", "Lea también: El Congreso aprueba la reforma",
    "Lesen Sie auch: Neue Regeln für den Nahverkehr", "Leia mais: Governo anuncia novo plano",
    "Article suivant Le gouvernement présente son budget",
])
def test_link_leads_in_many_languages(line):
    assert kind(line) == "link"


@pytest.mark.parametrize("line", [
    "Artikel teilen", "Tags: Politik, Wahlen, Berlin", "Getaggt mit: Reisen, Italien", "Kategorie: Reisen",
    "Étiquettes : politique, Europe", "Foto: dpa", "Fot. Jan Kowalski / Agencja Gazeta", "Angemeldet bleiben",
    "Jetzt für den Newsletter anmelden", "Back to top", "Wir verwenden Cookies, um unsere Website zu verbessern.",
])
def test_calls_tags_and_credits(line):
    assert kind(line) in ("call", "credit")


@pytest.mark.parametrize("line", [
    "Der Bürgermeister eröffnete am Montag die neue Brücke über den Fluss. (Foto: Stadt Kellsbay)",
    "Die Fähre legte am Abend pünktlich im Hafen an. Foto: Anna Schmidt",
    "Los vecinos celebraron la reapertura del mercado. (Crédito: Ayuntamiento)",
])
def test_captions_ending_in_a_credit(line):
    assert kind(line) in ("call", "credit")


@pytest.mark.parametrize("line", [
    # whole-sentence notices: newsletter pitches, consent, licences, WordPress post footers
    "Abonnieren Sie unseren Newsletter und erhalten Sie die wichtigsten Nachrichten jeden Morgen direkt in Ihr "
    "Postfach, kostenlos und jederzeit kündbar.",
    "Join thousands of readers who get our best stories delivered straight to your inbox every week, for free.",
    "Dieser Beitrag wurde veröffentlicht in Reisen, Italien und gekennzeichnet mit Rom, Sommer, Familie von Anna.",
    "Alle Texte dieses Blogs stehen unter einer Creative Commons Lizenz, Namensnennung 4.0 International, "
    "sofern nicht anders angegeben.",
])
def test_long_notices(line):
    assert kind(line) == "call"


@pytest.mark.parametrize("line", [
    # body sentences that only brush against the vocabulary stay body
    "Bake the cookies for twelve minutes, until the edges are golden and the centres still soft.",
    "The provision of the new law allows councils to borrow against future tax income for flood defences.",
    "Der Verein verschickt einmal im Monat einen Newsletter an seine Mitglieder, sagte die Vorsitzende.",
    "He photographed the harbour every morning for a decade, and the pictures now fill three books.",
    "Mehr als 200 Menschen kamen am Samstag zur Eröffnung des neuen Gemeindezentrums in der Altstadt.",
])
def test_body_sentences_are_not_furniture(line):
    assert kind(line) == ""


def test_finder_agrees_with_the_plain_alternation():
    full = phrases.compile_search(phrases.CALLS)
    finder = phrases.Finder(phrases.CALLS)
    lines = ["Share this article", "Tags: a, b", "Foto: dpa", "©2020 Kellsbay Post", "Fot. Jan Nowak",
             "Nothing to see in this line at all", "Weiter", "Kategorie: Reisen", BODY[0], "Zurück zur Übersicht"]
    for line in lines:
        assert bool(finder.search(line)) == bool(full.search(line)), line


def test_phrase_hints_are_literals_every_match_contains():
    assert phrases.hint(r"\bsubscri(?:be|bed|ption)\b") == "subscri"
    assert phrases.hint(r"\bphoto(?:graph)?s?:") == "photo"
    assert phrases.hint(r"^(?:fotos?|bild):") is None
    assert phrases.hint(r"a|b") is None


GERMAN_BODY = [
    "Der Stadtrat von Kellsbay hat am Dienstag beschlossen, die im Februar eingestürzte Hafenmauer für 4,2 "
    "Millionen Euro neu zu bauen, und damit einen jahrelangen Streit über die Kosten beendet.",
    "Die Verwaltung hatte zunächst nur eine kleinere Reparatur vorgeschlagen, doch Ingenieure warnten, dass eine "
    "geflickte Mauer den stärker werdenden Winterstürmen an der Küste kaum ein Jahrzehnt standhalten würde.",
    "„Wir können nicht jedes Mal die Hauptstraße mit Sandsäcken schützen, wenn der Wind dreht“, sagte Mira Osei, "
    "die seit zwanzig Jahren die Bäckerei am Kai betreibt und die Bürgerinitiative für die neue Mauer anführte.",
    "Die Bauarbeiten sollen im Frühjahr beginnen und etwa achtzehn Monate dauern; der Hafen bleibt in dieser Zeit "
    "für Fischerboote geöffnet, für Segeljachten von Besuchern aber geschlossen.",
]


def test_author_bio_after_the_article_is_dropped():
    text = "\n".join([
        "Kellsbay baut die Hafenmauer neu", "", *GERMAN_BODY, "", "Artikel teilen", "Facebook", "Twitter",
        "Über den Autor",
        "Hej! Ich bin Jonas, leidenschaftlicher Segler und Autor dieses Blogs. Hier teile ich meine Erfahrungen "
        "mit euch, und wenn euch ein Beitrag gefällt, freue ich mich über einen Kaffee.",
        "Ähnliche Beiträge", "Neue Fährverbindung nach Nordholm", "Schreibe einen Kommentar",
    ])
    article = extract_plain_text(text)
    assert article.title == "Kellsbay baut die Hafenmauer neu"
    assert article.text.split("\n\n") == GERMAN_BODY


def test_a_last_paragraph_after_a_photo_credit_is_kept():
    text = "\n".join([
        TITLE, "", BODY[0], BODY[1], BODY[2], "Photo: Kellsbay Council", BODY[3], BODY[4], "", "Share this article",
    ])
    article = extract_plain_text(text)
    assert article.text.split("\n\n") == BODY


def test_a_pitch_behind_a_share_bar_is_dropped_but_the_body_kept():
    text = "\n".join([
        TITLE, "", *BODY, "Share this article", "Facebook", "Twitter", "Email",
        "Our reporters cover the coast every day of the year, from council meetings to harbour festivals, and "
        "we rely on readers like you to keep doing it.",
        "Most read",
    ])
    article = extract_plain_text(text)
    assert article.text.split("\n\n") == BODY

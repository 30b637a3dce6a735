"""Main-content extraction from HTML: what is kept, what is removed, and where each
paragraph came from.  Fixtures are small pages written here, shaped like real news pages."""

from __future__ import annotations

import nutgraf

BODY = [
    "The city council voted on Tuesday to expand the tram network by twelve kilometres, a plan that has been debated for almost a decade.",
    "Supporters said the new line would cut commuting times for thousands of residents in the northern districts, while critics questioned the cost.",
    "Construction is expected to begin next spring, according to the transport department, and the first trams could run by the end of 2027.",
]


def news_page(extra_inside: str = "", extra_outside: str = "") -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in BODY)
    return f"""<!doctype html>
<html lang="en"><head><title>Council backs tram expansion | Harbour Gazette</title>
<meta property="og:title" content="Council backs tram expansion">
<script>var x = "<p>not text</p>";</script>
</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="cookie-banner">We use cookies to improve your experience. By continuing you accept our cookie policy.</div>
<main>
<article>
<h1>Council backs tram expansion</h1>
<div class="byline">By Jane Doe</div>
<div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a></div>
<div class="article-body">
{paragraphs}
<figure><img src="a.jpg"><figcaption>The tram depot in 2020. Photo: Gazette archive</figcaption></figure>
{extra_inside}
</div>
<div class="related-articles"><h3>Related</h3>
<ul><li><a href="/a">Bus fares rise again in the new year across the region</a></li>
<li><a href="/b">New bridge opens to cyclists and pedestrians after delays</a></li>
<li><a href="/c">Parking charges to be reviewed by the council next month</a></li></ul></div>
</article>
</main>
<aside class="sidebar"><p>Most read: a long list of other stories that readers liked this week on our site.</p></aside>
{extra_outside}
<footer><p>© 2026 Harbour Gazette. All rights reserved.</p></footer>
</body></html>"""


def test_keeps_every_body_paragraph_verbatim():
    article = nutgraf.extract(news_page())
    for paragraph in BODY:
        assert paragraph in article.text
    assert article.text.split("\n\n") == BODY


def test_removes_furniture():
    text = nutgraf.extract(news_page()).text
    for furniture in ("Home", "cookies", "Share on", "Bus fares", "Most read", "All rights reserved",
                      "Photo: Gazette", "By Jane Doe", "not text"):
        assert furniture not in text, furniture


def test_headline_is_title_not_body():
    article = nutgraf.extract(news_page())
    assert article.title == "Council backs tram expansion"
    assert not article.text.startswith("Council backs")


def test_subheadings_and_lists_inside_the_body_are_kept():
    extra = ("<h2>What happens next</h2><p>The plan now goes to the regional authority, which must approve "
             "the funding before any contracts are signed, officials said.</p>"
             "<ul><li>Phase one: the northern loop</li><li>Phase two: the harbour spur</li></ul>"
             "<p>A public consultation will run for six weeks from January, with meetings in every district.</p>")
    article = nutgraf.extract(news_page(extra_inside=extra))
    assert "What happens next" in article.text
    assert "Phase one: the northern loop" in article.text
    kinds = {article.text[p.start:p.end]: p.kind for p in article.paragraphs}
    assert kinds["What happens next"] == "heading"
    assert kinds["Phase two: the harbour spur"] == "li"


def test_teaser_cards_are_not_article_text():
    cards = "".join(
        f'<div class="card"><a href="/s{i}"><h4>Story number {i} about something else entirely</h4></a>'
        f"<p>A summary of story {i}, which has nothing to do with trams, and goes on for a while.</p></div>"
        for i in range(5)
    )
    text = nutgraf.extract(news_page(extra_outside=f'<section class="more">{cards}</section>')).text
    assert "Story number" not in text
    assert "A summary of story" not in text


def test_paragraph_offsets_and_source_ranges():
    html = news_page()
    article = nutgraf.extract(html)
    assert article.paragraphs
    for para in article.paragraphs:
        chunk = article.text[para.start:para.end]
        assert chunk and chunk == chunk.strip()
        assert para.path.startswith("/html/body/")
        assert para.source_start is not None and para.source_end is not None
        markup = html[para.source_start:para.source_end]
        # the element's markup in the page holds the paragraph's words
        assert markup.startswith("<p")
        assert chunk.split()[0] in markup and chunk.split()[-1] in markup


def test_source_ranges_survive_minified_markup_and_decoys():
    # One line, a comment holding '<p>' and a script string holding '<p>': the k-th <p>
    # element must still map onto its own start tag.
    body = "".join(f"<p>{p}</p>" for p in BODY)
    html = ('<html><body><!-- <p>old</p> --><script>document.write("<p>x</p>")</script>'
            f'<div class="content">{body}</div></body></html>')
    article = nutgraf.extract(html)
    assert len(article.paragraphs) == 3
    for para, expected in zip(article.paragraphs, BODY):
        assert html[para.source_start:para.source_end] == f"<p>{expected}</p>"


def test_page_without_article_gives_empty_text_and_a_reason():
    html = "<html><body><nav>" + "".join(f'<a href="/{i}">Section {i}</a> ' for i in range(30)) + "</nav></body></html>"
    article = nutgraf.extract(html)
    assert article.text == ""
    assert any("no article" in w or "no text" in w for w in article.warnings)


def test_cjk_article_is_found():
    sentences = ["東京都は火曜日、新しい路面電車の計画を発表しました。", "計画によると、工事は来年の春に始まる予定です。",
                 "市民の多くはこの計画を歓迎していると、担当者は述べました。"]
    html = "<html><body><div class='menu'><a href='/'>ホーム</a></div><div class='entry-content'>" + "".join(
        f"<p>{s}</p>" for s in sentences) + "</div></body></html>"
    article = nutgraf.extract(html)
    assert article.text.split("\n\n") == sentences


def test_table_rows_inside_the_article_are_kept():
    table = ("<table><tr><th>Line</th><th>Length</th></tr><tr><td>North loop</td><td>7 km</td></tr>"
             "<tr><td>Harbour spur</td><td>5 km</td></tr></table>"
             "<p>The figures come from the transport department's own planning documents, published last year.</p>")
    article = nutgraf.extract(news_page(extra_inside=table))
    assert "North loop | 7 km" in article.text


_BODY = ("The committee met for four hours on Tuesday and agreed on a new budget for the "
         "harbour, after months of argument between the two councils about who should pay. ")


def test_post_inside_noscript_is_read_and_located():
    html = f"""<html><head><title>Harbour budget agreed</title></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a></nav>
    <div class="post-body"><script type="text/template"><p>{_BODY}</p></script>
    <noscript><p>{_BODY}</p><p>{_BODY.replace('Tuesday', 'Wednesday')}</p></noscript></div>
    <footer>Contact us</footer></body></html>"""
    article = nutgraf.extract(html)
    assert "on Wednesday and agreed" in article.text
    assert article.text.count("on Tuesday and agreed") == 1  # the script copy is not read
    for para in article.paragraphs:
        assert para.source_start is not None
        assert html[para.source_start:para.source_end].startswith("<p>")


def test_ruby_readings_are_not_doubled_into_the_text():
    ruby = "<ruby>法律<rt>ほうりつ</rt></ruby>"
    para = f"<p>{ruby}ができて、" + "子どもを守る仕事をする専門の職員を増やすことが決まりました。" * 4 + "</p>"
    html = f"<html><body><article>{para}{para}</article></body></html>"
    text = nutgraf.extract(html).text
    assert "法律ができて" in text and "ほうりつ" not in text


def test_live_ticker_entries_are_not_reader_comments():
    entries = "".join(
        f'<div class="live-match-comment"><span>{m}\'</span><div class="live-match-comment-body">'
        f"Minute {m}: the home side pressed high again and forced another corner on the left, "
        f"but the keeper punched the ball clear before anyone could reach it.</div></div>"
        for m in range(90, 0, -10)
    )
    html = (f"<html><body><h1>Live: Lorient v Lyon</h1><div class='live'>{entries}</div>"
            "<div class='comments'><p>Reader: great game!</p></div></body></html>")
    text = nutgraf.extract(html).text
    assert "Minute 50: the home side" in text
    assert "Reader: great game" not in text


def test_deck_heading_under_the_headline_is_kept_but_not_the_byline_box():
    deck = "In three coastal towns the council wants to stop the rents rising until the crisis is over"
    html = f"""<html><body><article><h1>Rent freeze on the coast</h1><h2>{deck}</h2>
    <ul class="infoline"><li>By Jane Doe</li><li>29.04.2020, 12:01</li></ul>
    <div class="content"><p>{_BODY}</p><p>{_BODY}</p></div></article></body></html>"""
    text = nutgraf.extract(html).text
    assert text.startswith(deck)
    assert "Jane Doe" not in text and "12:01" not in text


def test_subtitle_above_a_picture_starts_the_article():
    html = f"""<html><body><div class="story"><h3>First trial of a robot that draws blood samples</h3>
    <figure><img src="x.jpg"><figcaption>The prototype.</figcaption></figure>
    <p>{_BODY}</p><p>{_BODY}</p></div><div class="footer"><a href="/">Home</a></div></body></html>"""
    text = nutgraf.extract(html).text
    assert text.startswith("First trial of a robot")
    assert "The prototype." not in text


def test_page_summary_points_at_a_short_post_beside_a_longer_sidebar():
    post = "Die Stadt steht schwarz und schweiget, nur der Himmel glüht noch über dem Fluss."
    sidebar = "".join(
        f"<p><a href='/p/{i}'>Recent post {i}</a>: the camera review went on for a long while about lenses, zoom, "
        f"noise at high ISO and the menus that nobody reads, and then it stopped.</p>"
        for i in range(3)
    )
    menu = "".join(f'<li><a href="/c/{i}">Kategorie Nummer {i} mit Bildern</a></li>' for i in range(40))
    html = f"""<html><head><meta property="og:description" content="{post[:60]}"></head>
    <body><ul class="menu">{menu}</ul><div class="entry"><h1>Scherenschnitt</h1><p>{post}</p>
    <p>Angefangen hatte es mit einem Freihandschuss, danach kam das Stativ, und am Ende war der Kondensstreifen weg.</p></div>
    <div class="widget widget_text">{sidebar}</div></body></html>"""
    text = nutgraf.extract(html).text
    assert post in text
    assert "Recent post" not in text


def test_furniture_lines_in_other_languages_are_dropped_from_the_tail():
    html = f"""<html><body><div class="post"><p>{_BODY}</p><p>{_BODY}</p>
    <p>Ähnliche Beiträge</p><p>Vous aimerez aussi</p><p>Teilen auf Facebook</p>
    </div></body></html>"""
    text = nutgraf.extract(html).text
    assert text.count("committee met") == 2
    for line in ("Ähnliche Beiträge", "Vous aimerez aussi", "Teilen auf Facebook"):
        assert line not in text

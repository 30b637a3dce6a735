"""Charset decisions in nutgraf.extract.decode: BOM, declarations checked against bytes, detection."""

from __future__ import annotations

import codecs
import random
import time

import pytest

from nutgraf.extract.decode import decode_html, looks_binary, resolve_label

FRENCH = "<p>Le président a déclaré que l’économie était « très forte » — à 3 %.</p>"
RUSSIAN = "<p>Президент России заявил сегодня о новых мерах поддержки экономики страны.</p>"


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>t</title></head><body>{body}</body></html>"


# --- BOMs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bom, codec",
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_bom_wins_over_meta_and_http(bom, codec):
    html = page(FRENCH, head='<meta charset="iso-8859-1">')
    d = decode_html(bom + html.encode(codec), "text/html; charset=windows-1251")
    assert (d.encoding, d.how) == (codec, "bom")
    assert d.text == html  # BOM stripped, text exact
    assert not looks_binary(bom + html.encode(codec))


def test_utf8_bom_with_stray_cp1252_bytes_does_not_crash():
    data = codecs.BOM_UTF8 + page(FRENCH).encode() + "<p>“quoted”</p>".encode("cp1252")
    d = decode_html(data)
    assert d.how == "bom" and "“quoted”" in d.text and d.warnings


# --- declarations, verified -------------------------------------------------------------------


def test_meta_charset_utf8_valid():
    d = decode_html(page(FRENCH, '<meta charset="utf-8">').encode())
    assert (d.encoding, d.how, d.warnings) == ("utf-8", "meta", [])
    assert "très forte" in d.text


def test_http_charset_used_and_beats_meta_when_both_fit_the_bytes():
    html = page(RUSSIAN, '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">')
    d = decode_html(html.encode("cp1251"), 'text/html; charset="Windows-1251"')
    assert (d.encoding, d.how) == ("cp1251", "http")
    assert "Президент России" in d.text


def test_meta_http_equiv_form():
    html = page(RUSSIAN, '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1251">')
    d = decode_html(html.encode("cp1251"))
    assert (d.encoding, d.how) == ("cp1251", "meta") and "Президент" in d.text


def test_xml_declaration_counts_as_meta():
    data = b'<?xml version="1.0" encoding="windows-1251"?>' + page(RUSSIAN).encode("cp1251")
    d = decode_html(data)
    assert (d.encoding, d.how) == ("cp1251", "meta") and "Президент" in d.text


@pytest.mark.parametrize("label", ["iso-8859-1", "latin1", "ISO_8859-1", "us-ascii", "ascii"])
def test_latin1_label_but_bytes_are_utf8(label):
    d = decode_html(page(FRENCH, f'<meta charset="{label}">').encode())
    assert d.encoding == "utf-8" and d.how == "utf-8"
    assert "l’économie était « très forte »" in d.text
    assert any(f"declared {label}" in w and "UTF-8" in w for w in d.warnings)


def test_latin1_http_header_but_utf8_bytes():
    d = decode_html(page(FRENCH).encode(), "text/html; charset=ISO-8859-1")
    assert d.encoding == "utf-8" and "très forte" in d.text and d.warnings


def test_wrong_http_header_but_meta_says_utf8():
    d = decode_html(page(FRENCH, '<meta charset="utf-8">').encode(), "text/html; charset=iso-8859-1")
    assert (d.encoding, d.how) == ("utf-8", "meta") and "très" in d.text


def test_latin1_label_means_windows_1252():
    # WHATWG: iso-8859-1 is decoded as windows-1252, so 0x93/0x94 are curly quotes, not C1 controls.
    data = page('<p>He said \x93yes\x94 \x96 caf\xe9</p>', '<meta charset="iso-8859-1">').encode("latin-1")
    d = decode_html(data)
    assert (d.encoding, d.how) == ("cp1252", "meta")
    assert "He said “yes” – café" in d.text


def test_utf8_label_but_cp1252_bytes():
    d = decode_html(page(FRENCH * 3, '<meta charset="utf-8">').encode("cp1252"))
    assert d.encoding == "cp1252" and d.how == "detected"
    assert "l’économie était « très forte » — à 3 %" in d.text
    assert any("not UTF-8" in w for w in d.warnings)


def test_utf8_label_but_windows_1251_bytes():
    d = decode_html(page(RUSSIAN * 3, '<meta charset="utf-8">').encode("cp1251"))
    assert d.encoding == "cp1251" and "Президент России" in d.text and d.warnings


def test_unknown_label_falls_through_to_bytes():
    d = decode_html(page(FRENCH, '<meta charset="x-klingon-7">').encode())
    assert (d.encoding, d.how) == ("utf-8", "utf-8") and "très forte" in d.text
    assert any("x-klingon-7" in w and "unknown" in w for w in d.warnings)


def test_unsafe_and_bytes_codecs_are_not_labels():
    for label in ("utf-7", "rot13", "base64", "hex", "cp037", "replacement", "x-user-defined", "hz-gb-2312", ""):
        assert resolve_label(label) is None, label
    assert resolve_label("latin-1") == "cp1252"
    assert resolve_label("gb2312") == "gb18030"
    assert resolve_label(" Shift_JIS ") == "cp932"


def test_meta_utf16_on_ascii_bytes_is_read_as_utf8():
    d = decode_html(page(FRENCH, '<meta charset="utf-16">').encode())
    assert d.encoding == "utf-8" and "très forte" in d.text


def test_utf16_without_bom_detected():
    data = page(FRENCH).encode("utf-16-le")
    assert not looks_binary(data)
    d = decode_html(data)
    assert d.encoding == "utf-16-le" and "très forte" in d.text


def test_declared_shift_jis():
    html = page("<p>日本の首相は本日、新しい経済対策を発表しました。</p>", '<meta charset="Shift_JIS">')
    d = decode_html(html.encode("cp932"))
    assert (d.encoding, d.how) == ("cp932", "meta") and "経済対策" in d.text


def test_iso_2022_jp_is_seven_bit_but_not_ascii():
    d = decode_html(page("<p>日本の首相は本日</p>").encode("iso2022_jp"))
    assert d.encoding == "iso2022_jp" and "日本の首相" in d.text


# --- nothing declared -----------------------------------------------------------------------


def test_undeclared_ascii_and_utf8():
    assert decode_html(b"<p>plain</p>").how == "utf-8"
    d = decode_html(page(FRENCH).encode())
    assert (d.encoding, d.how, d.warnings) == ("utf-8", "utf-8", [])


def test_windows_1251_russian_detected_without_declaration():
    d = decode_html(page(RUSSIAN * 4).encode("cp1251"))
    assert (d.encoding, d.how) == ("cp1251", "detected")
    assert "Президент России заявил" in d.text


def test_koi8r_detected():
    d = decode_html(page(RUSSIAN * 4).encode("koi8_r"))
    assert d.encoding == "koi8-r" and "Президент" in d.text


@pytest.mark.parametrize(
    "codec, text",
    [
        ("cp1252", "Die Bürger müssen für Straßen zahlen, sagte er."),
        ("cp1252", "Le président a déclaré que l’économie française était « très forte »."),
        ("cp1250", "Prezydent Polski powiedział, że gospodarka źle się rozwija, ale żadnych zmian."),
        ("cp1254", "Türkiye Cumhurbaşkanı bugün yeni ekonomik önlemler açıkladı, dedi."),
        ("cp1253", "Ο πρωθυπουργός δήλωσε σήμερα ότι η οικονομία είναι ισχυρή."),
    ],
)
def test_undeclared_legacy_text_reads_right(codec, text):
    d = decode_html(page(f"<p>{text}</p>").encode(codec))
    assert text in d.text, (d.encoding, d.text)


def test_detection_looks_past_a_long_ascii_head():
    head = "<script>" + "var x = 1;\n" * 20000 + "</script>"  # ~220 KB of ASCII first
    d = decode_html(page(RUSSIAN * 4, head).encode("cp1251"))
    assert d.encoding == "cp1251" and "Президент" in d.text


def test_undetectable_high_bytes_fall_back_to_cp1252():
    rnd = random.Random(7)
    data = bytes(rnd.randrange(0x80, 0x100) for _ in range(3000))
    d = decode_html(data)
    assert d.how in ("fallback", "detected") and isinstance(d.text, str)


# --- mixed ----------------------------------------------------------------------------------


def test_mixed_utf8_and_cp1252_decode_per_run():
    data = (
        page(FRENCH, '<meta charset="utf-8">').encode()
        + "<p>He said “hello” – and left. Café.</p>".encode("cp1252")
        + "<p>© 2024 — Société</p>".encode()
    )
    d = decode_html(data)
    assert d.encoding == "utf-8" and d.how == "meta"
    assert "l’économie était « très forte »" in d.text
    assert "He said “hello” – and left. Café." in d.text
    assert "© 2024 — Société" in d.text
    assert any("mixed" in w for w in d.warnings)


def test_declared_latin1_mostly_utf8_with_stray_byte():
    data = page(FRENCH * 3, '<meta charset="iso-8859-1">').encode() + b"<p>caf\xe9</p>"
    d = decode_html(data)
    assert "très forte" in d.text and "café" in d.text and d.warnings


def test_truncated_utf8_at_end():
    data = page(FRENCH).encode() + "é".encode()[:1]
    d = decode_html(data)
    assert "très forte" in d.text


# --- never raises, and fast ------------------------------------------------------------------


def test_never_raises_on_random_bytes():
    rnd = random.Random(1)
    for n in (0, 1, 2, 3, 4, 7, 100, 5000):
        for ct in (None, "text/html; charset=utf-8", "text/html; charset=bogus", "charset=", ";;;"):
            data = bytes(rnd.randrange(256) for _ in range(n))
            d = decode_html(data, ct)
            assert isinstance(d.text, str)
            looks_binary(data)


def test_empty():
    d = decode_html(b"")
    assert d.text == "" and not looks_binary(b"")


def test_decoding_time_grows_linearly_with_the_page():
    # Absolute speed belongs to the benches; here only the shape (no quadratic scan).
    def best(data):
        out = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            decode_html(data, "text/html; charset=utf-8")
            looks_binary(data)
            out = min(out, time.perf_counter() - start)
        return out

    small = page(FRENCH * 1300, '<meta charset="utf-8">').encode()  # ~100 KB, non-ASCII throughout
    big = page(FRENCH * 10400, '<meta charset="utf-8">').encode()  # ~800 KB
    assert best(big) < 24 * best(small) + 0.01


# --- binary ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
        b"PK\x03\x04\x14\x00\x06\x00",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"GIF89a\x01\x00\x01\x00",
        b"<html>\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00</html>",
        random.Random(3).randbytes(10000),
    ],
)
def test_looks_binary(data):
    assert looks_binary(data)


@pytest.mark.parametrize(
    "data",
    [
        page(FRENCH).encode(),
        page(RUSSIAN).encode("cp1251"),
        b"Just some plain text.\r\n\tIndented.\x0c",
        page("<p>stray NUL \x00 in a long page</p>" + "<p>text</p>" * 500).encode(),
        page("<p>日本の首相</p>").encode("iso2022_jp"),  # ESC bytes are text here
    ],
)
def test_not_binary(data):
    assert not looks_binary(data)

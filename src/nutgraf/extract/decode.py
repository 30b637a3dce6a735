"""Bytes to text: which charset a crawled page is really in.

Crawled pages lie about their charset all the time: servers default to
``Content-Type: text/html; charset=iso-8859-1`` while the page is UTF-8, templates
say ``<meta charset="utf-8">`` around an article pasted from a cp1252 editor, and many
old pages declare nothing.  So declarations are *evidence*, checked against the bytes:

1. a byte-order mark (UTF-8/16/32) is decisive;
2. the HTTP ``charset`` parameter, then ``<meta charset>`` / ``http-equiv`` / the XML
   declaration in the first few KB, each mapped through the WHATWG label table;
3. UTF-8 is cheap to verify exactly, so it overrides a legacy declaration whenever the
   bytes are valid UTF-8, and a UTF-8 declaration is dropped when they are not;
4. with nothing usable declared: UTF-8 if valid, else charset-normalizer on a bounded
   sample, else cp1252 with replacement characters.

Pages that are mostly UTF-8 with stray legacy bytes decode as UTF-8 with a per-run
fallback (see ``_fallback_handler``) instead of turning the whole page into mojibake.
Nothing here raises on any input.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass, field

__all__ = ["Decoded", "decode_html", "looks_binary", "resolve_label", "valid_text"]

# A lone surrogate (from a JSON "\\ud800" escape, a surrogate-escaped file name, a codec
# such as UTF-7) is a str that cannot be encoded: spaCy, SQLite and stdout all raise on it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD, so it can be encoded as UTF-8
    (the same string back when it has none: the common case costs one scan)."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub("\ufffd", text)


@dataclass
class Decoded:
    text: str
    encoding: str
    how: str  # "bom" | "meta" | "http" | "utf-8" | "detected" | "fallback"
    warnings: list[str] = field(default_factory=list)


# --- labels -------------------------------------------------------------------------------

# The WHATWG Encoding Standard's label table (https://encoding.spec.whatwg.org/#names-and-labels),
# mapped to Python codecs.  It is what browsers do, so it is what page authors tested against:
# notably "iso-8859-1", "latin1" and "ascii" all mean windows-1252, whose 0x80-0x9F range holds
# the curly quotes and dashes that pages labelled latin-1 actually contain.
_WHATWG: dict[str, tuple[str, ...]] = {
    # (plus utf8mb4/utf8mb3: MySQL's names for UTF-8, common in the wild though not WHATWG labels)
    "utf-8": ("unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8",
              "utf8mb4", "utf8mb3"),
    "cp866": ("866", "cp866", "csibm866", "ibm866"),
    "iso8859-2": ("csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592", "iso_8859-2",
                  "iso_8859-2:1987", "l2", "latin2"),
    "iso8859-3": ("csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593", "iso_8859-3",
                  "iso_8859-3:1988", "l3", "latin3"),
    "iso8859-4": ("csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594", "iso_8859-4",
                  "iso_8859-4:1988", "l4", "latin4"),
    "iso8859-5": ("csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5", "iso88595",
                  "iso_8859-5", "iso_8859-5:1988"),
    "iso8859-6": ("arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic", "ecma-114",
                  "iso-8859-6", "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127", "iso8859-6", "iso88596",
                  "iso_8859-6", "iso_8859-6:1987"),
    "iso8859-7": ("csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-8859-7", "iso-ir-126",
                  "iso8859-7", "iso88597", "iso_8859-7", "iso_8859-7:1987", "sun_eu_greek"),
    "iso8859-8": ("csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8", "iso-8859-8-e", "iso-ir-138",
                  "iso8859-8", "iso88598", "iso_8859-8", "iso_8859-8:1988", "visual",
                  "csiso88598i", "iso-8859-8-i", "logical"),
    "iso8859-10": ("csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10", "iso885910", "l6", "latin6"),
    "iso8859-13": ("iso-8859-13", "iso8859-13", "iso885913"),
    "iso8859-14": ("iso-8859-14", "iso8859-14", "iso885914"),
    "iso8859-15": ("csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15", "l9"),
    "iso8859-16": ("iso-8859-16",),
    "koi8-r": ("cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"),
    "koi8-u": ("koi8-ru", "koi8-u"),
    "mac-roman": ("csmacintosh", "mac", "macintosh", "x-mac-roman"),
    "cp874": ("dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"),
    "cp1250": ("cp1250", "windows-1250", "x-cp1250"),
    "cp1251": ("cp1251", "windows-1251", "x-cp1251"),
    "cp1252": ("ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1",
               "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1",
               "us-ascii", "windows-1252", "x-cp1252"),
    "cp1253": ("cp1253", "windows-1253", "x-cp1253"),
    "cp1254": ("cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599", "iso_8859-9",
               "iso_8859-9:1989", "l5", "latin5", "windows-1254", "x-cp1254"),
    "cp1255": ("cp1255", "windows-1255", "x-cp1255"),
    "cp1256": ("cp1256", "windows-1256", "x-cp1256"),
    "cp1257": ("cp1257", "windows-1257", "x-cp1257"),
    "cp1258": ("cp1258", "windows-1258", "x-cp1258"),
    "mac-cyrillic": ("x-mac-cyrillic", "x-mac-ukrainian"),
    "gb18030": ("chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80", "gbk",
                "iso-ir-58", "x-gbk", "gb18030"),
    "big5hkscs": ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"),
    "euc_jp": ("cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"),
    "iso2022_jp": ("csiso2022jp", "iso-2022-jp"),
    "cp932": ("csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j", "x-sjis"),
    "cp949": ("cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987",
              "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949"),
    "utf-16-be": ("unicodefffe", "utf-16be"),
    "utf-16-le": ("csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le"),
}
_LABELS: dict[str, str] = {
    label: codecs.lookup(codec).name for codec, labels in _WHATWG.items() for label in labels
}
# WHATWG's "replacement" encoding and x-user-defined: no safe decoder, so treated as unknown.
_REFUSED = frozenset({"csiso2022kr", "hz-gb-2312", "iso-2022-cn", "iso-2022-cn-ext", "iso-2022-kr",
                      "replacement", "x-user-defined"})
# When a label is not in the table but Python knows it ("latin-1", "cp-1251" spellings), the
# codec still goes through the WHATWG supersets so that "latin_1" decodes like "iso-8859-1".
_SUPERSET = {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874",
             "tis-620": "cp874", "gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932",
             "euc_kr": "cp949", "big5": "big5hkscs", "utf-16": "utf-16-le",
             "utf-32": "utf-32-le"}
_HIGH_BYTES = bytes(range(0x80, 0x100))
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def resolve_label(label: str) -> str | None:
    """The Python codec a charset label means, or None when it is unknown or unsafe."""
    key = label.strip().strip("\"'").strip().lower()
    if not key or key in _REFUSED:
        return None
    if key in _LABELS:
        return _LABELS[key]
    try:
        info = codecs.lookup(key)
    except LookupError:
        return None
    name = _SUPERSET.get(info.name, info.name)
    if name.startswith(("utf-16", "utf-32")):
        return codecs.lookup(name).name
    # Only ASCII-compatible text codecs: this rejects rot13/base64 (bytes<->bytes), EBCDIC,
    # UTF-7 and HZ, none of which a page whose markup we just read in ASCII can be in.
    if not getattr(info, "_is_text_encoding", True):
        return None
    try:
        if _PRINTABLE_ASCII.decode(name) != _PRINTABLE_ASCII.decode("ascii"):
            return None
    except (UnicodeDecodeError, LookupError):
        return None
    return codecs.lookup(name).name


# --- evidence -----------------------------------------------------------------------------

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# How far into the page a declaration is looked for.  WHATWG's prescan stops at 1 KB, but
# crawled pages often put the meta after kilobytes of inline script; a false hit later on
# is harmless because every declaration is checked against the bytes anyway.
_DECL_WINDOW = 8192
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^\s"';,]+)""", re.I)
# Matches both <meta charset="x"> and <meta http-equiv=Content-Type content="...; charset=x">.
_META_CHARSET = re.compile(rb"""<meta\s[^<>]{0,512}?charset\s*=\s*["']?\s*([a-zA-Z0-9][a-zA-Z0-9_.:+-]*)""", re.I)
_XML_ENCODING = re.compile(rb"""\A\s*<\?xml\s[^>]*?encoding\s*=\s*["']([a-zA-Z0-9][a-zA-Z0-9_.:+-]*)""", re.I)
_ISO2022JP_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I")
# Detection sample: charset-normalizer is roughly linear but not cheap, so it sees at most
# this much, starting near the first non-ASCII byte (heads are often 50 KB of ASCII script).
_DETECT_SAMPLE = 64 * 1024
_FIRST_HIGH = re.compile(rb"[\x80-\xff]")
_TAG = re.compile(rb"<[^<>]{0,2000}>")
# What detection may answer: the legacy encodings the web actually uses.  Left free,
# charset-normalizer names exotic code pages (cp1006, mac_iceland, EBCDIC) for short samples.
_DETECTABLE = [
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "iso8859_2", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8", "iso8859_10",
    "iso8859_13", "iso8859_15", "iso8859_16", "koi8_r", "koi8_u", "mac_cyrillic", "cp866", "cp874",
    "gb18030", "big5hkscs", "big5", "euc_jp", "cp932", "shift_jis", "euc_kr", "cp949",
]


@dataclass
class _Claim:
    codec: str
    label: str
    source: str  # "http" | "meta"


def _http_label(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HTTP_CHARSET.search(content_type)
    return m.group(1) if m else None


def _meta_label(head: bytes) -> str | None:
    m = _META_CHARSET.search(head) or _XML_ENCODING.match(head)
    return m.group(1).decode("ascii") if m else None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the bytes look like BOM-less UTF-16 markup: nearly every
    other byte NUL (the high byte of ASCII characters), the others almost never."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.7 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.7 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


# --- the per-run fallback -----------------------------------------------------------------

_HANDLERS: dict[str, str] = {}


def _fallback_handler(codec: str) -> str:
    """Name of a codecs error handler that decodes each invalid UTF-8 run with ``codec``.

    A UTF-8 page with an article pasted from a cp1252 source keeps its UTF-8 right and gets
    the pasted curly quotes right too, where either codec alone would garble one of them.
    """
    name = _HANDLERS.get(codec)
    if name is None:

        def handler(exc: UnicodeError) -> tuple[str, int]:
            if not isinstance(exc, UnicodeDecodeError):
                raise exc
            return exc.object[exc.start:exc.end].decode(codec, "replace"), exc.end

        name = f"nutgraf-utf8-else-{codec}"
        codecs.register_error(name, handler)
        _HANDLERS[codec] = name
    return name


@functools.lru_cache(maxsize=None)
def _is_single_byte(codec: str) -> bool:
    try:
        return len(bytes(range(0x80, 0x100)).decode(codec, "replace")) == 0x80
    except LookupError:
        return False


# --- detection ----------------------------------------------------------------------------


def _detect(data: bytes) -> str | None:
    """charset-normalizer's guess for a legacy (non-UTF-8) page, or None."""
    start = 0
    m = _FIRST_HIGH.search(data)
    if m and m.start() > 1024:
        # Start on a tag or line boundary so a multibyte character is not split: those bytes
        # are below 0x40 and never trail bytes in Shift_JIS, GBK, Big5 or EUC.
        cut = max(data.rfind(b">", 0, m.start()), data.rfind(b"\n", 0, m.start()))
        start = cut + 1 if cut >= 0 else m.start()
    sample = data[start:start + _DETECT_SAMPLE]
    if len(data) > start + _DETECT_SAMPLE:
        cut = max(sample.rfind(b">"), sample.rfind(b"\n"))
        if cut > 0:
            sample = sample[: cut + 1]
    # Markup is ASCII and dilutes the text the detector judges; attribute values lost here
    # are a small price.
    stripped = _TAG.sub(b" ", sample)
    if _FIRST_HIGH.search(stripped):
        sample = stripped
    try:
        import charset_normalizer  # local: only legacy pages pay for it

        matches = charset_normalizer.from_bytes(sample, cp_isolation=_DETECTABLE)
    except Exception:  # a detector bug must not lose the page; cp1252 follows
        return None
    best = matches.best()
    if best is None:
        return None
    codec = codecs.lookup(best.encoding).name
    if codec in _LATIN_COUSINS:
        # Short Western text often scores a hair better as cp1250 ("trčs" for "très"): the
        # detector's language model cannot tell on a few words.  cp1252 is by far the most
        # common legacy charset, so it wins a near-tie unless its reading shows the tells
        # of a wrong guess (see _WRONG_1252).
        rival = next((m for m in matches if codecs.lookup(m.encoding).name == "cp1252"), None)
        as1252 = sample.decode("cp1252", "replace")
        if as1252 == sample.decode(codec, "replace"):
            codec = "cp1252"
        elif (rival is None or rival.chaos <= best.chaos + 0.01) and not _WRONG_1252.search(as1252) and not (
            "ø" in as1252 and "è" in as1252
        ):
            codec = "cp1252"
    return codec


# Legacy Latin charsets that share most of cp1252's letters.
_LATIN_COUSINS = frozenset(codecs.lookup(c).name for c in (
    "cp1250", "cp1254", "cp1257", "cp1258", "iso8859_2", "iso8859_4", "iso8859_10", "iso8859_13",
    "iso8859_15", "iso8859_16"))
# What Central European or Turkish text looks like when wrongly read as cp1252: symbols glued
# to letters ("powiedzia³", "¿e", "¾ud"), ð/þ/ý (Turkish ğ/ş/ı, Croatian đ), ì inside a word
# (Czech ě; Italian ì ends words), and ø with è together (Czech ř and č) below.
_WRONG_1252 = re.compile(r"[¹³¿¼¾ªº¥¦¨´¸¯²µ¶¬±\ufffd]|[ðþýÐÞÝ]|(?<=[^\W\d_])ì(?=[^\W\d_])")


# --- the decision -------------------------------------------------------------------------


def decode_html(data: bytes, content_type: str | None = None) -> Decoded:
    """Decode a page's bytes, choosing the charset from BOM, declarations and the bytes.
    The text is always valid Unicode (no lone surrogates, whatever the codec)."""
    decoded = _decode_html(data, content_type)
    decoded.text = valid_text(decoded.text)
    return decoded


def _decode_html(data: bytes, content_type: str | None = None) -> Decoded:
    data = bytes(data)
    warnings: list[str] = []
    if not data:
        return Decoded("", "utf-8", "utf-8", warnings)

    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            if codec == "utf-8":
                try:
                    return Decoded(body.decode("utf-8"), codec, "bom", warnings)
                except UnicodeDecodeError:
                    text = body.decode("utf-8", _fallback_handler("cp1252"))
                    warnings.append("UTF-8 byte-order mark but some bytes are not UTF-8; those decoded as cp1252")
                    return Decoded(text, codec, "bom", warnings)
            if not _decodes(body, codec):
                warnings.append(f"{codec} byte-order mark but invalid {codec} sequences were replaced")
            return Decoded(body.decode(codec, "replace"), codec, "bom", warnings)

    claims: list[_Claim] = []
    for label, source in ((_http_label(content_type), "http"), (_meta_label(data[:_DECL_WINDOW]), "meta")):
        if label is None:
            continue
        codec = resolve_label(label)
        if codec is None:
            warnings.append(f"unknown charset {label!r} declared ({source}); ignored")
        else:
            claims.append(_Claim(codec, label, source))

    wide = _utf16_without_bom(data)
    if wide:
        src = next((c.source for c in claims if c.codec.startswith("utf-16")), "detected")
        return Decoded(data.decode(wide, "replace"), wide, src, warnings)
    for c in claims:
        if c.codec.startswith(("utf-16", "utf-32")):
            # WHATWG: a page that could be read in ASCII to find its label is not UTF-16;
            # such declarations mean UTF-8.
            warnings.append(f"declared {c.label} ({c.source}) but the bytes are not UTF-16/32; read as UTF-8")
            c.codec = "utf-8"

    primary = claims[0] if claims else None
    said_utf8 = next((c for c in claims if c.codec == "utf-8"), None)
    legacy = next((c for c in claims if c.codec != "utf-8"), None)

    if data.isascii():
        # Every ASCII-compatible codec reads these bytes alike, except ISO-2022-JP, which is
        # 7-bit and switches alphabets with escape sequences.
        jis = next((c for c in claims if c.codec == "iso2022_jp"), None)
        if jis or (b"\x1b" in data and any(e in data for e in _ISO2022JP_ESCAPES)):
            text = data.decode("iso2022_jp", "replace")
            return Decoded(text, "iso2022_jp", jis.source if jis else "detected", warnings)
        text = data.decode("ascii")
        if primary:
            return Decoded(text, primary.codec, primary.source, warnings)
        return Decoded(text, "utf-8", "utf-8", warnings)

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None

    if text is not None:
        if primary is None or primary.codec == "utf-8":
            return Decoded(text, "utf-8", primary.source if primary else "utf-8", warnings)
        if _is_single_byte(primary.codec) or len(data) - len(text) >= 8 or not _decodes(data, primary.codec):
            # Valid UTF-8 with non-ASCII sequences is essentially never an accident of a
            # single-byte encoding; for CJK multibyte ones a short run can be, hence the
            # minimum of continuation bytes there.
            if said_utf8:
                warnings.append(f"declared {primary.label} ({primary.source}) but bytes are UTF-8, "
                                f"as the {said_utf8.source} declaration says")
                return Decoded(text, "utf-8", said_utf8.source, warnings)
            warnings.append(f"declared {primary.label} ({primary.source}) but bytes are UTF-8")
            return Decoded(text, "utf-8", "utf-8", warnings)
        return Decoded(data.decode(primary.codec, "replace"), primary.codec, primary.source, warnings)

    # Not valid UTF-8.  Mostly UTF-8 with stray legacy bytes, or a legacy page?  Weigh the
    # non-ASCII bytes that sit in valid UTF-8 sequences against the invalid sequences, at C
    # speed.  Bytes, not characters: a page with three curly apostrophes (9 bytes, each
    # sequence all but impossible by accident) and four stray bytes is a UTF-8 page.
    loose = data.decode("utf-8", "replace")
    bad = loose.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    good = len(loose) - len(loose.encode("ascii", "ignore")) - bad  # valid multibyte characters
    if good > 0 and high - bad >= bad:
        fallback = legacy.codec if legacy and _is_single_byte(legacy.codec) else "cp1252"
        text = data.decode("utf-8", _fallback_handler(fallback))
        if primary and primary.codec != "utf-8":
            warnings.append(f"declared {primary.label} ({primary.source}) but bytes are mostly UTF-8")
        warnings.append(f"mixed encodings: {bad} invalid UTF-8 sequence(s) among {good} valid ones "
                        f"decoded as {fallback}")
        return Decoded(text, "utf-8", said_utf8.source if said_utf8 else "utf-8", warnings)

    if said_utf8:
        warnings.append(f"declared {said_utf8.label} ({said_utf8.source}) but bytes are not UTF-8")
    if legacy:
        if _decodes(data, legacy.codec):
            return Decoded(data.decode(legacy.codec), legacy.codec, legacy.source, warnings)
        guess = _detect(data)
        if guess and guess != legacy.codec and _decodes(data, guess):
            warnings.append(f"declared {legacy.label} ({legacy.source}) but bytes are not valid {legacy.codec}; "
                            f"detected {guess}")
            return Decoded(data.decode(guess), guess, "detected", warnings)
        warnings.append(f"invalid {legacy.codec} sequences replaced")
        return Decoded(data.decode(legacy.codec, "replace"), legacy.codec, legacy.source, warnings)

    guess = _detect(data)
    if guess:
        text = data.decode(guess, "replace")
        if said_utf8:
            warnings[-1] += f"; detected {guess}"
        return Decoded(text, guess, "detected", warnings)
    warnings.append("charset unknown and not detectable; decoded as cp1252 with replacements")
    return Decoded(data.decode("cp1252", "replace"), "cp1252", "fallback", warnings)


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


# --- binary -------------------------------------------------------------------------------

# File signatures of what crawls wrongly hand over as pages: compressed bodies whose
# Content-Encoding was not undone, documents, images, fonts, executables.
_MAGIC = (
    b"\x1f\x8b",  # gzip
    b"PK\x03\x04", b"PK\x05\x06",  # zip (also docx, xlsx, epub)
    b"%PDF-",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a", b"GIF89a",
    b"\xfd7zXZ\x00",  # xz
    b"(\xb5/\xfd",  # zstd
    b"7z\xbc\xaf\x27\x1c",
    b"\x7fELF",
    b"wOFF", b"wOF2",  # web fonts
    b"\x00\x00\x01\x00",  # ico
    b"OggS",
)
# C0 controls that text never holds: everything below 0x20 except tab, LF, VT, FF, CR and ESC
# (ESC switches alphabets in ISO-2022-JP), plus DEL.
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B)) + b"\x7f"
_BINARY_SAMPLE = 8192


def looks_binary(data: bytes) -> bool:
    """True for bytes that are no page: known file signatures, NULs, or many control bytes."""
    if not data:
        return False
    if data.startswith(_MAGIC):
        return True
    if data.startswith(b"BZh") and data[4:10] == b"1AY&SY":
        return True
    if data.startswith(b"RIFF") and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return True
    if data[4:8] == b"ftyp":  # MP4 / MOV / HEIC
        return True
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = data[:_BINARY_SAMPLE]
    nuls = sample.count(0)
    if nuls and _utf16_without_bom(data):
        return False
    # A stray NUL or two happens in real pages (broken CMS output) and the parser copes with
    # it; more than one per KB does not happen in text.  Random bytes give ~4 NULs per KB
    # and ~10% control bytes.
    if nuls * 1024 > len(sample):
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > 0.05 * len(sample) + 1

"""Bytes to text: which charset a page is really in.  (Placeholder: being rewritten.)"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Decoded:
    text: str
    encoding: str
    how: str  # "bom" | "meta" | "http" | "utf-8" | "detected" | "fallback"
    warnings: list[str] = field(default_factory=list)


def decode_html(data: bytes, content_type: str | None = None) -> Decoded:
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError:
        return Decoded(data.decode("cp1252", errors="replace"), "cp1252", "fallback")


def looks_binary(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))

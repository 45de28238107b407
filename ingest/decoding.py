"""Bytes to text: encoding detection, and refusal of empty, binary and oversized input."""

from __future__ import annotations

import zlib

from charset_normalizer import from_bytes

from core.errors import ExtractionError

_GZIP_MAGIC = b"\x1f\x8b"
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def check_size(data: bytes, origin: str, max_bytes: int) -> None:
    """Refuse empty and oversized input with a clear reason."""
    if not data.strip():
        raise ExtractionError(f"{origin}: empty file")
    if len(data) > max_bytes:
        raise ExtractionError(
            f"{origin}: too large ({len(data) / 1e6:.1f} MB; limit {max_bytes / 1e6:.1f} MB)"
        )


def maybe_gunzip(data: bytes, origin: str, max_bytes: int) -> bytes:
    """Transparently decompress gzip content saved or served under a plain name.

    Decompressed in a stream that stops at ``max_bytes``: a few megabytes of gzip can hold
    gigabytes of zeros.
    """
    if data[:2] != _GZIP_MAGIC:
        return data
    out = bytearray()
    pending = data
    try:
        while pending[:2] == _GZIP_MAGIC:  # a gzip file may hold several members
            member = zlib.decompressobj(16 + zlib.MAX_WBITS)
            tail = pending
            while tail and not member.eof:
                out += member.decompress(tail, max_bytes + 1 - len(out))
                if len(out) > max_bytes:
                    raise ExtractionError(
                        f"{origin}: too large when decompressed (over {max_bytes / 1e6:.1f} MB)"
                    )
                tail = member.unconsumed_tail
            if not member.eof:
                raise ExtractionError(f"{origin}: corrupt gzip data (truncated)")
            pending = member.unused_data
    except zlib.error as exc:
        raise ExtractionError(f"{origin}: corrupt gzip data ({exc})") from exc
    return bytes(out)


def looks_binary(data: bytes) -> bool:
    """True for content that is not text (NUL bytes, mostly control characters)."""
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.1


def decode_text(data: bytes, origin: str) -> tuple[str, str | None]:
    """Decode bytes to text; return (text, warning) where warning names a guessed encoding."""
    if looks_binary(data):
        raise ExtractionError(f"{origin}: binary content, not text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    encoding = guess_encoding(data)
    return (
        data.decode(encoding, errors="replace"),
        f"{origin}: not valid UTF-8; decoded as {encoding}",
    )


def guess_encoding(data: bytes) -> str:
    """Best guess for non-UTF-8 bytes, preferring cp1252 among Latin code pages.

    Short Western text is ambiguous between cp1250/cp1252/cp1257/mac_latin2; cp1252 is by far
    the most common of them in news, so it wins whenever the guess lands in that family.
    """
    best = from_bytes(data).best()
    guess = best.encoding if best is not None else "cp1252"
    if guess.startswith(_LATIN_FAMILY):
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return guess
        return "cp1252"
    return guess


_LATIN_FAMILY = ("cp125", "cp775", "cp85", "mac_", "iso8859", "latin")

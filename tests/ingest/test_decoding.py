import gzip

import pytest

from core.errors import ExtractionError
from ingest.decoding import check_size, decode_text, looks_binary, maybe_gunzip


def test_utf8_decodes_without_warning() -> None:
    assert decode_text("café — naïve".encode(), "f") == ("café — naïve", None)


def test_legacy_encoding_is_detected_with_a_warning() -> None:
    text, warning = decode_text("Le café était très chaud à Zürich.".encode("cp1252"), "f.txt")
    assert "café" in text and "Zürich" in text
    assert warning is not None and "not valid UTF-8" in warning


def test_utf16_with_bom() -> None:
    text, _ = decode_text("\ufeffHello news".encode("utf-16"), "f")
    assert text.strip("\ufeff") == "Hello news"


def test_binary_is_refused() -> None:
    data = bytes(range(256)) * 10
    assert looks_binary(data)
    with pytest.raises(ExtractionError, match="binary"):
        decode_text(data, "img.txt")


def test_empty_and_oversized_are_refused() -> None:
    with pytest.raises(ExtractionError, match="empty"):
        check_size(b"  \n", "e.txt", 100)
    with pytest.raises(ExtractionError, match="too large"):
        check_size(b"x" * 101, "big.txt", 100)


def test_gzip_is_unwrapped_and_corrupt_gzip_is_an_error() -> None:
    assert maybe_gunzip(gzip.compress(b"<rss/>"), "f", 1000) == b"<rss/>"
    assert maybe_gunzip(gzip.compress(b"<a/>") + gzip.compress(b"<b/>"), "f", 1000) == b"<a/><b/>"
    with pytest.raises(ExtractionError, match="gzip"):
        maybe_gunzip(b"\x1f\x8b\x08garbage", "f", 1000)
    with pytest.raises(ExtractionError, match="truncated"):
        maybe_gunzip(gzip.compress(b"x" * 5000)[:-20], "f", 100_000)


def test_a_gzip_bomb_stops_at_the_size_limit_without_eating_memory() -> None:
    import resource
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip framing
    zeros = b"\0" * (1024 * 1024)
    bomb = b"".join(packer.compress(zeros) for _ in range(512)) + packer.flush()  # 512 MiB
    assert len(bomb) < 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ExtractionError, match="too large when decompressed"):
        maybe_gunzip(bomb, "bomb.xml", 20 * 1024 * 1024)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100

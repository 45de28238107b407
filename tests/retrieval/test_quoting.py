import pytest

from retrieval.quoting import (
    ALERT_QUOTES,
    ANSWER_QUOTES,
    Quote,
    QuoteLengths,
    cut_sentence,
    is_verbatim,
    reads_as,
)

SHORT = QuoteLengths(min_chars=10, max_chars=30)


def test_the_limits_of_answers_and_alerts() -> None:
    assert (ANSWER_QUOTES.min_chars, ANSWER_QUOTES.max_chars) == (25, 480)
    assert (ALERT_QUOTES.min_chars, ALERT_QUOTES.max_chars) == (25, 240)


def test_a_sentence_short_enough_is_quoted_whole() -> None:
    text = "Lead. The summit opens in Nara. Next."
    quote = cut_sentence(text, 6, 31, SHORT)
    assert quote == Quote("The summit opens in Nara.", 6, 31)


def test_a_long_sentence_is_cut_at_a_word_boundary_without_dangling_punctuation() -> None:
    text = "Leaders meet in Nara, — thereafter in Kyoto for talks."
    quote = cut_sentence(text, 0, len(text), SHORT)
    assert quote.snippet == "Leaders meet in Nara"
    assert len(quote.snippet) <= SHORT.max_chars and is_verbatim(quote, text)


def test_a_cut_never_leaves_less_than_the_minimum_for_a_word_boundary() -> None:
    # the only space is before the minimum: cutting there would leave a stub
    text = "Big " + "x" * 40
    quote = cut_sentence(text, 0, len(text), SHORT)
    assert quote.snippet == text[:SHORT.max_chars]
    assert len(quote.snippet) >= SHORT.min_chars


@pytest.mark.parametrize("offset", [0, 120])
def test_a_quote_of_a_text_round_trips(offset: int) -> None:
    article = "p" * offset + "Port Halden closes its new flood barrier. It held."
    chunk = article[offset:]
    quote = Quote.of(chunk, 0, 41, offset=offset)
    assert quote.snippet == "Port Halden closes its new flood barrier."
    assert article[quote.start:quote.end] == quote.snippet
    assert is_verbatim(quote, article)


@pytest.mark.parametrize("quote", [
    Quote("Port Halden opens its new flood barrier.", 0, 41),  # reworded
    Quote("Port Halden closes its new flood barrier.", 1, 42),  # offsets moved
    Quote("It held.", -8, 0),  # offsets outside the text
    Quote("", 0, 0),  # nothing quoted
])
def test_a_quote_that_is_not_verbatim_is_rejected(quote: Quote) -> None:
    assert not is_verbatim(quote, "Port Halden closes its new flood barrier. It held.")


def test_text_read_back_from_storage_must_be_the_snippet() -> None:
    assert reads_as("It held.", "It held.")
    assert not reads_as("It held.", "It held")
    assert not reads_as("It held.", None)  # the article is gone
    assert not reads_as("", "")

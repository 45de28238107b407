"""Topics as users write them: phrases, exclusions, meaning; clear errors."""

from __future__ import annotations

import pytest

from alerts.topics import MAX_TOPIC_CHARS, archive_spelling, parse_topic
from core.errors import SubscriptionError


def test_quoted_phrases_exclusions_and_meaning_are_told_apart() -> None:
    topic = parse_topic('“Lee Jae-myung”  summit -football -"transfer window"')
    assert topic.phrases == ("Lee Jae-myung",)
    assert topic.excluded == ("football", "transfer window")
    assert topic.meaning == "summit"
    assert topic.text == '"Lee Jae-myung" summit -football -"transfer window"'
    assert topic.query == "Lee Jae-myung summit"


def test_two_spellings_of_one_topic_share_a_key() -> None:
    assert parse_topic("Nara  Summit").key == parse_topic("nara summit").key
    assert parse_topic("Zürich zoo").key == parse_topic("zurich zoo").key


def test_a_phrase_must_appear_as_whole_words_any_case() -> None:
    topic = parse_topic('"Lee Jae-myung"')
    assert topic.admits("President LEE JAE-MYUNG arrived.")
    assert topic.admits("President Lee\nJae-myung arrived.")  # line breaks are spaces
    assert not topic.admits("President Lee arrived; Jae-myung later.")
    assert not parse_topic('"Nara"').admits("The Naraya hotel")


def test_an_excluded_word_rules_an_article_out_in_any_inflection() -> None:
    topic = parse_topic('"Lee Jae-myung" -football')
    assert topic.admits("Lee Jae-myung met the prime minister.")
    assert not topic.admits("Lee Jae-myung watched the football final.")
    assert not topic.admits("Lee Jae-myung praised the footballs.")
    assert not parse_topic('summit -"trade deal"').admits("a summit and a trade deal")


@pytest.mark.parametrize(("raw", "name"), [
    ("Australian Open", "Australian Open"),
    ("Band Aid 20", "Band Aid 20"),
    ("Nara summit", None),  # not a name
    ("Yukos", None),  # one word: matched well by meaning already
    ('"Australian Open"', None),  # quoted already
    ("Australian Open -doubles", None),  # the user wrote an exclusion: keep their topic
])
def test_a_name_matched_by_meaning_is_offered_in_quotes(raw: str, name: str | None) -> None:
    assert parse_topic(raw).quotable_name == name


@pytest.mark.parametrize(("raw", "says"), [
    ("", "Tell me the topic"),
    ("   ", "Tell me the topic"),
    ("x" * (MAX_TOPIC_CHARS + 1), "characters long"),
    ('"unclosed phrase', "not closed"),
    ("-football -cricket", "nothing to look for"),
    ("the of and", "nothing to look for"),
    (" ".join(f'"p{n}"' for n in range(6)), "at most"),
])
def test_a_topic_that_cannot_work_is_refused_with_the_reason(raw: str, says: str) -> None:
    with pytest.raises(SubscriptionError, match=says):
        parse_topic(raw)


def test_a_topic_is_cleaned_like_a_headline() -> None:
    topic = parse_topic('Nara \u202esummit\x00 "Lee\u2066 Jae-myung" \u200b-football\x07')
    assert topic.text == '"Lee Jae-myung" Nara summit -football'
    with pytest.raises(SubscriptionError, match="Tell me the topic"):
        parse_topic("\u202e\x00\u200b")


def test_a_name_typed_in_lower_case_is_spelled_as_the_news_writes_it() -> None:
    texts = ["Arsenal's Thierry Henry scored twice.", "A goal from Thierry  Henry won it.",
             "Thierry Henry was rested.", "Coach praises Thierry Henry.",
             "thierry henry fans cheered."]  # one lower-case slip in five
    assert archive_spelling("thierry henry", texts) == "Thierry Henry"
    patents = ["Software patents are contested.", "The law on software patents passed.",
               "Critics of software patents spoke."]
    assert archive_spelling("software patents", patents) is None  # written as words
    assert archive_spelling("thierry henry", texts[:1]) is None  # once says too little
    assert archive_spelling("Thierry Henry", texts) is None  # typed as a name already
    assert archive_spelling("henry", texts) is None  # one word: not a name to quote
    assert archive_spelling("da vinci code", ["The Da Vinci Code sold well.",
                                              "A Da Vinci Code film is planned."]) == \
        "Da Vinci Code"

"""The topic "Follow this story" subscribes to: the names in a headline, proven where needed."""

from __future__ import annotations

import pytest

from alerts.topics import parse_topic
from bot.services.story_topic import story_topic

NARA_TEXT = ("South Korean President Lee Jae-myung travels to Nara on Tuesday. It will be Lee's "
             "fifth summit with a Japanese prime minister. Trade is the harder part.")


@pytest.mark.parametrize(("title", "text", "topic"), [
    # names mid-headline are trusted; the first word needs the article's word for it
    ("Lee heads to Nara for fifth summit with a Japanese leader", NARA_TEXT, "Lee and Nara"),
    ("Lee heads to Nara for fifth summit", "", "Nara"),
    ("Cold weather fails to stop a record in Elsdale", "Cold air came. The cold won.",
     "Elsdale"),
    # a capitalised first word before a name starts the name
    ("Port Halden closes its new flood barrier", "", "Port Halden"),
    ("Australian Open: Sinner beats Alcaraz in the final", "",
     "Australian Open, Sinner and Alcaraz"),
    # a possessive or punctuation ends a name
    ("Rivals meet as Lee's Nara trip begins", "", "Lee and Nara"),
    ("Talks in Seoul, Tokyo and Nara stall", "", "Seoul, Tokyo and Nara"),
    # acronyms are names wherever they stand
    ("EU and NATO leaders meet in Brussels", "", "EU, NATO and Brussels"),
    # nationality adjectives only when nothing else is named
    ("Summit with a Japanese leader in Nara", "", "Nara"),
    ("Talks with a Japanese leader go on", "", "Japanese"),
    # at most three names and four words
    ("Leaders of France, Germany, Italy and Spain meet", "", "France, Germany and Italy"),
    ("Talks between Lee Jae-myung and Sanae Takaichi Abe begin", "", "Lee Jae-myung"),
])
def test_names_from_the_headline(title: str, text: str, topic: str) -> None:
    assert story_topic(title, text) == topic


def test_title_case_needs_the_article_for_every_word() -> None:
    title = "Port Halden Closes Its New Flood Barrier For The First Time"
    text = ("The barrier at Port Halden closed on Friday. Engineers said the new barrier "
            "closes in minutes. A flood was forecast; the flood barrier held.")
    assert story_topic(title, text) == "Port Halden"


def test_a_headline_without_names_falls_back_to_the_phrase_the_article_repeats() -> None:
    title = "Cold weather fails to stop course record at the winter marathon"
    text = ("The course record fell at the winter marathon. The winter marathon started in cold "
            "weather; the record had stood since 2019, the course is flat.")
    assert story_topic(title, text) == "winter marathon"
    # no phrase of the headline written together in the article: the words it repeats most
    text = "The record fell. The marathon was cold; the record stood, the marathon is old."
    assert story_topic(title, text) == "cold record marathon"
    assert story_topic("Rates hold at 3.25%", "") == "rates hold"


def test_an_example_question_about_a_story_without_names_reads_as_a_person_asks() -> None:
    from datetime import UTC, datetime

    from bot.services.browsing import example_about
    from core.models import Article

    article = Article(
        id="a", url="https://x.example/a", title="Central bank holds rates at 3.25%",
        source="Wire", published=datetime(2026, 1, 10, tzinfo=UTC), authors=(),
        text="The central bank kept its rate. The central bank said it would wait.",
        content_hash="h", fetched_at=datetime(2026, 1, 10, tzinfo=UTC))
    example = example_about(article)
    assert example is not None
    assert example.question == "What's the latest on the central bank?"


@pytest.mark.parametrize("title", ["", "  ", "—", "!!!"])
def test_no_words_no_topic(title: str) -> None:
    assert story_topic(title) == ""


def test_two_names_do_not_read_as_one_name() -> None:
    """"Lee and Nara" is matched by meaning without the tip to quote it as one name."""
    topic = parse_topic(story_topic("Lee heads to Nara", NARA_TEXT))
    assert topic.text == "Lee and Nara" and topic.quotable_name is None
    assert parse_topic(story_topic("Port Halden closes its barrier")).quotable_name == \
        "Port Halden"

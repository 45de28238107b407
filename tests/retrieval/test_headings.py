from retrieval.answer.extractive import answered_by_heading

ARTICLE = (
    "Leaders meet in Nara this week.\n\n"
    "What is on the agenda\n\n"
    "Security is expected to lead the talks. Trade comes second. Culture comes last.\n\n"
    "Texas\n\n"
    "A shipment was seized at the border.\n\n"
    "Nara summit news\n\n"
    "The hotel is booked."
)
TITLE = "Lee heads to Nara for a summit"


def opening_sentences(question: str) -> list[str]:
    starts = sorted(answered_by_heading(ARTICLE, TITLE, question))
    return [ARTICLE[s:].split(".", maxsplit=1)[0] for s in starts]


def test_a_heading_that_restates_the_question_speaks_for_its_section_s_opening() -> None:
    assert opening_sentences("What is on the Nara summit agenda?") == [
        "Security is expected to lead the talks", "Trade comes second"]


def test_a_one_word_heading_or_one_of_the_headline_s_words_does_not() -> None:
    # a roundup's place name is a topic, not a restated question
    assert opening_sentences("Which drugs were seized near the Texas border?") == []
    # every term of "Nara summit news" is the headline's or the question's: it says nothing
    # about which part of the story answers
    assert opening_sentences("What is the news of the Nara summit?") == []


def test_a_heading_with_words_the_question_lacks_does_not() -> None:
    assert opening_sentences("What is on Nara's mind?") == []

import pytest

from retrieval.answer.asked_for import Asked, asked_for, holds_answer


@pytest.mark.parametrize(("question", "kind"), [
    ("How many residents were counted in Oakridge?", Asked.NUMBER),
    ("What percentage of voters turned out?", Asked.NUMBER),
    ("When does the flood barrier open?", Asked.DATE),
    ("In what year was the bridge built?", Asked.DATE),
    ("Who won the marathon?", Asked.NAME),
    ("Which show was renewed for a second season?", Asked.NAME),
    ("Is the summit going ahead", None),
])
def test_what_a_question_asks_for(question: str, kind: Asked | None) -> None:
    assert asked_for(question) is kind


def test_a_sentence_holds_the_answer_only_with_something_new() -> None:
    question = "How many residents were counted in Oakridge?"
    assert holds_answer("Oakridge counted 3,518 residents.", Asked.NUMBER, question)
    assert not holds_answer("Oakridge residents were counted again.", Asked.NUMBER, question)
    who = "Who won the Oakridge marathon?"
    assert holds_answer("The Oakridge marathon went to Amina Yusuf.", Asked.NAME, who)
    assert not holds_answer("The Oakridge marathon was run in rain.", Asked.NAME, who)
    assert holds_answer("The barrier opens in March.", Asked.DATE, "When does it open?")
    assert not holds_answer("Anything at all.", None, "Is it?")


def test_a_year_is_no_count_and_a_weekday_is_no_name() -> None:
    many = "How many others were arrested?"
    assert not holds_answer("The 2020 teacher of the year was arrested.", Asked.NUMBER, many)
    assert holds_answer("Police arrested at least 40 people.", Asked.NUMBER, many)
    assert holds_answer("In 2020 the town counted 3,518 residents.", Asked.NUMBER, many)
    who = "Who does he want to succeed him?"
    assert not holds_answer("He said on Thursday in March he wants one more bill.", Asked.NAME, who)
    assert holds_answer("He endorsed his chief of staff, Luke Holland.", Asked.NAME, who)
    assert holds_answer("It opened in 2020.", Asked.DATE, "When did it open?")


def test_a_question_about_what_is_ahead_is_not_answered_by_a_date_in_the_past() -> None:
    question = "When is the Nara summit?"
    date = asked_for(question)
    assert holds_answer("The summit is scheduled for January 13-14 in Nara.", date, question)
    assert not holds_answer("It is his fifth summit since he took office last June.", date,
                            question)
    # asked about the past, the same sentence answers
    past = "When did he take office?"
    assert holds_answer("He took office last June.", asked_for(past), past)

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

import pytest

from retrieval.text import sentence_spans


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


def test_sentences_part_at_stops_and_lines_but_not_after_abbreviations() -> None:
    text = "The barrier closed at 6 p.m. on Tuesday. Dr. Roe said it held!\nWater rose 2 m."
    assert sentences(text) == ["The barrier closed at 6 p.m. on Tuesday.", "Dr. Roe said it held!",
                               "Water rose 2 m."]


def test_two_sentences_a_page_glued_together_part_at_the_stop() -> None:
    text = ("Evidence led investigators to Halden.Harbour Coroner Jo Bay said five were "
            "killed.")
    assert sentences(text) == ["Evidence led investigators to Halden.",
                               "Harbour Coroner Jo Bay said five were killed."]


@pytest.mark.parametrize("text", [
    "Visit www.Example.com for the timetable.",
    "He moved to St.Louis in May.",
    "The U.S.Army said so.",
])
def test_a_stop_inside_a_name_or_address_parts_nothing(text: str) -> None:
    assert sentences(text) == [text]

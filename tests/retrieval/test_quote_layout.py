"""How a quote is laid out: where it stops, which sentence the reader's eye lands on, and
how quotation marks inside it read."""

from collections.abc import Iterable
from datetime import UTC, datetime

import pytest

from core.models import ArticleRef
from retrieval.answer import Citation
from retrieval.answer.extractive import (
    SENTENCE_FEATURES,
    ExtractiveAnswerer,
    Selection,
    _Sentence,
    _span,
)
from retrieval.quoting import nested
from retrieval.search import SearchHit

DAY = datetime(2026, 1, 12, tzinfo=UTC)
REF = ArticleRef("nara", "Lee heads to Nara", "Wire", "https://x.example/nara", DAY)


def sentence_of(text: str, start: int, end: int, score: float = 1.0) -> _Sentence:
    hit = SearchHit("nara-0", REF, 0, len(text), text, 0.03, 0.6, story=5.0)
    return _Sentence(hit, start, end, score)


def test_a_quote_stops_before_the_heading_of_the_next_section() -> None:
    first = "The summit opens on Tuesday in the old capital of Nara."
    second = " Officials expect a short statement rather than a full communique."
    text = f"{first}{second}\nWhat is on the agenda\nSecurity leads the talks."
    quoted = sentence_of(text, 0, len(first))
    start, end = _span(quoted, 480)
    assert text[start:end] == first + second


def test_a_quote_stops_before_the_number_of_the_next_numbered_section() -> None:
    first = "The council extended the barrier's trial for six months."
    second = " Residents urged the mayor to publish the tide tables."
    text = f"{first}{second}\n\n5. Travel chaos\n\nFlights were cancelled across the region."
    start, end = _span(sentence_of(text, 0, len(first)), 480)
    assert text[start:end] == first + second  # not "… tide tables. 5."


def test_a_quote_leaves_out_the_heading_of_its_numbered_section() -> None:
    sentence = "The council extended the barrier's trial for six months."
    text = f"Here is what you need to know.\n\n1. Barrier trial\n\n{sentence} Tides rose."
    start, end = _span(sentence_of(text, text.index(sentence), text.index(" Tides")), 480)
    assert text[start:end] == f"{sentence} Tides rose."  # not "Barrier trial The council…"


def test_a_quote_opening_on_words_that_point_back_takes_what_they_point_to() -> None:
    named = "Harbour Brass is coming to a town near you."
    told = "The band announced a tour in a video on Tuesday."
    lead = "Band members Jo Poe and Sam Roe will reunite for the tour."
    text = f"The festival opened on Monday in Port Halden.\n\n{named}\n\n{told} {lead}"
    start, end = _span(sentence_of(text, text.index(lead), len(text)), 480)
    assert text[start:end] == f"{named}\n\n{told} {lead}"  # "The band" is Harbour Brass
    # a sentence that names its subject takes the one before it only
    plain = f"The festival opened on Monday in Port Halden.\n\n{named}\n\nHarbour Brass told " \
            f"fans in a video on Tuesday. {lead}"
    start, end = _span(sentence_of(plain, plain.index(lead), len(plain)), 480)
    assert plain[start:end].startswith("Harbour Brass told")
    # nor does a pronoun reach back: what "they" stand for is as often the headline
    pronoun = f"{named}\n\nThey announced a tour in a video on Tuesday. {lead}"
    start, end = _span(sentence_of(pronoun, pronoun.index(lead), len(pronoun)), 480)
    assert pronoun[start:end].startswith("They announced")


def test_the_lead_s_answering_sentence_is_its_focus_when_context_comes_with_it() -> None:
    context = "The two leaders last met in Seoul in October. "
    answer = "The summit is scheduled for January 13-14 in Nara."
    text = context + answer
    answerer = ExtractiveAnswerer.__new__(ExtractiveAnswerer)
    answerer._selection = Selection()
    lead = sentence_of(text, len(context), len(text), 2.0)
    [citation], _ = answerer._pick([lead], {"nara": 1.0}, {"nara": 1.0}, k=5)
    assert citation.snippet == text
    assert citation.focus == (len(context), len(text))
    assert citation.parts() == (context.strip(), answer, "")
    assert Citation.from_dict(citation.to_dict()) == citation
    # a quote that is its sentence alone has no focus of its own
    alone = sentence_of(answer, 0, len(answer), 2.0)
    [whole], _ = answerer._pick([alone], {"nara": 1.0}, {"nara": 1.0}, k=5)
    assert whole.focus is None and whole.parts() == ("", answer, "")


def test_quotation_marks_inside_a_quote_become_single() -> None:
    assert nested("“Tickets on sale Monday,” the band wrote.") == (
        "‘Tickets on sale Monday,’ the band wrote.")
    assert nested('A way to keep "shuttle diplomacy" moving ("for now").') == (
        "A way to keep ‘shuttle diplomacy’ moving (‘for now’).")
    assert nested("Japan’s prime minister") == "Japan’s prime minister"  # apostrophes stay


def test_a_sentence_the_page_repeats_is_quoted_once() -> None:
    caption = "Rescuers search the rubble in Khost after the magnitude 5.9 quake on Wednesday."
    between = " The agency counted more than 1,000 dead by Thursday night, officials said."
    filler = " " + "Aid convoys wait at the border crossing for a second day. " * 8
    text = caption + between + filler + "\n" + caption
    answerer = ExtractiveAnswerer.__new__(ExtractiveAnswerer)
    answerer._selection = Selection()
    lead = sentence_of(text, 0, len(caption), 2.0)
    repeat = sentence_of(text, len(text) - len(caption), len(text), 1.9)
    shown, more = answerer._pick([lead, repeat], {"nara": 1.0}, {"nara": 1.0}, k=5)
    assert len(shown) == 1 and not more


def test_another_outlet_s_copy_of_a_quoted_sentence_is_not_quoted_again() -> None:
    lead_text = ("The magnitude 5.9 quake struck during the early hours of Wednesday near the city "
                 "of Khost by the Pakistan border. At least 1,500 people were reported injured.")
    copy_text = ("The magnitude 5.9 quake struck during the early hours of Wednesday near the city "
                 "of Khost, officials said. Aid convoys reached the valley on Thursday morning.")
    other = ArticleRef("khost", "Quake in Khost", "Other Wire", "https://y.example/khost", DAY)
    answerer = ExtractiveAnswerer.__new__(ExtractiveAnswerer)
    answerer._selection = Selection(lead_chars=100, context_chars=100)
    lead = sentence_of(lead_text, 0, lead_text.index(" At least"), 2.0)
    copy_hit = SearchHit("khost-0", other, 0, len(copy_text), copy_text, 0.03, 0.6, story=4.0)
    copied = _Sentence(copy_hit, 0, copy_text.index(" Aid"), 1.9)
    news = _Sentence(copy_hit, copy_text.index("Aid"), len(copy_text), 1.8)
    scope = {"nara": 1.0, "khost": 1.0}
    shown, _ = answerer._pick([lead, copied, news], scope, scope, k=5)
    assert [c.snippet for c in shown] == [lead_text[:lead_text.index(" At least")],
                                          "Aid convoys reached the valley on Thursday morning."]
    assert shown[0].also == ()  # the other outlet has its own number: [2]
    # quoted for nothing else, the outlet that said it too is named with the quote
    shown, _ = answerer._pick([lead, copied], scope, scope, k=5)
    assert len(shown) == 1 and shown[0].also == (other,)
    # the lead's own outlet saying it again elsewhere is no other outlet
    own = ArticleRef("khost-2", "Quake update", "Wire", "https://x.example/khost-2", DAY)
    own_hit = SearchHit("khost-2-0", own, 0, len(copy_text), copy_text, 0.03, 0.6, story=3.0)
    again = _Sentence(own_hit, 0, copy_text.index(" Aid"), 1.85)
    shown, _ = answerer._pick([lead, copied, again], {**scope, "khost-2": 1.0},
                              {**scope, "khost-2": 1.0}, k=5)
    assert len(shown) == 1 and shown[0].also == (other,)
    # told apart only by what they add, both are quoted
    apart = Selection(lead_chars=100, context_chars=100, repeat_share=1.0)
    answerer._selection = apart
    shown, _ = answerer._pick([lead, copied, news], scope, scope, k=5)
    assert len(shown) == 3


class _EvenWeights:
    def idf_weights(self, tokens: Iterable[str]) -> dict[str, float]:
        return dict.fromkeys(tokens, 1.0)


def test_every_sentence_feature_has_its_weight() -> None:
    text = ("The summit opens on Tuesday in the old capital of Nara. Officials expect a short "
            "statement rather than a full communique on Wednesday.")
    answerer = ExtractiveAnswerer.__new__(ExtractiveAnswerer)
    answerer._selection = Selection()
    answerer._lexical = _EvenWeights()  # type: ignore[assignment]
    hit = SearchHit("nara-0", REF, 0, len(text), text, 0.03, 0.6, story=5.0)
    scored = answerer._scored_sentences("When does the Nara summit open?", frozenset(), [hit])
    weights = Selection().sentence_weights()
    assert len(scored) == 2 and len(weights) == len(SENTENCE_FEATURES)
    for sentence in scored:
        assert len(sentence.features) == len(SENTENCE_FEATURES)
        assert sentence.score == pytest.approx(sum(w * f for w, f in zip(
            weights, sentence.features, strict=True)))

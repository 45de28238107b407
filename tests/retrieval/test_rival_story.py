"""When the story judge can barely tell two stories apart, the runner-up is quoted last."""

from datetime import UTC, datetime

from core.models import ArticleRef
from retrieval.answer.extractive import ExtractiveAnswerer, Selection, _Sentence
from retrieval.search import SearchHit

DAY = datetime(2022, 7, 1, tzinfo=UTC)


def sentence(article: str, text: str, score: float, story: float | None) -> _Sentence:
    ref = ArticleRef(article, f"Headline {article}", "Wire", f"https://x.example/{article}", DAY)
    hit = SearchHit(f"{article}-0", ref, 0, len(text), text, 0.03, 0.6, story=story)
    return _Sentence(hit, 0, len(text), score)


def pick(rival_story: float | None, selection: Selection | None = None
         ) -> list[tuple[int, str, bool]]:
    answerer = ExtractiveAnswerer.__new__(ExtractiveAnswerer)
    answerer._selection = selection or Selection()
    sentences = [
        sentence("lead", "The Avalanche won the Stanley Cup on Sunday night in Tampa.", 2.0,
                 None if rival_story is None else 5.0),
        sentence("rival", "Experts pick the Lightning to win a third straight Cup.", 1.5,
                 rival_story),
        sentence("other", "A third story that the judge rates far lower than both.", 1.9,
                 None if rival_story is None else 1.0),
    ]
    coverage = {"lead": 1.0, "rival": 0.2, "other": 0.1}
    kinship = {"lead": 1.0, "rival": 0.0, "other": 0.0}
    shown, _ = answerer._pick(sentences, coverage, kinship, k=5)
    return [(c.n, c.ref.article_id, c.other_story) for c in shown]


def test_a_runner_up_within_the_margin_is_quoted_once_after_the_story() -> None:
    assert pick(rival_story=4.0) == [(1, "lead", False), (2, "rival", True)]


def test_a_runner_up_the_judge_rates_well_below_is_not() -> None:
    assert pick(rival_story=2.5) == [(1, "lead", False)]


def test_no_rival_when_the_margin_is_off() -> None:
    assert pick(rival_story=4.9, selection=Selection(rival_margin=0)) == [(1, "lead", False)]


def test_no_rival_when_the_pool_was_not_judged() -> None:
    assert pick(rival_story=None) == [(1, "lead", False)]


def test_the_story_is_the_judge_s_first_article_not_the_best_sentence_s() -> None:
    def lead(selection: Selection) -> str:
        answerer = ExtractiveAnswerer.__new__(ExtractiveAnswerer)
        answerer._selection = selection
        sentences = [
            sentence("loud", "Wildfire smoke covers the valley as crews dig firebreaks.", 2.0, 1.0),
            sentence("judged", "The Oak Fire forced thousands to leave homes near Yosemite.", 1.8,
                     5.0),
        ]
        coverage = {"loud": 1.0, "judged": 1.0}
        kinship = {"loud": 0.0, "judged": 0.0}
        shown, _ = answerer._pick(sentences, coverage, kinship, k=5)
        return shown[0].ref.article_id

    assert lead(Selection()) == "judged"
    assert lead(Selection(judged_story=False)) == "loud"  # the best sentence's article


class _Lexical:
    size = 15_000

    def idf_weights(self, terms: set[str]) -> dict[str, float]:
        return dict.fromkeys(terms, 1.0)


def test_an_article_the_judge_is_sure_of_answers_below_the_relevance_bar() -> None:
    from retrieval.answer.extractive import Thresholds

    def relevant(story: float | None, thresholds: Thresholds) -> bool:
        answerer = ExtractiveAnswerer.__new__(ExtractiveAnswerer)
        answerer._thresholds = thresholds
        answerer._lexical = _Lexical()  # type: ignore[assignment]
        # no word of the question, at a cosine just under the bar (0.355 + 0.013 ln 15,000
        # = 0.480; relevance 3/5 of the cosine)
        hit = sentence("weak", "Retailers cut the air conditioning in stores.", 1.0, story).hit
        hit = SearchHit(hit.chunk_id, hit.ref, hit.start, hit.end, hit.text, 0.03, similarity,
                        story=story)
        return answerer._relevant("which company switched off the cooling?", [hit])

    similarity = 0.74  # relevance 0.444: a near miss
    assert not relevant(None, Thresholds())  # the bar alone says no
    assert not relevant(10.0, Thresholds())
    assert relevant(Thresholds().judge_sure, Thresholds())
    assert not relevant(12.0, Thresholds(judge_sure=0))
    similarity = 0.5  # relevance 0.3: far below, however sure the judge
    assert not relevant(20.0, Thresholds())


def test_the_lead_takes_its_previous_sentence_while_both_stay_within_three_quarters() -> None:
    from retrieval.answer.extractive import _span

    before = "Hearing aids have long cost $2,000 an ear, and most people need two of them. "
    lead = ("The rule change means people with mild hearing loss can buy the devices in stores "
            "without a prescription, and for less, from Monday, so that a visit to a specialist "
            "is no longer the first step, the agency said on Tuesday in Washington, in a "
            "statement that named no brand.")
    text = before + lead
    quoted = sentence("aids", text, 1.0, None)
    quoted = _Sentence(quoted.hit, len(before), len(text), 1.0)
    assert 320 < len(text) <= 360  # over two thirds of 480, within three quarters
    assert _span(quoted, 480) == (0, len(text))
    assert _span(quoted, 400) == (len(before), len(text))  # 300 < its length: alone


def test_a_quote_that_starts_inside_a_quotation_reads_from_its_opening() -> None:
    from retrieval.answer.extractive import _span

    text = ("Zelensky spoke on Tuesday night. He said: “We will rebuild every city. Russia tries "
            "to paralyze Ukraine, but we will not let this happen.” Scholz called for aid.")
    inside = text.index("Russia")
    quoted = sentence("kyiv", text, 1.0, None)
    quoted = _Sentence(quoted.hit, inside, text.index("”") + 1, 1.0)
    start, _ = _span(quoted, 480, previous=False)
    assert text[start:].startswith("He said: “We will rebuild")
    # a stray closing mark, its quotation closed before the sentence, moves nothing
    stray = "He said “no.” The end.” New song out on Friday, the band said."
    quoted = _Sentence(sentence("band", stray, 1.0, None).hit, stray.index("The end"),
                       len(stray), 1.0)
    assert _span(quoted, 480, previous=False)[0] == stray.index("The end")


def test_a_sentence_whose_neighbours_the_lead_quotes_is_still_quoted_alone() -> None:
    answerer = ExtractiveAnswerer.__new__(ExtractiveAnswerer)
    answerer._selection = Selection(lead_chars=480, context_chars=300)
    opening = ("The league said Wednesday it is appealing a decision to sit Cleveland Browns "
               "quarterback Deshaun Watson for six games, a ruling it called far too lenient "
               "for what the judge herself found. ")
    pushing = "The league is pushing for a full-season ban instead. "
    lead = ("On Monday, Watson was suspended for six games this season for violating the "
            "league's personal conduct policy in private meetings with massage therapists.")
    text = opening + pushing + lead
    hit = sentence("nfl", text, 1.0, 5.0).hit
    best = _Sentence(hit, len(opening) + len(pushing), len(text), 2.5)
    first = _Sentence(hit, 0, len(opening) - 1, 2.2)
    shown, _ = answerer._pick([best, first], {"nfl": 1.0}, {"nfl": 1.0}, k=5)
    # the lead takes "pushing" as context; the opening's own context would overlap it, so the
    # opening is quoted by itself rather than lost
    assert [text[c.start:c.end] for c in shown] == [pushing + lead, opening.strip()]


def _precise(article: str, text: str, score: float, story: float, precise: bool,
             published: datetime = DAY) -> _Sentence:
    from retrieval.answer.extractive import SENTENCE_FEATURES

    ref = ArticleRef(article, f"Headline {article}", "Wire", f"https://x.example/{article}",
                     published)
    hit = SearchHit(f"{article}-0", ref, 0, len(text), text, 0.03, 0.6, story=story)
    features = [0.0] * len(SENTENCE_FEATURES)
    features[SENTENCE_FEATURES.index("precise_answer")] = float(precise)
    return _Sentence(hit, 0, len(text), score, tuple(features))


def holiday_answer(published: datetime = DAY, story_precise: bool = False,
                   score: float = 2.7) -> list[tuple[str, bool]]:
    """ "In addition to Halloween, which holiday was celebrated this week?": the judge is sure
    of a costume story, which names no other holiday; another article names it."""
    answerer = ExtractiveAnswerer.__new__(ExtractiveAnswerer)
    answerer._selection = Selection()
    sentences = sorted([
        _precise("holiday", "The Mexican holiday, also known as Day of the Dead, spans the first "
                 "two days of November.", score, 6.0, True, published),
        _precise("costumes", "Witches and pirates top this Halloween's costume lists again.", 1.9,
                 12.0, story_precise),
    ], key=lambda s: -s.score)
    coverage = {"costumes": 1.0, "holiday": 0.5}
    kinship = {"costumes": 1.0, "holiday": 0.0}
    shown, _ = answerer._pick(sentences, coverage, kinship, k=5)
    return [(c.ref.article_id, c.other_story) for c in shown]


def test_another_story_that_gives_the_kind_asked_for_is_quoted_when_the_story_does_not() -> None:
    assert holiday_answer() == [("costumes", False), ("holiday", True)]
    # last year's report of a yearly day still answers; one of years ago does not
    assert holiday_answer(published=datetime(2021, 7, 2, tzinfo=UTC)) == [
        ("costumes", False), ("holiday", True)]
    assert holiday_answer(published=datetime(2016, 7, 1, tzinfo=UTC)) == [("costumes", False)]


def test_no_precise_rival_when_the_story_answers_or_only_the_credit_lifts_it() -> None:
    assert holiday_answer(story_precise=True) == [("costumes", False)]
    # 2.4 less the precise credit (0.6) reads below the story's best (1.9)
    assert holiday_answer(score=2.4) == [("costumes", False)]

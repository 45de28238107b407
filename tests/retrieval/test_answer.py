import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.container import Container
from core.models import QuotedSpan
from ingest.pipeline import SourceSpec
from ingest.sample_articles import SAMPLES_DIR
from retrieval.answer import Answer, Turn
from retrieval.answer.extractive import ExtractiveAnswerer, Selection, Thresholds
from retrieval.embeddings import Embedder
from tests.retrieval import corpus


@pytest.fixture(scope="module")
def answered(
    embedder: Embedder, tmp_path_factory: pytest.TempPathFactory, module_database_url: str,
) -> Container:
    from bot.settings import Settings

    root = tmp_path_factory.mktemp("answers")
    built = Container(Settings(data_dir=root / "data", database_url=module_database_url),
                      embedder=embedder)
    corpus.build(built, root / "corpus")
    return built


def assert_well_formed(answer: Answer, container: Container) -> None:
    numbers = [c.n for c in answer.citations]
    distinct = list(dict.fromkeys(numbers))
    assert distinct == list(range(1, len(distinct) + 1))  # one number per article, in order
    article_of = {c.n: c.ref.article_id for c in answer.citations}
    assert len(set(article_of.values())) == len(article_of)
    assert all(article_of[c.n] == c.ref.article_id for c in answer.citations)
    for marker in re.findall(r"\[(\d+)\]", answer.answer):
        assert int(marker) in numbers
    for citation in answer.citations:
        article = container.articles.get(citation.ref.article_id)
        assert article is not None
        assert article.text[citation.start : citation.end] == citation.snippet
        assert citation.ref.url == article.url and citation.ref.title == article.title


def test_nara_agenda_is_answered_with_verified_quotes(answered: Container) -> None:
    answer = answered.answerer.answer("What is on the Nara summit agenda?")
    assert answer.found
    assert_well_formed(answer, answered)
    assert all("Nara" in c.ref.title for c in answer.citations)
    text = " ".join(c.snippet for c in answer.citations)
    assert "January 13-14" in text or "Security" in text
    data = answer.to_dict()
    assert set(data["citations"][0]) >= {
        "n",
        "article_id",
        "title",
        "source",
        "url",
        "published",
        "snippet",
        "start",
        "end",
    }


def test_a_section_whose_heading_restates_the_question_leads(answered: Container) -> None:
    answer = answered.answerer.answer("What is on the Nara summit agenda?")
    lead = answer.citations[0].folded
    # the section under "What is on the agenda", not the summit's setting; the heading itself
    # is not quoted
    assert lead.startswith("Security is expected to lead the talks."), lead
    assert "What is on the agenda" not in lead


def test_k_bounds_the_quotes_shown_and_more_keeps_the_story_s_next_ones(
    answered: Container,
) -> None:
    answer = answered.answerer.answer("What is on the Nara summit agenda?", k=1)
    assert len(answer.citations) == 1 and answer.more
    assert all("Nara" in c.ref.title for c in answer.more)
    shown = {(c.start, c.end) for c in answer.citations}
    assert not shown & {(c.start, c.end) for c in answer.more}
    numbers = {c.ref.article_id: c.n for c in (*answer.citations, *answer.more)}
    assert all(numbers[c.ref.article_id] == c.n for c in answer.more)
    assert answer.to_dict()["more"][0]["snippet"] == answer.more[0].snippet


def test_number_question_quotes_the_number(answered: Container) -> None:
    answer = answered.answerer.answer("How many residents were counted in Oakridge?")
    assert answer.found and "3,518" in answer.citations[0].snippet


@pytest.mark.parametrize(
    "question",
    [
        "Who won the 2030 Champions League final?",
        "What is the price of the new Nintendo console?",
        "How do I bake sourdough bread?",
    ],
)
def test_questions_the_news_does_not_cover_are_not_found(
    answered: Container, question: str
) -> None:
    answer = answered.answerer.answer(question)
    assert not answer.found and not answer.citations
    assert answer.answer.startswith("I found nothing about that")
    # stories are offered as "closest" only when they are close; none is for sourdough
    assert bool(answer.related) == ("closest stories" in answer.answer)
    if "sourdough" in question:
        assert not answer.related


def test_follow_up_stays_on_the_story(answered: Container) -> None:
    first = answered.answerer.answer("What is on the Nara summit agenda?")
    history = [Turn(first.question, tuple(c.ref.article_id for c in first.citations))]
    follow = answered.answerer.answer("and the seafood ban?", history=history)
    assert follow.found and "seafood" in follow.citations[0].snippet
    assert "Nara" in follow.citations[0].ref.title


def test_a_follow_up_moves_on_from_what_the_previous_answer_quoted(answered: Container) -> None:
    first = answered.answerer.answer("What is on the Nara summit agenda?")
    cited = tuple(c.ref.article_id for c in first.citations)
    shown = tuple(QuotedSpan(c.ref.article_id, c.start, c.end) for c in first.citations)

    def repeated(answer: Answer) -> list[str]:
        return [c.snippet for c in answer.citations
                if any(s.article_id == c.ref.article_id and s.start <= c.start
                       and c.end <= s.end for s in shown)]

    follow_up = "what else is on the agenda?"
    unaware = answered.answerer.answer(follow_up, history=[Turn(first.question, cited)])
    assert repeated(unaware)  # without the spans, it quotes again what was just shown
    moved = answered.answerer.answer(follow_up, history=[Turn(first.question, cited, shown)])
    assert moved.found and not repeated(moved)
    assert {c.ref.article_id for c in moved.citations} <= set(cited)
    # a follow-up of stop words alone leans on the conversation too
    more = answered.answerer.answer("tell me more about it",
                                    history=[Turn(first.question, cited, shown)])
    assert more.found and not repeated(more)
    assert more.citations[0].ref.article_id == first.citations[0].ref.article_id


def test_a_short_question_on_a_new_subject_stands_alone(answered: Container) -> None:
    first = answered.answerer.answer("What is on the Nara summit agenda?")
    history = [Turn(first.question, tuple(c.ref.article_id for c in first.citations))]
    new_subject = answered.answerer.answer("What did the marathon winner do?", history=history)
    assert new_subject.found and "marathon" in new_subject.citations[0].ref.title


def test_service_remembers_the_conversation_across_restarts(answered: Container) -> None:
    answered.questions.ask("chat-1", "What is on the Nara summit agenda?")
    reopened = Container(answered.settings, embedder=answered.embedder)
    follow = reopened.questions.ask("chat-1", "and the seafood ban?")
    assert follow.found and "Nara" in follow.citations[0].ref.title
    assert reopened.conversations.recent("chat-2") == []
    reopened.close()


words = st.sampled_from(
    [
        "Nara",
        "summit",
        "seafood",
        "ban",
        "Takaichi",
        "marathon",
        "record",
        "flood",
        "barrier",
        "hydrogen",
        "train",
        "central",
        "bank",
        "rates",
        "coral",
        "reef",
        "Oakridge",
        "residents",
        "wildfire",
        "council",
        "budget",
        "what",
        "who",
        "how",
        "when",
        "the",
        "is",
        "on",
        "latest",
        "3,518",
        "CPTPP",
    ]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(question=st.lists(words, min_size=1, max_size=8).map(" ".join), k=st.integers(1, 6))
def test_property_snippets_are_spans_and_markers_point_to_sources(
    answered: Container, question: str, k: int
) -> None:
    answer = answered.answerer.answer(question, k=k)
    assert len(answer.citations) <= k
    assert answer.found == bool(answer.citations)
    assert_well_formed(answer, answered)


@pytest.mark.parametrize(("second_day", "both_quoted"), [(4, True), (28, False)])
def test_another_report_is_on_the_story_only_within_days_of_the_lead(
    container: Container, tmp_path: Path, second_day: int, both_quoted: bool,
) -> None:
    folder = tmp_path / "ferry"
    folder.mkdir()
    corpus.write(folder, "strike", "Lakeside ferry crews strike over Brennock rota",
                 "Ferry crews on the Lakeside route walked out on Monday over the Brennock rota. "
                 "The Lakeside ferry strike stopped every crossing to Brennock island.\n\n"
                 "Crews said the Brennock rota left them twelve-hour shifts.", day=2)
    corpus.write(folder, "later", "Brennock ferry crews and Lakeside rota talks",
                 "Lakeside ferry crews met managers about the Brennock rota on Thursday. "
                 "The Lakeside ferry strike over the Brennock rota could resume, crews said.",
                 day=second_day, source="Island Post")
    container.pipeline.run([SourceSpec(str(folder))])
    # the story's own cut, without the runner-up story that an unsure judge adds after it
    # (tests/retrieval/test_rival_story.py)
    answerer = ExtractiveAnswerer(container.searcher, container.lexical, container.passages,
                                  selection=Selection(rival_margin=0))
    answer = answerer.answer("Why did the Lakeside ferry crews strike?", k=5)
    assert answer.found  # whichever report leads, the other is quoted only when close in time
    assert (len({c.ref.article_id for c in answer.citations}) == 2) is both_quoted


def lead_opening(container: Container, question: str, selection: Selection) -> str:
    """The first words of the lead quote (which takes its short neighbours along)."""
    answerer = ExtractiveAnswerer(container.searcher, container.lexical, container.passages,
                                  selection=selection)
    answer = answerer.answer(question, k=3)
    assert answer.found
    return answer.citations[0].snippet[:100]


def test_the_sentence_holding_the_very_count_asked_for_leads(
    container: Container, tmp_path: Path,
) -> None:
    corpus.ingest_story(container, tmp_path / "recall",
                        "Kelbury recalls baby swings after infant injuries",
                        "Kelbury Toys recalled baby swings and rockers on Monday after reports of "
                        "injuries to infants, the Marlow safety office said. The Kelbury recall of "
                        "baby swings covers every shop in Marlow.\n\nParents were told to stop "
                        "using them at once. The recall affects 48,000 Kelbury swings sold since "
                        "March.", day=2)
    question = "Approximately how many Kelbury baby swings were recalled?"

    assert "48,000" in lead_opening(container, question, Selection())
    # without it, the story's opening leads
    assert lead_opening(container, question, Selection(precise_bonus=0.0)).startswith(
        "Kelbury Toys")


def test_the_figure_asked_for_leads_though_the_headline_holds_the_subject(
    embedder: Embedder, tmp_path: Path, database_url: str,
) -> None:
    from bot.settings import Settings

    # the default chunk size, as `make demo` ingests the samples: one passage for the story
    container = Container(Settings(data_dir=tmp_path / "data", database_url=database_url),
                          embedder=embedder)
    container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])
    question = "How much did the Port Halden flood barrier cost?"

    # "The barrier cost 84 million euros" is read under its headline, which names Port Halden's
    # flood barrier; without that, the story's opening (more of the question's words) leads
    assert lead_opening(container, question, Selection()).startswith(
        "The barrier cost 84 million euros")
    assert lead_opening(container, question, Selection(title_weight=0.0)).startswith(
        "The coastal town of Port Halden")
    container.close()


def test_a_question_naming_what_no_story_names_is_not_answered(
    container: Container,
) -> None:
    container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])

    def found(question: str, names_held: float) -> bool:
        answerer = ExtractiveAnswerer(container.searcher, container.lexical, container.passages,
                                      thresholds=Thresholds(names_held=names_held))
        return answerer.answer(question, k=3).found

    # Nara's agenda is not Osaka's, nor Port Halden's barrier Rotterdam's
    for question in ("What is on the Osaka summit agenda?",
                     "How much did the Rotterdam flood barrier cost?"):
        assert not found(question, Thresholds().names_held)
        assert found(question, 0.0)  # the rest of the question reads close enough
    assert found("What is on the Nara summit agenda?", Thresholds().names_held)
    assert found("Why did the Halden barrier close?", Thresholds().names_held)


def test_a_name_of_several_words_is_held_whole(container: Container) -> None:
    container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])

    def found(question: str, whole: bool) -> bool:
        answerer = ExtractiveAnswerer(container.searcher, container.lexical, container.passages,
                                      thresholds=Thresholds(whole_names=whole))
        return answerer.answer(question, k=3).found

    # Port Talbot's barrier is not Port Halden's, though "Port" is half the name
    assert not found("Why did the Port Talbot flood barrier close?", whole=True)
    assert found("Why did the Port Talbot flood barrier close?", whole=False)
    assert found("Why did the Port Halden flood barrier close?", whole=True)


def test_a_small_archive_does_not_answer_what_it_does_not_cover(
    container: Container,
) -> None:
    from ingest.sample_articles import SAMPLES_DIR
    from retrieval.answer.extractive import Thresholds

    container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])
    question = "How do I bake sourdough bread?"

    def found(thresholds: Thresholds) -> bool:
        answerer = ExtractiveAnswerer(container.searcher, container.lexical, container.passages,
                                      thresholds=thresholds)
        return answerer.answer(question).found

    assert not container.answerer.answer(question).found
    # in six articles the story judge's first one looks sure of anything (11.2 in the demo's
    # store): only a near miss of the relevance bar may lean on it
    sure_of_all = Thresholds(judge_sure=1.0)
    assert not found(sure_of_all)
    assert found(Thresholds(judge_sure=1.0, near_bar=1.0))


def test_search_brings_the_story_s_opening_passage_when_the_pool_lacks_it(
    container: Container, tmp_path: Path,
) -> None:
    races = " ".join(f"In district {n}, Democrats and the GOP fought for the Senate seat past "
                     "midnight." for n in range(1, 9))
    corpus.ingest_story(container, tmp_path / "election", "Election night as it happened",
                        "Voters in Montana handed the party a win it had waited for since 2012, a "
                        "huge boost to its hopes of holding the chamber, the network projects."
                        f"\n\n{races}\n\nThe key race had drawn record spending: Democrats had "
                        "long hoped to flip a Senate seat the Republicans held for more than a "
                        "decade.", day=8, samples=True)
    question = "In which key state did Democrats flip a Senate seat the GOP had held?"

    found = container.searcher.search(question, k=8)
    story = found[0].ref.article_id
    assert found[0].ref.title == "Election night as it happened"
    assert all(hit.start > 0 for hit in found if hit.ref.article_id == story)
    with_lead = container.searcher.search(question, k=8, story_lead=True)
    ours = [hit for hit in with_lead if hit.ref.article_id == story]
    assert with_lead[:len(ours)] == ours  # the story's hits stay together, first
    lead = ours[-1]
    assert lead.start == 0 and lead.text.startswith("Voters in Montana")
    assert lead.story == ours[0].story and 0 < lead.similarity < ours[0].similarity
    searched = {hit.chunk_id for hit in found}
    assert [h for h in with_lead if h.chunk_id in searched] == found
    assert all(h.ref.article_id == story for h in with_lead if h.chunk_id not in searched)


def test_search_reads_the_story_in_a_third_passage_that_diversity_left_out(
    container: Container, tmp_path: Path,
) -> None:
    sections = "\n\n".join(
        f"{n}. Route {n}\n\nFerry route {n} is ranked number {n} of the harbour ferry routes most "
        f"likely to close this winter, as fuel costs rise and riders drift to the new bridge. "
        + " ".join(f"Crews on route {n} logged delay {d} while the harbour board met again."
                   for d in range(1, 12))
        for n in range(1, 5))
    corpus.ingest_story(container, tmp_path / "ranking", "A hard winter ahead on the water",
                        f"The harbour board published its winter list on Monday.\n\n{sections}",
                        day=8, samples=True)
    question = "Which harbour ferry route is most likely to close this winter?"

    found = container.searcher.search(question, k=8)
    story = found[0].ref.article_id
    assert found[0].ref.title == "A hard winter ahead on the water"
    assert sum(hit.ref.article_id == story for hit in found) == 2  # diversity's cap
    read = container.searcher.search(question, k=8, story_lead=True)
    ours = [hit for hit in read if hit.ref.article_id == story]
    assert read[:len(ours)] == ours  # the story's hits stay together, first
    passages = [hit for hit in ours if hit.start > 0]
    assert len(passages) == 3 and passages[:2] == found[:2]
    assert passages[2].chunk_id not in {hit.chunk_id for hit in found}
    assert passages[2].story == ours[0].story


def test_a_section_heading_is_never_quoted_as_a_sentence(
    container: Container, tmp_path: Path,
) -> None:
    corpus.ingest_story(container, tmp_path / "roundup", "5 things to know for Tuesday",
                        "Storms closed the ferry on Monday, officials said.\n\n"
                        "Harbour council to raise the barrier toll\n\n"
                        "Sailors may soon pay twice as much to pass the Port Halden flood gates, "
                        "under a plan on the agenda for Thursday.\n\n"
                        "Rail strike\n\nTrains stopped across the region for a second day.",
                        day=8, samples=True)

    answer = container.answerer.answer("Will the harbour council raise the barrier toll?")
    assert answer.found
    snippets = [" ".join(c.snippet.split()) for c in answer.citations]
    assert any(s.startswith("Sailors may soon pay twice as much") for s in snippets)
    assert not any("to raise the barrier toll" in s for s in snippets)


def test_a_roundup_s_item_headline_is_never_quoted_as_a_sentence(
    container: Container, tmp_path: Path,
) -> None:
    headline = ("Harbour council votes to double the Port Halden barrier toll for sailing boats "
                "from spring")  # too long for a section heading, and no sentence
    assert 80 < len(headline) <= 120
    corpus.ingest_story(container, tmp_path / "roundup", "5 things to know for Wednesday",
                        f"Storms closed the ferry on Monday, officials said.\n\n{headline}\n\n"
                        "Skippers will pay more to pass the gates, under a plan agreed on "
                        "Tuesday night.\n\nRail strike\n\nTrains stopped across the region "
                        "for a second day.", day=8, samples=True)

    answer = container.answerer.answer("Will the harbour council double the barrier toll?")
    assert answer.found
    assert not any("votes to double" in c.snippet for c in answer.citations)

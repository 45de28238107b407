"""The LLM path with LangChain's fake chat models: checked citations, fallbacks."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.container import Container
from bot.settings import Settings
from retrieval.answer.extractive import ExtractiveAnswerer
from retrieval.answer.llm import LLMAnswerer, cited_prose
from retrieval.embeddings import Embedder
from tests.retrieval import corpus

QUESTION = "What is on the Nara summit agenda?"


@pytest.fixture(scope="module")
def extractive(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> ExtractiveAnswerer:
    root = tmp_path_factory.mktemp("llm")
    built = Container(Settings(data_dir=root / "data"), embedder=embedder)
    corpus.build(built, root / "corpus")
    return ExtractiveAnswerer(built.searcher, built.lexical, built.passages)


def test_cited_prose_drops_uncited_claims_and_dangling_markers() -> None:
    text, order = cited_prose(
        "Security leads the talks [2]. The summit is in Nara [1][9]. Markets rallied.", 3
    )
    assert text == "Security leads the talks [2]. The summit is in Nara [1]."
    assert order == [2, 1]


def test_llm_prose_keeps_only_real_citations(extractive: ExtractiveAnswerer) -> None:
    model = FakeListChatModel(responses=[
        "The talks in Nara cover security and trade [2]. Seafood is sensitive [1][7]. "
        "It will snow in Nara."
    ])
    answer = LLMAnswerer(extractive, model).answer(QUESTION, k=3)
    assert answer.mode == "llm" and answer.found
    base = extractive.answer(QUESTION, k=8)
    # markers count articles: passages 2 and 1 of one article are both [1]
    second = 1 if base.citations[0].ref == base.citations[1].ref else 2
    assert answer.answer == "The talks in Nara cover security and trade [1]. " \
                           f"Seafood is sensitive [{second}]."
    assert [c.n for c in answer.citations] == [1, second]
    assert answer.citations[0].snippet == base.citations[1].snippet


@pytest.mark.parametrize("reply", ["Nothing cited here.", "NOT_FOUND", "[99] only"])
def test_uncited_or_refusing_replies_fall_back_to_quotes(
    extractive: ExtractiveAnswerer, reply: str
) -> None:
    answer = LLMAnswerer(extractive, FakeListChatModel(responses=[reply])).answer(QUESTION, k=3)
    assert answer.mode == "extractive" and answer.found and 1 <= len(answer.citations) <= 3


def test_timeout_and_errors_fall_back(extractive: ExtractiveAnswerer) -> None:
    slow = FakeListChatModel(responses=["Too late [1]."], sleep=2.0)
    answer = LLMAnswerer(extractive, slow, timeout_seconds=0.2).answer(QUESTION)
    assert answer.mode == "extractive" and answer.found
    broken = FakeListChatModel(responses=[])  # raises when asked
    answer = LLMAnswerer(extractive, broken).answer(QUESTION)
    assert answer.mode == "extractive" and answer.found


def test_not_found_never_reaches_the_model(extractive: ExtractiveAnswerer) -> None:
    model = FakeListChatModel(responses=["Invented answer [1]."])
    answer = LLMAnswerer(extractive, model).answer("How do I bake sourdough bread?")
    assert not answer.found and answer.mode == "extractive"


def test_a_question_replayed_on_a_past_date_sees_only_what_was_published_by_then(
    extractive: ExtractiveAnswerer,
) -> None:
    model = FakeListChatModel(responses=["Invented answer [1]."])
    before_all = datetime(2025, 12, 31, tzinfo=UTC)  # the corpus is from January 2026
    answer = LLMAnswerer(extractive, model).answer(QUESTION, until=before_all)
    assert not answer.found and answer.mode == "extractive"


def test_unknown_llm_setting_is_a_config_error(tmp_path: Path) -> None:
    from core.errors import ConfigError

    container = Container(Settings(data_dir=tmp_path, llm="nosuchprovider:model"))
    with pytest.raises(ConfigError, match="NEWSDESK_LLM"):
        _ = container.answerer

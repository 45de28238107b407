"""Questions in Korean, Japanese and Arabic find stored articles in those languages.

The bundled model is English-only, so these answers come from lexical search; the articles
are short ones written for this test.
"""


import pytest

from bot.container import Container
from bot.settings import Settings
from retrieval.embeddings import Embedder
from tests.retrieval import corpus

ARTICLES = {
    "ko-summit": (
        "이재명 대통령, 나라에서 한일 정상회담",
        "이재명 대통령이 1월 13일부터 14일까지 일본 나라를 방문한다. "
        "다카이치 사나에 총리의 고향인 나라에서 열리는 이번 정상회담의 주요 의제는 "
        "안보 협력과 셔틀 외교, 그리고 한국의 CPTPP 가입 지원이다.\n\n"
        "대통령실은 북한 문제도 회담에서 다뤄질 것이라고 설명했다.",
    ),
    "ko-weather": (
        "서울 내일 첫눈 예보",
        "기상청은 내일 오전 서울에 올겨울 첫눈이 내릴 것으로 예보했다. "
        "출근길 교통 혼잡이 예상되니 대중교통을 이용해 달라고 당부했다.",
    ),
    "ja-market": (
        "東京株式市場、半導体株が上昇",
        "週明けの東京株式市場で日経平均株価は大幅に反発し、前週末比で八百円高となった。"
        "半導体関連株に買いが集まり、相場全体を押し上げた。\n\n"
        "市場関係者は、米国の金利低下への期待が追い風になったと話している。",
    ),
    "ja-train": (
        "新幹線、大雪で運転見合わせ",
        "東北新幹線は大雪の影響で一部区間の運転を見合わせた。"
        "ＪＲ東日本によると、再開は夕方以降になる見込みだという。",
    ),
    "ar-port": (
        "افتتاح ميناء جديد في مدينة العقبة",
        "افتتحت الحكومة الأردنية اليوم ميناءً جديداً للحاويات في مدينة العقبة. "
        "وقال وزير النقل إن الميناء سيضاعف قدرة الشحن خلال ثلاث سنوات.",
    ),
}


@pytest.fixture(scope="module")
def multilingual(
    embedder: Embedder, tmp_path_factory: pytest.TempPathFactory, module_database_url: str,
) -> Container:
    root = tmp_path_factory.mktemp("multilingual")
    built = Container(Settings(data_dir=root / "data", database_url=module_database_url),
                      embedder=embedder)
    folder = root / "corpus"
    folder.mkdir()
    for name, (title, body) in ARTICLES.items():
        corpus.write(folder, name, title, body, source="Test Wire")
    corpus.build(built, folder)  # the English corpus too: other languages must not drown
    return built


@pytest.mark.parametrize(
    ("question", "article", "expected"),
    [
        ("나라 정상회담 의제는 무엇인가요?", "ko-summit", "셔틀 외교"),
        ("서울에 눈이 오나요?", "ko-weather", "첫눈"),
        ("東京市場はどうでしたか", "ja-market", "日経平均株価"),
        ("新幹線は動いていますか", "ja-train", "運転を見合わせ"),
        ("ماذا افتتحت الحكومة في العقبة؟", "ar-port", "ميناء"),
    ],
)
def test_questions_in_other_languages_find_their_articles(
    multilingual: Container, question: str, article: str, expected: str
) -> None:
    answer = multilingual.answerer.answer(question)
    assert answer.found, question
    first = answer.citations[0]
    assert first.ref.url == f"https://wire.example/{article}"
    assert expected in " ".join(c.snippet for c in answer.citations)
    stored = multilingual.articles.get(first.ref.article_id)
    assert stored is not None and stored.text[first.start : first.end] == first.snippet


def test_a_question_in_korean_about_something_unreported_finds_nothing(
    multilingual: Container,
) -> None:
    assert not multilingual.answerer.answer("부산 국제영화제 수상작은?").found

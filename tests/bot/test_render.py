from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render_text import render_answer
from bot.telegram.render import (
    TELEGRAM_LIMIT,
    answer_buttons,
    answer_html,
    fitted_answer_html,
    split_message,
    visible_length,
)
from core.models import ArticleRef
from retrieval.answer import Answer, Citation
from tests.support.fake_bot_api import check_html

texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
                max_size=300)


def citation(n: int, title: str, snippet: str) -> Citation:
    ref = ArticleRef("a", title, "Wire <&> Co", "https://x.example/?a=1&b=2",
                     datetime(2026, 1, 12, tzinfo=UTC))
    return Citation(n=n, ref=ref, snippet=snippet, start=0, end=len(snippet),
                    also=(ArticleRef("b", "t", "Other & Co", "u", None),))


@settings(max_examples=60, deadline=None)
@given(title=texts, snippet=texts)
def test_answers_escape_every_dynamic_string(title: str, snippet: str) -> None:
    answer = Answer("q", True, f"“{snippet}” [1]", (citation(1, title, snippet),))
    rendered = answer_html(answer)
    check_html(rendered)
    assert '<a href="https://x.example/?a=1&amp;b=2">' in rendered


@settings(max_examples=60, deadline=None)
# a limit must at least fit one link tag, which cannot be split (Telegram's is 4096)
@given(paragraphs=st.lists(texts, min_size=1, max_size=40), limit=st.integers(200, 4096))
def test_split_parts_fit_and_keep_tags_balanced(paragraphs: list[str], limit: int) -> None:
    answer = Answer("q", True, "\n\n".join(f"“{p}” [{i + 1}]" for i, p in enumerate(paragraphs)),
                    tuple(citation(i + 1, p[:40] or "t", p) for i, p in enumerate(paragraphs)))
    parts = split_message(answer_html(answer), limit)
    assert parts
    for part in parts:
        assert visible_length(part) <= limit
        check_html(part)


def test_long_reply_splits_on_paragraph_boundaries() -> None:
    paragraphs = [f"<b>Paragraph {i}</b> " + "word " * 150 for i in range(12)]
    parts = split_message("\n\n".join(paragraphs))
    assert len(parts) > 1
    assert all(visible_length(p) <= 4096 for p in parts)
    assert all(p.startswith("<b>Paragraph") for p in parts)
    assert sum(p.count("<b>Paragraph") for p in parts) == 12


def test_a_single_huge_tagged_line_is_split_with_tags_reopened() -> None:
    line = "<b>" + "x" * 10_000 + "</b>"
    parts = split_message(line, 4096)
    assert len(parts) == 3
    for part in parts:
        check_html(part)
        assert part.startswith("<b>") and part.endswith("</b>")


def test_an_article_quoted_twice_is_one_marker_and_one_source_line() -> None:
    first = citation(1, "Same story", "First quote.")
    second = replace(first, snippet="Second quote.")
    other = replace(first, n=2, snippet="Third & last quote.",
                    ref=replace(first.ref, article_id="b", title="Other story"))
    rendered = answer_html(Answer("q", True, "“First quote.” [1]\n“Second quote.” [1]",
                                  (first, second, other)))
    check_html(rendered)
    assert rendered.count("Same story") == 1 and "[1] <a href" in rendered
    assert "[1][1]" not in rendered and "[2] <a href" in rendered and "Other story" in rendered
    lead, rest = rendered.split("\n\n", 1)
    assert lead == "<b>“First quote.”</b> [1]"
    assert rest.startswith("<blockquote>“Second quote.” [1]\n“Third &amp; last quote.” [2]"
                           "</blockquote>")


def test_long_further_quotes_start_folded() -> None:
    quotes = tuple(citation(1, "Story", f"Quote {i} " + "word " * 30) for i in range(4))
    rendered = answer_html(Answer("q", True, "", quotes))
    check_html(rendered)
    assert "<blockquote expandable>" in rendered


def test_an_answer_carries_more_and_follow_this_story_buttons() -> None:
    lead = citation(1, "Story", "The lead.")
    answer = Answer("q", True, "", (lead,), more=(replace(lead, snippet="And more."),))
    markup = answer_buttons(answer, "0123456789abcdef")
    assert markup is not None
    [[more, follow]] = markup.inline_keyboard
    assert (more.text, more.callback_data) == ("More", "more:0123456789abcdef")
    assert (follow.text, follow.callback_data) == ("Follow this story", "follow:a")
    without_more = answer_buttons(answer, None)
    assert without_more is not None and len(without_more.inline_keyboard[0]) == 1
    # nothing found, or prose by an LLM: nothing to follow
    assert answer_buttons(Answer("q", False, ""), None) is None
    assert answer_buttons(replace(answer, mode="llm"), None) is None


def test_an_answer_with_its_more_quotes_is_cut_to_one_message_keeping_the_lead() -> None:
    quotes = tuple(citation(1, "Story", f"Quote {i} " + "word " * 200) for i in range(6))
    html = fitted_answer_html(Answer("q", True, "", quotes))
    check_html(html)
    assert visible_length(answer_html(Answer("q", True, "", quotes))) > TELEGRAM_LIMIT
    assert visible_length(html) <= TELEGRAM_LIMIT and "Quote 0" in html and "Quote 5" not in html


def test_another_story_is_set_apart_after_the_story_in_telegram_and_the_console() -> None:
    from bot.render_text import render_answer
    from retrieval.answer import OTHER_STORY

    lead = citation(1, "Avalanche win the Cup", "The Avalanche won the Stanley Cup.")
    context = citation(1, "Avalanche win the Cup", "It is their third title.")
    other = replace(citation(2, "Playoff picks", "Experts pick Tampa Bay."),
                    ref=ArticleRef("p", "Playoff picks", "Wire", "https://x.example/p", None),
                    other_story=True)
    answer = Answer("q", True, "", (lead, context, other))
    html = answer_html(answer)
    check_html(html)
    story, _, rest = html.partition("</blockquote>")
    assert "It is their third title." in story and "Experts pick" not in story
    assert f"<i>{OTHER_STORY}</i> “Experts pick Tampa Bay.” [2]" in rest
    console = render_answer(answer)
    assert console.index("It is their third title.") < console.index(
        f"{OTHER_STORY} “Experts pick Tampa Bay.” [2]") < console.index("Sources:")
    assert Citation.from_dict(other.to_dict()).other_story
    assert "other_story" not in lead.to_dict()


def test_a_headline_the_quote_already_reads_is_not_repeated_in_its_source_line() -> None:
    from bot.render_text import render_answer

    # an untitled record is headed by its opening sentence, cut with "…" when long
    opening = "Blink-182 is coming to a city near you, with the original trio back together."
    made = opening[:50].rsplit(" ", 1)[0] + "…"
    quoted = replace(citation(1, made, opening + " The tour opens in March."), also=())
    titled = replace(citation(2, "Tour dates announced for the band's reunion",
                              "Tickets go on sale on Monday."),
                     ref=ArticleRef("t", "Tour dates announced for the band's reunion", "Daily",
                                    "https://x.example/t", None), also=())
    answer = Answer("q", True, "", (quoted, titled))
    assert answer.headline_quoted(quoted.ref) and not answer.headline_quoted(titled.ref)
    html = answer_html(answer)
    check_html(html)
    outlet = '<a href="https://x.example/?a=1&amp;b=2">Wire &lt;&amp;&gt; Co</a>'
    assert f"[1] {outlet}, 2026-01-12" in html
    assert html.count("Blink-182") == 1  # in the quote only
    assert '[2] <a href="https://x.example/t">Tour dates announced' in html
    console = render_answer(answer)
    assert "[1] Wire <&> Co, 2026-01-12" in console and console.count("Blink-182") == 1
    assert "[2] Tour dates announced for the band's reunion — Daily" in console
    # a short headline met in a quote ("Gun laws") is still shown
    short = replace(citation(1, "Gun laws", "Gun laws were tightened on Sunday."), also=())
    assert not Answer("q", True, "", (short,)).headline_quoted(short.ref)


def test_the_lead_s_answering_sentence_is_bold_and_its_context_is_not() -> None:
    ref = ArticleRef("a1", "Lee heads to Nara", "Wire", "https://x.example/a1",
                     datetime(2026, 1, 12, tzinfo=UTC))
    text = "The leaders last met in October. The summit is on January 13-14 in “Nara”."
    cut = text.index("The summit")
    lead = Citation(1, ref, text, 0, len(text), focus=(cut, len(text)))
    answer = Answer("When is the summit?", True, "", (lead,))
    first_line = answer_html(answer).split("\n", 1)[0]
    assert first_line == ("“The leaders last met in October. <b>The summit is on January 13-14 "
                          "in ‘Nara’.</b>” [1]")


def test_also_names_each_other_outlet_once_and_never_the_citation_s_own() -> None:
    snippet = "The summit opened in Nara on Tuesday."
    ref = ArticleRef("a", "Lee heads to Nara", "cnn.com", "https://cnn.example/a", None)
    also = (ArticleRef("b", "Nara summit", "cnn.com", "https://cnn.example/b", None),
            ArticleRef("c", "Summit opens", "usatoday.com", "https://usa.example/c", None),
            ArticleRef("d", "Summit, day one", "usatoday.com", "https://usa.example/d", None))
    cited = Citation(n=1, ref=ref, snippet=snippet, start=0, end=len(snippet), also=also)
    answer = Answer("q", True, f"“{snippet}” [1]", (cited,))
    assert cited.other_outlets == ("usatoday.com",)
    assert "(also: usatoday.com)" in answer_html(answer)
    assert "also reported by: usatoday.com\n" in render_answer(answer) + "\n"
    alone = replace(cited, also=also[:1])  # only its own outlet again: nothing to add
    assert "also" not in answer_html(replace(answer, citations=(alone,)))
    assert "also reported by" not in render_answer(replace(answer, citations=(alone,)))

"""The default answer: the sentences that best answer the question, quoted and cited."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from operator import mul
from unicodedata import east_asian_width

from core.models import ArticleRef, QuotedSpan
from core.terms import tokenize, with_places
from retrieval.answer.asked_for import asked_for, holds_answer, precise_ask
from retrieval.answer.followup import QueryContext, query_context
from retrieval.answer.models import CLOSEST, NOT_FOUND, OTHER_STORY, Answer, Citation, Turn
from retrieval.answer.verify import verified
from retrieval.lexical import LexicalIndex
from retrieval.ports import ArticleSource
from retrieval.quoting import ANSWER_QUOTES, Quote
from retrieval.search import HybridSearcher, SearchHit
from retrieval.story_judge import question_name_runs, question_names
from retrieval.text import sentence_spans, spans_of

MIN_SNIPPET = ANSWER_QUOTES.min_chars  # in display width (_width): CJK characters count twice
# A story is offered as "closest" only this close to the question (cosine): below it, a list of
# unrelated headlines (a World Cup question offered the marathon) reads as a wrong answer.
RELATED_FLOOR = 0.35
# Another article that gives what the story does not may be last year's report of a yearly
# event (a holiday, a festival), not an older one: six years back, "the final two candidates
# to succeed Prime Minister David Cameron" is no answer to who became prime minister this week
PRECISE_RIVAL_DAYS = 366


@dataclass(frozen=True)
class Selection:
    """Which sentences are quoted: only the story asked about, the answering sentence first.

    An article is on the story when its best sentence scores ``story_floor`` of the best one,
    its passages hold ``story_coverage`` of the question's term weight that the best article
    holds, ``kinship`` of the lead article's rare vocabulary, and it was published within
    ``story_days`` of the lead (a month-old report is another event); a quote must score
    ``quote_floor`` of the lead. ``k`` stays an upper bound: one quote is a fine answer.
    Tuned on the even RealTime QA questions (bench/answer_quality.py, docs/benchmarks.md).
    """

    quote_floor: float = 0.6
    more_floor: float = 0.45  # "More" offers the story's next sentences down to this share
    story_floor: float = 0.7
    story_coverage: float = 0.6
    kinship: float = 0.2  # share of the lead article's rare vocabulary an article must hold
    per_article: int = 2
    story_days: float = 7.0  # other reports of the story are at most this far from the lead
    answer_bonus: float = 0.15  # the sentence holds the number, date or name asked for
    rank_weight: float = 0.5  # credit for the search rank of the article a sentence is in
    focus_weight: float = 0.5  # extra weight of the question's asking sentence (quizzes lead
    # with context: "… was suspended six games. Which team does Watson play for?")
    # A follow-up moves on: the sentences the previous answer quoted weigh less, and the
    # conversation's story more (bench/followups.py)
    repeat_penalty: float = 0.3
    conversation_bonus: float = 0.4  # a follow-up's sentence the previous answer already quoted
    position_weight: float = 0.5  # credit for a sentence early in its article (news leads)
    length_weight: float = 0.0  # credit for a long sentence (up to 200 characters)
    # A section whose heading restates the question ("What is on the agenda" for "What is on
    # the Nara summit agenda?") answers it: its opening sentences lead, as a featured snippet
    heading_weight: float = 1.5
    # a sentence whose terms are this share of a quote's already says it again: not quoted
    repeat_share: float = 0.75
    lead_chars: int = 480  # the lead takes its neighbours while it stays this short
    context_chars: int = 300  # so does each further quote
    # When the story judge can barely tell two stories apart (scores within this margin, in
    # log-odds), the runner-up's best sentence is quoted after the story, if it scores
    # ``rival_floor`` of the lead: a reader of an ambiguous question sees both (0: never)
    rival_margin: float = 2.0
    rival_floor: float = 0.6
    # the sentence holds the very kind asked for: a count of the things counted, an amount,
    # a share, a country or state, a full name (asked_for.PreciseAsk)
    precise_bonus: float = 0.6
    # The story is the judge's first article (and what reads as the same story), not the best
    # sentence's: the judge weighs whole articles (MRR 0.855 -> 0.878 on RealTime QA)
    judged_story: bool = True
    # A sentence is read under its article's headline: "The barrier cost 84 million euros"
    # answers "How much did the Port Halden flood barrier cost?" because the headline names
    # Port Halden's flood barrier. Credit for the question's weight the sentence lacks and
    # the headline holds
    title_weight: float = 1.0
    # The story's opening passage joins the pool when search did not bring it: news says what
    # happened up top, in words the question may not share (HybridSearcher story_lead)
    story_lead: bool = True

    def relevance(self, score: float, features: Sequence[float]) -> float:
        """A sentence's score without the precise answer's credit: what the story's floors
        compare, so that the credit picks the lead without raising the bar for the rest."""
        if not _answers_precisely(features):
            return score
        return score - self.precise_bonus - self.title_weight * features[_TITLE]

    def sentence_weights(self) -> tuple[float, ...]:
        """The weight of each of ``SENTENCE_FEATURES`` in a sentence's score."""
        return (1.0, self.focus_weight, 0.3, 0.6, self.rank_weight, 1.0, self.answer_bonus,
                -self.repeat_penalty, self.conversation_bonus, self.position_weight,
                self.length_weight, self.heading_weight, self.precise_bonus, self.title_weight)


SENTENCE_FEATURES = (
    "overlap", "asked_overlap", "context", "similarity", "article_rank", "news", "holds_answer",
    "already_quoted", "conversation", "position", "length", "heading", "precise_answer",
    "title",
)
_PRECISE = SENTENCE_FEATURES.index("precise_answer")
_TITLE = SENTENCE_FEATURES.index("title")
SECTION_OPENING = 2  # sentences of a section that its heading speaks for


@dataclass(frozen=True)
class Thresholds:
    """When the top passages are relevant enough to answer.

    relevance = (3 x best cosine similarity + 2 x best idf-weighted share of the question's
    terms found in a top chunk) / 5, compared with a bar that rises with the log of the number
    of chunks: the more passages there are, the better the best chance match to an unrelated
    question gets. Anchored on RealTime QA (0.48 at ~15k chunks, where 97.4% of real questions
    pass and 27 of 30 uncovered ones do not; docs/benchmarks.md).
    """

    base: float = 0.355
    per_log_chunk: float = 0.013
    similarity_weight: float = 3.0
    overlap_weight: float = 2.0
    top_chunks: int = 5
    # An article the story judge is this sure of (log-odds) answers even a little below the
    # bar (by at most ``near_bar``): the judge reads the whole article, the bar only the best
    # passage. Not far below: the judge ranks a pool against itself, so in a small archive its
    # first article can look sure of a question nothing covers (0: never)
    judge_sure: float = 11.2
    near_bar: float = 0.05
    # A question that names something ("the mayor of Reykjavik", "the Zorvex virus") is
    # answered only when the story judge's first article holds at least this share of its
    # names' terms (0: never asked): another city's mayor is not the answer, however close
    # the rest of the question reads
    names_held: float = 0.5
    # ... and most of each name of several words: "Who won the World Cup?" is not answered by
    # the Stanley Cup, which holds half its words
    whole_names: bool = True

    def bar(self, chunks: int) -> float:
        """The relevance needed to answer, for an index of ``chunks`` chunks."""
        return self.base + self.per_log_chunk * math.log(max(chunks, 1))


@dataclass(frozen=True)
class _Sentence:
    hit: SearchHit
    start: int
    end: int
    score: float
    features: tuple[float, ...] = ()  # SENTENCE_FEATURES, what ``score`` weighs


class ExtractiveAnswerer:
    """Picks verbatim sentences from the top hits; says plainly when nothing fits."""

    def __init__(
        self,
        searcher: HybridSearcher,
        lexical: LexicalIndex,
        store: ArticleSource,
        thresholds: Thresholds | None = None,
        selection: Selection | None = None,
    ) -> None:
        self._searcher = searcher
        self._lexical = lexical
        self._store = store
        self._thresholds = thresholds or Thresholds()
        self._selection = selection or Selection()

    def answer(
        self,
        question: str,
        k: int = 5,
        since: datetime | None = None,
        history: Sequence[Turn] = (),
        until: datetime | None = None,
    ) -> Answer:
        """Up to ``k`` cited snippets, or found=False with the closest topics.

        ``since``/``until`` bound publication time; ``until`` replays a question as asked on a
        past date (the evaluation uses it).
        """
        context = query_context(question, history)  # "tell me more" leans on the last turn
        if not any(ch.isalpha() for token in tokenize(context.query) for ch in token):
            return not_found(question, [])  # no content word ("OR 1=1 --"): nothing to match
        lead = self._selection.story_lead
        hits = self._searcher.search(
            context.query, k=max(2 * k, 8), since=since, prefer_articles=context.prefer_articles,
            until=until, now=until, story_lead=lead,
        )
        if context.short_only and not _story_holds(question, hits, context.prefer_articles):
            context = QueryContext(question)  # a short question on a new subject
            hits = self._searcher.search(question, k=max(2 * k, 8), since=since, until=until,
                                         now=until, story_lead=lead)
        if not hits or not self._relevant(context.query, hits):
            return not_found(question, hits)
        words = _article_words(hits)
        if not _names_held(question, hits, words, self._thresholds.names_held,
                           whole=self._thresholds.whole_names):
            return not_found(question, hits)  # the user's names, not the chat's
        sentences = self._scored_sentences(question, context.context_terms, hits, context.shown,
                                           context.prefer_articles)
        if not sentences:
            return not_found(question, hits)
        coverage = self._coverage(question, context.context_terms, words)
        # kinship is read against the best sentence's article, even where the judge's first
        # article is the story: measured, that admits the story's other reports better
        # (RealTime QA hit@5 0.938 against 0.923 read against the judge's article)
        best = max(sentences, key=lambda s: self._selection.relevance(s.score, s.features))
        kinship = self._kinship(best.hit.ref.article_id, words)
        shown, more = self._pick(sentences, coverage, kinship, k)
        kept = {id(c) for c in verified([*shown, *more], self._store)}  # one read for both
        citations = [c for c in shown if id(c) in kept]
        if not citations:
            return not_found(question, hits)
        return Answer(question=question, found=True, answer=quote_lines(citations),
                      citations=tuple(citations),
                      more=tuple(c for c in more if id(c) in kept))

    def close(self) -> None:
        """Nothing of its own to release (the searcher is closed by its owner)."""

    def _relevant(self, question: str, hits: Sequence[SearchHit]) -> bool:
        t = self._thresholds
        terms = set(tokenize(question))
        weights = self._lexical.idf_weights(terms)
        total = sum(weights.values()) or 1.0
        overlap = max(
            (sum(weights[w] for w in terms.intersection(h.text_terms())) / total
             # by fused rank, as the bar was anchored (the story judge's order differs)
             for h in sorted(hits, key=lambda h: h.score, reverse=True)[: t.top_chunks]),
            default=0.0,
        )
        similarity = max(h.similarity for h in hits)
        relevance = (t.similarity_weight * similarity + t.overlap_weight * overlap) / (
            t.similarity_weight + t.overlap_weight
        )
        bar = t.bar(self._lexical.size)
        judged = max((h.story for h in hits if h.story is not None), default=None)
        return relevance >= bar or (t.judge_sure > 0 and judged is not None
                                    and judged >= t.judge_sure and relevance >= bar - t.near_bar)

    def _scored_sentences(
        self, question: str, context_terms: frozenset[str], hits: Sequence[SearchHit],
        shown: Sequence[QuotedSpan] = (), story: Collection[str] = (),
    ) -> list[_Sentence]:
        terms = set(tokenize(question))
        focus = _asked_part(question)
        focus_terms = set(tokenize(focus))
        weights = self._lexical.idf_weights(terms | context_terms)
        total = sum(weights[t] for t in terms) or 1.0
        focus_total = sum(weights[t] for t in focus_terms) or 1.0
        context_total = sum(weights[t] for t in context_terms) or 1.0
        asked = asked_for(focus)
        precise = precise_ask(question, focus)
        detail = float(precise is not None and precise.detail)
        sentence_weights = self._selection.sentence_weights()
        scored = []
        article_rank: dict[str, int] = {}
        for hit in hits:
            article_rank.setdefault(hit.ref.article_id, len(article_rank))
        for hit in hits:
            rank = article_rank[hit.ref.article_id]
            under_heading = answered_by_heading(hit.text, hit.ref.title, question)
            titled = terms & set(tokenize(hit.ref.title))
            for start, end in spans_of(hit.text):
                if _width(hit.text[start:end]) < MIN_SNIPPET or hit.text[end - 1] in "?？؟":
                    continue  # fragments, and questions (quizzes quote the user's question)
                if _is_title_line(hit.text, start, end):
                    continue  # a heading or an item's headline is no sentence: never quoted
                sentence = hit.text[start:end]
                words = set(tokenize(sentence))
                overlap = sum(weights[t] for t in terms & words) / total
                quoted = bool(shown) and _already_quoted(hit, start, end, shown)
                # in a follow-up the conversation's words say what it is about
                answers = float(
                    precise is not None and (overlap > 0 or bool(context_terms & words))
                    and precise.answered_by(sentence, hit.ref.published.date()
                                            if hit.ref.published else None))
                features = (
                    overlap,
                    sum(weights[t] for t in focus_terms & words) / focus_total,
                    sum(weights[t] for t in context_terms & words) / context_total,
                    hit.similarity,
                    1 / (1 + rank),
                    _news_bonus(sentence, terms),
                    float(overlap > 0 and holds_answer(sentence, asked, question)),
                    float(quoted),
                    float(hit.ref.article_id in story),
                    # how early in the article: news puts the answer up top, but a follow-up
                    # asks past the top, which the conversation has read
                    0.0 if story else math.exp(-(hit.start + start) / 1000),
                    min(len(sentence) / 200, 1.0),
                    # once quoted, the section has answered: a follow-up moves past it
                    float(start in under_heading and not quoted),
                    answers,
                    # read under its headline, a sentence that gives the figure asked for holds
                    # the headline's words ("The barrier cost 84 million euros" under "Port
                    # Halden closes its new flood barrier")
                    answers * detail * sum(weights[t] for t in titled - words) / total,
                )
                score = sum(map(mul, sentence_weights, features))
                scored.append(_Sentence(hit, start, end, score, features))
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def _kinship(self, lead: str, words: dict[str, set[str]]) -> dict[str, float]:
        """Per article: how much of the ``lead`` article's rare vocabulary its passages share.

        Two reports of one event share its names and particulars; another story that merely
        answers to the question's words (another summit, another recall) does not.
        """
        lead_words = words[lead]
        weights = self._lexical.idf_weights(set().union(*words.values()))
        lead_weight = sum(weights[t] for t in lead_words) or 1.0
        kinship = {}
        for article, found in words.items():
            own = sum(weights[t] for t in found) or 1.0
            kinship[article] = sum(weights[t] for t in found & lead_words) / min(own, lead_weight)
        return kinship

    def _coverage(
        self, question: str, context_terms: frozenset[str], words: dict[str, set[str]]
    ) -> dict[str, float]:
        """Per article: the share of the question's term weight its found passages hold."""
        terms = set(tokenize(question)) | context_terms
        weights = self._lexical.idf_weights(terms)
        total = sum(weights.values()) or 1.0
        return {article: sum(weights[t] for t in terms & found) / total
                for article, found in words.items()}

    def _pick(
        self, sentences: Sequence[_Sentence], coverage: dict[str, float],
        kinship: dict[str, float], k: int,
    ) -> tuple[list[Citation], list[Citation]]:
        """The quotes shown (the lead, then the best of the story) and those kept for "More".

        Every article has one number, shown quotes first; "More" holds the next sentences of the
        story, under a looser floor.
        """
        rules = self._selection
        relevance = {id(s): rules.relevance(s.score, s.features) for s in sentences}
        # the story is the most relevant sentence's; its sentence that answers most precisely
        # leads (the same one, unless the precise-answer bonus says otherwise)
        top = max(sentences, key=lambda s: relevance[id(s)])
        if rules.judged_story:
            judged = [s for s in sentences if s.hit.story is not None]
            if judged:
                story = max(judged, key=lambda s: s.hit.story or 0.0).hit.ref.article_id
                top = max((s for s in sentences if s.hit.ref.article_id == story),
                          key=lambda s: relevance[id(s)])
        lead_relevance = relevance[id(top)]
        best_of: dict[str, float] = {}
        published = {s.hit.ref.article_id: s.hit.ref.published for s in sentences}
        for sentence in sentences:
            best_of[sentence.hit.ref.article_id] = max(
                best_of.get(sentence.hit.ref.article_id, -math.inf), relevance[id(sentence)])
        lead_coverage = coverage.get(top.hit.ref.article_id, 0.0)
        on_story = {
            article for article, score in best_of.items()
            if score >= rules.story_floor * lead_relevance
            and coverage.get(article, 0.0) >= rules.story_coverage * lead_coverage
            and kinship.get(article, 0.0) >= rules.kinship
            and _days_apart(published.get(article), top.hit.ref.published) <= rules.story_days
        }
        on_story.add(top.hit.ref.article_id)
        lead = next(s for s in sentences if s.hit.ref.article_id in on_story)
        rival = self._rival(sentences, on_story, relevance)
        # a sentence that answers precisely opens its quote: the answer first, context after
        shown: list[_Quote] = [(*_span(lead, rules.lead_chars,
                                       previous=not _answers_precisely(lead.features)), lead)]
        other: list[_Quote] = []  # the rival story's best sentence, shown after the story
        more: list[_Quote] = []
        echoes: dict[int, list[ArticleRef]] = {}  # by quote: other reports saying it too
        for sentence in sentences:
            if sentence is lead:
                continue
            article = sentence.hit.ref.article_id
            if article == rival and not other and len(shown) < k and relevance[id(sentence)] >= (
                    rules.rival_floor * lead_relevance):
                _add(other, sentence, rules.context_chars, 1, other,
                     repeat_share=rules.repeat_share)
                continue
            if article not in on_story:
                continue
            if len(shown) + len(other) < k and relevance[id(sentence)] >= (
                    rules.quote_floor * lead_relevance) and _add(
                        shown, sentence, rules.context_chars, rules.per_article, shown,
                        repeat_share=rules.repeat_share, echoes=echoes):
                continue
            if len(more) < k and relevance[id(sentence)] >= rules.more_floor * lead_relevance:
                _add(more, sentence, rules.context_chars, rules.per_article + 2, shown + more,
                     repeat_share=rules.repeat_share, echoes=echoes)
        numbers: dict[str, int] = {}
        for _, _, sentence in shown + other + more:
            numbers.setdefault(sentence.hit.ref.article_id, len(numbers) + 1)

        def cited(quotes: Sequence[_Quote], other_story: bool = False) -> list[Citation]:
            # an article with a number of its own is not named again as saying it too
            return [_citation(numbers[q[2].hit.ref.article_id], q, other_story=other_story,
                              echoed=[r for r in echoes.get(id(q), ())
                                      if r.article_id not in numbers]) for q in quotes]

        by_article = sorted(shown[1:], key=lambda c: numbers[c[2].hit.ref.article_id])
        first, *rest = cited([shown[0], *by_article])
        return [_focused(first, lead), *rest, *cited(other, other_story=True)], cited(
            sorted(more, key=lambda c: numbers[c[2].hit.ref.article_id]))

    def _rival(self, sentences: Sequence[_Sentence], story: set[str],
               relevance: dict[int, float]) -> str | None:
        """Another story's article the judge rates within ``rival_margin`` of the story's best,
        else one that gives what the story does not (``_precise_rival``; ``relevance`` by id).

        Another week's report of the subject qualifies: it is not the lead's story, but when the
        judge is unsure, it is as likely the one asked about (bench/answer_quality.py).
        """
        margin = self._selection.rival_margin
        if margin <= 0:
            return None
        judged: dict[str, float] = {}
        for sentence in sentences:
            if sentence.hit.story is not None:  # the pool was judged
                judged.setdefault(sentence.hit.ref.article_id, sentence.hit.story)
        if not story & judged.keys():
            return None
        best = max(judged[a] for a in story if a in judged)
        others = sorted((a for a in judged if a not in story), key=lambda a: -judged[a])
        if others and best - judged[others[0]] <= margin:
            return others[0]
        return _precise_rival(sentences, story, relevance)


_Quote = tuple[int, int, _Sentence]  # offsets in the hit text, and the sentence quoted


def _precise_rival(sentences: Sequence[_Sentence], story: set[str],
                   relevance: dict[int, float]) -> str | None:
    """The article of the best sentence when it gives the very kind asked for, nothing in the
    story does, it reads as relevant as the story's best before its answer is credited, and it
    is at most a year older: "In addition to Halloween, which holiday was celebrated this
    week?" is judged a Halloween story; another article names the Day of the Dead."""
    best = sentences[0] if sentences else None
    if best is None or best.hit.ref.article_id in story or not _answers_precisely(best.features):
        return None
    told = [s for s in sentences if s.hit.ref.article_id in story]
    if not told or any(_answers_precisely(s.features) for s in told):
        return None
    lead = max(told, key=lambda s: relevance[id(s)])
    if relevance[id(best)] < relevance[id(lead)] or _days_apart(
            best.hit.ref.published, lead.hit.ref.published) > PRECISE_RIVAL_DAYS:
        return None
    return best.hit.ref.article_id


def _answers_precisely(features: Sequence[float]) -> bool:
    """A sentence's features say it holds the very kind asked for (none: unscored)."""
    return bool(features) and bool(features[_PRECISE])


def _add(quotes: list[_Quote], sentence: _Sentence, limit: int, per_article: int,
         taken: Sequence[_Quote], *, repeat_share: float = 1.0,
         echoes: dict[int, list[ArticleRef]] | None = None) -> bool:
    """Add ``sentence`` (with neighbours) unless its article has enough, it overlaps one, or
    a quote ``taken`` says it already (``_saying``: then another article's sentence is noted
    in ``echoes`` under that quote, as another outlet saying it).

    A sentence whose previous neighbour is already quoted is added without it.
    """
    article = sentence.hit.ref.article_id
    if len([q for q in quotes if q[2].hit.ref.article_id == article]) >= per_article:
        return False
    said = _saying(sentence, taken, repeat_share)
    if said is not None:
        ref = sentence.hit.ref
        if echoes is not None and ref.article_id != said[2].hit.ref.article_id:
            noted = echoes.setdefault(id(said), [])
            if ref not in noted:
                noted.append(ref)
        return False
    same = [q for q in taken if q[2].hit.ref.article_id == article]

    def overlapping(start: int, end: int) -> bool:
        return any(q[2].hit.start + q[0] < sentence.hit.start + end
                   and sentence.hit.start + start < q[2].hit.start + q[1] for q in same)

    start, end = _span(sentence, limit)
    if overlapping(start, end):
        start, end = _span(sentence, limit, previous=False)
    if overlapping(start, end):
        # its neighbours are quoted, the sentence is not: an article's opening ("…to sit
        # Cleveland Browns quarterback Deshaun Watson…") is not lost to the lead's context
        start, end = sentence.start, sentence.end
        if overlapping(start, end):
            return False
    quotes.append((start, end, sentence))
    return True


def _saying(sentence: _Sentence, taken: Sequence[_Quote], share: float) -> _Quote | None:
    """The first quote in ``taken`` holding ``share`` of ``sentence``'s terms: a page that
    repeats a sentence (a gallery caption also in its text), or another outlet's copy of a
    sentence already quoted ("The magnitude 5.9 quake struck during the early hours of
    Wednesday near the city of Khost…" in four reports), reads as the same sentence again."""
    words = set(tokenize(sentence.hit.text[sentence.start:sentence.end]))
    if not words or not taken:
        return None
    need = share * len(words)
    return next((q for q in taken
                 if len(words.intersection(tokenize(q[2].hit.text[q[0]:q[1]]))) >= need), None)


def _article_words(hits: Sequence[SearchHit]) -> dict[str, set[str]]:
    """Per article: the words of its passages among ``hits`` (tokenized once per answer)."""
    words: dict[str, set[str]] = {}
    for hit in hits:
        words.setdefault(hit.ref.article_id, set()).update(hit.text_terms())
    return words


def _names_held(question: str, hits: Sequence[SearchHit], words: dict[str, set[str]],
                share: float, *, whole: bool = False) -> bool:
    """The first article among ``hits`` (the story judge's) holds ``share`` of the terms of the
    names ``question`` capitalises, in its headline or found passages (``words``: each
    article's, from ``_article_words``; no names: True), and with ``whole`` more than half the
    terms of each name of two or more words (both of "World Cup", two of "Major League
    Baseball"). A place's adjective is held by the place: "Japanese" by
    "Japan's Sakurajima volcano"."""
    terms = question_names(question)
    if not terms or share <= 0 or not hits:
        return True
    story = hits[0].ref
    found = words[story.article_id] | set(tokenize(story.title))

    def is_held(term: str) -> bool:
        return bool(found & {term, *with_places(term)})

    held = sum(map(is_held, terms))
    return held >= share * len(terms) and (not whole or all(
        2 * sum(map(is_held, run)) > len(run) for run in question_name_runs(question)))


def _story_holds(question: str, hits: Sequence[SearchHit], story: Collection[str]) -> bool:
    """Some passage of the conversation's story holds a word of ``question``."""
    words = set(tokenize(question))
    return any(hit.ref.article_id in story and (words.intersection(tokenize(hit.ref.title))
                                                or words.intersection(hit.text_terms()))
               for hit in hits)


def _headings(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that are section headings: a short line of their own, unpunctuated."""
    if not any(0 < len(line.strip()) <= _HEADING_CHARS for line in text.split("\n")):
        return []  # a heading is a short line of its own: most passages have none
    return [(start, end) for start, end in spans_of(text) if _is_heading(text, start, end)]


def _is_heading(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is a heading: a short line of its own without a sentence's stop."""
    if end - start > _HEADING_CHARS or not (start == 0 or text[start - 1] == "\n" or (
            text[start - 1] == " " and _numbered(text, start))):
        return False  # most sentences, told apart without copying them
    if _LIST_NUMBER.fullmatch(text, start, end):
        return True  # the "5." of "5. Travel chaos" (split off it): a numbered section opens
    if text[end - 1] in _STOPS or not (end == len(text) or text[end] == "\n"):
        return False
    line = text[start:end]
    return "\n" not in line and any(ch.isalpha() for ch in line)


def _is_title_line(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is a section's heading or a roundup item's headline: a title, no
    sentence, so no quote starts at it or runs into it."""
    return _is_heading(text, start, end) or _is_headline_line(text, start, end)


def _is_headline_line(text: str, start: int, end: int) -> bool:
    """A line of its own up to 120 characters without a sentence's stop: a roundup's item
    headline ("Person of interest in custody after shooting in Chicago suburb leaves at least
    six dead"), too long for a section heading but no sentence either."""
    return (end - start <= 120 and (start == 0 or text[start - 1] == "\n")
            and (end == len(text) or text[end] == "\n") and text[end - 1] not in _STOPS
            and text[end - 1] not in "?？" and text.count(" ", start, end) >= 3)


def _numbered(text: str, start: int) -> bool:
    """``start`` follows only a section's number on its line ("1. Gun laws")."""
    line = text.rfind("\n", 0, start) + 1
    return bool(_LIST_NUMBER_BEFORE.fullmatch(text, line, start))


# A sentence opening on "the", "this" or "that" and a common noun ("The band announced…",
# "That marks…") speaks of what an earlier sentence named. Not "he" or "they": the one they
# stand for is as often in the headline, and the sentence before then says something else
_POINTS_BACK = re.compile(r"(?:The|This|That|These|Those) (?![A-Z0-9“\"‘'])")
_STOPS = ".!;:,\"”’)。！"
_LIST_NUMBER = re.compile(r"\d{1,2}[.)]")
_LIST_NUMBER_BEFORE = re.compile(_LIST_NUMBER.pattern + " +")  # "1. " before "Gun laws"
_HEADING_CHARS = 80
_WORD = re.compile(r"\w+")


def answered_by_heading(text: str, title: str, question: str) -> set[int]:
    """Starts of the opening sentences of sections whose heading restates the question.

    The heading is three words or more, all of them the question's ("What is on the agenda",
    not a roundup's "Texas"), and one of its terms is not in the article's headline: a heading
    that repeats what the whole story is about does not say which part of it answers.
    """
    headings = _headings(text)
    if not headings:
        return set()  # most passages: nothing to read the question against
    asked = set(_WORD.findall(question.lower()))
    title_terms = set(tokenize(title))
    openings: set[int] = set()
    for index, (start, end) in enumerate(headings):
        heading = text[start:end]
        words = _WORD.findall(heading.lower())
        terms = set(tokenize(heading))
        if len(words) < 3 or not set(words) <= asked or not terms or terms <= title_terms:
            continue
        stop = headings[index + 1][0] if index + 1 < len(headings) else len(text)
        openings.update(s for s, _ in list(sentence_spans(text, end, stop))[:SECTION_OPENING])
    return openings


def _already_quoted(hit: SearchHit, start: int, end: int, shown: Sequence[QuotedSpan]) -> bool:
    """The sentence ``hit.text[start:end]`` lies in a span the previous answer quoted."""
    begin, stop = hit.start + start, hit.start + end
    return any(s.article_id == hit.ref.article_id and s.start <= begin and stop <= s.end
               for s in shown)


def _days_apart(one: datetime | None, other: datetime | None) -> float:
    """Days between two publication times (0 when either is unknown)."""
    if one is None or other is None:
        return 0.0
    return abs((one - other).total_seconds()) / 86400


def _asked_part(question: str) -> str:
    """The sentence of ``question`` that asks (its last), when context comes before it."""
    spans = list(sentence_spans(question))
    return question[spans[-1][0]:spans[-1][1]] if len(spans) > 1 else question


_NAME_OR_NUMBER = re.compile(r"(?<![.!?]\s)(?<!^)\b(?:[A-Z][\w’'-]+|\d[\d,.]*)")


def _width(text: str) -> int:
    """Length with wide (CJK) characters counted twice: a 15-character Japanese sentence is
    a whole sentence, a 15-character English one is a fragment."""
    if text.isascii():
        return len(text)
    # only the characters past ASCII can be wide: curly quotes make most news non-ASCII
    return len(text) + sum(1 for ch in _NON_ASCII.findall(text) if east_asian_width(ch) in "WF")


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


_NEWS_CREDIT, _NEWS_COUNTED = 0.04, 4  # per name or number the question lacks, up to four


def _news_bonus(sentence: str, question_terms: set[str]) -> float:
    """A little credit for names and numbers the question lacks: answers are made of them."""
    new: set[str] = set()
    for match in _NAME_OR_NUMBER.finditer(sentence):
        found = match.group()
        if found not in new and not question_terms.issuperset(tokenize(found)):
            new.add(found)
            if len(new) == _NEWS_COUNTED:
                break  # the credit is full
    return _NEWS_CREDIT * len(new)


def _span(sentence: _Sentence, limit: int = ANSWER_QUOTES.max_chars, *,
          previous: bool = True) -> tuple[int, int]:
    """The quote's offsets in the hit text: the sentence with its neighbours while short.

    The fact a question asks for often sits in the sentence before or after the one that
    matches it. ``previous`` False leaves the sentence before out (it is quoted already).
    """
    text, start, end = sentence.hit.text, sentence.start, sentence.end
    spans = spans_of(text)
    at = bisect_left(spans, (start, end))
    following: Iterable[tuple[int, int]]
    if at < len(spans) and spans[at] == (start, end):  # a sentence of the text, as scored
        before, following = list(spans[max(at - 2, 0):at]), spans[at + 1:]
    else:  # offsets of the caller's own
        before = [span for span in sentence_spans(text, 0, start) if span[1] <= start][-2:]
        following = sentence_spans(text, end)
    if previous:
        # the sentence before, and the one before that when the quote would open on words
        # that point back to it ("The band announced…" after "Blink-182 is coming…")
        for earlier in reversed(before):
            if end - earlier[0] > limit * 3 // 4 or _is_title_line(text, *earlier):
                break
            start = earlier[0]
            if not _POINTS_BACK.match(text, start):
                break
    opened = _quotation_opening(text, start, end)
    if opened is not None and end - opened <= limit:
        start = opened  # "…we will not let this happen.” Meanwhile…" reads from its “
    for after in following:
        if after[1] - start > limit or _is_title_line(text, *after):
            break  # a heading opens the next section: it is no part of this quote
        end = after[1]
    return start, min(end, start + max(limit, sentence.end - sentence.start))


def _quotation_opening(text: str, start: int, end: int) -> int | None:
    """Where the sentence opening the quotation that ``text[start:end]`` starts inside begins
    (a closing ” before any opening “), or None: not inside one, or its “ not in ``text``."""
    closing, opening = text.find("”", start, end), text.find("“", start, end)
    if closing == -1 or (opening != -1 and opening < closing):
        return None
    quote = text.rfind("“", 0, start)
    if quote == -1 or text.rfind("”", quote, start) != -1:
        return None  # the quotation closed before ``start``: the ” is a stray one
    spans = [span for span in sentence_spans(text, 0, start) if span[0] <= quote]
    return spans[-1][0] if spans else None


def _citation(n: int, quoted: _Quote, *, other_story: bool = False,
              echoed: Sequence[ArticleRef] = ()) -> Citation:
    """The ``quoted`` span of its sentence's hit, with the other outlets that tell its story
    (the hit's) or say it too (``echoed``: one report per outlet, none of the quote's own, which
    would read "cnn.com, also reported by: cnn.com") as ``also``."""
    start, end, sentence = quoted
    hit = sentence.hit
    quote = Quote.of(hit.text, start, end, offset=hit.start)  # offsets in the article
    outlets = {hit.ref.source, *(ref.source for ref in hit.also)}
    also = list(hit.also)
    for ref in echoed:
        if ref.source not in outlets:
            outlets.add(ref.source)
            also.append(ref)
    return Citation(n=n, ref=hit.ref, snippet=quote.snippet, start=quote.start, end=quote.end,
                    also=tuple(also), other_story=other_story)


def _focused(citation: Citation, sentence: _Sentence) -> Citation:
    """``citation`` with ``sentence`` as its focus, when the quote holds more than it."""
    offset = sentence.hit.start
    focus = (max(offset + sentence.start, citation.start), min(offset + sentence.end, citation.end))
    if focus == (citation.start, citation.end) or focus[0] >= focus[1]:
        return citation
    return replace(citation, focus=focus)


def quote_lines(citations: Sequence[Citation]) -> str:
    """The answer text: one quote per line with its marker, whitespace folded for reading.

    The citations keep the exact spans; only the display text folds line breaks.
    """
    return "\n".join(f"{OTHER_STORY + ' ' if c.other_story else ''}“{c.shown}” [{c.n}]"
                     for c in citations)


def not_found(question: str, hits: Sequence[SearchHit]) -> Answer:
    """The honest answer: nothing relevant, and the stories close enough to be worth naming."""
    related: list[ArticleRef] = []
    for hit in hits:
        if hit.similarity >= RELATED_FLOOR and hit.ref not in related:
            related.append(hit.ref)
        if len(related) == 3:
            break
    text = NOT_FOUND
    if related:
        text += f" {CLOSEST} " + "; ".join(
            f"“{r.title}” ({r.source}{', ' + r.day if r.published else ''})"
            for r in related
        ) + "."
    return Answer(question=question, found=False, answer=text, related=tuple(related))

"""Names followed by name and by meaning together: which rule finds a name's stories best.

    .venv/bin/python bench/alert_names.py [--backend onnx] [--sixth]

Ingests the labelled BBC pool of bench/alert_labels.py (as bench/alert_quality.py does) and
reads every topic that is a name of two or more words (``Topic.quotable_name``) five ways:
by meaning alone (the hybrid score at the shipped bar), quoted (every article naming it),
named in the headline or lead, and the two unions — named up front or matched by meaning, and
named anywhere or matched by meaning. Precision and recall pooled over the name topics of the
seen sets (0–3, where the rule is chosen) and of the later ones (late and fifth, read before);
``--sixth`` adds the held-out sixth set (read once, at the end).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.matching import DEFAULT_THRESHOLD, LEAD_CHARS, NewArticle
from alerts.topics import Topic, parse_topic
from bench.alert_quality import (
    ALL_TOPICS,
    SEEN,
    SOME_DAY,
    URL,
    labelled_copy,
    pool,
    prf,
    split,
    stored_articles,
)
from bench.common import machine, warm_embedder
from bot.container import Container
from bot.settings import Settings
from ingest.pipeline import SourceSpec
from retrieval.embeddings import BACKENDS, default_backend
from storage.alerts import ChangedArticle

LATER = (4, 5)
SIXTH = (6,)


def named(topic: Topic, text: str) -> bool:
    """The name, as a phrase, in ``text`` (case and accents aside, whole words)."""
    assert topic.quotable_name is not None
    return parse_topic(f'"{topic.quotable_name}"').admits(text)


def up_front(article: ChangedArticle) -> str:
    """The headline and lead, as matching reads them."""
    return f"{article.title}\n{article.text[:LEAD_CHARS]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=BACKENDS, default=default_backend())
    parser.add_argument("--sixth", action="store_true", help="also read the held-out sixth set")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        container = Container(Settings(data_dir=Path(tmp) / "data"),
                              embedder=warm_embedder(args.backend))
        report = container.pipeline.run([SourceSpec(str(labelled_copy(Path(tmp), n)))
                                         for n in pool()])
        assert report.ok, report.summary_lines()
        by_url, chunks = stored_articles(container)
        labelled = {url.removeprefix(URL): a for url, a in by_url.items()}
        names = list(labelled)
        articles = [NewArticle(a.article_id, a.title, a.text, a.terms, chunks[a.article_id],
                               SOME_DAY) for a in labelled.values()]
        topics = {n: parse_topic(text) for n, (text, _, _) in enumerate(ALL_TOPICS)}
        chosen = [n for n, t in topics.items() if t.quotable_name
                  and (split(n) != 6 or args.sixth)]
        scores = container.matcher.scores([topics[n] for n in chosen], articles)
        container.close()

    def found(rule: Callable[[int, int, str], bool], parts: tuple[int, ...]) -> dict[str, float]:
        picked = [(row, n) for row, n in enumerate(chosen) if split(n) in parts]
        return prf({(n, name) for row, n in picked for k, name in enumerate(names)
                    if rule(row, k, name)},
                   {(n, a) for _, n in picked for a in ALL_TOPICS[n][1]})

    def meaning(row: int, k: int, name: str) -> bool:
        return bool(scores[row, k] >= DEFAULT_THRESHOLD)

    def quoted(row: int, k: int, name: str) -> bool:
        article = labelled[name]
        return named(topics[chosen[row]], f"{article.title}\n{article.text}")

    def front(row: int, k: int, name: str) -> bool:
        return named(topics[chosen[row]], up_front(labelled[name]))

    def headline(row: int, k: int, name: str) -> bool:
        return named(topics[chosen[row]], labelled[name].title)

    def front_above(bar: float) -> Callable[[int, int, str], bool]:
        return lambda r, k, n: meaning(r, k, n) or (front(r, k, n) and scores[r, k] >= bar)

    rules: dict[str, Callable[[int, int, str], bool]] = {
        "meaning": meaning, "quoted_anywhere": quoted, "named_up_front": front,
        "up_front_or_meaning": lambda r, k, n: front(r, k, n) or meaning(r, k, n),
        "anywhere_or_meaning": lambda r, k, n: quoted(r, k, n) or meaning(r, k, n),
        "headline_or_meaning": lambda r, k, n: headline(r, k, n) or meaning(r, k, n),
        **{f"meaning_or_up_front_above_{bar:.2f}": front_above(bar)
           for bar in (0.30, 0.33, 0.36, 0.39, 0.42)},
    }
    groups = {"seen": SEEN, "later": LATER, **({"sixth": SIXTH} if args.sixth else {})}
    result = {
        "machine": machine(), "embedding_backend": args.backend, "threshold": DEFAULT_THRESHOLD,
        "topics": {group: [ALL_TOPICS[n][0] for n in chosen if split(n) in parts]
                   for group, parts in groups.items()},
        **{group: {rule: found(fn, parts) for rule, fn in rules.items()}
           for group, parts in groups.items()},
    }
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

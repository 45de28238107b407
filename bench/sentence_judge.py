"""Which sentence should lead an answer: fit the sentence score's weights and measure them.

    .venv/bin/python bench/sentence_judge.py [--backend onnx]

For every RealTime QA question (as of its date), the answerer's candidate sentences with their
features (retrieval/answer/extractive.py, SENTENCE_FEATURES); a sentence is a good lead when the
quote it would lead with holds the gold answer string. A logistic regression is fitted on the
even questions and measured on the odd ones (and the other way round): the share of questions
whose best-scored sentence is a good lead, shipped weights against fitted ones.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench.common import NEWSDATA, read_jsonl
from bench.eval import CACHE, as_of, norm
from bot.container import Container
from bot.settings import Settings
from retrieval.answer.extractive import SENTENCE_FEATURES, ExtractiveAnswerer, _span
from retrieval.embeddings import BACKENDS, default_backend


def candidates(answerer: ExtractiveAnswerer, question: dict[str, Any]
               ) -> tuple[np.ndarray, np.ndarray]:
    """The question's candidate sentences: features, and whether each would lead well."""
    until = as_of(question)
    # the answerer's own steps (private on purpose: this measures them)
    hits = answerer._searcher.search(question["question"], k=10, until=until, now=until)
    sentences = answerer._scored_sentences(question["question"], frozenset(), hits)
    wanted = norm(question["answer"])
    labels = []
    for sentence in sentences:
        start, end = _span(sentence, answerer._selection.lead_chars)
        labels.append(wanted in norm(sentence.hit.text[start:end]))
    return np.array([s.features for s in sentences]), np.array(labels)


def led_well(weights: np.ndarray, rows: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """The share of questions whose best sentence under ``weights`` leads well."""
    good = [bool(labels[int(np.argmax(x @ weights))]) for x, labels in rows if len(labels)]
    return round(sum(good) / len(rows), 3)


def main() -> None:
    """Fit on one half, measure on the other, both ways."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=BACKENDS, default=None)
    parser.add_argument("--c", type=float, default=1.0)
    args = parser.parse_args()
    backend = args.backend or default_backend()
    container = Container(Settings(data_dir=CACHE / f"eval-data-{backend}",
                                   embedding_backend=backend, model_cache_dir=CACHE / "models"))
    answerer = container.answerer
    assert isinstance(answerer, ExtractiveAnswerer)
    rows = [candidates(answerer, q) for q in read_jsonl(NEWSDATA / "realtimeqa_eval.jsonl")]
    shipped = np.array(answerer._selection.sentence_weights())
    report: dict[str, Any] = {"questions": len(rows),
                              "any_good_lead": round(sum(bool(y.any()) for _, y in rows)
                                                     / len(rows), 3)}
    for fit, test in (("even", "odd"), ("odd", "even")):
        train = rows[0::2] if fit == "even" else rows[1::2]
        held = rows[1::2] if fit == "even" else rows[0::2]
        x = np.vstack([x for x, _ in train if len(x)])
        y = np.concatenate([y for _, y in train if len(y)])
        model = LogisticRegression(C=args.c, max_iter=5000).fit(x, y)
        fitted = model.coef_[0]
        report[f"fit {fit}, measured {test}"] = {
            "shipped": led_well(shipped, held), "fitted": led_well(fitted, held),
            "weights": dict(zip(SENTENCE_FEATURES, (round(float(w), 3) for w in fitted),
                                strict=True)),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

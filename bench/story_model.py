"""Another outlet's report of one event, told apart from a neighbouring event on the same
subject: a small logistic model over what two story leads share (issue 22 item 6), measured by
bench/story_dedup.py and not shipped: on the fresh held-out pairs it was no more precise than
alerts.stories' rule (P 0.700 / R 0.350 against 0.714 / 0.250), and it took "Takaichi hosts Lee
at a dinner after the Nara summit" for the summit's own story (tests/bot/test_alerts_e2e.py).

Lead similarity alone does not separate the same event retold in other words from another
angle or another day's development, and neither do the rare words two leads share. With the
headline's particulars found in the other article's lead, and the days between them, they
separate better. The weights are reviewed data fitted on the labelled cross-outlet pairs that
had been read already (bench/alert_labels.py); ``bench/story_dedup.py --fit`` refits them, and
docs/benchmarks.md has the figures.
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass
from functools import lru_cache

from alerts.matching import Weights
from alerts.stories import StoryLead, shared_particulars
from core.terms import with_places

MAX_DAYS = 7.0  # a week apart or more reads as a week: the model says no long before
# scikit-learn's LogisticRegression (C=10) on the 101 seen pairs, rounded: the intercept, then
# one weight per EventFeatures field in order. Not a pickle, so that a change is reviewed.
COEFFICIENTS: tuple[float, ...] = (-5.359, 4.026, 3.888, 4.370, -1.805)
# Precision first: a false "same story" hides an alert from its reader, a false "new story"
# only alerts twice. The highest leave-one-out precision on the seen pairs.
THRESHOLD = 0.74


@dataclass(frozen=True)
class EventFeatures:
    """What two leads share, as the model reads it."""

    similarity: float  # cosine of the lead vectors
    particulars: float  # rarity-weighted share of the smaller lead's terms in the other lead
    headline_in_lead: float  # rarity-weighted share of each headline's terms in the other lead
    days: float  # between their dates, at most MAX_DAYS


def probability(features: EventFeatures) -> float:
    """The model's probability that two leads report one event."""
    intercept, *weights = COEFFICIENTS
    logit = intercept + sum(w * x for w, x in zip(weights, astuple(features), strict=True))
    return 1.0 / (1.0 + math.exp(-logit))


def same_event(features: EventFeatures) -> bool:
    """Two leads that report one event, by the model at its threshold."""
    return probability(features) >= THRESHOLD


def event_features(a: StoryLead, b: StoryLead, weights: Weights) -> EventFeatures:
    """What the model reads off two dated leads with vectors."""
    assert a.vector is not None and b.vector is not None
    assert a.when is not None and b.when is not None
    headline_a, headline_b = _headline_terms(a.title), _headline_terms(b.title)
    weight = weights(a.terms | b.terms | headline_a | headline_b)
    return EventFeatures(
        similarity=float(a.vector @ b.vector),
        particulars=shared_particulars(a, b, weights),
        headline_in_lead=(_found(headline_a, b.terms, weight)
                          + _found(headline_b, a.terms, weight)) / 2,
        days=min(MAX_DAYS, abs(a.when - b.when).total_seconds() / 86400))


def _found(terms: frozenset[str], lead: frozenset[str], weight: dict[str, float]) -> float:
    """The rarity-weighted share of ``terms`` that ``lead`` has."""
    total = sum(weight.get(t, 0.0) for t in terms)
    return sum(weight.get(t, 0.0) for t in terms & lead) / total if total > 0 else 0.0


@lru_cache(maxsize=4096)
def _headline_terms(title: str) -> frozenset[str]:
    # each new article is compared with every recent story: a headline recurs across pairs
    return frozenset(with_places(title))

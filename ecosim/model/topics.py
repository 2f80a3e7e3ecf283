"""The world: topics with heavy-tailed popularity whose knowledge drifts.

A topic stands for a field people ask about (a programming language, a subject area). Its
popularity is Zipf-like, so a few topics carry most of the demand (and most of the AI's
training data). Knowledge on a topic goes out of date at its own weekly rate, faster for
the kind of how-to knowledge a Q&A platform holds than for encyclopedic knowledge.
"""

from __future__ import annotations

import numpy as np

from ecosim.model.params import Param, Params, declare

declare(
    Param("world.topics", 100, "topics", "Number of topics (fields of knowledge).", 2, 5000,
          group="world"),
    Param("world.popularity_exponent", 1.0, "Zipf exponent",
          "How heavy-tailed topic popularity is: share of people on the k-th topic ~ k^-s.",
          0.0, 3.0, group="world"),
    Param("world.qa_drift", 0.004, "share per week",
          "Share of a topic's how-to knowledge that goes out of date each week (Q&A content).",
          0.0, 0.1, group="world"),
    Param("world.wiki_drift", 0.001, "share per week",
          "Share of a topic's encyclopedic knowledge that goes out of date each week.",
          0.0, 0.1, group="world"),
    Param("world.drift_spread", 0.5, "log-sd",
          "Spread of drift rates across topics (sd of the log multiplier).", 0.0, 2.0,
          group="world"),
)


class Topics:
    """Per-topic state of the world (arrays of length ``world.topics``).

    Attributes:
        popularity: Share of people whose field is each topic (sums to 1).
        qa_drift: Weekly share of Q&A knowledge going stale, per topic.
        wiki_drift: Weekly share of encyclopedic knowledge going stale, per topic.
        born_week: Week each topic (re)appeared; negative for the founding topics.
        popular: True for the most popular tenth of topics (at least one).
    """

    def __init__(self, p: Params, rng: np.random.Generator):
        world = p.world
        k = world.topics
        rank = np.arange(1, k + 1, dtype=np.float64)
        weights = rank ** -world.popularity_exponent
        self.popularity = weights / weights.sum()
        self.popular = np.zeros(k, dtype=bool)
        self.popular[np.argsort(-self.popularity, kind="stable")[: max(1, k // 10)]] = True
        spread = rng.lognormal(0.0, world.drift_spread, size=k)
        spread /= spread.mean()
        self.qa_drift = np.minimum(world.qa_drift * spread, 0.5)
        self.wiki_drift = np.minimum(world.wiki_drift * spread, 0.5)
        self.born_week = np.full(k, -1_000_000, dtype=np.int64)

    @property
    def count(self) -> int:
        """Number of topics."""
        return len(self.popularity)

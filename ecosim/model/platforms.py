"""The knowledge platforms: a Q&A site and an encyclopedia.

A platform holds, per topic, a stock of *fresh* content: contributions that still describe
current knowledge. The stock grows with contributions and shrinks as knowledge drifts. Its
coverage of a topic (the chance that a reader finds what they need) saturates with fresh
content per person in the topic's community (:func:`coverage`, the one formula that both
the platforms and the AI's training use). Content is kept by provenance group (core,
occasional and newcomer contributors, and AI-written posts), which is what the AI's
training data is made of.
"""

from __future__ import annotations

import numpy as np

from ecosim.model.difficulty import CLASSES
from ecosim.model.params import Param, declare

GROUPS = ("core", "occasional", "newcomer", "synthetic")
"""Provenance groups of content: who wrote it."""
SYNTHETIC = GROUPS.index("synthetic")

declare(
    Param("platforms.qa_coverage_scale", 0.6, "answers per community member",
          "Fresh answers per person in a topic's community that cover 63% of its how-to "
          "knowledge (coverage saturates beyond).", 0.001, 1000.0, group="platforms"),
    Param("platforms.wiki_coverage_scale", 6.0, "edits per community member",
          "Fresh edits per person in a topic's community that cover 63% of its encyclopedic "
          "knowledge.", 0.001, 10000.0, group="platforms"),
)


def coverage(content: np.ndarray, synthetic_value: float, community_share: np.ndarray,
             scale: float) -> np.ndarray:
    """Chance that a reader finds current knowledge on each topic, given fresh content.

    Args:
        content: Fresh content per capita by topic and provenance group (topics x groups).
        synthetic_value: What an AI-written post adds relative to a human one.
        community_share: Each topic community's share of the population.
        scale: Content per community member that covers 63% of a topic.
    """
    value = np.array((1.0, 1.0, 1.0, synthetic_value))  # by GROUPS: three human, one AI
    return 1.0 - np.exp(-(content @ value) / (community_share * scale))


class Platform:
    """A knowledge platform: per-topic fresh content, coverage, audience and activity.

    Attributes:
        name: "qa" or "wiki".
        drift: Weekly share of the platform's kind of knowledge going stale, per topic.
        coverage_scale: Content per community member that covers 63% of a topic.
        content: Fresh content per capita, by topic and provenance group (topics x 4).
        coverage: Chance a reader finds current knowledge on a topic (0..1).
        content_age: Mean age of the platform's content per topic (weeks).
        posted: Every post ever made, per capita, by topic and provenance group (it does
            not go stale: what an AI that keeps all its data can train on).
        contributions: Human contributions in the last week that had them, per topic.
        synthetic_posts: AI-written posts added in the last week, per topic.
        audience: Visits per community member, recent and usual (a :class:`Trend`).
        activity: Contributions per community member, recent and usual.
    """

    name = "platform"

    def __init__(self, drift: np.ndarray, coverage_scale: float):
        k = len(drift)
        self.drift = drift
        self.coverage_scale = coverage_scale
        self.content = np.zeros((k, len(GROUPS)))
        self.coverage = np.zeros(k)
        self.content_age = np.zeros(k)
        self.posted = np.zeros((k, len(GROUPS)))
        self.contributions = np.zeros(k)
        self.synthetic_posts = np.zeros(k)
        self.audience = Trend(k)
        self.activity = Trend(k)

    def refresh_coverage(self, synthetic_value: float, community_share: np.ndarray) -> None:
        """Recompute coverage from fresh content; AI-written posts count at their value."""
        self.coverage = coverage(self.content, synthetic_value, community_share,
                                 self.coverage_scale)

    def add_content(self, by_group: np.ndarray) -> None:
        """Add new posts (topics x groups, per capita) and make the content younger."""
        total_before = self.content.sum(axis=1)
        new = by_group.sum(axis=1)
        self.content += by_group
        self.posted += by_group
        total = total_before + new
        old_share = np.empty_like(total)
        old_share.fill(1.0)
        np.divide(total_before, total, out=old_share, where=total > 0)
        self.content_age *= old_share

    def withdraw_new(self, by_group: np.ndarray) -> None:
        """Take back posts added this week (topics x groups, per capita): the content
        that stays is as old as before they came."""
        total = self.content.sum(axis=1)
        self.content -= by_group
        np.maximum(self.content, 0.0, out=self.content)
        self.posted -= by_group
        np.maximum(self.posted, 0.0, out=self.posted)
        left = self.content.sum(axis=1)
        grow = np.ones_like(total)
        np.divide(total, left, out=grow, where=left > 0)
        self.content_age *= grow

    def audience_ratio(self) -> np.ndarray:
        """Recent audience relative to the usual one, per topic (1 = as usual)."""
        return self.audience.ratio()

    def activity_ratio(self) -> np.ndarray:
        """Recent contributions relative to the usual level, per topic (1 = as usual)."""
        return self.activity.ratio()


class Trend:
    """A per-topic signal seen two ways: recently (4-week average) and as usual (long
    average with a given memory). Their ratio is what people react to.

    The levels change only through :meth:`observe`, once a week; the ratio is kept until
    the next observation (several mechanisms read it every week).
    """

    def __init__(self, k: int):
        self.recent = np.full(k, np.nan)
        self.usual = np.full(k, np.nan)
        self._ratio: np.ndarray | None = None

    def observe(self, value: np.ndarray, memory: float) -> None:
        """Fold in this week's value (topics with no history start from it)."""
        fresh = np.isnan(self.recent)
        recent = self.recent + (value - self.recent) / 4.0
        self.recent = np.where(fresh, value, recent) if fresh.any() else recent
        usual = self.usual + (self.recent - self.usual) / memory
        self.usual = np.where(fresh, self.recent, usual) if fresh.any() else usual
        self._ratio = None

    def ratio(self) -> np.ndarray:
        """Recent over usual (1 where nothing is known yet or the usual level is zero).

        The array is shared by this week's readers: do not change it in place.
        """
        if self._ratio is None:
            # Both levels are >= 0 and NaN together (no history): the ratio is defined
            # exactly where the usual level is positive.
            self._ratio = np.ones(len(self.usual))
            np.divide(self.recent, self.usual, out=self._ratio, where=self.usual > 0)
        return self._ratio


class QAPlatform(Platform):
    """A Stack-Overflow-like Q&A site: people ask, contributors answer, answers are reused.

    Attributes:
        questions: New questions this week, per topic.
        questions_by_class: New questions this week by topic and difficulty class
            (:data:`ecosim.model.difficulty.CLASSES`).
        answers: Answers this week, per topic.
        answered_by_class: Recent share of questions that got an answer, by topic and
            difficulty class (starts at the 92% of a healthy platform, E-mamykina).
        answered_share: The same over all classes, weighted by the questions asked.
        question_trend: New questions per community member, recent and usual (what the
            answerers are used to having to answer).
        posts: The week's posts (answers and AI-written posts that stayed), per topic.
        post_quality: Mean quality of the week's posts (1 = an established contributor's
            answer), per topic.
    """

    name = "qa"

    def __init__(self, drift: np.ndarray, coverage_scale: float):
        super().__init__(drift, coverage_scale)
        k = len(drift)
        self.questions = np.zeros(k)
        self.questions_by_class = np.zeros((k, len(CLASSES)))
        self.answers = np.zeros(k)
        self.answered_by_class = np.full((k, len(CLASSES)), 0.92)
        self.answered_share = np.full(k, 0.92)
        self.question_trend = Trend(k)
        self.posts = np.zeros(k)
        self.post_quality = np.ones(k)


class Encyclopedia(Platform):
    """A Wikipedia-like encyclopedia: readers look things up, editors keep articles current."""

    name = "wiki"


class DataIncome:
    """What the platforms earn from AI data deals (licensing fees, revenue sharing) and how
    they spend it.

    Attributes:
        budget: Income not yet spent (budget units per capita).
        spent: Spending this week.
        newcomer_support: Share by which paid newcomer support softens gatekeeping.
    """

    def __init__(self) -> None:
        self.budget = 0.0
        self.spent = 0.0
        self.newcomer_support = 0.0

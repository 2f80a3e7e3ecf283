"""The knowledge platforms: a Q&A site and an encyclopedia, each a Mesa agent.

A platform holds, per topic, a stock of *fresh* content: contributions that still describe
current knowledge. The stock grows with contributions and shrinks as knowledge drifts. Its
coverage of a topic (the chance that a reader finds what they need) saturates with fresh
content per person in the topic's community. Content is kept by provenance group (core,
occasional and newcomer contributors, and AI-written posts), which is what the AI's
training data is made of.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ecosim.schema import Param, Params, declare

if TYPE_CHECKING:
    from ecosim.model import EcosystemModel

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
    Param("platforms.answers_per_question", 1.5, "answers",
          "Answers the Q&A community gives a question when it has the capacity.", 0.1, 20.0,
          group="platforms"),
    Param("platforms.cross_topic_answering", 1.0, "share 0..1",
          "Share of Q&A contributors' spare capacity spent on other topics' questions.",
          0.0, 1.0, group="platforms"),
    Param("platforms.audience_memory_weeks", 104, "weeks",
          "How long contributors take to get used to a new audience level (the reference "
          "their motivation compares today's audience with).", 1, 2000, group="platforms"),
)


class Platform(mesa.Agent):
    """A knowledge platform: per-topic fresh content, coverage, audience and activity.

    Attributes:
        name: "qa" or "wiki".
        content: Fresh content per capita, by topic and provenance group (topics x 4).
        coverage: Chance a reader finds current knowledge on a topic (0..1).
        content_age: Mean age of the platform's content per topic (weeks).
        visits: Visits this week, per topic.
        contributions: Human contributions this week, per topic.
        audience: Visits per community member, recent and usual (a :class:`Trend`).
        activity: Contributions per community member, recent and usual.
    """

    name = "platform"
    coverage_key = ""

    def __init__(self, model: EcosystemModel, drift: np.ndarray):
        super().__init__(model)
        k = len(drift)
        self.drift = drift
        self.content = np.zeros((k, len(GROUPS)))
        self.coverage = np.zeros(k)
        self.content_age = np.zeros(k)
        self.visits = np.zeros(k)
        self.contributions = np.zeros(k)
        self.synthetic_posts = np.zeros(k)
        self.audience = Trend(k)
        self.activity = Trend(k)

    def refresh_coverage(self, p: Params, community_share: np.ndarray) -> None:
        """Recompute coverage from fresh content; AI-written posts count at their value."""
        value = np.ones(len(GROUPS))
        value[SYNTHETIC] = p["synthetic.content_value"]
        effective = self.content @ value
        scale = community_share * p[self.coverage_key]
        self.coverage = 1.0 - np.exp(-effective / scale)

    def add_content(self, by_group: np.ndarray) -> None:
        """Add new posts (topics x groups, per capita) and make the content younger."""
        total_before = self.content.sum(axis=1)
        new = by_group.sum(axis=1)
        self.content += by_group
        with np.errstate(invalid="ignore", divide="ignore"):
            old_share = np.where(total_before + new > 0, total_before / (total_before + new), 1.0)
        self.content_age *= old_share

    def end_week(self, p: Params, members: np.ndarray) -> None:
        """Update the audience and activity trends from this week's visits and posts."""
        memory = p["platforms.audience_memory_weeks"]
        members = np.maximum(members, 1.0)
        self.audience.observe(self.visits / members, memory)
        self.activity.observe(self.contributions / members, memory)

    def audience_ratio(self) -> np.ndarray:
        """Recent audience relative to the usual one, per topic (1 = as usual)."""
        return self.audience.ratio()

    def activity_ratio(self) -> np.ndarray:
        """Recent contributions relative to the usual level, per topic (1 = as usual)."""
        return self.activity.ratio()


class Trend:
    """A per-topic signal seen two ways: recently (4-week average) and as usual (long
    average with a given memory). Their ratio is what people react to."""

    def __init__(self, k: int):
        self.recent = np.full(k, np.nan)
        self.usual = np.full(k, np.nan)

    def observe(self, value: np.ndarray, memory: float) -> None:
        """Fold in this week's value (topics with no history start from it)."""
        fresh = np.isnan(self.recent)
        self.recent = np.where(fresh, value, self.recent + (value - self.recent) / 4.0)
        self.usual = np.where(fresh, self.recent, self.usual + (self.recent - self.usual) / memory)

    def ratio(self) -> np.ndarray:
        """Recent over usual (1 where nothing is known yet or the usual level is zero)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            r = self.recent / self.usual
        return np.nan_to_num(r, nan=1.0, posinf=1.0)


class QAPlatform(Platform):
    """A Stack-Overflow-like Q&A site: people ask, contributors answer, answers are reused.

    Attributes:
        questions: New questions this week, per topic.
        answers: Answers this week, per topic.
        answered_share: Recent share of questions that got an answer (starts at the 92% of
            a healthy platform, E-mamykina), per topic.
    """

    name = "qa"
    coverage_key = "platforms.qa_coverage_scale"

    def __init__(self, model: EcosystemModel, drift: np.ndarray):
        super().__init__(model, drift)
        k = len(drift)
        self.questions = np.zeros(k)
        self.answers = np.zeros(k)
        self.answered_share = np.full(k, 0.92)


class Encyclopedia(Platform):
    """A Wikipedia-like encyclopedia: readers look things up, editors keep articles current."""

    name = "wiki"
    coverage_key = "platforms.wiki_coverage_scale"

"""The world state: everything the mechanisms act on.

A :class:`World` holds the topics, the people, the two platforms, the two AIs, the
platforms' income from data deals, and this week's flows. It is plain data: a mechanism is
a function of (world, parameters, its random stream) that changes the world in place, and
nothing here knows the Mesa model that schedules them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecosim.model.assistant import Assistant
from ecosim.model.flows import Flows
from ecosim.model.params import Params
from ecosim.model.people import People
from ecosim.model.platforms import DataIncome, Encyclopedia, Platform, QAPlatform
from ecosim.model.topics import Topics

WIKI, QA = 0, 1
"""Platform kind index (``People.home_qa`` as int; the last axis of the flows' cells)."""


@dataclass
class World:
    """The state of the content ecosystem in one week.

    Attributes:
        week: The current week (negative during the burn-in; 0 is the first recorded week).
        topics: The fields of knowledge.
        people: The population (numpy columns).
        qa: The Q&A platform.
        wiki: The encyclopedia.
        ai: The commercial AI.
        public_ai: The public AI (released only if ``public_ai.enabled``).
        data_income: The platforms' income from AI data deals.
        flows: This week's flows.
        frozen_funnel: The reader funnel's rates of the week the loop froze (None until
            then; :mod:`ecosim.model.loop`).
        frozen_posts: The platforms' fresh content and posts ever (Q&A, encyclopedia) of
            the week the loop froze: what the AIs retrain on from then on.
    """

    week: int
    topics: Topics
    people: People
    qa: QAPlatform
    wiki: Encyclopedia
    ai: Assistant
    public_ai: Assistant
    data_income: DataIncome
    flows: Flows
    frozen_funnel: np.ndarray | None = None
    frozen_posts: tuple[np.ndarray, ...] | None = None

    @property
    def ais(self) -> tuple[Assistant, Assistant]:
        """Both AIs, the commercial one first."""
        return (self.ai, self.public_ai)

    @property
    def platforms(self) -> tuple[Platform, Platform]:
        """Both platforms by kind index: (encyclopedia, Q&A)."""
        return (self.wiki, self.qa)

    @property
    def ai_available(self) -> bool:
        """True once any AI (commercial or public) has been released."""
        return self.ai.launched or self.public_ai.launched

    def refresh_coverage(self, synthetic_value: float) -> None:
        """Recompute both platforms' coverage from their fresh content."""
        for platform in (self.qa, self.wiki):
            platform.refresh_coverage(synthetic_value, self.people.community_share)


def build_world(p: Params, rng: np.random.Generator, week: int) -> World:
    """Draw the topics and the people, and seed the platforms with some content so that
    the burn-in converges quickly."""
    topics = Topics(p, rng)
    people = People(p, topics, rng)
    k = topics.count
    qa = QAPlatform(topics.qa_drift, p.platforms.qa_coverage_scale)
    wiki = Encyclopedia(topics.wiki_drift, p.platforms.wiki_coverage_scale)
    ais = (Assistant("ai", k, p.synthetic.detection),
           Assistant("public_ai", k, p.synthetic.detection))
    world = World(week, topics, people, qa, wiki, *ais, DataIncome(), Flows(k))
    for platform in (qa, wiki):
        platform.content[:, 1] = people.community_share * platform.coverage_scale * 1.5
        platform.posted[:] = platform.content
    world.refresh_coverage(p.synthetic.content_value)
    return world

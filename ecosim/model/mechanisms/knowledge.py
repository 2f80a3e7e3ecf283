"""Knowledge: the world moves on, and platform content goes stale."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.params import Param, Params, declare
from ecosim.model.schedule import Cite, mechanism

if TYPE_CHECKING:
    from ecosim.model.world import World

declare(
    Param("world.new_topic_rate", 0.0005, "per topic per week",
          "Chance each week that a topic is replaced by a new one nobody has written about.",
          0.0, 0.05, group="world"),
)


@mechanism(
    key="knowledge_drift",
    summary="Platform content goes stale as each topic's knowledge drifts; now and then a "
            "topic is replaced by a new one nobody has written about.",
    intent="The world moves on: APIs change, facts change, new fields appear; content that "
           "is not kept up stops answering today's questions.",
    evidence=[Cite("E-lazaridou", "models trained on past data do worse on the future, and "
                   "worse with time", form_only=True),
              Cite("E-cutoff", "knowledge goes stale unevenly across topics (per-topic "
                   "drift rates)", form_only=True)],
    targets=["T-wiki-modest"],
    assumptions=["Fresh content decays exponentially at the topic's drift rate.",
                 "How-to knowledge (Q&A) drifts about four times faster than encyclopedic "
                 "knowledge by default (world.qa_drift vs world.wiki_drift).",
                 "A renewed topic is new to every AI trained before it appeared."],
)
def knowledge_drift(world: World, p: Params, rng: np.random.Generator) -> None:
    """Decay fresh content, age it, and renew a few topics."""
    for platform in (world.qa, world.wiki):
        platform.content *= (1.0 - platform.drift)[:, None]
        platform.content_age += 1.0
    renewed = np.flatnonzero(rng.random(world.topics.count) < p.world.new_topic_rate)
    if len(renewed):
        for platform in (world.qa, world.wiki):
            platform.content[renewed] = 0.0
            platform.content_age[renewed] = 0.0
        world.topics.born_week[renewed] = world.week
    world.flows.renewed_topics = len(renewed)
    world.refresh_coverage(p.synthetic.content_value)

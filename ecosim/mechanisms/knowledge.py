"""Knowledge: the world moves on, and platform content goes stale."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.registry import Cite, mechanism
from ecosim.schema import Params

if TYPE_CHECKING:
    from ecosim.model import EcosystemModel


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
    parameters=["world.new_topic_rate", "synthetic.content_value",
                "platforms.qa_coverage_scale", "platforms.wiki_coverage_scale"],
    assumptions=["Fresh content decays exponentially at the topic's drift rate.",
                 "How-to knowledge (Q&A) drifts about four times faster than encyclopedic "
                 "knowledge by default (world.qa_drift vs world.wiki_drift)."],
)
def knowledge_drift(model: EcosystemModel, p: Params, rng: np.random.Generator) -> None:
    """Decay fresh content, age it, and renew a few topics."""
    for platform in (model.qa, model.wiki):
        platform.content *= (1.0 - platform.drift)[:, None]
        platform.content_age += 1.0
    renewed = np.flatnonzero(rng.random(model.topics.count) < p["world.new_topic_rate"])
    if len(renewed):
        for platform in (model.qa, model.wiki):
            platform.content[renewed] = 0.0
            platform.content_age[renewed] = 0.0
        for ai in model.ais:
            ai.quality_at_training[renewed] = 0.0
            ai.quality[renewed] = 0.0
        model.topics.born_week[renewed] = model.week
    model.flows.renewed_topics = len(renewed)
    model.refresh_coverage()

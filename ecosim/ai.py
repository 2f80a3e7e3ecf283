"""The AI substitute: a Mesa agent trained on snapshots of the platforms.

The AI launches at ``ai.launch_week``. Each training run reads the platforms' fresh content
(minus what contributors withheld) and sets, per topic, the quality of its answers:

    quality = capability x coverage x data_value(volume) x exp(-collapse_error)

where coverage is the share of current knowledge present in the training data (breadth), and
``data_value`` is a concave curve of the volume of data on the topic (depth, E-data-value:
20% of the data gets 80% of the way). After the cutoff, answers go stale as the world drifts
(see the ``ai_retraining`` mechanism). The AI also keeps the provenance of its training data.

A second, **public AI** (keys ``public_ai.*``, off by default) is the same kind of agent with
another policy: it trains only on content its authors opted in (or redirected to it in a
data strike), cites its sources, tells users where answers come from, and pays platforms
for the data it uses. Capability can step up in generations (``ai.generation2_week``...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ecosim.platforms import GROUPS, SYNTHETIC
from ecosim.schema import Param, Params, declare

if TYPE_CHECKING:
    from ecosim.model import EcosystemModel

declare(
    Param("ai.enabled", True, "switch",
          "Whether the AI exists; false gives the counterfactual world without it.",
          group="ai"),
    Param("ai.launch_week", 104, "week", "Week the AI is released (weeks after the start).",
          0, 100_000, group="ai"),
    Param("ai.capability", 0.8, "share 0..1",
          "Best answer quality the AI reaches on a topic with complete, plentiful data.",
          0.0, 1.0, group="ai"),
    Param("ai.data_value_exponent", 0.139, "exponent",
          "Concavity of the data-value curve: quality ~ data^e; 0.139 means 20% of the data "
          "gives 80% of the quality (E-data-value).", 0.01, 1.0, group="ai"),
    Param("ai.best_case_data", 1.0, "contributions per capita",
          "Fresh content on a topic (per person in the world) at which more data stops "
          "helping.", 0.0001, 1000.0, group="ai"),
    Param("ai.generation2_week", 100_000, "week",
          "Week a more capable model generation is released (100000: never).", 0, 100_000,
          group="ai"),
    Param("ai.generation2_capability", 0.9, "share 0..1",
          "Capability of the second generation (E-capability-steps).", 0.0, 1.0, group="ai"),
    Param("ai.generation3_week", 100_000, "week",
          "Week a third generation is released (100000: never).", 0, 100_000, group="ai"),
    Param("ai.generation3_capability", 0.95, "share 0..1",
          "Capability of the third generation.", 0.0, 1.0, group="ai"),
    Param("public_ai.enabled", False, "switch",
          "Whether a public AI exists beside the commercial one.", group="interventions"),
    Param("public_ai.launch_week", 104, "week", "Week the public AI is released.", 0,
          100_000, group="interventions"),
    Param("public_ai.capability", 0.75, "share 0..1",
          "Best answer quality the public AI reaches with complete, plentiful data.",
          0.0, 1.0, group="interventions"),
    Param("public_ai.opt_in", 0.3, "share 0..1",
          "Share of human content whose authors opted in to the public AI's training.",
          0.0, 1.0, group="interventions"),
)


class AISubstitute(mesa.Agent):
    """The AI assistant people may ask instead of visiting a platform.

    Attributes:
        launched: True from the launch week on.
        generation: Number of training runs so far (0 before launch).
        trained_week: Week of the last training run.
        quality_at_training: Per-topic answer quality right after the last training.
        quality: Per-topic answer quality this week (0..1; 0 before launch).
        reputation: Per-topic quality the AI's users perceive (their trust in it).
        collapse_error: Error accumulated by training on AI-written content.
        provenance: Share of the last training set written by each group (core, occasional,
            newcomer, synthetic).
        withheld: Share of each topic's content, by group, withheld from training.
        redirected_in: Share of each topic's content, by group, that striking collectives
            redirect to this AI (the public AI only).
        key: Scenario prefix of this AI's keys ("ai" or "public_ai").
    """

    def __init__(self, model: EcosystemModel, topics: int, key: str = "ai"):
        super().__init__(model)
        self.key = key
        self.public = key == "public_ai"
        self.redirected_in = np.zeros((topics, len(GROUPS)))
        self.trained_capability = 0.0
        self.launched = False
        self.generation = 0
        self.trained_week = -1
        self.quality_at_training = np.zeros(topics)
        self.quality = np.zeros(topics)
        self.reputation = np.zeros(topics)
        self.reputation_age = 0
        self.training_synthetic_share = 0.0
        self.collapse_error = 0.0
        self.provenance = np.zeros(len(GROUPS))
        self.withheld = np.zeros((topics, len(GROUPS)))
        self.training_volume = 0.0

    def step(self) -> None:
        """Launch in the launch week (the first training run)."""
        model = self.model
        p = model.p
        k = self.key
        if p[f"{k}.enabled"] and not self.launched and model.week >= p[f"{k}.launch_week"]:
            self.launched = True
            self.train(p)

    def capability(self, p: Params) -> float:
        """Best quality this AI can reach now (the latest released generation's)."""
        if self.public:
            return p["public_ai.capability"]
        cap = p["ai.capability"]
        for gen in ("generation2", "generation3"):
            if self.model.week >= p[f"ai.{gen}_week"]:
                cap = p[f"ai.{gen}_capability"]
        return cap

    def retrain_due(self, p: Params) -> bool:
        """True in weeks when the ``ai_retraining`` mechanism trains a new generation: every
        ``ai.retrain_interval`` weeks, and when a more capable generation is released."""
        if not self.launched or not p["mechanisms.ai_retraining"]:
            return False
        since = self.model.week - self.trained_week
        return since >= p["ai.retrain_interval"] or self.capability(p) != self.trained_capability

    def training_data(self) -> tuple[np.ndarray, np.ndarray]:
        """Content available for training, per topic and group, for both platforms.

        Returns:
            The Q&A and encyclopedia content (topics x groups) minus withheld shares.
        """
        keep = 1.0 - self.withheld
        if self.public:  # only what authors opted in or redirected here
            # Opting in and redirecting are independent choices, as collectives are.
            opted = 1.0 - (1.0 - self.model.p["public_ai.opt_in"]) * (1.0 - self.redirected_in)
            keep[:, :SYNTHETIC] = opted[:, :SYNTHETIC]
        return self.model.qa.content * keep, self.model.wiki.content * keep

    def train(self, p: Params) -> None:
        """Train a new generation on the current platforms (see the module docstring)."""
        model = self.model
        qa, wiki = self.training_data()
        value = np.ones(len(GROUPS))
        value[SYNTHETIC] = p["synthetic.content_value"]
        share = model.community_share
        cov_qa = 1.0 - np.exp(-(qa @ value) / (share * p["platforms.qa_coverage_scale"]))
        cov_wiki = 1.0 - np.exp(-(wiki @ value) / (share * p["platforms.wiki_coverage_scale"]))
        breadth = 1.0 - (1.0 - cov_qa) * (1.0 - cov_wiki)
        volume = qa.sum(axis=1) + wiki.sum(axis=1)
        depth = np.minimum(1.0, volume / p["ai.best_case_data"]) ** p["ai.data_value_exponent"]
        self.trained_capability = self.capability(p)
        self.quality_at_training = (
            self.trained_capability * breadth * depth * np.exp(-self.collapse_error)
        )
        self.quality = self.quality_at_training.copy()
        by_group = qa.sum(axis=0) + wiki.sum(axis=0)
        total = by_group.sum()
        self.provenance = by_group / total if total > 0 else np.zeros(len(GROUPS))
        self.training_volume = float(total)
        self.generation += 1
        self.trained_week = model.week

"""The AI substitute: a Mesa agent trained on snapshots of the platforms.

The AI launches at ``ai.launch_week``. Each training run reads the platforms' fresh content
(minus what contributors withheld) and sets, per topic, the quality of its answers:

    quality = capability x coverage x data_value(volume) x exp(-collapse_error)

where coverage is the share of current knowledge present in the training data (breadth), and
``data_value`` is a concave curve of the volume of data on the topic (depth, E-data-value:
20% of the data gets 80% of the way). After the cutoff, answers go stale as the world drifts
(see the ``ai_retraining`` mechanism). The AI also keeps the provenance of its training data.
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
    """

    def __init__(self, model: EcosystemModel, topics: int):
        super().__init__(model)
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
        if p["ai.enabled"] and not self.launched and model.week >= p["ai.launch_week"]:
            self.launched = True
            self.train(p)

    def retrain_due(self, p: Params) -> bool:
        """True in weeks when the ``ai_retraining`` mechanism would train a new generation."""
        if not self.launched or not p["mechanisms.ai_retraining"]:
            return False
        since = self.model.week - self.trained_week
        return since >= p["ai.retrain_interval"]

    def training_data(self) -> tuple[np.ndarray, np.ndarray]:
        """Content available for training, per topic and group, for both platforms.

        Returns:
            The Q&A and encyclopedia content (topics x groups) minus withheld shares.
        """
        keep = 1.0 - self.withheld
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
        self.quality_at_training = (
            p["ai.capability"] * breadth * depth * np.exp(-self.collapse_error)
        )
        self.quality = self.quality_at_training.copy()
        by_group = qa.sum(axis=0) + wiki.sum(axis=0)
        total = by_group.sum()
        self.provenance = by_group / total if total > 0 else np.zeros(len(GROUPS))
        self.training_volume = float(total)
        self.generation += 1
        self.trained_week = model.week

"""The AI assistant: what it knows, and how good its answers are this week.

An :class:`Assistant` holds the state of one AI (the commercial one, or a public one): when
it was released and last trained, what its training gave it per topic, and where its
training data came from. What it does with that state lives in one mechanism module,
:mod:`ecosim.model.mechanisms.ai` (release, the retraining schedule, training, the error of
training on AI-written posts). Its answers this week follow from the state by one pure
function, :meth:`Assistant.quality`:

    quality = quality at training x exp(-drift x (weeks since training + cutoff lag))

per topic, and per difficulty class of how-to needs (``class_profile``: how much better or
worse than its mean on the topic it answers easy, medium and hard needs).

The AI knows what its training data knew: as the world drifts past its knowledge cutoff,
its answers go stale, and a topic that is replaced by a new one after its training is
unknown to it.
"""

from __future__ import annotations

import numpy as np

from ecosim.model.difficulty import CLASSES
from ecosim.model.platforms import GROUPS
from ecosim.model.topics import Topics


class Assistant:
    """One AI assistant people may ask instead of visiting a platform.

    Attributes:
        key: Scenario prefix of this AI's keys ("ai" or "public_ai").
        public: True for the public AI (trains on opted-in content, cites its sources).
        launched: True from the release week on.
        generation: Number of training runs so far (0 before the release).
        trained_week: Week of the last training run.
        trained_capability: Capability of the generation trained last.
        quality_at_training: Per-topic answer quality right after the last training (on
            the average need of the topic).
        class_profile: Quality on each difficulty class of how-to needs relative to the
            topic's quality (topics x classes): its handicap on hard needs, and what
            training on its own output lost, tails first.
        answer_drift: Per-topic weekly rate at which its answers go stale (the demand-weighted
            drift of what it was trained on).
        cutoff_lag: How much older than its release its knowledge is (weeks).
        trained_on: The topics as they were when it was last trained (each topic's birth
            week); a topic born since is new to it.
        reputation: Per-topic quality the AI's users perceive (their trust in it).
        reputation_age: Weeks of experience behind the reputation.
        collapse_error: Per topic and difficulty class, how far the current generation's
            picture of the topic is from the truth because it learned from AI-written
            documents (0: none; its quality there is exp(-error^2) of what real data give).
        corpus_real: Human-written documents in the accumulated training corpus, per topic
            (per capita).
        corpus_synthetic: AI-written documents in the accumulated corpus, per topic.
        corpus_error_mass: AI-written documents in the accumulated corpus times the error
            each carries, per topic and class (so mass / documents is their mean error).
        posted_at_training: The platforms' posts ever, by topic and group, when this AI was
            last trained (what is new since is the next window).
        training_synthetic_share: Share of AI-written content in the last training set.
        provenance: Share of the last training set written by each group (core, occasional,
            newcomer, synthetic).
        training_volume: Amount of content in the last training set (per capita).
        withheld: Share of each topic's content, by group, kept out of training (struck by
            collectives, or AI-written posts that the developer detects and filters).
        redirected_in: Share of each topic's content, by group, that striking collectives
            redirect to this AI (the public AI only).
    """

    def __init__(self, key: str, topics: int, detection: float):
        self.key = key
        self.public = key == "public_ai"
        self.launched = False
        self.generation = 0
        self.trained_week = -1
        self.trained_capability = 0.0
        self.quality_at_training = np.zeros(topics)
        self.class_profile = np.ones((topics, len(CLASSES)))
        self.answer_drift = np.zeros(topics)
        self.cutoff_lag = 0
        self.trained_on = np.zeros(topics, dtype=np.int64)
        self.reputation = np.zeros(topics)
        self.reputation_age = 0
        self.collapse_error = np.zeros((topics, len(CLASSES)))
        self.corpus_real = np.zeros(topics)
        self.corpus_synthetic = np.zeros(topics)
        self.corpus_error_mass = np.zeros((topics, len(CLASSES)))
        self.posted_at_training = np.zeros((topics, len(GROUPS)))
        self.training_synthetic_share = 0.0
        self.provenance = np.zeros(len(GROUPS))
        self.training_volume = 0.0
        self.withheld = np.zeros((topics, len(GROUPS)))
        self.withheld[:, GROUPS.index("synthetic")] = detection
        self.redirected_in = np.zeros((topics, len(GROUPS)))

    def quality(self, week: int, topics: Topics) -> np.ndarray:
        """Per-topic answer quality in ``week`` (0..1; zero before the release).

        What the last training gave, gone stale since: quality at training times
        exp(-drift x age), where age counts the weeks since training plus the cutoff lag.
        Topics replaced by new ones since the training score zero.
        """
        if not self.launched:
            return np.zeros(topics.count)
        age = week - self.trained_week + self.cutoff_lag
        stale = self.quality_at_training * np.exp(-self.answer_drift * age)
        return np.where(topics.born_week == self.trained_on, stale, 0.0)

"""This week's flows: what the mechanisms hand each other within one week.

Needs become look-ups, look-ups become visits or AI answers, unmet needs become questions,
and recruits meet the gatekeepers. Each mechanism writes what it produces here, and the
mechanisms after it (and the weekly record) read it. The flows are cleared at the start of
every week; what must last longer is state of the people, the platforms or the AIs.
"""

from __future__ import annotations

import numpy as np


class Flows:
    """The week's per-topic flows.

    Cell arrays are indexed (topic, AI user 0/1, platform 0 encyclopedia / 1 Q&A).

    Attributes:
        needs: Needs by cell (``information_needs``).
        need_rate_cell: Expected needs per week by (topic, AI user) (``information_needs``).
        lookups: Needs taken to a platform, by cell (``information_needs``,
            ``source_choice``).
        qa_lookups: The how-to look-ups (``lookups[..., 1]``) by (topic, AI user,
            difficulty class); mechanisms that change one keep the other in step
            (:meth:`sync_qa`).
        ai_answers: Needs the AIs answered, by (topic, platform kind) (``source_choice``,
            ``question_asking``).
        public_answers: The public AI's part of ``ai_answers``.
        public_pick: Chance an AI user picks the public AI over the commercial one.
        ai_reputation: Perceived quality of the AI an AI user would pick, per topic.
        ai_profile: That AI's quality on each difficulty class relative to its mean on
            the topic, by (topic, class).
        ai_ask_prob: Chance an AI user asks an AI rather than posting a question, by
            (topic, difficulty class).
        questions: New questions by (topic, AI user, difficulty class)
            (``question_asking``).
        clicks: Visits from cited links, by (topic, platform kind) (``attribution``).
        effort_factor: Multiplier of contributors' effort by (topic, platform kind)
            (``audience_motivation``, ``licensing``).
        churn_factor: Multiplier of contributors' churn hazard by (topic, platform kind)
            (``question_starvation``).
        curation: Effort the Q&A contributors spend this week curating AI-written posts,
            per topic, in answers (``moderation``).
        removed_ai_posts: AI-written Q&A posts deterred or removed (``moderation``).
        recruits: People who started contributing this week (``reader_recruitment``).
        rejected: Recruits who quit at once after a harsh reception (``gatekeeping``).
        departures: Contributors who left (``contributor_churn``).
        new_adopters: People who started using an AI (``ai_adoption``).
        renewed_topics: Topics replaced by new ones (``knowledge_drift``).
    """

    def __init__(self, topics: int):
        self.k = topics
        self.reset()

    def reset(self) -> None:
        """Clear the flows for a new week."""
        k = self.k
        self.needs = np.zeros((k, 2, 2), dtype=np.int64)
        self.need_rate_cell = np.zeros((k, 2))
        self.lookups = np.zeros((k, 2, 2), dtype=np.int64)
        self.qa_lookups = np.zeros((k, 2, 3), dtype=np.int64)
        self.ai_answers = np.zeros((k, 2), dtype=np.int64)
        self.clicks = np.zeros((k, 2), dtype=np.int64)
        self.ai_ask_prob = np.zeros((k, 3))
        self.public_answers = np.zeros((k, 2), dtype=np.int64)
        self.public_pick = np.zeros(k)
        self.ai_reputation = np.zeros(k)
        self.ai_profile = np.ones((k, 3))
        self.questions = np.zeros((k, 2, 3), dtype=np.int64)
        self.effort_factor = np.ones((k, 2))
        self.churn_factor = np.ones((k, 2))
        self.curation = np.zeros(k)
        self.removed_ai_posts = 0
        self.recruits = np.zeros(0, dtype=np.int64)
        self.rejected = 0
        self.departures = 0
        self.new_adopters = 0
        self.renewed_topics = 0

    def sync_qa(self) -> None:
        """Set the how-to look-ups by cell to their sum over difficulty classes."""
        self.lookups[..., 1] = self.qa_lookups.sum(axis=2)

    def visits(self) -> np.ndarray:
        """This week's visits by (topic, platform kind): look-ups and followed links."""
        return self.lookups.sum(axis=1) + self.clicks.astype(np.float64)

    def clicks_by_cell(self) -> np.ndarray:
        """Followed links as (topic, AI user, platform): all clicks come from AI users."""
        out = np.zeros((self.k, 2, 2), dtype=np.int64)
        out[:, 1, :] = self.clicks
        return out

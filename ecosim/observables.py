"""What the model records each week, and the week's scratch flows.

:class:`Flows` holds the week's per-topic quantities that mechanisms pass along (needs,
look-ups, questions, AI answers, ...). :func:`weekly_record` turns the model's state into
one row of the time series; :data:`Flows.COLUMNS` lists the columns and their meanings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.mechanisms.contribution import effort
from ecosim.platforms import GROUPS, SYNTHETIC

if TYPE_CHECKING:
    from ecosim.model import EcosystemModel

COLUMNS: dict[str, str] = {
    "week": "week number (0 = first recorded week)",
    "questions": "new questions posted on the Q&A platform",
    "questions_popular": "new questions on the most popular tenth of topics",
    "answers": "answers posted on the Q&A platform",
    "edits": "edits to the encyclopedia",
    "contributions": "answers and edits",
    "visits_qa": "visits (look-ups and followed links) to the Q&A platform",
    "visits_wiki": "visits to the encyclopedia",
    "active_contributors": "people who are contributors this week",
    "core_contributors": "contributors expected to make >= contributors.core_threshold a week",
    "occasional_contributors": "established contributors below the core threshold",
    "newcomer_contributors": "contributors in their first contributors.newcomer_weeks",
    "contributors_cohesive": "contributors in the more densely knit half of the topics",
    "contributors_sparse": "contributors in the less densely knit half of the topics",
    "newcomers": "people who became contributors this week (after gatekeeping)",
    "rejected_newcomers": "recruits who quit at once after their contributions were reverted",
    "departures": "contributors who left this week",
    "ever_contributed_share": "share of people who have ever contributed",
    "top1_share": "share of this week's contributions made by the top 1% of contributors",
    "ai_share": "share of needs the AI served",
    "ai_quality": "AI answer quality, mean over topics (0..1)",
    "ai_quality_served": "AI answer quality weighted by demand (0..1)",
    "ai_reputation": "AI quality as its users perceive it, weighted by demand (0..1)",
    "public_ai_share": "share of needs the public AI served (part of ai_share)",
    "public_ai_quality": "public AI answer quality, mean over topics (0..1)",
    "ai_adopters": "share of people who use the AI",
    "ai_generation": "number of AI training runs so far",
    "ai_retrained": "1 in weeks when a new AI generation was trained",
    "collapse_error": "error the AI inherited from training on AI-written data",
    "coverage_qa": "chance a how-to need finds current content on the Q&A platform (0..1)",
    "coverage_wiki": "chance a look-up finds current content in the encyclopedia (0..1)",
    "content_age_qa": "mean age of Q&A content (weeks), weighted by demand",
    "content_age_wiki": "mean age of encyclopedia content (weeks), weighted by demand",
    "answered_share": "recent share of questions that got an answer",
    "synthetic_share_qa": "share of fresh Q&A content written by the AI",
    "synthetic_share_wiki": "share of fresh encyclopedia content written by the AI",
    "provenance_core": "share of the AI's last training data written by core contributors",
    "provenance_occasional": "share written by occasional contributors",
    "provenance_newcomer": "share written by newcomers",
    "provenance_synthetic": "share written by the AI itself",
    "withheld_share": "share of the platforms' content withheld from AI training now",
    "training_synthetic_share": "share of AI-written content in the last training set",
    "synthetic_posts": "AI-written posts added to the platforms this week",
    "new_adopters": "people who started using an AI this week",
    "renewed_topics": "topics replaced by new ones this week (nobody has written about them)",
    "data_income": "platforms' weekly spending of income from AI data deals (per capita)",
    "newcomer_support": "share by which paid newcomer support softens gatekeeping",
}


class Flows:
    """The week's per-topic flows, reset at the start of every week.

    Cell arrays are indexed (topic, AI user 0/1, platform 0 encyclopedia / 1 Q&A).
    """

    COLUMNS = tuple(COLUMNS)

    def __init__(self, topics: int):
        self.k = topics
        self.reset()

    def reset(self) -> None:
        """Clear the flows for a new week."""
        k = self.k
        self.needs = np.zeros((k, 2, 2), dtype=np.int64)
        self.lookups = np.zeros((k, 2, 2), dtype=np.int64)
        self.ai_answers = np.zeros((k, 2), dtype=np.int64)
        self.clicks = np.zeros((k, 2), dtype=np.int64)
        self.ai_ask_prob = np.zeros(k)
        self.public_answers = np.zeros((k, 2), dtype=np.int64)
        self.public_pick = np.zeros(k)
        self.ai_reputation = np.zeros(k)
        self.questions = np.zeros((k, 2), dtype=np.int64)
        self.effort_factor = np.ones((k, 2))
        self.need_rate_cell: np.ndarray | None = None
        self.recruits = np.zeros(0, dtype=np.int64)
        self.rejected = 0
        self.departures = 0
        self.new_adopters = 0
        self.renewed_topics = 0

    def clicks_by_cell(self) -> np.ndarray:
        """Followed links as (topic, AI user, platform): all clicks come from AI users."""
        out = np.zeros((self.k, 2, 2), dtype=np.int64)
        out[:, 1, :] = self.clicks
        return out


def weekly_record(model: EcosystemModel) -> dict[str, float]:
    """One row of the time series from the model's state at the end of a week."""
    people, qa, wiki, ai, week = model.people, model.qa, model.wiki, model.ai, model.flows
    w = model.community_share / model.community_share.sum()
    k = model.topics.count
    who = np.flatnonzero(people.contributor)
    topic = people.topic[who]
    potential = effort(people.motivation[who],
                       week.effort_factor[topic, people.home_qa[who].astype(np.intp)],
                       people.audience_sensitivity[who])
    roles = np.bincount(model.group_of(who, potential), minlength=3)
    per_topic = np.bincount(topic, minlength=k)
    cohesive = model.people.cohesion >= np.median(model.people.cohesion)
    realized = people.effort[who]
    top1 = 0.0
    if len(realized) and realized.sum() > 0:
        n_top = max(1, len(realized) // 100)
        top1 = float(np.partition(realized, -n_top)[-n_top:].sum() / realized.sum())
    needs = week.needs.sum()
    content = qa.content.sum() + wiki.content.sum()
    keep = 1.0 - ai.withheld
    available = (qa.content * keep).sum() + (wiki.content * keep).sum()

    def synthetic_share(platform):
        total = platform.content.sum()
        return float(platform.content[:, SYNTHETIC].sum() / total) if total > 0 else 0.0

    row = {
        "week": model.week,
        "questions": float(qa.questions.sum()),
        "questions_popular": float(qa.questions[model.topics.popular].sum()),
        "answers": float(qa.answers.sum()),
        "edits": float(wiki.contributions.sum()),
        "contributions": float(qa.contributions.sum() + wiki.contributions.sum()),
        "visits_qa": float(qa.visits.sum()),
        "visits_wiki": float(wiki.visits.sum()),
        "active_contributors": float(len(who)),
        "core_contributors": float(roles[0]),
        "occasional_contributors": float(roles[1]),
        "newcomer_contributors": float(roles[2]),
        "contributors_cohesive": float(per_topic[cohesive].sum()),
        "contributors_sparse": float(per_topic[~cohesive].sum()),
        "newcomers": float(len(week.recruits) - week.rejected),
        "rejected_newcomers": float(week.rejected),
        "departures": float(week.departures),
        "ever_contributed_share": float(people.ever_contributed.mean()),
        "top1_share": top1,
        "ai_share": float(week.ai_answers.sum() / needs) if needs else 0.0,
        "ai_quality": float(ai.quality.mean()),
        "ai_quality_served": float(ai.quality @ w),
        "ai_reputation": float(week.ai_reputation @ w),
        "public_ai_share": float(week.public_answers.sum() / needs) if needs else 0.0,
        "public_ai_quality": float(model.public_ai.quality.mean()),
        "ai_adopters": float(people.adopter.mean()),
        "ai_generation": float(ai.generation),
        "ai_retrained": float(ai.launched and ai.trained_week == model.week),
        "collapse_error": float(ai.collapse_error),
        "coverage_qa": float(qa.coverage @ w),
        "coverage_wiki": float(wiki.coverage @ w),
        "content_age_qa": float(qa.content_age @ w),
        "content_age_wiki": float(wiki.content_age @ w),
        "answered_share": float(qa.answered_share @ w),
        "synthetic_share_qa": synthetic_share(qa),
        "synthetic_share_wiki": synthetic_share(wiki),
        "withheld_share": float(1.0 - available / content) if content > 0 else 0.0,
        "training_synthetic_share": float(ai.training_synthetic_share),
        "synthetic_posts": float(qa.synthetic_posts.sum() + wiki.synthetic_posts.sum()),
        "new_adopters": float(week.new_adopters),
        "renewed_topics": float(week.renewed_topics),
        "data_income": float(model.data_income_spent),
        "newcomer_support": float(model.newcomer_support),
    }
    for i, name in enumerate(GROUPS):
        row[f"provenance_{name}"] = float(ai.provenance[i])
    return row

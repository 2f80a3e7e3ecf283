"""What the model records each week: one row of the time series from the world state.

:data:`COLUMNS` lists the columns and their meanings. :func:`weekly_record` only reads: the
quantities of the week come from the flows and the state the mechanisms wrote, and derived
ones from the entities (``People.group_of``, ``Assistant.quality``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.difficulty import LEVEL, class_shares
from ecosim.model.params import Params
from ecosim.model.platforms import GROUPS, SYNTHETIC
from ecosim.model.world import QA, WIKI

if TYPE_CHECKING:
    from ecosim.model.world import World

VERY_ACTIVE = 100 * 12 / 52
"""Contributions a week of a 'very active' contributor: more than 100 a month, the
threshold of the Wikipedia statistics behind T-core-stable and E-funnel."""

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
    "very_active_contributors": "contributors expected to make more than 100 contributions "
                                "a month (the evidence's 'very active')",
    "occasional_contributors": "established contributors below the core threshold",
    "newcomer_contributors": "contributors in their first contributors.newcomer_weeks",
    "contributors_cohesive": "contributors in the more densely knit half of the topics (the "
                             "denser of each two topics of about the same popularity)",
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
    "collapse_error": "squared error the AI learned from AI-written documents, mean over "
                      "topics (and over difficulty classes by their shares; 0: none)",
    "collapse_error_hard": "the same on hard how-to needs (the tail), mean over topics",
    "coverage_qa": "chance a how-to need finds current content on the Q&A platform (0..1)",
    "coverage_wiki": "chance a look-up finds current content in the encyclopedia (0..1)",
    "content_age_qa": "mean age of Q&A content (weeks), weighted by demand",
    "content_age_wiki": "mean age of encyclopedia content (weeks), weighted by demand",
    "answered_share": "recent share of questions that got an answer",
    "answered_share_hard": "recent share of hard questions that got an answer",
    "question_difficulty": "mean difficulty of new questions (0 easy .. 1 hard; that of "
                           "the average how-to need in a week without questions)",
    "post_quality": "mean quality of the week's Q&A posts (1 = an established "
                    "contributor's answer, and in a week without posts; newcomers' and "
                    "AI-written posts count less)",
    "curation_effort": "Q&A volunteer effort spent curating AI-written posts (in answers)",
    "ai_posts_removed": "AI-written Q&A posts deterred or removed by moderation",
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


def weekly_record(world: World, p: Params) -> dict[str, float]:
    """One row of the time series from the world state at the end of a week."""
    people, qa, wiki, ai, flows = world.people, world.qa, world.wiki, world.ai, world.flows
    share = people.community_share
    w = share / share.sum()
    k = world.topics.count
    who = np.flatnonzero(people.contributor)
    expected = people.expected_effort(who, flows.effort_factor)
    roles = np.bincount(people.group_of(who, expected, p.contributors.newcomer_weeks,
                                        p.contributors.core_threshold), minlength=3)
    per_topic = np.bincount(people.topic[who], minlength=k)
    cohesive = people.cohesive_topics
    realized = people.effort[who]
    top1 = 0.0
    if len(realized) and realized.sum() > 0:
        n_top = max(1, len(realized) // 100)
        top1 = float(np.partition(realized, -n_top)[-n_top:].sum() / realized.sum())
    needs = flows.needs.sum()
    visits = flows.visits()
    content = qa.content.sum() + wiki.content.sum()
    keep = 1.0 - ai.withheld
    available = (qa.content * keep).sum() + (wiki.content * keep).sum()
    quality = ai.quality(world.week, world.topics)
    shares = class_shares(p)
    by_class = qa.questions_by_class.sum(axis=0)
    asked = by_class.sum()
    posts = qa.posts.sum()

    def synthetic_share(platform):
        total = platform.content.sum()
        return float(platform.content[:, SYNTHETIC].sum() / total) if total > 0 else 0.0

    row = {
        "week": world.week,
        "questions": float(qa.questions.sum()),
        "questions_popular": float(qa.questions[world.topics.popular].sum()),
        "answers": float(qa.answers.sum()),
        "edits": float(wiki.contributions.sum()),
        "contributions": float(qa.contributions.sum() + wiki.contributions.sum()),
        "visits_qa": float(visits[:, QA].sum()),
        "visits_wiki": float(visits[:, WIKI].sum()),
        "active_contributors": float(len(who)),
        "core_contributors": float(roles[0]),
        "very_active_contributors": float((expected > VERY_ACTIVE).sum()),
        "occasional_contributors": float(roles[1]),
        "newcomer_contributors": float(roles[2]),
        "contributors_cohesive": float(per_topic[cohesive].sum()),
        "contributors_sparse": float(per_topic[~cohesive].sum()),
        "newcomers": float(len(flows.recruits) - flows.rejected),
        "rejected_newcomers": float(flows.rejected),
        "departures": float(flows.departures),
        "ever_contributed_share": people.ever_count / people.size,
        "top1_share": top1,
        "ai_share": float(flows.ai_answers.sum() / needs) if needs else 0.0,
        "ai_quality": float(quality.sum() / k),  # the mean, without np.mean's overhead
        "ai_quality_served": float(quality @ w),
        "ai_reputation": float(flows.ai_reputation @ w),
        "public_ai_share": float(flows.public_answers.sum() / needs) if needs else 0.0,
        "public_ai_quality": float(world.public_ai.quality(world.week, world.topics).sum() / k),
        "ai_adopters": people.adopter_count / people.size,
        "ai_generation": float(ai.generation),
        "ai_retrained": float(ai.launched and ai.trained_week == world.week),
        "collapse_error": float((ai.collapse_error**2 @ shares).sum() / k),
        "collapse_error_hard": float((ai.collapse_error[:, -1] ** 2).sum() / k),
        "coverage_qa": float(qa.coverage @ w),
        "coverage_wiki": float(wiki.coverage @ w),
        "content_age_qa": float(qa.content_age @ w),
        "content_age_wiki": float(wiki.content_age @ w),
        "answered_share": float(qa.answered_share @ w),
        "answered_share_hard": float(qa.answered_by_class[:, -1] @ w),
        "question_difficulty": float((by_class if asked else shares) @ LEVEL
                                     / (asked if asked else 1.0)),
        "post_quality": float(qa.post_quality @ qa.posts / posts) if posts else 1.0,
        "curation_effort": float(flows.curation.sum()),
        "ai_posts_removed": float(flows.removed_ai_posts),
        "synthetic_share_qa": synthetic_share(qa),
        "synthetic_share_wiki": synthetic_share(wiki),
        "withheld_share": float(1.0 - available / content) if content > 0 else 0.0,
        "training_synthetic_share": float(ai.training_synthetic_share),
        "synthetic_posts": float(qa.synthetic_posts.sum() + wiki.synthetic_posts.sum()),
        "new_adopters": float(flows.new_adopters),
        "renewed_topics": float(flows.renewed_topics),
        "data_income": float(world.data_income.spent),
        "newcomer_support": float(world.data_income.newcomer_support),
    }
    for i, name in enumerate(GROUPS):
        row[f"provenance_{name}"] = float(ai.provenance[i])
    return row

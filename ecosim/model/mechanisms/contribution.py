"""Contribution: how much the contributors write, and what they are used to.

Contributors answer questions (Q&A platform) or edit articles (encyclopedia) at a rate set
by their motivation and by how large an audience they have, against the audience they are
used to. Answers are limited by the questions asked; edits only by the editors' effort.
All updates are vector operations over people; per-topic totals are ``np.bincount`` sums.
Who becomes a contributor, and who stays, is in :mod:`ecosim.model.mechanisms.community`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.difficulty import answer_cost, answer_reach
from ecosim.model.loop import frozen
from ecosim.model.params import Param, Params, declare
from ecosim.model.schedule import Cite, mechanism
from ecosim.model.world import QA, WIKI

if TYPE_CHECKING:
    from ecosim.model.platforms import QAPlatform
    from ecosim.model.world import World

declare(
    Param("contributors.audience_elasticity", 1.5, "elasticity",
          "How contribution effort follows the audience: effort ~ (audience/usual)^e.",
          0.0, 5.0, group="people"),
    Param("platforms.answers_per_question", 4.5, "answers",
          "Answers the Q&A community gives a question when it has the capacity.", 0.1, 20.0,
          group="platforms"),
    Param("platforms.cross_topic_answering", 1.0, "share 0..1",
          "Share of Q&A contributors' spare capacity spent on other topics' questions.",
          0.0, 1.0, group="platforms"),
    Param("contributors.newcomer_quality", 0.75, "share 0..1",
          "Quality of a newcomer's answer relative to an established contributor's (form "
          "only): the posts' mean quality counts it at this weight.", 0.0, 1.0,
          group="people"),
    Param("platforms.audience_memory_weeks", 104, "weeks",
          "How long contributors take to get used to a new audience level (the reference "
          "their motivation compares today's audience with).", 1, 2000, group="platforms"),
)


@mechanism(
    key="audience_motivation",
    summary="Contribution effort rises and falls with the audience a contributor has.",
    intent="Contributors value being read (loop step 3): with fewer readers, each "
           "contribution is worth less to its author.",
    evidence=[Cite("E-zhang-zhu", "contributions fell 42.8% when a large part of the "
                   "audience was blocked; the elasticity itself is not published",
                   form_only=True),
              Cite("E-huberman", "without attention, production goes to zero", form_only=True),
              Cite("E-motives", "5-30% of contributors respond to badges: the most active "
                   "are driven from within and feel the audience less "
                   "(contributors.intrinsic_scale)")],
    targets=["T-SO-gap", "T-core-stable"],
    assumptions=["Contributors compare the recent audience with the one they are used to "
                 "(audience_memory), so a lasting change is absorbed slowly.",
                 "A contributor feels the audience factor in proportion s / (s + motivation), "
                 "s = contributors.intrinsic_scale, a trait fixed at the start."],
)
def audience_motivation(world: World, p: Params, rng: np.random.Generator) -> None:
    """Set the per-topic effort multipliers from each platform's audience ratio."""
    e = p.contributors.audience_elasticity
    world.flows.effort_factor[:, WIKI] = world.wiki.audience_ratio() ** e
    world.flows.effort_factor[:, QA] = world.qa.audience_ratio() ** e


@mechanism(
    key="answering",
    summary="Contributors answer the week's questions and edit articles; their work adds "
            "fresh content.",
    intent="Volunteer production: answers are limited by the questions asked, edits by the "
           "editors' own effort.",
    evidence=[Cite("E-mamykina", "a healthy Q&A platform answers 92% of questions "
                   "(sets platforms.answers_per_question and the initial answered share)"),
              Cite("E-participation", "a few contributors do most of the work (lognormal "
                   "motivation)")],
    targets=["T-concentration", "T-no-quality-drop"],
    assumptions=["A question is answered with chance 1 - exp(-answers/question).",
                 "Q&A contributors answer in their own topic first; a share of their spare "
                 "capacity goes to other topics' unanswered questions."],
    scale="people",
)
def answering(world: World, p: Params, rng: np.random.Generator) -> None:
    """Turn contributors' effort into answers and edits, by topic and provenance group."""
    people = world.people
    who = np.flatnonzero(people.contributor)
    offered = people.expected_effort(who, world.flows.effort_factor)
    settle_contributions(world, p, rng, who, offered)


def settle_contributions(world: World, p: Params, rng: np.random.Generator,
                         who: np.ndarray, effort: np.ndarray) -> None:
    """Turn the effort the contributors ``who`` offer this week into answers and edits.

    The topic-level half of ``answering``, shared by both engines. Q&A effort goes first to
    curating the week's AI-written posts (``moderation``), then to the topic's questions,
    each answer costing more the harder the question; spare capacity partly helps other
    topics. Every question gets the same expected number of answers, and settles with a
    chance that falls with its difficulty.
    """
    people = world.people
    k = world.topics.count
    topic = people.topic[who]
    home_qa = people.home_qa[who]
    group = people.group_of(who, effort, p.contributors.newcomer_weeks,
                            p.contributors.core_threshold)
    cell = topic * 3 + group
    qa_capacity = np.bincount(cell[home_qa], effort[home_qa], minlength=3 * k).reshape(k, 3)
    wiki_effort = np.bincount(cell[~home_qa], effort[~home_qa], minlength=3 * k).reshape(k, 3)

    qa = world.qa
    wanted = qa.questions_by_class * p.platforms.answers_per_question  # answers, by class
    asked = wanted.sum(axis=1)
    cost = np.ones(k)  # effort per answer, by topic: the mix of its questions' difficulty
    np.divide(wanted @ answer_cost(p), asked, out=cost, where=asked > 0)
    demand = asked * cost
    capacity = qa_capacity.sum(axis=1)
    curated = np.minimum(capacity, world.flows.curation)
    free = capacity - curated
    own = np.minimum(free, demand)
    use = np.zeros(k)
    np.divide(curated + own, capacity, out=use, where=capacity > 0)
    # Spare capacity helps with other topics' unanswered questions (related fields).
    spare, unmet = free - own, demand - own
    pooled = min(spare.sum() * p.platforms.cross_topic_answering, unmet.sum())
    lend = pooled / spare.sum() if spare.sum() > 0 else 0.0
    spare_groups = (qa_capacity * (1.0 - use)[:, None]).sum(axis=0)
    spare_mix = spare_groups / spare_groups.sum() if spare_groups.sum() > 0 else spare_groups
    borrowed = (unmet / unmet.sum() * pooled if unmet.sum() > 0 else unmet)[:, None] * spare_mix
    answering_share = np.zeros(k)
    np.divide(own, capacity, out=answering_share, where=capacity > 0)
    answers = rng.poisson((qa_capacity * answering_share[:, None] + borrowed) / cost[:, None])
    edits = rng.poisson(wiki_effort)
    qa.answers = answers.sum(axis=1).astype(np.float64)
    qa.contributions = qa.answers
    world.wiki.contributions = edits.sum(axis=1).astype(np.float64)
    _settle_questions(qa, p)
    _grade_posts(qa, answers, p)

    n = people.size
    for platform, written in ((qa, answers), (world.wiki, edits)):
        by_group = np.zeros((k, 4))  # human groups; AI-written posts are added elsewhere
        by_group[:, :3] = written / n
        platform.add_content(by_group)
    people.effort[:] = 0.0
    people.effort[who] = effort * np.where(home_qa, use[topic] + (1.0 - use[topic]) * lend, 1.0)
    people.contributed[who] += people.effort[who]
    world.refresh_coverage(p.synthetic.content_value)


def _settle_questions(qa: QAPlatform, p: Params) -> None:
    """Update the recent answered share of each topic's questions, by difficulty."""
    seen = qa.questions > 0
    per_question = qa.answers[seen] / qa.questions[seen]
    now = -np.expm1(-answer_reach(p)[None, :] * per_question[:, None])
    asked = qa.questions_by_class[seen] > 0
    recent = qa.answered_by_class[seen]
    recent += 0.1 * (now - recent) * asked
    qa.answered_by_class[seen] = recent
    qa.answered_share[seen] = ((recent * qa.questions_by_class[seen]).sum(axis=1)
                               / qa.questions[seen])


def _grade_posts(qa: QAPlatform, answers: np.ndarray, p: Params) -> None:
    """The mean quality of the week's Q&A posts: established contributors' answers count
    1, newcomers' answers ``contributors.newcomer_quality``, AI-written posts that stayed
    ``synthetic.content_value``."""
    weight = np.array((1.0, 1.0, p.contributors.newcomer_quality))
    synthetic = qa.synthetic_posts
    qa.posts = answers.sum(axis=1) + synthetic
    graded = answers @ weight + synthetic * p.synthetic.content_value
    np.divide(graded, qa.posts, out=qa.post_quality, where=qa.posts > 0)


@mechanism(
    key="audience_memory",
    summary="At the end of the week contributors see the week's visits and posts, and get "
            "used to them: the usual level they compare with follows the recent one.",
    intent="Reference levels adapt: a contributor judges this week's audience against the "
           "one they are used to, so a lasting change is felt strongly at first and less "
           "as it becomes the norm.",
    evidence=[Cite("E-zhang-zhu", "contributors react to a change of audience; how fast "
                   "they get used to a new level is not published "
                   "(platforms.audience_memory_weeks)", form_only=True)],
    targets=["T-SO-gap", "T-core-stable"],
    assumptions=["The recent level is a four-week average; the usual level follows it "
                 "with a memory of platforms.audience_memory_weeks.",
                 "With the loop frozen (loop.frozen_week) nothing is observed any more."],
)
def audience_memory(world: World, p: Params, rng: np.random.Generator) -> None:
    """Fold this week's visits and contributions per community member into each
    platform's audience and activity trends, and the questions into the Q&A platform's
    question trend."""
    if frozen(p, world.week):
        return
    memory = p.platforms.audience_memory_weeks
    members = np.maximum(world.people.people_per_topic, 1.0)
    visits = world.flows.visits()
    for kind, platform in ((QA, world.qa), (WIKI, world.wiki)):
        platform.audience.observe(visits[:, kind] / members, memory)
        platform.activity.observe(platform.contributions / members, memory)
    world.qa.question_trend.observe(world.qa.questions / members, memory)

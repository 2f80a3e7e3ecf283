"""Community: who becomes a contributor, who is turned away, who stays.

Readers become contributors through the reader-to-editor funnel and through their ties to
contributors; newcomers meet the gatekeepers; contributors leave, faster when their
audience shrinks or their ties leave, and serve their time as newcomers before they count
as established. All updates are vector operations over people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.loop import frozen
from ecosim.model.params import Param, Params, declare
from ecosim.model.people import contributor_hazard
from ecosim.model.rules import rule
from ecosim.model.schedule import Cite, mechanism
from ecosim.model.world import QA

if TYPE_CHECKING:
    from ecosim.model.world import World

declare(
    Param("contributors.recruitment_rate", 0.004, "per visit per unit motivation",
          "Chance per platform visit, per contribution/week of motivation, that a reader "
          "starts contributing.", 0.0, 1.0, group="people"),
    Param("contributors.answered_asker_boost", 0.05, "per answered question per unit motivation",
          "Extra chance to start contributing for each of one's questions that got answered.",
          0.0, 10.0, group="people"),
    Param("contributors.peer_recruitment", 0.004, "per contributor tie per unit motivation",
          "Weekly chance, per tie to a contributor and per contribution/week of motivation, "
          "that a person is drawn in by peers rather than by reading.", 0.0, 1.0,
          group="people"),
    Param("contributors.activity_elasticity", 1.0, "elasticity",
          "How recruitment follows the community's visible activity (recent/usual)^e; "
          "a dead community recruits nobody.", 0.0, 5.0, group="people"),
    Param("contributors.base_churn", 0.004, "share per week",
          "Weekly chance an established contributor with no ties and the usual audience "
          "leaves.", 0.0, 1.0, group="people"),
    Param("contributors.newcomer_churn_multiplier", 20.0, "multiplier",
          "How much faster newcomers leave than established contributors (E-retention).",
          1.0, 100.0, group="people"),
    Param("contributors.audience_churn_elasticity", 1.0, "elasticity",
          "How churn rises as the audience falls: hazard ~ (usual/audience)^e.", 0.0, 5.0,
          group="people"),
    Param("contributors.tie_buffer", 3.0, "per contributor tie",
          "How much each tie to another contributor dulls the reaction to a lost audience "
          "(sensitivity / (1 + k ties)): peers keep people who are no longer read.",
          0.0, 10.0, group="people"),
    Param("contributors.tie_protection", 0.15, "per contributor tie",
          "How much each tie to another contributor lowers the chance of leaving "
          "(hazard x exp(-k ties)).", 0.0, 5.0, group="people"),
    Param("contributors.starvation_elasticity", 0.5, "elasticity",
          "How Q&A answerers' churn rises when there are fewer questions to answer than "
          "they are used to: hazard ~ (usual/recent questions)^e (form only).", 0.0, 5.0,
          group="people"),
    Param("gatekeeping.harshness", 0.2, "share 0..1",
          "Chance a newcomer's early contribution is reverted or closed.", 0.0, 1.0,
          group="platforms"),
    Param("gatekeeping.growth_per_year", 0.0, "share per year",
          "Yearly increase of harshness as the community ossifies (E-halfaker).", 0.0, 0.5,
          group="platforms"),
    Param("gatekeeping.first_contributions", 3, "contributions",
          "Early contributions of a newcomer that meet the gatekeepers.", 1, 100,
          group="platforms"),
    Param("gatekeeping.revert_survival_cost", 0.15, "share 0..1",
          "Drop in a newcomer's survival per reverted contribution (E-retention: about 15%).",
          0.0, 1.0, group="platforms"),
)


# -- per-person rules: called on arrays by the fast engine, on scalars by the reference ----


@rule
def funnel_hazard(p: Params, visits_per_need, answered_per_need, activity):
    """Weekly hazard, per unit of motivation x need rate, that a reader starts contributing
    to their home platform through the reader funnel: visits and answered questions,
    scaled by the community's visible activity."""
    return (p.contributors.recruitment_rate * visits_per_need
            + p.contributors.answered_asker_boost * answered_per_need) * activity


@rule
def peer_hazard(p: Params, motivation, contributor_ties):
    """Weekly hazard that a person is drawn in by their ties to contributors."""
    return p.contributors.peer_recruitment * motivation * contributor_ties


@rule
def reception_survival(p: Params, week: int, support: float = 0.0) -> float:
    """Chance a newcomer survives the gatekeepers' reception of their first contributions;
    newcomer support (paid from data income) softens the reception by the share ``support``."""
    gate = p.gatekeeping
    years = max(week, 0) / 52.0
    harsh = min(1.0, gate.harshness + gate.growth_per_year * years)
    harsh *= 1.0 - support
    return (1.0 - gate.revert_survival_cost * harsh) ** gate.first_contributions


@rule
def churn_hazard(p: Params, newcomer, audience_ratio, contributor_ties, motivation,
                 audience_sensitivity, churn_factor=1.0):
    """Weekly hazard that a contributor leaves.

    A lost audience raises it, less for the intrinsically motivated (``audience_sensitivity``)
    and less for people with contributor ties (``contributors.tie_buffer``); ties also lower
    it directly (``contributors.tie_protection``). ``churn_factor`` is the week's multiplier
    of the contributor's topic and platform (``question_starvation``).
    """
    felt = audience_sensitivity / (1.0 + p.contributors.tie_buffer * contributor_ties)
    return (
        churn_factor * np.where(newcomer, p.contributors.newcomer_churn_multiplier, 1.0)
        * np.maximum(audience_ratio, 0.05) ** (-p.contributors.audience_churn_elasticity * felt)
        * np.exp(-p.contributors.tie_protection * contributor_ties)
        * contributor_hazard(p, motivation)
    )


# -- mechanisms ---------------------------------------------------------------------------


@mechanism(
    key="reader_recruitment",
    summary="Readers and answered askers become contributors, in proportion to their "
            "motivation and the community's visible activity; ties to contributors draw "
            "people in too.",
    intent="The reader-to-editor funnel: contributors are recruited from the audience, and "
           "an answered question brings a newcomer back.",
    evidence=[Cite("E-funnel", "a ladder from reading to editing; >20% of new editors reach "
                   ">=5 edits/month within a year", form_only=True),
              Cite("E-shog9", "the best way to get someone to come back is to answer their "
                   "question")],
    targets=["T-concentration", "T-SO-gap", "T-social-fabric"],
    assumptions=["A person's visits are their expected visits given their need rate, topic "
                 "and whether they use the AI.",
                 "Recruitment scales with the community's recent activity against its usual "
                 "level (an Allee effect: empty communities do not recruit).",
                 "Peers recruit too, in proportion to one's ties to contributors and "
                 "independent of platform traffic, so densely knit communities lose fewer "
                 "newcomers when readers leave (T-social-fabric; size form only).",
                 "With the loop frozen (loop.frozen_week) the funnel keeps the rates of the "
                 "week it froze."],
    scale="people",
)
def reader_recruitment(world: World, p: Params, rng: np.random.Generator) -> None:
    """Draw new contributors among non-contributors from per-person hazards."""
    people = world.people
    per_need = recruitment_conditions(world, p)
    cand = np.flatnonzero(~people.contributor)
    # Everyone's hazard, then the candidates': one gather instead of one per column.
    cell = people.home_cell + 2 * people.adopter  # (topic, adopter, home) flat
    hazard = (people.need_motivation * per_need.ravel()[cell]
              + peer_hazard(p, people.motivation, people.contributor_ties))[cand]
    joins = cand[rng.random(len(cand), dtype=np.float32) < -np.expm1(-hazard)]
    people.set_contributors(joins, True)
    people.tenure[joins] = 0
    people.mark_contributed(joins)
    world.flows.recruits = joins


def recruitment_conditions(world: World, p: Params) -> np.ndarray:
    """The funnel's hazard per unit of motivation x need rate, by (topic, AI user, home
    platform): the topic-level half of ``reader_recruitment``, shared by both engines.

    With the loop frozen the rates of the week it froze are kept."""
    if world.frozen_funnel is not None and frozen(p, world.week):
        return world.frozen_funnel
    visits_per_need, answered_per_need = _funnel_rates(world)
    act = np.empty((world.topics.count, 2))  # by platform kind: encyclopedia, Q&A
    act[:, 0], act[:, 1] = world.wiki.activity_ratio(), world.qa.activity_ratio()
    act = np.minimum(act, 2.0) ** p.contributors.activity_elasticity
    hazard = funnel_hazard(p, visits_per_need, answered_per_need, act[:, None, :])
    if frozen(p, world.week):
        world.frozen_funnel = hazard
    return hazard


def _funnel_rates(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Visits and answered questions per unit of need rate, by (topic, user, platform).

    Returns:
        Two arrays of shape (topics, 2, 2): index 1 is AI user or not, index 2 the
        platform (0 encyclopedia, 1 Q&A), so a person's expected visits to their home
        platform are ``need_rate * visits[topic, adopter, home_qa]``. Zero when nobody had
        needs this week (``information_needs`` switched off).
    """
    flows = world.flows
    rate = flows.need_rate_cell[..., None]  # the same for both platforms of a cell
    visits = flows.lookups + flows.clicks_by_cell()
    answered = np.zeros(visits.shape)
    answered[..., 1] = (flows.questions * world.qa.answered_by_class[:, None]).sum(axis=2)
    known = rate > 0
    per_visit, per_answer = np.zeros(visits.shape), np.zeros(visits.shape)
    np.divide(visits, rate, out=per_visit, where=known)
    np.divide(answered, rate, out=per_answer, where=known)
    return per_visit, per_answer


@mechanism(
    key="gatekeeping",
    summary="Some of a newcomer's first contributions are reverted or closed; each one "
            "makes them likelier to quit at once.",
    intent="Ossification of old communities: harsh reception of good-faith newcomers, a "
           "cause of decline that needs no AI.",
    evidence=[Cite("E-halfaker", "good-faith newcomers increasingly rejected since 2007"),
              Cite("E-retention", "each revert lowers newcomer survival by about 15%")],
    targets=["T-core-stable"],
    scale="people",
)
def gatekeeping(world: World, p: Params, rng: np.random.Generator) -> None:
    """Newcomers survive their reception with chance (1 - cost x harshness)^first."""
    recruits = world.flows.recruits
    if len(recruits) == 0:
        return
    survive = reception_survival(p, world.week, world.data_income.newcomer_support)
    rejected = recruits[rng.random(len(recruits)) >= survive]
    world.people.set_contributors(rejected, False)
    world.flows.rejected = len(rejected)


@mechanism(
    key="question_starvation",
    summary="Q&A answerers leave faster when there are fewer questions worth answering "
            "than they are used to.",
    intent="Starvation: answerers come for the questions; when the questions go to the "
           "AI, there is less to do and less reason to stay, whoever still reads.",
    evidence=[Cite("E-shog9", "answering is what brings people back; the platform's "
                   "contributors came for the questions", form_only=True),
              Cite("E-huberman", "without attention (here, without questions to answer), "
                   "production goes to zero", form_only=True)],
    targets=["T-SO-gap", "T-core-stable"],
    assumptions=["Answerers compare the recent questions per community member with the "
                 "level they are used to (the Q&A platform's question trend, with the "
                 "memory of platforms.audience_memory_weeks).",
                 "Encyclopedia editors do not starve: articles always need upkeep."],
)
def question_starvation(world: World, p: Params, rng: np.random.Generator) -> None:
    """Set the Q&A answerers' churn multiplier from their question ratio."""
    ratio = np.maximum(world.qa.question_trend.ratio(), 0.05)
    world.flows.churn_factor[:, QA] = ratio ** -p.contributors.starvation_elasticity


@mechanism(
    key="contributor_churn",
    summary="Contributors leave; newcomers fastest, and everyone faster when their audience "
            "falls or their contributor ties are few.",
    intent="Community attachment: people stay where they are read and where their peers "
           "are; the very active are the most attached.",
    evidence=[Cite("E-retention", "25.9% to 7.2% of new editors still edit after 300 days "
                   "(sets the newcomer multiplier)"),
              Cite("T-social-fabric", "communities lacking social fabric suffer most: ties "
                   "buffer the reaction to a lost audience", form_only=True),
              Cite("E-motives", "5-30% of contributors respond to badges: the most active "
                   "are driven from within, and feel audience loss less"),
              Cite("E-zhang-zhu", "audience loss lowers participation", form_only=True)],
    targets=["T-social-fabric", "T-core-stable"],
    assumptions=["The very motivated are more attached: hazard / sqrt(1 + motivation/core).",
                 "The very motivated are intrinsically motivated: they feel a lost audience "
                 "in proportion s / (s + motivation), s = contributors.intrinsic_scale "
                 "(E-motives: reputation steers only a minority).",
                 "Ties to other contributors dull the reaction to a lost audience "
                 "(contributors.tie_buffer), so densely knit communities hold on longer "
                 "(T-social-fabric; the size of the effect is form only)."],
    scale="people",
)
def contributor_churn(world: World, p: Params, rng: np.random.Generator) -> None:
    """Draw departures among contributors from per-person hazards."""
    people = world.people
    who = np.flatnonzero(people.contributor)
    if len(who) == 0:
        world.flows.departures = 0
        return
    t = people.topic[who]
    home_qa = people.home_qa[who]
    audience = np.where(home_qa, world.qa.audience_ratio()[t], world.wiki.audience_ratio()[t])
    newcomer = people.tenure[who] < p.contributors.newcomer_weeks
    factor = world.flows.churn_factor[t, home_qa.astype(np.intp)]
    hazard = churn_hazard(p, newcomer, audience, people.contributor_ties[who],
                          people.motivation[who], people.audience_sensitivity[who], factor)
    leave = who[rng.random(len(who)) < -np.expm1(-hazard)]
    people.set_contributors(leave, False)
    world.flows.departures = len(leave)


@mechanism(
    key="contributor_tenure",
    summary="Every contributor serves another week; after contributors.newcomer_weeks a "
            "newcomer counts as established (and churns at the established rate).",
    intent="The newcomer phase: new contributors are fragile for their first months, and "
           "those who stay become established members.",
    evidence=[Cite("E-retention", "survival of new editors over their first 300 days "
                   "(the newcomer phase)"),
              Cite("E-funnel", "within a year of a first edit, >20% reach >=5 edits/month",
                   form_only=True)],
    targets=["T-core-stable"],
    scale="people",
)
def contributor_tenure(world: World, p: Params, rng: np.random.Generator) -> None:
    """Add a week to every active contributor's tenure."""
    people = world.people
    people.tenure += people.contributor

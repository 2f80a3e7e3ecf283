"""Contribution: who writes the platforms, and who stays.

Contributors answer questions (Q&A platform) or edit articles (encyclopedia) at a rate set
by their motivation and by how large an audience they have. Readers become contributors
through the reader-to-editor funnel; newcomers meet gatekeepers; contributors leave, faster
when their audience shrinks or their ties leave. All updates are vector operations over
people; per-topic totals are ``np.bincount`` sums.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.population import contributor_hazard
from ecosim.registry import Cite, mechanism, rule
from ecosim.schema import Param, Params, declare

if TYPE_CHECKING:
    from ecosim.model import EcosystemModel

declare(
    Param("contributors.core_threshold", 2.0, "contributions per week",
          "Expected contributions per week from which a contributor counts as core.",
          0.01, 1000.0, group="people"),
    Param("contributors.newcomer_weeks", 26, "weeks",
          "How long a new contributor counts as a newcomer (and churns faster).", 1, 520,
          group="people"),
    Param("contributors.audience_elasticity", 0.5, "elasticity",
          "How contribution effort follows the audience: effort ~ (audience/usual)^e.",
          0.0, 5.0, group="people"),
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
    Param("contributors.newcomer_churn_multiplier", 8.0, "multiplier",
          "How much faster newcomers leave than established contributors (E-retention).",
          1.0, 100.0, group="people"),
    Param("contributors.audience_churn_elasticity", 1.0, "elasticity",
          "How churn rises as the audience falls: hazard ~ (usual/audience)^e.", 0.0, 5.0,
          group="people"),
    Param("contributors.intrinsic_scale", 2.0, "contributions per week",
          "Motivation at which half of a contributor's drive is intrinsic: they feel "
          "audience changes in proportion scale / (scale + motivation) (E-motives).",
          0.01, 100_000.0, group="people"),
    Param("contributors.tie_buffer", 3.0, "per contributor tie",
          "How much each tie to another contributor dulls the reaction to a lost audience "
          "(sensitivity / (1 + k ties)): peers keep people who are no longer read.",
          0.0, 10.0, group="people"),
    Param("contributors.tie_protection", 0.15, "per contributor tie",
          "How much each tie to another contributor lowers the chance of leaving "
          "(hazard x exp(-k ties)).", 0.0, 5.0, group="people"),
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
def recruitment_hazard(p: Params, motivation, need_rate, visits_per_need, answered_per_need,
                       activity, contributor_ties=0.0):
    """Weekly hazard that a non-contributor starts contributing to their home platform:
    through the reader funnel (visits, answered questions, scaled by visible activity) and
    through peers (ties to contributors)."""
    funnel = (p["contributors.recruitment_rate"] * visits_per_need
              + p["contributors.answered_asker_boost"] * answered_per_need)
    peers = p["contributors.peer_recruitment"] * motivation * contributor_ties
    return motivation * need_rate * (funnel * activity) + peers


@rule
def reception_survival(p: Params, week: int, support: float = 0.0) -> float:
    """Chance a newcomer survives the gatekeepers' reception of their first contributions;
    newcomer support (paid from data income) softens the reception by the share ``support``."""
    years = max(week, 0) / 52.0
    harsh = min(1.0, p["gatekeeping.harshness"] + p["gatekeeping.growth_per_year"] * years)
    harsh *= 1.0 - support
    return (1.0 - p["gatekeeping.revert_survival_cost"] * harsh) ** p["gatekeeping.first_contributions"]


@rule
def effort(motivation, effort_factor, audience_sensitivity):
    """A contributor's expected contributions this week: motivation times the week's
    audience (and recognition) factor, felt in proportion to their audience sensitivity."""
    return motivation * effort_factor ** audience_sensitivity


@rule
def churn_hazard(p: Params, newcomer, audience_ratio, contributor_ties, motivation,
                 audience_sensitivity):
    """Weekly hazard that a contributor leaves.

    A lost audience raises it, less for the intrinsically motivated (``audience_sensitivity``)
    and less for people with contributor ties (``contributors.tie_buffer``); ties also lower
    it directly (``contributors.tie_protection``).
    """
    felt = audience_sensitivity / (1.0 + p["contributors.tie_buffer"] * contributor_ties)
    return (
        np.where(newcomer, p["contributors.newcomer_churn_multiplier"], 1.0)
        * np.maximum(audience_ratio, 0.05) ** (-p["contributors.audience_churn_elasticity"] * felt)
        * np.exp(-p["contributors.tie_protection"] * contributor_ties)
        * contributor_hazard(p, motivation)
    )


@mechanism(
    key="audience_motivation",
    summary="Contribution effort rises and falls with the audience a contributor has.",
    intent="Contributors value being read (loop step 3): with fewer readers, each "
           "contribution is worth less to its author.",
    evidence=[Cite("E-zhang-zhu", "contributions fell 42.8% when a large part of the "
                   "audience was blocked; the elasticity itself is not published",
                   form_only=True),
              Cite("E-huberman", "without attention, production goes to zero", form_only=True)],
    targets=["T-SO-gap", "T-core-stable"],
    parameters=["contributors.audience_elasticity"],
    assumptions=["Contributors compare the recent audience with the one they are used to "
                 "(platforms.audience_memory_weeks), so a lasting change is absorbed slowly."],
)
def audience_motivation(model: EcosystemModel, p: Params, rng: np.random.Generator) -> None:
    """Set the per-topic effort multipliers from each platform's audience ratio."""
    e = p["contributors.audience_elasticity"]
    model.flows.effort_factor[:, 0] = model.wiki.audience_ratio() ** e
    model.flows.effort_factor[:, 1] = model.qa.audience_ratio() ** e


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
    parameters=["platforms.answers_per_question", "platforms.cross_topic_answering",
                "platforms.qa_coverage_scale", "platforms.wiki_coverage_scale",
                "synthetic.content_value", "contributors.core_threshold",
                "contributors.newcomer_weeks"],
    assumptions=["A question is answered with chance 1 - exp(-answers/question).",
                 "Q&A contributors answer in their own topic first; a share of their spare "
                 "capacity goes to other topics' unanswered questions."],
)
def answering(model: EcosystemModel, p: Params, rng: np.random.Generator) -> None:
    """Turn contributors' effort into answers and edits, by topic and provenance group."""
    people, week = model.people, model.flows
    who = np.flatnonzero(people.contributor)
    topic = people.topic[who]
    offered = effort(people.motivation[who],
                     week.effort_factor[topic, people.home_qa[who].astype(np.intp)],
                     people.audience_sensitivity[who])
    settle_contributions(model, p, rng, who, offered)


def settle_contributions(model: EcosystemModel, p: Params, rng: np.random.Generator,
                         who: np.ndarray, effort: np.ndarray) -> None:
    """Turn the effort the contributors ``who`` offer this week into answers and edits.

    The topic-level half of ``answering``, shared by both engines: answers are limited by
    the questions asked; spare capacity partly helps other topics.
    """
    people = model.people
    k = model.topics.count
    topic = people.topic[who]
    home_qa = people.home_qa[who]
    group = model.group_of(who, effort)
    cell = topic * 3 + group
    qa_capacity = np.bincount(cell[home_qa], effort[home_qa], minlength=3 * k).reshape(k, 3)
    wiki_effort = np.bincount(cell[~home_qa], effort[~home_qa], minlength=3 * k).reshape(k, 3)

    qa = model.qa
    demand = qa.questions * p["platforms.answers_per_question"]
    capacity = qa_capacity.sum(axis=1)
    own = np.minimum(capacity, demand)
    with np.errstate(invalid="ignore", divide="ignore"):
        use = np.where(capacity > 0, own / capacity, 0.0)
    # Spare capacity helps with other topics' unanswered questions (related fields).
    spare, unmet = capacity - own, demand - own
    pooled = min(spare.sum() * p["platforms.cross_topic_answering"], unmet.sum())
    lend = pooled / spare.sum() if spare.sum() > 0 else 0.0
    spare_groups = (qa_capacity * (1.0 - use)[:, None]).sum(axis=0)
    spare_mix = spare_groups / spare_groups.sum() if spare_groups.sum() > 0 else spare_groups
    borrowed = (unmet / unmet.sum() * pooled if unmet.sum() > 0 else unmet)[:, None] * spare_mix
    answers = rng.poisson(qa_capacity * use[:, None] + borrowed)
    edits = rng.poisson(wiki_effort)
    qa.answers = answers.sum(axis=1).astype(np.float64)
    qa.contributions = qa.answers
    model.wiki.contributions = edits.sum(axis=1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        now = np.where(qa.questions > 0, 1.0 - np.exp(-qa.answers / qa.questions), np.nan)
    seen = ~np.isnan(now)
    qa.answered_share[seen] += 0.1 * (now[seen] - qa.answered_share[seen])

    n = people.size
    pad = np.zeros((k, 1))
    qa.add_content(np.hstack([answers / n, pad]))
    model.wiki.add_content(np.hstack([edits / n, pad]))
    people.effort[:] = 0.0
    people.effort[who] = effort * np.where(home_qa, use[topic] + (1.0 - use[topic]) * lend, 1.0)
    model.refresh_coverage()


@mechanism(
    key="reader_recruitment",
    summary="Readers and answered askers become contributors, in proportion to their "
            "motivation and the community's visible activity.",
    intent="The reader-to-editor funnel: contributors are recruited from the audience, and "
           "an answered question brings a newcomer back.",
    evidence=[Cite("E-funnel", "a ladder from reading to editing; >20% of new editors reach "
                   ">=5 edits/month within a year", form_only=True),
              Cite("E-shog9", "the best way to get someone to come back is to answer their "
                   "question")],
    targets=["T-concentration", "T-SO-gap", "T-social-fabric"],
    parameters=["contributors.recruitment_rate", "contributors.answered_asker_boost",
                "contributors.activity_elasticity", "contributors.peer_recruitment"],
    assumptions=["A person's visits are their expected visits given their need rate, topic "
                 "and whether they use the AI.",
                 "Recruitment scales with the community's recent activity against its usual "
                 "level (an Allee effect: empty communities do not recruit).",
                 "Peers recruit too, in proportion to one's ties to contributors and "
                 "independent of platform traffic, so densely knit communities lose fewer "
                 "newcomers when readers leave (T-social-fabric; size form only)."],
)
def reader_recruitment(model: EcosystemModel, p: Params, rng: np.random.Generator) -> None:
    """Draw new contributors among non-contributors from per-person hazards."""
    people, week = model.people, model.flows
    visits_per_need, answered_per_need = model.funnel_rates()
    act = np.stack([model.wiki.activity_ratio(), model.qa.activity_ratio()], axis=1)
    act = np.minimum(act, 2.0) ** p["contributors.activity_elasticity"]
    per_need = recruitment_hazard(p, 1.0, 1.0, visits_per_need, answered_per_need,
                                  act[:, None, :])
    cand = np.flatnonzero(~people.contributor)
    cell = people.home_cell[cand] + 2 * people.adopter[cand]  # (topic, adopter, home) flat
    hazard = (people.need_motivation[cand] * per_need.ravel()[cell]
              + p["contributors.peer_recruitment"] * people.motivation[cand]
              * people.contributor_ties[cand])
    joins = cand[rng.random(len(cand), dtype=np.float32) < -np.expm1(-hazard)]
    people.set_contributors(joins, True)
    people.tenure[joins] = 0
    people.ever_contributed[joins] = True
    week.recruits = joins


@mechanism(
    key="gatekeeping",
    summary="Some of a newcomer's first contributions are reverted or closed; each one "
            "makes them likelier to quit at once.",
    intent="Ossification of old communities: harsh reception of good-faith newcomers, a "
           "cause of decline that needs no AI.",
    evidence=[Cite("E-halfaker", "good-faith newcomers increasingly rejected since 2007"),
              Cite("E-retention", "each revert lowers newcomer survival by about 15%")],
    targets=["T-core-stable"],
    parameters=["gatekeeping.harshness", "gatekeeping.growth_per_year",
                "gatekeeping.first_contributions", "gatekeeping.revert_survival_cost"],
)
def gatekeeping(model: EcosystemModel, p: Params, rng: np.random.Generator) -> None:
    """Newcomers survive their reception with chance (1 - cost x harshness)^first."""
    week = model.flows
    recruits = week.recruits
    if len(recruits) == 0:
        return
    survive = reception_survival(p, model.week, model.newcomer_support)
    rejected = recruits[rng.random(len(recruits)) >= survive]
    model.people.set_contributors(rejected, False)
    week.rejected = len(rejected)


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
    parameters=["contributors.base_churn", "contributors.newcomer_churn_multiplier",
                "contributors.audience_churn_elasticity", "contributors.tie_protection",
                "contributors.tie_buffer", "contributors.newcomer_weeks",
                "contributors.core_threshold"],
    assumptions=["The very motivated are more attached: hazard / sqrt(1 + motivation/core).",
                 "The very motivated are intrinsically motivated: they feel a lost audience "
                 "in proportion s / (s + motivation), s = contributors.intrinsic_scale "
                 "(E-motives: reputation steers only a minority).",
                 "Ties to other contributors dull the reaction to a lost audience "
                 "(contributors.tie_buffer), so densely knit communities hold on longer "
                 "(T-social-fabric; the size of the effect is form only)."],
)
def contributor_churn(model: EcosystemModel, p: Params, rng: np.random.Generator) -> None:
    """Draw departures among contributors from per-person hazards."""
    people = model.people
    who = np.flatnonzero(people.contributor)
    if len(who) == 0:
        model.flows.departures = 0
        return
    t = people.topic[who]
    home_qa = people.home_qa[who]
    audience = np.where(home_qa, model.qa.audience_ratio()[t], model.wiki.audience_ratio()[t])
    ties = people.contributor_ties[who]
    newcomer = people.tenure[who] < p["contributors.newcomer_weeks"]
    hazard = churn_hazard(p, newcomer, audience, ties, people.motivation[who],
                          people.audience_sensitivity[who])
    leave = who[rng.random(len(who)) < -np.expm1(-hazard)]
    people.set_contributors(leave, False)
    model.flows.departures = len(leave)

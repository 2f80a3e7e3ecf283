"""Demand: people's needs, where they take them, and how the AI spreads.

People are grouped for the week into cells of (topic, uses the AI or not). Everyone in a
cell faces the same choice probabilities, so the sum of their individual binomial choices
is exactly one binomial draw per cell: the population stays person-level in its state
(topic, need rate, adoption) while the week's choices cost one draw per cell, not per
person. Cell arrays have shape (topics, 2): column 0 non-users, column 1 AI users.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.difficulty import class_shares
from ecosim.model.params import Param, Params, declare
from ecosim.model.rules import rule
from ecosim.model.schedule import Cite, mechanism
from ecosim.model.world import QA, WIKI

if TYPE_CHECKING:
    from ecosim.model.world import World

declare(
    Param("demand.other_sources_growth", 0.0, "share per year",
          "Yearly growth of the share of how-to needs met outside the platforms (official "
          "documentation, search snippets, chat communities, other sites) from week 0 on: "
          "the decline that needs no AI (O-SO-trend).", 0.0, 0.5, group="people"),
    Param("demand.novel_share", 0.02, "share 0..1",
          "Share of how-to needs about something no post covers yet (a new version, a new "
          "error): searching cannot meet them however much the platform holds, so they "
          "are where questions come from when coverage is high (form only, E-shog9).",
          0.0, 1.0, group="people"),
    Param("demand.ask_propensity", 0.3, "share 0..1",
          "Chance that a how-to need the Q&A platform could not meet becomes a posted "
          "question (otherwise the person gives up or asks elsewhere).", 0.0, 1.0,
          group="people"),
    Param("ai.choice_sensitivity", 5.0, "per unit of quality",
          "How strongly people pick the source they believe is better (logit slope).",
          0.0, 100.0, group="ai"),
    Param("ai.lookup_convenience", 0.0, "logit",
          "Extra pull of the AI over searching the Q&A platform for a how-to need, at equal "
          "perceived quality.", -10.0, 10.0, group="ai"),
    Param("ai.encyclopedic_convenience", 0.0, "logit",
          "Extra pull of the AI over the encyclopedia for an encyclopedic look-up, at equal "
          "perceived quality (a fact is one search away, and search engines show the "
          "encyclopedia first).", -10.0, 10.0, group="ai"),
    Param("ai.ask_convenience", 0.6, "logit",
          "Extra pull of the AI over posting a question and waiting for an answer.",
          -10.0, 10.0, group="ai"),
    Param("ai.error_overlook", 0.39, "share 0..1",
          "Share of wrong AI answers users do not notice, so perceived quality exceeds true "
          "quality (E-kabir: 39%).", 0.0, 1.0, group="ai"),
    Param("ai.reputation_learning", 0.05, "share per week",
          "How fast a community's perceived AI quality moves toward what it experiences.",
          0.0, 1.0, group="ai"),
    Param("ai.initial_reputation", 0.6, "share 0..1",
          "Quality the AI's first users expect at launch (before experience).", 0.0, 1.0,
          group="ai"),
    Param("public_ai.error_overlook", 0.2, "share 0..1",
          "Share of the public AI's wrong answers users miss; lower than the commercial AI's "
          "because it shows its sources (form only).", 0.0, 1.0, group="interventions"),
    Param("public_ai.convenience", -0.5, "logit",
          "Pull of the public AI over the commercial one at equal perceived quality.",
          -10.0, 10.0, group="interventions"),
    Param("ai.innovation", 0.035, "share per week",
          "Bass innovation: weekly chance a non-user adopts the AI on their own.", 0.0, 1.0,
          group="ai"),
    Param("ai.imitation", 0.15, "share per week",
          "Bass imitation: weekly chance of adopting when all of one's ties use the AI.",
          0.0, 5.0, group="ai"),
    Param("ai.adoption_ceiling", 0.76, "share 0..1",
          "Share of people who would ever use the AI (E-devsurvey: 76% use or plan to).",
          0.0, 1.0, group="ai"),
    Param("attribution.share", 0.0, "share 0..1",
          "Share of AI answers that cite their source platform with a link.", 0.0, 1.0,
          group="interventions"),
    Param("public_ai.attribution_share", 1.0, "share 0..1",
          "Share of the public AI's answers that cite their source with a link.", 0.0, 1.0,
          group="interventions"),
    Param("attribution.click_rate", 0.01, "share 0..1",
          "Chance a reader follows a cited link to the platform (E-pew-clicks: 1%).",
          0.0, 1.0, group="interventions"),
)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# -- per-person rules: called on arrays by the fast engine, on scalars by the reference ----


@rule
def choice_probability(p: Params, reputation, platform_quality, convenience: float):
    """Chance an AI user takes a need to the AI rather than the platform (logit choice):
    perceived AI quality against the platform's, plus the AI's convenience there."""
    return _sigmoid(p.ai.choice_sensitivity * (reputation - platform_quality) + convenience)


@rule
def unmet_chance(p: Params, coverage):
    """Chance a how-to look-up finds nothing: a novel need, or a gap in the coverage."""
    novel = p.demand.novel_share
    return novel + (1.0 - novel) * (1.0 - coverage)


@rule
def elsewhere_share(p: Params, week: int) -> float:
    """Share of how-to needs met outside the platforms in ``week``: 1 - (1 - growth)^years
    from week 0 (none before)."""
    growth = p.demand.other_sources_growth
    if growth == 0 or week <= 0:
        return 0.0
    return -math.expm1(math.log1p(-growth) * week / 52.0)


@rule
def adoption_hazard(p: Params, adopted_tie_share, propensity):
    """Weekly chance a non-user adopts the AI: Bass (innovation + imitation x tie share),
    times the person's propensity to take up new tools."""
    return propensity * (p.ai.innovation + p.ai.imitation * adopted_tie_share)


@mechanism(
    key="ai_adoption",
    summary="AI use spreads through the social network (Bass diffusion) up to a ceiling.",
    intent="Diffusion of a new tool: some adopt on their own, most because people they know "
           "use it.",
    evidence=[Cite("E-devsurvey", "44% of developers used AI tools in 2023, 62% in 2024; "
                   "76% use or plan to (the ceiling)")],
    targets=["T-SO-gap"],
    assumptions=["Adoption is permanent: people keep the tool but may stop asking it "
                 "(source_choice) when they stop trusting it.",
                 "People differ in how quickly they take up new tools (a gamma multiplier "
                 "of the hazard, ai.adoption_heterogeneity), which makes adoption fast at "
                 "first and slow later, as the two survey points show."],
    scale="people",
    from_release=True,
)
def ai_adoption(world: World, p: Params, rng: np.random.Generator) -> None:
    """Non-users adopt with chance innovation + imitation x (share of ties who adopted)."""
    if not world.ai_available:
        return
    people = world.people
    share = people.adopted_ties / people.degree_at_least_one
    hazard = adoption_hazard(p, share, people.adoption_propensity)
    could = ~people.adopter & (people.adoption_rank < p.ai.adoption_ceiling)
    new = np.flatnonzero(could & (rng.random(people.size, dtype=np.float32) < hazard))
    people.add_adopters(new)
    world.flows.new_adopters = len(new)


@mechanism(
    key="information_needs",
    summary="Each week people get questions on their topic, Poisson at their own rate.",
    intent="Demand for knowledge: developers and readers need answers as they work.",
    evidence=[Cite("E-participation", "everyone has needs, few contribute: 90% of users "
                   "only read", form_only=True)],
    targets=["T-SO-visits"],
    assumptions=["Needs arrive independently (Poisson) at a person-specific lognormal rate.",
                 "A person's needs are about the topic they work in.",
                 "How-to needs are easy, medium or hard in fixed shares "
                 "(ecosim.model.difficulty; form only)."],
    scale="people",
)
def information_needs(world: World, p: Params, rng: np.random.Generator) -> None:
    """Draw the week's needs per (topic, AI-user) cell, split the how-to ones by
    difficulty, and send them all to the platforms.

    Later mechanisms divert some of them to the AI (``source_choice``).
    """
    flows = world.flows
    rate = record_need_rates(world)
    share = p.demand.qa_share
    flows.needs[..., QA] = rng.poisson(rate * share)
    flows.needs[..., WIKI] = rng.poisson(rate * (1.0 - share))
    flows.lookups[:] = flows.needs
    flows.qa_lookups[:] = rng.multinomial(flows.needs[..., QA], class_shares(p))


@mechanism(
    key="other_sources",
    summary="From week 0 on, a share of how-to needs that grows every year is met outside "
            "the platforms, before anyone looks on them.",
    intent="Competition and saturation before any AI: documentation, search and chat "
           "communities take over part of the how-to questions, so a Q&A platform past its "
           "peak shrinks by itself.",
    evidence=[Cite("O-SO-trend", "the Q&A platform shrank by 1-14% a year before any AI "
                   "(demand.other_sources_growth is fitted to it in the dated scenario)"),
              Cite("E-shog9", "the platform was past its peak from March 2014, with a slow "
                   "decline after")],
    targets=["O-SO-trend"],
    assumptions=["The share met elsewhere is 1 - (1 - growth)^years, years counted from "
                 "week 0; during the burn-in nothing is met elsewhere.",
                 "Only how-to needs (the Q&A platform's) go elsewhere; what causes it is "
                 "not separated (competition, saturation, drift of the audience)."],
    scale="people",
)
def other_sources(world: World, p: Params, rng: np.random.Generator) -> None:
    """Take the share met elsewhere out of this week's how-to look-ups."""
    share = elsewhere_share(p, world.week)
    if share == 0:
        return
    flows = world.flows
    flows.qa_lookups -= rng.binomial(flows.qa_lookups, share)
    flows.sync_qa()


def record_need_rates(world: World) -> np.ndarray:
    """Record this week's expected needs by (topic, AI user) in the flows, and return them
    (the half of ``information_needs`` that both engines share)."""
    world.flows.need_rate_cell = world.people.need_rate_by_cell(world.topics.count)
    return world.flows.need_rate_cell


@mechanism(
    key="source_choice",
    summary="AI users take each need to the AI or a platform by perceived quality and "
            "convenience.",
    intent="Substitution, loop step 1: people who have the AI ask it instead of searching "
           "or posting, as far as they believe it is good enough.",
    evidence=[
        Cite("T-SO-gap", "questions fall against the counterfactual after the launch"),
        Cite("E-pew-clicks", "people click through to sources about half as often when an "
             "AI summary is shown (8% vs 15%)"),
        Cite("E-kabir", "perceived, not true, quality drives the choice: 39% of wrong "
             "answers go unnoticed (ai.error_overlook)"),
        Cite("E-complexity", "the AI takes the easy questions first, so those that remain "
             "are harder (tier C: the direction only; difficulty.ai_handicap)",
             form_only=True),
    ],
    targets=["T-SO-gap", "T-SO-visits", "T-traffic-lt-posts", "T-popular-topics"],
    assumptions=["Perceived quality is shared within a topic community (word of mouth) and "
                 "learned from experience at a fixed rate.",
                 "With a public AI beside the commercial one, AI users pick between them by "
                 "perceived quality (logit) and compare the platform with the AI they'd pick.",
                 "Asking a question costs more (waiting, possible rejection) than a look-up, "
                 "so the AI's pull is stronger at the asking stage (ai.ask_convenience).",
                 "The AI's pull differs by kind of need, the same in every world: a how-to "
                 "look-up (ai.lookup_convenience), an encyclopedic one "
                 "(ai.encyclopedic_convenience), a question (ai.ask_convenience).",
                 "People know how much better the AI does on easy how-to needs than on "
                 "hard ones (perceived quality x the AI's class profile), from "
                 "experience.",
                 "A public AI that shows its sources has fewer of its errors overlooked "
                 "(public_ai.error_overlook below ai.error_overlook): an assumption with no "
                 "published figure behind it."],
    scale="people",
    from_release=True,
)
def source_choice(world: World, p: Params, rng: np.random.Generator) -> None:
    """Divert AI users' look-ups to the AI; set the chance they ask it rather than post."""
    flows = world.flows
    if not world.ai_available:
        return
    update_reputation(world, p)
    prob = choice_probability(p, flows.ai_reputation, world.wiki.coverage,
                              p.ai.encyclopedic_convenience)
    to_ai = rng.binomial(flows.lookups[:, 1, WIKI], prob)
    flows.lookups[:, 1, WIKI] -= to_ai
    _answered_by_ai(world, WIKI, to_ai, rng)
    # How-to needs: the AI is believed better on the easy ones, so they go to it first.
    believed = flows.ai_reputation[:, None] * flows.ai_profile
    prob = choice_probability(p, believed, world.qa.coverage[:, None],
                              p.ai.lookup_convenience)
    to_ai = rng.binomial(flows.qa_lookups[:, 1], prob)
    flows.qa_lookups[:, 1] -= to_ai
    flows.sync_qa()
    _answered_by_ai(world, QA, to_ai.sum(axis=1), rng)


def _answered_by_ai(world: World, kind: int, served: np.ndarray,
                   rng: np.random.Generator) -> None:
    """Count needs of a platform kind the AIs answered this week, per topic, and the
    public AI's part of them (each AI user picks it with the week's ``public_pick``)."""
    flows = world.flows
    flows.ai_answers[:, kind] += served
    if world.public_ai.launched:
        flows.public_answers[:, kind] += rng.binomial(served, flows.public_pick)


def update_reputation(world: World, p: Params) -> None:
    """Move each community's perceived quality of each AI toward what its users experience;
    set which AI users pick (public or commercial) and the chance they ask an AI rather
    than post a question (by difficulty: people know the AI is better on easy needs).

    The topic-level half of ``source_choice``, shared by both engines.
    """
    flows, com, pub = world.flows, world.ai, world.public_ai
    for ai in world.ais:
        if not ai.launched:
            continue
        overlook = p.public_ai.error_overlook if ai.public else p.ai.error_overlook
        quality = ai.quality(world.week, world.topics)
        perceived = quality + overlook * (1.0 - quality)
        if ai.reputation_age == 0:
            ai.reputation[:] = p.ai.initial_reputation
        ai.reputation += p.ai.reputation_learning * (perceived - ai.reputation)
        ai.reputation_age += 1
    if pub.launched and com.launched:
        flows.public_pick[:] = choice_probability(p, pub.reputation, com.reputation,
                                                  p.public_ai.convenience)
        pick = flows.public_pick
        flows.ai_reputation[:] = pick * pub.reputation + (1.0 - pick) * com.reputation
        flows.ai_profile[:] = (pick[:, None] * pub.class_profile
                               + (1.0 - pick[:, None]) * com.class_profile)
    else:
        flows.public_pick[:] = 1.0 if pub.launched else 0.0
        ai = pub if pub.launched else com
        flows.ai_reputation[:] = ai.reputation
        flows.ai_profile[:] = ai.class_profile
    believed = flows.ai_reputation[:, None] * flows.ai_profile
    flows.ai_ask_prob[:] = choice_probability(p, believed, world.qa.answered_by_class,
                                              p.ai.ask_convenience)


@mechanism(
    key="question_asking",
    summary="How-to needs the Q&A platform cannot meet become posted questions, unless the "
            "asker takes them to the AI.",
    intent="Asking behaviour, loop step 2: new questions are the needs that searching did "
           "not meet; they are what the AI removes first.",
    evidence=[Cite("T-SO-gap", "new questions are the measured outcome"),
              Cite("E-shog9", "questions come from people whose search failed; a healthy "
                   "platform peaked at 289,103 questions a month", form_only=True)],
    targets=["T-SO-gap", "T-traffic-lt-posts"],
    assumptions=["A look-up fails when the need is novel (demand.novel_share) or, "
                 "otherwise, with chance 1 - coverage of the topic, whatever its difficulty; "
                 "so when coverage is high questions follow the look-ups, and only a "
                 "platform that loses its content sees more of them.",
                 "AI users weigh the AI against the chance that a question of that "
                 "difficulty gets answered on the platform."],
    scale="people",
)
def question_asking(world: World, p: Params, rng: np.random.Generator) -> None:
    """Unmet look-ups -> the AI (chance set by source_choice) or a question (propensity)."""
    flows, qa = world.flows, world.qa
    unmet = rng.binomial(flows.qa_lookups, unmet_chance(p, qa.coverage)[:, None, None])
    to_ai = rng.binomial(unmet[:, 1], flows.ai_ask_prob)
    _answered_by_ai(world, QA, to_ai.sum(axis=1), rng)
    unmet[:, 1] -= to_ai
    flows.questions[:] = rng.binomial(unmet, p.demand.ask_propensity)
    tally_questions(world)


def tally_questions(world: World) -> None:
    """Post the week's questions on the Q&A platform (the end of ``question_asking`` that
    both engines share)."""
    qa = world.qa
    qa.questions_by_class = world.flows.questions.sum(axis=1).astype(np.float64)
    qa.questions = qa.questions_by_class.sum(axis=1)


@mechanism(
    key="attribution",
    summary="A share of AI answers cite the source platform (all of the public AI's, by "
            "default); a few readers follow the link.",
    intent="Attribution and public AI: an AI that sends readers back restores part of the "
           "platforms' audience.",
    evidence=[Cite("E-pew-clicks", "readers follow a link inside an AI summary in 1% of "
                   "visits (attribution.click_rate)")],
    targets=["T-SO-visits"],
    from_release=True,
)
def attribution(world: World, p: Params, rng: np.random.Generator) -> None:
    """Send the clicks on cited links to the platforms as visits."""
    flows = world.flows
    click = p.attribution.click_rate
    commercial = (flows.ai_answers - flows.public_answers).astype(np.int64)
    if world.ai.launched and p.attribution.share * click > 0:
        flows.clicks += rng.binomial(commercial, p.attribution.share * click)
    if world.public_ai.launched and p.public_ai.attribution_share * click > 0:
        flows.clicks += rng.binomial(flows.public_answers, p.public_ai.attribution_share * click)

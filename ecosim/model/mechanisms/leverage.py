"""Data leverage: contributors' collective power over the AI's training data, and money
flowing back from the AI to the platforms.

Two collectives (``leverage.a.*`` and ``leverage.b.*``) can act at once. Each is a share of a
contributor group (or of all contributors) on some topics that, for a stretch of weeks,
withholds its content from the commercial AI's training (a data strike or opt-out) or
redirects it to the public AI (conscious data contribution). Licensing fees, and the public
AI's revenue sharing, pay platforms per unit of training data; platforms spend the money on
newcomer support and on recognising contributors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.params import Param, Params, Section, declare
from ecosim.model.platforms import GROUPS, SYNTHETIC
from ecosim.model.schedule import Cite, mechanism

if TYPE_CHECKING:
    from ecosim.model.topics import Topics
    from ecosim.model.world import World

COLLECTIVES = ("a", "b")

for _c in COLLECTIVES:
    declare(
        Param(f"leverage.{_c}.group", "none", "group",
              f"Collective {_c}: whose content it controls (a contributor group or all).",
              choices=("none", "core", "occasional", "newcomer", "all"), group="interventions"),
        Param(f"leverage.{_c}.fraction", 0.0, "share 0..1",
              f"Collective {_c}: share of that group's content it controls.", 0.0, 1.0,
              group="interventions"),
        Param(f"leverage.{_c}.topics", "all", "topics",
              f"Collective {_c}: on which topics (all, the most popular tenth, or the rest).",
              choices=("all", "popular", "niche"), group="interventions"),
        Param(f"leverage.{_c}.action", "withhold", "action",
              f"Collective {_c}: withhold the content from the commercial AI (strike) or "
              "also redirect it to the public AI.", choices=("withhold", "redirect"),
              group="interventions"),
        Param(f"leverage.{_c}.start_week", 0, "week", f"Collective {_c}: first week.", 0,
              100_000, group="interventions"),
        Param(f"leverage.{_c}.end_week", 100_000, "week",
              f"Collective {_c}: week it stops (exclusive).", 0, 100_000, group="interventions"),
    )

declare(
    Param("licensing.fee", 0.0, "budget units per unit of data",
          "What the commercial AI pays platforms per unit of training data at each training "
          "run.", 0.0, 1000.0, group="interventions"),
    Param("public_ai.revenue_share", 1.0, "budget units per unit of data",
          "What the public AI pays platforms per unit of opted-in training data.", 0.0,
          1000.0, group="interventions"),
    Param("licensing.newcomer_share", 0.5, "share 0..1",
          "Share of the platforms' data income spent on newcomer support (the rest on "
          "recognising contributors).", 0.0, 1.0, group="interventions"),
    Param("licensing.support_effect", 0.5, "share 0..1",
          "Largest cut in gatekeeping harshness that newcomer support (mentors, better "
          "onboarding) can buy.", 0.0, 1.0, group="interventions"),
    Param("licensing.recognition_effect", 0.1, "share",
          "Largest rise in contribution effort that recognition can buy (E-motives: only "
          "5-30% of contributors respond to badges).", 0.0, 1.0, group="interventions"),
    Param("licensing.half_budget", 0.05, "budget units per capita per week",
          "Weekly spending at which support and recognition reach half their effect.",
          0.0001, 100.0, group="interventions"),
)


def _topic_mask(choice: str, topics: Topics) -> np.ndarray:
    return {"all": np.ones(topics.count, dtype=bool), "popular": topics.popular,
            "niche": ~topics.popular}[choice]


@mechanism(
    key="data_leverage",
    summary="Collectives of contributors withhold their content from the commercial AI's "
            "training, or redirect it to the public AI, while their action lasts.",
    intent="Collective bargaining with data: data strikes, opt-outs and conscious data "
           "contribution lower one AI's quality and raise another's where the data mattered.",
    evidence=[Cite("E-data-leverage", "strikes, opt-outs and conscious data contribution "
                   "as levers; their effect size is not established", form_only=True),
              Cite("E-collectives", "collectives interfere with each other: overlapping "
                   "shares combine as 1 - (1-a)(1-b)", form_only=True),
              Cite("E-data-value", "a concave data-value curve limits what a small strike "
                   "can do")],
    targets=[],
    assumptions=["A collective controls the given share of its group's content on every "
                 "chosen topic; content belongs to the group its author was in when writing.",
                 "Collectives overlap at random: their shares combine as independent events."],
)
def data_leverage(world: World, p: Params, rng: np.random.Generator) -> None:
    """Set this week's withheld (commercial AI) and redirected (public AI) shares."""
    human = SYNTHETIC
    k = world.topics.count
    keep_com = np.ones((k, human))
    keep_pub = np.ones((k, human))
    for collective in (p.leverage.a, p.leverage.b):
        share = _controlled_share(collective, world.week, world.topics)
        if share is None:
            continue
        keep_com *= 1.0 - share
        if collective.action == "redirect":
            keep_pub *= 1.0 - share
    world.ai.withheld[:, :human] = 1.0 - keep_com
    world.public_ai.redirected_in[:, :human] = 1.0 - keep_pub


def _controlled_share(collective: Section, week: int, topics: Topics) -> np.ndarray | None:
    """Share of each topic's human content, by group, that one collective controls in
    ``week`` (None while it is not acting)."""
    if collective.group == "none" or not collective.start_week <= week < collective.end_week:
        return None
    share = np.zeros((topics.count, SYNTHETIC))
    cols = slice(0, SYNTHETIC) if collective.group == "all" else GROUPS.index(collective.group)
    share[_topic_mask(collective.topics, topics), cols] = collective.fraction
    return share


@mechanism(
    key="licensing",
    summary="AIs pay platforms per unit of training data; platforms spend it on newcomer "
            "support (milder gatekeeping) and on recognising contributors (more effort).",
    intent="Licensing deals and revenue sharing: money flows back from the AI to the "
           "commons, and the commons spends it where the evidence says volunteers respond.",
    evidence=[Cite("E-motives", "only 5-30% of badge earners respond to badges: "
                   "recognition buys a modest rise in effort (licensing.recognition_effect)"),
              Cite("E-retention", "each revert lowers newcomer survival by about 15%: "
                   "support that softens reception keeps newcomers"),
              Cite("E-halfaker", "harsh reception of newcomers is a cause of decline"),
              Cite("E-wmf-loop", "fewer visits mean fewer volunteers and donors: income "
                   "from AI use replaces part of it", form_only=True)],
    targets=[],
    assumptions=["Income from a training run is spent evenly over the following 26 weeks "
                 "(a budget that decays by 1/26 a week).",
                 "Effects saturate: spending s buys effect x s/(s + half_budget)."],
    from_release=True,
)
def licensing(world: World, p: Params, rng: np.random.Generator) -> None:
    """Collect fees at training runs, spend the budget, set this week's support levels."""
    income = world.data_income
    fees = {"ai": p.licensing.fee, "public_ai": p.public_ai.revenue_share}
    for ai in world.ais:
        if ai.launched and ai.trained_week == world.week:
            income.budget += fees[ai.key] * ai.training_volume
    spend = income.budget / 26.0
    income.budget -= spend
    income.spent = spend
    level = spend / (spend + p.licensing.half_budget)
    newcomer = p.licensing.newcomer_share
    income.newcomer_support = p.licensing.support_effect * level * newcomer
    world.flows.effort_factor *= 1.0 + p.licensing.recognition_effect * level * (1.0 - newcomer)

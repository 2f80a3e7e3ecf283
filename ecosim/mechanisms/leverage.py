"""Data leverage: contributors withhold their content from the AI's training."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.platforms import GROUPS
from ecosim.registry import Cite, mechanism
from ecosim.schema import Param, Params, declare

if TYPE_CHECKING:
    from ecosim.model import EcosystemModel

declare(
    Param("leverage.strike_group", "none", "group",
          "Who withholds content from AI training: nobody, a contributor group, or all.",
          choices=("none", "core", "occasional", "newcomer", "all"), group="interventions"),
    Param("leverage.strike_fraction", 0.0, "share 0..1",
          "Share of the striking group's content withheld from training.", 0.0, 1.0,
          group="interventions"),
    Param("leverage.start_week", 0, "week", "Week the strike begins.", 0, 100_000,
          group="interventions"),
    Param("leverage.end_week", 100_000, "week", "Week the strike ends (exclusive).", 0,
          100_000, group="interventions"),
)


@mechanism(
    key="data_leverage",
    summary="A group of contributors withholds a share of its content from the AI's "
            "training data while a strike lasts.",
    intent="Collective bargaining with data: data strikes and opt-outs lower the AI's "
           "quality where the withheld data mattered.",
    evidence=[Cite("E-data-leverage", "strikes and opt-outs as levers; their effect size "
                   "is not established", form_only=True),
              Cite("E-data-value", "a concave data-value curve limits what a small strike "
                   "can do")],
    targets=[],
    parameters=["leverage.strike_group", "leverage.strike_fraction", "leverage.start_week",
                "leverage.end_week"],
    assumptions=["A strike withholds the group's share of content on every topic; content "
                 "is attributed to the group its author belonged to when writing."],
)
def data_leverage(model: EcosystemModel, p: Params, rng: np.random.Generator) -> None:
    """Set the withheld share of each human group's content for this week."""
    ai = model.ai
    human = len(GROUPS) - 1
    ai.withheld[:, :human] = 0.0
    group = p["leverage.strike_group"]
    if group == "none" or not (p["leverage.start_week"] <= model.week < p["leverage.end_week"]):
        return
    cols = slice(0, human) if group == "all" else GROUPS.index(group)
    ai.withheld[:, cols] = p["leverage.strike_fraction"]

"""Natural experiments on the audience: part of a platform's readers cut off.

Zhang & Zhu (E-zhang-zhu) used the 2005 block of Wikipedia in mainland China: from one day
a large part of the Chinese Wikipedia's audience could no longer read it, while the
contributors outside the block could still write. Their contributions fell by 42.8%. The
same experiment in the model checks that contributors respond to their audience as much
as they did (``tests/test_evidence.py``), and lets a class ask what a block would do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.params import Param, Params, declare
from ecosim.model.schedule import Cite, mechanism
from ecosim.model.world import WIKI

if TYPE_CHECKING:
    from ecosim.model.world import World

declare(
    Param("block.platform", "wiki", "platform",
          "Which platform a share of the readers is cut off from.", choices=("wiki", "qa"),
          group="interventions"),
    Param("block.share", 0.0, "share 0..1",
          "Share of the platform's readers who can no longer reach it (0: no block).",
          0.0, 1.0, group="interventions"),
    Param("block.start_week", 0, "week", "First week of the block.", -5000, 100_000,
          group="interventions"),
    Param("block.end_week", 100_000, "week", "Week the block is lifted (exclusive).",
          -5000, 100_000, group="interventions"),
)


@mechanism(
    key="audience_block",
    summary="While a block lasts, a share of a platform's readers cannot reach it: their "
            "look-ups and questions never arrive (contributors can still write).",
    intent="A sudden loss of a large part of the audience from outside the community, as "
           "when mainland China blocked Wikipedia in 2005: the natural experiment that "
           "shows how much contributors write for their readers.",
    evidence=[Cite("E-zhang-zhu", "the block of the mainland audience; the contributions "
                   "of the non-blocked contributors fell 42.8%")],
    targets=[],
    assumptions=["Blocked readers lose their look-ups on that platform, whether or not "
                 "they would have found the answer; needs taken to an AI are not "
                 "blocked."],
)
def audience_block(world: World, p: Params, rng: np.random.Generator) -> None:
    """Remove the blocked share of this week's look-ups on the blocked platform."""
    block = p.block
    if block.share == 0 or not block.start_week <= world.week < block.end_week:
        return
    flows = world.flows
    if block.platform == "qa":
        flows.qa_lookups -= rng.binomial(flows.qa_lookups, block.share)
        flows.sync_qa()
    else:
        flows.lookups[..., WIKI] -= rng.binomial(flows.lookups[..., WIKI], block.share)

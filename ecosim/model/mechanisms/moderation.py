"""Moderation: what AI-written answers cost the Q&A platform's volunteers, and its policy.

AI-written answers arrive on the Q&A platform as soon as people use the AI
(``synthetic_content``). Every one that reaches the volunteers costs them curation (reading,
checking, flagging, fixing), effort they no longer spend answering. In December 2022 the
Q&A platform banned them because their volume swamped that curation (E-so-ban). The
policy is one of:

- ``allow``: AI-written answers stay, and every one costs curation;
- ``ban``: from ``moderation.start_week`` part of the would-be posters are deterred, and
  the volunteers find and remove a share of the rest (finding them costs the same
  curation);
- ``detect``: from ``moderation.start_week`` an automatic detector removes a share before
  anyone has to read them; the rest stay and cost curation.

The encyclopedia's AI-written edits are not moderated here (no policy figure in the
evidence).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.params import Param, Params, declare
from ecosim.model.platforms import SYNTHETIC
from ecosim.model.schedule import Cite, mechanism

if TYPE_CHECKING:
    from ecosim.model.world import World

declare(
    Param("moderation.policy", "allow", "policy",
          "What the Q&A platform does with AI-written answers: allow them, ban them "
          "(volunteers remove what they find), or detect them automatically.",
          choices=("allow", "ban", "detect"), group="platforms"),
    Param("moderation.start_week", 0, "week", "Week the ban or the detector starts.",
          -5000, 100_000, group="platforms"),
    Param("moderation.curation_cost", 0.5, "answers per post",
          "Volunteer effort one AI-written answer costs to read, check and flag or fix, in "
          "answers not written (form only, E-so-ban).", 0.0, 20.0, group="platforms"),
    Param("moderation.deterrence", 0.5, "share 0..1",
          "Share of would-be AI-written answers a ban deters before they are posted (form "
          "only).", 0.0, 1.0, group="platforms"),
    Param("moderation.catch_rate", 0.5, "share 0..1",
          "Share of posted AI-written answers the volunteers (ban) or the detector (detect) "
          "find and remove (form only).", 0.0, 1.0, group="platforms"),
)


@mechanism(
    key="moderation",
    summary="AI-written answers cost the Q&A volunteers curation effort; a ban deters and "
            "removes some, a detector removes some before anyone reads them.",
    intent="Curation load and platform policy: the Q&A platform banned AI-written answers "
           "because checking them swamped its volunteers, who then answered less.",
    evidence=[Cite("E-so-ban", "the Q&A platform banned ChatGPT-generated answers from 5 "
                   "December 2022 because their volume swamped volunteer curation "
                   "(moderation.start_week; the cost per post is form only)")],
    targets=["T-no-quality-drop"],
    assumptions=["Curation comes before answering: it is taken from the week's Q&A "
                 "capacity of the topic the post is on.",
                 "Removed posts leave the platform (and the next training set); posts that "
                 "stay count at synthetic.content_value in coverage and in post quality."],
    from_release=True,
)
def moderation(world: World, p: Params, rng: np.random.Generator) -> None:
    """Curate this week's AI-written Q&A posts under the platform's policy."""
    qa, m = world.qa, p.moderation
    posts = qa.synthetic_posts.astype(np.int64)
    if not posts.any():
        return
    enforced = m.policy != "allow" and world.week >= m.start_week
    removed = np.zeros_like(posts)
    read = posts
    if enforced and m.policy == "ban":
        deterred = rng.binomial(posts, m.deterrence)
        found = rng.binomial(posts - deterred, m.catch_rate)
        removed, read = deterred + found, posts - deterred
    elif enforced:  # detect
        removed = rng.binomial(posts, m.catch_rate)
        read = posts - removed
    world.flows.curation = m.curation_cost * read
    if removed.any():
        gone = np.zeros_like(qa.content)
        gone[:, SYNTHETIC] = removed / world.people.size
        qa.withdraw_new(gone)
        qa.synthetic_posts = (posts - removed).astype(np.float64)
    world.flows.removed_ai_posts = int(removed.sum())

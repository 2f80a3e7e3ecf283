"""The loop held still: the null model in which people substitute but nothing responds.

``loop.frozen_week`` freezes, from that week on, every way the platforms' decline feeds
back into the loop:

- contributors stop noticing their audience, their community's activity and the questions
  they get (the platforms' trends keep the values of that week, so ``audience_motivation``,
  ``question_starvation``, ``contributor_churn`` and the activity term of
  ``reader_recruitment`` see no change);
- the reader-to-contributor funnel keeps the week's rates (fewer visits recruit no fewer);
- the AIs retrain on the platforms as they were that week (they never learn that the
  platforms went stale, nor read AI-written posts made since).

What remains is substitution: people take needs to the AI, so there are fewer visits and
questions, and fewer answers to the questions that are not asked. ``ecosim validate --null
substitution`` sets it to the AI's launch week in every arm of a paired run.
"""

from __future__ import annotations

from ecosim.model.params import Param, Params, declare

NEVER = 100_000

declare(
    Param("loop.frozen_week", NEVER, "week",
          "From this week on the loop's feedbacks are frozen (contributors stop reacting, "
          "the AI retrains on the platforms as they were): the substitution-only null model "
          "(100000: never).", -5000, NEVER, group="run"),
)


def frozen(p: Params, week: int) -> bool:
    """True when the loop is frozen in ``week``."""
    return week >= p.loop.frozen_week

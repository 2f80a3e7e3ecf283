"""When two runs part ways: the first week in which two parameter sets can make a difference.

Paired runs (the scenario with and without the AI, a model-collapse arm, an ablation with a
mechanism switched off) share their seed, and each mechanism draws from its own random
stream. Their histories are therefore identical up to the first week in which a parameter
that differs between them is read by something that acts. From that week on they are
different runs, and before it one run can stand for both: the model runs the shared history
once and forks (:meth:`ecosim.model.model.EcosystemModel.fork`).

When a key can first make a difference:

- a key the world is built from (:func:`~ecosim.model.world.build_world`, the topics, the
  people), the seed or the burn-in: from the start, so the runs share nothing;
- a key only mechanisms read: the first week one of those mechanisms acts, which is the
  first week of the run, or, for a mechanism whose card says it does nothing before an AI
  exists (``from_release``), the first week any AI of either run is released;
- a mechanism's switch: the week that mechanism first acts;
- the length of the run: the end of the shorter run;
- keys only read after the run (the calendar dates, the regime thresholds, the scenario's
  name): never.

``tests/test_forking.py`` checks that every card's ``from_release`` is true (the mechanism
changes nothing before the release) and that a forked run gives the same output hash as
the same run made separately.
"""

from __future__ import annotations

from functools import cache

from ecosim.model.mechanisms import WEEK
from ecosim.model.params import SCHEMA, Params
from ecosim.model.people import People
from ecosim.model.schedule import REGISTRY, parameters_read
from ecosim.model.topics import Topics
from ecosim.model.world import build_world

AFTER_THE_RUN = ("meta.", "regime.", "run.start_date")
"""Keys that nothing reads while the model runs."""
FROM_THE_START = ("run.seed", "run.burn_in_weeks")
"""Keys of the run that change it from the first draw."""


@cache
def _built_from() -> frozenset[str]:
    """Keys the world is built from."""
    return frozenset(parameters_read(build_world) + parameters_read(Topics.__init__)
                     + parameters_read(People.__init__))


@cache
def _readers() -> dict[str, tuple[str, ...]]:
    """The mechanisms that read each key."""
    readers: dict[str, list[str]] = {}
    for key in WEEK:
        for param in REGISTRY[key].card.parameters:
            readers.setdefault(param, []).append(key)
    return {param: tuple(keys) for param, keys in readers.items()}


def first_release(*params: Params) -> float:
    """The first week any AI exists in any of the runs (infinity if none has one)."""
    weeks = [w for p in params for exists, w in ((p.ai.enabled, p.ai.launch_week),
                                                  (p.public_ai.enabled, p.public_ai.launch_week))
             if exists]
    return min(weeks, default=float("inf"))


def parting_week(a: Params, b: Params) -> int | None:
    """The first week in which runs under ``a`` and ``b`` can differ.

    Returns:
        The week (negative during the burn-in) before which both runs are one and the same;
        ``-run.burn_in_weeks`` when they differ from their first step but share the built
        world; None when they differ from the start (another seed, another world); the end
        of the shorter run when nothing that differs is read while they run.
    """
    differing = [k for k in SCHEMA if a[k] != b[k]]
    start = -a.run.burn_in_weeks
    built = _built_from()
    if any(k in FROM_THE_START or k in built for k in differing):
        return None
    release = first_release(a, b)
    week = float(min(a.run.weeks, b.run.weeks))
    for key in differing:
        if key.startswith(AFTER_THE_RUN) or key == "run.weeks":
            continue
        if key.startswith("mechanisms."):
            mechanisms: tuple[str, ...] = (key.removeprefix("mechanisms."),)
        elif key in _readers():
            mechanisms = _readers()[key]
        else:  # read by nothing that says when it acts: assume from the start
            return start
        for mechanism in mechanisms:
            week = min(week, release if REGISTRY[mechanism].card.from_release else start)
    return int(max(week, start))

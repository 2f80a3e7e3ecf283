"""Every "things to try" in the lesson does what it tells a class to look for.

Each try runs as the dashboard loads it (its scenario file plus its settings, 10,000
people) at three seeds, and its expectation (``Try.holds``) must hold at every seed against
the baseline with the same seed. A model change that breaks a lesson's claim fails here.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from ecosim import lesson
from ecosim.run import run_scenario
from ecosim.scenario import Scenario
from ecosim.schema import defaults
from ecosim.viz.session import preset_values

from .conftest import ROOT

SEEDS = (1, 2, 3)
TRIES = [t for step in lesson.STEPS for t in step.tries]


@functools.cache
def timeseries(scenario: str, settings: tuple, seed: int) -> pd.DataFrame:
    values = preset_values(ROOT / scenario) | dict(settings)
    return run_scenario(Scenario(defaults().with_values(values), scenario), seed=seed).timeseries


def baseline(seed: int) -> pd.DataFrame:
    return timeseries("scenarios/baseline.toml", (), seed)


@pytest.mark.slow
@pytest.mark.parametrize("attempt", TRIES, ids=[t.label for t in TRIES])
def test_each_try_shows_what_it_says(attempt):
    failed = [seed for seed in SEEDS
              if not attempt.holds(timeseries(attempt.scenario,
                                              tuple(sorted(attempt.settings.items())), seed),
                                   baseline(seed))]
    assert not failed, f"{attempt.label!r}: {attempt.expect!r} did not hold at seeds {failed}"


def test_a_claim_that_is_false_fails():
    # The checks read the windows they claim to: a baseline is not a try that changes it.
    base = baseline(1)
    by_label = {t.label: t for t in TRIES}
    assert not by_label["A much more convenient AI"].holds(base, base)
    assert not by_label["Volunteers who never get used to a smaller audience"].holds(base, base)
    assert not by_label["Half the core goes on a data strike"].holds(base, base)
    assert by_label["Volunteers who do not care about audience"].holds(base, base)


def test_windows_are_relative_to_the_baseline_launch():
    ts = pd.DataFrame({"ai_generation": [0] * 10 + [1] * 60, "x": np.r_[np.ones(10), 2 * np.ones(60)]})
    assert lesson.launch_week(ts) == 10
    assert lesson.before(ts, "x", 10) == 1.0
    assert lesson.first_year(ts, "x", 10) == 2.0
    assert lesson.change(ts, "x", 10) == 2.0

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

from ecosim.experiments.run import run_scenario
from ecosim.model.params import defaults
from ecosim.model.scenario import Scenario
from ecosim.viz import lesson
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


NOTICES = [n for step in lesson.STEPS for n in step.notice if isinstance(n, lesson.Notice)]


@pytest.mark.slow
@pytest.mark.parametrize("notice", NOTICES, ids=[n.text[:40] for n in NOTICES])
def test_each_checked_notice_shows_in_the_baseline(notice):
    without_ai = (("ai.enabled", False),)
    failed = [seed for seed in SEEDS
              if not notice.holds(baseline(seed),
                                  timeseries("scenarios/baseline.toml", without_ai, seed))]
    assert not failed, f"{notice.text!r} did not hold at seeds {failed}"


def test_every_step_but_the_last_has_a_checked_notice():
    assert all(any(isinstance(n, lesson.Notice) for n in step.notice)
               for step in lesson.STEPS[:4])


def test_a_claim_that_is_false_fails():
    # The checks read the windows they claim to: a baseline is not a try that changes it.
    base = baseline(1)
    by_label = {t.label: t for t in TRIES}
    assert not by_label["A much more convenient AI"].holds(base, base)
    assert not by_label["Volunteers who never get used to a smaller audience"].holds(base, base)
    assert not by_label["Half the core goes on a data strike"].holds(base, base)
    # The world without the AI in place of the baseline: no gap, no ageing.
    without_ai = timeseries("scenarios/baseline.toml", (("ai.enabled", False),), 1)
    by_text = {n.text[:20]: n for n in NOTICES}
    assert not by_text["Visits and new quest"].holds(without_ai, base)
    assert not by_text["Platform content age"].holds(without_ai, base)
    with pytest.raises(ValueError, match="no AI launch"):
        lesson.launch_week(without_ai)


def test_windows_are_relative_to_the_baseline_launch():
    ts = pd.DataFrame({"week": range(70), "ai_generation": [0] * 10 + [1] * 60,
                       "x": np.r_[np.ones(10), 2 * np.ones(60)]})
    assert lesson.launch_week(ts) == 10
    assert lesson.before(ts, "x", 10) == 1.0
    assert lesson.first_year(ts, "x", 10) == 2.0
    assert lesson.change(ts, "x", 10) == 2.0

"""T-tipping executed, and the interventions measured against themselves switched off."""

from __future__ import annotations

import numpy as np
import pytest

from ecosim.experiments import interventions, tipping
from ecosim.experiments.interventions import Effect

from .conftest import SCENARIOS

CAPS = (0.2, 0.4, 0.6, 0.8, 1.0)


def test_a_step_is_a_threshold_and_a_slope_is_not():
    narrow = [0.01] * 5
    threshold, step, fall = tipping.find_threshold(CAPS, [0.9, 0.88, 0.2, 0.18, 0.17], narrow)
    assert threshold == pytest.approx(0.5) and step == pytest.approx(0.68)
    assert fall == pytest.approx(0.73)
    assert tipping.find_threshold(CAPS, np.linspace(0.9, 0.1, 5), narrow)[0] is None
    # the same step, but no larger than the seeds' noise
    assert tipping.find_threshold(CAPS, [0.9, 0.88, 0.2, 0.18, 0.17], [0.4] * 5)[0] is None
    # a small fall is no tipping, however steep
    assert tipping.find_threshold(CAPS, [0.9, 0.9, 0.8, 0.8, 0.8], narrow)[0] is None


def test_the_capability_sweep_reads_each_level():
    result = tipping.tipping(SCENARIOS / "baseline.toml", capabilities=(0.3, 1.0),
                             replicates=2, population=800, extra=["run.weeks=200"])
    assert [lv.capability for lv in result.levels] == [0.3, 1.0]
    for lv in result.levels:
        assert np.isfinite(lv.production) and lv.interval[0] <= lv.production <= lv.interval[1]
        assert sum(lv.regimes.values()) == pytest.approx(1.0)
    low, high = result.levels
    assert high.ai_quality > low.ai_quality  # the sweep really sets the AI's capability
    assert ("no threshold" in result.finding) == (result.threshold is None)


def test_an_effect_is_noise_when_its_interval_holds_zero():
    assert Effect("answers", "during", "relative", 0.01, (-0.01, 0.03)).within_noise
    assert not Effect("answers", "during", "relative", 0.02, (0.01, 0.03)).within_noise


def test_a_data_strike_is_measured_while_it_runs_and_after():
    r = interventions.measure("data_strike", replicates=2, population=1000)
    windows = {e.window for e in r.effects}
    assert windows == {"during", "after"} and r.weeks == (156, 312)
    core = {e.window: e for e in r.effects if e.outcome == "provenance_core"}
    assert core["during"].value < 0  # the striking core is missing from the training data
    record = r.record()
    assert all("within_noise" in e for e in record["effects"])
    # an intervention that lasts to the end of the run has no "after"
    assert {e.window for e in interventions.measure("licensing", 1, 800).effects} == {"during"}

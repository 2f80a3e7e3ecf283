"""Interventions move outcomes in the direction their evidence implies (over replicate seeds).

Each comparison pairs runs with the same seeds (common random numbers) and looks at the
mean over replicates, on a mid-sized world so that the tests stay quick.
"""

from __future__ import annotations

import numpy as np
import pytest

from ecosim import load_scenario, run_scenario

from .conftest import SCENARIOS

SEEDS = range(1, 7)
MID = ["population.size=4000"]


def _mean(scenario: str, sets: list[str], column: str, tail: int = 52) -> float:
    values = []
    for seed in SEEDS:
        ts = run_scenario(load_scenario(SCENARIOS / scenario, MID + sets), seed=seed).timeseries
        values.append(ts[column].tail(tail).mean())
    return float(np.mean(values))


@pytest.mark.slow
def test_public_ai_keeps_more_contributors_after_ten_years():
    public = _mean("public_ai.toml", [], "active_contributors")
    baseline = _mean("baseline.toml", [], "active_contributors")
    assert public > baseline


@pytest.mark.slow
def test_strike_by_half_the_core_lowers_ai_quality():
    window = ["leverage.a.start_week=104", "leverage.a.end_week=520"]
    strike = _mean("data_strike.toml", window, "ai_quality", tail=260)
    none = _mean("data_strike.toml", window + ["leverage.a.fraction=0"], "ai_quality", tail=260)
    assert strike < none


def test_strike_shifts_training_provenance_away_from_the_striking_group():
    def provenance(fraction: float) -> float:
        sc = load_scenario(SCENARIOS / "data_strike.toml", MID + [f"leverage.a.fraction={fraction}"])
        ts = run_scenario(sc, seed=3).timeseries
        during = ts[(ts.week >= 182) & (ts.week < 312)]
        assert np.allclose(during.filter(like="provenance_").sum(axis=1), 1.0)
        return during.provenance_core.mean()

    assert provenance(0.5) < provenance(0.0)


def test_replace_degrades_without_bound_and_accumulate_stays_bounded():
    runs = {}
    for mode in ("replace", "accumulate"):
        sc = load_scenario(SCENARIOS / f"model_collapse_{mode}.toml", ["population.size=2000"])
        runs[mode] = run_scenario(sc, seed=1).timeseries
    rep, acc = runs["replace"], runs["accumulate"]

    def quarters(ts):
        err = ts.collapse_error[ts.week >= 52].to_numpy()
        n = len(err)
        return [err[i * n // 4:(i + 1) * n // 4].mean() for i in range(4)]

    r, a = quarters(rep), quarters(acc)
    # replace: the error keeps growing, quarter after quarter (nothing writes that in)
    assert r[0] < r[1] < r[2] < r[3]
    # accumulate: it levels off, far below
    assert a[3] - a[1] < 0.2 * (r[3] - r[1]) and a[3] < 0.2 * r[3]
    # the rare hard needs go first, and the AI that replaced its data is the worse one
    assert rep.collapse_error_hard.tail(52).mean() > rep.collapse_error.tail(52).mean()
    assert rep.ai_quality.tail(52).mean() < 0.9 * acc.ai_quality.tail(52).mean()


@pytest.mark.slow
def test_licensing_income_reaches_newcomers():
    ts = run_scenario(load_scenario(SCENARIOS / "licensing.toml", MID), seed=2).timeseries
    after = ts.week > 110
    assert (ts.data_income[after] > 0).all() and (ts.newcomer_support[after] > 0).all()
    assert (ts.data_income[ts.week < 104] == 0).all()


def test_capability_generation_retrains_at_its_week():
    sc = load_scenario(SCENARIOS / "baseline.toml",
                       ["population.size=1000", "ai.generation2_week=150",
                        "ai.generation2_capability=1.0", "ai.retrain_interval=520"])
    ts = run_scenario(sc, seed=1).timeseries
    assert ts.loc[ts.week == 150, "ai_retrained"].item() == 1
    before = ts.loc[ts.week == 149, "ai_quality"].item()
    assert ts.loc[ts.week == 150, "ai_quality"].item() > before

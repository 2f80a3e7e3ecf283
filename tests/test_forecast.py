"""Forecasts: ordered bands, observed values only inside the window, the same file from the
same posterior and seed, and one-line refusals."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from ecosim.experiments.forecast import COLUMNS, forecast, write_forecast
from ecosim.model.params import ScenarioError
from ecosim.model.scenario import load_scenario
from ecosim.stie.observed import WINDOW_END

from .conftest import ROOT, ecosim_cli

SO = ROOT / "scenarios" / "stackoverflow.toml"
TINY = {"population.size": 400, "world.topics": 10, "run.burn_in_weeks": 30}
SETS = [arg for k, v in TINY.items() for arg in ("--set", f"{k}={v}")]


@pytest.fixture(scope="module")
def posterior(tmp_path_factory):
    """A hand-made posterior of two keys: three weighted parameter sets."""
    folder = tmp_path_factory.mktemp("posterior")
    pd.DataFrame({"ai.innovation": [0.01, 0.03, 0.02],
                  "demand.other_sources_growth": [0.02, 0.10, 0.05],
                  "weight": [0.2, 0.3, 0.5]}).to_csv(folder / "posterior.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def made(posterior, tmp_path_factory):
    sc = load_scenario(SO).with_values(TINY)
    result = forecast(sc, posterior, dt.date(2026, 12, 31), draws=4, replicates=2, seed=5)
    out = tmp_path_factory.mktemp("forecast")
    write_forecast(out, result)
    return result, out


def test_the_table_has_every_series_year_and_ordered_bands(made):
    result, out = made
    table = pd.read_csv(out / "forecast.csv")
    assert list(table.columns) == COLUMNS
    assert set(table.series) == {"so_questions", "so_questions_no_ai",
                                 "so_questions_substitution", "so_visits", "so_visits_no_ai",
                                 "so_visits_substitution"}
    assert set(table.year) == set(range(2019, 2027))
    bands = table[["lo90_index", "lo50_index", "median_index", "hi50_index", "hi90_index"]]
    assert (np.diff(bands.to_numpy(), axis=1) >= -1e-9).all()
    assert np.allclose(table.loc[table.year == 2022, "median_index"], 100.0)


def test_observed_values_only_inside_the_window(made):
    table = made[0].table
    seen = table[table.observed_index.notna()]
    assert set(seen.series) == {"so_questions"}
    assert seen.year.max() == WINDOW_END.year and seen.year.min() == 2019
    assert seen.set_index("year").observed_index[2023] == pytest.approx(
        100 * 123436 / 196603)


def test_the_check_counts_points_in_the_band(made):
    result, out = made
    c = result.coverage
    assert c["of"] == 4 and c["of_fitted"] == 3  # 2019, 2020 (left out), 2021, 2023
    covered = [p for p in c["points"] if p["covered"]]
    assert c["covered"] == len(covered)
    for p in c["points"]:
        assert p["covered"] == (p["band90"][0] <= p["observed"] <= p["band90"][1])
    record = json.loads((out / "forecast.json").read_text())
    assert record["forecast_sha256"] == hashlib.sha256(
        (out / "forecast.csv").read_bytes()).hexdigest()
    assert (out / "forecast.png").stat().st_size > 10_000


def test_the_ai_world_and_the_world_without_it_part_after_the_launch(made):
    t = made[0].table.set_index(["series", "year"]).median_index
    # the base year 2022 holds the launch's first five weeks, so the two indices differ a
    # little before the launch too (a 400-person world asks two questions a week)
    assert t["so_questions", 2021] == pytest.approx(t["so_questions_no_ai", 2021], rel=0.1)
    assert t["so_questions", 2024] < t["so_questions_no_ai", 2024] - 10


@pytest.mark.slow
def test_same_posterior_and_seed_same_file_on_any_workers(posterior, made, tmp_path):
    _, out = made
    args = ["forecast", str(SO), "--posterior", str(posterior), "--draws", "4",
            "--replicates", "2", "--seed", "5", *SETS]
    proc = ecosim_cli(*args, "--out", str(tmp_path / "two"), "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert "posterior predictive check" in proc.stdout
    assert (tmp_path / "two" / "forecast.csv").read_bytes() == (out / "forecast.csv").read_bytes()
    six = [a if a != "5" else "6" for a in args]
    other = ecosim_cli(*six, "--out", str(tmp_path / "six"), "--workers", "2")
    assert other.returncode == 0
    assert (tmp_path / "six" / "forecast.csv").read_bytes() != (out / "forecast.csv").read_bytes()


@pytest.mark.parametrize("extra, words", [
    (["--until", "2026-13-01"], "--until 2026-13-01: not a date"),
    (["--until", "2022-06-30"], "must run past 2022"),
    (["--posterior", "/nonexistent/posterior"], "no posterior there"),
])
def test_bad_requests_are_refused_in_one_line(tmp_path, extra, words):
    proc = ecosim_cli("forecast", str(SO), "--out", str(tmp_path / "o"), *extra)
    assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr


def test_a_scenario_without_a_forecast_is_refused(posterior):
    with pytest.raises(ScenarioError, match="nothing to forecast"):
        forecast(load_scenario(ROOT / "scenarios" / "baseline.toml"), posterior,
                 dt.date(2026, 12, 31))


def test_a_posterior_of_unknown_keys_is_refused(tmp_path):
    pd.DataFrame({"ai.bogus": [1.0], "weight": [1.0]}).to_csv(tmp_path / "posterior.csv",
                                                               index=False)
    with pytest.raises(ScenarioError, match="ai.bogus are not keys"):
        forecast(load_scenario(SO), tmp_path, dt.date(2026, 12, 31))

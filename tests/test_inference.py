"""Calibration as inference (ABC-SMC): it recovers parameters the model itself was run
with, its posterior does not depend on the workers or on being killed and resumed, and
it refuses what it cannot do in one line."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ecosim.experiments.executors import Execution
from ecosim.experiments.inference import (
    LEFT_OUT,
    infer,
    measure,
    statistics,
    write_results,
)
from ecosim.experiments.run import run_scenario
from ecosim.model.params import ScenarioError
from ecosim.model.scenario import load_scenario

from .conftest import ROOT, ecosim_cli

SO = ROOT / "scenarios" / "stackoverflow.toml"
TINY = {"population.size": 400, "world.topics": 10, "run.burn_in_weeks": 30}
SETS = [arg for k, v in TINY.items() for arg in ("--set", f"{k}={v}")]
KEYS = ["ai.innovation", "ai.imitation"]
TRUTH = {"ai.innovation": 0.012, "ai.imitation": 0.35}


def tiny_so():
    return load_scenario(SO).with_values(TINY)


def test_the_statistics_are_the_observed_points_the_run_covers():
    stats = {s.name: s for s in statistics(tiny_so())}
    # 2019-2023 less the base year and the lockdown spike; the two surveys
    assert set(stats) == {"so_questions:2019", "so_questions:2021", "so_questions:2023",
                          "so_adoption:2023-05", "so_adoption:2024-05"}
    assert ("so_questions", "2020") in LEFT_OUT
    assert stats["so_questions:2023"].observed == pytest.approx(100 * 123436 / 196603)
    assert stats["so_adoption:2023-05"].observed == 0.44
    with pytest.raises(ScenarioError, match="no observed series"):
        statistics(load_scenario(ROOT / "scenarios" / "baseline.toml"))


def test_measure_reads_a_year_index_and_a_survey_week():
    sc = tiny_so().with_values({"run.weeks": 280})
    ts = run_scenario(sc).timeseries
    got = measure(ts, statistics(sc))
    dates = pd.to_datetime(ts["date"])
    q = ts.groupby(dates.dt.year)["questions"].mean()
    assert got["so_questions:2019"] == pytest.approx(100 * q[2019] / q[2022])
    may = ts.loc[(dates >= "2023-05-10") & (dates <= "2023-05-16"), "ai_adopters"]
    assert got["so_adoption:2023-05"] == pytest.approx(float(may.iloc[0]))


@pytest.fixture(scope="module")
def known_answer(tmp_path_factory):
    """Data the model made at TRUTH, inferred back in-process over 3 generations: the
    adoption survey's two dates, which are what the adoption curve's two rates act on (a
    400-person world's question counts are too noisy to be worth the runs here)."""
    sc = tiny_so()
    stats = [s for s in statistics(sc) if s.series == "so_adoption"]
    made = sc.with_values({**TRUTH, "run.seed": 7})
    observed = measure(run_scenario(made).timeseries, stats)
    folder = tmp_path_factory.mktemp("known")
    post = infer(sc, KEYS, folder=folder, particles=30, generations=3, seed=11,
                 observed=observed, statistics_=stats)
    return folder, post, observed, stats


def test_the_posterior_covers_the_parameters_the_data_were_made_with(known_answer):
    _, post, _, _ = known_answer
    for key, true in TRUTH.items():
        lo, hi = post.interval(key)
        assert lo <= true <= hi, (key, true, lo, hi)
    # and it learned: the adoption points pin the adoption curve's two rates together
    assert min(post.shrinkage().values()) < 0.8, post.shrinkage()
    assert list(post.generations.epsilon) == sorted(post.generations.epsilon, reverse=True)


@pytest.mark.slow
def test_workers_and_a_kill_do_not_change_the_posterior(known_answer, tmp_path):
    folder, post, observed, stats = known_answer
    sc = tiny_so()
    # two workers, stopped after one generation and resumed for the other two
    other = tmp_path / "resumed"
    infer(sc, KEYS, folder=other, particles=30, generations=1, seed=11, observed=observed,
          statistics_=stats, execution=Execution("local", 2))
    again = infer(sc, KEYS, folder=other, particles=30, generations=3, seed=11,
                  observed=observed, statistics_=stats, execution=Execution("local", 2))
    pd.testing.assert_frame_equal(again.samples, post.samples)
    pd.testing.assert_frame_equal(again.simulated, post.simulated)


def _stored_generations(db: Path) -> int:
    try:
        with sqlite3.connect(db) as c:
            return c.execute("select count(*) from populations where t >= 0").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_a_killed_calibration_resumes_to_the_same_posterior(tmp_path):
    args = ["calibrate", str(SO), "--method", "abc", "--params", ",".join(KEYS),
            "--particles", "12", "--generations", "3", "--workers", "2", *SETS]
    whole = tmp_path / "whole"
    assert ecosim_cli(*args, "--out", str(whole)).returncode == 0
    killed = tmp_path / "killed"
    cmd = [sys.executable, "-m", "ecosim", *args, "--out", str(killed)]
    first = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while _stored_generations(killed / "abc.db") < 1:
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.killpg(first.pid, signal.SIGKILL)  # workers and all, mid-generation
        first.wait()
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert not (killed / "posterior.csv").exists()
    resumed = ecosim_cli(*args, "--out", str(killed))
    assert resumed.returncode == 0, resumed.stderr
    assert (killed / "posterior.csv").read_text() == (whole / "posterior.csv").read_text()
    for name in ("calibrated.toml", "calibration.json", "marginals.png", "pairs.png",
                 "fit.png", "generations.csv"):
        assert (killed / name).stat().st_size > 0
    assert "ai.innovation = " in resumed.stdout and "generations" in resumed.stdout


def test_results_are_written_and_the_calibrated_scenario_loads(known_answer, tmp_path):
    folder, post, _, _ = known_answer
    write_results(folder, post, SO, {"seed": 11, "particles": 30, "population": 400})
    samples = pd.read_csv(folder / "posterior.csv")
    assert list(samples.columns) == [*KEYS, "weight"] and len(samples) == 30
    assert samples.weight.sum() == pytest.approx(1.0)
    calibrated = load_scenario(folder / "calibrated.toml")
    for key, value in post.median().items():
        assert calibrated.params[key] == pytest.approx(value)
    comments = " ".join(line.lstrip("# ").strip() for line in
                        (folder / "calibrated.toml").read_text().splitlines())
    assert "pyabc ABC-SMC, seed 11" in comments
    assert "so_adoption:2023-05 = " in comments and "so_questions:2023" not in comments
    assert "left out" not in comments  # the questions series was not fitted here


@pytest.mark.parametrize("extra, words", [
    (["--method", "bayes"], "--method bayes: expected abc or de"),
    (["--method", "abc", "--params", "run.seed"], "cannot be fitted"),
    (["--method", "abc", "--params", "ai.innovaton"], "ai.innovaton"),
])
def test_bad_requests_are_refused_in_one_line(tmp_path, extra, words):
    proc = ecosim_cli("calibrate", str(SO), "--out", str(tmp_path / "o"), *extra)
    assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()


def test_a_scenario_without_observed_series_is_refused(tmp_path):
    proc = ecosim_cli("calibrate", str(ROOT / "scenarios" / "baseline.toml"), "--method",
                      "abc", "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "no observed series" in proc.stderr


def test_a_folder_of_another_request_is_refused(known_answer):
    folder, _, _, _ = known_answer
    proc = ecosim_cli("calibrate", str(SO), "--method", "abc", "--params", ",".join(KEYS),
                      "--particles", "31", "--generations", "3", "--out", str(folder),
                      *SETS)
    assert proc.returncode == 2
    assert "holds a calibration of another request" in proc.stderr
    assert "particles 30 on disk, 31 asked" in proc.stderr

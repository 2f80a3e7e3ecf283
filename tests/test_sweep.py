"""Sweeps: designs, stable ids, the same hash on every back-end, failure isolation, resume
after SIGKILL, and one clear line with exit status 2 for every bad sweep file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ecosim.cli import app
from ecosim.experiments.designs import load_sweep
from ecosim.experiments.executors import open_executor
from ecosim.experiments.run import run_scenario
from ecosim.experiments.sweep import (
    STATUS_FAILED,
    STATUS_OK,
    RunTask,
    execute,
    load_runs,
    plan,
    run_sweep,
)
from ecosim.model.params import SCHEMA, ScenarioError

from .conftest import ROOT, ecosim_cli

BASELINE = (ROOT / "scenarios" / "baseline.toml").as_posix()
TINY_SET = """
[set]
population.size = 200
world.topics = 10
run.weeks = 30
run.burn_in_weeks = 10
ai.launch_week = 10
"""


def write_sweep(tmp_path: Path, design: str, factors: str, samples: int = 2,
                replicates: int = 1, name: str = "s.toml") -> Path:
    """A sweep file over a tiny world (200 people, 30 weeks)."""
    path = tmp_path / name
    path.write_text(f'[sweep]\nbase = "{BASELINE}"\ndesign = "{design}"\nsamples = {samples}\n'
                    f"replicates = {replicates}\nseed = 11\n{TINY_SET}\n[factors]\n{factors}\n")
    return path


GRID = '"ai.capability" = { low = 0.2, high = 1.0, levels = 3 }\n' \
       '"attribution.share" = { values = [0.0, 0.5] }'
RANGES = '"ai.capability" = { low = 0.2, high = 1.0 }\n' \
         '"ai.retrain_interval" = { low = 13, high = 104 }\n' \
         '"contributors.audience_elasticity" = { low = 0.0, high = 3.0 }'


# --- designs ------------------------------------------------------------------------------

@pytest.mark.parametrize(("design", "samples", "expected"), [
    ("grid", 4, 4 * 4 * 4), ("lhs", 10, 10), ("sobol", 8, 8 * (3 + 2)), ("morris", 3, 3 * 4)])
def test_designs_give_the_right_number_of_points_within_bounds(tmp_path, design, samples,
                                                               expected):
    sweep = load_sweep(write_sweep(tmp_path, design, RANGES, samples=samples))
    points = sweep.points()
    assert len(points) == expected
    for f in sweep.factors:
        values = [p[f.key] for p in points]
        assert all(f.low <= v <= f.high for v in values)
        assert all(type(v) is SCHEMA[f.key].kind for v in values)  # integers stay integers
        assert len(set(values)) > 1


def test_grid_values_and_levels(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path, "grid", GRID))
    assert [(p["ai.capability"], p["attribution.share"]) for p in sweep.points()] == [
        (0.2, 0.0), (0.2, 0.5), (0.6, 0.0), (0.6, 0.5), (1.0, 0.0), (1.0, 0.5)]


def test_run_ids_and_seeds_are_stable(tmp_path):
    path = write_sweep(tmp_path, "lhs", RANGES, samples=5, replicates=2)
    a, b = plan(load_sweep(path)), plan(load_sweep(path))
    assert [(t.run_id, t.seed, t.values) for t in a] == [(t.run_id, t.seed, t.values) for t in b]
    assert len({t.run_id for t in a}) == 10
    assert len({t.seed for t in a}) == 2  # replicate r shares its seed across points (CRN)
    more = plan(load_sweep(path, replicates=3))
    assert {(t.run_id, t.seed) for t in a} <= {(t.run_id, t.seed) for t in more}
    assert load_sweep(path).fingerprint() == load_sweep(path, replicates=3).fingerprint()
    assert load_sweep(path).fingerprint() != load_sweep(path, ["population.size=300"]
                                                        ).fingerprint()


# --- determinism across back-ends ---------------------------------------------------------

def test_same_run_same_hash_inline_local_pool_and_dask(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path, "grid", GRID))
    hashes = {}
    for backend in ("inline", "local", "dask"):
        report = run_sweep(sweep, tmp_path / backend, backend=backend, workers=2)
        assert report.failed == 0 and report.ran == 6
        runs = load_runs(tmp_path / backend)
        hashes[backend] = dict(zip(runs.run_id, runs.output_sha256, strict=True))
    assert hashes["inline"] == hashes["local"] == hashes["dask"]
    task = plan(sweep)[3]  # and the same as a plain in-process run of that scenario
    direct = run_scenario(task.scenario(), seed=task.seed).manifest["output_sha256"]
    assert hashes["inline"][task.run_id] == direct


# --- failure isolation --------------------------------------------------------------------

FAILING = {"p00001-r000", "p00004-r000"}


def flaky(task: RunTask):
    """Run a task, but raise for the ids in FAILING (module-level so that it pickles)."""
    if task.run_id in FAILING:
        raise RuntimeError(f"injected failure in {task.run_id}")
    return execute(task)


def test_a_failing_run_is_isolated_and_retried_on_resume(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path, "grid", GRID))
    out = tmp_path / "out"
    report = run_sweep(sweep, out, backend="local", workers=2, run=flaky, batch_size=3)
    assert (report.ran, report.failed) == (6, 2)
    runs = load_runs(out).set_index("run_id")
    assert set(runs.index[runs.status == STATUS_FAILED]) == FAILING
    assert runs.loc["p00001-r000", "error"].startswith("RuntimeError: injected failure")
    assert runs.loc["p00004-r000", "regime"] is pd.NA or pd.isna(runs.loc["p00004-r000",
                                                                          "regime"])
    assert (runs.status == STATUS_OK).sum() == 4  # batch-mates of a failure still finished
    again = run_sweep(sweep, out, backend="inline")
    assert (again.ran, again.skipped, again.failed) == (2, 4, 0)
    runs = load_runs(out)
    assert len(runs) == 6 and runs.run_id.is_unique and (runs.status == STATUS_OK).all()


# --- resume after SIGKILL -----------------------------------------------------------------

def test_resume_after_sigkill_runs_every_run_exactly_once(tmp_path):
    path = write_sweep(tmp_path, "lhs", RANGES, samples=20, replicates=2)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "ecosim", "sweep", str(path), "--out", str(out),
           "--workers", "2", "--batch-size", "2", "--flush-seconds", "0", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not list((out / "parts").glob("part-*.parquet")) and proc.poll() is None:
            assert time.monotonic() < deadline, "no part file appeared"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its workers, mid-way
        proc.wait()
    partial = load_runs(out)  # every file left behind is whole
    assert 0 < len(partial) < 40
    proc = ecosim_cli("sweep", str(path), "--out", str(out), "--workers", "2", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert f"{len(partial)} already done" in proc.stdout
    runs = pd.read_parquet(out / "runs.parquet")
    expected = {t.run_id for t in plan(load_sweep(path))}
    assert len(runs) == 40 and runs.run_id.is_unique and set(runs.run_id) == expected
    assert (runs.status == STATUS_OK).all()
    assert not list(out.rglob("*.tmp"))
    kept = partial.set_index("run_id").output_sha256
    assert (runs.set_index("run_id").output_sha256[kept.index] == kept).all()


# --- bad sweep files ----------------------------------------------------------------------

BAD = {
    "unknown key": ('"ai.capabilty" = { low = 0.2, high = 0.9 }', "ai.capabilty"),
    "outside range": ('"ai.capability" = { low = 0.2, high = 1.5 }', "ai.capability"),
    "empty design": ("", "empty"),
}


@pytest.mark.parametrize("case", [*BAD, "malformed", "missing base"])
def test_bad_sweep_file_exits_2_with_one_line(tmp_path, case):
    if case in BAD:
        path = write_sweep(tmp_path, "grid", BAD[case][0])
        expected = BAD[case][1]
    elif case == "malformed":
        path = tmp_path / "s.toml"
        path.write_text('[sweep]\nbase = "x.toml\n')
        expected = "malformed TOML"
    else:
        path = tmp_path / "s.toml"
        path.write_text('[sweep]\nbase = "nowhere.toml"\n[factors]\n'
                        '"ai.capability" = { low = 0.2, high = 1.0 }\n')
        expected = "nowhere.toml"
    out = tmp_path / "out"
    proc = CliRunner().invoke(app, ["sweep", str(path), "--out", str(out)])
    assert proc.exit_code == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert str(path) in lines[0] and expected in lines[0]
    assert not out.exists()


def test_unknown_backend_exits_2_with_one_line(tmp_path):
    path = write_sweep(tmp_path, "grid", GRID)
    proc = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out"),
                                    "--backend", "foo"])
    assert proc.exit_code == 2 and not isinstance(proc.exception, Exception)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "--backend" in lines[0]
    assert not (tmp_path / "out").exists()


def test_unreachable_scheduler_is_a_user_error():
    with socket.socket() as s:  # a local port nobody listens on (closed again below)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    started = time.monotonic()
    with pytest.raises(ScenarioError, match=f"--scheduler {address}: cannot connect"):
        with open_executor("dask", scheduler=address, connect_timeout="1s"):
            pass
    assert time.monotonic() - started < 30
    with pytest.raises(ScenarioError, match="--scheduler foo://x: not a scheduler address"):
        with open_executor("dask", scheduler="foo://x"):
            pass


def test_other_design_in_same_folder_is_refused_and_nothing_is_damaged(tmp_path):
    out = tmp_path / "out"
    first = write_sweep(tmp_path, "grid", GRID, name="a.toml")
    run_sweep(load_sweep(first), out, backend="inline")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    other = write_sweep(tmp_path, "grid", GRID.replace("levels = 3", "levels = 2"),
                        name="b.toml")
    proc = CliRunner().invoke(app, ["sweep", str(other), "--out", str(out)])
    assert proc.exit_code == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "different design" in proc.stderr and "factors" in proc.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    proc = CliRunner().invoke(app, ["sweep", str(first), "--out", str(out), "--set",
                                    "population.size=250"])
    assert proc.exit_code == 2 and "population.size" in proc.stderr


def test_plot_draws_regime_map_and_curves(tmp_path):
    out = tmp_path / "out"
    run_sweep(load_sweep(write_sweep(tmp_path, "grid", GRID)), out, backend="inline")
    proc = CliRunner().invoke(app, ["plot", str(out)])
    assert proc.exit_code == 0, proc.output
    assert (out / "regime_map.png").stat().st_size > 0
    assert (out / "outcomes.png").stat().st_size > 0


def test_plot_sobol_prints_and_draws_indices(tmp_path):
    out = tmp_path / "out"
    sweep = load_sweep(write_sweep(tmp_path, "sobol", RANGES, samples=4))
    run_sweep(sweep, out, backend="inline")
    proc = CliRunner().invoke(app, ["plot", str(out)])
    assert proc.exit_code == 0, proc.output
    assert "sobol indices" in proc.stdout and "ST_conf" in proc.stdout
    table = pd.read_csv(out / "sensitivity_sobol.csv")
    assert set(table.key) == {f.key for f in sweep.factors}
    assert (out / "sensitivity_sobol.png").stat().st_size > 0


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios" / "sweeps").glob("*.toml")),
                         ids=lambda p: p.name)
def test_every_shipped_sweep_file_loads(path):
    sweep = load_sweep(path)
    assert len(plan(sweep)) >= 2 * len(sweep.factors)


@pytest.mark.parametrize("name", ["regime_map", "sensitivity", "form_only"])
def test_shipped_sweep_output_belongs_to_its_sweep_file_and_reproduces(tmp_path, name):
    # The shipped folder resumes with nothing left to do, and a sample of its runs gives
    # the recorded output hashes under the current model.
    import shutil

    folder = tmp_path / name
    shutil.copytree(ROOT / "data" / name, folder)
    sweep = load_sweep(ROOT / "scenarios" / "sweeps" / f"{name}.toml")
    report = run_sweep(sweep, folder, backend="inline")
    assert report.ran == 0 and report.skipped == report.total
    runs = load_runs(folder).set_index("run_id")
    tasks = {t.run_id: t for t in plan(sweep)}
    for run_id in sorted(tasks)[:: max(1, len(tasks) // 3)][:3]:
        got = execute(tasks[run_id]).manifest["output_sha256"]
        assert got == runs.loc[run_id, "output_sha256"], run_id

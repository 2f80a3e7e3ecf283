"""The command line under faults: every fault provoked for real, with its exit status, its
one line and nothing lost.

Read-only places and full disks are real file systems (a tmpfs mounted read-only, or with
a few kilobytes) when the tests run as root, as CI does; elsewhere a folder without write
permission stands in for the read-only one, and the full-disk test is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from .conftest import ROOT, ecosim_cli
from .test_sweep import RANGES, write_sweep

ROOT_USER = os.geteuid() == 0 and shutil.which("mount") is not None


def _mount_tmpfs(target: Path, options: str) -> bool:
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
                          capture_output=True).returncode == 0


@pytest.fixture
def read_only(tmp_path):
    """A folder on a read-only file system (or, without root, without write permission)."""
    target = tmp_path / "read-only"
    target.mkdir()
    if ROOT_USER and _mount_tmpfs(target, "ro,size=64k"):
        yield target
        subprocess.run(["umount", str(target)], check=False)
        return
    if os.geteuid() == 0:
        pytest.skip("cannot mount a read-only file system here, and root ignores permissions")
    target.chmod(0o555)
    yield target
    target.chmod(0o755)


@pytest.fixture
def full_disk(tmp_path):
    """A folder on a file system with room for a few kilobytes only."""
    target = tmp_path / "full"
    target.mkdir()
    if not (ROOT_USER and _mount_tmpfs(target, "size=12k")):
        pytest.skip("needs root to mount a tiny file system (CI runs as root)")
    yield target
    subprocess.run(["umount", str(target)], check=False)


def _one_line_error(proc, *words: str) -> str:
    lines = proc.stderr.strip().splitlines()
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# --- 1. every path checked before any work -------------------------------------------------


@pytest.mark.slow
def test_every_command_checks_its_output_place_before_any_work(read_only, tiny_toml, tmp_path):
    sweep = write_sweep(tmp_path, "grid", '"ai.capability" = { values = [0.3, 0.9] }')
    cases = [
        ["run", str(tiny_toml), "--out", str(read_only / "run")],
        ["sweep", str(sweep), "--out", str(read_only / "sweep"), "--quiet"],
        ["leverage", str(tiny_toml), "--out", str(read_only / "lev"), "--levels", "2",
         "--replicates", "1", "--quiet"],
        ["ablate", str(tiny_toml), "--plot", str(read_only / "a.png"), "--replicates", "1"],
        ["calibrate", str(tiny_toml), "--params", "ai.innovation", "--out",
         str(read_only / "fit.toml")],
        ["docs", "--out", str(read_only / "ODD.md")],
        ["plot", str(read_only)],
    ]
    for args in cases:
        started = time.monotonic()
        proc = ecosim_cli(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        _one_line_error(proc, str(read_only))
        # before any work: no run, no search took place (each would take many seconds)
        assert time.monotonic() - started < 20, args
    assert not any(read_only.iterdir())


def test_a_full_disk_keeps_the_results_elsewhere_and_says_where(full_disk, tiny_toml):
    proc = ecosim_cli("run", str(tiny_toml), "--out", str(full_disk / "run"))
    assert proc.returncode == 1, proc.stderr
    line = _one_line_error(proc, "No space left on device", "kept in")
    kept = Path(line.rsplit("kept in ", 1)[1].strip())
    try:
        assert json.loads((kept / "manifest.json").read_text())["weeks"] == 40
        assert (kept / "timeseries.parquet").stat().st_size > 0
    finally:
        shutil.rmtree(kept, ignore_errors=True)
    assert not list((full_disk / "run").glob("*.tmp")) if (full_disk / "run").exists() else True


def test_a_full_disk_mid_sweep_loses_no_run(full_disk, tmp_path):
    sweep = write_sweep(tmp_path, "lhs", RANGES, samples=8)
    proc = ecosim_cli("sweep", str(sweep), "--out", str(full_disk / "s"), "--workers", "1",
                      "--flush-seconds", "0", "--quiet", "--timeseries")
    assert proc.returncode == 1, proc.stderr
    line = _one_line_error(proc, "No space left on device", "kept in", "resume")
    kept = Path(line.split("kept in ", 1)[1].split(";")[0].strip())
    shutil.rmtree(kept, ignore_errors=True)


# --- 2. nothing written is damaged ---------------------------------------------------------


@pytest.mark.slow
def test_results_of_another_run_or_kind_are_not_overwritten(tiny_toml, tmp_path):
    out = tmp_path / "out"
    assert ecosim_cli("run", str(tiny_toml), "--out", str(out)).returncode == 0
    first = json.loads((out / "manifest.json").read_text())["output_sha256"]
    assert ecosim_cli("run", str(tiny_toml), "--out", str(out)).returncode == 0  # the same
    before = (out / "manifest.json").read_bytes()
    assert json.loads(before)["output_sha256"] == first
    proc = ecosim_cli("run", str(tiny_toml), "--seed", "9", "--out", str(out))
    assert proc.returncode == 2
    _one_line_error(proc, "already holds a run", "--force")
    assert (out / "manifest.json").read_bytes() == before
    forced = ecosim_cli("run", str(tiny_toml), "--seed", "9", "--out", str(out), "--force")
    assert forced.returncode == 0 and json.loads((out / "manifest.json").read_text())["seed"] == 9
    # a sweep folder is not a run's, and the other way round
    sweep = write_sweep(tmp_path, "grid", '"ai.capability" = { values = [0.3, 0.9] }')
    assert ecosim_cli("sweep", str(sweep), "--out", str(tmp_path / "sw"), "--workers", "1",
                      "--quiet").returncode == 0
    proc = ecosim_cli("run", str(tiny_toml), "--out", str(tmp_path / "sw"))
    assert proc.returncode == 2
    _one_line_error(proc, "already holds a sweep")
    proc = ecosim_cli("sweep", str(sweep), "--out", str(out), "--quiet")
    assert proc.returncode == 2
    _one_line_error(proc, "already holds a run")


def test_calibrate_does_not_write_over_its_input_or_an_existing_file(tiny_toml, tmp_path):
    original = tiny_toml.read_bytes()
    proc = ecosim_cli("calibrate", str(tiny_toml), "--params", "ai.innovation", "--out",
                      str(tiny_toml))
    assert proc.returncode == 2
    _one_line_error(proc, "one of this command's inputs")
    existing = tmp_path / "fit.toml"
    existing.write_text("# an earlier fit\n")
    proc = ecosim_cli("calibrate", str(tiny_toml), "--params", "ai.innovation", "--out",
                      str(existing))
    assert proc.returncode == 2
    _one_line_error(proc, "already exists", "--force")
    assert tiny_toml.read_bytes() == original and existing.read_text() == "# an earlier fit\n"


# --- 3. no orphans, no double work ---------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _slow_sweep(tmp_path: Path) -> list[str]:
    """A sweep that runs for half a minute or so (80 runs of 2,000 people)."""
    path = write_sweep(tmp_path, "lhs", RANGES, samples=40, replicates=2)
    path.write_text(path.read_text().replace("population.size = 200", "population.size = 2000")
                    .replace("run.weeks = 30", "run.weeks = 150"))
    return [sys.executable, "-m", "ecosim", "sweep", str(path), "--out", str(tmp_path / "out"),
            "--workers", "2", "--batch-size", "1", "--flush-seconds", "0", "--quiet"]


def test_pool_workers_end_when_their_parent_is_killed(tmp_path):
    proc = subprocess.Popen(_slow_sweep(tmp_path), cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(_children(proc.pid)) < 2:  # the pool's two workers
            assert proc.poll() is None and time.monotonic() < deadline, "no workers started"
            time.sleep(0.05)
        workers = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)  # the parent alone, as kill -9 does
        proc.wait()
        deadline = time.monotonic() + 15
        while _group_alive(proc.pid):
            assert time.monotonic() < deadline, f"orphaned workers still alive: {workers}"
            time.sleep(0.1)
    finally:
        if _group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.slow
def test_two_processes_on_one_folder_and_a_stale_lock(tmp_path):
    cmd = _slow_sweep(tmp_path)
    first = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not list((tmp_path / "out" / "parts").glob("part-*.parquet")):
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.killpg(first.pid, signal.SIGSTOP)  # still holding its lock, whatever the load
        second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert second.returncode == 2
        _one_line_error(second, "in use by another ecosim process", f"pid {first.pid}")
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # leaves its lock file behind
        first.wait()
    assert (tmp_path / "out" / ".ecosim.lock").exists()
    third = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert third.returncode == 0, third.stderr  # the dead holder's lock is taken over
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")  # and nothing was lost
    assert len(runs) == 80 and runs.run_id.is_unique and (runs.status == "ok").all()


@pytest.mark.slow
def test_two_calibrations_into_one_file(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text("[population]\nsize = 1500\n[world]\ntopics = 10\n[run]\n"
                        "weeks = 150\nburn_in_weeks = 50\n[ai]\nlaunch_week = 50\n")
    out = tmp_path / "fit.toml"
    cmd = [sys.executable, "-m", "ecosim", "calibrate", str(scenario), "--params",
           "ai.innovation", "--out", str(out), "--population", "1500", "--maxiter", "3",
           "--workers", "1"]
    first = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        lock = tmp_path / ".fit.toml.lock"
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.read_text().strip()):
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        # Paused, the first still holds its lock, however slowly the second starts.
        os.killpg(first.pid, signal.SIGSTOP)
        try:
            second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                                    timeout=120)
        finally:
            os.killpg(first.pid, signal.SIGCONT)
        assert second.returncode == 2
        _one_line_error(second, "in use by another ecosim process", f"pid {first.pid}")
        assert first.wait(timeout=600) == 0
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert "ai.innovation = " in out.read_text()


# --- 4. say what is done -------------------------------------------------------------------


def test_resume_says_how_the_request_differs(tmp_path):
    sweep = write_sweep(tmp_path, "grid", '"ai.capability" = { values = [0.3, 0.9] }',
                        replicates=2)
    out = str(tmp_path / "out")
    assert ecosim_cli("sweep", str(sweep), "--out", out, "--quiet").returncode == 0
    proc = ecosim_cli("sweep", str(sweep), "--out", out, "--replicates", "1", "--quiet")
    assert proc.returncode == 0
    assert "note: the folder already holds 2 replicates per point" in proc.stdout


@pytest.mark.parametrize("params, words", [
    ("run.seed", "cannot be fitted"), ("population.size", "cannot be fitted"),
    ("run.weeks", "cannot be fitted"), ("ai.innovation,ai.innovation", "more than once"),
])
def test_calibrate_refuses_keys_it_cannot_fit(tiny_toml, tmp_path, params, words):
    proc = ecosim_cli("calibrate", str(tiny_toml), "--params", params, "--out",
                      str(tmp_path / "fit.toml"))
    assert proc.returncode == 2
    _one_line_error(proc, words)


def test_a_run_that_ends_before_the_launch_has_no_verdict(tiny_toml):
    proc = ecosim_cli("run", str(tiny_toml), "--steps", "5")
    assert proc.returncode == 0, proc.stderr
    assert "regime: none" in proc.stdout
    assert "why: no verdict: the AI never launched" in proc.stdout
    assert "contributors ended" not in proc.stdout


# --- 5. files others can read --------------------------------------------------------------


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600)])
def test_outputs_respect_the_umask(tiny_toml, tmp_path, umask, mode):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "ecosim", "run", str(tiny_toml), "--out",
                           str(out)], cwd=ROOT, capture_output=True, text=True,
                          preexec_fn=lambda: os.umask(umask), timeout=300)
    assert proc.returncode == 0, proc.stderr
    for name in ("timeseries.parquet", "manifest.json"):
        assert stat.S_IMODE((out / name).stat().st_mode) == mode, name


# --- 6. errors in the user's words ---------------------------------------------------------


@pytest.mark.parametrize("args, words", [
    (["--steps", "0"], "--steps 0: not allowed; expected an integer from 1 to 10,000"),
    (["--seed", "-1"], "--seed -1: not allowed"),
    (["--set", "population.size=3"], "from 10 to 5,000,000 (people)"),
])
def test_errors_name_the_option_as_typed(tiny_toml, args, words):
    proc = ecosim_cli("run", str(tiny_toml), *args)
    assert proc.returncode == 2
    line = _one_line_error(proc, words)
    assert "e+06" not in line


def test_leverage_speaks_of_its_own_options(tiny_toml, tmp_path):
    proc = ecosim_cli("leverage", str(tiny_toml), "--out", str(tmp_path / "l"), "--group",
                      "admins")
    assert proc.returncode == 2
    line = _one_line_error(proc, "--group 'admins'", "'core'", "'all'")
    assert "leverage.a.group" not in line and "'none'" not in line


def test_help_wraps_cleanly_and_plurals_agree(tiny_toml):
    help_text = ecosim_cli("leverage", "--help").stdout
    # the summary sentence wraps where the terminal is full, not at the docstring's breaks
    assert "withheld, with a curve" in " ".join(help_text.split())
    proc = ecosim_cli("validate", str(tiny_toml), "--replicates", "1", "--population", "0",
                      "--workers", "1")
    assert "1 paired replicate," in proc.stdout and "1 paired replicates" not in proc.stdout

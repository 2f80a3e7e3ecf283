"""Shared fixtures: small, fast worlds for tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecosim import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

SMALL = {
    "population.size": 1500,
    "world.topics": 20,
    "run.burn_in_weeks": 52,
    "run.weeks": 156,
    "ai.launch_week": 52,
    "ai.retrain_interval": 26,
}


def small(**changes) -> Scenario:
    """A small world (1,500 people, 20 topics, 3 recorded years) with dotted-key changes
    given as keyword arguments with '__' for '.'."""
    values = dict(SMALL)
    values.update({k.replace("__", "."): v for k, v in changes.items()})
    return Scenario.from_overrides(values)


def ecosim_cli(*args: str, cwd: Path | None = None, env: dict | None = None):
    """Run ``python -m ecosim`` in a subprocess and return the completed process."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "ecosim", *args], cwd=cwd or ROOT,
                          capture_output=True, text=True, env=full_env, timeout=300)


@pytest.fixture
def tiny_toml(tmp_path: Path) -> Path:
    """A valid tiny scenario file."""
    path = tmp_path / "tiny.toml"
    path.write_text(
        "[population]\nsize = 400\n[world]\ntopics = 10\n"
        "[run]\nweeks = 40\nburn_in_weeks = 10\n[ai]\nlaunch_week = 10\n"
    )
    return path


# -- a test run a person can follow: seconds per test file, at the end ---------------------

_SECONDS_PER_FILE: dict[str, float] = {}


def pytest_runtest_logreport(report) -> None:
    """Add up each test file's seconds (setup, call and teardown), also under xdist."""
    path = report.nodeid.split("::")[0]
    _SECONDS_PER_FILE[path] = _SECONDS_PER_FILE.get(path, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the seconds each test file took, slowest first."""
    if not _SECONDS_PER_FILE:
        return
    terminalreporter.write_sep("-", "seconds per test file (summed over workers)")
    for path, seconds in sorted(_SECONDS_PER_FILE.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"{seconds:8.1f} s  {path}")

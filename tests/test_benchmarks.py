"""The benchmarks run (at tiny size); their figures are not checked here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import ROOT


def test_engine_benchmark_runs_at_tiny_size(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_engines.py"),
                           "--tiny", "--json", str(out)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text())["results"]
    assert {r["engine"] for r in results} == {"fast", "reference"}
    assert all(r["person_steps_per_s"] > 0 and r["peak_rss_mb"] > 0 for r in results)


@pytest.mark.slow
def test_dashboard_benchmark_runs(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_dashboard.py"),
                           "--steps", "3", "--json", str(out)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(out.read_text())
    assert figures["people"] == 10_000 and figures["page_step_ms_median"] > 0
    assert figures["five_plots_ms_median"] > 0 and "browser_step_ms_median" not in figures


@pytest.mark.slow
def test_ensemble_benchmark_runs_at_tiny_size(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_ensembles.py"),
                           "--tiny", "--skip", "startup", "--json", str(out)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(out.read_text())
    assert figures["paired"]["paired_forked_s"] > 0
    assert figures["validate"]["forked_2_workers_s"] > 0 and figures["ablate"]["runs"] > 0
    assert len(figures["step"]) == 2 and figures["step_rate_small_over_large"] > 0

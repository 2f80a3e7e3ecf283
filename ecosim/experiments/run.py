"""Run a scenario and package its output: the time series, the manifest and the regime.

This is the one public run function that the CLI, sweeps, validation and the dashboard
call; they meet the model only through the tables it returns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecosim.experiments.outputs import atomic_write
from ecosim.model.forking import parting_week
from ecosim.model.model import EcosystemModel
from ecosim.model.scenario import Scenario
from ecosim.stie.regimes import Regime, classify

DEPENDENCIES = ("mesa", "numpy", "pandas", "pyarrow", "networkx", "scipy")


@dataclass
class RunResult:
    """The output of one run.

    Attributes:
        timeseries: One row per recorded week (columns in
            ``ecosim.model.observables.COLUMNS`` plus ``date``).
        manifest: Seed, resolved parameters, regime, versions and ``output_sha256``.
        regime: The classification of the run.
        model: The model at the end of the run (None when an ensemble did not keep it).
    """

    timeseries: pd.DataFrame
    manifest: dict[str, Any]
    regime: Regime
    model: EcosystemModel | None


def run_scenario(
    scenario: Scenario,
    *,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    engine: str = "fast",
) -> RunResult:
    """Build the model (with its burn-in), run it, classify it and hash the output.

    Args:
        scenario: A validated scenario.
        seed: Overrides ``run.seed``.
        progress: Called as ``progress(done_weeks, total_weeks)`` after each week.
        engine: "fast" (vectorised, the default) or "reference" (one Mesa agent per person).
    """
    from ecosim.model.reference import ENGINES

    started = time.perf_counter()
    model = ENGINES[engine](scenario, seed=seed)
    total = model.p.run.weeks
    while model.running:
        model.step()
        if progress:
            progress(model.week, total)
    return _result(model, engine, time.perf_counter() - started)


def _result(model: EcosystemModel, engine: str, seconds: float,
            forked_at: int | None = None, keep_model: bool = True) -> RunResult:
    ts = timeseries(model)
    regime = classify(ts, model.p)
    manifest = run_manifest(model, ts, regime) | {
        "engine": engine, "elapsed_seconds": round(seconds, 3)}
    if forked_at is not None:
        manifest["forked_at_week"] = forked_at
    return RunResult(ts, manifest, regime, model if keep_model else None)


@dataclass
class _Branch:
    """One run of a family: where it forks from its parent, and its own forks."""

    index: int
    scenario: Scenario
    week: int | None = None  # None: a run of its own from the start
    children: list[_Branch] = field(default_factory=list)

    def members(self) -> list[int]:
        """This run's index and those of every run forked from it, at any depth."""
        return [self.index] + [i for child in self.children for i in child.members()]


def plan_family(scenarios: Sequence[Scenario]) -> list[_Branch]:
    """Arrange runs with one seed as trees: each run forks from the earlier run it shares
    the longest stepped history with; a run that shares none starts a tree of its own."""
    roots: list[_Branch] = []
    branches: list[_Branch] = []
    for i, scenario in enumerate(scenarios):
        branch = _Branch(i, scenario)
        start = -scenario.params.run.burn_in_weeks
        best: tuple[int, _Branch] | None = None
        for other in branches:
            week = parting_week(other.scenario.params, scenario.params)
            # fork only where a stepped week is shared, and where the other run exists
            if week is None or week <= start or (other.week is not None and week < other.week):
                continue
            if best is None or week > best[0]:
                best = (week, other)
        if best is None:
            roots.append(branch)
        else:
            branch.week = best[0]
            best[1].children.append(branch)
        branches.append(branch)
    return roots


def run_family(scenarios: Sequence[Scenario], *, seed: int | None = None,
               keep_models: bool = False) -> list[RunResult]:
    """Run scenarios that share a seed, running the history they share only once.

    Paired arms (with and without the AI, model-collapse arms, a mechanism switched off)
    are one run up to the week they part ways (:func:`ecosim.model.forking.parting_week`):
    each scenario forks from the earlier one it shares the longest history with, and goes
    on alone from there (:func:`plan_family`). The results are exactly those of
    :func:`run_scenario` on each scenario (the same output hashes; ``tests/test_forking.py``).

    Args:
        scenarios: The runs (their ``run.seed`` is used unless ``seed`` is given).
        seed: Overrides every scenario's ``run.seed``.
        keep_models: Keep each finished model in its result (memory grows with the family).

    Returns:
        One result per scenario, in the given order; a forked one has ``forked_at_week`` in
        its manifest.
    """
    # Each run gets a scenario object of its own (Mesa ties one to the model running it).
    scenarios = [sc.with_values({"run.seed": seed}) if seed is not None
                 else Scenario(sc.params, sc.source) for sc in scenarios]
    results: list[RunResult | None] = [None] * len(scenarios)
    for root in plan_family(scenarios):
        started = time.perf_counter()
        _grow(root, EcosystemModel(root.scenario, burn_in=False), started, results,
              keep_models)
    return results  # type: ignore[return-value]


def _grow(branch: _Branch, model: EcosystemModel, started: float,
          results: list[RunResult | None], keep_models: bool) -> None:
    """Step one branch to its end, forking its children in their weeks."""
    pending = sorted(branch.children, key=lambda b: b.week)

    def fork_due() -> None:
        while pending and pending[0].week <= model.week:
            child = pending.pop(0)
            _grow(child, model.fork(child.scenario), started, results, keep_models)

    while model.running:
        fork_due()
        model.step()
    fork_due()
    results[branch.index] = _result(model, "fast", time.perf_counter() - started,
                                    branch.week, keep_models)


def run_manifest(model: EcosystemModel, ts: pd.DataFrame, regime: Regime | None) -> dict[str, Any]:
    """What ``manifest.json`` says of a run: seed, scenario, every parameter, regime, the
    output hash and the versions. Callers add how the run was made (engine, time, source)."""
    return {
        "seed": model.p.run.seed,
        "scenario": model.scenario_source,
        "parameters": model.p.nested(),
        "regime": regime.name if regime else None,
        "regime_reason": regime.reason if regime else None,
        "ai_state": regime.ai_state if regime else None,
        "final_production_ratio": (regime.final_ratio if regime and regime.final_ratio
                                   == regime.final_ratio else None),  # NaN: no verdict
        "weeks": int(len(ts)),
        "output_sha256": table_hash(ts),
        "ecosim_version": _version("ecosim"),
        "versions": {name: _version(name) for name in DEPENDENCIES}
        | {"python": platform.python_version()},
    }


def timeseries(model: EcosystemModel) -> pd.DataFrame:
    """The model's recorded weeks as a table, with calendar dates."""
    df = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    df["week"] = df["week"].astype(np.int64)
    start = model.p.run.start_date
    df.insert(1, "date", [(start + dt.timedelta(weeks=int(w))).isoformat() for w in df["week"]])
    return df


def table_hash(df: pd.DataFrame) -> str:
    """SHA-256 of a table's column names, types and values (not of a file's bytes)."""
    h = hashlib.sha256()
    for name in df.columns:
        col = df[name]
        h.update(name.encode())
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            h.update(b"text")
            h.update("\x1f".join(map(str, col)).encode())
        else:
            values = np.ascontiguousarray(col.to_numpy())
            h.update(str(values.dtype).encode())
            h.update(values.tobytes())
    return h.hexdigest()


def write_outputs(result: RunResult, out: str | Path) -> None:
    """Write ``timeseries.parquet`` and ``manifest.json`` into ``out``, each atomically
    (check the folder first with :func:`check_run_folder`)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "timeseries.parquet", lambda f: result.timeseries.to_parquet(f, index=False))
    atomic_write(out / "manifest.json",
                 lambda f: f.write(json.dumps(result.manifest, indent=2).encode() + b"\n"))


@cache
def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


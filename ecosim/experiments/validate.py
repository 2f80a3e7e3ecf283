"""Validation: run a scenario's paired replicates and check every target that applies.

For each replicate seed the scenario runs once per arm the targets need (the AI world, the
counterfactual without the AI, and for model collapse the replace and accumulate worlds),
all with the same seed: common random numbers, so the arms differ only where the AI (or the
training regime) makes them differ. Each target is measured per replicate; the report gives
the mean, a 90% t-interval over replicates and pass/fail of the mean against the accepted
range (:mod:`ecosim.stie.targets`).

Seeds: replicate ``r`` uses ``SeedSequence(run.seed).spawn(n)[r]``, as sweeps do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from ecosim.experiments.designs import replicate_seeds
from ecosim.experiments.ensemble import run_ensemble
from ecosim.experiments.executors import INLINE, Execution
from ecosim.model.scenario import Scenario
from ecosim.stie.targets import ARMS, Target, applicable

DEFAULT_REPLICATES = 8
DEFAULT_POPULATION = 5000
"""Validation runs at most this many people unless asked otherwise: the targets are
relative changes and shares (per-capita, intensive quantities), and 5,000 people keep the
default five replicates of a dated scenario under a minute on a laptop core."""

Progress = Callable[[int, int], None]


def scenario_name(scenario: Scenario) -> str:
    """The name targets match against: ``meta.name``, else the file's stem."""
    name = scenario.params.meta.name
    return name or Path(str(scenario.source)).stem


def validation_scenario(scenario: Scenario, population: int | None = DEFAULT_POPULATION
                        ) -> Scenario:
    """The scenario with its population capped at ``population`` (None: as written)."""
    size = scenario.params.population.size
    if population is not None and size > population:
        return scenario.with_values({"population.size": population}, "validation")
    return scenario


def shorten(scenario: Scenario, targets: Sequence[Target]) -> Scenario:
    """Stop runs after the last week any of the targets reads (when all have a horizon)."""
    horizons = [t.horizon for t in targets]
    if not horizons or any(h is None for h in horizons):
        return scenario
    p = scenario.params
    weeks = min(p.run.weeks, p.ai.launch_week + max(horizons) + 1)
    return scenario.with_values({"run.weeks": weeks}, "validation")


@dataclass
class TargetResult:
    """One target's result over replicates.

    Attributes:
        target: The target.
        means: Replicate mean of every measured quantity.
        values: The per-replicate ``value``.
        interval: 90% t-interval of the mean value (low, high).
        passed: Pass/fail of the means against the range and the checks.
    """

    target: Target
    means: dict[str, float]
    values: list[float]
    interval: tuple[float, float]
    passed: bool

    @property
    def value(self) -> float:
        """The mean value."""
        return self.means.get("value", float("nan"))

    def record(self) -> dict[str, Any]:
        """The JSON-ready object of ``ecosim validate --format json``."""
        t = self.target
        return {
            "key": t.key,
            "value": _num(self.value),
            "range": [t.low, t.high],
            "passed": self.passed,
            "source": t.source,
            "tier": t.tier,
            "interval": [_num(x) for x in self.interval],
            "replicates": [_num(v) for v in self.values],
            "measured": t.measured,
            "checks": [{"name": c.name, "value": _num(self.means.get(c.name, float("nan"))),
                        "range": [c.low, c.high], "meaning": c.meaning,
                        "passed": bool(np.isfinite(self.means.get(c.name, np.nan))
                                       and c.low <= self.means[c.name] <= c.high)}
                       for c in t.checks],
            "proxy": t.proxy,
        }


@dataclass
class Validation:
    """All targets of one scenario."""

    scenario: str
    name: str
    seeds: list[int]
    population: int
    results: list[TargetResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every target passed."""
        return all(r.passed for r in self.results)

    def record(self) -> dict[str, Any]:
        """The JSON-ready object of ``ecosim validate --format json``."""
        return {"scenario": self.scenario, "name": self.name, "passed": self.passed,
                "replicates": len(self.seeds), "seeds": self.seeds,
                "population": self.population,
                "targets": [r.record() for r in self.results]}


def _num(x: float) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def interval90(values: Sequence[float]) -> tuple[float, float]:
    """90% t-interval of the mean of finite values (a point when there is one value)."""
    v = np.asarray([x for x in values if np.isfinite(x)], dtype=float)
    if len(v) == 0:
        return (float("nan"), float("nan"))
    m = float(v.mean())
    if len(v) == 1:
        return (m, m)
    # Student's t quantile (scipy.special's stdtrit: what scipy.stats.t.ppf computes,
    # without importing scipy.stats, which costs about a second)
    half = float(stdtrit(len(v) - 1, 0.95) * v.std(ddof=1) / np.sqrt(len(v)))
    return (m - half, m + half)


def arm_scenarios(scenario: Scenario, arms: Iterable[str], seed: int) -> list[Scenario]:
    """The scenario of each arm at one seed (the arms of a paired replicate)."""
    return [(scenario.with_values(ARMS[arm], f"arm {arm}") if ARMS[arm] else scenario)
            .with_values({"run.seed": seed}) for arm in arms]


def run_arms(scenario: Scenario, arms: Iterable[str], seeds: Sequence[int],
             progress: Progress | None = None, *, execution: Execution = INLINE,
             executor: Executor | None = None) -> list[dict[str, pd.DataFrame]]:
    """Run each arm once per seed; returns one {arm: timeseries} per replicate.

    The arms of a replicate share their history up to the week they part ways (the AI's
    release, for the usual arms), which runs once (:mod:`ecosim.experiments.ensemble`).
    """
    arms = list(arms)
    families = [arm_scenarios(scenario, arms, seed) for seed in seeds]
    tables = run_ensemble(families, execution=execution, executor=executor,
                          progress=progress)
    return [dict(zip(arms, family, strict=True)) for family in tables]


def evaluate(targets: Sequence[Target], replicates: Sequence[Mapping[str, pd.DataFrame]],
             p: Mapping[str, Any]) -> list[TargetResult]:
    """Measure each target on each replicate and judge the means."""
    results = []
    for t in targets:
        rows = []
        for runs in replicates:
            try:
                rows.append(t.measure(runs, p))
            except (KeyError, ZeroDivisionError):
                rows.append({"value": float("nan")})
        names = sorted({k for r in rows for k in r})
        means = {}
        for k in names:
            vals = np.asarray([r.get(k, np.nan) for r in rows], dtype=float)
            means[k] = float(np.nanmean(vals)) if np.isfinite(vals).any() else float("nan")
        values = [float(r.get("value", np.nan)) for r in rows]
        results.append(TargetResult(t, means, values, interval90(values), t.judge(means)))
    return results


def validate(scenario: Scenario, *, replicates: int = DEFAULT_REPLICATES,
             targets: Sequence[Target] | None = None,
             population: int | None = DEFAULT_POPULATION,
             progress: Progress | None = None, execution: Execution = INLINE,
             executor: Executor | None = None) -> Validation:
    """Run the paired replicates of a scenario and check its targets.

    Args:
        scenario: The scenario as loaded (its ``meta.name`` picks the targets).
        replicates: Number of replicate seeds.
        targets: Targets to check (default: all that apply to the scenario).
        population: Cap on the population size (None: as written).
        progress: Called as ``progress(done_runs, total_runs)``.
        execution: Where the runs execute (this process by default).
        executor: An executor already open (:meth:`Execution.open`), for many validations.
    """
    name = scenario_name(scenario)
    targets = applicable(name) if targets is None else list(targets)
    sc = shorten(validation_scenario(scenario, population), targets)
    seeds = replicate_seeds(sc.params.run.seed, replicates)
    arms = [a for a in ARMS if any(a in t.arms for t in targets)]
    reps = run_arms(sc, arms, seeds, progress, execution=execution, executor=executor)
    return Validation(str(scenario.source), name, seeds, sc.params.population.size,
                      evaluate(targets, reps, sc.params))

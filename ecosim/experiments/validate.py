"""Validation: run a scenario's paired replicates and check every target that applies.

For each replicate seed the scenario runs once per arm the targets need (the AI world, the
counterfactual without the AI, and for model collapse the replace and accumulate worlds),
all with the same seed: common random numbers, so the arms differ only where the AI (or the
training regime) makes them differ. Each target is measured per replicate; the report gives
the mean and a 90% t-interval over replicates of every measured quantity, and the target
passes when the intervals lie inside their ranges (:mod:`ecosim.stie.targets`).

A validation can run in a null world (``null="substitution"``: the loop frozen, and so on),
and can check that each target rejects its own null (``nulls=True``: the target must fail
there).

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
from ecosim.stie.regimes import classify, regime_shares
from ecosim.stie.targets import ARMS, NULLS, Target, applicable, null_overrides

DEFAULT_REPLICATES = 8
DEFAULT_POPULATION = 10_000
"""Validation runs at most this many people unless asked otherwise. The targets are
relative changes and shares (per-capita, intensive quantities), but the few very active
contributors who make most of the contributions must be more than a handful for the
replicates to agree (at 5,000 people the top 1% are a dozen people)."""

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
        passed: True when the intervals of the value and of every check lie inside their
            ranges.
        intervals: 90% t-interval of every measured quantity.
        null: The same target in its null world (None when not run).
    """

    target: Target
    means: dict[str, float]
    values: list[float]
    interval: tuple[float, float]
    passed: bool
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    null: TargetResult | None = None

    @property
    def null_rejected(self) -> bool | None:
        """True when the target fails in its null world (None when that was not run)."""
        return None if self.null is None else not self.null.passed

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
            "point": t.point,
            "kind": t.kind,
            "checks": [{"name": c.name, "value": _num(self.means.get(c.name, float("nan"))),
                        "interval": [_num(x) for x in self._interval(c.name)],
                        "range": [c.low, c.high], "meaning": c.meaning,
                        "passed": c.judge(self._interval(c.name))}
                       for c in t.checks],
            "proxy": t.proxy,
            "null": {"name": t.null, "meaning": NULLS.get(t.null, ""), "why": t.null_why,
                     "value": _num(self.null.value) if self.null else None,
                     "interval": ([_num(x) for x in self.null.interval] if self.null
                                  else None),
                     "rejected": self.null_rejected},
        }

    def _interval(self, name: str) -> tuple[float, float]:
        return self.intervals.get(name, (float("nan"), float("nan")))


@dataclass
class Validation:
    """All targets of one scenario."""

    scenario: str
    name: str
    seeds: list[int]
    population: int
    results: list[TargetResult] = field(default_factory=list)
    null: str | None = None
    regimes: dict[str, dict[str, float]] | None = None

    @property
    def passed(self) -> bool:
        """True when every target passed."""
        return all(r.passed for r in self.results)

    def record(self) -> dict[str, Any]:
        """The JSON-ready object of ``ecosim validate --format json``."""
        return {"scenario": self.scenario, "name": self.name, "passed": self.passed,
                "null": self.null, "replicates": len(self.seeds), "seeds": self.seeds,
                "population": self.population, "regimes": self.regimes,
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
    """Measure each target on each replicate and judge the intervals."""
    results = []
    for t in targets:
        rows = []
        for runs in replicates:
            try:
                rows.append(t.measure(runs, p))
            except (KeyError, ZeroDivisionError):
                rows.append({"value": float("nan")})
        names = sorted({k for r in rows for k in r} | {"value"})
        means, intervals = {}, {}
        for k in names:
            vals = [float(r.get(k, np.nan)) for r in rows]
            finite = np.isfinite(vals)
            # A quantity that cannot be measured in some replicate fails there: no interval.
            intervals[k] = interval90(vals) if finite.all() else (float("nan"), float("nan"))
            means[k] = float(np.nanmean(vals)) if finite.any() else float("nan")
        values = [float(r.get("value", np.nan)) for r in rows]
        results.append(TargetResult(t, means, values, intervals["value"],
                                    t.judge(intervals), intervals))
    return results


def validate(scenario: Scenario, *, replicates: int = DEFAULT_REPLICATES,
             targets: Sequence[Target] | None = None,
             population: int | None = DEFAULT_POPULATION,
             progress: Progress | None = None, execution: Execution = INLINE,
             executor: Executor | None = None, null: str | None = None,
             nulls: bool = False) -> Validation:
    """Run the paired replicates of a scenario and check its targets.

    Args:
        scenario: The scenario as loaded (its ``meta.name`` picks the targets).
        replicates: Number of replicate seeds.
        targets: Targets to check (default: all that apply to the scenario).
        population: Cap on the population size (None: as written).
        progress: Called as ``progress(done_runs, total_runs)``.
        execution: Where the runs execute (this process by default).
        executor: An executor already open (:meth:`Execution.open`), for many validations.
        null: Run every arm in this null world (:data:`ecosim.stie.targets.NULLS`).
        nulls: Also run each target in its own null world, to show that it rejects it.
    """
    name = scenario_name(scenario)
    targets = applicable(name) if targets is None else list(targets)
    sc = shorten(validation_scenario(scenario, population), targets)
    if null is not None:
        sc = sc.with_values(null_overrides(null, sc.params), f"null {null}")
    seeds = replicate_seeds(sc.params.run.seed, replicates)
    arms = [a for a in ARMS if any(a in t.arms for t in targets)]
    if nulls and null is None:
        reps, in_null = _with_nulls(sc, targets, arms, seeds, progress, execution, executor)
    else:
        reps = run_arms(sc, arms, seeds, progress, execution=execution, executor=executor)
        in_null = {}
    results = evaluate(targets, reps, sc.params)
    for result in results:
        result.null = in_null.get(result.target.key)
    regimes = None
    if "ai" in arms and sc.params.run.weeks == scenario.params.run.weeks:
        regimes = regime_shares(classify(runs["ai"], sc.params) for runs in reps)
    return Validation(str(scenario.source), name, seeds, sc.params.population.size,
                      results, null, regimes)


def _with_nulls(sc: Scenario, targets: Sequence[Target], arms: Sequence[str],
                seeds: Sequence[int], progress: Progress | None, execution: Execution,
                executor: Executor | None
                ) -> tuple[list[dict[str, pd.DataFrame]], dict[str, TargetResult]]:
    """The replicates of the scenario, and each target's result in its own null world;
    every run of one seed is one family, so the null worlds fork from the shared
    history."""
    worlds = sorted({t.null for t in targets if t.null})
    variants = [("", sc, arms)]
    for null in worlds:
        null_arms = [a for a in ARMS if any(a in t.arms for t in targets if t.null == null)]
        variants.append((null, sc.with_values(null_overrides(null, sc.params),
                                              f"null {null}"), null_arms))
    families, layout = [], []
    for seed in seeds:
        family = []
        for _, scenario, variant_arms in variants:
            family.extend(arm_scenarios(scenario, variant_arms, seed))
        families.append(family)
    for null, _, variant_arms in variants:
        layout.extend((null, arm) for arm in variant_arms)
    tables = run_ensemble(families, execution=execution, executor=executor,
                          progress=progress)
    by_world: dict[str, list[dict[str, pd.DataFrame]]] = {n: [] for n, _, _ in variants}
    for family in tables:
        runs: dict[str, dict[str, pd.DataFrame]] = {n: {} for n, _, _ in variants}
        for (null, arm), table in zip(layout, family, strict=True):
            runs[null][arm] = table
        for null, arm_tables in runs.items():
            by_world[null].append(arm_tables)
    in_null = {}
    for null in worlds:
        own = [t for t in targets if t.null == null]
        for result in evaluate(own, by_world[null], sc.params):
            in_null[result.target.key] = result
    return by_world[""], in_null

"""Calibration: fit named parameters of a scenario to its targets.

The search is :func:`scipy.optimize.differential_evolution` with a fixed seed and a Latin
hypercube start, over the declared range of each parameter or the narrower, evidence-backed
bounds in :data:`BOUNDS`. Every candidate runs the same replicate seeds (common random
numbers), so the misfit surface is not reshuffled by seed noise from one candidate to the
next. The misfit of a candidate is the sum, over the targets and their checks, of the
squared distance of the replicate mean from the inner part of its accepted range (scaled by
the range's width), plus the squared, tolerance-scaled distance from the calibration
anchors in :data:`ANCHORS` (published figures that are not targets, such as the adoption
curve). A candidate inside every range scores 0.

The result is written as a scenario file: the original values, the fitted ones, and TOML
comments recording what was fitted, to which targets, over which bounds, and the misfit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import differential_evolution

from ecosim.experiments.executors import INLINE, Execution
from ecosim.experiments.search_space import BOUNDS, search_bounds
from ecosim.experiments.validate import (
    Validation,
    evaluate,
    replicate_seeds,
    run_arms,
    scenario_name,
    shorten,
    validation_scenario,
)
from ecosim.model.params import SCHEMA
from ecosim.model.scenario import Scenario
from ecosim.model.scenario_files import flatten, read_toml
from ecosim.stie.evidence import EVIDENCE
from ecosim.stie.targets import Target, applicable


@dataclass(frozen=True)
class Anchor:
    """A published figure the calibration fits besides the targets (not a target itself).

    Attributes:
        evidence: Key in docs/evidence.md.
        column: Time-series column of the AI world.
        week: Week after the launch at which the figure applies.
        figure: The published figure.
        tolerance: Scale of the misfit (one tolerance away scores 1).
        applies_to: Scenario names.
    """

    evidence: str
    column: str
    week: int
    figure: float
    tolerance: float
    applies_to: tuple[str, ...]


ANCHORS: tuple[Anchor, ...] = (
    # Developer Survey fielded in May 2023 and May 2024: about 26 and 78 weeks after launch.
    Anchor("E-devsurvey", "ai_adopters", 26, 0.44, 0.05, ("stackoverflow",)),
    Anchor("E-devsurvey", "ai_adopters", 78, 0.62, 0.05, ("stackoverflow",)),
)


def range_misfit(value: float | tuple[float, float], low: float, high: float) -> float:
    """Squared distance of ``value`` (a number, or a 90% interval whose both ends must be
    inside) from the inner part of [low, high], width-scaled."""
    lo, hi = value if isinstance(value, tuple) else (value, value)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return 10.0
    width = high - low
    margin = min(0.1 * width, 0.02)
    scale = min(width, 0.2)
    excess = max(0.0, (low + margin) - lo, hi - (high - margin))
    return float((excess / scale) ** 2)


def misfit(validation: Validation, anchors: Sequence[Anchor] = (),
           anchor_values: dict[Anchor, float] | None = None) -> float:
    """Total misfit of a validation (targets, their checks, anchors).

    A target counts by its 90% interval over the replicates, as it passes: a candidate
    whose mean is inside a range by luck scores worse than one inside by a margin. A
    held-out target's value (a figure after the calibration window) is never fitted; its
    checks are."""
    total = 0.0
    nan = (float("nan"), float("nan"))
    for r in validation.results:
        t = r.target
        if t.kind != "held-out":
            total += range_misfit(r.interval, t.low, t.high)
        for c in t.checks:
            total += range_misfit(r.intervals.get(c.name, nan), c.low, c.high)
    for a in anchors:
        v = (anchor_values or {}).get(a, float("nan"))
        total += ((v - a.figure) / a.tolerance) ** 2 if np.isfinite(v) else 10.0
    return total


@dataclass
class Calibration:
    """The outcome of a calibration."""

    keys: list[str]
    bounds: list[tuple[float, float]]
    best: dict[str, Any]
    misfit: float
    evaluations: int
    targets: list[str]
    anchors: list[Anchor]
    validation: Validation


def calibrate(scenario: Scenario, keys: Sequence[str], *,
              targets: Sequence[Target] | None = None, replicates: int = 3,
              population: int | None = 3000, maxiter: int = 6, popsize: int = 4,
              seed: int = 2025,
              progress: Callable[[int, float], None] | None = None,
              execution: Execution = INLINE) -> Calibration:
    """Search ``keys`` to minimise the misfit of a scenario to its targets.

    Args:
        scenario: The scenario to start from.
        keys: Numeric scenario keys to fit.
        targets: Targets to fit (default: every target that applies).
        replicates: Replicate seeds per candidate (the same for every candidate).
        population: Population cap during the search (targets are per-capita).
        maxiter: Generations of differential evolution.
        popsize: Candidates per generation, per fitted key.
        seed: Seed of the optimiser.
        progress: Called as ``progress(evaluations, best_misfit)``.
        execution: Where each candidate's replicates run (this process by default); the
            search itself goes one candidate after another, as it always has.
    """
    with execution.open() as executor:
        return _calibrate(scenario, keys, targets, replicates, population, maxiter,
                          popsize, seed, progress, executor)


def _calibrate(scenario, keys, targets, replicates, population, maxiter, popsize, seed,
               progress, executor) -> Calibration:
    bounds = search_bounds(keys)
    name = scenario_name(scenario)
    targets = applicable(name) if targets is None else list(targets)
    anchors = [a for a in ANCHORS if name in a.applies_to]
    objective = _Objective(scenario, list(keys), targets, anchors, replicates, population,
                           executor)
    state = {"n": 0, "best": float("inf")}

    def callback(*_args, **_kw) -> None:
        if progress:
            progress(state["n"], state["best"])

    def counted(x: np.ndarray) -> float:
        value = objective(x)
        state["n"] += 1
        state["best"] = min(state["best"], value)
        return value

    # Refinement: the scenario's current values (clipped to the bounds) join the start.
    x0 = [min(max(float(scenario.params[k]), lo), hi) for k, (lo, hi) in zip(keys, bounds,
                                                                             strict=True)]
    result = differential_evolution(
        counted, bounds, x0=x0, seed=seed, maxiter=maxiter, popsize=popsize,
        init="latinhypercube", polish=False, tol=0.0, atol=1e-4, updating="immediate",
        callback=callback,
    )
    best = objective.values(result.x)
    val, anchor_values = objective.run(result.x)
    return Calibration(list(keys), bounds, best, misfit(val, anchors, anchor_values),
                       int(result.nfev), [t.key for t in targets], anchors, val)


class _Objective:
    """The misfit as a picklable function of the fitted values."""

    def __init__(self, scenario, keys, targets, anchors, replicates, population,
                 executor=None):
        self.scenario, self.keys, self.targets = scenario, keys, targets
        self.anchors, self.replicates, self.population = anchors, replicates, population
        self.executor = executor

    def values(self, x: np.ndarray) -> dict[str, Any]:
        out = {}
        for key, v in zip(self.keys, x, strict=True):
            out[key] = int(round(v)) if SCHEMA[key].kind is int else round(float(v), 4)
        return out

    def run(self, x: np.ndarray) -> tuple[Validation, dict[Anchor, float]]:
        sc = self.scenario.with_values(self.values(x), "calibration")
        sc = shorten(validation_scenario(sc, self.population), self.targets)
        p = sc.params
        if self.anchors:
            last = p.ai.launch_week + max(a.week for a in self.anchors) + 1
            if last > p.run.weeks:
                sc = sc.with_values({"run.weeks": min(last, self.scenario.params.run.weeks)},
                                    "calibration")
                p = sc.params
        seeds = replicate_seeds(p.run.seed, self.replicates)
        arms = [a for a in ("ai", "no_ai", "replace", "accumulate")
                if any(a in t.arms for t in self.targets)] or ["ai"]
        reps = run_arms(sc, arms, seeds, executor=self.executor)
        val = Validation(str(self.scenario.source), scenario_name(self.scenario), seeds,
                         p.population.size, evaluate(self.targets, reps, p))
        anchor_values = {}
        for a in self.anchors:
            week = p.ai.launch_week + a.week
            vals = [float(r["ai"].loc[r["ai"]["week"] == week, a.column].mean()) for r in reps]
            anchor_values[a] = float(np.nanmean(vals)) if vals else float("nan")
        return val, anchor_values

    def __call__(self, x: np.ndarray) -> float:
        val, anchor_values = self.run(x)
        return misfit(val, self.anchors, anchor_values)


# -- writing the calibrated scenario --------------------------------------------------------


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, str):
        import json

        return json.dumps(v)
    return repr(v)


def write_scenario(source: Path, calibration: Calibration, out: Path,
                   settings: dict[str, Any]) -> str:
    """Write the source scenario with the fitted values and a record of the calibration.

    The leading comment block of the source file is kept; the values are the source's
    values with the fitted keys replaced. Returns the text written.
    """
    notes = [
        "Calibrated with `ecosim calibrate` (scipy differential_evolution, seed "
        f"{settings['seed']}, {calibration.evaluations} candidates; {settings['replicates']} "
        f"replicates of {settings['population']} people each):",
    ]
    for key, (lo, hi) in zip(calibration.keys, calibration.bounds, strict=True):
        why = BOUNDS[key].why if key in BOUNDS else "declared range"
        notes.append(f"  {key} = {calibration.best[key]!r} searched in [{lo:g}, {hi:g}] ({why})")
    notes.append(f"  fitted to: {', '.join(calibration.targets)}")
    for a in calibration.anchors:
        notes.append(f"  anchor: {a.column} = {a.figure:g} +- {a.tolerance:g} at "
                     f"{a.week} weeks after launch ({a.evidence}, tier {EVIDENCE[a.evidence].tier})")
    notes.append(f"  misfit: {calibration.misfit:.4g} (0 = every target inside its range)")
    for r in calibration.validation.results:
        notes.append(f"  {r.target.key}: {r.value:+.3f} in [{r.target.low:g}, "
                     f"{r.target.high:g}] -> {'pass' if r.passed else 'FAIL'}")
    out_text = render_scenario(source, calibration.best, notes)
    from ecosim.experiments.outputs import atomic_write

    atomic_write(Path(out), lambda f: f.write(out_text.encode()))
    return out_text


def render_scenario(source: Path, updates: dict[str, Any], notes: list[str]) -> str:
    """The text of the source scenario with ``updates`` applied and ``notes`` added to its
    leading comment block (each note one comment line)."""
    text = source.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            header.append(line)
        else:
            break
    while header and not header[-1].strip():
        header.pop()
    values = flatten(read_toml(source), str(source))
    values.update(updates)
    lines = header + ["#"] + [f"# {note}".rstrip() for note in notes]
    nested: dict[str, dict[str, Any]] = {}
    for key, v in values.items():
        section, _, rest = key.partition(".")
        nested.setdefault(section, {})[rest] = v
    order = ["meta", "population", "run"]
    for section in order + sorted(s for s in nested if s not in order):
        if section not in nested:
            continue
        lines.append("")
        lines.append(f"[{section}]")
        for k, v in nested[section].items():
            lines.append(f"{k} = {_toml_value(v)}")
    return "\n".join(lines) + "\n"

"""Interventions with measured effects: each intervention scenario against the same world
without the intervention, over paired seeds, while it runs and after it ends.

The control arm is the intervention's own scenario file with the intervention switched off
(:data:`INTERVENTIONS`), so that nothing else differs (the data strike's scenario also
retrains twice a year, for instance). The arms of a seed share their history until the
intervention starts. An effect is reported with its 90% interval over the seeds; one whose
interval includes zero is reported as within noise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ecosim.experiments.designs import replicate_seeds
from ecosim.experiments.ensemble import run_ensemble
from ecosim.experiments.validate import interval90
from ecosim.model.params import Params
from ecosim.model.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
REPLICATES = 5


def _whole_run(start: str) -> Callable[[Params], tuple[int, int]]:
    return lambda p: (int(p[start]), p.run.weeks)


INTERVENTIONS: dict[str, tuple[dict, Callable[[Params], tuple[int, int]]]] = {
    "data_strike": ({"leverage.a.fraction": 0.0},
                    lambda p: (p.leverage.a.start_week, p.leverage.a.end_week)),
    "licensing": ({"licensing.fee": 0.0}, _whole_run("ai.launch_week")),
    "public_ai": ({"public_ai.enabled": False}, _whole_run("public_ai.launch_week")),
}
"""Each intervention scenario: the values that switch it off, and the weeks it runs."""

OUTCOMES = (
    ("answers", "relative", "answers"),
    ("edits", "relative", "encyclopedia edits"),
    ("active_contributors", "relative", "active contributors"),
    ("ai_quality", "difference", "AI quality"),
    ("provenance_core", "difference", "core's share of the AI's training data"),
)
"""(column, how the effect is measured, name): relative is intervention / control - 1,
difference is intervention - control."""


@dataclass(frozen=True)
class Effect:
    """One outcome's effect in one window."""

    outcome: str
    window: str
    measure: str
    value: float
    interval: tuple[float, float]

    @property
    def within_noise(self) -> bool:
        lo, hi = self.interval
        return bool(lo <= 0.0 <= hi) or not np.isfinite(self.value)


@dataclass(frozen=True)
class InterventionResult:
    name: str
    weeks: tuple[int, int]
    replicates: int
    population: int
    effects: tuple[Effect, ...]

    @property
    def measurable(self) -> bool:
        """True when any effect is outside noise."""
        return any(not e.within_noise for e in self.effects)

    def record(self) -> dict:
        out = asdict(self)
        for e, rec in zip(self.effects, out["effects"], strict=True):
            rec["within_noise"] = e.within_noise
        return out


def _effect(column: str, measure: str, on: pd.DataFrame, off: pd.DataFrame,
            weeks: tuple[int, int]) -> float:
    inside = (on.week >= weeks[0]) & (on.week < weeks[1])
    a, b = on[column][inside].mean(), off[column][inside.to_numpy()].mean()
    if measure == "relative":
        return float(a / b - 1.0) if b > 0 else float("nan")
    return float(a - b)


def measure(name: str, replicates: int = REPLICATES, population: int | None = None,
            extra: Sequence[str] = ()) -> InterventionResult:
    """The intervention scenario ``name`` against itself switched off."""
    off_values, window = INTERVENTIONS[name]
    overrides = [*([f"population.size={population}"] if population else []), *extra]
    on = load_scenario(SCENARIOS / f"{name}.toml", overrides)
    off = on.with_values(off_values, "intervention off")
    p = on.params
    during = window(p)
    windows = {"during": during}
    if during[1] < p.run.weeks:
        windows["after"] = (during[1], p.run.weeks)
    seeds = replicate_seeds(p.run.seed, replicates)
    families = [[on.with_values({"run.seed": s}), off.with_values({"run.seed": s})]
                for s in seeds]
    pairs = run_ensemble(families)
    effects = []
    for label, weeks in windows.items():
        for column, how, _ in OUTCOMES:
            values = [_effect(column, how, a, b, weeks) for a, b in pairs]
            effects.append(Effect(column, label, how, float(np.nanmean(values)),
                                  interval90(values)))
    return InterventionResult(name, during, replicates, p.population.size, tuple(effects))


def measure_all(replicates: int = REPLICATES, population: int | None = None
                ) -> list[InterventionResult]:
    return [measure(name, replicates, population) for name in INTERVENTIONS]

"""T-tipping, executed: is there an AI capability above which the communities collapse?

Acemoglu, Kong & Ozdaglar (T-tipping, tier C: a working paper) derive a threshold: above
some accuracy of the AI the shared stock of knowledge collapses. ecosim does not assume one.
This check sweeps the AI's capability (every generation at the same level, so that the
dated capability steps do not override it) over a scenario, with replicate seeds, and reads
where fresh knowledge production ends (the regime's production index, final over
pre-launch). It says plainly what it finds:

- a **threshold** when one step between adjacent capability levels carries more than half
  of the whole fall, the fall is large (more than :data:`MIN_FALL`) and the step is clear of
  seed noise (its size exceeds the two levels' 90% half-widths together);
- otherwise **no threshold**: production falls gradually (or not at all) with capability.

The levels run on forked families: the runs of a seed share their history up to the launch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ecosim.experiments.designs import replicate_seeds
from ecosim.experiments.ensemble import run_ensemble
from ecosim.experiments.validate import interval90
from ecosim.model.scenario import Scenario, load_scenario
from ecosim.stie.regimes import classify, regime_shares

CAPABILITIES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
"""Capability levels swept (share of a need the AI answers well at full coverage)."""
REPLICATES = 4
POPULATION = 3000
MIN_FALL = 0.2
"""How much production must fall across the sweep (as a share of its pre-launch level)
for a step to count as a threshold."""


@dataclass(frozen=True)
class Level:
    """What one capability level leads to over the replicates."""

    capability: float
    production: float
    interval: tuple[float, float]
    ai_quality: float
    regimes: dict[str, float]


@dataclass(frozen=True)
class Tipping:
    """The sweep's finding.

    Attributes:
        scenario: The scenario swept.
        levels: One :class:`Level` per capability, lowest first.
        threshold: Capability midway across the decisive step, or None.
        step: Largest fall of mean production between adjacent levels.
        fall: Fall from the highest to the lowest mean production.
        finding: The finding in words.
    """

    scenario: str
    levels: tuple[Level, ...]
    threshold: float | None
    step: float
    fall: float
    finding: str

    def record(self) -> dict:
        return asdict(self)


def find_threshold(capabilities: Sequence[float], production: Sequence[float],
                   half_widths: Sequence[float]) -> tuple[float | None, float, float]:
    """(threshold or None, largest adjacent fall, whole fall) of a production curve."""
    x, y = np.asarray(capabilities, float), np.asarray(production, float)
    h = np.asarray(half_widths, float)
    drops = y[:-1] - y[1:]
    i = int(np.argmax(drops))
    step, fall = float(drops[i]), float(y.max() - y.min())
    clear = step > h[i] + h[i + 1]
    if fall > MIN_FALL and step > 0.5 * fall and clear:
        return float((x[i] + x[i + 1]) / 2), step, fall
    return None, step, fall


def tipping(path: str | Path, *, capabilities: Sequence[float] = CAPABILITIES,
            replicates: int = REPLICATES, population: int = POPULATION,
            extra: Sequence[str] = ()) -> Tipping:
    """Sweep the AI's capability over the scenario at ``path`` and read the finding."""
    base = load_scenario(path, [f"population.size={population}", *extra])
    seeds = replicate_seeds(base.params.run.seed, replicates)

    def at(c: float, seed: int) -> Scenario:
        return base.with_values({"ai.capability": c, "ai.generation2_capability": c,
                                 "ai.generation3_capability": c, "run.seed": seed},
                                f"capability {c:g}")

    families = [[at(c, s) for c in capabilities] for s in seeds]
    tables = run_ensemble(families)
    levels = []
    for j, c in enumerate(capabilities):
        runs = [family[j] for family in tables]
        regimes = [classify(ts, families[0][j].params) for ts in runs]
        ratios = [g.final_ratio for g in regimes]
        quality = float(np.mean([ts.ai_quality.tail(52).mean() for ts in runs]))
        levels.append(Level(float(c), float(np.mean(ratios)), interval90(ratios), quality,
                            regime_shares(regimes)["communities"]))
    means = [lv.production for lv in levels]
    halves = [(lv.interval[1] - lv.interval[0]) / 2 for lv in levels]
    threshold, step, fall = find_threshold(capabilities, means, halves)
    span = f"production ends at {means[0]:.2f} to {means[-1]:.2f} of its pre-launch level"
    if threshold is not None:
        finding = (f"a threshold near capability {threshold:.2f}: one step of the sweep "
                   f"carries {step:.2f} of a {fall:.2f} fall ({span})")
    else:
        finding = (f"no threshold: the largest step between adjacent levels is {step:.2f} "
                   f"of a {fall:.2f} fall; {span} over capabilities "
                   f"{capabilities[0]:g}-{capabilities[-1]:g}")
    return Tipping(str(path), tuple(levels), threshold, step, fall, finding)

"""Regimes: what became of the communities after the AI launched.

A run is classified from its recorded ``active_contributors`` against the level just before
the launch (the mean of the ``regime.baseline_weeks`` weeks before ``ai.launch_week``; for a
world without the AI, the same weeks):

- **collapse**: the final level (mean of the last ``regime.final_weeks`` weeks) is below
  ``regime.collapse_below`` of the pre-launch level;
- **oscillation**: after the launch, contributors keep swinging in boom-bust cycles (at least
  ``regime.min_cycles`` peaks and troughs, each at least ``regime.cycle_amplitude`` of the
  mean away from the 13-week smoothed trend's centre);
- **resilient**: the final level is at least ``regime.resilient_above`` of the pre-launch
  level;
- **decline**: in between — a new, lower equilibrium;
- **none**: no verdict, when the run ends before the AI's launch.

The thresholds are scenario keys (``regime.*``, declared with the keys of a run in
:mod:`ecosim.model.params`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.params import Params

if TYPE_CHECKING:
    import pandas as pd

REGIMES = ("collapse", "decline", "resilient", "oscillation", "none")
"""The regimes; ``none`` is no verdict: the run ended before the AI's launch."""


@dataclass(frozen=True)
class Regime:
    """A classification and why."""

    name: str
    reason: str
    final_ratio: float


def classify(ts: pd.DataFrame, p: Params) -> Regime:
    """Classify a run's trajectory (see the module docstring)."""
    series = ts["active_contributors"].to_numpy(dtype=float)
    weeks = ts["week"].to_numpy()
    launch = p.ai.launch_week
    r = p.regime
    if not len(weeks) or weeks.max() < launch:
        ends = int(weeks.max()) + 1 if len(weeks) else 0
        return Regime("none", f"no verdict: the AI never launched (the run ends after "
                      f"{ends} week{'' if ends == 1 else 's'}, before the launch in week "
                      f"{launch})", float("nan"))
    before = series[(weeks < launch) & (weeks >= launch - r.baseline_weeks)]
    if len(before) == 0:
        before = series[: r.baseline_weeks]
    base = before.mean() if len(before) else 0.0
    final = series[-r.final_weeks:].mean()
    ratio = float(final / base) if base > 0 else 0.0
    pct = f"{100 * ratio:.0f}%"
    if ratio < r.collapse_below:
        return Regime("collapse", f"contributors ended at {pct} of their pre-launch level "
                      f"(< {100 * r.collapse_below:.0f}%)", ratio)
    after = series[weeks >= launch]
    cycles = _cycles(after, r.cycle_amplitude)
    if cycles >= r.min_cycles:
        return Regime("oscillation", f"contributors swung through {cycles} boom-bust cycles "
                      f"after the launch; ended at {pct} of the pre-launch level", ratio)
    if ratio >= r.resilient_above:
        return Regime("resilient", f"contributors ended at {pct} of their pre-launch level "
                      f"(>= {100 * r.resilient_above:.0f}%)", ratio)
    return Regime("decline", f"contributors settled at {pct} of their pre-launch level",
                  ratio)


def _cycles(x: np.ndarray, amplitude: float) -> int:
    """Count full swings of a smoothed series around its mean larger than ``amplitude``."""
    if len(x) < 52:
        return 0
    import pandas as pd

    smooth = pd.Series(x).rolling(13, center=True, min_periods=1).mean().to_numpy()
    mean = smooth.mean()
    if mean <= 0:
        return 0
    dev = (smooth - mean) / mean
    state, swings = 0, 0
    for d in dev:  # a few hundred weekly values, not people
        if d > amplitude and state <= 0:
            swings += state < 0
            state = 1
        elif d < -amplitude and state >= 0:
            swings += state > 0
            state = -1
    return swings // 2

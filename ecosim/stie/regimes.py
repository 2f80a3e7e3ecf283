"""Regimes: what became of the production of fresh knowledge after the AI launched.

A run is classified on what the communities produce, not on how many people are counted as
contributors: the answers on the Q&A platform and the edits to the encyclopedia, each
against its level just before the launch (the mean of the ``regime.baseline_weeks`` weeks
before ``ai.launch_week``; for a world without the AI, the same weeks). The production
index weighs the two by the share of needs each platform serves (``demand.qa_share``), so a
Q&A world is judged mostly on its answers and an encyclopedia world on its edits; the final
level is the mean of the last ``regime.final_weeks`` weeks:

- **collapse**: production ended below ``regime.collapse_below`` of its pre-launch level;
- **oscillation**: after the launch production keeps swinging in boom-bust cycles (at
  least ``regime.min_cycles`` peaks and troughs of its 26-week moving average, each at
  least ``regime.cycle_amplitude`` of the mean away from it);
- **resilient**: production ended at least at ``regime.resilient_above`` of its level;
- **decline**: in between, a new, lower level;
- **none**: no verdict, when the run ends before the AI's launch.

Beside it the stock of up-to-date content (each platform's coverage) and the AI's own
state are reported: **improving**, **stable** or **degrading**, from its answer quality in
the last ``regime.final_weeks`` weeks against its first 26 weeks (beyond
``regime.ai_change``). Over replicates a scenario has regime shares
(:func:`regime_shares`), not one label. The thresholds are scenario keys (``regime.*``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.params import Params

if TYPE_CHECKING:
    import pandas as pd

REGIMES = ("collapse", "decline", "resilient", "oscillation", "none")
"""The regimes of the communities; ``none`` is no verdict: the run ended before the
AI's launch."""
AI_STATES = ("improving", "stable", "degrading", "none")
"""The states of the AI; ``none``: there was no AI."""
PRODUCTION = (("answers", "answers"), ("edits", "edits"))
"""The columns of fresh knowledge production, with their names in words."""


@dataclass(frozen=True)
class Regime:
    """A classification and why.

    Attributes:
        name: The communities' regime (one of :data:`REGIMES`).
        reason: Why, in words, with the figures.
        final_ratio: Final production index over its pre-launch level (NaN without a
            verdict).
        ai_state: The AI's state (one of :data:`AI_STATES`).
        ratios: Final over pre-launch level of the production index, of each production
            column and of each platform's coverage.
    """

    name: str
    reason: str
    final_ratio: float
    ai_state: str = "none"
    ratios: dict[str, float] | None = None

    @property
    def label(self) -> str:
        """Both verdicts in one line, e.g. "communities: decline; AI: degrading"."""
        return f"communities: {self.name}; AI: {self.ai_state}"


def _level(ts: pd.DataFrame, column: str, weeks: np.ndarray, launch: int, r) -> tuple:
    series = ts[column].to_numpy(dtype=float)
    before = series[(weeks < launch) & (weeks >= launch - r.baseline_weeks)]
    if len(before) == 0:
        before = series[: r.baseline_weeks]
    base = before.mean() if len(before) else 0.0
    final = series[-r.final_weeks:].mean()
    return base, final, series


def classify(ts: pd.DataFrame, p: Params) -> Regime:
    """Classify a run's trajectory (see the module docstring)."""
    weeks = ts["week"].to_numpy()
    launch = p.ai.launch_week
    r = p.regime
    if not len(weeks) or weeks.max() < launch:
        ends = int(weeks.max()) + 1 if len(weeks) else 0
        return Regime("none", f"no verdict: the AI never launched (the run ends after "
                      f"{ends} week{'' if ends == 1 else 's'}, before the launch in week "
                      f"{launch})", float("nan"))
    ratios, index, weights = {}, None, {"answers": p.demand.qa_share,
                                         "edits": 1.0 - p.demand.qa_share}
    for column, _ in PRODUCTION:
        base, final, series = _level(ts, column, weeks, launch, r)
        if base > 0 and weights[column] > 0:
            ratios[column] = float(final / base)
            part = weights[column] * series / base
            index = part if index is None else index + part
    for column in ("coverage_qa", "coverage_wiki"):
        if column in ts:
            base, final, _ = _level(ts, column, weeks, launch, r)
            ratios[column] = float(final / base) if base > 0 else float("nan")
    ai_state, ai_why = _ai_state(ts, weeks, launch, r)
    if index is None:
        return Regime("collapse", "nothing was produced before the launch", 0.0, ai_state,
                      ratios)
    total = sum(weights[c] for c in ratios if c in weights)
    index = index / total
    ratios["production"] = float(index[-r.final_weeks:].mean())
    ratio = ratios["production"]
    words = ", ".join(f"{name} {100 * ratios[c]:.0f}%" for c, name in PRODUCTION
                      if c in ratios)
    tail = (f" (production {100 * ratio:.0f}% of its pre-launch level: {words}); "
            f"AI {ai_state}{ai_why}")
    if ratio < r.collapse_below:
        return Regime("collapse", f"fresh knowledge production fell below "
                      f"{100 * r.collapse_below:.0f}%{tail}", ratio, ai_state, ratios)
    cycles = _cycles(index[weeks >= launch], r.cycle_amplitude)
    if cycles >= r.min_cycles:
        return Regime("oscillation", f"production swung through {cycles} boom-bust cycles "
                      f"after the launch{tail}", ratio, ai_state, ratios)
    if ratio >= r.resilient_above:
        return Regime("resilient", f"production held at or above "
                      f"{100 * r.resilient_above:.0f}%{tail}", ratio, ai_state, ratios)
    return Regime("decline", f"production settled at a lower level{tail}", ratio, ai_state,
                  ratios)


def _ai_state(ts: pd.DataFrame, weeks: np.ndarray, launch: int, r) -> tuple[str, str]:
    """The AI's state and a short why."""
    if "ai_quality" not in ts:
        return "none", ""
    quality = ts["ai_quality"].to_numpy(dtype=float)
    first = quality[(weeks >= launch) & (weeks < launch + 26)]
    if len(first) == 0 or first.mean() <= 0:
        return "none", " (no AI)"
    start, end = first.mean(), quality[-r.final_weeks:].mean()
    change = end / start - 1.0
    state = ("improving" if change > r.ai_change else
             "degrading" if change < -r.ai_change else "stable")
    return state, f" (quality {start:.2f} -> {end:.2f})"


def regime_shares(regimes: Iterable[Regime]) -> dict[str, dict[str, float]]:
    """Share of each regime and of each AI state over replicates (only those that occur,
    most common first)."""
    regimes = list(regimes)
    n = len(regimes) or 1
    out = {}
    for field, names in (("communities", REGIMES), ("ai", AI_STATES)):
        counts = Counter(getattr(g, "name" if field == "communities" else "ai_state")
                         for g in regimes)
        out[field] = {k: counts[k] / n for k in sorted(counts, key=lambda k: (-counts[k],
                                                                              names.index(k)))}
    return out


def describe_shares(shares: dict[str, dict[str, float]]) -> str:
    """Shares in words: "communities: decline 70%, collapse 30%; AI: degrading 100%"."""
    return "; ".join(f"{field}: " + ", ".join(f"{k} {100 * v:.0f}%" for k, v in part.items())
                     for field, part in (("communities", shares["communities"]),
                                         ("AI", shares["ai"])))


def _cycles(x: np.ndarray, amplitude: float) -> int:
    """Count full swings of a smoothed series around its mean larger than ``amplitude``."""
    if len(x) < 52:
        return 0
    import pandas as pd

    # Half a year's smoothing: weekly production is noisy, and a new topic's burst of
    # questions is not a cycle.
    smooth = pd.Series(x).rolling(26, center=True, min_periods=1).mean().to_numpy()
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

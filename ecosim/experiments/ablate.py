"""Ablation: which mechanisms each target needs.

Each mechanism is switched off in turn (``mechanisms.<key> = false``) in every arm of the
paired replicates, and the scenario's targets are checked again. A target that passes with
every mechanism on but fails without a mechanism *needs* that mechanism; a mechanism whose
removal fails no passing target is not yet shown to matter. A mechanism that does nothing
in the scenario (switching it off gives the very same runs, as a data strike in a scenario
without one) is *inactive*: it is listed apart, not as "not needed".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecosim.experiments.designs import replicate_seeds
from ecosim.experiments.ensemble import run_ensemble
from ecosim.experiments.executors import INLINE, Execution
from ecosim.experiments.outputs import save_figure
from ecosim.experiments.validate import (
    DEFAULT_POPULATION,
    Validation,
    arm_scenarios,
    evaluate,
    scenario_name,
    shorten,
    validation_scenario,
)
from ecosim.model.mechanisms import WEEK
from ecosim.model.scenario import Scenario
from ecosim.model.schedule import REGISTRY
from ecosim.stie.targets import ARMS, Target, applicable

DEFAULT_ABLATION_REPLICATES = 3

Progress = Callable[[str, int, int], None]


@dataclass
class Ablation:
    """The mechanism x target matrix of one scenario.

    Attributes:
        scenario: Source of the scenario.
        full: Validation with every mechanism as the scenario has it.
        off: Validation with each mechanism switched off, by mechanism key.
        inactive: Mechanisms whose removal changes no run at all (same output in every
            arm of every replicate).
    """

    scenario: str
    full: Validation
    off: dict[str, Validation]
    inactive: list[str] = field(default_factory=list)

    @property
    def targets(self) -> list[str]:
        """Target keys, in registry order."""
        return [r.target.key for r in self.full.results]

    @property
    def matrix(self) -> dict[str, dict[str, bool]]:
        """For each mechanism switched off, whether each target still passes."""
        return {m: {r.target.key: r.passed for r in v.results} for m, v in self.off.items()}

    def needs(self) -> dict[str, list[str]]:
        """For each target that passes in full, the mechanisms it fails without."""
        full = {r.target.key: r.passed for r in self.full.results}
        return {t: [m for m, row in self.matrix.items() if not row[t]]
                for t in self.targets if full[t]}

    def idle(self) -> list[str]:
        """Active mechanisms whose removal fails no passing target."""
        needed = {m for ms in self.needs().values() for m in ms}
        return [m for m in self.off if m not in needed and m not in self.inactive]

    def record(self) -> dict[str, Any]:
        """The JSON-ready object of ``ecosim ablate --format json``."""
        return {
            "scenario": self.scenario,
            "mechanisms": list(self.off),
            "targets": self.targets,
            "matrix": self.matrix,
            "full": {r.target.key: r.passed for r in self.full.results},
            "values": {m: {r.target.key: r.record()["value"] for r in v.results}
                       for m, v in self.off.items()},
            "full_values": {r.target.key: r.record()["value"] for r in self.full.results},
            "needs": self.needs(),
            "inactive": list(self.inactive),
            "no_target_depends_on": self.idle(),
            "replicates": len(self.full.seeds),
            "population": self.full.population,
        }


def ablated() -> list[str]:
    """The mechanisms ablation switches off by default: all but those whose card says why
    not (the AI's launch: switching it off is the counterfactual arm itself)."""
    return [k for k in WEEK if not REGISTRY[k].card.ablation]


def ablate(scenario: Scenario, *, mechanisms: Sequence[str] | None = None,
           replicates: int = DEFAULT_ABLATION_REPLICATES,
           targets: Sequence[Target] | None = None,
           population: int | None = DEFAULT_POPULATION,
           progress: Progress | None = None, execution: Execution = INLINE) -> Ablation:
    """Validate the scenario as is and with each mechanism switched off.

    Every variant and arm of one replicate seed is one family of runs: a variant whose
    mechanism first acts at the AI's release shares the history before it with the
    scenario as is, and each variant's arms share theirs up to the release
    (:mod:`ecosim.experiments.ensemble`).

    Args:
        scenario: The scenario.
        mechanisms: Mechanism keys to switch off (default: every one the scenario has on,
            of :func:`ablated`).
        replicates: Replicate seeds per variant.
        targets: Targets (default: those that apply to the scenario).
        population: Population cap.
        progress: Called as ``progress(label, done_runs, total_runs)``.
        execution: Where the runs execute (this process by default).
    """
    name = scenario_name(scenario)
    targets = applicable(name) if targets is None else list(targets)
    p = scenario.params
    keys = [k for k in (mechanisms or ablated()) if p[f"mechanisms.{k}"]]
    variants = {None: scenario} | {
        key: scenario.with_values({f"mechanisms.{key}": False}, "ablation") for key in keys}
    prepared = {key: shorten(validation_scenario(sc, population), targets)
                for key, sc in variants.items()}
    seeds = replicate_seeds(prepared[None].params.run.seed, replicates)
    arms = [a for a in ARMS if any(a in t.arms for t in targets)]
    families = [[run for sc in prepared.values() for run in arm_scenarios(sc, arms, seed)]
                for seed in seeds]
    tick = (lambda done, total: progress("ablation", done, total)) if progress else None
    tables = run_ensemble(families, execution=execution, progress=tick)
    validations, inactive = {}, []
    width = len(arms)
    for v, (key, sc) in enumerate(prepared.items()):
        reps = [dict(zip(arms, family[v * width:(v + 1) * width], strict=True))
                for family in tables]
        validations[key] = Validation(str(variants[key].source), name, seeds,
                                      sc.params.population.size,
                                      evaluate(targets, reps, sc.params))
        if key is not None and all(
                family[v * width + a].equals(family[a])
                for family in tables for a in range(width)):
            inactive.append(key)
    full = validations.pop(None)
    return Ablation(str(scenario.source), full, validations, inactive)


def plot(ablation: Ablation, path: str | Path) -> None:
    """Draw the matrix as a heatmap (green: still passes; red: fails; grey: fails in full)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import ListedColormap

    mechs, targets = list(ablation.off), ablation.targets
    full = {r.target.key: r.passed for r in ablation.full.results}
    grid = np.zeros((len(mechs), len(targets)))
    for i, m in enumerate(mechs):
        for j, t in enumerate(targets):
            grid[i, j] = 0 if not full[t] else (2 if ablation.matrix[m][t] else 1)
    fig, ax = plt.subplots(figsize=(1.0 + 0.75 * len(targets), 1.2 + 0.38 * len(mechs)))
    ax.imshow(grid, cmap=ListedColormap(["#cccccc", "#d7301f", "#1a9850"]), vmin=0, vmax=2,
              aspect="auto")
    ax.set_xticks(range(len(targets)), targets, rotation=40, ha="right", fontsize=8)
    ax.set_yticks(range(len(mechs)), [f"{m} off" for m in mechs], fontsize=8)
    for i in range(len(mechs)):
        for j in range(len(targets)):
            ax.text(j, i, ["-", "fail", "pass"][int(grid[i, j])], ha="center", va="center",
                    fontsize=7, color="black" if grid[i, j] == 0 else "white")
    ax.set_title(f"Ablation: {Path(ablation.scenario).name} (grey: fails with all on)",
                 fontsize=9)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_figure(fig, path, dpi=110)
    plt.close(fig)

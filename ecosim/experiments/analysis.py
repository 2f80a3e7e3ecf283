"""Analysis of a finished sweep: figures and indices from runs.parquet and sweep.json only.

What is drawn depends on the design (``ecosim plot DIR``):

- grid over two or more keys: a **regime map** — per cell of the first two keys' grid, the
  share of runs in each regime (pooled over replicates and any further keys) beside the
  mean final contributor ratio;
- grid or Latin hypercube: **outcome curves** — each summary outcome against each varied
  key (mean and range over replicates; binned for a hypercube);
- sobol: first-order and total **Sobol indices** with confidence intervals
  (SALib.analyze.sobol), printed and drawn as bars;
- morris: **Morris** mu* (with confidence interval) and sigma (SALib.analyze.morris).

Like EMA Workbench's analysis package, this module never runs the model: it reads tables.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from ecosim.experiments.designs import Factor, problem, sample_morris
from ecosim.experiments.outputs import save_figure
from ecosim.experiments.sweep import OUTCOMES, STATUS_OK, load_runs
from ecosim.model.params import ScenarioError

REGIME_COLOURS = {"collapse": "#c0392b", "decline": "#e8a33d", "resilient": "#2e8b57",
                  "oscillation": "#7d3c98", "none": "#aaaaaa"}
LABELS = {"production_ratio": "production (answers or edits), final / pre-launch",
          "final_contributor_ratio": "contributors, final / pre-launch",
          "questions_ratio": "questions, final / pre-launch",
          "visits_ratio": "Q&A visits, final / pre-launch",
          "contributions_ratio": "contributions, final / pre-launch",
          "final_ai_quality": "AI quality (final)", "ai_share": "AI share of needs (final)",
          "coverage_qa": "Q&A coverage (final)", "coverage_wiki": "encyclopedia coverage (final)"}
SENSITIVITY_OUTCOMES = ("production_ratio", "final_contributor_ratio", "questions_ratio",
                        "final_ai_quality", "ai_share")
"""Outcomes whose sensitivity indices are computed and drawn."""


def read_sweep(folder: str | Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """A sweep folder's design (sweep.json) and runs; a ScenarioError if it is not one."""
    folder = Path(folder)
    meta_path = folder / "sweep.json"
    if not meta_path.is_file():
        raise ScenarioError(f"{folder}: no sweep.json here; expected the --out folder of "
                            "`ecosim sweep`")
    try:
        meta = json.loads(meta_path.read_text())
    except ValueError as err:
        raise ScenarioError(f"{meta_path}: not valid JSON ({err})") from None
    runs = load_runs(folder)
    if not len(runs):
        raise ScenarioError(f"{folder}: the sweep has no finished runs yet; run `ecosim "
                            "sweep` first")
    return meta, runs


def plot_sweep(folder: str | Path, console: Console | None = None) -> list[Path]:
    """Draw every figure that fits the folder's design; return the PNG (and CSV) paths."""
    import matplotlib

    matplotlib.use("Agg")
    folder = Path(folder)
    console = console or Console()
    meta, runs = read_sweep(folder)
    ok = runs[runs["status"] == STATUS_OK]
    keys = list(meta["varied"])
    method = meta["method"]
    written: list[Path] = []
    if method == "grid":
        axes = [k for k in keys if ok[k].nunique() > 1]
        if len(axes) >= 2:
            written.append(regime_map(ok, axes[0], axes[1], folder / "regime_map.png",
                                      pooled=[k for k in keys if k not in axes[:2]]))
        if axes:
            written.append(outcome_curves(ok, axes, folder / "outcomes.png", binned=False))
    elif method == "lhs":
        written.append(outcome_curves(ok, keys, folder / "outcomes.png", binned=True))
    elif method in ("sobol", "morris"):
        table = sensitivity(meta, runs, console)
        if table is not None:
            csv = folder / f"sensitivity_{method}.csv"
            table.to_csv(csv, index=False, float_format="%.5g")
            written += [csv, sensitivity_chart(table, method, folder /
                                               f"sensitivity_{method}.png")]
    return written


def regime_map(ok: pd.DataFrame, x: str, y: str, path: Path, pooled: list[str]) -> Path:
    """Share of each regime per grid cell (stacked colour bars) and mean contributor ratio."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    xs, ys = sorted(ok[x].unique()), sorted(ok[y].unique())
    shares = (ok.groupby([x, y])["regime"].value_counts(normalize=True)
              .rename("share").reset_index())
    mean_ratio = ok.groupby([x, y])["final_contributor_ratio"].mean()
    counts = ok.groupby([x, y]).size()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12.5, 5.4), constrained_layout=True)
    regimes = [r for r in REGIME_COLOURS if r in set(ok["regime"])]
    for i, xv in enumerate(xs):
        for j, yv in enumerate(ys):
            cell = shares[(shares[x] == xv) & (shares[y] == yv)].set_index("regime")["share"]
            bottom = j - 0.5
            for r in regimes:  # stack in a fixed order so cells compare at a glance
                h = float(cell.get(r, 0.0))
                if h > 0:
                    ax.add_patch(Rectangle((i - 0.5, bottom), 1, h, color=REGIME_COLOURS[r],
                                           linewidth=0))
                    bottom += h
            if (xv, yv) in mean_ratio.index:
                ax.text(i, j, f"{mean_ratio[(xv, yv)]:.2f}", ha="center", va="center",
                        fontsize=7, color="white")
    for ax_ in (ax, ax2):
        ax_.set_xlim(-0.5, len(xs) - 0.5)
        ax_.set_ylim(-0.5, len(ys) - 0.5)
        ax_.set_xticks(range(len(xs)), [_fmt(v) for v in xs], rotation=45)
        ax_.set_yticks(range(len(ys)), [_fmt(v) for v in ys])
        ax_.set_xlabel(x)
        ax_.set_ylabel(y)
    reps = int(counts.median()) if len(counts) else 0
    note = f" (pooled over {', '.join(pooled)})" if pooled else ""
    ax.set_title(f"regime shares per cell, {reps} runs each{note}\n"
                 "number: mean final / pre-launch contributors", fontsize=10)
    ax.legend(handles=[Patch(color=REGIME_COLOURS[r], label=r) for r in regimes],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    grid = np.full((len(ys), len(xs)), np.nan)
    for (xv, yv), v in mean_ratio.items():
        grid[ys.index(yv), xs.index(xv)] = v
    im = ax2.imshow(grid, origin="lower", cmap="RdYlGn", vmin=0, vmax=max(1.0, np.nanmax(grid)),
                    aspect="auto")
    fig.colorbar(im, ax=ax2, label="final / pre-launch active contributors (mean)")
    ax2.set_title("mean contributor ratio", fontsize=10)
    save_figure(fig, path, dpi=110)
    plt.close(fig)
    return path


def outcome_curves(ok: pd.DataFrame, keys: list[str], path: Path, binned: bool) -> Path:
    """Each main outcome against each varied key: mean line, min-max band over runs."""
    import matplotlib.pyplot as plt

    outcomes = [o for o in SENSITIVITY_OUTCOMES if o in ok]
    fig, axes = plt.subplots(len(outcomes), len(keys), squeeze=False, sharex="col",
                             figsize=(3.6 * len(keys) + 1, 2.3 * len(outcomes) + 0.6),
                             constrained_layout=True)
    for c, key in enumerate(keys):
        x = ok[key]
        if binned and x.nunique() > 10:  # a hypercube: bin the key into deciles
            x = pd.qcut(x, 10, duplicates="drop").map(lambda b: b.mid).astype(float)
        for r, outcome in enumerate(outcomes):
            ax = axes[r][c]
            g = ok.assign(_x=x).groupby("_x")[outcome].agg(["mean", "min", "max"])
            ax.fill_between(g.index, g["min"], g["max"], alpha=0.25, color="#4477aa", lw=0)
            ax.plot(g.index, g["mean"], marker="o", ms=3, color="#224466")
            if binned:
                ax.scatter(ok[key], ok[outcome], s=4, alpha=0.35,
                           c=[REGIME_COLOURS.get(rg, "grey") for rg in ok["regime"]])
            if c == 0:
                ax.set_ylabel(LABELS[outcome], fontsize=8)
            if r == len(outcomes) - 1:
                ax.set_xlabel(key)
    fig.suptitle("outcomes against each varied key (line: mean; band: range over runs"
                 + ("; points coloured by regime" if binned else "") + ")", fontsize=10)
    save_figure(fig, path, dpi=100)
    plt.close(fig)
    return path


def sensitivity(meta: dict[str, Any], runs: pd.DataFrame, console: Console
                ) -> pd.DataFrame | None:
    """Sobol or Morris indices of the main outcomes; printed as a table, returned long.

    Each design point's outcome is the mean over its finished replicates. Every point is
    needed (Saltelli's and Morris's schemes use them in fixed groups); with points missing
    the indices are not computed.
    """
    from SALib.analyze import morris, sobol

    factors = [Factor(f["key"], low=f["low"], high=f["high"]) for f in meta["factors"]]
    names = [f.key for f in factors]
    ok = runs[runs["status"] == STATUS_OK]
    by_point = ok.groupby("point")[list(OUTCOMES)].mean().reindex(range(meta["points"]))
    missing = int(by_point[list(SENSITIVITY_OUTCOMES)].isna().any(axis=1).sum())
    if missing:
        console.print(f"[yellow]{missing} of {meta['points']} design points have no finished "
                      "run (or an undefined outcome); resume the sweep before computing "
                      "indices[/]")
        return None
    salib_problem = problem(factors)
    # Morris needs the trajectories the sweep ran: the same for every outcome
    x = (sample_morris(factors, meta["samples"], meta["root_seed"])
         if meta["method"] == "morris" else None)
    rows = []
    for outcome in SENSITIVITY_OUTCOMES:
        y = by_point[outcome].to_numpy(dtype=float)
        if meta["method"] == "sobol":
            res = sobol.analyze(salib_problem, y, calc_second_order=meta["options"][
                "sobol_second_order"], seed=meta["root_seed"])
            for i, key in enumerate(names):
                rows.append({"outcome": outcome, "key": key, "S1": res["S1"][i],
                             "S1_conf": res["S1_conf"][i], "ST": res["ST"][i],
                             "ST_conf": res["ST_conf"][i]})
        else:
            res = morris.analyze(salib_problem, x, y,
                                 num_levels=meta["options"]["morris_levels"],
                                 seed=meta["root_seed"])
            for i, key in enumerate(names):
                rows.append({"outcome": outcome, "key": key, "mu_star": res["mu_star"][i],
                             "mu_star_conf": res["mu_star_conf"][i], "sigma": res["sigma"][i],
                             "mu": res["mu"][i]})
    table = pd.DataFrame(rows)
    cols = [c for c in table.columns if c not in ("outcome", "key")]
    for outcome, group in table.groupby("outcome", sort=False):
        t = Table(title=f"{meta['method']} indices: {LABELS[outcome]}", box=None,
                  header_style="bold")
        t.add_column("key")
        for c in cols:
            t.add_column(c, justify="right")
        for _, row in group.iterrows():
            t.add_row(row["key"], *(_fmt(row[c]) for c in cols))
        console.print(t)
    return table


def sensitivity_chart(table: pd.DataFrame, method: str, path: Path) -> Path:
    """Bars with confidence intervals: S1 and ST (Sobol) or mu* (Morris), per outcome."""
    import matplotlib.pyplot as plt

    outcomes = list(dict.fromkeys(table["outcome"]))
    keys = list(dict.fromkeys(table["key"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(3.3 * len(outcomes) + 1.5,
                                                        0.32 * len(keys) + 1.8),
                             sharey=True, squeeze=False, constrained_layout=True)
    pos = np.arange(len(keys))
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        t = table[table["outcome"] == outcome].set_index("key").reindex(keys)
        if method == "sobol":
            ax.barh(pos - 0.2, t["S1"], 0.4, xerr=t["S1_conf"], label="first order S1",
                    color="#4477aa", error_kw={"lw": 0.8})
            ax.barh(pos + 0.2, t["ST"], 0.4, xerr=t["ST_conf"], label="total ST",
                    color="#ee7733", error_kw={"lw": 0.8})
        else:
            ax.barh(pos - 0.2, t["mu_star"], 0.4, xerr=t["mu_star_conf"], label="mu*",
                    color="#4477aa", error_kw={"lw": 0.8})
            ax.barh(pos + 0.2, t["sigma"], 0.4, label="sigma", color="#ee7733")
        ax.axvline(0, color="black", lw=0.5)
        ax.set_title(LABELS[outcome], fontsize=9)
        ax.invert_yaxis() if ax is axes[0][0] else None
    axes[0][0].set_yticks(pos, keys, fontsize=8)
    axes[0][-1].legend(fontsize=8, loc="lower right")
    fig.suptitle(f"{method} sensitivity indices (bars: 95% confidence intervals)",
                 fontsize=10)
    save_figure(fig, path, dpi=100)
    plt.close(fig)
    return path


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.3g}"
    return str(v)

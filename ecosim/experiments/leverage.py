"""Data leverage analysis: how much can a group of contributors change the AI?

"How much can group X change AI model Y on metric Z" as one command: a sweep preset over
the share of the group's content that a collective withholds (or redirects), from none to
all of it, with replicates, then a curve of the AI's quality and share and of the
platforms' health against that share. It is an ordinary sweep (resumable, parallel, on
Dask if asked) whose design file is written into the output folder for the record.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ecosim.experiments.outputs import atomic_write, save_figure
from ecosim.model.params import SCHEMA, ScenarioError

METRICS = {
    "final_ai_quality": "AI answer quality (last year)",
    "ai_share": "AI share of needs (last year)",
    "final_contributor_ratio": "contributors, final / pre-launch",
    "visits_ratio": "Q&A visits, final / pre-launch",
}


def write_preset(scenario: Path, folder: Path, *, group: str, topics: str, action: str,
                 levels: int, replicates: int, seed: int) -> Path:
    """Write the sweep file of a leverage analysis into ``folder`` and return its path.

    ``--set`` overrides are not written into it: pass them to
    :func:`~ecosim.experiments.designs.load_sweep` with the returned path. The sweep's
    output folder gets a copy once the sweep has started (the sweep refuses to start in a
    folder that holds anything but its own results).
    """
    for option, key, value in (("--group", "leverage.a.group", group),
                               ("--topics", "leverage.a.topics", topics),
                               ("--action", "leverage.a.action", action)):
        choices = [c for c in SCHEMA[key].choices or () if c != "none"]  # none: nobody acts
        if value not in choices:
            raise ScenarioError(f"{option} {value!r}: expected one of "
                                f"{', '.join(map(repr, choices))}")
    if levels < 2:
        raise ScenarioError(f"--levels {levels}: at least 2 (none and all of the content)")
    if not scenario.is_file():
        raise ScenarioError(f"{scenario}: file not found")
    folder.mkdir(parents=True, exist_ok=True)
    base = json.dumps(scenario.resolve().as_posix())  # a TOML basic string, escaped
    text = f"""# Data leverage: a collective of {group} contributors ({topics} topics) that {action}s
# a share of its content from the commercial AI's training, from week 0 to the end.
# Written by `ecosim leverage`; re-running the same command resumes this sweep.

[sweep]
name = "leverage_{group}"
description = "AI quality and platform health against the share of {group} content withheld."
base = {base}
design = "grid"
replicates = {replicates}
seed = {seed}

[set]
"leverage.a.group" = "{group}"
"leverage.a.topics" = "{topics}"
"leverage.a.action" = "{action}"
"leverage.a.start_week" = 0
"leverage.a.end_week" = 100000

[factors]
"leverage.a.fraction" = {{ low = 0.0, high = 1.0, levels = {levels} }}
"""
    path = folder / "leverage.toml"
    atomic_write(path, lambda f: f.write(text.encode()))
    return path


def leverage_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% interval of each metric per withheld share (finished runs only)."""
    ok = runs[runs["status"] == "ok"]
    rows = []
    for fraction, group in ok.groupby("leverage.a.fraction"):
        row = {"fraction": float(fraction), "runs": len(group)}
        for metric in METRICS:
            values = group[metric].astype(float)
            half = 1.96 * values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0
            row[metric] = values.mean()
            row[f"{metric}_ci"] = half
        rows.append(row)
    if not rows:  # no run finished
        return pd.DataFrame(columns=["fraction", "runs"])
    return pd.DataFrame(rows).sort_values("fraction").reset_index(drop=True)


def plot_leverage(table: pd.DataFrame, path: Path, title: str) -> Path:
    """Curves of the AI and platform metrics against the withheld share."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    x = table["fraction"]
    for ax, metrics, heading in (
        (axes[0], ("final_ai_quality", "ai_share"), "the AI"),
        (axes[1], ("final_contributor_ratio", "visits_ratio"), "the platforms"),
    ):
        for metric in metrics:
            y, ci = table[metric], table[f"{metric}_ci"]
            ax.plot(x, y, marker="o", label=METRICS[metric])
            ax.fill_between(x, y - ci, y + ci, alpha=0.2)
        ax.set_xlabel("share of the group's content withheld from training")
        ax.set_title(heading)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    save_figure(fig, path, dpi=110)
    plt.close(fig)
    return path

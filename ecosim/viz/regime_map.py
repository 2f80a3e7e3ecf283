"""The regime map: a phase diagram of two varied keys, coloured by regime.

It reads a sweep's output folder (its runs and ``sweep.json``, written by ``ecosim sweep``);
nothing here runs the model. The diagram is a grid of buttons, one per cell, so that
choosing a cell is a click that loads its parameters into the dashboard, with no JavaScript
chart library (and so nothing to fetch when offline).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import solara

from ecosim.experiments.analysis import REGIME_COLOURS
from ecosim.experiments.sweep import SweepFolder, load_runs
from ecosim.model.params import SCHEMA
from ecosim.model.scenario_files import flatten
from ecosim.stie.regimes import REGIMES

DEFAULT_FOLDER = Path("data/regime_map")
MAKE_IT = "ecosim sweep scenarios/sweeps/regime_map.toml --out data/regime_map"
MAX_LEVELS = 12
"""Above this many distinct values (sampled, not grid designs) an axis is binned."""


@dataclass
class MapData:
    """A sweep's finished runs and what it varied.

    Attributes:
        runs: Finished runs (status ok) with a regime.
        varied: Varied scenario keys, in design order.
        base: Parameters of the sweep's base scenario by dotted key (empty if unknown).
        failed: Number of failed runs left out.
    """

    runs: pd.DataFrame
    varied: list[str]
    base: dict[str, Any] = field(default_factory=dict)
    failed: int = 0


def _base_values(meta: dict[str, Any]) -> dict[str, Any]:
    """The sweep's base parameters by dotted key (empty without a sweep.json)."""
    nested = meta.get("base", {}).get("parameters", {})
    return {k: v for k, v in flatten(nested, "sweep.json").items() if k in SCHEMA}


def load_map(folder: str | Path = DEFAULT_FOLDER) -> MapData | None:
    """Read a sweep folder (runs.parquet and the parts not yet folded into it); None when
    no run is recorded there.

    Raises:
        ValueError: When the files exist but hold no usable map.
    """
    sweep = SweepFolder(folder)
    if not sweep.runs_path.is_file() and not sweep.part_files():
        return None
    runs = load_runs(folder)
    meta = sweep.read_meta() or {}
    varied = [k for k in meta.get("varied", []) if k in runs.columns and k in SCHEMA]
    if not varied:  # no design record: any schema key that takes several values
        varied = [c for c in runs.columns if c in SCHEMA and c != "run.seed"
                  and runs[c].nunique() > 1]
    failed = 0
    if "status" in runs:
        ok = runs["status"].astype(str) == "ok"
        failed = int((~ok).sum())
        runs = runs[ok]
    runs = runs[runs["regime"].notna()] if "regime" in runs else runs.iloc[0:0]
    if len(varied) < 2:
        raise ValueError(f"{folder}: a regime map needs two varied keys, found {varied}")
    return MapData(runs.reset_index(drop=True), varied, _base_values(meta), failed)


def _levels(values: pd.Series) -> pd.Series:
    """A level per run along one axis: the value itself, or its bin's median when the
    design sampled too many distinct values to show one column each."""
    if values.nunique() <= MAX_LEVELS or not pd.api.types.is_numeric_dtype(values):
        return values
    bins = pd.cut(values.astype(float), MAX_LEVELS)
    return values.groupby(bins, observed=True).transform("median")


def cells(data: MapData, x: str, y: str) -> pd.DataFrame:
    """One row per (x, y) cell: the most frequent regime, its share, the run count and
    the representative values of every varied key (the cell's most common run)."""
    runs = data.runs.copy()
    runs["_x"], runs["_y"] = _levels(runs[x]), _levels(runs[y])
    rows = []
    for (cx, cy), group in runs.groupby(["_x", "_y"], sort=True):
        counts = group["regime"].value_counts()
        regime = counts.index[0]
        point = {k: group[k].mode().iloc[0] for k in data.varied}
        point[x], point[y] = cx, cy
        rows.append({"x": cx, "y": cy, "regime": regime, "share": counts.iloc[0] / len(group),
                     "runs": len(group), "point": point})
    return pd.DataFrame(rows)


def cell_settings(data: MapData, point: dict[str, Any]) -> dict[str, Any]:
    """Scenario values that reproduce a cell: the sweep's base with the cell's point,
    each value converted to its key's type (binned axes give medians)."""
    out = dict(data.base)
    for key, value in point.items():
        param = SCHEMA[key]
        if isinstance(value, np.generic):
            value = value.item()
        if param.kind is int:
            value = int(round(value))
        elif param.kind is float:
            value = float(value)
        out[key] = param.check(value, "regime map")
    return out


def _fmt(v: Any) -> str:
    return f"{v:.3g}" if isinstance(v, (float, np.floating)) else str(v)


@solara.component
def RegimeMap(folder: str | Path = DEFAULT_FOLDER,
              on_load: Callable[[dict[str, Any]], None] | None = None):
    """The phase diagram; clicking a cell calls ``on_load(settings)``.

    Args:
        folder: A sweep output folder.
        on_load: Receives the dotted-key values of the chosen cell.
    """
    reloads = solara.use_reactive(0)

    def load():
        try:
            return load_map(folder), None
        except Exception as err:  # a half-written or foreign file must not break the page
            return None, f"Cannot read the regime map in {folder}: {err}"

    data, error = solara.use_memo(load, [str(folder), reloads.value])
    x = solara.use_reactive("")
    y = solara.use_reactive("")
    solara.Button("Reload", icon_name="mdi-refresh", text=True, small=True,
                  on_click=lambda: reloads.set(reloads.value + 1))
    if error:
        solara.Error(error)
        return
    if data is None:
        solara.Info(f"No regime map yet: {folder} holds no sweep runs. "
                    f"Make it with:  {MAKE_IT}", classes=["ecosim-no-map"])
        return
    xk = x.value if x.value in data.varied else data.varied[0]
    ys_keys = [k for k in data.varied if k != xk]
    yk = y.value if y.value in ys_keys else ys_keys[0]
    with solara.Row():
        solara.Select("x axis", values=data.varied, value=xk, on_value=x.set)
        solara.Select("y axis", values=ys_keys, value=yk, on_value=y.set)
    table = cells(data, xk, yk)
    solara.Text(f"{len(data.runs)} finished runs" +
                (f", {data.failed} failed runs left out" if data.failed else "") +
                ". Each cell shows the most frequent regime among its runs; click one to "
                "load its parameters and reset the model.")
    if table.empty:
        solara.Warning("No finished runs with a regime in this sweep.")
        return
    xs, ys = sorted(table["x"].unique()), sorted(table["y"].unique(), reverse=True)
    lookup = {(r.x, r.y): r for r in table.itertuples()}
    cell_style = {"min-width": "44px", "height": "30px", "margin": "1px", "padding": "0"}
    with solara.Column(gap="0px", classes=["ecosim-regime-map"]):
        solara.Text(f"{yk} (rows) against {xk} (columns)",
                    style={"font-weight": "bold"})
        for vy in ys:
            with solara.Row(gap="0px", style={"align-items": "center"}):
                solara.Text(_fmt(vy), style={"width": "70px", "text-align": "right",
                                             "padding-right": "6px", "font-size": "0.8em"})
                for vx in xs:
                    cell = lookup.get((vx, vy))
                    if cell is None:
                        solara.Button(label="", disabled=True, small=True, depressed=True,
                                      style=cell_style)
                        continue
                    tip = (f"{xk}={_fmt(vx)}, {yk}={_fmt(vy)}: {cell.regime} in "
                           f"{cell.share:.0%} of {cell.runs} runs")

                    def pick(point=cell.point):
                        if on_load is not None:
                            on_load(cell_settings(data, point))

                    solara.Button(
                        label=cell.regime[0].upper(), on_click=pick, small=True,
                        depressed=True, dark=True,
                        color=REGIME_COLOURS.get(cell.regime, "grey"),
                        style={**cell_style, "opacity": f"{0.45 + 0.55 * cell.share:.2f}"},
                        attributes={"title": tip, "aria-label": tip},
                        classes=["ecosim-map-cell"])
        with solara.Row(gap="0px"):
            solara.Text("", style={"width": "70px"})
            for vx in xs:
                solara.Text(_fmt(vx), style={"min-width": "46px", "text-align": "center",
                                             "font-size": "0.8em"})
        with solara.Row(style={"margin-top": "8px"}):
            for name in REGIMES:
                solara.v.Chip(children=[f"{name[0].upper()} = {name}"], small=True,
                              color=REGIME_COLOURS[name], text_color="white")

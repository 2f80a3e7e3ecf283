"""Forecasts with bands: the posterior's parameter sets, run past the calibration window.

A forecast draws parameter sets from a calibration's posterior (:mod:`ecosim.experiments.
inference`: ``posterior.csv``, resampled by weight with the forecast's own seed), runs each
at several replicate seeds up to a date, and reports each calendar year of each series as
an index (the run's own 2022 mean = 100), so a 10,000-person world is set beside the
platform's counts. The bands are quantiles over every draw and replicate: parameter
uncertainty and replicate noise together.

Each draw and replicate is a family of three runs on common random numbers, forked where
their histories part (:mod:`ecosim.experiments.ensemble`):

- the world with the AI (the forecast);
- the world without it (the counterfactual, ``<series>_no_ai``);
- the substitution-only null, the loop frozen from the launch (``<series>_substitution``,
  :mod:`ecosim.model.loop`): where it forecasts the same as the full model, the loop does
  not change the prediction.

Inside the window the observed index is given beside the model's, and the posterior
predictive check reports how many observed points the 90% band covers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecosim.experiments.executors import INLINE, Execution
from ecosim.experiments.inference import BASE_YEAR, LEFT_OUT, as_kind
from ecosim.model.params import ScenarioError
from ecosim.model.scenario import Scenario
from ecosim.stie.observed import WINDOW_END, index, load_observed
from ecosim.stie.targets import null_overrides

ROOT = Path(__file__).resolve().parents[2]
CALIBRATIONS = ROOT / "data" / "calibration"
"""Shipped posteriors, one folder per scenario name."""
FORECASTS = ROOT / "data" / "forecast"
"""Shipped forecasts, one folder per scenario name (made from the shipped posteriors)."""

FORECAST_SERIES: dict[str, tuple[tuple[str, str], ...]] = {
    "stackoverflow": (("so_questions", "questions"), ("so_visits", "visits_qa")),
}
"""What each dated scenario forecasts: (series name, time-series column). A series with
observed values in data/observed is shown beside them."""

ARMS = ("ai", "no_ai", "substitution")
COLUMNS = ["series", "year", "observed_index", "median_index", "lo50_index", "hi50_index",
           "lo90_index", "hi90_index"]


@dataclass
class Forecast:
    """A forecast's table and its check.

    Attributes:
        table: One row per series and year (:data:`COLUMNS`).
        coverage: The posterior predictive check: observed points in the window, how many
            the 90% band covers, and which.
        settings: How it was made (scenario, posterior and its hash, draws, replicates,
            seed, until).
    """

    table: pd.DataFrame
    coverage: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)


def default_posterior(scenario: Scenario) -> Path:
    """The shipped posterior folder of a dated scenario."""
    return CALIBRATIONS / str(scenario.params.meta.name)


def read_posterior(folder: Path) -> tuple[pd.DataFrame, str]:
    """A calibration's posterior sample and the SHA-256 of its file.

    Raises:
        ScenarioError: The folder holds no readable posterior.
    """
    path = Path(folder) / "posterior.csv"
    try:
        text = path.read_text()
        samples = pd.read_csv(path)
    except (OSError, ValueError) as err:
        raise ScenarioError(f"--posterior {folder}: no posterior there ({err}); make one "
                            "with ecosim calibrate --method abc --out DIR") from None
    if "weight" not in samples.columns or len(samples) == 0 or len(samples.columns) < 2:
        raise ScenarioError(f"--posterior {folder}: posterior.csv needs a column per key "
                            "and a weight column, and at least one row")
    return samples, hashlib.sha256(text.encode()).hexdigest()


def weeks_until(scenario: Scenario, until: dt.date) -> int:
    """Recorded weeks from the scenario's start to ``until``."""
    return (until - scenario.params.run.start_date).days // 7 + 1


def forecast(scenario: Scenario, posterior: Path, until: dt.date, *, draws: int = 40,
             replicates: int = 2, seed: int = 2026, execution: Execution = INLINE,
             progress: Callable[[int, int], None] | None = None) -> Forecast:
    """Run the posterior's parameter sets up to ``until`` and summarise them as indices.

    Raises:
        ScenarioError: No series to forecast for the scenario, no posterior, a posterior
            of keys the scenario does not have, or ``until`` before the base year ends.
    """
    from ecosim.experiments.ensemble import run_ensemble

    name = str(scenario.params.meta.name)
    series = FORECAST_SERIES.get(name)
    if not series:
        raise ScenarioError(f"scenario {name!r}: nothing to forecast (there are forecasts "
                            f"for {', '.join(sorted(FORECAST_SERIES))})")
    if until < dt.date(BASE_YEAR + 1, 1, 1):
        raise ScenarioError(f"--until {until}: a forecast must run past {BASE_YEAR}, its "
                            "index's base year")
    samples, sha = read_posterior(posterior)
    keys = [c for c in samples.columns if c != "weight"]
    unknown = [k for k in keys if k not in scenario.params]
    if unknown:
        raise ScenarioError(f"--posterior {posterior}: keys {', '.join(unknown)} are not "
                            "keys of the scenario")
    scenario = scenario.with_values({"run.weeks": weeks_until(scenario, until)}, "--until")
    rng = np.random.default_rng(seed)
    weights = samples["weight"].to_numpy(dtype=float)
    chosen = rng.choice(len(samples), size=draws, p=weights / weights.sum())
    seeds = [int(s) for s in np.random.SeedSequence(seed).generate_state(replicates)]
    families, thetas = [], []
    for row in chosen:
        theta = {k: as_kind(k, samples[k].iloc[row]) for k in keys}
        drawn = scenario.with_values(theta, "posterior")
        for s in seeds:
            thetas.append(theta)
            arm = drawn.with_values({"run.seed": s})
            families.append([
                arm,
                arm.with_values(null_overrides("no_ai", arm.params)),
                arm.with_values(null_overrides("substitution", arm.params)),
            ])
    tables = run_ensemble(families, execution=execution, progress=progress)
    table = _summarise(tables, series)
    coverage = _coverage(table)
    sensitivity = _sensitivity(tables, thetas, series[0][1], until.year)
    settings = {"scenario": str(scenario.source), "posterior": str(posterior),
                "posterior_sha256": sha, "draws": draws, "replicates": replicates,
                "seed": seed, "until": until.isoformat(), "runs": 3 * len(families),
                "window_end": WINDOW_END.isoformat(), "sensitivity": sensitivity}
    return Forecast(table, coverage, settings)


def _sensitivity(tables: list[list[pd.DataFrame]], thetas: list[dict[str, Any]],
                 column: str, year: int) -> dict[str, Any]:
    """How each inferred key moves the forecast: the rank correlation, over the draws and
    replicates, between the key's drawn value and the first series' index in the last
    year (with the AI)."""
    last = [float(_yearly_index(family[0], column).get(year, np.nan)) for family in tables]
    frame = pd.DataFrame(thetas).assign(outcome=last).dropna()
    ranks = frame.rank()
    corr = {k: float(ranks[k].corr(ranks["outcome"])) if ranks[k].std() > 0 else 0.0
            for k in frame.columns if k != "outcome"}
    return {"year": year, "column": column, "spearman": corr}


def _yearly_index(ts: pd.DataFrame, column: str) -> pd.Series:
    years = pd.to_datetime(ts["date"]).dt.year
    yearly = ts.groupby(years)[column].mean()
    base = yearly.get(BASE_YEAR, np.nan)
    return 100.0 * yearly / base if base and base > 0 else yearly * np.nan


def _summarise(tables: list[list[pd.DataFrame]], series) -> pd.DataFrame:
    observed = load_observed()
    rows = []
    for name, column in series:
        seen = index(observed[name]) if name in observed else {}
        for a, arm in enumerate(ARMS):
            label = name if arm == "ai" else f"{name}_{arm}"
            frame = pd.DataFrame([_yearly_index(family[a], column) for family in tables])
            for year in frame.columns:
                values = frame[year].dropna().to_numpy()
                if len(values) == 0:
                    continue
                q = np.quantile(values, [0.5, 0.25, 0.75, 0.05, 0.95])
                obs = seen.get(str(year)) if arm == "ai" and year <= WINDOW_END.year else None
                rows.append([label, int(year), obs, *q])
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.sort_values(["series", "year"], kind="stable").reset_index(drop=True)


def _coverage(table: pd.DataFrame) -> dict[str, Any]:
    """Observed points of the window (less the base year) inside the 90% band."""
    inside = table[table.observed_index.notna() & (table.year != BASE_YEAR)]
    points = []
    for r in inside.itertuples():
        points.append({"series": r.series, "year": int(r.year),
                       "observed": float(r.observed_index),
                       "band90": [float(r.lo90_index), float(r.hi90_index)],
                       "covered": bool(r.lo90_index <= r.observed_index <= r.hi90_index),
                       "left_out_of_the_fit": (r.series, str(r.year)) in LEFT_OUT})
    fitted = [p for p in points if not p["left_out_of_the_fit"]]
    return {"points": points, "covered": sum(p["covered"] for p in points),
            "of": len(points), "covered_fitted": sum(p["covered"] for p in fitted),
            "of_fitted": len(fitted)}


def write_forecast(folder: Path, result: Forecast) -> None:
    """Write ``forecast.csv``, ``forecast.png`` and ``forecast.json`` (settings, the
    check, and the SHA-256 of ``forecast.csv``)."""
    from ecosim.experiments.outputs import atomic_write

    folder.mkdir(parents=True, exist_ok=True)
    csv = result.table.to_csv(index=False, float_format="%.4f")
    atomic_write(folder / "forecast.csv", lambda f: f.write(csv.encode()))
    record = {**result.settings, "coverage": result.coverage,
              "forecast_sha256": hashlib.sha256(csv.encode()).hexdigest()}
    atomic_write(folder / "forecast.json",
                 lambda f: f.write(json.dumps(record, indent=1).encode()))
    plot_forecast(result.table, folder / "forecast.png", result.settings)


def plot_forecast(table: pd.DataFrame, path: Path, settings: Mapping[str, Any]) -> None:
    """Observed points in the window, the model's median and bands after it, the world
    without the AI dashed and the substitution-only null dotted."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ecosim.experiments.outputs import save_figure

    names = [s for s in table.series.unique() if not s.endswith(("_no_ai", "_substitution"))]
    fig, axes = plt.subplots(1, len(names), figsize=(6.5 * len(names), 4.2), squeeze=False)
    for ax, name in zip(axes.flat, names, strict=True):
        model = table[table.series == name]
        ax.fill_between(model.year, model.lo90_index, model.hi90_index, color="#4c72b0",
                        alpha=0.18, label="with the AI, 90%")
        ax.fill_between(model.year, model.lo50_index, model.hi50_index, color="#4c72b0",
                        alpha=0.35, label="50%")
        ax.plot(model.year, model.median_index, color="#4c72b0", lw=2, label="median")
        for suffix, style, label in (("_no_ai", "--", "without the AI"),
                                     ("_substitution", ":", "substitution only (loop "
                                                            "frozen)")):
            other = table[table.series == name + suffix]
            ax.plot(other.year, other.median_index, style, color="#555555", label=label)
        seen = model[model.observed_index.notna()]
        ax.plot(seen.year, seen.observed_index, "k^", ms=7, label="observed")
        ax.axvspan(WINDOW_END.year + 0.5, model.year.max() + 0.5, color="#f0e0c0",
                   alpha=0.4, lw=0, label="after the window")
        ax.axhline(100, color="#999999", lw=0.6)
        ax.set_title(name, fontsize=11)
        ax.set_xlabel("year")
        ax.set_ylabel(f"index, {BASE_YEAR} = 100")
        ax.legend(fontsize=8, loc="upper right")
    fig.suptitle(f"Forecast to {settings.get('until', '?')}: {settings.get('draws', '?')} "
                 f"posterior draws x {settings.get('replicates', '?')} replicates; fitted "
                 f"up to {WINDOW_END.isoformat()} only", fontsize=10)
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def render_markdown(calibration: Path, made: Path) -> str:
    """docs/forecast.md: the calibration window and its fit, what the data pin down, the
    forecast with its bands beside the world without the AI and the substitution-only null,
    and the posterior predictive check, from a calibration folder and a forecast folder."""
    cal = json.loads((Path(calibration) / "calibration.json").read_text())
    record = json.loads((Path(made) / "forecast.json").read_text())
    table = pd.read_csv(Path(made) / "forecast.csv")
    simulated = pd.read_csv(Path(calibration) / "simulated.csv")
    weights = pd.read_csv(Path(calibration) / "posterior.csv")["weight"].to_numpy()
    s = cal["settings"]
    gens = cal["generations"]
    runs = sum(int(g["simulations"]) for g in gens)
    out = [
        "# Forecast: calibrated on history up to 2023, run past it",
        "",
        "Generated by `ecosim docs` from the shipped calibration "
        f"(`{Path(calibration).relative_to(ROOT)}`) and forecast "
        f"(`{Path(made).relative_to(ROOT)}`); do not edit.",
        "",
        f"**Discipline.** The calibration used only the observed series in `data/observed/` "
        f"up to {WINDOW_END.isoformat()}. Outcome figures for later years (question counts, "
        "visits, edits) were not looked up, not fitted and not tuned to; the forecast below "
        "was written down before any comparison with them. Dated inputs the forecast "
        "conditions on: the releases (E-releases: GPT-4 in March 2023, GPT-4o in May 2024), "
        "the answer ban (E-so-ban) and the adoption survey of May 2023 and May 2024 "
        "(E-devsurvey).",
        "",
        "## The calibration",
        "",
        f"`ecosim calibrate {s.get('scenario', '?')} --method abc`: ABC-SMC (pyabc), seed "
        f"{s['seed']}, {len(gens)} generations of {s['particles']} particles, {runs:,} runs "
        f"of {s['population']:,} people, final epsilon {gens[-1]['epsilon']:.3g} "
        "(the root of the summed squared misfits, each in units of its tolerance).",
        "",
        "| statistic | observed | tolerance | accepted runs: median [90%] | source |",
        "|---|---:|---:|---|---|",
    ]
    from ecosim.experiments.inference import weighted_quantiles

    for stat in cal["statistics"]:
        lo, mid, hi = weighted_quantiles(simulated[stat["name"]].to_numpy(), weights,
                                         (0.05, 0.5, 0.95))
        out.append(f"| {stat['name']} | {stat['observed']:.3g} | {stat['tolerance']:g} | "
                   f"{mid:.3g} [{lo:.3g}, {hi:.3g}] | {stat['source']} |")
    for left in cal["left_out"]:
        out.append("")
        out.append(f"Left out of the distance: {left['series']} {left['period']}, "
                   f"{left['why']}.")
    out += ["", "What the data pin down: each key's 90% posterior interval as a share of its "
            "uniform prior's range (1: not pinned at all), and how the key moves the "
            f"forecast (rank correlation of its drawn value with the "
            f"{record['sensitivity']['column']} index in {record['sensitivity']['year']}, "
            "over the forecast's draws and replicates).", "",
            "| key | prior | posterior median [90%] | share of prior | moves the forecast |",
            "|---|---|---|---:|---:|"]
    spearman = record["sensitivity"]["spearman"]
    for key in cal["keys"]:
        lo, hi = cal["prior"][key]
        a, b = cal["interval90"][key]
        out.append(f"| {key} | [{lo:g}, {hi:g}] | {cal['median'][key]:.4g} [{a:.4g}, "
                   f"{b:.4g}] | {cal['shrinkage'][key]:.2f} | "
                   f"{spearman.get(key, float('nan')):+.2f} |")
    unpinned = sorted((k for k in cal["keys"] if cal["shrinkage"][k] >= 0.5),
                      key=lambda k: -abs(spearman.get(k, 0.0)))
    if unpinned:
        out += ["", "Not pinned by the data (half the prior range or more), by how much they "
                "move the forecast: " + ", ".join(
                    f"{k} ({spearman.get(k, float('nan')):+.2f})" for k in unpinned) + "."]
    out += ["", "![fit](../" + str((Path(calibration) / "fit.png").relative_to(ROOT)) + ")",
            "", "## The forecast", "",
            f"{record['draws']} draws from the posterior (by weight) x {record['replicates']} "
            f"replicates, run to {record['until']}; each year as an index of the run's own "
            "2022 mean (= 100). Bands are quantiles over every draw and replicate.", "",
            "| series | year | median | 50% | 90% | without the AI (median) | substitution "
            "only (median) |", "|---|---|---:|---|---|---:|---:|"]
    t = table.set_index(["series", "year"])
    for name in [n for n in table.series.unique()
                 if not n.endswith(("_no_ai", "_substitution"))]:
        for year in sorted(y for y in table.year.unique() if y > WINDOW_END.year):
            r = t.loc[(name, year)]
            out.append(f"| {name} | {year} | {r.median_index:.1f} | {r.lo50_index:.1f}-"
                       f"{r.hi50_index:.1f} | {r.lo90_index:.1f}-{r.hi90_index:.1f} | "
                       f"{t.loc[(name + '_no_ai', year)].median_index:.1f} | "
                       f"{t.loc[(name + '_substitution', year)].median_index:.1f} |")
    last = int(table.year.max())
    for name in [n for n in table.series.unique()
                 if not n.endswith(("_no_ai", "_substitution"))]:
        full, null = t.loc[(name, last)], t.loc[(name + "_substitution", last)]
        half = (full.hi50_index - full.lo50_index) / 2
        gap = full.median_index - null.median_index
        verdict = ("inside the full model's 50% band: through " + str(last) + " the loop "
                   "does not change this forecast; substitution alone makes it"
                   if abs(gap) <= half else
                   "outside the full model's 50% band: the loop changes this forecast")
        out.append("")
        out.append(f"{name} in {last}: the full model's median {full.median_index:.1f}, the "
                   f"substitution-only null's {null.median_index:.1f} ({gap:+.1f} points), "
                   f"{verdict}.")
    c = record["coverage"]
    out += ["", "![forecast](../" + str((Path(made) / "forecast.png").relative_to(ROOT))
            + ")", "", "## Posterior predictive check in the window", "",
            f"The 90% band covers {c['covered']} of {c['of']} observed points in the window "
            f"({c['covered_fitted']} of the {c['of_fitted']} that were fitted); about 90% "
            "would be a calibrated band.", "",
            "| series | year | observed | 90% band | covered |", "|---|---|---:|---|---|"]
    for p in c["points"]:
        note = " (left out of the fit)" if p["left_out_of_the_fit"] else ""
        out.append(f"| {p['series']} | {p['year']} | {p['observed']:.1f} | "
                   f"{p['band90'][0]:.1f}-{p['band90'][1]:.1f} | "
                   f"{'yes' if p['covered'] else 'no'}{note} |")
    out += ["", f"Forecast file hash (forecast.csv): `{record['forecast_sha256']}`; posterior "
            f"hash: `{record['posterior_sha256']}`.", ""]
    return "\n".join(out)

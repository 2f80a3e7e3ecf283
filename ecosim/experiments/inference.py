"""Calibration as inference: ABC-SMC on the observed series of the calibration window.

Where :mod:`ecosim.experiments.calibrate` searches for one best point, this module asks
which parameter values are consistent with what was observed up to the end of 2023
(:data:`ecosim.stie.observed.WINDOW_END`), and how consistent: a posterior sample.

- **Library.** pyabc (ABC-SMC): a sequence of generations, each a weighted population of
  parameter sets whose simulated statistics fall within a shrinking distance of the
  observed ones. It needs nothing of the model but a function from parameters to
  statistics, stores every generation in a SQLite database (so a killed calibration
  resumes where it stopped), and runs on any ``map``, which is how it reaches the local
  process pool and Dask. Chosen over sbi (a PyTorch dependency of several GB for a
  neural density estimator the few statistics here do not need) and ELFI (less kept).
- **Statistics.** Scale-free, so that 10,000 simulated people can be set beside the
  platform's millions: each year's new questions as an index (2022 = 100) and the share of
  AI users at the adoption survey's dates (:data:`SERIES`). Every observed year the run
  covers is used except the ones in :data:`LEFT_OUT`, said there with why.
- **Distance.** Euclidean, each statistic scaled by its tolerance (:data:`SERIES`), so one
  tolerance away counts 1.
- **Replicate noise.** Each particle is one stochastic run at its own seed: a parameter set
  is accepted with the probability that a replicate of it lands within the threshold,
  which is the ABC likelihood, noise included.
- **Priors.** Uniform over each key's search bounds
  (:data:`ecosim.experiments.search_space.BOUNDS`: evidence ranges) or, for form-only keys,
  over its whole declared range.
- **Determinism.** pyabc draws its proposals from NumPy's global random state. Each task
  of a generation (sample until one particle is accepted) seeds that state from
  ``(seed, generation, task)`` (:class:`SeededMappingSampler`), and tasks are gathered in
  order, so the posterior does not depend on the number of workers or the back-end, and a
  resumed calibration ends where an uninterrupted one does.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecosim.experiments.executors import INLINE, Execution
from ecosim.experiments.search_space import BOUNDS, search_bounds
from ecosim.model.params import SCHEMA, Params, ScenarioError
from ecosim.model.scenario import Scenario
from ecosim.stie.observed import WINDOW_END, Observation, load_observed, parse_period

BASE_YEAR = 2022
"""The index's base year (= 100)."""


@dataclass(frozen=True)
class Series:
    """How an observed series is measured in a run.

    Attributes:
        column: The time-series column.
        how: ``year_index`` (the year's mean, as an index of the base year's) or
            ``at_date`` (the value in the week holding the period's middle day).
        tolerance: One tolerance away from the observed value counts 1 in the distance.
        why: Why that tolerance.
    """

    column: str
    how: str
    tolerance: float
    why: str


SERIES: dict[str, Series] = {
    "so_questions": Series(
        "questions", "year_index", 5.0,
        "5 index points: the yearly counts' own spread around their trend before 2020 "
        "(-1.4% to -8.5% a year, O-SO-trend) and a 10,000-person world's noise"),
    "so_adoption": Series(
        "ai_adopters", "at_date", 0.05,
        "5 points of share: the survey's (E-devsurvey) respondents are developers, the "
        "model's people are every asker"),
}
"""Observed series the calibration fits, and how."""

APPLIES_TO: dict[str, tuple[str, ...]] = {"stackoverflow": ("so_questions", "so_adoption")}
"""The observed series of each dated scenario (by its ``meta.name``)."""

LEFT_OUT: dict[tuple[str, str], str] = {
    ("so_questions", "2020"): "the lockdown spike (+13%), which no mechanism of the model "
                              "stands for",
}
"""Observed points kept out of the distance (they stay in the plots), and why."""

DEFAULT_KEYS: dict[str, tuple[str, ...]] = {
    "stackoverflow": ("ai.innovation", "ai.imitation", "ai.choice_sensitivity",
                      "ai.ask_convenience", "demand.other_sources_growth", "world.qa_drift"),
}
"""What is inferred when ``--params`` is not given: the adoption curve, the choice between
the AI and the platform, the pre-AI trend, and the staleness of how-to knowledge (the one
parameter the form-only Sobol analysis found to matter, docs/sweeps.md)."""


@dataclass(frozen=True)
class Statistic:
    """One observed figure the distance compares with its simulated counterpart."""

    name: str
    series: str
    period: str
    column: str
    how: str
    observed: float
    tolerance: float
    source: str


def run_dates(scenario: Scenario) -> tuple[dt.date, dt.date]:
    """First and last day of a scenario's recorded weeks."""
    run = scenario.params.run
    return run.start_date, run.start_date + dt.timedelta(weeks=run.weeks) - dt.timedelta(days=1)


def statistics(scenario: Scenario, observed: Mapping[str, list[Observation]] | None = None,
               series: Sequence[str] | None = None) -> list[Statistic]:
    """The statistics a scenario is calibrated on: every observed point of its series that
    its run covers, up to the window's end (inputs, such as a later survey, may be later).

    Raises:
        ScenarioError: No series applies to the scenario, or none of its points is covered.
    """
    name = str(scenario.params.meta.name)
    series = tuple(series or APPLIES_TO.get(name, ()))
    if not series:
        raise ScenarioError(f"scenario {name!r}: no observed series to calibrate on (there "
                            f"are series for {', '.join(sorted(APPLIES_TO))})")
    observed = load_observed() if observed is None else observed
    first, last = run_dates(scenario)
    out = []
    for key in series:
        how = SERIES[key]
        rows = observed.get(key, [])
        for row in rows:
            if row.value is None or (key, row.period) in LEFT_OUT:
                continue
            if row.kind == "outcome" and row.end > WINDOW_END:
                continue
            # A run that starts in a year's first week covers that year.
            if row.start < first - dt.timedelta(days=7) or row.end > last:
                continue
            if how.how == "year_index":
                base = [r.value for r in rows if r.period == str(BASE_YEAR)]
                if row.period == str(BASE_YEAR) or not base:
                    continue
                value = 100.0 * row.value / base[0]
            else:
                value = row.value
            out.append(Statistic(f"{key}:{row.period}", key, row.period, how.column,
                                 how.how, value, how.tolerance, row.source))
    if not out:
        raise ScenarioError(f"scenario {name!r}: its run ({first} to {last}) covers none of "
                            f"the observed points of {', '.join(series)}")
    return out


def measure(ts: pd.DataFrame, stats: Sequence[Statistic]) -> dict[str, float]:
    """The simulated counterpart of each statistic in a run's time series."""
    dates = pd.to_datetime(ts["date"])
    out = {}
    for s in stats:
        if s.how == "year_index":
            year = int(s.period)
            this = ts.loc[dates.dt.year == year, s.column].mean()
            base = ts.loc[dates.dt.year == BASE_YEAR, s.column].mean()
            out[s.name] = float(100.0 * this / base) if base > 0 else float("nan")
        else:
            start, end = parse_period(s.period)
            middle = pd.Timestamp(start + (end - start) / 2)
            week = int(np.clip(np.searchsorted(dates.to_numpy(), middle.to_datetime64(),
                                               side="right") - 1, 0, len(ts) - 1))
            out[s.name] = float(ts[s.column].iloc[week])
    return out


def as_kind(key: str, value: float) -> int | float:
    """A sampled value as its key's type (an integer key is rounded)."""
    return int(round(value)) if SCHEMA[key].kind is int else float(value)


def _safe(key: str) -> str:
    """A parameter name pyabc stores as a column (no dots)."""
    return key.replace(".", "__")


class Simulator:
    """Parameters -> statistics: one run of the scenario at a seed drawn from NumPy's global
    state (which the sampler has seeded for this task). Picklable, for the workers."""

    def __init__(self, scenario: Scenario, keys: Sequence[str], stats: Sequence[Statistic]):
        self.values = dict(scenario.params)
        self.source = str(scenario.source)
        self.keys = tuple(keys)
        self.stats = tuple(stats)

    def scenario(self, theta: Mapping[str, float], seed: int) -> Scenario:
        """The scenario at ``theta`` (pyabc's names) and ``seed``."""
        base = Scenario(Params(self.values), self.source)
        values = {k: as_kind(k, theta[_safe(k)]) for k in self.keys}
        return base.with_values({**values, "run.seed": seed}, "calibration")

    def __call__(self, theta: Mapping[str, float]) -> dict[str, float]:
        from ecosim.experiments.run import run_scenario

        # The only global draws in ecosim, and only because pyabc proposes from NumPy's
        # global state: the task has seeded it from (seed, generation, task), and the run
        # itself draws from its own Generator, seeded with this.
        seed = int(np.random.randint(0, 2**31 - 1))
        ts = run_scenario(self.scenario(theta, seed)).timeseries
        return measure(ts, self.stats)


def _sample_until_accepted(sample_factory: Any, simulate_one: bytes,
                           task_seed: int) -> tuple[Any, int]:
    """One task of a generation (in a worker): propose and simulate until one particle is
    accepted, from NumPy's global random state seeded with ``task_seed``."""
    import cloudpickle

    simulate = cloudpickle.loads(simulate_one)
    np.random.seed(task_seed)
    random.seed(task_seed)
    sample, evaluations = sample_factory(), 0
    while True:
        particle = simulate()
        evaluations += 1
        sample.append(particle)
        if particle.accepted:
            return sample, evaluations


def _sampler_class():
    from pyabc.sampler import MappingSampler

    class SeededMappingSampler(MappingSampler):
        """pyabc's MappingSampler with each task's random state set from ``(seed,
        generation, task)`` instead of the operating system's entropy."""

        def __init__(self, map_: Callable, seed: int):
            super().__init__(map_=map_)
            self.seed = seed

        def __getstate__(self):
            return (*super().__getstate__(), self.seed)

        def __setstate__(self, state):
            *rest, self.seed = state
            super().__setstate__(tuple(rest))

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                    all_accepted=False, ana_vars=None):
            # t is -1 for the calibration sample drawn before the first generation
            seeds = np.random.SeedSequence([self.seed, t + 1]).generate_state(n)
            task = functools.partial(_sample_until_accepted, self.sample_factory,
                                     self.pickle(simulate_one))
            results = list(self.map_(task, [int(s) for s in seeds]))
            self.nr_evaluations_ = sum(evaluations for _, evaluations in results)
            sample = self._create_empty_sample()
            for part, _ in results:
                sample += part
            return sample

    return SeededMappingSampler


@dataclass(frozen=True)
class Request:
    """What a calibration folder was made for; a resumed one must ask the same."""

    scenario: str
    values_sha256: str
    keys: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    statistics: tuple[str, ...]
    particles: int
    seed: int
    population: int

    def differences(self, other: Request) -> list[str]:
        """What differs from ``other``, in the user's words."""
        return [f"{name} {getattr(other, name)!r} on disk, {getattr(self, name)!r} asked"
                for name in asdict(self) if getattr(self, name) != getattr(other, name)]


@dataclass
class Posterior:
    """The result of a calibration.

    Attributes:
        keys: The inferred keys.
        bounds: Each key's prior range (uniform).
        samples: The last generation: one row per particle, a column per key and ``weight``.
        statistics: The observed statistics.
        simulated: The last generation's simulated statistics, one row per particle (same
            order as ``samples``).
        generations: One row per generation: epsilon, particles, simulations, acceptance.
    """

    keys: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    samples: pd.DataFrame
    statistics: list[Statistic]
    simulated: pd.DataFrame
    generations: pd.DataFrame

    def median(self) -> dict[str, float]:
        """Each key's weighted posterior median."""
        w = self.samples["weight"].to_numpy()
        return {k: weighted_quantiles(self.samples[k].to_numpy(), w, (0.5,))[0]
                for k in self.keys}

    def interval(self, key: str, mass: float = 0.9) -> tuple[float, float]:
        """Central weighted interval of one key holding ``mass`` of the posterior."""
        lo, hi = weighted_quantiles(self.samples[key].to_numpy(),
                                    self.samples["weight"].to_numpy(),
                                    ((1 - mass) / 2, 1 - (1 - mass) / 2))
        return lo, hi

    def shrinkage(self) -> dict[str, float]:
        """Each key's 90% posterior interval as a share of its prior range: near 1, the data
        do not pin it; near 0, they do."""
        out = {}
        for key, (lo, hi) in zip(self.keys, self.bounds, strict=True):
            a, b = self.interval(key)
            out[key] = (b - a) / (0.9 * (hi - lo)) if hi > lo else float("nan")
        return out


def infer(scenario: Scenario, keys: Sequence[str] | None = None, *, folder: Path,
          particles: int = 100, generations: int = 6, seed: int = 2025,
          population: int | None = None, observed: Mapping[str, float] | None = None,
          statistics_: Sequence[Statistic] | None = None, execution: Execution = INLINE,
          progress: Callable[[int, int, float], None] | None = None) -> Posterior:
    """ABC-SMC of ``keys`` on the scenario's observed statistics; resumable in ``folder``.

    Args:
        scenario: A dated scenario (its ``meta.name`` picks the observed series).
        keys: Keys to infer (default :data:`DEFAULT_KEYS` of the scenario).
        folder: Holds ``abc.db`` (every generation) and ``request.json``; a folder that
            already holds generations of the same request goes on from the last one.
        particles: Accepted particles per generation.
        generations: Generations in all (counting those already in ``folder``).
        seed: Seed of the sampler (and so of every run's seed).
        population: Cap on the population of each run (None: as the scenario says).
        observed: Observed statistics by name, instead of the shipped series (for
            known-answer tests: data the model made with known parameters).
        statistics_: The statistics to use (default :func:`statistics` of the scenario).
        execution: Where the runs execute.
        progress: Called as ``progress(done_generations, generations, epsilon)``.

    Raises:
        ScenarioError: Unknown or unfittable keys, no observed statistics, or a folder
            that holds a calibration of another request.
    """
    import logging

    import pyabc

    logging.getLogger("ABC").setLevel(logging.WARNING)  # progress is the caller's to show
    name = str(scenario.params.meta.name)
    keys = tuple(keys or DEFAULT_KEYS.get(name, ()))
    if not keys:
        raise ScenarioError(f"scenario {name!r}: give the keys to infer (--params); there "
                            f"are default keys for {', '.join(sorted(DEFAULT_KEYS))}")
    bounds = tuple(search_bounds(keys))
    if population and scenario.params.population.size > population:
        scenario = scenario.with_values({"population.size": population}, "calibration")
    stats = list(statistics_ or statistics(scenario))
    # A run need not go past the last statistic's date.
    last = max(parse_period(s.period)[1] for s in stats)
    weeks = min(scenario.params.run.weeks,
                (last - scenario.params.run.start_date).days // 7 + 1)
    scenario = scenario.with_values({"run.weeks": weeks}, "calibration")
    x0 = ({s.name: s.observed for s in stats} if observed is None
          else {s.name: float(observed[s.name]) for s in stats})
    request = Request(str(scenario.source), _values_hash(scenario), keys, bounds,
                      tuple(s.name for s in stats),
                      particles, seed, scenario.params.population.size)
    folder.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{folder / 'abc.db'}"
    done = _resume_point(folder, request)

    prior = pyabc.Distribution(**{_safe(k): pyabc.RV("uniform", lo, hi - lo)
                                  for k, (lo, hi) in zip(keys, bounds, strict=True)})
    distance = pyabc.PNormDistance(p=2, fixed_weights={s.name: 1.0 / s.tolerance
                                                      for s in stats})
    simulator = Simulator(scenario, keys, stats)
    with execution.open() as executor:
        map_ = map if executor is None else executor.map
        sampler = _sampler_class()(map_, seed)
        for g in range(done, generations):
            # A fresh ABCSMC for every generation, loaded from the database: an
            # uninterrupted calibration takes the same path as a resumed one (pyabc caches
            # the sample it calibrates epsilon on, which must be the last generation's).
            abc = pyabc.ABCSMC(simulator, prior, distance, population_size=particles,
                               sampler=sampler)
            if g == 0:
                abc.new(db, x0)
                (folder / "request.json").write_text(json.dumps(asdict(request), indent=1))
            else:
                abc.load(db, 1)
            history = abc.run(max_nr_populations=1)
            if progress:
                progress(g + 1, generations, float(history.get_all_populations()
                                                   ["epsilon"].iloc[-1]))
    return _posterior(pyabc.History(db), keys, bounds, stats)


def _values_hash(scenario: Scenario) -> str:
    """SHA-256 of every value of a scenario (a resumed calibration must run the same one)."""
    import hashlib

    text = json.dumps({k: str(v) for k, v in sorted(dict(scenario.params).items())})
    return hashlib.sha256(text.encode()).hexdigest()


def _resume_point(folder: Path, request: Request) -> int:
    """Generations already done in ``folder`` for ``request`` (0 for a new folder)."""
    saved = folder / "request.json"
    if not (folder / "abc.db").exists() or not saved.exists():
        for stale in ("abc.db", "request.json"):
            (folder / stale).unlink(missing_ok=True)
        return 0
    try:
        raw = json.loads(saved.read_text())
        on_disk = Request(**{k: tuple(map(tuple, v)) if k == "bounds" else
                             (tuple(v) if isinstance(v, list) else v) for k, v in raw.items()})
    except (ValueError, TypeError) as err:
        raise ScenarioError(f"{saved}: not a calibration request ({err})") from None
    differs = request.differences(on_disk)
    if differs:
        raise ScenarioError(f"{folder}: holds a calibration of another request "
                            f"({'; '.join(differs)}); use another --out or --force")
    import pyabc

    history = pyabc.History(f"sqlite:///{folder / 'abc.db'}")
    history.id = 1
    done = history.max_t + 1
    if done <= 0:  # killed before its first generation was stored: start again
        (folder / "abc.db").unlink()
    return max(done, 0)


def _posterior(history: Any, keys: tuple[str, ...], bounds: tuple[tuple[float, float], ...],
               stats: list[Statistic]) -> Posterior:
    history.id = 1
    t = history.max_t
    particles = history.get_population(t=t).particles
    samples = pd.DataFrame([{k: float(p.parameter[_safe(k)]) for k in keys}
                            for p in particles])
    weights = np.array([p.weight for p in particles], dtype=float)
    samples["weight"] = weights / weights.sum()
    simulated = pd.DataFrame([{s.name: float(np.asarray(p.sum_stat[s.name]))
                               for s in stats} for p in particles])
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].reset_index(drop=True)
    generations = pd.DataFrame({
        "generation": pops["t"].astype(int), "epsilon": pops["epsilon"].astype(float),
        "particles": pops["particles"].astype(int),
        "simulations": pops["samples"].astype(int),
    })
    generations["acceptance"] = generations["particles"] / generations["simulations"]
    return Posterior(keys, bounds, samples, stats, simulated, generations)


def bounds_reason(key: str) -> str:
    """Where a prior range comes from."""
    return BOUNDS[key].why if key in BOUNDS else "form only: its whole declared range"


def weighted_quantiles(values: np.ndarray, weights: np.ndarray,
                       qs: Sequence[float]) -> list[float]:
    """Quantiles of a weighted sample (the smallest value whose cumulative weight reaches
    each q)."""
    order = np.argsort(values)
    cum = np.cumsum(weights[order]) / weights.sum()
    return [float(values[order][min(np.searchsorted(cum, q), len(values) - 1)]) for q in qs]


def write_results(folder: Path, post: Posterior, source: Path,
                  settings: Mapping[str, Any]) -> None:
    """Write a calibration's results into ``folder`` (beside its ``abc.db``):

    - ``posterior.csv``: the last generation, one row per particle, a column per key and
      ``weight``;
    - ``simulated.csv``: the same particles' simulated statistics;
    - ``generations.csv``: epsilon, particles, simulations and acceptance per generation;
    - ``calibrated.toml``: the scenario at the posterior median, with a record of the
      calibration in its comments;
    - ``calibration.json``: settings, medians, 90% intervals, what the data pin down
      (:meth:`Posterior.shrinkage`), and the SHA-256 of ``posterior.csv``;
    - ``marginals.png``, ``pairs.png``, ``fit.png``: diagnostic plots.
    """
    import hashlib

    from ecosim.experiments.calibrate import render_scenario
    from ecosim.experiments.outputs import atomic_write

    def text(name: str, content: str) -> None:
        atomic_write(folder / name, lambda f: f.write(content.encode()))

    posterior_csv = post.samples.to_csv(index=False, float_format="%.10g")
    text("posterior.csv", posterior_csv)
    text("simulated.csv", post.simulated.to_csv(index=False, float_format="%.10g"))
    text("generations.csv", post.generations.to_csv(index=False, float_format="%.10g"))
    median, shrink = post.median(), post.shrinkage()
    last = post.generations.iloc[-1]
    notes = [f"Calibrated with `ecosim calibrate --method abc` (pyabc ABC-SMC, seed "
             f"{settings['seed']}, {len(post.generations)} generations of "
             f"{settings['particles']} particles, {int(post.generations.simulations.sum())} "
             f"runs of {settings['population']:,} people; final epsilon "
             f"{last.epsilon:.3g}). Posterior medians, 90% intervals, and the interval's "
             "share of the prior range (1: the data do not pin the key):"]
    for key, (lo, hi) in zip(post.keys, post.bounds, strict=True):
        a, b = post.interval(key)
        notes.append(f"  {key} = {median[key]:.4g} [{a:.4g}, {b:.4g}] of prior [{lo:g}, "
                     f"{hi:g}], {shrink[key]:.2f} ({bounds_reason(key)})")
    notes.append("  fitted to: " + ", ".join(f"{s.name} = {s.observed:.4g} +- "
                                             f"{s.tolerance:g}" for s in post.statistics))
    for (series, period), why in LEFT_OUT.items():
        if any(s.series == series for s in post.statistics):
            notes.append(f"  left out: {series} {period}, {why}")
    notes.append(f"  observed series up to {WINDOW_END.isoformat()} only (data/observed)")
    import textwrap

    wrapped = [line for note in notes for line in textwrap.wrap(
        note, 88, initial_indent=note[:len(note) - len(note.lstrip())],
        subsequent_indent=note[:len(note) - len(note.lstrip())] + "    ")]
    text("calibrated.toml", render_scenario(source, {k: as_kind(k, v) for k, v in median.items()},
                                            wrapped))
    summary = {
        "settings": dict(settings), "keys": list(post.keys),
        "prior": {k: list(b) for k, b in zip(post.keys, post.bounds, strict=True)},
        "median": median, "interval90": {k: list(post.interval(k)) for k in post.keys},
        "shrinkage": shrink,
        "statistics": [asdict(s) for s in post.statistics],
        "left_out": [{"series": s, "period": p, "why": w} for (s, p), w in LEFT_OUT.items()],
        "generations": post.generations.to_dict(orient="records"),
        "posterior_sha256": hashlib.sha256(posterior_csv.encode()).hexdigest(),
    }
    text("calibration.json", json.dumps(summary, indent=1, default=float))
    _plots(folder, post)


def _plots(folder: Path, post: Posterior) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ecosim.experiments.outputs import save_figure

    w = post.samples["weight"].to_numpy()
    k = len(post.keys)
    cols = min(k, 3)
    rows = -(-k // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows), squeeze=False)
    for ax, key, (lo, hi) in zip(axes.flat, post.keys, post.bounds, strict=False):
        ax.hist(post.samples[key], bins=20, range=(lo, hi), weights=w, density=True,
                color="#4c72b0", alpha=0.8, label="posterior")
        ax.axhline(1.0 / (hi - lo), color="grey", ls="--", label="prior")
        ax.axvline(post.median()[key], color="black", lw=1, label="median")
        ax.set_title(key, fontsize=10)
        ax.set_xlim(lo, hi)
    for ax in list(axes.flat)[k:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    fig.suptitle("Posterior marginals (last generation, weighted) against the uniform prior")
    fig.tight_layout()
    save_figure(fig, folder / "marginals.png")
    plt.close(fig)

    fig, axes = plt.subplots(k, k, figsize=(2.2 * k, 2.2 * k), squeeze=False)
    for i, ki in enumerate(post.keys):
        for j, kj in enumerate(post.keys):
            ax = axes[i][j]
            if i == j:
                ax.hist(post.samples[ki], bins=15, range=post.bounds[i], weights=w,
                        color="#4c72b0")
            elif i > j:
                ax.scatter(post.samples[kj], post.samples[ki], s=4 + 400 * w, alpha=0.5,
                           color="#4c72b0")
                ax.set_xlim(*post.bounds[j])
                ax.set_ylim(*post.bounds[i])
            else:
                ax.axis("off")
            if i == k - 1:
                ax.set_xlabel(kj, fontsize=7)
            if j == 0:
                ax.set_ylabel(ki, fontsize=7)
            ax.tick_params(labelsize=6)
    fig.suptitle("Posterior pairs (point size: weight)")
    fig.tight_layout()
    save_figure(fig, folder / "pairs.png")
    plt.close(fig)

    observed = load_observed()
    groups: dict[str, list[Statistic]] = {}
    for s in post.statistics:
        groups.setdefault(s.series, []).append(s)
    fig, axes = plt.subplots(1, len(groups), figsize=(5.5 * len(groups), 3.6), squeeze=False)
    for ax, (series, stats) in zip(axes.flat, groups.items(), strict=True):
        x = [parse_period(s.period)[0] for s in stats]
        sim = [weighted_quantiles(post.simulated[s.name].to_numpy(), w, (0.05, 0.5, 0.95))
               for s in stats]
        med = np.array([q[1] for q in sim])
        ax.errorbar(x, med, yerr=[med - [q[0] for q in sim], [q[2] for q in sim] - med],
                    fmt="o", color="#4c72b0", capsize=3,
                    label="model, accepted runs (median, 90%)")
        ax.plot(x, [s.observed for s in stats], "k^", label="observed")
        rows = observed.get(series, [])
        left = [r for r in rows if (series, r.period) in LEFT_OUT and r.value is not None]
        if left and SERIES[series].how == "year_index":
            base = [r.value for r in rows if r.period == str(BASE_YEAR)][0]
            ax.plot([r.start for r in left], [100 * r.value / base for r in left], "k^",
                    mfc="none", label="observed, left out")
        ax.set_title(f"{series} ({SERIES[series].column})", fontsize=10)
        ax.set_ylabel(f"index, {BASE_YEAR} = 100" if SERIES[series].how == "year_index"
                      else "share")
        ax.legend(fontsize=7)
    fig.suptitle("Fit in the calibration window")
    fig.tight_layout()
    save_figure(fig, folder / "fit.png")
    plt.close(fig)

"""``ecosim validate``, ``ablate`` and ``calibrate``: the model against its targets.

Each command turns user errors (missing file, unknown key, bad option) into one line and
exit status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ecosim.cli.common import (
    BackendOption,
    ForceOption,
    RunsBar,
    SchedulerOption,
    SetOption,
    WorkersOption,
    check_file_output,
    execution,
    fail,
    load,
    out_console,
    user_errors,
    write_or_rescue,
)
from ecosim.model.params import ScenarioError

FormatOption = Annotated[str, typer.Option("--format", help="table or json")]
ReplicatesOption = Annotated[int | None, typer.Option(help="Replicate seeds per arm.", min=1)]
"""--replicates, shared with ``ecosim docs``."""
PopulationOption = Annotated[int | None, typer.Option(
    help="Population cap for the runs (default 5000; targets are per-capita). 0: as written.",
    min=0)]


def _check_format(format: str) -> None:
    if format not in ("table", "json"):
        fail(f"--format {format!r}: allowed values are 'table' and 'json'")


def _population(population: int | None) -> int | None:
    from ecosim.experiments.validate import DEFAULT_POPULATION  # after the scenario loaded

    if population is None:
        return DEFAULT_POPULATION
    return population or None


def _targets(option: str | None):
    """The targets named in a --targets option (None: the scenario's own)."""
    from ecosim.stie.targets import TARGETS

    if not option:
        return None
    names = [t.strip() for t in option.split(",") if t.strip()]
    unknown = [t for t in names if t not in TARGETS]
    if unknown or not names:
        fail(f"--targets: unknown target {(unknown or [option])[0]!r}; known: "
             f"{', '.join(TARGETS)}")
    return [TARGETS[t] for t in names]


def _fmt(x) -> str:
    return "n/a" if x is None else f"{x:+.3f}"


def validate(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (TOML).")],
    format: FormatOption = "table",
    replicates: ReplicatesOption = None,
    population: PopulationOption = None,
    targets: Annotated[str | None, typer.Option(
        help="Comma-separated target keys to check (default: all that apply).")] = None,
    null: Annotated[str | None, typer.Option(
        help="Run the targets in a null world: substitution (the loop frozen from the "
             "launch), no_ai or no_synthetic. The targets that fail there are the ones "
             "that need what the null takes away.")] = None,
    nulls: Annotated[bool, typer.Option(
        "--nulls", help="Also run each target in the null world it must reject, and "
                        "report whether it does (more runs).")] = False,
    set_: SetOption = None,
    workers: WorkersOption = None,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
) -> None:
    """Check the scenario's targets on paired runs (with and without the AI, same seeds).

    A target passes when the 90% interval of its value over the replicates (and of each of
    its checks) lies inside its range. Exit status 0 when every target passes, 1 when some
    fail, 2 for user errors.
    """
    _check_format(format)
    where = execution(backend, workers, scheduler)
    from ecosim.stie.targets import NULLS

    if null is not None and null not in NULLS:
        fail(f"--null {null!r}: allowed values are {', '.join(repr(n) for n in NULLS)}")
    if null is not None and nulls:
        fail("--null and --nulls: choose one (--nulls runs each target's own null)")
    chosen = _targets(targets)
    sc = load(scenario, set_)
    from ecosim.experiments.validate import DEFAULT_REPLICATES
    from ecosim.experiments.validate import validate as run_validation

    n = DEFAULT_REPLICATES if replicates is None else replicates
    with RunsBar(f"validating {scenario.name}") as bar:
        try:
            result = run_validation(sc, replicates=n, population=_population(population),
                                    targets=chosen, progress=bar, execution=where,
                                    null=null, nulls=nulls)
        except ScenarioError as err:
            fail(str(err))
    record = result.record()
    if format == "json":
        sys.stdout.write(json.dumps(record, indent=2) + "\n")
    else:
        print_validation(record)
    raise typer.Exit(0 if result.passed else 1)


def print_validation(record: dict) -> None:
    """The validation as a table."""
    n = record["replicates"]
    world = f", null world: {record['null']}" if record.get("null") else ""
    table = Table(title=f"targets of {record['name']} ({n} paired "
                  f"replicate{'' if n == 1 else 's'}, {record['population']:,} people{world})",
                  show_lines=False)
    with_nulls = any(t["null"]["rejected"] is not None for t in record["targets"])
    columns = ["target", "value", "90% interval", "range", "pass", "tier", "checks"]
    for col in columns + (["null rejected"] if with_nulls else []):
        table.add_column(col, overflow="fold")
    for t in record["targets"]:
        lo, hi = t["interval"]
        checks = "; ".join(f"{c['name']} {_fmt(c['value'])} in [{c['range'][0]:g}, "
                           f"{c['range'][1]:g}] {'ok' if c['passed'] else 'NO'}"
                           for c in t["checks"])
        kind = "" if t["kind"] == "pattern" else f" ({t['kind']})"
        row = [t["key"] + kind, _fmt(t["value"]), f"[{_fmt(lo)}, {_fmt(hi)}]",
               f"[{t['range'][0]:g}, {t['range'][1]:g}]",
               "pass" if t["passed"] else "FAIL", t["tier"], checks or "-"]
        if with_nulls:
            null = t["null"]
            row.append("-" if null["rejected"] is None else
                       f"{null['name']}: {'yes' if null['rejected'] else 'NO'}")
        table.add_row(*row)
    out_console.print(table)
    if not record["targets"]:
        out_console.print("no target applies to this scenario")
    n_pass = sum(t["passed"] for t in record["targets"])
    out_console.print(f"{n_pass}/{len(record['targets'])} targets pass (90% interval "
                      f"inside the range); {'PASSED' if record['passed'] else 'FAILED'}")
    if record.get("regimes"):
        from ecosim.stie.regimes import describe_shares

        out_console.print(f"regimes over the {n} replicates: "
                          f"{describe_shares(record['regimes'])}")
    if record.get("null"):
        failing = [t["key"] for t in record["targets"] if not t["passed"]]
        out_console.print(f"in the {record['null']} null world "
                          + (f"these fail: {', '.join(failing)}" if failing
                             else "every target still passes"))
    out_console.print("T-tipping is tier C (a working paper): a plausibility check, never "
                      "a target.")


def ablate(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (TOML).")],
    format: FormatOption = "table",
    plot: Annotated[Path | None, typer.Option(help="Write the matrix as a heatmap (PNG).")]
    = None,
    replicates: ReplicatesOption = None,
    population: PopulationOption = None,
    mechanisms: Annotated[str | None, typer.Option(
        help="Comma-separated mechanisms to switch off (default: all).")] = None,
    targets: Annotated[str | None, typer.Option(
        help="Comma-separated target keys (default: all that apply).")] = None,
    set_: SetOption = None,
    workers: WorkersOption = None,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
) -> None:
    """Switch each mechanism off in turn and show which targets still pass."""
    from ecosim.model.schedule import REGISTRY

    _check_format(format)
    where = execution(backend, workers, scheduler)
    if plot is not None and plot.suffix.lower() != ".png":
        fail(f"--plot {plot}: expected a .png file name")
    if plot is not None:
        check_file_output(plot, "--plot", [scenario])
    keys = None
    if mechanisms:
        keys = [k.strip() for k in mechanisms.split(",") if k.strip()]
        unknown = [k for k in keys if k not in REGISTRY]
        if unknown:
            fail(f"--mechanisms: unknown mechanism {unknown[0]!r}; known: "
                 f"{', '.join(REGISTRY)}")
    chosen = _targets(targets)
    sc = load(scenario, set_)
    from ecosim.experiments.ablate import DEFAULT_ABLATION_REPLICATES
    from ecosim.experiments.ablate import ablate as run_ablation
    from ecosim.experiments.ablate import plot as draw

    n = DEFAULT_ABLATION_REPLICATES if replicates is None else replicates
    with RunsBar("ablation") as bar:
        try:
            result = run_ablation(sc, mechanisms=keys, replicates=n, targets=chosen,
                                  population=_population(population),
                                  progress=lambda label, d, t: bar(d, t, label),
                                  execution=where)
        except ScenarioError as err:
            fail(str(err))
    record = result.record()
    if plot is not None:
        write_or_rescue(lambda path: draw(result, path), plot, is_file=True)
    if format == "json":
        sys.stdout.write(json.dumps(record, indent=2) + "\n")
    else:
        print_ablation(record)
        if plot is not None:
            out_console.print(f"wrote {plot}")


def print_ablation(record: dict) -> None:
    """The ablation matrix as a table, and what it says."""
    table = Table(title=f"ablation of {Path(record['scenario']).name}: does each target "
                  "still pass with the mechanism off?")
    table.add_column("switched off")
    short = [t.removeprefix("T-") for t in record["targets"]]
    for s in short:
        table.add_column(s, justify="center", overflow="fold")
    table.add_row("(none)", *["pass" if record["full"][t] else "FAIL"
                              for t in record["targets"]])
    inactive = set(record.get("inactive", ()))
    for m, row in record["matrix"].items():
        if m in inactive:
            table.add_row(f"{m} (inactive)", *["=" for _ in record["targets"]])
            continue
        cells = []
        for t in record["targets"]:
            if not record["full"][t]:
                cells.append("-")
            else:
                cells.append("pass" if row[t] else "FAIL")
        table.add_row(m, *cells)
    out_console.print(table)
    for t, ms in record["needs"].items():
        out_console.print(f"{t} needs: {', '.join(ms) or 'no single mechanism'}")
    failing = [t for t, ok in record["full"].items() if not ok]
    if failing:
        out_console.print(f"failing with every mechanism on (not ablated): {', '.join(failing)}")
    out_console.print("no target depends yet on: "
                      f"{', '.join(record['no_target_depends_on']) or 'none'}")
    if inactive:
        out_console.print("inactive in this scenario (switching them off changes no run): "
                          f"{', '.join(sorted(inactive))}")


def calibrate(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (TOML).")],
    out: Annotated[Path, typer.Option(help="abc: the folder for the posterior (resumed "
                                      "if it holds one of the same request). de: the "
                                      "calibrated scenario file (TOML).")],
    method: Annotated[str, typer.Option(
        help="abc: simulation-based inference (pyabc ABC-SMC) on the observed series in "
             "data/observed up to the end of 2023, a posterior sample. de: differential "
             "evolution on the scenario's targets, one best point (quick).")] = "de",
    params: Annotated[str | None, typer.Option(
        "--params", help="Comma-separated numeric keys to fit, e.g. "
                         "ai.imitation,ai.ask_convenience (abc: default the scenario's "
                         "own set).")] = None,
    particles: Annotated[int, typer.Option(help="abc: accepted parameter sets per "
                                           "generation.", min=2)] = 100,
    generations: Annotated[int, typer.Option(help="abc: generations in all (counting "
                                             "those already in --out).", min=1)] = 6,
    targets: Annotated[str | None, typer.Option(
        help="de: comma-separated target keys to fit (default: all that apply).")] = None,
    replicates: Annotated[int, typer.Option(help="de: replicate seeds per candidate.",
                                            min=1)] = 3,
    population: Annotated[int | None, typer.Option(
        help="Population of each run (de: default 3000; abc: default as the scenario "
             "says).", min=1)] = None,
    maxiter: Annotated[int, typer.Option(help="de: generations of differential evolution.",
                                         min=1)] = 6,
    popsize: Annotated[int, typer.Option(help="de: candidates per generation per key.",
                                         min=1)] = 4,
    seed: Annotated[int, typer.Option(help="Seed of the sampler or optimiser.", min=0,
                                      max=2**32 - 1)] = 2025,
    set_: SetOption = None,
    workers: WorkersOption = None,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    force: ForceOption = False,
) -> None:
    """Fit parameters: a posterior from the observed series (--method abc), or the best
    point for the scenario's targets (--method de, the default)."""

    if method not in ("abc", "de"):
        fail(f"--method {method}: expected abc or de")
    if method == "abc":
        _calibrate_abc(scenario, out, params, particles, generations, population, seed,
                       set_, execution(backend, workers, scheduler), force)
        return
    if params is None:
        fail("--params: give the keys to fit (with --method de)")
    population = population or 3000
    where = execution(backend, workers, scheduler)
    keys = _fit_keys(params)
    chosen = _targets(targets)
    check_file_output(out, "--out", [scenario], force=force)
    sc = load(scenario, set_)
    from ecosim.experiments.calibrate import calibrate as run_calibration
    from ecosim.experiments.calibrate import write_scenario
    from ecosim.experiments.outputs import FolderLock

    with user_errors(FolderLock.for_file(out, "--out")), RunsBar("calibrating") as bar:
        generations = 0

        def progress(n: int, best: float) -> None:
            nonlocal generations
            generations += 1
            bar(generations, maxiter + 1, f"calibrating (best {best:.3g})")

        try:
            result = run_calibration(
                sc, keys, targets=chosen, replicates=replicates, population=population,
                maxiter=maxiter, popsize=popsize, seed=seed, progress=progress,
                execution=where)
        except ScenarioError as err:
            fail(str(err))
        settings = {"seed": seed, "replicates": replicates, "population": population}
        write_or_rescue(lambda path: write_scenario(scenario, result, path, settings), out,
                        is_file=True)
    for key in keys:
        out_console.print(f"{key} = {result.best[key]!r}")
    out_console.print(f"misfit {result.misfit:.4g} after {result.evaluations} candidates; "
                      f"wrote {out}")


def _fit_keys(params: str) -> list[str]:
    """The keys of ``--params``, checked (exit 2 with one line)."""
    from ecosim.experiments.search_space import search_bounds

    keys = [k.strip() for k in params.split(",") if k.strip()]
    if not keys:
        fail("--params: give at least one scenario key")
    try:
        search_bounds(keys)
    except ScenarioError as err:
        fail(str(err))
    return keys


def _calibrate_abc(scenario: Path, out: Path, params: str | None, particles: int,
                   generations: int, population: int | None, seed: int,
                   set_: list[str] | None, where, force: bool) -> None:
    from ecosim.experiments.outputs import FolderLock, check_folder

    keys = None if params is None else _fit_keys(params)
    try:
        check_folder(out, "--out", "calibration", force=force)
    except ScenarioError as err:
        fail(str(err))
    sc = load(scenario, set_)
    from ecosim.experiments import inference

    try:
        inference.statistics(sc)
    except ScenarioError as err:
        fail(str(err))
    with user_errors(FolderLock(out, "--out")), RunsBar("inferring") as bar:
        if force:
            for stale in ("abc.db", "request.json"):
                (out / stale).unlink(missing_ok=True)

        def progress(done: int, total: int, epsilon: float) -> None:
            bar(done, total, f"generation {done} of {total} (epsilon {epsilon:.3g})")

        try:
            post = inference.infer(sc, keys, folder=out, particles=particles,
                                   generations=generations, seed=seed,
                                   population=population, execution=where,
                                   progress=progress)
        except ScenarioError as err:
            fail(str(err))
        settings = {"seed": seed, "particles": particles, "generations": generations,
                    "population": population or sc.params.population.size,
                    "scenario": str(scenario)}
        write_or_rescue(lambda folder: inference.write_results(folder, post, scenario,
                                                               settings), out)
    shrink = post.shrinkage()
    for key in post.keys:
        lo, hi = post.interval(key)
        pinned = "pinned" if shrink[key] < 0.5 else ("partly" if shrink[key] < 0.9
                                                     else "not pinned")
        out_console.print(f"{key} = {post.median()[key]:.4g}, 90% [{lo:.4g}, {hi:.4g}] "
                          f"({pinned}: {shrink[key]:.2f} of the prior range)")
    g = post.generations
    out_console.print(f"{len(g)} generations, {int(g.simulations.sum())} runs, final epsilon "
                      f"{g.epsilon.iloc[-1]:.3g}; wrote {out}")


def forecast(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (TOML).")],
    out: Annotated[Path, typer.Option(help="Folder for forecast.csv, forecast.png and "
                                      "forecast.json.")],
    until: Annotated[str, typer.Option(help="Last day to forecast (YYYY-MM-DD).")]
    = "2026-12-31",
    posterior: Annotated[Path | None, typer.Option(
        help="A calibration folder (ecosim calibrate --method abc); default the shipped "
             "one, data/calibration/<scenario name>.")] = None,
    draws: Annotated[int, typer.Option(help="Parameter sets drawn from the posterior (by "
                                       "weight).", min=1)] = 40,
    replicates: Annotated[int, typer.Option(help="Replicate seeds per draw.", min=1)] = 2,
    seed: Annotated[int, typer.Option(help="Seed of the draws and the replicates.", min=0,
                                      max=2**32 - 1)] = 2026,
    set_: SetOption = None,
    workers: WorkersOption = None,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    force: ForceOption = False,
) -> None:
    """Forecast a dated scenario past the calibration window, with bands: posterior draws
    x replicates, each with the world without the AI and the substitution-only null beside
    it; every year as an index (2022 = 100)."""
    import datetime as dt

    where = execution(backend, workers, scheduler)
    try:
        last_day = dt.date.fromisoformat(until)
    except ValueError:
        fail(f"--until {until}: not a date (YYYY-MM-DD)")
    from ecosim.experiments.outputs import FolderLock, check_folder

    try:
        check_folder(out, "--out", "forecast", force=force)
    except ScenarioError as err:
        fail(str(err))
    sc = load(scenario, set_)
    from ecosim.experiments import forecast as fc

    folder = posterior or fc.default_posterior(sc)
    with user_errors(FolderLock(out, "--out")), RunsBar("forecasting") as bar:
        try:
            result = fc.forecast(sc, folder, last_day, draws=draws, replicates=replicates,
                                 seed=seed, execution=where, progress=bar)
        except ScenarioError as err:
            fail(str(err))
        write_or_rescue(lambda path: fc.write_forecast(path, result), out)
    table = Table(title=f"forecast of {sc.params.meta.name} (index, {fc.BASE_YEAR} = 100; "
                        f"{draws} draws x {replicates} replicates)")
    for column in ("series", "year", "observed", "median", "50%", "90%"):
        table.add_column(column)
    for r in result.table.itertuples():
        if r.year <= fc.BASE_YEAR - 1 or r.series.endswith("_substitution"):
            continue
        table.add_row(r.series, str(r.year),
                      "-" if r.observed_index != r.observed_index else f"{r.observed_index:.1f}",
                      f"{r.median_index:.1f}", f"{r.lo50_index:.1f}-{r.hi50_index:.1f}",
                      f"{r.lo90_index:.1f}-{r.hi90_index:.1f}")
    out_console.print(table)
    c = result.coverage
    out_console.print(f"posterior predictive check: the 90% band covers {c['covered']} of "
                      f"{c['of']} observed points in the window ({c['covered_fitted']} of "
                      f"{c['of_fitted']} of those fitted); wrote {out}")

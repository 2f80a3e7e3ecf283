"""``ecosim sweep`` and ``ecosim plot``: the command-line face of sweeps.

Exit status of ``sweep`` (and ``leverage``): 0 every run finished; 1 some runs failed (they are in
runs.parquet with their error; re-running retries them); 2 a user error (bad sweep file,
wrong folder); 130 interrupted (re-run the same command to resume).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ecosim.cli.common import (
    BackendOption,
    ForceOption,
    SchedulerOption,
    SetOption,
    WorkersOption,
    backend_for,
    err_console,
    fail,
    out_console,
    write_or_rescue,
)
from ecosim.model.params import ScenarioError

if TYPE_CHECKING:
    from ecosim.experiments.designs import Sweep
    from ecosim.experiments.sweep import SweepReport


def sweep(
    sweep_file: Annotated[Path, typer.Argument(help="Sweep file (TOML, scenarios/sweeps/).")],
    out: Annotated[Path, typer.Option(help="Output folder (re-run into it to resume).")],
    workers: WorkersOption = None,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    replicates: Annotated[int | None, typer.Option(help="Runs per design point (overrides "
                                                   "the file).")] = None,
    set_: SetOption = None,
    timeseries: Annotated[bool, typer.Option("--timeseries", help="Also store each run's "
                                             "weekly series (timeseries/).")] = False,
    batch_size: Annotated[int | None, typer.Option(help="Runs per executor task (default: "
                                                   "automatic).", min=1)] = None,
    flush_seconds: Annotated[float, typer.Option(help="Write finished runs to disk at "
                                                 "least this often.", min=0.0)] = 20.0,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    force: ForceOption = False,
) -> None:
    """Run a design (grid, lhs, sobol, morris) into OUT; re-running resumes."""
    from ecosim.experiments.designs import load_sweep

    backend = backend_for(backend, scheduler)
    try:
        design = load_sweep(sweep_file, set_ or [], replicates)
    except ScenarioError as err:
        fail(str(err))
    n_points = len(design.points())
    report = run_design(design, out, f"sweep {design.name}", workers=workers,
                        backend=backend, scheduler=scheduler, batch_size=batch_size,
                        timeseries=timeseries, flush_seconds=flush_seconds, quiet=quiet,
                        force=force)
    out_console.print(
        f"sweep {design.name}: {design.design} design, {n_points} points x "
        f"{report.total // max(n_points, 1)} replicates = {report.total} runs; ran "
        f"{report.ran} in {report.elapsed:.1f} s ({report.rate:.2f} runs/s), "
        f"{report.skipped} already done; failed: {report.failed}")
    out_console.print(f"wrote {out / 'runs.parquet'} and {out / 'sweep.json'}")
    if report.failed:
        err_console.print(f"{report.failed} run(s) failed; see the 'error' column of "
                          f"{out / 'runs.parquet'}; re-run the same command to retry them",
                          style="red", markup=False)
        raise typer.Exit(1)


def run_design(design: Sweep, out: Path, description: str, *, workers: int | None,
               backend: str, scheduler: str | None = None, batch_size: int | None = None,
               timeseries: bool = False, flush_seconds: float = 20.0,
               quiet: bool = False, force: bool = False) -> SweepReport:
    """Run a loaded design into ``out`` with a progress bar and return the sweep's report.

    A user error (the folder holds something else, is in use, an unreachable scheduler)
    exits with status 2; a write that fails on the way (a full disk) exits with 1, saying
    where the unsaved runs went; Ctrl-C exits with 130 once the finished runs are saved.
    """
    from ecosim.experiments.outputs import WriteFailed
    from ecosim.experiments.sweep import run_sweep

    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("[red]{task.fields[failed]} failed"),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
               TextColumn("left"), TimeRemainingColumn()]
    began = time.perf_counter()
    bar = Progress(*columns, console=err_console,
                   disable=quiet or not err_console.is_terminal)
    task = bar.add_task(description, total=None, failed=0, rate="")

    def progress(done: int, total: int, failed: int, skipped: int) -> None:
        if not bar.live.is_started:
            bar.start()  # not earlier: its refresh thread must not exist when workers fork
        seconds = time.perf_counter() - began
        rate = (done - skipped) / seconds if seconds > 0 else 0.0
        bar.update(task, completed=done, total=total, failed=failed,
                   rate=f"{rate:.2f} runs/s")

    try:
        report = run_sweep(design, out, workers=workers, backend=backend,
                           scheduler=scheduler, batch_size=batch_size,
                           keep_timeseries=timeseries, flush_seconds=flush_seconds,
                           progress=progress, force=force)
    except ScenarioError as err:
        bar.stop()
        fail(str(err))
    except WriteFailed as err:
        bar.stop()
        err_console.print(f"error: {err}", style="bold red", markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        bar.stop()
        err_console.print(f"interrupted: finished runs are saved in {out}; run the same "
                          "command again to resume")
        raise typer.Exit(130) from None
    bar.stop()
    for note in report.notes:
        out_console.print(f"note: {note}")
    return report


def plot(
    folder: Annotated[Path, typer.Argument(help="A sweep's output folder.")],
) -> None:
    """Draw what fits the sweep's design (regime map, sensitivity, curves) as PNG files."""
    from ecosim.experiments.outputs import probe

    try:
        probe(folder, f"plot {folder}")
    except ScenarioError as err:
        fail(str(err))
    from ecosim.experiments.analysis import plot_sweep

    try:
        written = plot_sweep(folder, console=out_console)
    except ScenarioError as err:
        fail(str(err))
    for path in written:
        out_console.print(f"wrote {path}")


def leverage(
    scenario: Annotated[Path, typer.Argument(help="Base scenario file (TOML).")],
    out: Annotated[Path, typer.Option(help="Output folder (re-run into it to resume).")],
    group: Annotated[str, typer.Option(help="Who acts: core, occasional, newcomer or all "
                                       "(every contributor).")] = "core",
    topics: Annotated[str, typer.Option(help="On which topics: all, popular, niche.")] = "all",
    action: Annotated[str, typer.Option(help="withhold (strike) or redirect (to the public "
                                        "AI).")] = "withhold",
    levels: Annotated[int, typer.Option(help="Shares from 0 to 1 to try.")] = 6,
    replicates: Annotated[int, typer.Option(help="Runs per share.", min=1)] = 3,
    seed: Annotated[int, typer.Option(help="Root seed of the replicates.", min=0)] = 2024,
    workers: WorkersOption = None,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    set_: SetOption = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    force: ForceOption = False,
) -> None:
    """How much can a group change the AI? A sweep over the share of its content withheld, with a curve of AI quality and platform health (leverage.png)."""
    from ecosim.experiments.designs import load_sweep
    from ecosim.experiments.leverage import leverage_table, plot_leverage, write_preset
    from ecosim.experiments.outputs import atomic_write
    from ecosim.experiments.sweep import load_runs

    backend = backend_for(backend, scheduler)
    with tempfile.TemporaryDirectory(prefix="ecosim-leverage-") as tmp:
        try:
            preset = write_preset(scenario, Path(tmp), group=group, topics=topics,
                                  action=action, levels=levels, replicates=replicates,
                                  seed=seed)
            design = load_sweep(preset, set_ or [])
        except ScenarioError as err:
            fail(str(err))
        report = run_design(design, out, f"leverage {group}", workers=workers,
                            backend=backend, scheduler=scheduler, quiet=quiet, force=force)
        text = preset.read_bytes()  # the design, for the record
        write_or_rescue(lambda folder: atomic_write(folder / "leverage.toml",
                                                    lambda f: f.write(text)), out)
    table = leverage_table(load_runs(out))
    if table.empty:
        fail(f"--out {out}: no run finished, so there is no curve to draw (see the 'error' "
             "column of runs.parquet)")
    shown = table[["fraction", "runs"]].copy()
    for metric in ("final_ai_quality", "ai_share", "final_contributor_ratio", "visits_ratio"):
        shown[metric] = [f"{m:.3f} ± {c:.3f}" for m, c in
                         zip(table[metric], table[f"{metric}_ci"], strict=True)]
    out_console.print(shown.to_string(index=False))
    png = plot_leverage(table, out / "leverage.png",
                        f"Data leverage of {group} contributors ({topics} topics, {action}) - "
                        f"{scenario.name}")
    out_console.print(f"wrote {png}")
    if report.failed:
        err_console.print(f"{report.failed} runs failed (see runs.parquet)", markup=False)
        raise typer.Exit(1)

"""``ecosim docs``: the generated ODD+STIE document and the teaching guide."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecosim.cli.common import (
    BackendOption,
    RunsBar,
    SchedulerOption,
    WorkersOption,
    check_file_output,
    execution,
    out_console,
    write_or_rescue,
)
from ecosim.cli.targets import ReplicatesOption


def docs(
    out: Annotated[Path, typer.Option(help="Where to write the ODD document.")]
    = Path("docs/ODD.md"),
    refresh: Annotated[bool, typer.Option(
        help="Re-run validation and ablation of the dated scenarios and rewrite "
        "docs/results.json (several minutes).")] = False,
    replicates: ReplicatesOption = None,
    workers: WorkersOption = None,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
) -> None:
    """Write the ODD+STIE description of the model, generated from the registry, the
    teaching guide (teaching.md beside it), generated from ecosim/viz/lesson.py, and the
    forecast page (forecast.md beside it), from the shipped calibration and forecast."""
    from ecosim.experiments import docs as odd
    from ecosim.experiments.outputs import atomic_write
    from ecosim.viz.lesson import render_markdown

    where = execution(backend, workers, scheduler)
    guide = out.parent / "teaching.md"
    check_file_output(out, "--out")
    check_file_output(guide, "--out (the teaching guide beside it)")
    if refresh:
        check_file_output(odd.RESULTS, "--refresh (docs/results.json)")
        with RunsBar("refreshing results") as bar:
            odd.refresh_results(replicates=replicates, execution=where,
                                progress=lambda label, d, t: bar(d, t, label))
    text, lesson = odd.render(), render_markdown()
    out.parent.mkdir(parents=True, exist_ok=True)
    write_or_rescue(lambda path: atomic_write(path, lambda f: f.write(text.encode())), out,
                    is_file=True)
    out_console.print(f"wrote {out}")
    write_or_rescue(lambda path: atomic_write(path, lambda f: f.write(lesson.encode())),
                    guide, is_file=True)
    out_console.print(f"wrote {guide}")
    from ecosim.experiments import forecast as fc

    calibration, made = fc.CALIBRATIONS / "stackoverflow", fc.FORECASTS / "stackoverflow"
    if (calibration / "calibration.json").exists() and (made / "forecast.json").exists():
        page = out.parent / "forecast.md"
        check_file_output(page, "--out (the forecast page beside it)")
        text = fc.render_markdown(calibration, made)
        write_or_rescue(lambda path: atomic_write(path, lambda f: f.write(text.encode())),
                        page, is_file=True)
        out_console.print(f"wrote {page}")

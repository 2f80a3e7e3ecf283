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
    execution,
    fail,
    out_console,
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
    """Write the ODD+STIE description of the model, generated from the registry, and the
    teaching guide (teaching.md beside it), generated from ecosim/viz/lesson.py."""
    from ecosim.experiments import docs as odd
    from ecosim.experiments.run import atomic_write
    from ecosim.viz.lesson import render_markdown

    where = execution(backend, workers, scheduler)
    if out.exists() and out.is_dir():
        fail(f"--out {out}: is a folder, expected a file name")
    if refresh:
        with RunsBar("refreshing results") as bar:
            odd.refresh_results(replicates=replicates, execution=where,
                                progress=lambda label, d, t: bar(d, t, label))
    text = odd.render()
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, lambda f: f.write(text.encode()))
    out_console.print(f"wrote {out}")
    guide = out.parent / "teaching.md"
    atomic_write(guide, lambda f: f.write(render_markdown().encode()))
    out_console.print(f"wrote {guide}")

"""The ``ecosim`` command line: run, mechanisms (and the commands other modules add).

User errors (a bad scenario file, an unknown key, a value out of range, bad ``--set``)
end with one line on stderr and exit status 2, and never leave partial output behind.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from typer.core import TyperGroup

from ecosim.registry import REGISTRY, card_record
from ecosim.schema import ScenarioError


class _Commands(TyperGroup):
    """Typer's command group, except that a bad value Typer itself checks (a number below
    an option's ``min=``, a missing argument) ends like every other user error: one line on
    stderr and exit status 2, instead of a usage box."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except typer.BadParameter as err:
            fail(" ".join(err.format_message().split()))


app = typer.Typer(
    cls=_Commands,
    add_completion=False,
    no_args_is_help=True,
    help="ecosim: the content-ecosystem feedback loop between AI assistants and knowledge "
    "platforms, as an agent-based model.",
)
out_console = Console(highlight=False)
if not out_console.is_terminal:  # pipes and files: wide enough for the tables
    out_console = Console(highlight=False, width=160)
err_console = Console(stderr=True, highlight=False)

SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a scenario key: --set ai.retrain_interval=26 "
                 "(repeatable)."),
]


def fail(message: str) -> None:
    """Print one error line and exit with status 2 (a user error)."""
    err_console.print(f"error: {message}", style="bold red", markup=False, soft_wrap=True)
    raise typer.Exit(2)


def load(path: Path, sets: list[str] | None, seed: int | None = None,
         steps: int | None = None):
    """Load a scenario with overrides, turning user errors into exit status 2."""
    from ecosim.scenario import load_scenario

    overrides = list(sets or [])
    if steps is not None:
        overrides.append(f"run.weeks={steps}")
    if seed is not None:
        overrides.append(f"run.seed={seed}")
    try:
        return load_scenario(path, overrides)
    except ScenarioError as err:
        fail(str(err))


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (TOML).")],
    seed: Annotated[int | None, typer.Option(help="Random seed (overrides run.seed).")] = None,
    steps: Annotated[int | None, typer.Option(help="Weeks to record (= --set run.weeks=N).")] = None,
    set_: SetOption = None,
    out: Annotated[Path | None, typer.Option(help="Write timeseries.parquet and manifest.json "
                                             "here.")] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    engine: Annotated[str, typer.Option(help="fast (vectorised) or reference (one Mesa "
                                        "agent per person, for teaching and docking).")] = "fast",
) -> None:
    """Run one scenario and print a summary (with a line `regime: <name>`)."""
    from ecosim.reference import ENGINES
    from ecosim.run import run_scenario, write_outputs

    if engine not in ENGINES:
        fail(f"--engine {engine!r}: allowed values are {' and '.join(map(repr, ENGINES))}")
    sc = load(scenario, set_, seed, steps)
    if out is not None and out.exists() and not out.is_dir():
        fail(f"--out {out}: exists and is not a folder")
    weeks = sc.params["run.weeks"]
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("week {task.completed:.0f}/{task.total:.0f}"),
                  TimeRemainingColumn(), console=err_console,
                  disable=quiet or not err_console.is_terminal) as bar:
        task = bar.add_task(f"running {scenario.name}", total=weeks)
        result = run_scenario(sc, engine=engine,
                              progress=lambda done, total: bar.update(task, completed=done))
    print_summary(result)
    if out is not None:
        write_outputs(result, out)
        out_console.print(f"wrote {out / 'timeseries.parquet'} and {out / 'manifest.json'}")


def print_summary(result) -> None:
    """A readable summary of one run."""
    ts, m, p = result.timeseries, result.manifest, result.model.p
    launch = p["ai.launch_week"]
    pre = ts[(ts.week < launch) & (ts.week >= launch - 26)]
    last = ts.tail(52)
    table = Table(show_header=True, header_style="bold", box=None)
    table.add_column("outcome")
    table.add_column("pre-launch (26 wk)", justify="right")
    table.add_column("last 52 weeks", justify="right")
    table.add_column("change", justify="right")
    rows = [("active contributors", "active_contributors"), ("core contributors", "core_contributors"),
            ("new questions / week", "questions"), ("Q&A visits / week", "visits_qa"),
            ("encyclopedia visits / week", "visits_wiki"), ("contributions / week", "contributions"),
            ("Q&A coverage", "coverage_qa"), ("encyclopedia coverage", "coverage_wiki"),
            ("AI share of needs", "ai_share"), ("AI quality", "ai_quality")]
    for label, col in rows:
        a = pre[col].mean() if len(pre) else float("nan")
        b = last[col].mean()
        change = f"{100 * (b / a - 1):+.0f}%" if a and a == a and a > 0 else ""
        table.add_row(label, f"{a:,.3g}", f"{b:,.3g}", change)
    out_console.print(f"scenario: {m['scenario']}   seed: {m['seed']}   weeks: {m['weeks']}   "
                      f"AI launch: week {launch}{'' if p['ai.enabled'] else ' (AI disabled)'}")
    out_console.print(table)
    out_console.print(f"regime: {m['regime']}", highlight=False)
    out_console.print(f"why: {m['regime_reason']}", highlight=False)
    out_console.print(f"output_sha256: {m['output_sha256']}", highlight=False)


@app.command()
def mechanisms(
    format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """The STIE registry: every mechanism's card and level."""
    if format not in ("table", "json"):
        fail(f"--format {format!r}: allowed values are 'table' and 'json'")
    executable = executable_targets()
    from ecosim.mechanisms import WEEKLY_ORDER

    records = [card_record(REGISTRY[key].card, executable_targets=executable)
               for key in WEEKLY_ORDER]
    if format == "json":
        sys.stdout.write(json.dumps(records, indent=2) + "\n")
        return
    table = Table(title="ecosim mechanisms (STIE cards)", show_lines=True)
    for col in ("key", "level", "on", "summary", "evidence", "targets"):
        table.add_column(col, overflow="fold")
    for r in records:
        ev = ", ".join(f"{e['key']} ({e['tier']}{', form only' if e['form_only'] else ''})"
                       for e in r["evidence_detail"])
        table.add_row(r["key"], r["stie_level"], "yes" if r["enabled"] else "no", r["summary"],
                      ev, ", ".join(r["targets"]) or "-")
    out_console.print(table)
    counts = {lvl: sum(r["stie_level"] == lvl for r in records) for lvl in "STIE"}
    lowest = min((r["stie_level"] for r in records), key="STIE".index, default="S")
    out_console.print(f"model level: {lowest} (lowest over mechanisms); per level: "
                      + ", ".join(f"{lvl} {n}" for lvl, n in counts.items()))
    out_console.print("levels: S code runs; T a target it serves has an executable check; "
                      "I intent stated; E tier A/B evidence cited (each needs the previous).")


def executable_targets() -> tuple[str, ...]:
    """Keys of targets that have an executable check (empty until ecosim.targets exists)."""
    try:
        from ecosim.targets import TARGETS
    except ImportError:
        return ()
    return tuple(TARGETS)


def main() -> None:
    """Entry point of the ``ecosim`` command."""
    app()


# Commands defined in their own modules register themselves on `app` when imported
# (one import per module below).
from ecosim.experiments import sweep_cli  # noqa: E402,F401
from ecosim.experiments import analysis_cli  # noqa: E402,F401

"""``ecosim run`` and ``ecosim mechanisms``: one run, and the STIE registry."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ecosim.cli.common import (
    ForceOption,
    SetOption,
    err_console,
    fail,
    load,
    out_console,
    write_or_rescue,
)
from ecosim.model.params import ScenarioError


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
    force: ForceOption = False,
) -> None:
    """Run one scenario and print a summary (with a line `regime: <name>`)."""
    from ecosim.model import ENGINES

    if engine not in ENGINES:
        fail(f"--engine {engine!r}: allowed values are {' and '.join(map(repr, ENGINES))}")
    sc = load(scenario, set_, seed, steps)
    if out is not None:
        from ecosim.experiments.outputs import check_run_folder

        try:
            check_run_folder(out, sc, engine, force=force)
        except ScenarioError as err:
            fail(str(err))
    from ecosim.experiments.run import run_scenario, write_outputs

    weeks = sc.params.run.weeks
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("week {task.completed:.0f}/{task.total:.0f}"),
                  TimeRemainingColumn(), console=err_console,
                  disable=quiet or not err_console.is_terminal) as bar:
        task = bar.add_task(f"running {scenario.name}", total=weeks)
        result = run_scenario(sc, engine=engine,
                              progress=lambda done, total: bar.update(task, completed=done))
    print_summary(result)
    if out is not None:
        write_or_rescue(lambda folder: write_outputs(result, folder), out)
        out_console.print(f"wrote {out / 'timeseries.parquet'} and {out / 'manifest.json'}")


def print_summary(result) -> None:
    """A readable summary of one run."""
    ts, m, p = result.timeseries, result.manifest, result.model.p
    launch = p.ai.launch_week
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
                      f"AI launch: week {launch}{'' if p.ai.enabled else ' (AI disabled)'}")
    out_console.print(table)
    out_console.print(f"regime: {m['regime']}", highlight=False)
    out_console.print(f"AI: {m['ai_state']}", highlight=False)
    out_console.print(f"why: {m['regime_reason']}", highlight=False)
    out_console.print(f"output_sha256: {m['output_sha256']}", highlight=False)


def mechanisms(
    format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """The STIE registry: every mechanism's card and level."""
    if format not in ("table", "json"):
        fail(f"--format {format!r}: allowed values are 'table' and 'json'")
    from ecosim.model.mechanisms import WEEK
    from ecosim.model.schedule import REGISTRY
    from ecosim.stie.cards import card_record, level_counts, model_level
    from ecosim.stie.targets import TARGETS

    records = [card_record(REGISTRY[key].card, executable_targets=tuple(TARGETS))
               for key in WEEK]
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
    levels = [r["stie_level"] for r in records]
    counts = level_counts(levels)
    out_console.print(f"model level: {model_level(levels)} (lowest over mechanisms); per level: "
                      + ", ".join(f"{lvl} {n}" for lvl, n in counts.items()))
    out_console.print("levels: S code runs; T a target it serves has an executable check; "
                      "I intent stated; E tier A/B evidence cited (each needs the previous).")

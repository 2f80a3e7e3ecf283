"""What every command shares: the consoles, one-line user errors, loading a scenario.

User errors (a bad scenario file, an unknown key, a value out of range, bad ``--set``)
end with one line on stderr and exit status 2, and never leave partial output behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from ecosim.model.params import ScenarioError


class Commands(TyperGroup):
    """Typer's command group, except that a bad value Typer itself checks (a number below
    an option's ``min=``, a missing argument) ends like every other user error: one line on
    stderr and exit status 2, instead of a usage box."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except typer.BadParameter as err:
            fail(" ".join(err.format_message().split()))


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
    from ecosim.model.scenario import load_scenario

    overrides = list(sets or [])
    if steps is not None:
        overrides.append(f"run.weeks={steps}")
    if seed is not None:
        overrides.append(f"run.seed={seed}")
    try:
        return load_scenario(path, overrides)
    except ScenarioError as err:
        fail(str(err))

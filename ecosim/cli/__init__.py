"""The ``ecosim`` command line, built here from the command modules.

Each module holds plain functions, one per command; this package registers them on one
Typer app, in the order ``ecosim --help`` lists them. Nothing below the faces imports it.
"""

from __future__ import annotations

import typer

from ecosim.cli import docs, runs, sweeps, targets
from ecosim.cli.common import Commands

app = typer.Typer(
    cls=Commands,
    add_completion=False,
    no_args_is_help=True,
    help="ecosim: the content-ecosystem feedback loop between AI assistants and knowledge "
    "platforms, as an agent-based model.",
)

for command in (runs.run, runs.mechanisms, targets.validate, targets.ablate,
                targets.calibrate, sweeps.sweep, sweeps.plot, sweeps.leverage, docs.docs):
    app.command()(command)


def main() -> None:
    """Entry point of the ``ecosim`` command."""
    app()


__all__ = ["app", "main"]

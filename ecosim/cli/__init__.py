"""The ``ecosim`` command line, built here from the command modules.

Each module holds plain functions, one per command; this package registers them on one
Typer app, in the order ``ecosim --help`` lists them. Nothing below the faces imports it.
"""

from __future__ import annotations

import inspect

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



def _help(fn) -> str:
    """A command's docstring as help text: each paragraph one line, for the terminal to
    wrap (the docstring's own line breaks would show as hard breaks)."""
    paragraphs = inspect.cleandoc(fn.__doc__ or "").split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


for command in (runs.run, runs.mechanisms, targets.validate, targets.ablate,
                targets.calibrate, targets.forecast, sweeps.sweep, sweeps.plot, sweeps.leverage, docs.docs):
    app.command(help=_help(command))(command)


def main() -> None:
    """Entry point of the ``ecosim`` command."""
    app()


__all__ = ["app", "main"]

"""What every command shares: the consoles, one-line user errors, loading a scenario.

User errors (a bad scenario file, an unknown key, a value out of range, bad ``--set``)
end with one line on stderr and exit status 2, and never leave partial output behind.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from typer.core import TyperGroup

from ecosim.model.params import ScenarioError

if TYPE_CHECKING:
    from ecosim.experiments.executors import Execution


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
    """Load a scenario with overrides, turning user errors into exit status 2.

    The file is checked before the model's libraries load, so a user error is answered at
    once.
    """
    from ecosim.model.params import SCHEMA
    from ecosim.model.scenario_files import read_params

    overrides = list(sets or [])
    try:
        # --steps and --seed are checked as the user typed them, then applied as keys
        for option, key, value in (("--steps", "run.weeks", steps), ("--seed", "run.seed", seed)):
            if value is not None:
                SCHEMA[key].check(value, option, option=option)
                overrides.append(f"{key}={value}")
        params = read_params(path, overrides)
    except ScenarioError as err:
        fail(str(err))
    from ecosim.model.scenario import Scenario

    return Scenario(params, str(path))


WorkersOption = Annotated[int | None, typer.Option(
    help="Worker processes (default: all cores).", min=1)]
BackendOption = Annotated[str, typer.Option(
    help="local (process pool), dask (a local Dask cluster, or --scheduler's) or slurm "
    "(Dask workers as Slurm jobs; --workers of them).")]
SchedulerOption = Annotated[str | None, typer.Option(
    help="Dask scheduler address (tcp://host:8786); implies --backend dask.")]


def backend_for(backend: str, scheduler: str | None) -> str:
    """The back-end to use (a scheduler implies dask), or exit 2 for an unknown one."""
    from ecosim.experiments.executors import BACKENDS

    if scheduler:
        backend = "dask"
    if backend not in BACKENDS:
        fail(f"--backend {backend!r}: allowed values are 'local', 'dask' and 'slurm'")
    return backend


def execution(backend: str, workers: int | None, scheduler: str | None) -> Execution:
    """Where an ensemble command's runs execute, from its options."""
    from ecosim.experiments.executors import Execution

    return Execution(backend_for(backend, scheduler), workers, scheduler)


class RunsBar:
    """A progress bar of runs on stderr, off when stderr is not a terminal.

    It starts with the first report, not before: its refresh thread must not exist when
    a process pool forks its workers. Use it as a context manager and call it as
    ``bar(done, total)`` or ``bar(done, total, description)``.
    """

    def __init__(self, description: str):
        self.bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                            TextColumn("run {task.completed:.0f}/{task.total:.0f}"),
                            TimeRemainingColumn(), console=err_console,
                            disable=not err_console.is_terminal)
        self.task = self.bar.add_task(description, total=None)

    def __call__(self, done: int, total: int, description: str | None = None) -> None:
        if not self.bar.live.is_started:
            self.bar.start()
        self.bar.update(self.task, completed=done, total=total,
                        **({"description": description} if description else {}))

    def __enter__(self) -> RunsBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


ForceOption = Annotated[bool, typer.Option(
    "--force", help="Write over results of another kind or of another run already there.")]


def write_or_rescue(write: Callable[[Path], None], where: Path, *,
                    is_file: bool = False) -> None:
    """Write results with ``write(where)``; if that fails (a full disk, a vanished folder),
    keep them in a temporary folder (for a file, under its own name), say where in one
    line, and exit with status 1."""
    from ecosim.experiments.outputs import rescue

    try:
        write(where)
    except OSError as err:
        again = (lambda kept: write(kept / where.name)) if is_file else write
        err_console.print(f"error: {rescue(again, str(where), err)}", style="bold red",
                          markup=False, soft_wrap=True)
        raise typer.Exit(1) from None


def check_file_output(path: Path, option: str, inputs: list[Path] | tuple = (), *,
                      force: bool | None = None) -> None:
    """Check a file the command will write, before any work (exit 2 with one line).

    With ``force`` given, an existing file is refused unless it is true (the file is
    another run's result, such as a calibrated scenario).
    """
    from ecosim.experiments.outputs import check_file

    try:
        check_file(path, option, inputs)
    except ScenarioError as err:
        fail(str(err))
    if force is False and path.exists():
        fail(f"{option} {path}: already exists; choose another file, or add --force to "
             "replace it")


@contextmanager
def user_errors(context):
    """Enter ``context`` (a lock, say), turning a :class:`ScenarioError` on entry into one
    line and exit status 2."""
    try:
        entered = context.__enter__()
    except ScenarioError as err:
        fail(str(err))
    try:
        yield entered
    finally:
        context.__exit__(None, None, None)

"""Ensembles of paired runs on the executors: validation, ablation, calibration.

An ensemble is a list of *families*: runs that share one seed (the arms of a paired
replicate, or every ablation variant of one replicate). Each family is planned as trees of
forks (:func:`~ecosim.experiments.run.plan_family`), and each tree is one task for an
executor (:mod:`~ecosim.experiments.executors`: this process, a local process pool or Dask),
so the history a tree's runs share is run once, and trees run in parallel. The results do
not depend on the back-end or the number of workers: every run gives the output hash it
gives alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from typing import Any

import pandas as pd

from ecosim.experiments.executors import INLINE, Execution
from ecosim.experiments.run import plan_family, run_family
from ecosim.model.params import Params
from ecosim.model.scenario import Scenario

Progress = Callable[[int, int], None]
"""Called as ``progress(done_runs, total_runs)``."""


def run_ensemble(families: Sequence[Sequence[Scenario]], *,
                 execution: Execution = INLINE, executor: Executor | None = None,
                 progress: Progress | None = None) -> list[list[pd.DataFrame]]:
    """Run every family and return each run's time series, family by family, in order.

    Args:
        families: Lists of scenarios; the runs of one family share their seed.
        execution: Where to run (ignored when ``executor`` is given).
        executor: An executor already open by :meth:`Execution.open`.
        progress: Called as runs finish.
    """
    tasks = []  # (family, members, payload)
    for f, family in enumerate(families):
        for root in plan_family(family):
            members = root.members()
            tasks.append((f, members, [_payload(family[i]) for i in members]))
    out: list[list[pd.DataFrame | None]] = [[None] * len(family) for family in families]
    total, done = sum(len(family) for family in families), 0

    def collect(task, tables) -> None:
        nonlocal done
        f, members, _ = task
        for i, table in zip(members, tables, strict=True):
            out[f][i] = table
        done += len(members)
        if progress:
            progress(done, total)

    if executor is None:
        with execution.open() as opened:
            _run_all(opened, tasks, collect)
    else:
        _run_all(executor, tasks, collect)
    return out  # type: ignore[return-value]


def _run_all(executor: Executor | None, tasks: list, collect: Callable) -> None:
    if executor is None:
        for task in tasks:
            collect(task, run_tree(task[2]))
        return
    # The longest trees first, so that the last task to start is a short one.
    order = sorted(tasks, key=lambda t: -len(t[1]))
    pending = {executor.submit(run_tree, task[2]): task for task in order}
    try:
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in finished:
                collect(pending.pop(future), future.result())
    except BaseException:
        for future in pending:
            future.cancel()
        raise


def _payload(scenario: Scenario) -> tuple[dict[str, Any], str]:
    """A scenario as plain picklable values (the resolved keys and where they came from)."""
    return dict(scenario.params), str(scenario.source)


def run_tree(payload: Sequence[tuple[dict[str, Any], str]]) -> list[pd.DataFrame]:
    """Run one tree of forks (in a worker) and return its runs' time series, in order."""
    scenarios = [Scenario(Params(values), source) for values, source in payload]
    return [result.timeseries for result in run_family(scenarios)]

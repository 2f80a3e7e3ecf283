"""Run a sweep: every run of a design, on any executor, resumable and failure-isolated.

Beats Mesa's ``batch_run`` on four counts: any design (grid, Latin hypercube, Sobol,
Morris; :mod:`ecosim.experiments.designs`); results stream to disk instead of piling up in
memory; a killed sweep resumes where it stopped; a run that raises is recorded as
``failed`` and the others go on.

Output folder::

    sweep.json           the design, root seed, fingerprint and versions
    parts/part-*.parquet results as they arrive, a few files, each written atomically
    runs.parquet         the consolidated table (one row per run), written atomically
    timeseries/*.parquet each run's weekly series (only with keep_timeseries)

A part file is written by the parent process whenever ``flush_seconds`` have passed (and at
the end or on Ctrl-C), so a part holds many runs. After a sweep, the parts are folded into
``runs.parquet`` and removed. Every file appears through a rename, so a sweep killed at any
moment (even SIGKILL) leaves whole files only; the runs it lost are simply missing and the
next start runs them. Runs are read back deduplicated by ``run_id`` (the latest row wins),
so a kill between writing ``runs.parquet`` and removing the parts duplicates nothing.

The sweep meets the model only through :func:`ecosim.experiments.run.run_scenario` and its tables.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ecosim.experiments.designs import Sweep, run_id
from ecosim.experiments.executors import open_executor
from ecosim.experiments.outputs import (
    FolderLock,
    WriteFailed,
    atomic_write,
    check_folder,
    rescue,
)
from ecosim.experiments.run import RunResult, _version, run_scenario
from ecosim.model.params import ScenarioError
from ecosim.model.scenario import Scenario

OUTCOMES = ("production_ratio", "final_contributor_ratio", "questions_ratio", "visits_ratio",
            "contributions_ratio", "final_ai_quality", "ai_share", "coverage_qa",
            "coverage_wiki")
"""Summary outcomes of each run: ratios are the final level (last ``regime.final_weeks``
weeks) over the pre-launch level (``regime.baseline_weeks`` weeks before ``ai.launch_week``);
the others are means over the final weeks."""

STATUS_OK, STATUS_FAILED = "ok", "failed"
VERSIONED = ("ecosim", "mesa", "numpy", "pandas", "pyarrow", "SALib", "dask", "distributed")


@dataclass(frozen=True)
class RunTask:
    """One run of a sweep: what a worker needs, in plain picklable values.

    Attributes:
        run_id: Stable id (``p00012-r001``).
        point: Index of the design point.
        replicate: Replicate number.
        seed: The run's seed.
        values: The varied keys at this point (dotted key -> value).
        base: Every resolved key of the base scenario (dotted key -> value).
    """

    run_id: str
    point: int
    replicate: int
    seed: int
    values: dict[str, Any]
    base: dict[str, Any]

    def scenario(self) -> Scenario:
        """The validated scenario of this run (base with the point's values)."""
        return Scenario.from_overrides(self.base | self.values, f"sweep run {self.run_id}")


RunFn = Callable[[RunTask], RunResult]
"""Runs one task. The default is :func:`execute`; tests pass their own (module-level, so
that it pickles) to inject failures without hooks in production code."""


def execute(task: RunTask) -> RunResult:
    """Run one task through the public run function."""
    return run_scenario(task.scenario(), seed=task.seed)


def summarise(task: RunTask, result: RunResult) -> dict[str, Any]:
    """The summary outcomes of one finished run (see :data:`OUTCOMES`)."""
    ts, p = result.timeseries, task.base | task.values
    launch = p["ai.launch_week"]
    pre = ts[(ts["week"] < launch) & (ts["week"] >= launch - p["regime.baseline_weeks"])]
    if pre.empty:  # AI launched before the recording starts: compare with the first weeks
        pre = ts.head(p["regime.baseline_weeks"])
    final = ts.tail(p["regime.final_weeks"])

    def ratio(col: str) -> float:
        base = float(pre[col].mean())
        return float(final[col].mean()) / base if base > 0 else math.nan

    return {
        "regime": result.regime.name,
        "ai_state": result.regime.ai_state,
        "output_sha256": result.manifest["output_sha256"],
        "production_ratio": float(result.regime.final_ratio),
        "final_contributor_ratio": ratio("active_contributors"),
        "questions_ratio": ratio("questions"),
        "visits_ratio": ratio("visits_qa"),
        "contributions_ratio": ratio("contributions"),
        "final_ai_quality": float(final["ai_quality"].mean()),
        "ai_share": float(final["ai_share"].mean()),
        "coverage_qa": float(final["coverage_qa"].mean()),
        "coverage_wiki": float(final["coverage_wiki"].mean()),
    }


def run_batch(tasks: Sequence[RunTask], run: RunFn = execute, keep_timeseries: bool = False
              ) -> list[tuple[dict[str, Any], pd.DataFrame | None]]:
    """Run several tasks in one worker call; a run that raises becomes a ``failed`` row.

    Batching keeps the per-task cost of the executor (pickling, scheduling) small next to
    the runs themselves.

    Returns:
        One ``(row, timeseries or None)`` per task, in order.
    """
    out = []
    for task in tasks:
        started = time.perf_counter()
        row: dict[str, Any] = {"run_id": task.run_id, "point": task.point,
                               "replicate": task.replicate, **task.values, "seed": task.seed}
        ts = None
        try:
            result = run(task)
            row |= {"status": STATUS_OK, "error": None} | summarise(task, result)
            if keep_timeseries:
                ts = result.timeseries.assign(run_id=task.run_id)
        except Exception as err:  # noqa: BLE001 - isolate the run, record why it failed
            row |= {"status": STATUS_FAILED, "error": describe_error(err)}
        row["elapsed_seconds"] = round(time.perf_counter() - started, 3)
        out.append((row, ts))
    return out


def describe_error(err: BaseException) -> str:
    """One line: the exception and where it was raised (last frame)."""
    text = " ".join(traceback.format_exception_only(err)).strip().replace("\n", " ")
    frames = traceback.extract_tb(err.__traceback__)
    if frames:
        last = frames[-1]
        text += f" (at {Path(last.filename).name}:{last.lineno} in {last.name})"
    return text[:1000]


@dataclass
class SweepReport:
    """What a call of :func:`run_sweep` did.

    Attributes:
        out: The output folder.
        total: Runs in the design.
        skipped: Runs already finished before this call.
        ran: Runs executed by this call.
        failed: Runs whose latest attempt failed (in the whole table).
        elapsed: Seconds spent.
        notes: How the request differed from what the folder already held, in words.
    """

    out: Path
    total: int
    skipped: int = 0
    ran: int = 0
    failed: int = 0
    elapsed: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Runs per second in this call."""
        return self.ran / self.elapsed if self.elapsed > 0 else 0.0


class SweepFolder:
    """The output folder of a sweep: sweep.json, part files and the consolidated table."""

    def __init__(self, out: str | Path):
        self.out = Path(out)
        self.parts = self.out / "parts"
        self.series = self.out / "timeseries"
        self._next = 0

    @property
    def meta_path(self) -> Path:
        """``sweep.json``."""
        return self.out / "sweep.json"

    @property
    def runs_path(self) -> Path:
        """``runs.parquet``."""
        return self.out / "runs.parquet"

    def read_meta(self) -> dict[str, Any] | None:
        """The folder's sweep.json, or None when there is none."""
        if not self.meta_path.exists():
            return None
        try:
            return json.loads(self.meta_path.read_text())
        except (OSError, ValueError) as err:
            raise ScenarioError(f"{self.meta_path}: cannot read ({err})") from None

    def check(self, sweep: Sweep, force: bool = False) -> None:
        """Check, before any work, that this design's results can go into the folder.

        Raises:
            ScenarioError: The folder is a file, cannot be written, holds results of
                another kind, or a sweep of a different design (unless ``force``).
        """
        def same_design(folder: Path) -> bool:
            meta = self.read_meta()
            if meta is not None and meta.get("fingerprint") != sweep.fingerprint():
                raise ScenarioError(
                    f"--out {self.out}: holds a sweep of a different design (differs in "
                    f"{_differences(meta, sweep.record())}); use a new --out folder, or add "
                    "--force to replace that sweep")
            return True

        check_folder(self.out, "--out", "sweep" if not (self.out / "leverage.toml").exists()
                     else "leverage analysis", force=force, same=same_design)

    def discard(self) -> None:
        """Remove a sweep's own files (``--force`` over another design); others stay."""
        for name in ("sweep.json", "runs.parquet"):
            (self.out / name).unlink(missing_ok=True)
        for folder in (self.parts, self.series):
            if folder.is_dir():
                for f in folder.glob("*.parquet"):
                    f.unlink()

    def prepare(self, sweep: Sweep, notes: list[str] | None = None) -> dict[str, Any]:
        """Write sweep.json for this design (new, or the one the folder holds).

        ``notes`` receives, in words, how the request differs from what is on disk.
        """
        meta = self.read_meta()
        record = sweep.record() | {"fingerprint": sweep.fingerprint()}
        if meta is None or meta.get("fingerprint") != record["fingerprint"]:
            meta = {"created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "replicates": 0}
        held = int(meta.get("replicates", 0))
        if notes is not None and 0 < sweep.replicates < held:
            notes.append(f"the folder already holds {held} replicates per point, more than "
                         f"the {sweep.replicates} asked for; they are kept, and "
                         f"{held} {'is' if held == 1 else 'are'} reported")
        elif notes is not None and held and sweep.replicates > held:
            notes.append(f"adding replicates {held + 1} to {sweep.replicates} to the {held} "
                         "already there")
        replicates = max(sweep.replicates, held)
        points = len(sweep.points())
        meta = record | {
            "created": meta["created"],
            "replicates": replicates,
            "replicate_seeds": sweep.seeds(replicates),
            "points": points,
            "runs": points * replicates,
            "sweep_file": str(sweep.path),
            "outcomes": list(OUTCOMES),
            "versions": {name: _version(name) for name in VERSIONED},
        }
        self.out.mkdir(parents=True, exist_ok=True)
        self.write_json(meta)
        return meta

    def write_json(self, meta: dict[str, Any]) -> None:
        """Write sweep.json atomically."""
        text = json.dumps(meta, indent=2, default=str) + "\n"
        atomic_write(self.meta_path, lambda f: f.write(text.encode()))

    def clean(self) -> None:
        """Remove temporary files left by a killed writer (never a finished file)."""
        for folder in (self.out, self.parts, self.series):
            if folder.is_dir():
                for tmp in folder.glob(".*.tmp"):
                    tmp.unlink(missing_ok=True)

    def part_files(self) -> list[Path]:
        """Finished part files, oldest first."""
        return sorted(self.parts.glob("part-*.parquet")) if self.parts.is_dir() else []

    def read(self) -> pd.DataFrame:
        """Every recorded run, one row per ``run_id`` (the latest attempt wins)."""
        frames = [pd.read_parquet(self.runs_path)] if self.runs_path.exists() else []
        frames += [pd.read_parquet(p) for p in self.part_files()]
        if not frames:
            return pd.DataFrame(columns=["run_id", "status"])
        df = pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
        return df.drop_duplicates("run_id", keep="last").reset_index(drop=True)

    def write_part(self, rows: list[dict[str, Any]], series: list[pd.DataFrame]) -> None:
        """Write a batch of results as one new part file (and its time series), atomically."""
        if not rows:
            return
        self.parts.mkdir(exist_ok=True)
        if not self._next:
            existing = [int(part.stem.split("-")[1]) for part in self.part_files()]
            self._next = max(existing, default=0) + 1
        name = f"part-{self._next:06d}.parquet"
        self._next += 1
        if series:
            # Series first: a kill in between leaves series of runs not yet recorded, which
            # re-run and are deduplicated on reading (see load_timeseries), never the reverse.
            self.series.mkdir(exist_ok=True)
            ts = pd.concat(series, ignore_index=True)
            atomic_write(self.series / name, lambda f: ts.to_parquet(f, index=False))
        df = _frame(rows)
        atomic_write(self.parts / name, lambda f: df.to_parquet(f, index=False))

    def consolidate(self, keys: Sequence[str]) -> pd.DataFrame:
        """Fold the part files into runs.parquet (sorted by run id), then remove them."""
        parts = self.part_files()
        df = self.read()
        if len(df) == 0 and not parts:
            return df
        df = _frame(df.to_dict("records"), keys).sort_values("run_id", ignore_index=True)
        atomic_write(self.runs_path, lambda f: df.to_parquet(f, index=False))
        for p in parts:
            p.unlink(missing_ok=True)
        if self.parts.is_dir() and not any(self.parts.iterdir()):
            self.parts.rmdir()
        return df


def _frame(rows: list[dict[str, Any]], keys: Sequence[str] = ()) -> pd.DataFrame:
    """Rows as a table with fixed column order and types (failed rows have empty outcomes)."""
    df = pd.DataFrame(rows)
    for col in ("regime", "ai_state", "output_sha256", "error"):
        if col not in df:
            df[col] = None
        df[col] = df[col].astype("string")
    for col in OUTCOMES:
        df[col] = df[col].astype(float) if col in df else math.nan
    front = ["run_id", "point", "replicate", *keys]
    front = [c for c in front if c in df] + [c for c in df if c not in front and c not in
                                             ("seed", "status", "regime", "ai_state",
                                              "output_sha256", "error", *OUTCOMES,
                                              "elapsed_seconds")]
    order = front + ["seed", "status", "regime", "ai_state", "output_sha256", "error",
                     *OUTCOMES, "elapsed_seconds"]
    return df.reindex(columns=order)


def load_runs(out: str | Path) -> pd.DataFrame:
    """The runs of a sweep folder (runs.parquet plus any unconsolidated parts)."""
    return SweepFolder(out).read()


def load_timeseries(out: str | Path) -> pd.DataFrame:
    """All stored weekly series of a sweep (``--timeseries``), one set per ``run_id``."""
    files = sorted((Path(out) / "timeseries").glob("part-*.parquet"))
    if not files:
        return pd.DataFrame()
    df = pd.concat([pd.read_parquet(p) for p in files], ignore_index=True)
    return df.drop_duplicates(["run_id", "week"], keep="last").reset_index(drop=True)


def plan(sweep: Sweep, replicates: int | None = None) -> list[RunTask]:
    """Every run of the design, replicate-major (a full first pass over the points first,
    so a stopped sweep already covers the whole design)."""
    base = dict(sweep.base)
    n = replicates or sweep.replicates
    seeds = sweep.seeds(n)
    return [RunTask(run_id(i, r), i, r, seeds[r], point, base)
            for r in range(n)
            for i, point in enumerate(sweep.points())]


def run_sweep(
    sweep: Sweep,
    out: str | Path,
    *,
    workers: int | None = None,
    backend: str = "local",
    scheduler: str | None = None,
    batch_size: int | None = None,
    keep_timeseries: bool = False,
    run: RunFn = execute,
    flush_seconds: float = 20.0,
    progress: Callable[[int, int, int, int], None] | None = None,
    force: bool = False,
) -> SweepReport:
    """Run every missing run of a design into ``out``; resume what a previous call began.

    The folder is checked first (writable, not holding results of another kind or a sweep
    of another design unless ``force``) and locked while the sweep runs: a second process
    on the same folder stops at once with the first one's pid.

    Args:
        sweep: A validated sweep (:func:`~ecosim.experiments.designs.load_sweep`).
        out: Output folder (created; must be new, empty or hold this same design).
        workers: Worker processes for the local pool or a LocalCluster (None: all cores).
        backend: ``local``, ``dask`` or ``inline`` (see :mod:`~ecosim.experiments.executors`).
        scheduler: A Dask scheduler address (``dask`` back-end only).
        batch_size: Runs per executor task (None: about four tasks per worker, at most 8
            runs each).
        keep_timeseries: Also store every run's weekly series.
        run: Runs one task (tests inject failures here); module-level so that it pickles.
        flush_seconds: Write a part file at most this often.
        progress: Called as ``progress(done, total, failed, skipped)`` once the workers
            have started and then as results arrive.
        force: Write over another design's sweep in ``out`` (its files are removed first).

    Returns:
        A :class:`SweepReport`. Failed runs do not raise; they are counted.

    Raises:
        ScenarioError: ``out`` holds something else (a different design, other files),
            cannot be written, or is in use by another process.
        KeyboardInterrupt: After saving every finished run (the report is not returned).
    """
    started = time.perf_counter()
    folder = SweepFolder(out)
    folder.check(sweep, force)
    with FolderLock(folder.out, "--out"):
        if force and folder.read_meta() is not None and (
                folder.read_meta().get("fingerprint") != sweep.fingerprint()):
            folder.discard()
        return _run_sweep(sweep, folder, started, workers, backend, scheduler, batch_size,
                          keep_timeseries, run, flush_seconds, progress)


def _run_sweep(sweep, folder, started, workers, backend, scheduler, batch_size,
               keep_timeseries, run, flush_seconds, progress) -> SweepReport:
    notes: list[str] = []
    meta = folder.prepare(sweep, notes)
    folder.clean()
    keys = sweep.keys
    recorded = folder.read()
    finished = set(recorded.loc[recorded["status"] == STATUS_OK, "run_id"])
    tasks = [t for t in plan(sweep, meta["replicates"]) if t.run_id not in finished]
    report = SweepReport(folder.out, total=meta["runs"], skipped=meta["runs"] - len(tasks),
                         notes=notes)
    rows: list[dict[str, Any]] = []
    series: list[pd.DataFrame] = []
    last_flush = time.monotonic()

    def flush() -> None:
        nonlocal last_flush
        try:
            folder.write_part(rows, series)
        except OSError as err:  # a full disk: keep these runs elsewhere, and stop
            pending = list(rows), list(series)
            rows.clear(), series.clear()

            def keep(there: Path) -> None:
                SweepFolder(there).write_part(*pending)

            raise WriteFailed(rescue(keep, f"a part file in {folder.parts}", err)
                              + "; the runs saved before are intact: free space and run "
                              "the same command again to resume") from None
        rows.clear(), series.clear()
        last_flush = time.monotonic()

    failed_now = 0
    if tasks:
        with open_executor(backend, workers, scheduler) as (executor, slots):
            size = batch_size or max(1, min(8, math.ceil(len(tasks) / (4 * slots))))
            batches = [tasks[i:i + size] for i in range(0, len(tasks), size)]
            pending: dict[Future, list[RunTask]] = {}
            try:
                for batch in batches:
                    pending[executor.submit(run_batch, batch, run, keep_timeseries)] = batch
                # Only now, with the workers started (forked), may a caller start threads
                # such as a progress bar's: forking a threaded process can deadlock.
                if progress:
                    progress(report.skipped, report.total, 0, report.skipped)
                while pending:
                    done, _ = wait(list(pending), timeout=flush_seconds or None,
                                   return_when=FIRST_COMPLETED)
                    for future in done:
                        batch = pending.pop(future)
                        for row, ts in _results(future, batch):
                            rows.append(row)
                            if ts is not None:
                                series.append(ts)
                            report.ran += 1
                            failed_now += row["status"] == STATUS_FAILED
                    if progress and done:
                        progress(report.skipped + report.ran, report.total, failed_now,
                                 report.skipped)
                    if time.monotonic() - last_flush >= flush_seconds:
                        flush()
            except KeyboardInterrupt:
                for future in pending:
                    future.cancel()
                raise
            finally:
                # Whatever finished is kept, also on Ctrl-C: the next call skips it.
                in_flight = sys.exc_info()[1]
                try:
                    flush()
                    final = folder.consolidate(keys)
                    report.failed = int((final["status"] == STATUS_FAILED).sum())
                except (OSError, WriteFailed) as err:
                    if in_flight is None:
                        if isinstance(err, WriteFailed):
                            raise
                        raise WriteFailed(f"could not write {folder.runs_path} "
                                          f"({err.strerror or err}); the part files are "
                                          "intact: free space and run the same command "
                                          "again") from None
                report.elapsed = time.perf_counter() - started
    else:
        final = folder.consolidate(keys)
        report.failed = int((final["status"] == STATUS_FAILED).sum()) if len(final) else 0
        report.elapsed = time.perf_counter() - started
    return report


def _results(future: Future, batch: list[RunTask]
             ) -> list[tuple[dict[str, Any], pd.DataFrame | None]]:
    """A batch's rows; if the whole batch was lost (a worker died), each run is failed."""
    try:
        return future.result()
    except Exception as err:  # noqa: BLE001 - e.g. BrokenProcessPool, a Dask KilledWorker
        why = "worker lost: " + describe_error(err)
        return [({"run_id": t.run_id, "point": t.point, "replicate": t.replicate,
                  **t.values, "seed": t.seed, "status": STATUS_FAILED, "error": why,
                  "elapsed_seconds": math.nan}, None) for t in batch]


def _differences(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Name what differs between two design records, briefly."""
    diffs = [k for k in ("method", "samples", "root_seed", "factors", "options")
             if old.get(k) != new.get(k)]
    old_base = _flat(old.get("base", {}).get("parameters", {}))
    new_base = _flat(new["base"]["parameters"])
    diffs += [f"base {k}" for k in sorted(set(old_base) | set(new_base))
              if old_base.get(k) != new_base.get(k)]
    return ", ".join(diffs[:5]) + (" ..." if len(diffs) > 5 else "") or "fingerprint"


def _flat(nested: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in nested.items():
        if isinstance(v, dict):
            out |= _flat(v, f"{prefix}{k}.")
        else:
            out[f"{prefix}{k}"] = v
    return out


__all__ = ["OUTCOMES", "RunTask", "SweepFolder", "SweepReport", "execute", "load_runs",
           "load_timeseries", "plan", "run_batch", "run_sweep", "summarise"]

"""Run a scenario and package its output: the time series, the manifest and the regime.

This is the one public run function that the CLI, sweeps, validation and the dashboard
call; they meet the model only through the tables it returns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecosim.model.model import EcosystemModel
from ecosim.model.scenario import Scenario
from ecosim.stie.regimes import Regime, classify

DEPENDENCIES = ("mesa", "numpy", "pandas", "pyarrow", "networkx", "scipy")


@dataclass
class RunResult:
    """The output of one run.

    Attributes:
        timeseries: One row per recorded week (columns in
            ``ecosim.model.observables.COLUMNS`` plus ``date``).
        manifest: Seed, resolved parameters, regime, versions and ``output_sha256``.
        regime: The classification of the run.
        model: The model at the end of the run.
    """

    timeseries: pd.DataFrame
    manifest: dict[str, Any]
    regime: Regime
    model: EcosystemModel


def run_scenario(
    scenario: Scenario,
    *,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    engine: str = "fast",
) -> RunResult:
    """Build the model (with its burn-in), run it, classify it and hash the output.

    Args:
        scenario: A validated scenario.
        seed: Overrides ``run.seed``.
        progress: Called as ``progress(done_weeks, total_weeks)`` after each week.
        engine: "fast" (vectorised, the default) or "reference" (one Mesa agent per person).
    """
    from ecosim.model.reference import ENGINES

    started = time.perf_counter()
    model = ENGINES[engine](scenario, seed=seed)
    total = model.p.run.weeks
    while model.running:
        model.step()
        if progress:
            progress(model.week, total)
    ts = timeseries(model)
    regime = classify(ts, model.p)
    manifest = run_manifest(model, ts, regime) | {
        "engine": engine, "elapsed_seconds": round(time.perf_counter() - started, 3)}
    return RunResult(ts, manifest, regime, model)


def run_manifest(model: EcosystemModel, ts: pd.DataFrame, regime: Regime | None) -> dict[str, Any]:
    """What ``manifest.json`` says of a run: seed, scenario, every parameter, regime, the
    output hash and the versions. Callers add how the run was made (engine, time, source)."""
    return {
        "seed": model.p.run.seed,
        "scenario": model.scenario_source,
        "parameters": model.p.nested(),
        "regime": regime.name if regime else None,
        "regime_reason": regime.reason if regime else None,
        "final_contributor_ratio": regime.final_ratio if regime else None,
        "weeks": int(len(ts)),
        "output_sha256": table_hash(ts),
        "ecosim_version": _version("ecosim"),
        "versions": {name: _version(name) for name in DEPENDENCIES}
        | {"python": platform.python_version()},
    }


def timeseries(model: EcosystemModel) -> pd.DataFrame:
    """The model's recorded weeks as a table, with calendar dates."""
    df = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    df["week"] = df["week"].astype(np.int64)
    start = model.p.run.start_date
    df.insert(1, "date", [(start + dt.timedelta(weeks=int(w))).isoformat() for w in df["week"]])
    return df


def table_hash(df: pd.DataFrame) -> str:
    """SHA-256 of a table's column names, types and values (not of a file's bytes)."""
    h = hashlib.sha256()
    for name in df.columns:
        col = df[name]
        h.update(name.encode())
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            h.update(b"text")
            h.update("\x1f".join(map(str, col)).encode())
        else:
            values = np.ascontiguousarray(col.to_numpy())
            h.update(str(values.dtype).encode())
            h.update(values.tobytes())
    return h.hexdigest()


def write_outputs(result: RunResult, out: str | Path) -> None:
    """Write ``timeseries.parquet`` and ``manifest.json`` into ``out``, each atomically."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "timeseries.parquet", lambda f: result.timeseries.to_parquet(f, index=False))
    atomic_write(out / "manifest.json",
                 lambda f: f.write(json.dumps(result.manifest, indent=2).encode() + b"\n"))


def atomic_write(path: Path, write: Callable[[Any], None]) -> None:
    """Write a file through a temporary file in the same folder and rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"

"""A run as the dashboard sees it: the model and its counterfactual, stepped together.

No Solara here: :class:`Simulation` is plain Python so that it can be tested and timed
without a browser. The page holds one per session and publishes :class:`Snapshot` tables
to the plots, so drawing never reads a model while a background thread steps it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ecosim.experiments.run import run_manifest, timeseries
from ecosim.model.model import EcosystemModel
from ecosim.model.params import Params, defaults
from ecosim.model.scenario import Scenario, load_scenario
from ecosim.stie.regimes import Regime, classify

DEFAULT_PRESET = "baseline"


@dataclass(frozen=True)
class Snapshot:
    """What the plots draw: copies of the tables at one moment.

    Attributes:
        week: Weeks recorded so far.
        weeks: Recorded length of the run (``run.weeks``).
        ts: The main run's time series.
        counterfactual: The same world without the AI (None when the AI is off anyway).
        regime: Classification of the run so far (None before the first week).
        params: The run's parameters.
        running: False once the run has reached its last week.
    """

    week: int
    weeks: int
    ts: pd.DataFrame
    counterfactual: pd.DataFrame | None
    regime: Regime | None
    params: Params
    running: bool


def presets(folder: str | Path) -> dict[str, Path]:
    """Scenario files in ``folder`` by name (file stem), baseline first."""
    files = sorted(Path(folder).glob("*.toml"))
    files.sort(key=lambda f: f.stem != DEFAULT_PRESET)
    return {f.stem: f for f in files}


def preset_values(path: str | Path | None) -> dict[str, Any]:
    """All parameters of a scenario file (or the defaults for None), by dotted key."""
    params = load_scenario(path).params if path else defaults()
    return dict(params)


class Simulation:
    """A model and, when the AI exists, its counterfactual twin (same seed, no AI).

    Args:
        values: Every parameter by dotted key (validated here).
        source: Where the values came from (a scenario file), for the manifest.
        counterfactual: Whether to step the twin alongside.

    Raises:
        ScenarioError: If a value is out of range or of the wrong type.
    """

    def __init__(self, values: dict[str, Any], source: str = "dashboard",
                 counterfactual: bool = True):
        scenario = Scenario(defaults().with_values(values, "dashboard"), source)
        self.model = EcosystemModel(scenario)
        self.twin = None
        if counterfactual and scenario.params.ai.enabled:
            # Each mechanism has its own random stream, so the twin shares every draw that
            # does not involve the AI: the gap between the two is the AI's effect.
            self.twin = EcosystemModel(scenario.with_values({"ai.enabled": False}))
        self.lock = threading.Lock()
        self.step_seconds: deque[float] = deque(maxlen=500)

    @property
    def params(self) -> Params:
        """The run's parameters."""
        return self.model.p

    @property
    def running(self) -> bool:
        """True until the run's last week."""
        return self.model.running

    def step(self, weeks: int = 1) -> int:
        """Advance both models; returns the weeks actually stepped."""
        done = 0
        with self.lock:
            for _ in range(weeks):
                if not self.model.running:
                    break
                start = time.perf_counter()
                self.model.step()
                if self.twin is not None and self.twin.running:
                    self.twin.step()
                self.step_seconds.append(time.perf_counter() - start)
                done += 1
        return done

    def run_to_end(self) -> int:
        """Step until the last week."""
        return self.step(self.params.run.weeks)

    def snapshot(self) -> Snapshot:
        """Copy the current tables (under the lock) and classify the run so far."""
        with self.lock:
            ts = timeseries(self.model)
            cf = timeseries(self.twin) if self.twin is not None else None
            week, running = self.model.week, self.model.running
        regime = classify(ts, self.params) if len(ts) else None
        return Snapshot(week, self.params.run.weeks, ts, cf, regime, self.params, running)

    def mean_step_ms(self) -> float:
        """Mean cost of a stepped week (both models) over the recent steps, in ms."""
        if not self.step_seconds:
            return 0.0
        return 1000 * sum(self.step_seconds) / len(self.step_seconds)

    def manifest(self, snapshot: Snapshot | None = None) -> dict[str, Any]:
        """The run's manifest, in the shape ``ecosim run --out`` writes."""
        snap = snapshot or self.snapshot()
        return run_manifest(self.model, snap.ts, snap.regime) | {
            "complete": not snap.running,
            "source": "dashboard",
        }

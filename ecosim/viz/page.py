"""The dashboard page: Mesa's SolaraViz layout, driven by ecosim's validated scenarios.

The layout follows :func:`mesa.visualization.SolaraViz` (app bar, a sidebar with the
controls and the model parameters, the plots in pages). The controller is ecosim's own,
for four reasons SolaraViz's ``ModelController`` cannot serve: the model is built from a
validated :class:`~ecosim.scenario.Scenario` of dotted keys, not from keyword arguments; a
counterfactual twin steps alongside; the burn-in makes a reset take about a second, so it
runs in the background behind a spinner; and a failed construction or step must show as a
message in the page rather than a traceback.

Threads: the Play loop and a reset run as Solara tasks. Each frame steps the models
``weeks per frame`` times and then publishes a :class:`~ecosim.viz.session.Snapshot`;
only publishing redraws the plots, so drawing costs once per frame, not once per week.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import reacton.core
import solara
import solara.lab

from ecosim.viz.lesson import Try
from ecosim.viz.panels import Downloads, RegimeBadge, StiePanel
from ecosim.viz.params import MechanismSwitches, ParameterPanel
from ecosim.viz.plots import LivePlots
from ecosim.viz.regime_map import DEFAULT_FOLDER, RegimeMap
from ecosim.viz.session import DEFAULT_PRESET, Simulation, Snapshot, preset_values, presets
from ecosim.viz.tour import Lesson

TABS = ("Live plots", "Lesson", "Regime map", "STIE cards")

# Reacton's default renderer walks the whole widget tree on every render pass, even when only
# the status line and the plots changed. The sidebar's closed panels therefore hold no
# widgets (see ecosim/viz/params.py): the page is about 100 widgets instead of 490, and a
# Step at 10,000 people went from about 87 to 47 ms in this process (benchmarks/
# dashboard.json). Reacton's opt-in renderer (REACTON_FAST=1) measured 53 ms against 51 to
# 73 ms without it on this noisy machine: not worth switching on an experimental renderer.


@dataclass
class State:
    """The page's reactive state (one per browser session)."""

    preset: solara.Reactive[str]
    source: solara.Reactive[str]
    values: solara.Reactive[dict[str, Any]]
    applied: solara.Reactive[dict[str, Any]]
    snapshot: solara.Reactive[Snapshot | None]
    error: solara.Reactive[str | None]
    playing: solara.Reactive[bool]
    weeks_per_frame: solara.Reactive[int]
    interval_ms: solara.Reactive[int]
    counterfactual: solara.Reactive[bool]
    generation: solara.Reactive[int]
    frame_ms: solara.Reactive[float]


def _use_state(files: dict[str, Path]) -> State:
    first = DEFAULT_PRESET if DEFAULT_PRESET in files else next(iter(files), "")
    initial = solara.use_memo(lambda: preset_values(files.get(first)), [])
    return State(
        preset=solara.use_reactive(first),
        source=solara.use_reactive(str(files[first]) if first else "defaults"),
        values=solara.use_reactive(initial),
        applied=solara.use_reactive(initial),
        snapshot=solara.use_reactive(None),
        error=solara.use_reactive(None),
        playing=solara.use_reactive(False),
        weeks_per_frame=solara.use_reactive(4),
        interval_ms=solara.use_reactive(0),
        counterfactual=solara.use_reactive(True),
        generation=solara.use_reactive(0),
        frame_ms=solara.use_reactive(0.0),
    )


def _changed(values: dict[str, Any], applied: dict[str, Any]) -> set[str]:
    return {k for k in values if values[k] != applied.get(k)}


@solara.component
def Dashboard(scenario_dir: str | Path = "scenarios",
              map_folder: str | Path = DEFAULT_FOLDER,
              name: str = "ecosim: AI and the knowledge commons"):
    """The whole dashboard.

    Args:
        scenario_dir: Folder of scenario presets (``*.toml``).
        map_folder: Sweep output folder the regime map reads.
        name: Title in the app bar.
    """
    scenario_dir = Path(scenario_dir)
    files = presets(scenario_dir)
    st = _use_state(files)
    holder = solara.use_memo(lambda: {"sim": None, "frame_ms": 0.0}, [])
    tab = solara.use_reactive(0)
    # Setting state from a callback renders at once, once per subscribed component (the
    # status, the buttons, the plots and the downloads each took a render pass of the
    # whole page). Inside ``with rc`` the sets are batched into a single pass.
    rc = reacton.core.get_render_context(required=False)

    def publish(sim: Simulation) -> None:
        snap = sim.snapshot()
        start = time.perf_counter()
        with rc if rc is not None else contextlib.nullcontext():
            st.snapshot.set(snap)  # redraws the plots (in this thread), at the end of the batch
            # The status shows the previous frame's drawing time: this one is being drawn.
            st.frame_ms.set(holder["frame_ms"])
        holder["frame_ms"] = 1000 * (time.perf_counter() - start)

    def build() -> None:
        st.playing.set(False)
        st.error.set(None)
        values = dict(st.values.value)
        try:
            sim = Simulation(values, st.source.value, st.counterfactual.value)
        except Exception as err:  # out-of-range values, or a failure deep in the model
            st.error.set(f"Could not build the model: {type(err).__name__}: {err}")
            return
        holder["sim"] = sim
        st.applied.set(values)
        publish(sim)

    # Runs on first render and whenever Reset bumps the generation.
    building = solara.lab.use_task(build, dependencies=[st.generation.value])

    def advance(sim: Simulation, weeks: int) -> bool:
        """Step ``sim``; False (and the error shown) if the model failed."""
        try:
            sim.step(weeks)
        except Exception as err:  # a failure deep in the model: a message, not a traceback
            st.error.set(f"The model failed in week {sim.model.week}: "
                         f"{type(err).__name__}: {err}")
            return False
        return True

    def play() -> None:
        # Pausing sets playing to False and this loop ends after its current frame; only
        # the end of the run or an error switch Play off from here (a Pause-then-Play must
        # not be undone by the old loop finishing).
        while st.playing.value:
            sim = holder["sim"]
            if sim is None or not sim.running:
                st.playing.set(False)
                return
            start = time.perf_counter()
            if not advance(sim, st.weeks_per_frame.value):
                st.playing.set(False)
                return
            publish(sim)
            pause = st.interval_ms.value / 1000 - (time.perf_counter() - start)
            if pause > 0:
                time.sleep(pause)

    solara.lab.use_task(play, dependencies=[st.playing.value])

    def run_to_end() -> None:
        sim = holder["sim"]
        if sim is None:
            return
        advance(sim, sim.params.run.weeks)
        publish(sim)

    jumping = solara.lab.use_task(run_to_end, dependencies=None)

    def reset() -> None:
        st.playing.set(False)
        st.generation.set(st.generation.value + 1)

    def step() -> None:
        sim = holder["sim"]
        if sim is None:
            return
        advance(sim, 1)
        publish(sim)

    def set_value(key: str, value: Any) -> None:
        st.values.set({**st.values.value, key: value})

    def load(values: dict[str, Any], preset: str | None = None, source: str | None = None):
        st.values.set(values)
        if preset is not None:
            st.preset.set(preset)
        if source is not None:
            st.source.set(source)
        reset()

    def choose_preset(name: str) -> None:
        try:
            load(preset_values(files[name]), name, str(files[name]))
        except Exception as err:
            st.error.set(f"Could not load preset {name}: {err}")

    def try_lesson(t: Try) -> None:
        path = scenario_dir.parent / t.scenario
        try:
            values = preset_values(path) | dict(t.settings)
        except Exception as err:
            st.error.set(f"Could not load {t.scenario}: {err}")
            return
        tab.set(0)
        load(values, path.stem, str(path))

    def load_cell(settings: dict[str, Any]) -> None:
        tab.set(0)
        load({**st.values.value, **settings}, source=f"regime map {map_folder}")

    def manifest() -> dict[str, Any]:
        sim = holder["sim"]
        return sim.manifest(st.snapshot.value) if sim is not None else {}

    busy = building.pending or jumping.pending
    changed = _changed(st.values.value, st.applied.value)

    with solara.AppBar():
        solara.AppBarTitle(name)
        solara.lab.ThemeToggle()

    with solara.Sidebar(), solara.Column():
        with solara.Card("Controls"):
            RunButtons(st, busy, reset=reset, step=step, to_end=jumping)
            solara.SliderInt("Weeks per frame (draw every k weeks)", value=st.weeks_per_frame,
                             min=1, max=52)
            solara.SliderInt("Pause between frames (ms)", value=st.interval_ms, min=0,
                             max=1000, step=10)
            solara.Select("Scenario preset", values=list(files), value=st.preset.value,
                          on_value=choose_preset, classes=["ecosim-preset"])
            solara.InputInt("Seed", value=st.values.value["run.seed"],
                            on_value=lambda v: set_value("run.seed", v),
                            continuous_update=True, classes=["ecosim-seed"])
            solara.Switch(label="Show the world without the AI (dashed)",
                          value=st.counterfactual,
                          on_value=lambda v: (st.counterfactual.set(v), reset()))
        with solara.Card("Model parameters"):
            Pending(len(changed))
            solara.Text("Changes apply on Reset.", style={"font-size": "0.8em"})
            MechanismSwitches(st.values.value, set_value)
            ParameterPanel(st.values.value, set_value, changed)
        with solara.Card("Download this run"):
            LiveDownloads(st, manifest)

    Notices(st.error.value, "Building the model (burn-in) ..." if building.pending
            else "Running to the end ..." if jumping.pending else "")
    Status(st, holder)
    with solara.v.Tabs(v_model=tab.value, on_v_model=tab.set):
        for title in TABS:
            solara.v.Tab(children=[title])
    # Only the visible tab renders: hidden plots would cost a redraw every frame.
    if tab.value == 0:
        LiveTab(st)
    elif tab.value == 1:
        Lesson(try_lesson)
    elif tab.value == 2:
        RegimeMap(map_folder, load_cell)
    else:
        StieTab(st)


# The components below read the published snapshot; the page itself does not, so that a
# new frame redraws them and not the whole sidebar. Messages that come and go
# live in components of their own: an element inserted among a parent's children would
# make the widgets after it be rebuilt (closing open panels, losing clicks).


@solara.component
def Pending(count: int):
    """How many parameter changes wait for Reset."""
    if count:
        solara.Warning(f"{count} change(s) not applied yet: press Reset.", dense=True,
                       classes=["ecosim-pending"])


@solara.component
def Notices(error: str | None, busy: str):
    """An error from building or stepping the model, and the spinner while busy."""
    if error:
        solara.Error(error, classes=["ecosim-error"])
    if busy:
        with solara.Row(style={"align-items": "center"}):
            solara.SpinnerSolara(size="40px")
            solara.Text(busy, classes=["ecosim-busy"])


@solara.component
def RunButtons(st: State, busy: bool, reset, step, to_end):
    """Reset, Play/Pause, Step and To end, enabled as the run allows."""
    snap = st.snapshot.value
    idle = not busy and snap is not None and snap.running
    with solara.Row(justify="space-between", style={"flex-wrap": "wrap"}):
        solara.Button("Reset", color="primary", on_click=reset, disabled=busy,
                      classes=["ecosim-reset"])
        solara.Button("Pause" if st.playing.value else "Play", color="primary",
                      on_click=lambda: st.playing.set(not st.playing.value),
                      disabled=not idle, classes=["ecosim-play"])
        solara.Button("Step", color="primary", on_click=step,
                      disabled=not idle or st.playing.value, classes=["ecosim-step"])
        solara.Button("To end", color="primary", outlined=True, on_click=to_end,
                      disabled=not idle or st.playing.value, classes=["ecosim-to-end"])


@solara.component
def Status(st: State, holder: dict[str, Simulation | None]):
    """Week, world size, measured costs, and the regime badge."""
    snap = st.snapshot.value
    sim = holder["sim"]
    if snap is not None:
        cost = (f"; a week costs {sim.mean_step_ms():.1f} ms"
                if sim is not None and sim.step_seconds else "")
        draw = f", a frame draws in {st.frame_ms.value:.0f} ms" if st.frame_ms.value else ""
        solara.Text(f"Week {snap.week} of {snap.weeks} - {snap.params['population.size']:,} "
                    f"people - {snap.params['meta.name'] or st.preset.value}{cost}{draw}",
                    classes=["ecosim-status"])
    RegimeBadge(snap)


@solara.component
def LiveTab(st: State):
    """The live plots of the published snapshot."""
    LivePlots(st.snapshot.value)


@solara.component
def StieTab(st: State):
    """The STIE cards, marked on/off as in the running model."""
    snap = st.snapshot.value
    StiePanel(snap.params if snap else None, st.values.value, st.source.value)


@solara.component
def LiveDownloads(st: State, manifest):
    """Downloads of the published snapshot."""
    Downloads(st.snapshot.value, manifest)

"""The dashboard without a browser: its session logic, its content and its components.

Components are rendered with ``solara.render``; the browser tests are in
``tests/test_dashboard_browser.py``.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import ipyvuetify as v
import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest
import solara
from PIL import Image

from ecosim.experiments.run import run_scenario
from ecosim.model.params import SCHEMA, defaults
from ecosim.model.scenario import Scenario
from ecosim.model.schedule import REGISTRY
from ecosim.stie.targets import TARGETS
from ecosim.viz import lesson, panels, params, plots, regime_map
from ecosim.viz.plots import PANELS, LivePanel
from ecosim.viz.session import Simulation, preset_values, presets

from .conftest import ROOT, SCENARIOS, SMALL
from .dashboard_helpers import render_page, status, wait_for

TINY = {"population.size": 400, "world.topics": 10, "run.burn_in_weeks": 10,
        "run.weeks": 40, "ai.launch_week": 10, "ai.retrain_interval": 10}


def values(**changes) -> dict:
    """Every key: the defaults, the small test world, then changes (dotted keys)."""
    return dict(defaults()) | SMALL | changes


# -- lesson ---------------------------------------------------------------------------------


def test_lesson_covers_the_five_steps_with_valid_settings():
    lesson.check(root=ROOT)
    assert len(lesson.STEPS) == 5
    for step in lesson.STEPS:
        assert step.title and step.text and step.notice and step.tries
        for t in step.tries:
            # Every try must be loadable exactly as the page loads it.
            Scenario(defaults().with_values(preset_values(ROOT / t.scenario) | t.settings))


def test_lesson_check_rejects_unknown_keys():
    bad = lesson.Step("x", "x", "x", ("x",), (lesson.Try("x", {"ai.nonsense": 1}, "x", lambda run, base: True),))
    with pytest.raises(ValueError, match="ai.nonsense"):
        lesson.check((bad,))


# -- parameter controls ---------------------------------------------------------------------


def test_sliders_come_from_the_schema_groups():
    groups = params.keys_by_group()
    for name in ("people", "platforms", "ai", "interventions"):
        assert groups[name], name
        assert all(SCHEMA[k].group == name for k in groups[name])
    shown = {k for keys in groups.values() for k in keys}
    assert "population.size" in shown and "ai.launch_week" in shown
    assert not shown & params.HIDDEN


@pytest.mark.parametrize("key", [k for k, p in SCHEMA.items()
                                 if p.kind in (int, float) and p.low is not None])
def test_slider_ends_are_valid_values(key):
    param = SCHEMA[key]
    vals = dict(defaults())
    high = params.upper(param, vals)
    assert param.low <= high <= param.high
    n = params.positions(param, high)
    for pos in range(0, n + 1, max(1, n // 20)):
        param.check(params.from_position(param, pos, high), "test")
    assert params.from_position(param, 0, high) == param.low
    assert params.from_position(param, n, high) == high
    assert params.to_position(param, param.low, high) == 0
    assert params.to_position(param, high, high) == n
    assert params.to_position(param, param.default, high) in range(n + 1)


def test_every_slider_extreme_builds_and_steps():
    """Sliders at either end must give a model that builds and steps (the page would show
    any failure as a message; here we want none)."""
    failures = []
    base = dict(defaults()) | TINY
    for keys in params.keys_by_group().values():
        for key in keys:
            param = SCHEMA[key]
            if param.kind in (int, float):
                ends = (param.low, params.upper(param, base))
            elif param.kind is bool:
                ends = (not param.default,)
            elif param.choices:
                ends = param.choices
            else:
                continue
            for end in ends:
                if key in ("population.size", "run.weeks", "run.burn_in_weeks") \
                        and end == ends[-1] and param.kind is not bool:
                    end = base[key] * 2  # the cap itself is checked above; keep it fast
                try:
                    sim = Simulation(base | {key: end}, counterfactual=False)
                    sim.step(5)
                    sim.snapshot()
                except Exception as err:  # noqa: BLE001 - collect them all
                    failures.append(f"{key}={end}: {type(err).__name__}: {err}")
    assert not failures, "\n".join(failures)


# -- the session: model and counterfactual ----------------------------------------------------


def test_simulation_steps_model_and_counterfactual_together():
    sim = Simulation(values())
    assert sim.twin is not None and not sim.twin.p["ai.enabled"]
    assert sim.model.p["run.seed"] == sim.twin.p["run.seed"]
    assert sim.step(3) == 3
    snap = sim.snapshot()
    assert snap.week == 3 and len(snap.ts) == 3 and len(snap.counterfactual) == 3
    assert snap.regime is not None
    assert sim.mean_step_ms() > 0


def test_no_counterfactual_when_the_ai_is_off():
    assert Simulation(values(**{"ai.enabled": False})).twin is None
    assert Simulation(values(), counterfactual=False).twin is None


def test_finished_dashboard_run_matches_the_cli_run():
    vals = values()
    sim = Simulation(vals, source="test")
    sim.run_to_end()
    manifest = sim.manifest()
    cli = run_scenario(Scenario(defaults().with_values(vals), "test"))
    assert manifest["output_sha256"] == cli.manifest["output_sha256"]
    assert manifest["regime"] == cli.regime.name and manifest["complete"]
    assert manifest["parameters"] == cli.manifest["parameters"]
    assert sim.step(1) == 0  # a finished run does not go on


def test_bad_values_raise_a_clear_error():
    with pytest.raises(ValueError, match="population.size"):
        Simulation(values(**{"population.size": 0}))


def test_presets_are_every_scenario_file():
    found = presets(SCENARIOS)
    assert set(found) == {p.stem for p in SCENARIOS.glob("*.toml")}
    assert next(iter(found)) == "baseline"


def test_every_panel_draws_empty_and_full_runs():
    sim = Simulation(values())
    for name in PANELS:
        assert LivePanel(name).png(sim.snapshot()).startswith(b"\x89PNG")
    sim.step(80)
    snap = sim.snapshot()
    assert snap.ts["ai_retrained"].sum() >= 1
    for name in PANELS:
        panel = LivePanel(name)
        assert panel.png(snap).startswith(b"\x89PNG")
        fig = panel.figure
        assert fig.axes and any(ax.lines or ax.collections for ax in fig.axes)



def test_live_panels_follow_the_run_without_redrawing_everything():
    """The persistent figures' artists hold the model's series after every frame, and the
    background (axes, ticks) is not redrawn on each frame."""
    sim = Simulation(values())
    live = {name: LivePanel(name) for name in PANELS}
    frames = 0
    for weeks in [0] + [1] * 40 + [4] * 20 + [10] * 3:
        sim.step(weeks)
        snap = sim.snapshot()
        frames += 1
        for name, panel in live.items():
            png = panel.png(snap)
            assert png.startswith(b"\x89PNG") and Image.open(io.BytesIO(png)).size == (512, 232)
            for a in panel.axes:
                for col, line in a["runs"].items():
                    assert list(line.get_xdata()) == list(snap.ts["week"]), (name, col)
                    assert list(line.get_ydata()) == list(snap.ts[col].astype(float))
                for col, line in a["twins"].items():
                    assert list(line.get_ydata()) == list(snap.counterfactual[col].astype(float))
                low, high = a["ax"].get_ylim()
                if len(snap.ts):
                    shown = [snap.ts[c].max() for c in a["runs"]] + [1e-9]
                    assert low == 0 and high >= max(shown), (name, high, shown)
                assert [m.get_xdata()[0] for m in a["retrains"]] == [
                    w for w in snap.ts.loc[snap.ts["ai_retrained"] == 1, "week"]
                    if w != snap.params["ai.launch_week"]]
    assert live["ai"].full_draws == 1  # a fixed 0..1 axis: one background per run
    assert all(panel.full_draws <= 8 for panel in live.values()), \
        {name: panel.full_draws for name, panel in live.items()}
    assert snap.week == 150 and frames == 64
    # The last frame's picture equals a full matplotlib render of the same figure, except
    # where the legend was placed for an earlier part of the run.
    for name, panel in live.items():
        fast = np.asarray(Image.open(io.BytesIO(panel.png(snap))).convert("RGB"), dtype=int)
        buf = io.BytesIO()
        panel.figure.savefig(buf, format="png", dpi=80)
        full = np.asarray(Image.open(buf).convert("RGB"), dtype=int)
        assert (np.abs(fast - full).max(axis=2) > 30).mean() < 0.05, name


def test_thin_keeps_short_series_and_spikes():
    x = np.arange(5000)
    y = np.zeros(5000)
    y[1234] = 9.0
    tx, ty = plots.thin(x, y, limit=1000)
    assert len(tx) <= 1002 and ty.max() == 9.0 and tx[0] == 0 and tx[-1] == 4999
    assert len(plots.thin(x[:10], y[:10])[0]) == 10
    assert plots.nice_ceiling(5230) == 6000 and plots.nice_ceiling(0) == 1.0


def test_plot_component_redraws_when_a_snapshot_is_published():
    sim = Simulation(values())
    snap = solara.reactive(sim.snapshot())

    @solara.component
    def Page():
        plots.LivePlots(snap.value)

    box, rc = solara.render(Page(), handle_error=False)
    images = rc.find(widgets.Image)
    assert len(images) == len(PANELS)
    before = [bytes(w.value) for w in images.widgets]
    sim.step(60)  # past the AI's launch: every panel changes
    snap.value = sim.snapshot()
    after = [bytes(w.value) for w in rc.find(widgets.Image).widgets]
    assert all(a.startswith(b"\x89PNG") for a in after)
    assert all(a != b for a, b in zip(after, before))

def test_downloads_hold_the_run():
    sim = Simulation(values())
    sim.step(5)
    snap = sim.snapshot()
    csv = pd.read_csv(io.BytesIO(panels.timeseries_csv(snap)))
    assert list(csv["week"]) == list(snap.ts["week"])
    pq = pd.read_parquet(io.BytesIO(panels.timeseries_parquet(snap)))
    assert len(pq) == 5
    assert json.loads(json.dumps(sim.manifest(snap)))["weeks"] == 5


# -- regime map -------------------------------------------------------------------------------


def make_sweep(folder: Path, with_meta: bool = True) -> Path:
    """A small synthetic sweep output: 3 x 4 grid, 2 replicates, one failed run."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    regimes = ["resilient", "decline", "collapse", "oscillation"]
    i = 0
    for a, cap in enumerate([0.4, 0.6, 0.9]):
        for b, share in enumerate([0.0, 0.2, 0.5, 1.0]):
            for r in range(2):
                rows.append({"run_id": f"p{i:05d}-r{r:03d}", "ai.capability": cap,
                             "attribution.share": share, "seed": 100 + r, "status": "ok",
                             "regime": regimes[(a + b) % 4], "final_contributor_ratio": 0.5})
            i += 1
    rows.append({"run_id": "p99999-r000", "ai.capability": 0.4, "attribution.share": 0.0,
                 "seed": 1, "status": "failed", "regime": None,
                 "final_contributor_ratio": None})
    pd.DataFrame(rows).to_parquet(folder / "runs.parquet", index=False)
    if with_meta:
        meta = {"method": "grid", "varied": ["ai.capability", "attribution.share"],
                "base": {"parameters": defaults().with_values(TINY).nested()}}
        (folder / "sweep.json").write_text(json.dumps(meta, default=str))
    return folder


def test_regime_map_reads_a_sweep(tmp_path):
    data = regime_map.load_map(make_sweep(tmp_path / "map"))
    assert data.varied == ["ai.capability", "attribution.share"]
    assert data.failed == 1 and len(data.runs) == 24
    table = regime_map.cells(data, "ai.capability", "attribution.share")
    assert len(table) == 12 and (table["runs"] == 2).all()
    settings = regime_map.cell_settings(data, table.iloc[5]["point"])
    assert settings["population.size"] == TINY["population.size"]  # from the sweep's base
    Scenario(defaults().with_values(settings))


def test_regime_map_reads_runs_not_yet_consolidated(tmp_path):
    folder = make_sweep(tmp_path / "map")
    (folder / "parts").mkdir()
    (folder / "runs.parquet").rename(folder / "parts" / "part-000001.parquet")
    data = regime_map.load_map(folder)
    assert data.failed == 1 and len(data.runs) == 24


def test_regime_map_without_sweep_json_finds_the_varied_keys(tmp_path):
    data = regime_map.load_map(make_sweep(tmp_path / "map", with_meta=False))
    assert set(data.varied) == {"ai.capability", "attribution.share"}


def test_regime_map_bins_sampled_designs(tmp_path):
    folder = tmp_path / "lhs"
    folder.mkdir()
    n = 60
    pd.DataFrame({"run_id": [f"r{i}" for i in range(n)],
                  "ai.capability": [i / n for i in range(n)],
                  "ai.retrain_interval": [1 + (i * 7) % 100 for i in range(n)],
                  "seed": 1, "status": "ok", "regime": "decline"}).to_parquet(
        folder / "runs.parquet")
    data = regime_map.load_map(folder)
    table = regime_map.cells(data, "ai.capability", "ai.retrain_interval")
    assert table["x"].nunique() <= regime_map.MAX_LEVELS
    settings = regime_map.cell_settings(data, table.iloc[0]["point"])
    assert isinstance(settings["ai.retrain_interval"], int)


def test_regime_map_component_loads_a_cell(tmp_path):
    chosen = []
    box, rc = solara.render(regime_map.RegimeMap(make_sweep(tmp_path / "map"), chosen.append),
                            handle_error=False)
    cells = rc.find(v.Btn, class_="ecosim-map-cell")
    assert len(cells) == 12
    cells.widgets[0].click()
    assert chosen and "ai.capability" in chosen[0]


def test_regime_map_component_says_how_to_make_the_map(tmp_path):
    box, rc = solara.render(regime_map.RegimeMap(tmp_path / "none"), handle_error=False)
    text = rc.find(v.Alert).widget.children[0]
    assert regime_map.MAKE_IT in text


def test_regime_map_component_reports_a_broken_file(tmp_path):
    (tmp_path / "runs.parquet").write_text("not parquet")
    box, rc = solara.render(regime_map.RegimeMap(tmp_path), handle_error=False)
    assert "Cannot read" in rc.find(v.Alert).widget.children[0]


# -- STIE panel -------------------------------------------------------------------------------


def test_stie_panel_shows_every_card():
    box, rc = solara.render(panels.StiePanel(defaults(), dict(defaults()), "defaults"),
                            handle_error=False)
    headers = rc.find(v.ExpansionPanelHeader, class_=None)
    text = " ".join(str(w.children) for w in headers.widgets)
    for key in REGISTRY:
        assert key in text
    for mech in REGISTRY.values():
        rec = panels.card_record(mech.card, defaults(), list(TARGETS))
        body = panels._card_markdown(rec, list(TARGETS))
        assert "**Intent.**" in body and f"**Level {rec['stie_level']}**" in body
        for e in rec["evidence_detail"]:
            assert e["source"] in body and f"tier **{e['tier']}**" in body


def test_targets_panel_shows_the_validation_record(monkeypatch):
    record = {"scenario": "s.toml", "name": "s", "passed": False, "replicates": 2,
              "targets": [{"key": "T-x", "value": 0.5, "range": [0.0, 0.1], "passed": False,
                           "source": "Someone 2024"}]}
    monkeypatch.setattr(panels, "validate_current", lambda values, source: record)
    box, rc = solara.render(panels.TargetsPanel(dict(defaults()), "s.toml"),
                            handle_error=False)
    rc.find(v.Btn, children=["Check targets for this scenario"]).widget.click()
    # Markdown renders as a Vue template holding the HTML.
    wait_for(lambda: any("T-x" in str(getattr(w, "template", ""))
                         for w in rc.find(v.VuetifyTemplate).widgets))
    html = " ".join(str(getattr(w, "template", "")) for w in rc.find(v.VuetifyTemplate).widgets)
    assert "Someone 2024" in html and "fail" in html


# -- the page ---------------------------------------------------------------------------------


@pytest.fixture
def tiny_scenarios(tmp_path: Path) -> Path:
    """A scenario folder with two tiny presets (fast burn-in)."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    body = ("[population]\nsize = 400\n[world]\ntopics = 10\n"
            "[run]\nweeks = 40\nburn_in_weeks = 10\n[ai]\nlaunch_week = 10\n"
            "retrain_interval = 10\n")
    (folder / "baseline.toml").write_text('[meta]\nname = "baseline"\n' + body)
    (folder / "other.toml").write_text('[meta]\nname = "other"\n' + body.replace("400", "500"))
    return folder


def open_parameter_panels(rc, *titles: str) -> None:
    """Open the sidebar's parameter groups with these titles, as a click on each would."""
    panels = rc.find(v.ExpansionPanels, multiple=True).widget
    panels.v_model = [i for i, g in enumerate(params.GROUPS) if params.GROUP_TITLES[g] in titles]


def open_mechanisms(rc) -> None:
    """Open the sidebar's panel of mechanism switches."""
    (panels,) = [w for w in rc.find(v.ExpansionPanels).widgets if not w.multiple]
    panels.v_model = 0


def test_closed_parameter_panels_hold_no_sliders(tiny_scenarios, tmp_path):
    # Closed, the groups' few hundred widgets would be walked by every render pass (a Step).
    box, rc = render_page(tiny_scenarios, tmp_path / "nomap")
    wait_for(lambda: status(rc).startswith("Week 0 of 40"))
    assert not rc.find(v.Slider, class_="ecosim-param-population-size")
    assert not rc.find(v.Switch, label="gatekeeping")
    open_parameter_panels(rc, "People", "AI")
    # the two panels may fill in separate render passes on a loaded machine: wait for both
    wait_for(lambda: len(rc.find(v.Slider, class_="ecosim-param-population-size")) == 1
             and len(rc.find(v.Slider, class_="ecosim-param-ai-retrain-interval")) == 1)
    assert not rc.find(v.Slider, class_="ecosim-param-run-weeks")  # the Run group is closed
    open_mechanisms(rc)
    wait_for(lambda: len(rc.find(v.Switch, label="gatekeeping")) == 1)
    open_parameter_panels(rc)  # all closed again
    wait_for(lambda: not rc.find(v.Slider, class_="ecosim-param-population-size"))


def test_page_builds_steps_and_resets_with_new_values(tiny_scenarios, tmp_path):
    box, rc = render_page(tiny_scenarios, tmp_path / "nomap")
    wait_for(lambda: status(rc).startswith("Week 0 of 40 - 400 people"))
    rc.find(v.Btn, children=["Step"]).widget.click()
    wait_for(lambda: status(rc).startswith("Week 1 of 40"))
    # A slider changes a pending value; Reset applies it.
    open_parameter_panels(rc, "People")
    slider = rc.find(v.Slider, class_="ecosim-param-population-size").widget
    slider.fire_event("change", params.to_position(SCHEMA["population.size"], 500,
                                                   params.INTERACTIVE_MAX["population.size"]))
    wait_for(lambda: len(rc.find(v.Alert, class_="ecosim-pending")) == 1)
    rc.find(v.Btn, children=["Reset"]).widget.click()
    wait_for(lambda: "Week 0 of 40 - 5" in status(rc))
    assert not rc.find(v.Alert, class_="ecosim-error")


def test_page_switches_preset_and_mechanism(tiny_scenarios, tmp_path):
    box, rc = render_page(tiny_scenarios, tmp_path / "nomap")
    wait_for(lambda: "baseline" in status(rc))
    rc.find(v.Select, label="Scenario preset").widget.v_model = "other"
    wait_for(lambda: "500 people - other" in status(rc))
    open_mechanisms(rc)
    wait_for(lambda: len(rc.find(v.Switch, label="gatekeeping")) == 1)
    switch = rc.find(v.Switch, label="gatekeeping")
    switch.widget.v_model = False
    rc.find(v.Btn, children=["Reset"]).widget.click()
    wait_for(lambda: not rc.find(v.Alert, class_="ecosim-pending"))
    rc.find(v.Tabs).widget.v_model = 3  # STIE cards
    wait_for(lambda: any("gatekeeping (community, OFF)" in str(w.children)
                         for w in rc.find(v.ExpansionPanelHeader).widgets))


def test_page_shows_model_errors_as_messages(tiny_scenarios, tmp_path):
    box, rc = render_page(tiny_scenarios, tmp_path / "nomap")
    wait_for(lambda: "baseline" in status(rc))
    rc.find(v.TextField, label="Seed").widget.v_model = "-5"  # below the schema's range
    rc.find(v.Btn, children=["Reset"]).widget.click()
    wait_for(lambda: len(rc.find(v.Alert, class_="ecosim-error")) == 1)
    assert "run.seed" in rc.find(v.Alert, class_="ecosim-error").widget.children[0]


def test_lesson_try_loads_settings(tiny_scenarios, tmp_path):
    # The page resolves a try's scenario against the scenario folder's parent.
    box, rc = render_page(tiny_scenarios, tmp_path / "nomap")
    wait_for(lambda: "baseline" in status(rc))
    rc.find(v.Tabs).widget.v_model = 1
    wait_for(lambda: len(rc.find(v.Btn, children=["World without the AI"])) == 1)
    rc.find(v.Btn, children=["World without the AI"]).widget.click()
    open_parameter_panels(rc, "AI")
    wait_for(lambda: len(rc.find(v.Switch, label="ai.enabled (off)")) == 1)
    wait_for(lambda: "Week 0 of 40" in status(rc) and not rc.find(v.Alert, class_="ecosim-pending"))
    assert rc.find(v.Tabs).widget.v_model == 0  # back to the plots


def test_a_step_is_one_render_pass_of_the_changed_parts_only(tiny_scenarios, tmp_path,
                                                              monkeypatch):
    # Each render pass used to walk the whole page (sliders, tabs); publishing a frame set
    # state once per subscribed component, and each set cost a pass of its own.
    rendered = []
    original = params.ParameterPanel.f
    monkeypatch.setattr(params.ParameterPanel, "f",
                        lambda *a, **k: (rendered.append(1), original(*a, **k))[1])
    box, rc = render_page(tiny_scenarios, tmp_path / "nomap")
    wait_for(lambda: status(rc).startswith("Week 0 of 40")
             and not rc.find(v.Btn, children=["Step"]).widget.disabled)
    time.sleep(0.5)  # let the build task's last render finish
    passes, sidebar = rc.render_count, len(rendered)
    for week in range(1, 4):
        rc.find(v.Btn, children=["Step"]).widget.click()
        wait_for(lambda: status(rc).startswith(f"Week {week} of 40"))
    assert rc.render_count - passes <= 3  # was 6 passes per Step
    assert len(rendered) == sidebar  # the parameter sliders were not rendered again

"""Side panels: the regime badge, the STIE cards with targets, and the downloads."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import solara

from ecosim.experiments.analysis import REGIME_COLOURS
from ecosim.model.mechanisms import WEEK
from ecosim.model.params import Params
from ecosim.model.schedule import REGISTRY
from ecosim.stie.cards import card_record
from ecosim.stie.targets import TARGETS
from ecosim.viz.session import Snapshot

TIER_COLORS = {"A": "#2e7d32", "B": "#f9a825", "C": "#9e9e9e"}
LEVEL_MEANING = {"S": "simulated only", "T": "serves an executable target",
                 "I": "target and stated intent", "E": "target, intent and A/B evidence"}


@solara.component
def RegimeBadge(snapshot: Snapshot | None):
    """The classification of the run so far and why (``ecosim.stie.regimes.classify``)."""
    if snapshot is None or snapshot.regime is None:
        solara.Text("Regime: no weeks recorded yet - press Step or Play.",
                    classes=["ecosim-regime"])
        return
    regime = snapshot.regime
    launch = snapshot.params.ai.launch_week
    so_far = "" if not snapshot.running else f" (so far, week {snapshot.week} of {snapshot.weeks})"
    caveat = (" - before the AI's launch, this only compares the start with the end."
              if snapshot.week <= launch and snapshot.params.ai.enabled else "")
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"},
                    classes=["ecosim-regime"]):
        solara.v.Chip(children=[regime.name], color=REGIME_COLOURS.get(regime.name, "grey"),
                      text_color="white", label=True, class_="ecosim-regime-name")
        solara.Text(f"{regime.reason}{so_far}{caveat}")


def validate_current(scenario_values: dict[str, Any], source: str,
                     replicates: int = 2) -> dict[str, Any]:
    """Run the project's validation of a scenario; returns its JSON record.

    Raises:
        ImportError: When the validation code does not exist yet.
    """
    from ecosim.experiments.validate import validate
    from ecosim.model.params import defaults
    from ecosim.model.scenario import Scenario

    scenario = Scenario(defaults().with_values(scenario_values, "dashboard"), source)
    return validate(scenario, replicates=replicates).record()


@solara.component
def TargetsPanel(values: dict[str, Any], source: str):
    """Targets pass/fail for the current scenario, computed on request (it takes seconds)."""
    result = solara.use_reactive(None)
    error = solara.use_reactive(None)

    def run():
        error.set(None)
        try:
            result.set(validate_current(values, source))
        except Exception as err:  # the validation code may be missing or mid-change
            result.set(None)
            error.set(f"Validation could not run: {type(err).__name__}: {err}")

    task = solara.lab.use_task(run, dependencies=None)
    with solara.Row(style={"align-items": "center"}):
        solara.Button("Check targets for this scenario", on_click=task, disabled=task.pending,
                      color="primary", outlined=True)
        solara.Text(f"{len(TARGETS)} executable targets; validation runs 2 paired "
                    "replicates of the scenario (AI / no AI) in the background.")
    if task.pending:
        solara.ProgressLinear(True)
    if error.value:
        solara.Error(error.value)
    rec = result.value
    if rec:
        solara.Markdown(f"**{rec.get('name') or rec.get('scenario')}**: "
                        f"{'all targets pass' if rec['passed'] else 'some targets fail'} "
                        f"({rec.get('replicates', '?')} replicates)")
        if not rec["targets"]:
            solara.Info("No target applies to this scenario (targets are tied to named "
                        "scenarios such as stackoverflow or wikipedia).")
        rows = ["| target | value | accepted | result | source |", "|---|---|---|---|---|"]
        for t in rec["targets"]:
            value = "n/a" if t["value"] is None else f"{t['value']:.3g}"
            rows.append(f"| {t['key']} | {value} | {t['range'][0]:g} to {t['range'][1]:g} | "
                        f"{'pass' if t['passed'] else '**fail**'} | {t['source']} |")
        solara.Markdown("\n".join(rows))


@solara.component
def StiePanel(params: Params | None, values: dict[str, Any], source: str):
    """Every mechanism's STIE card: intent, evidence (sources, tiers), targets and level."""
    solara.Markdown("STIE: **S**imulation, **T**arget, **I**ntent, **E**vidence. A card's "
                    "level is the highest of S, T, I, E it reaches; each needs the ones "
                    "before it. " + ", ".join(f"{k}: {v}" for k, v in LEVEL_MEANING.items()))
    TargetsPanel(values, source)
    executable = list(TARGETS)
    with solara.v.ExpansionPanels(multiple=True, accordion=True, class_="ecosim-stie"):
        for key in WEEK:  # in the order of the week
            rec = card_record(REGISTRY[key].card, params, executable)
            with solara.v.ExpansionPanel():
                state = "on" if rec["enabled"] else "OFF"
                solara.v.ExpansionPanelHeader(children=[
                    f"[{rec['stie_level']}] {rec['key']} ({rec['family']}, {state}) - "
                    f"{rec['summary']}"])
                with solara.v.ExpansionPanelContent():
                    solara.Markdown(_card_markdown(rec, executable))


def _card_markdown(rec: dict[str, Any], executable: list[str]) -> str:
    lines = [f"**Intent.** {rec['intent']}", "", "**Evidence.**", ""]
    for e in rec["evidence_detail"]:
        form = " (form only, not the size)" if e["form_only"] else ""
        lines.append(f"- `{e['key']}` tier **{e['tier']}**: {e['source']} - {e['use']}{form}")
    if not rec["evidence_detail"]:
        lines.append("- none cited")
    targets = [f"`{t}`" + ("" if t in executable else " (no executable check yet)")
               for t in rec["targets"]]
    lines += ["", "**Targets.** " + (", ".join(targets) or "none"),
              "", "**Parameters.** " + ", ".join(f"`{p}`" for p in rec["parameters"])]
    if rec["assumptions"]:
        lines += ["", "**Assumptions.**", ""] + [f"- {a}" for a in rec["assumptions"]]
    lines += ["", f"**Level {rec['stie_level']}**: {LEVEL_MEANING[rec['stie_level']]}."]
    return "\n".join(lines)


def timeseries_csv(snapshot: Snapshot) -> bytes:
    """The run's time series as CSV bytes."""
    return snapshot.ts.to_csv(index=False).encode()


def timeseries_parquet(snapshot: Snapshot) -> bytes:
    """The run's time series as parquet bytes (as ``ecosim run --out`` writes)."""
    buf = io.BytesIO()
    snapshot.ts.to_parquet(buf, index=False)
    return buf.getvalue()


@solara.component
def Downloads(snapshot: Snapshot | None, manifest: Callable[[], dict[str, Any]]):
    """Download buttons for the current run's time series and manifest."""
    # The data functions stay the same objects for the whole session and read the latest
    # snapshot when clicked: a new function per frame would make each FileDownload restart
    # its loader thread and cost the page another render pass on every Step.
    latest = solara.use_ref((snapshot, manifest))
    latest.current = (snapshot, manifest)
    csv, parquet, manifest_json = solara.use_memo(lambda: (
        lambda: timeseries_csv(latest.current[0]),
        lambda: timeseries_parquet(latest.current[0]),
        lambda: json.dumps(latest.current[1](), indent=2) + "\n"), [])
    if snapshot is None:
        return
    name = snapshot.params.meta.name or "run"
    stem = f"ecosim_{name}_seed{snapshot.params['run.seed']}_week{snapshot.week}"
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.FileDownload(csv, filename=f"{stem}.csv",
                            label="Time series (CSV)", mime_type="text/csv")
        solara.FileDownload(parquet, filename=f"{stem}.parquet",
                            label="Time series (parquet)")
        solara.FileDownload(manifest_json,
                            filename=f"{stem}_manifest.json", label="Manifest (JSON)",
                            mime_type="application/json")

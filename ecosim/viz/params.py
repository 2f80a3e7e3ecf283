"""Parameter controls generated from :data:`ecosim.model.params.SCHEMA`.

Nothing about a key is written here: the label, unit, help line and range of every slider
come from its :class:`~ecosim.model.params.Param`. Two display choices are made here, for
interactivity only: numbers whose range spans three decades or more get a logarithmic
slider (otherwise the low end is unreachable), and a few keys are capped below their
schema maximum so that one click cannot start a run of hours (:data:`INTERACTIVE_MAX`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import solara

from ecosim.model.mechanisms import WEEK
from ecosim.model.params import SCHEMA, Param
from ecosim.model.schedule import REGISTRY

GROUPS = ("people", "platforms", "ai", "interventions", "world", "run")
"""Entities the sliders are grouped by (``Param.group``), in display order."""

GROUP_TITLES = {"people": "People", "platforms": "Platforms", "ai": "AI",
                "interventions": "Interventions", "world": "World", "run": "Run"}

HIDDEN = {"run.seed", "run.start_date"}
"""Keys with their own control (the seed field) or none (a calendar date)."""

INTERACTIVE_MAX = {"population.size": 100_000, "run.weeks": 2080,
                   "run.burn_in_weeks": 1040}
"""Dashboard caps: larger worlds belong on the command line (``ecosim run``)."""

STEPS = 200
"""Slider positions for float and logarithmic sliders."""


def keys_by_group() -> dict[str, list[str]]:
    """The slider keys of each group, in declaration order."""
    out: dict[str, list[str]] = {g: [] for g in GROUPS}
    for key, param in SCHEMA.items():
        if param.group in out and key not in HIDDEN:
            out[param.group].append(key)
    return out


def upper(param: Param, values: dict[str, Any]) -> float:
    """The slider's maximum: the schema's, capped for interactivity.

    Week numbers (``unit == "week"``) stop at the run's length: later weeks never happen.
    """
    high = param.high
    if param.key in INTERACTIVE_MAX:
        high = min(high, INTERACTIVE_MAX[param.key])
    if param.unit == "week":
        high = min(high, max(values.get("run.weeks", high), param.low))
    return high


def is_log(param: Param, high: float) -> bool:
    """True when a logarithmic slider fits the range better."""
    return param.low is not None and param.low > 0 and high / param.low >= 1000


def positions(param: Param, high: float) -> int:
    """Number of slider steps: one per integer when that is few, else :data:`STEPS`."""
    if param.kind is int and not is_log(param, high) and high - param.low <= STEPS:
        return int(high - param.low)
    return STEPS


def to_position(param: Param, value: float, high: float) -> int:
    """Slider position (0..positions) of a value, on a linear or logarithmic scale."""
    n = positions(param, high)
    value = min(max(value, param.low), high)
    if high <= param.low:
        return 0
    if is_log(param, high):
        lo, hi = math.log10(param.low), math.log10(high)
        return round(n * (math.log10(value) - lo) / (hi - lo))
    return round(n * (value - param.low) / (high - param.low))


def from_position(param: Param, pos: int, high: float) -> float | int:
    """Value at a slider position, of the key's type and within range."""
    n = positions(param, high)
    if is_log(param, high):
        lo, hi = math.log10(param.low), math.log10(high)
        value = 10 ** (lo + (hi - lo) * pos / n)
    else:
        value = param.low + (high - param.low) * pos / max(n, 1)
    value = min(max(value, param.low), high)
    if param.kind is int:
        return int(min(max(round(value), param.low), high))
    return min(max(float(f"{value:.3g}"), param.low), high)


def css_name(key: str) -> str:
    """A CSS class-safe form of a dotted key (``ai.launch_week`` -> ``ai-launch-week``)."""
    return key.replace(".", "-").replace("_", "-")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


@solara.component
def ParamControl(key: str, values: dict[str, Any], on_change: Callable[[str, Any], None]):
    """One key: a slider, switch or select with its unit and one-line help."""
    param = SCHEMA[key]
    value = values[key]

    def set_value(v, key=key):
        on_change(key, v)

    label = f"{key} = {_fmt(value)} {param.unit}"
    if param.kind is bool:
        solara.Switch(label=f"{key} ({'on' if value else 'off'})", value=value,
                      on_value=set_value)
    elif param.choices:
        solara.Select(label=key, value=value, values=list(param.choices), on_value=set_value)
    elif param.kind in (int, float):
        # The slider moves over integer positions that map to values. A float slider
        # would snap a value that is off its step grid and report the snapped value as a
        # change as soon as it is drawn.
        high = upper(param, values)
        solara.Text(label, style={"font-size": "0.85em", "display": "block"})
        slider = solara.v.Slider(v_model=to_position(param, value, high), min=0,
                                 max=positions(param, high), step=1, dense=True,
                                 hide_details=True, class_=f"ecosim-param-{css_name(key)}")

        # "change" fires once, on release: a drag does not rebuild the panel at every pixel.
        def on_change_event(_widget, _event, pos):
            set_value(from_position(param, int(pos), high))

        solara.v.use_event(slider, "change", on_change_event)
    else:
        solara.Text(f"{key} = {value}")
    solara.Text(param.meaning, style={"font-size": "0.75em", "color": "#666",
                                      "display": "block", "margin-bottom": "6px"})


@solara.component
def ParameterPanel(values: dict[str, Any], on_change: Callable[[str, Any], None],
                   changed: set[str] = frozenset()):
    """Sliders grouped by entity, one expansion panel per group.

    Args:
        values: Current value of every key.
        on_change: Called as ``on_change(key, value)``.
        changed: Keys whose value differs from the running model (marked as pending).
    """
    groups = keys_by_group()
    shown = [g for g in GROUPS if groups[g]]
    # Only open panels hold their sliders: closed, they would be a few hundred widgets that
    # every render pass of the page walks (a Step cost twice as much with them all built).
    opened = solara.use_reactive([])
    with solara.v.ExpansionPanels(multiple=True, accordion=True, v_model=opened.value,
                                  on_v_model=lambda v: opened.set(list(v or []))):
        for index, group in enumerate(shown):
            keys = groups[group]
            pending = sum(k in changed for k in keys)
            title = GROUP_TITLES[group] + (f"  ({pending} changed)" if pending else "")
            with solara.v.ExpansionPanel():
                solara.v.ExpansionPanelHeader(children=[title])
                with solara.v.ExpansionPanelContent():
                    if index in opened.value:
                        for key in keys:
                            ParamControl(key, values, on_change)


@solara.component
def MechanismSwitches(values: dict[str, Any], on_change: Callable[[str, Any], None]):
    """An on/off switch per registered mechanism (``mechanisms.<key>``)."""
    opened = solara.use_reactive(None)  # as above: the switches exist while the panel is open
    with solara.v.ExpansionPanels(accordion=True, v_model=opened.value, on_v_model=opened.set):
        with solara.v.ExpansionPanel():
            off = sum(not values[f"mechanisms.{k}"] for k in REGISTRY)
            solara.v.ExpansionPanelHeader(
                children=["Mechanisms" + (f"  ({off} off)" if off else "")])
            with solara.v.ExpansionPanelContent():
                if opened.value == 0:
                    for key in WEEK:  # in the order of the week
                        mech = REGISTRY[key]
                        switch = mech.card.switch
                        solara.Switch(label=key.replace("_", " "), value=values[switch],
                                      on_value=lambda v, s=switch: on_change(s, v))
                        solara.Text(mech.card.summary,
                                    style={"font-size": "0.75em", "color": "#666",
                                           "display": "block"})

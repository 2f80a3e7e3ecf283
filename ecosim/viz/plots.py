"""Live plots of a run, drawn with matplotlib (no JavaScript chart library, so offline-safe).

Each ``*_figure`` function draws one panel from a :class:`~ecosim.viz.session.Snapshot`:
solid lines for the run, dashed lines in the same colour for the counterfactual world
without the AI, a red line at the AI's launch and grey dotted lines at each retraining.
The time axis always spans the whole run, so the picture does not rescale as it grows.
"""

from __future__ import annotations

from collections.abc import Callable

import solara
from matplotlib.figure import Figure

from ecosim.viz.session import Snapshot

COLORS = {
    "qa": "#1f77b4", "wiki": "#2ca02c", "questions": "#ff7f0e",
    "core": "#4c72b0", "occasional": "#55a868", "newcomer": "#dd8452", "synthetic": "#c44e52",
    "ai_share": "#8172b3", "ai_quality": "#e377c2", "ai_reputation": "#937860",
}
LAUNCH_COLOR = "#d62728"
SIZE = (6.4, 2.9)


def _figure() -> Figure:
    # Fixed margins instead of a layout engine: a frame is drawn every few weeks and the
    # layout engines cost about a quarter of the drawing time.
    fig = Figure(figsize=SIZE)
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.15, top=0.9, wspace=0.35)
    return fig


def _axes(snap: Snapshot, title: str, ylabel: str, fig: Figure | None = None, ax=None):
    if ax is None:
        fig = _figure()
        ax = fig.subplots()
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylabel(ylabel, fontsize=9)
    ax.set_xlim(0, max(snap.weeks - 1, 1))
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.25)
    return fig, ax


def mark_events(ax, snap: Snapshot) -> None:
    """Mark the AI's launch and every retraining on the time axis."""
    p = snap.params
    if p["ai.enabled"] and p["ai.launch_week"] < snap.weeks:
        ax.axvline(p["ai.launch_week"], color=LAUNCH_COLOR, lw=1.2, label="AI launch")
    ts = snap.ts
    if len(ts) and "ai_retrained" in ts:
        for week in ts.loc[ts["ai_retrained"] == 1, "week"]:
            if week != p["ai.launch_week"]:
                ax.axvline(week, color="grey", lw=0.8, ls=":")


def _lines(ax, snap: Snapshot, columns: dict[str, tuple[str, str]], twin: bool = True) -> None:
    """Plot ``column -> (label, colour)`` for the run and, dashed, the counterfactual."""
    ts, cf = snap.ts, snap.counterfactual
    for col, (label, color) in columns.items():
        ax.plot(ts["week"], ts[col], color=color, lw=1.4, label=label)
        if twin and cf is not None and len(cf):
            ax.plot(cf["week"], cf[col], color=color, lw=1.0, ls="--", alpha=0.8)


def _legend(ax, snap: Snapshot, twin: bool = True) -> None:
    if twin and snap.counterfactual is not None:
        ax.plot([], [], color="black", ls="--", lw=1.0, label="without AI")
    ax.legend(fontsize=7, loc="best", framealpha=0.7)


def visits_figure(snap: Snapshot) -> Figure:
    """Visits per platform (left) and new questions on the Q&A site (right)."""
    fig = _figure()
    left, right = fig.subplots(1, 2)
    _axes(snap, "Visits per week", "visits", fig, left)
    _lines(left, snap, {"visits_qa": ("Q&A", COLORS["qa"]),
                        "visits_wiki": ("encyclopedia", COLORS["wiki"])})
    mark_events(left, snap)
    _legend(left, snap)
    _axes(snap, "New questions (Q&A)", "questions", fig, right)
    _lines(right, snap, {"questions": ("questions", COLORS["questions"])})
    mark_events(right, snap)
    for ax in (left, right):
        ax.set_ylim(bottom=0)
        ax.set_xlabel("week", fontsize=8)
    return fig


def contributors_figure(snap: Snapshot) -> Figure:
    """Contributors by role: core, occasional, newcomer."""
    fig, ax = _axes(snap, "Contributors by role", "contributors")
    _lines(ax, snap, {"core_contributors": ("core", COLORS["core"]),
                      "occasional_contributors": ("occasional", COLORS["occasional"]),
                      "newcomer_contributors": ("newcomer", COLORS["newcomer"])})
    mark_events(ax, snap)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("week", fontsize=8)
    _legend(ax, snap)
    return fig


def ai_figure(snap: Snapshot) -> Figure:
    """The AI's share of needs, its true quality and its quality as users perceive it."""
    fig, ax = _axes(snap, "The AI: share of needs served and quality", "share (0..1)")
    _lines(ax, snap, {"ai_share": ("share of needs", COLORS["ai_share"]),
                      "ai_quality": ("quality", COLORS["ai_quality"]),
                      "ai_reputation": ("perceived quality", COLORS["ai_reputation"])},
           twin=False)
    mark_events(ax, snap)
    ax.set_ylim(0, 1)
    ax.set_xlabel("week", fontsize=8)
    _legend(ax, snap, twin=False)
    return fig


def platforms_figure(snap: Snapshot) -> Figure:
    """Coverage (left) and demand-weighted content age (right) of both platforms."""
    fig = _figure()
    left, right = fig.subplots(1, 2)
    cols = {"qa": ("Q&A", COLORS["qa"]), "wiki": ("encyclopedia", COLORS["wiki"])}
    _axes(snap, "Coverage", "share of needs met", fig, left)
    _lines(left, snap, {f"coverage_{k}": v for k, v in cols.items()})
    left.set_ylim(0, 1)
    _axes(snap, "Content age", "weeks", fig, right)
    _lines(right, snap, {f"content_age_{k}": v for k, v in cols.items()})
    right.set_ylim(bottom=0)
    for ax in (left, right):
        mark_events(ax, snap)
        ax.set_xlabel("week", fontsize=8)
    _legend(left, snap)
    return fig


def provenance_figure(snap: Snapshot) -> Figure:
    """Who wrote the AI's current training data, as a stacked area."""
    fig, ax = _axes(snap, "Provenance of the AI's training data", "share (0..1)")
    ts = snap.ts
    groups = ("core", "occasional", "newcomer", "synthetic")
    if len(ts):
        ax.stackplot(ts["week"], *(ts[f"provenance_{g}"] for g in groups),
                     labels=[g if g != "synthetic" else "AI-written" for g in groups],
                     colors=[COLORS[g] for g in groups], alpha=0.85)
    mark_events(ax, snap)
    ax.set_ylim(0, 1)
    ax.set_xlabel("week", fontsize=8)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, loc="upper left", framealpha=0.7)
    return fig


PANELS: dict[str, Callable[[Snapshot], Figure]] = {
    "visits": visits_figure,
    "contributors": contributors_figure,
    "ai": ai_figure,
    "platforms": platforms_figure,
    "provenance": provenance_figure,
}


@solara.component
def Plot(snapshot: Snapshot, panel: str):
    """One live panel; redrawn only when a new snapshot is published."""
    fig = solara.use_memo(lambda: PANELS[panel](snapshot), [snapshot, panel])
    # PNG is cheaper for the browser than SVG at one frame per few weeks.
    solara.FigureMatplotlib(fig, dependencies=[snapshot, panel], format="png", dpi=80,
                            pil_kwargs={"compress_level": 1})


@solara.component
def LivePlots(snapshot: Snapshot | None):
    """All panels in a responsive two-column grid."""
    if snapshot is None:
        solara.Info("No run yet.")
        return
    with solara.ColumnsResponsive(12, large=6):
        for panel in PANELS:
            with solara.Card(margin=0, classes=[f"ecosim-plot-{panel}"]):
                Plot(snapshot, panel)


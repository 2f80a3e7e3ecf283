"""Live plots of a run, drawn with matplotlib (no JavaScript chart library, so offline-safe).

Each panel draws from a :class:`~ecosim.viz.session.Snapshot`: solid lines for the run,
dashed lines in the same colour for the counterfactual world without the AI, a red line
at the AI's launch and grey dotted lines at each retraining. The time axis always spans
the whole run, so the picture does not rescale as it grows.

Drawing is kept off the critical path of a frame (issue 4). A :class:`LivePanel` keeps
its Figure, Axes and artists for the whole run and only moves their data (``set_data``).
What does not change from frame to frame - axes, ticks, labels, grid - is rendered once
into a background bitmap, and the legends into a transparent overlay; a frame restores
the background, draws the data and the event marks over it (Agg "blitting"), lays the
legends on top and encodes the PNG straight from the canvas buffer. The background is
drawn again only when a y-axis has to grow (its top snaps to a "nice" number, so that
happens a few times per run, not every frame). At 10,000 people a frame of all five panels
takes about 24 ms (median over the first 80 weeks, benchmarks/dashboard.json) instead of
about 460 ms when each frame was drawn from scratch.
"""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass, field

import numpy as np
import solara
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image
from solara.alias import rw

from ecosim.viz.session import Snapshot

COLORS = {
    "qa": "#1f77b4", "wiki": "#2ca02c", "questions": "#ff7f0e",
    "core": "#4c72b0", "occasional": "#55a868", "newcomer": "#dd8452", "synthetic": "#c44e52",
    "ai_share": "#8172b3", "ai_quality": "#e377c2", "ai_reputation": "#937860",
}
LAUNCH_COLOR = "#d62728"
SIZE = (6.4, 2.9)
DPI = 80  # the PNG sent to the browser: 512 x 232 pixels
# Points per line beyond which a series is thinned for display (keeping each bucket's
# minimum and maximum, so spikes survive); about two per horizontal pixel.
MAX_POINTS = 1200
PROVENANCE = ("core", "occasional", "newcomer", "synthetic")


@dataclass(frozen=True)
class AxesSpec:
    """One axes of a panel.

    Attributes:
        title: Title, top left.
        ylabel: Label of the y-axis.
        columns: Time-series column -> (legend label, colour), drawn as lines.
        twin: Whether to draw the counterfactual as dashed lines too.
        share: A fixed 0..1 y-axis; otherwise 0..(a nice number above the data).
        legend: Legend location, or None for no legend.
        stack: Provenance groups drawn as a stacked area instead of lines.
    """

    title: str
    ylabel: str
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    twin: bool = True
    share: bool = False
    legend: str | None = "best"
    stack: tuple[str, ...] = ()


_PLATFORMS = {"qa": ("Q&A", COLORS["qa"]), "wiki": ("encyclopedia", COLORS["wiki"])}

SPECS: dict[str, tuple[AxesSpec, ...]] = {
    # Visits per platform (left) and new questions on the Q&A site (right).
    "visits": (
        AxesSpec("Visits per week", "visits",
                 {"visits_qa": _PLATFORMS["qa"], "visits_wiki": _PLATFORMS["wiki"]}),
        AxesSpec("New questions (Q&A)", "questions",
                 {"questions": ("questions", COLORS["questions"])}, legend=None),
    ),
    # Contributors by role: core, occasional, newcomer.
    "contributors": (
        AxesSpec("Contributors by role", "contributors",
                 {"core_contributors": ("core", COLORS["core"]),
                  "occasional_contributors": ("occasional", COLORS["occasional"]),
                  "newcomer_contributors": ("newcomer", COLORS["newcomer"])}),
    ),
    # The AI's share of needs, its true quality and its quality as users perceive it.
    "ai": (
        AxesSpec("The AI: share of needs served and quality", "share (0..1)",
                 {"ai_share": ("share of needs", COLORS["ai_share"]),
                  "ai_quality": ("quality", COLORS["ai_quality"]),
                  "ai_reputation": ("perceived quality", COLORS["ai_reputation"])},
                 twin=False, share=True),
    ),
    # Coverage (left) and demand-weighted content age (right) of both platforms.
    "platforms": (
        AxesSpec("Coverage", "share of needs met",
                 {f"coverage_{k}": v for k, v in _PLATFORMS.items()}, share=True),
        AxesSpec("Content age", "weeks",
                 {f"content_age_{k}": v for k, v in _PLATFORMS.items()}, legend=None),
    ),
    # Who wrote the AI's current training data, as a stacked area.
    "provenance": (
        AxesSpec("Provenance of the AI's training data", "share (0..1)", twin=False,
                 share=True, legend="upper left", stack=PROVENANCE),
    ),
}


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (times a power of ten) >= value."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    scale = 10.0 ** math.floor(math.log10(value))
    for step in (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * scale >= value * (1 - 1e-12):
            return step * scale
    return 10 * scale


def thin(x: np.ndarray, y: np.ndarray, limit: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """At most about ``limit`` points of a series, keeping each bucket's min and max."""
    n = len(x)
    if n <= limit:
        return x, y
    size = math.ceil(n / (limit // 2))
    buckets = math.ceil(n / size)
    padded = np.full(buckets * size, np.nan)
    padded[:n] = y
    rows = padded.reshape(buckets, size)
    base = np.arange(buckets) * size
    low = np.argmin(np.where(np.isnan(rows), np.inf, rows), axis=1)
    high = np.argmax(np.where(np.isnan(rows), -np.inf, rows), axis=1)
    keep = np.unique(np.concatenate([base + low, base + high, [0, n - 1]]))
    keep = keep[keep < n]
    return x[keep], y[keep]


def _retrain_weeks(snap: Snapshot) -> tuple[int, ...]:
    ts = snap.ts
    if not len(ts) or "ai_retrained" not in ts:
        return ()
    weeks = ts["week"].to_numpy()[ts["ai_retrained"].to_numpy() == 1]
    launch = snap.params.ai.launch_week
    return tuple(int(w) for w in weeks if w != launch)


class LivePanel:
    """One panel's persistent figure, updated in place from each snapshot.

    Three layers, each redrawn only when it changes:

    * the background (axes, ticks, labels, grid): when a y-axis has to grow;
    * the legends, placed at "best" against the data: with the background, at each
      retraining and every 1/16 of the run (placing one costs as much as a frame);
    * the data and the event marks (on top, as matplotlib stacks them): every frame.

    Args:
        panel: A key of :data:`SPECS`.
    """

    LEGEND_PLACEMENTS = 16  # times per run a legend is placed again

    def __init__(self, panel: str):
        self.panel = panel
        self.specs = SPECS[panel]
        self.lock = threading.Lock()
        self.fig: Figure | None = None
        self.full_draws = 0  # background renders, for tests and timing
        self._layout = None
        self._limits = None
        self._retrains = None
        self._background = None
        self._legend_key = None
        self._overlay = None

    # -- structure: rebuilt only when the run's shape changes ---------------------------

    def _build(self, snap: Snapshot) -> None:
        p = snap.params
        launch = (p.ai.launch_week if p.ai.enabled and p.ai.launch_week < snap.weeks
                  else None)
        with_cf = snap.counterfactual is not None
        layout = (snap.weeks, launch, with_cf)
        if layout == self._layout:
            return
        fig = Figure(figsize=SIZE, dpi=DPI)
        FigureCanvasAgg(fig)
        # Fixed margins instead of a layout engine, which would cost on every draw.
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.15, top=0.9, wspace=0.35)
        axes = fig.subplots(1, len(self.specs), squeeze=False)[0]
        self.axes = []
        for ax, spec in zip(axes, self.specs):
            ax.set_title(spec.title, fontsize=10, loc="left")
            ax.set_ylabel(spec.ylabel, fontsize=9)
            ax.set_xlabel("week", fontsize=8)
            ax.set_xlim(0, max(snap.weeks - 1, 1))
            ax.set_ylim(0, 1)
            ax.tick_params(labelsize=8)
            ax.grid(alpha=0.25)
            handles, stack, runs, twins = [], [], {}, {}
            for g in spec.stack:
                stack.append(ax.fill_between(
                    [], [], [], color=COLORS[g], alpha=0.85, lw=0, animated=True,
                    label=g if g != "synthetic" else "AI-written"))
            handles += stack
            for col, (label, color) in spec.columns.items():
                (runs[col],) = ax.plot([], [], color=color, lw=1.4, label=label,
                                       animated=True)
                if spec.twin and with_cf:
                    (twins[col],) = ax.plot([], [], color=color, lw=1.0, ls="--",
                                            alpha=0.8, animated=True)
            handles += list(runs.values())
            marks = []
            if launch is not None:
                marks.append(ax.axvline(launch, color=LAUNCH_COLOR, lw=1.2,
                                        label="AI launch", animated=True))
                handles.append(marks[0])
            if spec.twin and with_cf:
                handles.append(Line2D([], [], color="black", ls="--", lw=1.0,
                                      label="without AI"))
            legend = None
            if spec.legend:
                legend = ax.legend(handles=handles, fontsize=7, loc=spec.legend,
                                   framealpha=0.7)
                legend.set_animated(True)  # not in the background: laid over each frame
            self.axes.append({"ax": ax, "spec": spec, "runs": runs, "twins": twins,
                              "stack": stack, "marks": marks, "retrains": [],
                              "legend": legend})
        self.fig, self.canvas, self._layout = fig, fig.canvas, layout
        self._limits = self._retrains = self._background = self._legend_key = None

    # -- data: every frame ----------------------------------------------------------------

    def _set_data(self, snap: Snapshot) -> tuple:
        """Move the artists to ``snap``; returns each axes' y-limits."""
        ts, cf = snap.ts, snap.counterfactual
        x = ts["week"].to_numpy() if len(ts) else np.empty(0)
        cx = cf["week"].to_numpy() if cf is not None and len(cf) else np.empty(0)
        limits = []
        for a in self.axes:
            spec, top = a["spec"], 0.0
            for col, line in a["runs"].items():
                y = ts[col].to_numpy(dtype=float) if len(x) else np.empty(0)
                line.set_data(*thin(x, y))
                if len(y) and np.isfinite(y).any():
                    top = max(top, float(np.nanmax(y)))
            for col, line in a["twins"].items():
                y = cf[col].to_numpy(dtype=float) if len(cx) else np.empty(0)
                line.set_data(*thin(cx, y))
                if len(y) and np.isfinite(y).any():
                    top = max(top, float(np.nanmax(y)))
            if a["stack"]:
                lower = np.zeros(len(x))
                keep = slice(None, None, max(1, math.ceil(len(x) / MAX_POINTS)))
                for g, coll in zip(spec.stack, a["stack"]):
                    upper = lower + (ts[f"provenance_{g}"].to_numpy(dtype=float)
                                     if len(x) else 0)
                    coll.set_data(x[keep], lower[keep], upper[keep])
                    lower = upper
            limits.append((0.0, 1.0) if spec.share else (0.0, nice_ceiling(top * 1.05)))
        return tuple(limits)

    def _set_retrains(self, retrains: tuple[int, ...]) -> None:
        for a in self.axes:
            for mark in a["retrains"]:
                mark.remove()
            a["retrains"] = [a["ax"].axvline(w, color="grey", lw=0.8, ls=":", animated=True)
                             for w in retrains]
        self._retrains = retrains

    def _draw_background(self, limits: tuple) -> None:
        for a, (low, high) in zip(self.axes, limits):
            a["ax"].set_ylim(low, high)
        self.canvas.draw()  # everything but the animated artists
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self._limits = limits
        self._legend_key = None
        self.full_draws += 1

    def _draw_legends(self):
        """The legends alone on a transparent canvas, cropped: (row, column, RGB, alpha)."""
        legends = [a["legend"] for a in self.axes if a["legend"] is not None]
        if not legends:
            return None
        renderer = self.canvas.get_renderer()
        renderer.clear()
        for legend in legends:
            legend.draw(renderer)  # "best" looks at the lines' current data
        rgba = np.array(renderer.buffer_rgba())  # a copy: the buffer is reused below
        self.canvas.restore_region(self._background)
        rows, cols = np.nonzero(rgba[..., 3])
        if not len(rows):
            return None
        r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
        crop = rgba[r0:r1, c0:c1].astype(np.float32)
        alpha = crop[..., 3:] / 255.0
        return r0, c0, crop[..., :3] * alpha, 1.0 - alpha

    def _move(self, snap: Snapshot) -> tuple:
        self._build(snap)
        limits = self._set_data(snap)
        retrains = _retrain_weeks(snap)
        if retrains != self._retrains:
            self._set_retrains(retrains)
        return limits

    def png(self, snap: Snapshot) -> bytes:
        """The panel at ``snap`` as a PNG: the cached layers plus this frame's data."""
        with self.lock:
            limits = self._move(snap)
            if self._background is None or limits != self._limits:
                self._draw_background(limits)
            legend_key = (self._retrains,
                          len(snap.ts) * self.LEGEND_PLACEMENTS // max(snap.weeks, 1))
            if legend_key != self._legend_key:
                self._overlay = self._draw_legends()
                self._legend_key = legend_key
            self.canvas.restore_region(self._background)
            for a in self.axes:
                ax = a["ax"]
                lines = [line for col, run in a["runs"].items()
                         for line in (run, a["twins"].get(col)) if line is not None]
                for artist in (*a["stack"], *lines, *a["marks"], *a["retrains"]):
                    ax.draw_artist(artist)
            rgb = np.asarray(self.canvas.buffer_rgba())[..., :3].copy()
            if self._overlay is not None:
                r0, c0, src, keep = self._overlay
                region = rgb[r0:r0 + src.shape[0], c0:c0 + src.shape[1]]
                region[:] = np.clip(src + region * keep + 0.5, 0, 255).astype(np.uint8)
            out = io.BytesIO()
            Image.fromarray(rgb).save(out, format="PNG", compress_level=1)
            return out.getvalue()

    @property
    def figure(self) -> Figure:
        """The figure (complete when saved with ``savefig``)."""
        assert self.fig is not None, "png() first"
        return self.fig


PANELS = tuple(SPECS)
"""The panels in page order."""


@solara.component
def Plot(snapshot: Snapshot, panel: str):
    """One live panel; redrawn (cheaply, in place) only when a new snapshot is published."""
    live = solara.use_memo(lambda: LivePanel(panel), [panel])
    png = solara.use_memo(lambda: live.png(snapshot), [snapshot, live])
    rw.Image(value=png, format="png")


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

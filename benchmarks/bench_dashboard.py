"""What a stepped week costs in the dashboard: the model's step and the page's render.

Usage:
    python benchmarks/bench_dashboard.py                       # the baseline preset, 40 Steps
    python benchmarks/bench_dashboard.py --steps 80 --json out.json
    python benchmarks/bench_dashboard.py --browser             # also through Chromium

Renders the whole page (``ecosim.viz.Dashboard`` inside Solara's app layout, as
``solara run app.py`` serves it) in this process without a browser, waits for the build, then
clicks Step ``--steps`` times and times each click until its frame is published and drawn:
stepping the model and its counterfactual, copying the snapshot, the render pass and the
plots. The browser adds one websocket round trip and its own drawing on top. The parts
(model, snapshot, plots) are then timed alone; the rest of a Step is Solara's render pass
(``render_pass_ms_median``, by difference).

With ``--browser`` it also serves ``solara run app.py`` and clicks Step in Debian's Chromium
(Playwright), timing each click until the page shows the new week and the browser has
painted it: what a user waits for.

Not a test: no thresholds; figures go in benchmarks/README.md with the machine they came from.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import ipyvuetify as v

from ecosim.viz.plots import PANELS, LivePanel
from ecosim.viz.session import Simulation, preset_values

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the page helpers of the dashboard tests

from tests.dashboard_helpers import (  # noqa: E402
    ARGS,
    CHROMIUM,
    render_page,
    serve_app,
    status,
    wait_for,
)

WAIT = {"timeout": 120.0, "interval": 0.02}  # a coarser poll would be timed as the Step's


def parts_ms(steps: int) -> dict[str, float]:
    """Median cost of each part of a Step, without the page: the model and its
    counterfactual, the snapshot (copies of both tables) and the five plots' PNGs."""
    sim = Simulation(preset_values(ROOT / "scenarios" / "baseline.toml"), "baseline")
    panels = [LivePanel(name) for name in PANELS]
    parts: dict[str, list[float]] = {"model": [], "snapshot": [], "plots": []}
    for _ in range(steps):
        t0 = time.perf_counter()
        sim.step(1)
        t1 = time.perf_counter()
        snap = sim.snapshot()
        t2 = time.perf_counter()
        for panel in panels:
            panel.png(snap)
        t3 = time.perf_counter()
        for part, seconds in zip(parts, (t1 - t0, t2 - t1, t3 - t2)):
            parts[part].append(1000 * seconds)
    return {part: statistics.median(ms) for part, ms in parts.items()}


def page_step_ms(steps: int) -> list[float]:
    """Milliseconds from a Step click to its frame drawn, for each of ``steps`` clicks."""
    box, rc = render_page(ROOT / "scenarios", ROOT / "data" / "regime_map")
    wait_for(lambda: status(rc).startswith("Week 0 of")
             and not rc.find(v.Btn, children=["Step"]).widget.disabled, **WAIT)
    time.sleep(1.0)  # the build task's last render
    button = rc.find(v.Btn, children=["Step"]).widget
    times = []
    for week in range(1, steps + 1):
        t0 = time.perf_counter()
        button.click()  # the handler steps, publishes and renders before returning
        wait_for(lambda: status(rc).startswith(f"Week {week} of"), **WAIT)
        times.append(1000 * (time.perf_counter() - t0))
    rc.close()
    return times


def browser_step_ms(steps: int) -> list[float]:
    """Milliseconds from a Step click in Chromium to the next painted frame showing its week."""
    from playwright.sync_api import sync_playwright

    with serve_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(url)
        page.wait_for_function("() => /^Week 0 of/.test("
                               "document.querySelector('.ecosim-status')?.innerText)",
                               timeout=120_000)
        page.wait_for_function("() => !document.querySelector('.ecosim-busy')")
        page.wait_for_timeout(1000)
        times = page.evaluate("""async (steps) => {
            const button = [...document.querySelectorAll('button')]
                .find(b => b.innerText.trim() === 'STEP' || b.innerText.trim() === 'Step');
            const status = () => document.querySelector('.ecosim-status').innerText;
            const out = [];
            for (let week = 1; week <= steps; week++) {
                const t0 = performance.now();
                button.click();
                while (!status().startsWith(`Week ${week} of`) || button.disabled)
                    await new Promise(r => setTimeout(r, 1));
                await new Promise(r => requestAnimationFrame(() => r()));
                out.push(performance.now() - t0);
            }
            return out;
        }""", steps)
        browser.close()
    return times


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument("--browser", action="store_true",
                    help="also time Steps clicked in Chromium against `solara run app.py`")
    args = ap.parse_args()
    page = page_step_ms(args.steps)
    parts = parts_ms(args.steps)
    out = {
        "people": preset_values(ROOT / "scenarios" / "baseline.toml")["population.size"],
        "steps": args.steps,
        "page_step_ms_median": round(statistics.median(page), 1),
        "page_step_ms_p90": round(statistics.quantiles(page, n=10)[-1], 1),
        "page_step_ms_first": round(page[0], 1),
        "model_and_counterfactual_ms_median": round(parts["model"], 2),
        "snapshot_ms_median": round(parts["snapshot"], 2),
        "five_plots_ms_median": round(parts["plots"], 2),
        "render_pass_ms_median": round(statistics.median(page) - sum(parts.values()), 1),
    }
    if args.browser:
        clicks = browser_step_ms(args.steps)
        out |= {"browser_step_ms_median": round(statistics.median(clicks), 1),
                "browser_step_ms_p90": round(statistics.quantiles(clicks, n=10)[-1], 1)}
    out |= {
        "machine": f"{platform.machine()} python {platform.python_version()}, "
                   f"{os.cpu_count()} cores",
    }
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()

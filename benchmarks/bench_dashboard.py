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
import time
from pathlib import Path

import ipyvuetify as v
import solara

from ecosim.viz import Dashboard
from ecosim.viz.plots import PANELS, LivePanel
from ecosim.viz.session import Simulation, preset_values

ROOT = Path(__file__).resolve().parent.parent


def _status(rc) -> str:
    found = rc.find(v.Html, class_="ecosim-status")
    return found.widget.children[0] if len(found) else ""


def _wait(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not get there in time")
        time.sleep(0.02)


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
    box, rc = solara.render(solara.AppLayout(children=[
        Dashboard(ROOT / "scenarios", ROOT / "data" / "regime_map")]), handle_error=False)
    _wait(lambda: _status(rc).startswith("Week 0 of")
          and not rc.find(v.Btn, children=["Step"]).widget.disabled)
    time.sleep(1.0)  # the build task's last render
    button = rc.find(v.Btn, children=["Step"]).widget
    times = []
    for week in range(1, steps + 1):
        t0 = time.perf_counter()
        button.click()  # the handler steps, publishes and renders before returning
        _wait(lambda: _status(rc).startswith(f"Week {week} of"))
        times.append(1000 * (time.perf_counter() - t0))
    rc.close()
    return times


def browser_step_ms(steps: int) -> list[float]:
    """Milliseconds from a Step click in Chromium to the next painted frame showing its week."""
    import socket
    import subprocess
    import sys

    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "solara", "run", "app.py", "--port", str(port),
         "--host", "127.0.0.1", "--production"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait(lambda: _answers(url), timeout=90)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--headless", "--no-sandbox", "--disable-gpu"])
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
    finally:
        server.terminate()
        server.wait(10)


def _answers(url: str) -> bool:
    import urllib.request

    try:
        urllib.request.urlopen(url, timeout=2).read()
        return True
    except OSError:
        return False


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

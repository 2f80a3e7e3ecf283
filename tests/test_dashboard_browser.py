"""End-to-end: `solara run app.py` driven by Debian's Chromium through Playwright.

Every request that does not go to the local server is aborted, so these tests also prove
the page works offline. Screenshots land in ``test-output/`` (gitignored). The tests skip
only when /usr/bin/chromium is missing (``make test`` installs it).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .conftest import ROOT
from .dashboard_helpers import ARGS, CHROMIUM, serve_app, wait_for
from .test_dashboard import make_sweep

SHOTS = ROOT / "test-output"
TIMEOUT = 30_000  # ms

pytestmark = [
    # `make test` runs pytest with --dist loadfile, so these share one worker: one server
    # and one browser serve them all. (--dist loadgroup with xdist_group would say the same,
    # but pytest 9.2 with xdist 3.8 ignores the group: pytest-dev/pytest-xdist#1386.)
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="/usr/bin/chromium is missing (apt-get install -y chromium)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`solara run app.py` on a free port, with a synthetic regime map."""
    sweep = make_sweep(tmp_path_factory.mktemp("sweep") / "regime_map")
    with serve_app({"ECOSIM_REGIME_MAP": str(sweep)},
                   log=tmp_path_factory.mktemp("log") / "solara.log") as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def dash(chromium, server):
    """A fresh page (a new Solara session) with the network cut off beyond the server."""
    SHOTS.mkdir(exist_ok=True)
    context = chromium.new_context(viewport={"width": 1500, "height": 1000},
                                  accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.outside = []

    def route(r):
        if r.request.url.startswith(server):
            r.continue_()
        else:
            pg.outside.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    pg.goto(server)
    pg.wait_for_selector("#loader", state="hidden")
    wait_status(pg, r"^Week 0 of \d+")
    wait_idle(pg)
    yield pg
    context.close()


def status(pg) -> str:
    return pg.locator(".ecosim-status").inner_text()


def wait_status(pg, pattern: str, timeout: int = TIMEOUT) -> str:
    """Wait until the status line matches a regular expression."""
    pg.wait_for_function(
        "p => { const e = document.querySelector('.ecosim-status');"
        " return e && new RegExp(p).test(e.innerText); }", arg=pattern, timeout=timeout)
    return status(pg)


def wait_idle(pg) -> None:
    """Wait until no build or run-to-end is in progress."""
    pg.wait_for_function("() => !document.querySelector('.ecosim-busy')")


def week(pg) -> int:
    return int(re.match(r"Week (\d+)", status(pg)).group(1))


def open_tab(pg, name: str) -> None:
    """Click a tab until it is the selected one (a click during a redraw can be lost)."""
    tab = pg.get_by_role("tab", name=name, exact=True)
    for _ in range(5):
        tab.click()
        try:
            pg.wait_for_selector(f"[role=tab][aria-selected=true]:has-text('{name}')",
                                 timeout=5000)
            return
        except Exception:  # noqa: BLE001 - retry
            continue
    raise AssertionError(f"tab {name} did not open")


def plots_drawn(pg) -> int:
    """Number of plot panels showing a non-empty image."""
    return pg.evaluate(
        "() => [...document.querySelectorAll('[class*=ecosim-plot-] img')]"
        ".filter(i => i.complete && i.naturalWidth > 100).length")


def test_page_loads_offline_with_plots(dash):
    assert "10,000 people - baseline" in status(dash)
    dash.get_by_role("button", name="To end", exact=True).click()
    wait_status(dash, r"^Week 520 of 520")
    wait_idle(dash)
    wait_for(lambda: plots_drawn(dash) == 5)  # each panel's PNG arrives on its own
    assert dash.locator(".ecosim-regime-name").inner_text() in (
        "collapse", "decline", "resilient", "oscillation")
    dash.screenshot(path=SHOTS / "dashboard_baseline_end.png", full_page=True)
    assert dash.outside == [], f"the page asked the internet for {dash.outside}"


@pytest.mark.slow
def test_step_and_play_advance_time(dash):
    dash.get_by_role("button", name="Step", exact=True).click()
    wait_status(dash, r"^Week 1 of")
    dash.get_by_role("button", name="Play", exact=True).click()
    dash.wait_for_function(
        "() => parseInt(document.querySelector('.ecosim-status').innerText.slice(5)) >= 12")
    dash.get_by_role("button", name="Pause", exact=True).click()
    dash.get_by_role("button", name="Play", exact=True).wait_for()
    time.sleep(1.5)  # the frame in progress when Pause was pressed still lands
    paused = week(dash)
    time.sleep(1.0)
    assert week(dash) == paused >= 12
    assert plots_drawn(dash) == 5
    dash.screenshot(path=SHOTS / "dashboard_played.png", full_page=True)


@pytest.mark.slow
def test_slider_and_reset_change_the_run(dash):
    dash.locator(".v-expansion-panel-header", has_text="People").click()
    # Vuetify's slider role sits on a zero-size thumb container: Playwright calls it
    # hidden, but it takes focus and keys like a user's.
    slider = dash.locator(".ecosim-param-population-size").get_by_role("slider")
    slider.wait_for(state="attached")
    slider.focus()
    # One key press is one change event, so the value the label settles on is final.
    # (Ten arrow presses are ten round trips; on a loaded machine the label could pause
    # between them and the test read a value the server had not finished with.)
    slider.press("PageDown")  # ten of a hundred positions down: 10,000 -> about 6,300
    dash.locator(".ecosim-pending").wait_for()
    dash.wait_for_function(
        "() => [...document.querySelectorAll('*')].some(e => e.childElementCount == 0"
        " && /^population\\.size = [\\d,]+ people$/.test(e.innerText)"
        " && !e.innerText.includes('= 10,000 '))")
    people = label_people(dash)
    dash.screenshot(path=SHOTS / "dashboard_slider_pending.png")
    dash.get_by_role("button", name="Reset", exact=True).click()
    try:
        wait_status(dash, rf"^Week 0 of 520 - {people} people")
    except Exception as err:  # noqa: BLE001 - say what the page showed instead
        raise AssertionError(f"after Reset the status is {status(dash)!r}; the slider "
                             f"label said {label_people(dash)} people") from err
    wait_idle(dash)
    assert dash.locator(".ecosim-pending").count() == 0
    assert label_people(dash) == people


def label_people(pg) -> str:
    label = pg.get_by_text(re.compile(r"^population\.size = [\d,]+ people$"))
    return re.search(r"= ([\d,]+) people", label.inner_text()).group(1)


@pytest.mark.slow
def test_preset_and_mechanism_switch(dash):
    dash.locator(".ecosim-preset").click()
    dash.get_by_role("option", name="collapse", exact=True).click()
    wait_status(dash, r"people - collapse")
    dash.locator(".v-expansion-panel-header", has_text="Mechanisms").click()
    dash.get_by_role("switch", name="gatekeeping", exact=True).click(force=True)
    dash.locator(".ecosim-pending").wait_for()
    dash.get_by_role("button", name="Reset", exact=True).click()
    dash.locator(".ecosim-pending").wait_for(state="detached")
    wait_idle(dash)
    wait_status(dash, r"^Week 0 of 520 .* collapse")
    open_tab(dash, "STIE cards")
    dash.get_by_text(re.compile(r"gatekeeping \(community, OFF\)")).wait_for()
    dash.screenshot(path=SHOTS / "dashboard_stie.png", full_page=True)


@pytest.mark.slow
def test_download_returns_the_time_series(dash):
    for _ in range(3):
        dash.get_by_role("button", name="Step", exact=True).click()
        dash.wait_for_timeout(50)
    wait_status(dash, r"^Week 3 of")
    with dash.expect_download() as info:
        dash.get_by_role("button", name="Time series (CSV)", exact=True).click()
    lines = Path(info.value.path()).read_text().splitlines()
    assert lines[0].startswith("week,date,") and len(lines) == 4
    with dash.expect_download() as info:
        dash.get_by_role("button", name="Manifest (JSON)", exact=True).click()
    assert '"output_sha256"' in Path(info.value.path()).read_text()


@pytest.mark.slow
def test_lesson_and_regime_map_load_settings(dash):
    open_tab(dash, "Lesson")
    step5 = dash.get_by_role("button", name=re.compile("Collapse, a new equilibrium"))
    try_it = dash.get_by_role("button", name="The collapse scenario", exact=True)
    for _ in range(5):  # a click that lands during a redraw can be lost
        step5.click()
        try:
            try_it.wait_for(timeout=5000)
            break
        except Exception:  # noqa: BLE001 - retry
            continue
    dash.screenshot(path=SHOTS / "dashboard_lesson.png", full_page=True)
    dash.get_by_role("button", name="The collapse scenario", exact=True).click()
    wait_status(dash, r"^Week 0 of 520 .* collapse")
    open_tab(dash, "Regime map")
    dash.locator(".ecosim-map-cell").first.wait_for()
    assert dash.locator(".ecosim-map-cell").count() == 12
    dash.screenshot(path=SHOTS / "dashboard_regime_map.png", full_page=True)
    dash.locator(".ecosim-map-cell").first.click()
    # The synthetic sweep's base world: 400 people, 40 weeks.
    wait_status(dash, r"^Week 0 of 40 - 400 people")

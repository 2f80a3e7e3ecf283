"""Helpers shared by the dashboard tests and benchmarks/bench_dashboard.py: the page
rendered in-process, and `solara run app.py` served for Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import ipyvuetify as v
import solara

from ecosim.viz.page import Dashboard

from .conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_SECONDS = 90


# -- the page in this process -----------------------------------------------------------------


def render_page(scenarios: Path, map_folder: Path):
    """Render the page inside an app layout, as ``solara run`` does (the sidebar and app
    bar need one)."""
    return solara.render(solara.AppLayout(children=[Dashboard(scenarios, map_folder)]),
                         handle_error=False)


def status(rc) -> str:
    """The rendered page's status line ("" before the first snapshot)."""
    found = rc.find(v.Html, class_="ecosim-status")
    return found.widget.children[0] if len(found) else ""


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0,
             interval: float = 0.05) -> None:
    """Poll until predicate() is true (background tasks build the model)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError("timed out")


# -- the served app ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).read()
        return True
    except OSError:
        return False


@contextmanager
def serve_app(env: dict[str, str] | None = None, log: Path | None = None) -> Iterator[str]:
    """`solara run app.py` on a free port; yields its URL once it answers.

    Args:
        env: Variables added to this process's environment.
        log: File for the server's output (discarded when None).

    Raises:
        RuntimeError: If the server exits, or does not answer within START_SECONDS.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "solara", "run", "app.py", "--port", str(port),
         "--host", "127.0.0.1", "--production"],
        cwd=ROOT, env=dict(os.environ, **(env or {})), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not answers(url):
            # A server that crashed on start would otherwise cost the whole wait.
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("solara did not start" + (f"; see {log}" if log else ""))
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()

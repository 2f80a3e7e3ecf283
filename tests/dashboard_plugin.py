"""Pytest plugin for the dashboard tests: declares the ``browser`` marker.

Loaded by ``tests/test_dashboard_browser.py`` through ``pytest_plugins``, so that the marker
is known (``-m "not browser"`` deselects the browser tests) without touching pyproject.toml.
"""

import pytest


def pytest_configure(config):
    """Register the marker."""
    config.addinivalue_line(
        "markers", "browser: end-to-end tests that drive Chromium against `solara run app.py`")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test of the browser module, before ``-m`` selects.

    The mark is added here rather than with ``pytestmark`` because the module is imported
    before this plugin (which it loads) can register the marker.
    """
    for item in items:
        if item.module.__name__.endswith("test_dashboard_browser"):
            item.add_marker("browser")
            # With `pytest -n 2 --dist loadgroup` (make test) they share one worker, so one
            # server and one browser serve them all.
            item.add_marker(pytest.mark.xdist_group("browser"))

"""The browser dashboard (``solara run app.py``): Solara components over ecosim's runs.

- :mod:`ecosim.viz.session`: the model and its counterfactual, stepped together (no UI).
- :mod:`ecosim.viz.plots`: the live matplotlib panels.
- :mod:`ecosim.viz.params`: sliders and switches generated from the scenario schema.
- :mod:`ecosim.viz.panels`: regime badge, STIE cards and targets, downloads.
- :mod:`ecosim.viz.regime_map`: the phase diagram read from a sweep's output.
- :mod:`ecosim.viz.lesson`: the lesson's content and its checked claims (no UI; the
  teaching guide, docs/teaching.md, is rendered from it too).
- :mod:`ecosim.viz.tour`: the lesson in the page.
- :mod:`ecosim.viz.page`: the page that puts them together.
"""

from importlib import import_module


def __getattr__(name: str):
    # The page loads Solara: import it only when the dashboard is asked for, so that the
    # lesson's content can be read (by ``ecosim docs``) without it.
    if name == "Dashboard":
        return import_module("ecosim.viz.page").Dashboard
    raise AttributeError(f"module 'ecosim.viz' has no attribute {name!r}")


__all__ = ["Dashboard"]

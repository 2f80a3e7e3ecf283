"""The browser dashboard (``solara run app.py``): Solara components over ecosim's runs.

- :mod:`ecosim.viz.session`: the model and its counterfactual, stepped together (no UI).
- :mod:`ecosim.viz.plots`: the live matplotlib panels.
- :mod:`ecosim.viz.params`: sliders and switches generated from the scenario schema.
- :mod:`ecosim.viz.panels`: regime badge, STIE cards and targets, downloads.
- :mod:`ecosim.viz.regime_map`: the phase diagram read from a sweep's output.
- :mod:`ecosim.viz.tour`: the lesson (content in :mod:`ecosim.lesson`).
- :mod:`ecosim.viz.page`: the page that puts them together.
"""

from ecosim.viz.page import Dashboard

__all__ = ["Dashboard"]

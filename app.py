"""ecosim dashboard: the AI / knowledge-platform feedback loop in the browser.

Run it with ``solara run app.py`` (or ``make dashboard``) and open http://localhost:8765.
Pick a scenario preset, press Play, and watch the communities meet the AI; the dashed lines
are the same world, same seed, without the AI. The Lesson tab walks through the five steps
of the hypothesis; the Regime map tab reads ``data/regime_map`` (made by ``ecosim sweep``).
Everything it needs is local: it works without internet.
"""

import os
from pathlib import Path

from ecosim.viz import Dashboard

HERE = Path(__file__).resolve().parent

# The sliders, units and help lines come from the scenario schema (ecosim.model.params); the
# plots, the STIE cards and the lesson from ecosim.viz. Here we only say where things are.
page = Dashboard(
    scenario_dir=HERE / "scenarios",
    # ECOSIM_REGIME_MAP points the map at another sweep folder (the browser tests use it).
    map_folder=os.environ.get("ECOSIM_REGIME_MAP", HERE / "data" / "regime_map"),
    name="ecosim: AI and the knowledge commons",
)
page  # noqa: B018

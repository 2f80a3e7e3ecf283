"""ecosim: an agent-based model of the content-ecosystem feedback loop, built on Mesa.

As AI assistants substitute for knowledge platforms, do the volunteer communities that write
the AI's training data dry up, and does the AI, retrained on staler content, get worse?

Quick use::

    from ecosim import EcosystemModel, load_scenario
    model = EcosystemModel(load_scenario("scenarios/baseline.toml"))
    model.run()
    df = model.datacollector.get_model_vars_dataframe()

The package is layered, each layer importing only those below it: :mod:`ecosim.model`
(the world state, the mechanisms and the schedule), :mod:`ecosim.stie` (evidence, targets,
cards' levels, regimes), :mod:`ecosim.experiments` (runs, sweeps, validation, calibration,
docs), and the faces, :mod:`ecosim.cli` and :mod:`ecosim.viz`.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

from ecosim.model.params import SCHEMA, ScenarioError

try:
    __version__ = version("ecosim")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+src"

# The rest of the API loads numpy, Mesa and pandas, so it is imported when first used
# (``ecosim --help`` needs none of them).
_LAZY = {
    "EcosystemModel": "ecosim.model.model",
    "REGISTRY": "ecosim.model.schedule",
    "Scenario": "ecosim.model.scenario",
    "load_scenario": "ecosim.model.scenario",
    "RunResult": "ecosim.experiments.run",
    "run_scenario": "ecosim.experiments.run",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ecosim' has no attribute {name!r}")


__all__ = [
    "EcosystemModel",
    "REGISTRY",
    "RunResult",
    "SCHEMA",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "run_scenario",
    "__version__",
]

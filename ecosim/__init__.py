"""ecosim: an agent-based model of the content-ecosystem feedback loop, built on Mesa.

As AI assistants substitute for knowledge platforms, do the volunteer communities that write
the AI's training data dry up, and does the AI, retrained on staler content, get worse?

Quick use::

    from ecosim import EcosystemModel, load_scenario
    model = EcosystemModel(load_scenario("scenarios/baseline.toml"))
    model.run()
    df = model.datacollector.get_model_vars_dataframe()
"""

from importlib.metadata import PackageNotFoundError, version

from ecosim import mechanisms  # noqa: F401  (registers every mechanism)
from ecosim.model import EcosystemModel
from ecosim.registry import REGISTRY
from ecosim.run import RunResult, run_scenario
from ecosim.scenario import Scenario, load_scenario
from ecosim.schema import SCHEMA, ScenarioError

try:
    __version__ = version("ecosim")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+src"

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

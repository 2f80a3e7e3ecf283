"""Scenarios: the validated parameters of a run, as a Mesa scenario.

Scenario files are read and checked by :mod:`ecosim.model.scenario_files`;
:func:`load_scenario` returns them as a :class:`Scenario`, which ``EcosystemModel`` takes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mesa.experimental.scenarios import Scenario as MesaScenario

from ecosim.model.params import Params, defaults
from ecosim.model.scenario_files import read_params


class Scenario(MesaScenario):
    """A validated scenario: the full parameter set of a run and where it came from.

    Attributes:
        params: Every key, resolved (defaults filled in, overrides applied).
        source: The file (or "defaults") the scenario was read from.
    """

    def __init__(self, params: Params, source: str = "defaults"):
        super().__init__(rng=params.run.seed, params=params, source=source)

    @classmethod
    def from_overrides(cls, values: Mapping[str, Any], where: str = "parameters") -> Scenario:
        """Defaults with ``values`` (dotted key -> value) applied and validated."""
        return cls(defaults().with_values(values, where), where if values else "defaults")

    def with_values(self, values: Mapping[str, Any], where: str = "override") -> Scenario:
        """A copy with some keys changed (validated)."""
        return Scenario(self.params.with_values(values, where), self.source)


def load_scenario(path: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """Read, validate and resolve a scenario file.

    Args:
        path: A TOML scenario file.
        overrides: ``key=value`` strings applied after the file (as ``--set`` does).

    Returns:
        The validated :class:`Scenario`.

    Raises:
        ScenarioError: On any problem with the file or the overrides (one clear line).
    """
    return Scenario(read_params(path, overrides), str(path))

"""Sweep files and experimental designs: which scenarios a sweep runs.

A sweep file (``scenarios/sweeps/*.toml``) names a base scenario, optional overrides, one
design and the keys it varies::

    [sweep]
    name = "regime_map"
    base = "../baseline.toml"    # relative to this file
    design = "grid"              # grid | lhs | sobol | morris
    samples = 5                  # see SAMPLERS: levels, points, base samples or trajectories
    replicates = 2               # runs per point, each with its own seed
    seed = 2025                  # root of the replicate seeds

    [set]                        # overrides of the base scenario, as in a scenario file
    population.size = 3000

    [factors]                    # the varied keys, each within its declared range
    "ai.capability" = { low = 0.2, high = 1.0, levels = 9 }
    "attribution.share" = { values = [0.0, 0.2, 0.4] }   # explicit values (grid only)

Every sampler has the shape ``sample(factors, size, seed) -> array (points, factors)`` in
the factors' own units, as SALib's samplers do; the design turns rows into points (dotted
key -> value, integers rounded) and each point into ``replicates`` runs. Replicate ``r``
of every point draws the same seed (``SeedSequence(root).spawn(...)[r]``): common random
numbers across points, so differences between points are not seed noise. Run ids name
the point and replicate (``p00012-r001``) and are the same whenever the design is, which
is what lets a sweep resume.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from ecosim.model.params import SCHEMA, Param, Params, ScenarioError, lookup
from ecosim.model.scenario_files import flatten, parse_set, read_params, read_toml

SOBOL_SECOND_ORDER = False
"""Sobol designs estimate first-order and total indices only (N * (k + 2) points)."""
MORRIS_LEVELS = 4
"""Grid levels of Morris trajectories (SALib's default)."""
GRID_LEVELS = 5
"""Levels of a grid factor given as a range when neither it nor ``samples`` says."""

_SWEEP_KEYS = {"name", "description", "base", "design", "samples", "replicates", "seed"}
_FACTOR_KEYS = {"low", "high", "levels", "values"}


@dataclass(frozen=True)
class Factor:
    """One varied scenario key.

    Attributes:
        key: Dotted scenario key.
        low: Lower end of the range (numeric keys given as a range).
        high: Upper end of the range.
        levels: Grid levels across the range (grid designs; None: the design's ``samples``).
        values: Explicit values (grid designs only; any type the key allows).
    """

    key: str
    low: float | None = None
    high: float | None = None
    levels: int | None = None
    values: tuple[Any, ...] | None = None

    @property
    def param(self) -> Param:
        """The key's declaration in the schema."""
        return SCHEMA[self.key]

    def record(self) -> dict[str, Any]:
        """The factor as a JSON-ready dict (for sweep.json and the fingerprint)."""
        out: dict[str, Any] = {"key": self.key, "kind": self.param.kind.__name__}
        if self.values is not None:
            out["values"] = list(self.values)
        else:
            out |= {"low": self.low, "high": self.high}
            if self.levels is not None:
                out["levels"] = self.levels
        return out


Sampler = Callable[[Sequence[Factor], int, int], np.ndarray]


def sample_grid(factors: Sequence[Factor], size: int, seed: int) -> np.ndarray:
    """Full factorial grid: every combination of the factors' levels.

    Args:
        factors: Factors with explicit ``values`` or a range (split into ``levels`` equal
            steps, else ``size``).
        size: Levels of range factors that do not give their own.
        seed: Unused (a grid is not random); kept so all samplers share one shape.

    Returns:
        An object array, one row per point, the last factor varying fastest.
    """
    axes = [grid_values(f, size) for f in factors]
    return np.array(list(product(*axes)), dtype=object).reshape(-1, len(factors))


def sample_lhs(factors: Sequence[Factor], size: int, seed: int) -> np.ndarray:
    """Latin hypercube of ``size`` points over the factors' ranges (SALib ``latin``)."""
    from SALib.sample import latin

    return latin.sample(problem(factors), size, seed=seed)


def sample_sobol(factors: Sequence[Factor], size: int, seed: int) -> np.ndarray:
    """Saltelli's scheme for Sobol indices: ``size * (k + 2)`` points (SALib ``sobol``).

    ``size`` must be a power of two (the Sobol sequence's balance properties need it).
    """
    from SALib.sample import sobol

    return sobol.sample(problem(factors), size, calc_second_order=SOBOL_SECOND_ORDER,
                        seed=seed)


def sample_morris(factors: Sequence[Factor], size: int, seed: int) -> np.ndarray:
    """``size`` Morris trajectories of ``k + 1`` points each (SALib ``morris``)."""
    from SALib.sample import morris

    return morris.sample(problem(factors), size, num_levels=MORRIS_LEVELS, seed=seed)


SAMPLERS: dict[str, Sampler] = {
    "grid": sample_grid,
    "lhs": sample_lhs,
    "sobol": sample_sobol,
    "morris": sample_morris,
}
"""Design name -> sampler. ``samples`` means: grid, levels per range factor; lhs, points;
sobol, base samples N (a power of two); morris, trajectories."""


def problem(factors: Sequence[Factor]) -> dict[str, Any]:
    """The SALib problem dict of range factors (the contract between sample and analyze)."""
    return {"num_vars": len(factors), "names": [f.key for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def grid_values(factor: Factor, size: int) -> list[Any]:
    """A grid factor's levels, in the key's type (integers rounded, repeats dropped)."""
    if factor.values is not None:
        return list(factor.values)
    n = factor.levels or size
    raw = np.linspace(factor.low, factor.high, n) if n > 1 else np.array([factor.low])
    return list(dict.fromkeys(_typed(factor.param, v) for v in raw))


def _typed(param: Param, value: Any) -> Any:
    """A sampled value in the key's type: integers rounded, floats rounded to 12 digits."""
    if param.kind is int:
        return int(round(float(value)))
    if param.kind is float:
        return round(float(value), 12)  # 0.30000000000000004 -> 0.3 in tables and run ids
    return value


@dataclass(frozen=True)
class Sweep:
    """A validated sweep file.

    Attributes:
        path: The sweep file.
        name: Short name.
        description: What the sweep shows.
        base_path: The base scenario file (resolved against the sweep file's folder).
        base_set: Overrides of the base scenario (dotted key -> value): the file's ``[set]``
            table, then ``--set``.
        base: The base scenario's parameters, with the overrides applied.
        design: Design name (a key of :data:`SAMPLERS`).
        samples: The design's size parameter (see :data:`SAMPLERS`).
        replicates: Runs per point.
        seed: Root seed of the replicate seeds.
        factors: The varied keys.
    """

    path: Path
    name: str
    description: str
    base_path: Path
    base_set: dict[str, Any]
    base: Params
    design: str
    samples: int
    replicates: int
    seed: int
    factors: tuple[Factor, ...]
    _points: list[dict[str, Any]] = field(default_factory=list, repr=False, compare=False)

    @property
    def keys(self) -> list[str]:
        """The varied dotted keys, in design order."""
        return [f.key for f in self.factors]

    def matrix(self) -> np.ndarray:
        """The sampler's raw rows (unrounded; what SALib's analyzers expect)."""
        return SAMPLERS[self.design](self.factors, self.samples, self.seed)

    def points(self) -> list[dict[str, Any]]:
        """The design's points: dotted key -> value in the key's type, in design order."""
        if not self._points:
            params = [f.param for f in self.factors]
            self._points.extend(
                {p.key: _typed(p, v) for p, v in zip(params, row, strict=True)}
                for row in self.matrix())
        return self._points

    def seeds(self, replicates: int | None = None) -> list[int]:
        """One seed per replicate (``replicates`` or the sweep's), from ``SeedSequence.spawn``.

        Spawned children depend only on their index, so adding replicates keeps the seeds
        of the existing ones.
        """
        return replicate_seeds(self.seed, replicates or self.replicates)

    def record(self) -> dict[str, Any]:
        """The design as a JSON-ready dict: what sweep.json stores and the fingerprint hashes."""
        return {
            "name": self.name,
            "description": self.description,
            "method": self.design,
            "samples": self.samples,
            "factors": [f.record() for f in self.factors],
            "varied": self.keys,
            "root_seed": self.seed,
            "base": {"scenario": str(self.base_path), "set": _jsonable(self.base_set),
                     "parameters": self.base.nested()},
            "options": {"sobol_second_order": SOBOL_SECOND_ORDER,
                        "morris_levels": MORRIS_LEVELS},
        }

    def fingerprint(self) -> str:
        """SHA-256 of everything that fixes the runs' ids and results except ``replicates``.

        The base scenario enters through its resolved parameters, not its path, so moving
        the files does not change it while editing a value does.
        """
        rec = self.record()
        rec.pop("name"), rec.pop("description")
        rec["base"] = rec["base"]["parameters"]
        blob = json.dumps(rec, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()


def replicate_seeds(root: int, n: int) -> list[int]:
    """``n`` independent seeds spawned from ``root``; the k-th depends only on k."""
    children = np.random.SeedSequence(root).spawn(n)
    # run.seed allows 0 .. 2**63 - 1
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def run_id(point: int, replicate: int) -> str:
    """The stable id of one run of a design."""
    return f"p{point:05d}-r{replicate:03d}"


def load_sweep(path: str | Path, sets: Sequence[str] = (), replicates: int | None = None
               ) -> Sweep:
    """Read and validate a sweep file.

    Args:
        path: The sweep file (TOML).
        sets: ``key=value`` overrides of the base scenario (as ``--set``).
        replicates: Overrides the file's ``replicates``.

    Returns:
        The validated :class:`Sweep`.

    Raises:
        ScenarioError: One line naming the file and the key, for any problem: malformed
            TOML, unknown table or key, a range outside the key's declared bounds, an empty
            design, a missing base scenario.
    """
    path = Path(path)
    doc = read_toml(path)
    where = str(path)
    for table in doc:
        if table not in ("sweep", "set", "factors"):
            raise ScenarioError(f"{where}: unknown table [{table}]; allowed: [sweep], [set], "
                                "[factors]")
    head = doc.get("sweep", {})
    if not isinstance(head, dict):
        raise ScenarioError(f"{where}: 'sweep' must be a table [sweep]")
    for key in head:
        if key not in _SWEEP_KEYS:
            raise ScenarioError(f"{where}: unknown key 'sweep.{key}'; allowed: "
                                + ", ".join(sorted(_SWEEP_KEYS)))
    if "base" not in head:
        raise ScenarioError(f"{where}: missing 'sweep.base' (the base scenario file, relative "
                            "to the sweep file)")
    base_name = _get(head, "base", str, where)
    design = _get(head, "design", str, where, "grid")
    if design not in SAMPLERS:
        raise ScenarioError(f"{where}: key 'sweep.design' = {design!r} is not allowed; "
                            f"expected one of {', '.join(map(repr, SAMPLERS))}")
    samples = _get(head, "samples", int, where, GRID_LEVELS if design == "grid" else None)
    if samples is None:
        raise ScenarioError(f"{where}: missing 'sweep.samples' (lhs: points; sobol: base "
                            "samples, a power of two; morris: trajectories)")
    reps = replicates if replicates is not None else _get(head, "replicates", int, where, 1)
    seed = _get(head, "seed", int, where, 0)
    if samples < 1 or (design == "morris" and samples < 2):
        raise ScenarioError(f"{where}: key 'sweep.samples' = {samples} is too small")
    if design == "sobol" and samples & (samples - 1):
        raise ScenarioError(f"{where}: key 'sweep.samples' = {samples} must be a power of two "
                            "for a sobol design (e.g. 64, 128, 256)")
    if reps < 1:
        raise ScenarioError(f"{where}: replicates = {reps}; expected at least 1")
    if seed < 0:
        raise ScenarioError(f"{where}: key 'sweep.seed' = {seed}; expected an integer >= 0")

    base_path = (path.parent / base_name)
    set_table = doc.get("set", {})
    if not isinstance(set_table, dict):
        raise ScenarioError(f"{where}: 'set' must be a table [set]")
    base_set = flatten(set_table, f"{where} [set]")
    try:
        base = read_params(base_path)
    except ScenarioError as err:
        raise ScenarioError(f"{where}: base scenario: {err}") from None
    base = base.with_values(base_set, f"{where} [set]")
    cli_set = dict(parse_set(s) for s in sets)
    base = base.with_values(cli_set, "--set")
    base_set |= cli_set

    factors = _factors(doc.get("factors", {}), design, where)
    return Sweep(path=path, name=_get(head, "name", str, where, path.stem),
                 description=_get(head, "description", str, where, ""),
                 base_path=base_path, base_set=base_set, base=base, design=design,
                 samples=samples, replicates=reps, seed=seed, factors=factors)


def _factors(table: Any, design: str, where: str) -> tuple[Factor, ...]:
    """Validate the ``[factors]`` table (nested or quoted dotted keys)."""
    if not isinstance(table, dict):
        raise ScenarioError(f"{where}: 'factors' must be a table [factors]")
    specs = _flatten_factors(table)
    if not specs:
        raise ScenarioError(f"{where}: the design is empty: [factors] names no key to vary "
                            "(e.g. \"ai.capability\" = { low = 0.2, high = 1.0 })")
    out = []
    for key, spec in specs.items():
        at = f"{where} [factors]"
        param = lookup(key, at)
        if key == "run.seed":
            raise ScenarioError(f"{at}: key 'run.seed' cannot be varied; seeds come from "
                                "sweep.seed and sweep.replicates")
        if isinstance(spec, list):
            spec = {"values": spec}
        if not isinstance(spec, dict):
            raise ScenarioError(f"{at}: key '{key}' = {spec!r}; expected {{ low = .., high = .. }}"
                                " or { values = [..] }")
        unknown = set(spec) - _FACTOR_KEYS
        if unknown:
            raise ScenarioError(f"{at}: key '{key}' has unknown field(s) "
                                f"{', '.join(sorted(unknown))}; allowed: low, high, levels, values")
        if "values" in spec:
            if design != "grid":
                raise ScenarioError(f"{at}: key '{key}': explicit values work only in a grid "
                                    f"design; a {design} design needs {{ low = .., high = .. }}")
            if set(spec) - {"values"}:
                raise ScenarioError(f"{at}: key '{key}': give either values or low/high")
            values = spec["values"]
            if not isinstance(values, list) or not values:
                raise ScenarioError(f"{at}: key '{key}': values must be a non-empty list")
            checked = tuple(dict.fromkeys(param.check(v, at) for v in values))
            out.append(Factor(key, values=checked))
            continue
        if param.kind not in (int, float):
            raise ScenarioError(f"{at}: key '{key}' is not numeric ({param.allowed()}); vary it "
                                "with values = [..] in a grid design")
        if "low" not in spec or "high" not in spec:
            raise ScenarioError(f"{at}: key '{key}' needs both low and high (or values)")
        low, high = spec["low"], spec["high"]
        for name, v in (("low", low), ("high", high)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (
                    param.low <= v <= param.high):
                raise ScenarioError(f"{at}: key '{key}' {name} = {v!r} is outside the key's "
                                    f"range; expected {param.allowed()}")
        if not low < high:
            raise ScenarioError(f"{at}: key '{key}': low ({low}) must be below high ({high})")
        levels = spec.get("levels")
        if levels is not None:
            if design != "grid":
                raise ScenarioError(f"{at}: key '{key}': levels work only in a grid design")
            if isinstance(levels, bool) or not isinstance(levels, int) or levels < 1:
                raise ScenarioError(f"{at}: key '{key}' levels = {levels!r}; expected an "
                                    "integer >= 1")
        out.append(Factor(key, low=float(low), high=float(high), levels=levels))
    if design in ("sobol", "morris") and len(out) < 2:
        raise ScenarioError(f"{where} [factors]: a {design} design needs at least two factors")
    return tuple(out)


def _flatten_factors(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables down to a factor spec (a table with low/high/values, or a list)."""
    out: dict[str, Any] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and not (set(value) & _FACTOR_KEYS) and key not in SCHEMA:
            out.update(_flatten_factors(value, key + "."))
        else:
            out[key] = value
    return out


def _get(table: Mapping[str, Any], key: str, kind: type, where: str, default: Any = ...) -> Any:
    if key not in table:
        return default
    value = table[key]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ScenarioError(f"{where}: key 'sweep.{key}' = {value!r}; expected an integer")
    if kind is str and not isinstance(value, str):
        raise ScenarioError(f"{where}: key 'sweep.{key}' = {value!r}; expected a string")
    return value


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}

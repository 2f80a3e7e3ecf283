"""Scenario keys (parameters), declared once, and the read-only parameters of a run.

Every scenario key has a type, a default, a unit, an allowed range and a one-line meaning.
Keys are declared next to the code that reads them (an entity module or a mechanism module)
with :func:`declare`; this module only holds the collection, the checks and the views. The
scenario loader, ``--set``, the dashboard sliders and the generated documentation all read
:data:`SCHEMA`, so a range is never written twice. The schema imports every module that
declares keys the first time it is read, so it is complete however ecosim is imported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any


class ScenarioError(ValueError):
    """A user error in a scenario, a sweep file or a ``--set`` override.

    The message is one line naming the file, the key and what is allowed; the CLI prints it
    and exits with status 2.
    """


@dataclass(frozen=True)
class Param:
    """One scenario key.

    Attributes:
        key: Dotted key as written in scenario files (``ai.retrain_interval``).
        default: Default value; its Python type is the key's type.
        unit: Unit of the value ("weeks", "share 0..1", "people", ...).
        meaning: One line saying what the value stands for.
        low: Smallest allowed value (numbers only).
        high: Largest allowed value (numbers only).
        choices: Allowed values (strings only).
        group: Entity the dashboard groups it under (people, platforms, ai, interventions,
            world, run).
    """

    key: str
    default: Any
    unit: str
    meaning: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    group: str = "run"

    @property
    def kind(self) -> type:
        """The Python type of the value (bool, int, float, str or date)."""
        return type(self.default)

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages and docs."""
        if self.kind is bool:
            return "true or false"
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind is dt.date:
            return "a date (YYYY-MM-DD)"
        if self.kind is int:
            return (f"an integer from {int(self.low):,} to {int(self.high):,} "
                    f"({self.unit})")
        return f"a number from {_fmt(self.low)} to {_fmt(self.high)} ({self.unit})"

    def check(self, value: Any, where: str, option: str | None = None) -> Any:
        """Return ``value`` converted to this key's type, or raise :class:`ScenarioError`.

        Args:
            value: The raw value (from TOML or ``--set``).
            where: The file or option the value came from, for the message.
            option: The command-line option that gave the value (``--steps``), when the
                user typed that rather than the key: the message then speaks of it.
        """
        kind = self.kind
        if option:
            bad = ScenarioError(f"{option} {value}: not allowed; expected {self.allowed()}")
        else:
            bad = ScenarioError(f"{where}: key '{self.key}' = {value!r} is not allowed; "
                                f"expected {self.allowed()}")
        if kind is bool:
            if not isinstance(value, bool):
                raise bad
            return value
        if kind is dt.date:
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            if isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    raise bad from None
            raise bad
        if kind is str:
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                raise bad
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad
        if kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise bad
            value = int(value)
        else:
            value = float(value)
        if value != value or not (self.low <= value <= self.high):  # NaN fails too
            raise bad
        return value


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return f"{x:g}"


class Registry(dict):
    """A dict filled by the modules that declare its entries, and complete when read.

    The first read imports those modules (named in ``modules``), so that what a caller sees
    never depends on what it happened to import first, while importing the registry alone
    stays cheap (``ecosim --help`` loads no numerical library). Entries are added with
    :meth:`add`, which does not trigger the imports. It iterates in the order of its keys,
    not of their declaration, which would depend on the order modules were imported in.
    """

    def __init__(self, modules: tuple[str, ...]):
        super().__init__()
        self._modules = modules
        self._complete = False

    def complete(self) -> Registry:
        """Import every declaring module (once) and return the registry."""
        if not self._complete:
            self._complete = True
            for module in self._modules:
                import_module(module)
        return self

    def add(self, key: str, value: Any) -> None:
        """Add an entry; a key may be added only once."""
        if dict.__contains__(self, key):
            raise RuntimeError(f"{key} declared twice")
        dict.__setitem__(self, key, value)

    def __getitem__(self, key):
        return dict.__getitem__(self.complete(), key)

    def __contains__(self, key) -> bool:
        return dict.__contains__(self.complete(), key)

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return dict.__len__(self.complete())

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def get(self, key, default=None):
        """As dict.get, on the complete registry."""
        return dict.get(self.complete(), key, default)

    def keys(self) -> list:
        """The keys of the complete registry, sorted."""
        return sorted(dict.keys(self.complete()))

    def values(self) -> list:
        """The values, in the order of :meth:`keys`."""
        return [dict.__getitem__(self, k) for k in self.keys()]

    def items(self) -> list:
        """The (key, value) pairs, in the order of :meth:`keys`."""
        return [(k, dict.__getitem__(self, k)) for k in self.keys()]


SCHEMA: Registry = Registry(("ecosim.model.world", "ecosim.model.mechanisms"))
"""All scenario keys by dotted key, declared with :func:`declare` beside the code that
reads them (the model's entities and mechanisms, whose modules it imports when first read)
and, for the keys of a run itself, below."""


def declare(*params: Param) -> tuple[Param, ...]:
    """Add scenario keys to :data:`SCHEMA`; a key may be declared only once."""
    for p in params:
        if p.kind in (int, float) and (p.low is None or p.high is None):
            raise RuntimeError(f"scenario key {p.key} needs a range")
        p.check(p.default, "schema default")
        SCHEMA.add(p.key, p)
    return params


class Section:
    """A read-only view of one family of keys: ``p.ai`` holds every ``ai.*`` key.

    The classes are made from :data:`SCHEMA` (one per family, with a slot per key), so a
    mechanism reads ``p.ai.retrain_interval`` and a misspelt name fails at once with the
    family's keys in the message. ``help(p.ai)`` lists the keys with units and meanings.
    """

    __slots__ = ()
    _prefix = ""

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"parameters are read-only: cannot set {self._prefix}.{name}")

    def __getattr__(self, name: str) -> Any:  # only reached when the name is not a key
        import difflib

        names = type(self).__slots__
        close = difflib.get_close_matches(name, names, n=3)
        hint = f"did you mean {', '.join(close)}?" if close else f"keys: {', '.join(names)}"
        raise AttributeError(f"no parameter '{self._prefix}.{name}'; {hint}")

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in type(self).__slots__)
        return f"{self._prefix}({inner})"

    def __reduce__(self):
        raise TypeError("pickle the Params, not one of its sections")


_SECTION_CLASSES: dict[tuple[str, tuple[str, ...]], type[Section]] = {}


def _section_class(prefix: str, names: tuple[str, ...]) -> type[Section]:
    """The view class of one family (cached: one class per family and key set)."""
    cls = _SECTION_CLASSES.get((prefix, names))
    if cls is None:
        lines = [f"Parameters ``{prefix}.*``:", ""]
        for name in names:
            param = SCHEMA.get(f"{prefix}.{name}")
            lines.append(f"- {name}: " + (f"{param.meaning} ({param.unit})" if param
                                          else "a family of keys"))
        cls = type(f"Section_{prefix.replace('.', '_')}", (Section,),
                   {"__slots__": names, "_prefix": prefix, "__doc__": "\n".join(lines)})
        _SECTION_CLASSES[(prefix, names)] = cls
    return cls


def _sections(values: Mapping[str, Any]) -> dict[str, Section]:
    """Nested read-only views of dotted keys: {"ai": <ai.* view>, "leverage": ...}."""
    tree: dict[str, Any] = {}
    for key, value in values.items():
        node = tree
        *head, last = key.split(".")
        for part in head:
            node = node.setdefault(part, {})
        node[last] = value

    def build(prefix: str, node: dict[str, Any]) -> Section:
        names = tuple(sorted(node))
        view = _section_class(prefix, names).__new__(_section_class(prefix, names))
        for name in names:
            value = node[name]
            if isinstance(value, dict):
                value = build(f"{prefix}.{name}", value)
            object.__setattr__(view, name, value)
        return view

    return {name: build(name, node) for name, node in tree.items() if isinstance(node, dict)}


class Params(Mapping[str, Any]):
    """The resolved, validated parameters of one run, read-only.

    The model reads them by family and name, ``p.ai.retrain_interval``, through views made
    from :data:`SCHEMA` (:class:`Section`). Code that handles keys it does not know in
    advance (the scenario loader, sweeps, the dashboard) reads them as a mapping of dotted
    keys, ``p["ai.retrain_interval"]``.
    """

    def __init__(self, values: Mapping[str, Any]):
        object.__setattr__(self, "_values", dict(values))
        # The families are plain attributes of the instance: ``p.ai`` is one dict lookup.
        self.__dict__.update(_sections(self._values))

    def __getattr__(self, name: str) -> Section:  # only reached for an unknown family
        families = sorted(k for k in self.__dict__ if not k.startswith("_"))
        raise AttributeError(f"no parameter family '{name}'; families: {', '.join(families)}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("parameters are read-only: use with_values() for a changed copy")

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Params({len(self)} keys)"

    def __reduce__(self):
        return (Params, (self._values,))

    def with_values(self, changes: Mapping[str, Any], where: str = "override") -> Params:
        """Return a validated copy with ``changes`` (dotted key -> value) applied."""
        values = dict(self._values)
        for key, value in changes.items():
            values[key] = lookup(key, where).check(value, where)
        return Params(values)

    def nested(self) -> dict[str, Any]:
        """The parameters as nested tables, as in a scenario file (dates as ISO strings)."""
        out: dict[str, Any] = {}
        for key in sorted(self._values):
            value = self._values[key]
            if isinstance(value, dt.date):
                value = value.isoformat()
            node = out
            *head, last = key.split(".")
            for part in head:
                node = node.setdefault(part, {})
            node[last] = value
        return out


def lookup(key: str, where: str) -> Param:
    """Return the declared key or raise a :class:`ScenarioError` naming close matches."""
    try:
        return SCHEMA[key]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(key, SCHEMA, n=3)
        section = key.split(".")[0]
        hint = (
            f"did you mean {', '.join(close)}?"
            if close
            else f"keys in [{section}]: {', '.join(k for k in SCHEMA if k.startswith(section + '.')) or 'none'}"
        )
        raise ScenarioError(f"{where}: unknown key '{key}'; {hint}") from None


def defaults() -> Params:
    """Parameters with every key at its default."""
    return Params({k: p.default for k, p in SCHEMA.items()})


# The keys of a run itself and of its classification; every other key is declared beside
# the code that reads it.
declare(
    Param("meta.name", "", "text", "Short name of the scenario.", group="meta"),
    Param("meta.description", "", "text", "What the scenario shows.", group="meta"),
    Param("run.weeks", 520, "weeks", "Recorded length of a run.", 1, 10_000, group="run"),
    Param("run.burn_in_weeks", 780, "weeks",
          "Unrecorded weeks before week 0 in which the community settles (no AI): about "
          "fifteen years, as contributors recruiting their ties take about ten to knit "
          "the contributor network.", 0, 5000, group="run"),
    Param("run.seed", 42, "seed", "Seed of the run's random number generator.", 0,
          2**63 - 1, group="run"),
    Param("run.start_date", dt.date(2019, 1, 7), "date", "Calendar date of week 0.",
          group="run"),
    Param("regime.collapse_below", 0.25, "share of pre-launch level",
          "Final production of fresh knowledge (answers and edits, weighed by the share of "
          "needs each platform serves) below this share of the pre-launch level counts as "
          "collapse.",
          0.0, 1.0, group="regime"),
    Param("regime.resilient_above", 0.85, "share of pre-launch level",
          "Final production at or above this share counts as resilient.", 0.0, 10.0,
          group="regime"),
    Param("regime.ai_change", 0.05, "share",
          "Change of the AI's quality (last year against its first half-year) beyond which "
          "it counts as improving or degrading.", 0.0, 1.0, group="regime"),
    Param("regime.baseline_weeks", 26, "weeks",
          "Weeks before the launch averaged as the pre-launch level.", 1, 520, group="regime"),
    Param("regime.final_weeks", 52, "weeks", "Last weeks averaged as the final level.",
          1, 1040, group="regime"),
    Param("regime.cycle_amplitude", 0.15, "share of mean",
          "Smallest swing (peak or trough against the mean) that counts as a cycle.",
          0.0, 1.0, group="regime"),
    Param("regime.min_cycles", 2, "cycles", "Peaks and troughs needed to call oscillation.",
          1, 100, group="regime"),
)

"""Scenario keys, declared once.

Every scenario key has a type, a default, a unit, an allowed range and a one-line meaning.
Keys are declared next to the code that reads them (an entity module or a mechanism module)
with :func:`declare`; this module only holds the collection and the checks. The scenario
loader, ``--set``, the dashboard sliders and the generated documentation all read
:data:`SCHEMA`, so a range is never written twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
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
        name = "an integer" if self.kind is int else "a number"
        return f"{name} from {_fmt(self.low)} to {_fmt(self.high)} ({self.unit})"

    def check(self, value: Any, where: str) -> Any:
        """Return ``value`` converted to this key's type, or raise :class:`ScenarioError`.

        Args:
            value: The raw value (from TOML or ``--set``).
            where: The file or option the value came from, for the message.
        """
        kind = self.kind
        bad = ScenarioError(
            f"{where}: key '{self.key}' = {value!r} is not allowed; expected {self.allowed()}"
        )
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


SCHEMA: dict[str, Param] = {}
"""All scenario keys by dotted key, filled by :func:`declare` as modules import."""


def declare(*params: Param) -> tuple[Param, ...]:
    """Add scenario keys to :data:`SCHEMA`; a key may be declared only once."""
    for p in params:
        if p.key in SCHEMA:
            raise RuntimeError(f"scenario key {p.key} declared twice")
        if p.kind in (int, float) and (p.low is None or p.high is None):
            raise RuntimeError(f"scenario key {p.key} needs a range")
        p.check(p.default, "schema default")
        SCHEMA[p.key] = p
    return params


class Params(Mapping[str, Any]):
    """The resolved, validated parameters of one run: dotted key -> value, read-only.

    Mechanisms read it like a dict (``p["ai.retrain_interval"]``).
    """

    def __init__(self, values: Mapping[str, Any]):
        self._values = dict(values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Params({len(self)} keys)"

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

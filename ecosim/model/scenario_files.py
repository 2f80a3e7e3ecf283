"""Scenario files: TOML, validated on load against the declared keys.

A scenario file holds tables named like the key prefixes::

    [population]
    size = 10000

    [ai]
    launch_week = 104
    retrain_interval = 52

Keys left out take their defaults. ``--set ai.retrain_interval=26`` overrides any key.
Every problem (missing file, malformed TOML, unknown key, wrong type, value out of range,
bad ``--set``) raises :class:`~ecosim.model.params.ScenarioError` with one line that names the
file, the key and what is allowed. Reading and checking needs no numerical library, so a
user error is answered at once; :func:`ecosim.model.scenario.load_scenario` wraps the
parameters in a Mesa scenario.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ecosim.model.params import SCHEMA, Params, ScenarioError, defaults, lookup


def flatten(table: Mapping[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    """Nested TOML tables -> dotted keys; tables where a value belongs are errors."""
    out: dict[str, Any] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            if key in SCHEMA:
                raise ScenarioError(
                    f"{where}: key '{key}' is a table; expected {SCHEMA[key].allowed()}")
            out.update(flatten(value, where, key + "."))
        else:
            out[key] = value
    return out


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file, turning every failure into a one-line :class:`ScenarioError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path}: is a directory, expected a TOML file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(f"{path}: cannot read ({err.__class__.__name__})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: malformed TOML: {err}") from None


def parse_set(item: str, where: str = "--set") -> tuple[str, Any]:
    """Parse one ``key=value`` override; the value is read as TOML, else as a bare string."""
    key, sep, raw = item.partition("=")
    key, raw = key.strip(), raw.strip()
    if not sep or not key or not raw:
        raise ScenarioError(f"{where} {item!r}: expected key=value, e.g. ai.retrain_interval=26")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    lookup(key, where)
    return key, value


def read_params(path: str | Path, overrides: Iterable[str] = ()) -> Params:
    """Read, validate and resolve a scenario file into its parameters.

    Args:
        path: A TOML scenario file.
        overrides: ``key=value`` strings applied after the file (as ``--set`` does).

    Raises:
        ScenarioError: On any problem with the file or the overrides (one clear line).
    """
    where = str(path)
    values = flatten(read_toml(path), where)
    params = defaults().with_values(values, where)
    changes = dict(parse_set(item) for item in overrides)
    return params.with_values(changes, "--set")

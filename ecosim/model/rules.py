"""Per-person rules: the formulas both engines share.

A rule is a pure function of the parameters and one person's state (a hazard, a choice
probability, an effort). The fast engine calls it on arrays of people, the reference engine
on one agent's scalars, so the two engines differ only in how they iterate
(``tests/test_docking.py``). Rules live beside the mechanism (or entity) they belong to and
are marked with :func:`rule`.
"""

from __future__ import annotations

from collections.abc import Callable

RULES: dict[str, Callable] = {}
"""Every per-person rule by name."""


def rule(fn: Callable) -> Callable:
    """Mark a per-person rule: a pure function of parameters and a person's state that the
    fast engine calls on arrays and the reference engine (one agent at a time) on scalars."""
    RULES[fn.__name__] = fn
    return fn

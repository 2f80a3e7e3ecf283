"""The mechanism registry: every phase of a week, with its STIE card beside its code.

A mechanism is a plain function ``f(world, p, rng) -> None`` that changes the world state
(:class:`~ecosim.model.world.World`) in place for one week, reading its parameters from
``p`` (:class:`~ecosim.model.params.Params`) and drawing only from ``rng``, its own random
stream. Its STIE card is written in the decorator that registers it, so the code, the card
and the parameters it reads stand together in one place::

    @mechanism(
        key="contributor_churn",
        summary="Contributors leave; faster when their audience or their ties leave.",
        intent="Community attachment: ...",
        evidence=[Cite("E-retention", "newcomer survival sets the newcomer hazard")],
        targets=["T-core-stable"],
        scale="people",
    )
    def contributor_churn(world, p, rng): ...

The card's parameter list is not written by hand: it is read off the function's code (every
``p.family.name`` it and the helpers it hands ``p`` to read; :func:`parameters_read`), and
``tests/test_registry.py`` checks it against what a run really reads. The registration also
declares the scenario key ``mechanisms.<key>`` (the mechanism's on/off switch). The order of
the week is :data:`ecosim.model.mechanisms.WEEK`; ``ecosim mechanisms``, the dashboard and
``ecosim docs`` render these cards (:mod:`ecosim.stie.cards`).
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from ecosim.model.params import SCHEMA, Param, Params, Registry, declare

if TYPE_CHECKING:
    from ecosim.model.world import World

MechanismFn = Callable[["World", Params, np.random.Generator], None]

SCALES = ("world", "people")
"""What a mechanism acts on: the topics, platforms and AIs as wholes ("world"), or each
person ("people": the reference engine must have a per-agent version of it)."""


@dataclass(frozen=True)
class Cite:
    """One evidence entry on a card.

    Attributes:
        key: Key in docs/evidence.md.
        use: What the mechanism takes from it (a figure that sets a default, or a shape).
        form_only: True when only the shape of the effect is supported, not its size.
    """

    key: str
    use: str
    form_only: bool = False


@dataclass(frozen=True)
class Card:
    """The STIE card of one mechanism.

    Attributes:
        key: Registry key, the mechanism's name in the domain's words.
        summary: One line: what it does.
        intent: The real process it stands for.
        evidence: Sources that support its form and its parameter values.
        targets: Keys of the observed patterns (docs/evidence.md, T-...) it serves.
        assumptions: Choices made where the sources are vague.
        family: Module family (ai, knowledge, demand, contribution, community, leverage).
        scale: What it acts on, one of :data:`SCALES`.
        from_release: True when it does nothing before an AI exists (before the first
            release week it changes no state and draws nothing): runs that differ only in
            what it reads share their history up to the release (:mod:`ecosim.model.forking`).
        default_on: Whether the mechanism is switched on by default.
        ablation: Why ablation leaves it out, when it does (empty: ablation switches it off
            like any other).
        fn: The weekly function.
    """

    key: str
    summary: str
    intent: str
    evidence: tuple[Cite, ...]
    targets: tuple[str, ...]
    assumptions: tuple[str, ...] = ()
    family: str = ""
    scale: str = "world"
    from_release: bool = False
    default_on: bool = True
    ablation: str = ""
    fn: MechanismFn | None = field(default=None, repr=False, compare=False)

    @property
    def switch(self) -> str:
        """The scenario key that switches the mechanism on or off."""
        return f"mechanisms.{self.key}"

    @cached_property
    def parameters(self) -> tuple[str, ...]:
        """Scenario keys the mechanism reads, in schema order (read off its code)."""
        return parameters_read(self.fn) if self.fn is not None else ()


@dataclass(frozen=True)
class Mechanism:
    """A registered mechanism: its card and the weekly function."""

    card: Card

    @property
    def key(self) -> str:
        """Registry key."""
        return self.card.key

    def __call__(self, world: World, p: Params, rng: np.random.Generator) -> None:
        self.card.fn(world, p, rng)


REGISTRY: Registry = Registry(("ecosim.model.mechanisms",))
"""Every mechanism by key, in registration order (the mechanism modules register
themselves; the registry imports them when first read)."""


def mechanism(
    *,
    key: str,
    summary: str,
    intent: str,
    evidence: Sequence[Cite],
    targets: Sequence[str] = (),
    assumptions: Sequence[str] = (),
    scale: str = "world",
    from_release: bool = False,
    default_on: bool = True,
    ablation: str = "",
) -> Callable[[MechanismFn], MechanismFn]:
    """Register a weekly mechanism with its STIE card (see the module docstring)."""
    if scale not in SCALES:
        raise RuntimeError(f"mechanism {key}: scale must be one of {SCALES}")

    def register(fn: MechanismFn) -> MechanismFn:
        if fn.__name__ != key:
            raise RuntimeError(f"mechanism function {fn.__name__} must be named {key}")
        card = Card(
            key=key,
            summary=summary,
            intent=intent,
            evidence=tuple(evidence),
            targets=tuple(targets),
            assumptions=tuple(assumptions),
            family=fn.__module__.rsplit(".", 1)[-1],
            scale=scale,
            from_release=from_release,
            default_on=default_on,
            ablation=ablation,
            fn=fn,
        )
        declare(
            Param(
                card.switch,
                default_on,
                "switch",
                f"Switch the {key.replace('_', ' ')} mechanism on or off (ablation).",
                group="mechanisms",
            )
        )
        REGISTRY.add(key, Mechanism(card))
        return fn

    return register


# -- reading a mechanism's parameters off its code ------------------------------------------


def parameters_read(fn: Callable) -> tuple[str, ...]:
    """The scenario keys a function reads from its parameters, in schema order.

    Follows every ``p.family.name`` (and ``p["family.name"]``) in the function, where ``p``
    is its argument named ``p`` (else its second, as in ``f(world, p, rng)``), and in the
    module-level functions it passes ``p`` on to. A whole family passed on (``p.leverage.a``)
    counts as reading each of its keys.
    """
    names = list(inspect.signature(fn).parameters)
    pname = "p" if "p" in names else names[1] if len(names) > 1 else "p"
    found: set[str] = set()
    _collect(fn, pname, found, set())
    return tuple(k for k in SCHEMA if k in found)


def _collect(fn: Callable, pname: str, found: set[str], seen: set[tuple[int, str]]) -> None:
    if (id(fn), pname) in seen:
        return
    seen.add((id(fn), pname))
    fn = inspect.unwrap(fn)
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    inner: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            inner.add(id(node.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            chain = _chain(node, pname)
            if chain:
                found.update(_keys_under(chain))
        elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
              and node.value.id == pname and isinstance(node.slice, ast.Constant)
              and isinstance(node.slice.value, str)):
            found.update(_keys_under(node.slice.value))
        elif isinstance(node, ast.Call):
            callee = _resolve(node.func, fn.__globals__)
            if callee is None:
                continue
            try:
                params = list(inspect.signature(callee).parameters)
            except (TypeError, ValueError):
                continue
            for i, arg in enumerate(node.args):
                if isinstance(arg, ast.Name) and arg.id == pname and i < len(params):
                    _collect(callee, params[i], found, seen)
            for kw in node.keywords:
                if isinstance(kw.value, ast.Name) and kw.value.id == pname and kw.arg:
                    _collect(callee, kw.arg, found, seen)


def _chain(node: ast.Attribute, pname: str) -> str:
    """``p.ai.retrain_interval`` -> "ai.retrain_interval" (empty if not rooted at ``p``)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not (isinstance(node, ast.Name) and node.id == pname):
        return ""
    return ".".join(reversed(parts))


def _keys_under(chain: str) -> set[str]:
    """The schema keys a dotted chain names: the key itself, or all keys of a family."""
    parts = chain.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in SCHEMA:
            return {prefix}
        under = {k for k in SCHEMA if k.startswith(prefix + ".")}
        if under:
            return under if n == len(parts) else set()
    return set()


def _resolve(func: ast.expr, namespace: dict[str, Any]) -> Callable | None:
    """The ecosim function a call names (``name`` or ``module.name``), if any."""
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    obj: Any = namespace.get(func.id)
    for attr in reversed(parts):
        obj = getattr(obj, attr, None)
    if inspect.isfunction(obj) and obj.__module__.startswith("ecosim."):
        return obj
    return None

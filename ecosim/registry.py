"""The mechanism registry and STIE cards.

A mechanism is a plain function ``f(model, p, rng) -> None`` that changes the model's state
in place for one week. Its STIE card is written in the decorator that registers it, so the
code, the card and the parameters it reads stand together in one place::

    @mechanism(
        key="contributor_churn",
        summary="Contributors leave; faster when their audience or their ties leave.",
        intent="Community attachment: ...",
        evidence=[Cite("E-retention", "newcomer survival sets the newcomer hazard")],
        targets=["T-core-stable"],
        parameters=["contributors.base_churn", ...],
    )
    def contributor_churn(model, p, rng): ...

The registration also declares the scenario key ``mechanisms.<key>`` (its on/off switch).
``ecosim mechanisms``, the dashboard and ``ecosim docs`` all render these cards.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ecosim.evidence import EVIDENCE
from ecosim.schema import Param, Params, declare

if TYPE_CHECKING:
    from ecosim.model import EcosystemModel

MechanismFn = Callable[["EcosystemModel", Params, np.random.Generator], None]


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

    @property
    def tier(self) -> str:
        """Reliability tier of the entry (A, B or C)."""
        return EVIDENCE[self.key].tier


@dataclass(frozen=True)
class Card:
    """The STIE card of one mechanism.

    Attributes:
        key: Registry key, the mechanism's name in the domain's words.
        summary: One line: what it does.
        intent: The real process it stands for.
        evidence: Sources that support its form and its parameter values.
        targets: Keys of the observed patterns (docs/evidence.md, T-...) it serves.
        parameters: Scenario keys it reads.
        assumptions: Choices made where the sources are vague.
        family: Module family (demand, contribution, knowledge, ai, leverage).
        default_on: Whether the mechanism is switched on by default.
    """

    key: str
    summary: str
    intent: str
    evidence: tuple[Cite, ...]
    targets: tuple[str, ...]
    parameters: tuple[str, ...]
    assumptions: tuple[str, ...] = ()
    family: str = ""
    default_on: bool = True

    @property
    def switch(self) -> str:
        """The scenario key that switches the mechanism on or off."""
        return f"mechanisms.{self.key}"

    def stie_level(self, executable_targets: Sequence[str] = ()) -> str:
        """The highest STIE level reached; each level needs the ones before it.

        S: the code exists (always true for a registered mechanism). T: at least one of its
        targets has an executable check. I: the intent is stated. E: evidence of tier A or
        B is cited.
        """
        level = "S"
        if not any(t in executable_targets for t in self.targets):
            return level
        level = "T"
        if not self.intent.strip():
            return level
        level = "I"
        if any(c.tier in ("A", "B") for c in self.evidence):
            level = "E"
        return level


@dataclass
class Mechanism:
    """A registered mechanism: its card and the weekly function."""

    card: Card
    fn: MechanismFn = field(repr=False)

    @property
    def key(self) -> str:
        """Registry key."""
        return self.card.key

    def __call__(self, model: EcosystemModel, p: Params, rng: np.random.Generator) -> None:
        self.fn(model, p, rng)


REGISTRY: dict[str, Mechanism] = {}
"""Every mechanism by key, in registration order."""


def mechanism(
    *,
    key: str,
    summary: str,
    intent: str,
    evidence: Sequence[Cite],
    targets: Sequence[str] = (),
    parameters: Sequence[str] = (),
    assumptions: Sequence[str] = (),
    default_on: bool = True,
) -> Callable[[MechanismFn], MechanismFn]:
    """Register a weekly mechanism with its STIE card (see the module docstring)."""

    def register(fn: MechanismFn) -> MechanismFn:
        if key in REGISTRY:
            raise RuntimeError(f"mechanism {key} registered twice")
        if fn.__name__ != key:
            raise RuntimeError(f"mechanism function {fn.__name__} must be named {key}")
        family = fn.__module__.rsplit(".", 1)[-1]
        card = Card(
            key=key,
            summary=summary,
            intent=intent,
            evidence=tuple(evidence),
            targets=tuple(targets),
            parameters=tuple(parameters),
            assumptions=tuple(assumptions),
            family=family,
            default_on=default_on,
        )
        declare(
            Param(
                f"mechanisms.{key}",
                default_on,
                "switch",
                f"Switch the {key.replace('_', ' ')} mechanism on or off (ablation).",
                group="mechanisms",
            )
        )
        REGISTRY[key] = Mechanism(card, fn)
        return fn

    return register


RULES: dict[str, Callable] = {}
"""Per-person rules shared by the fast and the reference engine, by name."""


def rule(fn: Callable) -> Callable:
    """Mark a per-person rule: a pure function of parameters and a person's state that the
    fast engine calls on arrays and the reference engine (one agent at a time) on scalars."""
    RULES[fn.__name__] = fn
    return fn


def card_record(card: Card, params: Params | None = None,
                executable_targets: Sequence[str] = ()) -> dict[str, Any]:
    """The card as a JSON-ready object (the ``ecosim mechanisms --format json`` shape)."""
    enabled = card.default_on if params is None else bool(params[card.switch])
    return {
        "key": card.key,
        "summary": card.summary,
        "intent": card.intent,
        "evidence": [c.key for c in card.evidence],
        "evidence_detail": [
            {"key": c.key, "tier": c.tier, "use": c.use, "form_only": c.form_only,
             "source": EVIDENCE[c.key].source}
            for c in card.evidence
        ],
        "targets": list(card.targets),
        "parameters": list(card.parameters),
        "assumptions": list(card.assumptions),
        "family": card.family,
        "enabled": enabled,
        "stie_level": card.stie_level(executable_targets),
    }

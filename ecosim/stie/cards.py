"""STIE levels of the mechanisms' cards, and the cards as records for the faces.

The cards themselves are written beside each mechanism's code (:mod:`ecosim.model.schedule`);
this module scores them on the STIE scale, each level a prerequisite for the next:

- **S**: the simulation exists (always true for a registered mechanism);
- **T**: at least one of its targets has an executable check (:mod:`ecosim.stie.targets`);
- **I**: its intent, the real process it stands for, is stated;
- **E**: it cites evidence of tier A or B (:mod:`ecosim.stie.evidence`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ecosim.model.params import Params
from ecosim.model.schedule import Card, Cite
from ecosim.stie.evidence import EVIDENCE

LEVELS = "STIE"


def tier(cite: Cite) -> str:
    """Reliability tier (A, B or C) of the evidence a card cites."""
    return EVIDENCE[cite.key].tier


def stie_level(card: Card, executable_targets: Sequence[str] = ()) -> str:
    """The highest STIE level a card reaches (see the module docstring)."""
    if not any(t in executable_targets for t in card.targets):
        return "S"
    if not card.intent.strip():
        return "T"
    if any(tier(c) in ("A", "B") for c in card.evidence):
        return "E"
    return "I"


def level_counts(levels: Sequence[str]) -> dict[str, int]:
    """How many mechanisms reach each level."""
    return {lvl: sum(1 for v in levels if v == lvl) for lvl in LEVELS}


def model_level(levels: Sequence[str]) -> str:
    """The model's level: the lowest over its mechanisms."""
    return min(levels, key=LEVELS.index, default="S")


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
            {"key": c.key, "tier": tier(c), "use": c.use, "form_only": c.form_only,
             "source": EVIDENCE[c.key].source}
            for c in card.evidence
        ],
        "targets": list(card.targets),
        "parameters": list(card.parameters),
        "assumptions": list(card.assumptions),
        "family": card.family,
        "scale": card.scale,
        "enabled": enabled,
        "stie_level": stie_level(card, executable_targets),
    }

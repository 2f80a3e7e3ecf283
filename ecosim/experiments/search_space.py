"""What a calibration may fit, and over which bounds.

Kept apart from the search itself so that the command line can check ``--params`` before
any heavy library loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ecosim.model.params import ScenarioError, lookup

NOT_FITTED = ("run.", "meta.", "regime.", "mechanisms.", "population.size")
"""Keys (and families) that are not parameters of the simulated world: the run's seed,
length and population, the classification thresholds, names, mechanism switches."""


@dataclass(frozen=True)
class Bound:
    """An evidence-backed search interval for one parameter."""

    low: float
    high: float
    why: str


BOUNDS: dict[str, Bound] = {
    "ai.innovation": Bound(0.001, 0.05, "Bass innovation rates of new tools are a few per "
                           "mille to a few per cent a week; the adoption anchors pin it"),
    "ai.imitation": Bound(0.01, 0.5, "E-devsurvey: 44% of developers used AI tools half a "
                          "year after the launch, so diffusion took months, not days"),
    "ai.lookup_convenience": Bound(-2.0, 2.0, "E-pew-clicks: an AI summary halves click-"
                                   "through (15% to 8%), a moderate pull at equal quality"),
    "ai.encyclopedic_convenience": Bound(-4.0, 2.0, "E-pew-clicks: readers still click "
                                         "through to sources in 8% of visits with an AI "
                                         "summary; T-wiki-modest: no fall through 2023"),
    "ai.ask_convenience": Bound(-1.0, 5.0, "asking the AI is immediate while a posted "
                                "question waits for an answer (E-mamykina: median 11 min)"),
    "ai.reputation_learning": Bound(0.005, 0.2, "trust in a new tool builds over weeks to "
                                    "months, not days (form only)"),
    "ai.initial_reputation": Bound(0.2, 0.8, "what first users expect of a new assistant "
                                   "(form only)"),
    "contributors.tie_protection": Bound(0.0, 1.0, "ties keep people in a community; each "
                                         "tie at most halves the hazard (form only)"),
    "contributors.tie_buffer": Bound(0.0, 10.0, "ties dull the reaction to a lost "
                                     "audience (form only, T-social-fabric)"),
    "demand.other_sources_growth": Bound(0.0, 0.25, "O-SO-trend: the platform shrank by "
                                         "1-14% a year before any AI"),
    "ai.choice_sensitivity": Bound(1.0, 20.0, "people weigh quality, but E-kabir: they "
                                   "prefer the AI in 35% of cases despite 52% wrong answers"),
}
"""Narrower search bounds where the evidence supports them; other keys use their declared
range."""



def search_bounds(keys: Sequence[str]) -> list[tuple[float, float]]:
    """Search interval of each key.

    Raises:
        ScenarioError: A key is unknown, named twice, not a number, or one that cannot be
            fitted (:data:`NOT_FITTED`).
    """
    twice = sorted({k for k in keys if list(keys).count(k) > 1})
    if twice:
        raise ScenarioError(f"--params: {', '.join(twice)} named more than once")
    out = []
    for key in keys:
        param = lookup(key, "--params")
        if key.startswith(NOT_FITTED) or key in NOT_FITTED:
            raise ScenarioError(f"--params {key}: cannot be fitted: it sets how the run is "
                                "made (seed, length, population) or read (regime "
                                "thresholds, names), not the world it simulates")
        if param.kind not in (int, float):
            raise ScenarioError(f"--params: key '{key}' is not a number ({param.allowed()}); "
                                "only numeric keys can be fitted")
        if key in BOUNDS:
            out.append((BOUNDS[key].low, BOUNDS[key].high))
        else:
            out.append((float(param.low), float(param.high)))
    return out

"""How hard a how-to need is: easy, medium and hard questions.

A how-to need (the kind a Q&A platform serves) is easy (a routine question with a known
answer), medium, or hard (a new problem, an unusual combination, a deep bug). The AI
answers easy needs better than hard ones, so its users take the easy ones to it first and
the questions left for the platform are harder (E-complexity). Hard questions cost their
answerers more effort and go unanswered more often. Encyclopedic look-ups are not split:
the AI meets them at its mean quality on the topic.

The class shares, the AI's handicap on hard needs and the answerers' extra effort have no
published size: their form comes from E-complexity (tier C, a plausibility check), and
they are in the sensitivity analysis.
"""

from __future__ import annotations

import numpy as np

from ecosim.model.params import Param, Params, declare

CLASSES = ("easy", "medium", "hard")
"""Difficulty classes of how-to needs."""
LEVEL = np.array([0.0, 0.5, 1.0])
"""Difficulty of each class on a 0 (easy) to 1 (hard) scale."""

declare(
    Param("difficulty.easy_share", 0.5, "share 0..1",
          "Share of how-to needs that are easy (routine questions with a known answer).",
          0.0, 1.0, group="world"),
    Param("difficulty.hard_share", 0.2, "share 0..1",
          "Share of how-to needs that are hard (the rest, after easy and hard, are medium).",
          0.0, 1.0, group="world"),
    Param("difficulty.ai_handicap", 0.5, "share 0..1",
          "How much worse the AI answers a hard need than an easy one, as a share of its "
          "mean quality on the topic (form only, E-complexity).", 0.0, 1.0, group="ai"),
    Param("difficulty.effort_premium", 1.0, "multiplier",
          "Extra effort an answer to a hard question costs: cost = 1 + premium x "
          "difficulty, in easy answers (form only).", 0.0, 10.0, group="platforms"),
    Param("difficulty.answer_penalty", 0.5, "share 0..1",
          "How much less an answer settles a hard question than an easy one: a question "
          "of difficulty d is answered with chance 1 - exp(-(1 - penalty x d) x answers "
          "per question) (form only).", 0.0, 0.99, group="platforms"),
)


def class_shares(p: Params) -> np.ndarray:
    """Share of how-to needs in each class (easy, medium, hard); sums to 1.

    When easy and hard shares add up to more than 1 there are no medium needs and the two
    are scaled down to fit.
    """
    easy, hard = p.difficulty.easy_share, p.difficulty.hard_share
    shares = np.array([easy, max(0.0, 1.0 - easy - hard), hard])
    total = shares.sum()
    return shares / total if total > 0 else np.array([0.0, 1.0, 0.0])


def ai_class_factor(p: Params) -> np.ndarray:
    """The AI's quality on each class relative to its mean quality on the topic.

    1 - handicap x (difficulty - mean difficulty): the need-weighted mean factor is 1, so
    a topic's AI quality is still its quality on the average how-to need.
    """
    mean = class_shares(p) @ LEVEL
    return 1.0 - p.difficulty.ai_handicap * (LEVEL - mean)


def answer_cost(p: Params) -> np.ndarray:
    """Effort one answer costs in each class, in easy answers."""
    return 1.0 + p.difficulty.effort_premium * LEVEL


def answer_reach(p: Params) -> np.ndarray:
    """How much one answer settles a question of each class (1 for easy questions)."""
    return 1.0 - p.difficulty.answer_penalty * LEVEL

"""The mechanisms of the loop, one module per family, and the weekly order.

Importing this package registers every mechanism (with its STIE card) in
:data:`ecosim.registry.REGISTRY`.
"""

from ecosim.mechanisms import ai, contribution, demand, knowledge, leverage  # noqa: F401

WEEKLY_ORDER: tuple[str, ...] = (
    # The world and the AI first: content goes stale, then a due retraining reads it.
    "knowledge_drift",
    "data_leverage",       # what is withheld must be known before training
    "synthetic_content",   # adds the collapse error before the new generation trains
    "ai_retraining",
    "ai_adoption",
    # Demand: needs, then where they go; unmet look-ups become questions.
    "information_needs",
    "source_choice",
    "question_asking",
    "attribution",         # cited links in every AI answer, look-ups and asks alike
    # Supply: effort follows audience; answers and edits; then who joins and who leaves.
    "audience_motivation",
    "licensing",           # recognition paid by data income multiplies the effort
    "answering",
    "reader_recruitment",
    "gatekeeping",
    "contributor_churn",
)
"""The order in which the weekly step runs the mechanisms."""

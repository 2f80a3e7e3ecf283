"""The mechanisms of the loop, one module per family, and the order of a week.

Importing this package registers every mechanism (with its STIE card) in
:data:`ecosim.model.schedule.REGISTRY`. :data:`WEEK` is the one schedule: the fast engine,
the reference engine and the tests all walk it.
"""

from ecosim.model.mechanisms import (
    ai,
    blocks,
    community,
    contribution,
    demand,
    knowledge,
    leverage,
    moderation,
)

WEEK: tuple[str, ...] = (
    # The AI's release and the world moving on; then a due retraining reads the platforms.
    "ai_launch",
    "knowledge_drift",
    "data_leverage",       # what is withheld must be known before training
    "synthetic_content",   # this week's AI-written posts are in the snapshot
    "moderation",          # ... unless the Q&A platform removes them; curating them costs
    "ai_retraining",
    "ai_adoption",
    # Demand: needs, then where they go; unmet look-ups become questions.
    "information_needs",
    "other_sources",       # before the AI: how-to needs met elsewhere, more every year
    "source_choice",
    "audience_block",      # readers cut off never reach the platform, nor ask there
    "question_asking",
    "attribution",         # cited links in every AI answer, look-ups and asks alike
    # Supply: effort follows audience; answers and edits; then who joins and who leaves.
    "audience_motivation",
    "licensing",           # recognition paid by data income multiplies the effort
    "answering",
    "reader_recruitment",
    "gatekeeping",
    "question_starvation",  # fewer questions than usual: answerers drift away
    "contributor_churn",
    # The end of the week: what people are used to, and time served.
    "audience_memory",
    "contributor_tenure",
)
"""The order in which a week runs the mechanisms."""

__all__ = ["WEEK", "ai", "blocks", "community", "contribution", "demand", "knowledge",
           "leverage", "moderation"]

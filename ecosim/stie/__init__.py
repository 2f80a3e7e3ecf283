"""The STIE layer: evidence, targets, the cards' levels and regimes.

It reads the model's output tables and the mechanisms' cards, never the model's state:
:mod:`~ecosim.stie.evidence` (the published figures by key), :mod:`~ecosim.stie.cards` (the
STIE level of each card), :mod:`~ecosim.stie.targets` (observed patterns as executable
checks) and :mod:`~ecosim.stie.regimes` (what became of the communities).
"""

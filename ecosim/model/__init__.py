"""The model: the world state, its entities, the mechanisms and the schedule of a week.

Read bottom-up: :mod:`~ecosim.model.params` (the scenario keys and the read-only parameters
of a run), the entities (:mod:`~ecosim.model.topics`, :mod:`~ecosim.model.people`,
:mod:`~ecosim.model.platforms`, :mod:`~ecosim.model.assistant`), this week's
:mod:`~ecosim.model.flows`, the :mod:`~ecosim.model.world` state that holds them, the
registry of mechanisms (:mod:`~ecosim.model.schedule`) and the mechanisms themselves
(:mod:`ecosim.model.mechanisms`, whose ``WEEK`` is the order of a week), what is recorded
(:mod:`~ecosim.model.observables`), and at the top :class:`~ecosim.model.model.EcosystemModel`
(a thin Mesa model) and the classic-Mesa :mod:`~ecosim.model.reference` engine.

Importing this package declares every model key: the modules below are imported here, so
the schema does not depend on what a caller happened to import first.
"""

from ecosim.model import assistant, flows, mechanisms, people, platforms, topics, world
from ecosim.model.params import SCHEMA, Params, ScenarioError

__all__ = ["SCHEMA", "Params", "ScenarioError", "assistant", "flows", "mechanisms", "people",
           "platforms", "topics", "world"]

"""The model: the world state, its entities, the mechanisms and the schedule of a week.

Read bottom-up: :mod:`~ecosim.model.params` (the scenario keys and the read-only parameters
of a run), the entities (:mod:`~ecosim.model.topics`, :mod:`~ecosim.model.people`,
:mod:`~ecosim.model.platforms`, :mod:`~ecosim.model.assistant`), this week's
:mod:`~ecosim.model.flows`, the :mod:`~ecosim.model.world` state that holds them, the
registry of mechanisms (:mod:`~ecosim.model.schedule`) and the mechanisms themselves
(:mod:`ecosim.model.mechanisms`, whose ``WEEK`` is the order of a week), what is recorded
(:mod:`~ecosim.model.observables`), and at the top :class:`~ecosim.model.model.EcosystemModel`
(a thin Mesa model) and the classic-Mesa :mod:`~ecosim.model.reference` engine.

Importing this package loads nothing else: the schema of scenario keys and the registry of
mechanisms import the modules that declare them the first time they are read, so what a
caller sees does not depend on what it happened to import first.
"""

ENGINES = ("fast", "reference")
"""The engines a run can use: vectorised columns, or one Mesa agent per person
(:data:`ecosim.model.reference.ENGINES` maps them to the model classes)."""

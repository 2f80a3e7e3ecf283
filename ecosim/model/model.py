"""EcosystemModel: the content-ecosystem feedback loop as one Mesa model.

The story, week by week (:data:`ecosim.model.mechanisms.WEEK`): the AI is released in its
launch week; knowledge drifts and platform content goes stale; the AI retrains now and then
on what the platforms hold; AI use spreads through the social network; people get
questions and take them to the AI or to a platform; unmet how-to needs become questions;
contributors, as motivated as their audience makes them, answer and edit; readers join,
newcomers meet the gatekeepers, contributors leave; at the end of the week contributors get
used to what they saw, and serve another week. Then the week is recorded.

Before week 0 the model runs ``run.burn_in_weeks`` unrecorded weeks without the AI, so that
the recorded run starts from the community's steady state and every change after
``ai.launch_week`` is the AI's doing. With ``ai.enabled = false`` the same seed gives the
counterfactual world: each mechanism draws from its own stream, so the draws of the
mechanisms that do not involve the AI line up between the two worlds.
"""

from __future__ import annotations

import zlib

import mesa
import numpy as np

from ecosim.model.mechanisms import WEEK
from ecosim.model.observables import COLUMNS, weekly_record
from ecosim.model.params import Params
from ecosim.model.scenario import Scenario
from ecosim.model.schedule import REGISTRY, Mechanism
from ecosim.model.world import World, build_world


class EcosystemModel(mesa.Model):
    """The content-ecosystem feedback loop.

    Args:
        scenario: A :class:`~ecosim.model.scenario.Scenario` (from
            :func:`ecosim.load_scenario`) or a mapping of dotted keys to override the
            defaults.
        seed: Overrides ``run.seed`` when given.

    Attributes:
        p: The resolved parameters.
        world: The state the mechanisms act on (topics, people, platforms, AIs, flows).
        schedule: The switched-on mechanisms, in the order of a week.
        streams: Each mechanism's random stream, by key.
        datacollector: Mesa's collector with one row per recorded week.
    """

    def __init__(self, scenario: Scenario | dict | None = None, *, seed: int | None = None):
        if not isinstance(scenario, Scenario):
            scenario = Scenario.from_overrides(scenario or {})
        if seed is not None:
            scenario = scenario.with_values({"run.seed": seed})
        super().__init__(scenario=scenario)
        self.p: Params = scenario.params
        self.scenario_source = scenario.source
        # One random stream per mechanism, a child of the model's seed keyed by the
        # mechanism's name: switching a mechanism off, or the AI, leaves the other
        # mechanisms' draws where they were (common random numbers for paired and ablation
        # runs), and adding a mechanism does not reshuffle the others' streams.
        self.streams = {key: _child_generator(self.rng, key) for key in WEEK}
        self.schedule: tuple[Mechanism, ...] = tuple(
            REGISTRY[key] for key in WEEK if self.p[f"mechanisms.{key}"])
        self.world: World = build_world(self.p, self.rng, week=-self.p.run.burn_in_weeks)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in COLUMNS})
        self.record: dict[str, float] = {}
        self.running = True
        self._add_person_agents()
        while self.week < 0:
            self.step()

    @property
    def week(self) -> int:
        """The current week (negative during the burn-in; 0 is the first recorded week)."""
        return self.world.week

    def step(self) -> None:
        """Advance one week: the mechanisms in order, then the record."""
        self.world.flows.reset()
        for mechanism in self.schedule:
            self.run_mechanism(mechanism)
        if self.week >= 0:
            self.record = weekly_record(self.world, self.p)
            self.datacollector.collect(self)
        self.world.week += 1
        if self.week >= self.p.run.weeks:
            self.running = False

    def run_mechanism(self, mechanism: Mechanism) -> None:
        """Run one mechanism on the world with its own random stream."""
        mechanism(self.world, self.p, self.streams[mechanism.key])

    def run(self) -> None:
        """Run until ``run.weeks`` recorded weeks exist."""
        while self.running:
            self.step()

    def _add_person_agents(self) -> None:
        """The fast engine keeps people as columns only (see ecosim.model.reference)."""


def _child_generator(rng: np.random.Generator, key: str) -> np.random.Generator:
    """A generator derived from ``rng``'s seed sequence and a stable name."""
    seq = rng.bit_generator.seed_seq
    child = np.random.SeedSequence(seq.entropy,
                                   spawn_key=(*seq.spawn_key, zlib.crc32(key.encode())))
    return np.random.Generator(type(rng.bit_generator)(child))


def _reporter(name: str):
    def report(model: EcosystemModel) -> float:
        return model.record[name]

    report.__name__ = name
    return report

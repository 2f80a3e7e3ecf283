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

import copy
import zlib

import mesa
import numpy as np

from ecosim.model.forking import parting_week
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
        burn_in: Run the ``run.burn_in_weeks`` unrecorded weeks now, so that the model
            starts at week 0 (the default). False leaves it at the first burn-in week, for
            callers that step the burn-in themselves (ensembles that fork during it).

    Attributes:
        p: The resolved parameters.
        world: The state the mechanisms act on (topics, people, platforms, AIs, flows).
        schedule: The switched-on mechanisms, in the order of a week.
        streams: Each mechanism's random stream, by key.
        datacollector: Mesa's collector with one row per recorded week.
    """

    def __init__(self, scenario: Scenario | dict | None = None, *, seed: int | None = None,
                 burn_in: bool = True):
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
        self.datacollector = WeeklyRecord(
            model_reporters={name: _reporter(name) for name in COLUMNS})
        self.record: dict[str, float] = {}
        self.running = True
        self._add_person_agents()
        while burn_in and self.week < 0:
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

    def fork(self, scenario: Scenario) -> EcosystemModel:
        """A copy of this model as it is now, to go on under ``scenario``.

        Valid when ``scenario`` (same seed) would have given this same history so far:
        the week must not be past :func:`ecosim.model.forking.parting_week` of the two
        parameter sets. The copy has its own world, random streams and record, so the two
        go on independently, each drawing what it would have drawn alone.

        Raises:
            ValueError: If the scenario's history would already differ from this one's.
        """
        parting = parting_week(self.p, scenario.params)
        if parting is None or self.week > parting:
            raise ValueError(f"cannot fork in week {self.week}: the runs part ways in week "
                             f"{parting}" if parting is not None else
                             "cannot fork: the runs differ from the start")
        # A scenario object belongs to one model (Mesa ties it to the model that runs it).
        scenario = Scenario(scenario.params, scenario.source)
        twin = type(self).__new__(type(self))
        mesa.Model.__init__(twin, scenario=scenario)
        twin.rng.bit_generator.state = self.rng.bit_generator.state
        # Mesa's own clock: let it tick up to this model's, stepping nothing.
        if self.time > twin.time:
            stepping, twin._user_step = twin._user_step, lambda: None
            twin._advance_time(self.time)
            twin._user_step = stepping
        twin.p = scenario.params
        twin.scenario_source = scenario.source
        twin.streams = copy.deepcopy(self.streams)
        twin.schedule = tuple(REGISTRY[key] for key in WEEK if twin.p[f"mechanisms.{key}"])
        twin.world = copy.deepcopy(self.world)
        twin.datacollector = self.datacollector.copy()
        twin.record = dict(self.record)
        twin.running = twin.week < twin.p.run.weeks
        return twin

    def _add_person_agents(self) -> None:
        """The fast engine keeps people as columns only (see ecosim.model.reference)."""


class WeeklyRecord(mesa.DataCollector):
    """Mesa's collector, fed the week's row (``model.record``) directly: the values are
    plain floats, so the copy Mesa makes of every reported value is not needed."""

    def copy(self) -> WeeklyRecord:
        """A copy whose rows so far are its own (the values are plain floats)."""
        twin = copy.copy(self)
        twin.model_vars = {name: list(values) for name, values in self.model_vars.items()}
        twin._collection_steps = list(self._collection_steps)
        twin._agent_records, twin._agenttype_records = {}, {}
        twin.tables = {name: {k: list(v) for k, v in table.items()}
                       for name, table in self.tables.items()}
        return twin

    def collect(self, model: EcosystemModel) -> None:
        """Append this week's row."""
        self._collection_steps.append(model.time)
        record = model.record
        for name, values in self.model_vars.items():
            values.append(record[name])


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

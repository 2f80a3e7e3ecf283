"""EcosystemModel: the content-ecosystem feedback loop as one Mesa model.

The story, week by week (see :data:`ecosim.mechanisms.WEEKLY_ORDER`): knowledge drifts and
platform content goes stale; the AI, once launched, retrains now and then on what the
platforms hold; AI use spreads through the social network; people get questions and take
them to the AI or to a platform; unmet how-to needs become questions; contributors, as
motivated as their audience makes them, answer and edit; readers join, newcomers meet the
gatekeepers, contributors leave. Then the week is recorded.

Before week 0 the model runs ``run.burn_in_weeks`` unrecorded weeks without the AI, so that
the recorded run starts from the community's steady state and every change after
``ai.launch_week`` is the AI's doing. With ``ai.enabled = false`` the same seed gives the
counterfactual world: each mechanism draws from its own stream, so the draws of the
mechanisms that do not involve the AI line up between the two worlds.
"""

from __future__ import annotations

import datetime as dt
import zlib

import mesa
import numpy as np

from ecosim import mechanisms
from ecosim.ai import AISubstitute
from ecosim.observables import Flows, weekly_record
from ecosim.platforms import Encyclopedia, QAPlatform
from ecosim.population import People
from ecosim.registry import REGISTRY
from ecosim.scenario import Scenario
from ecosim.schema import Param, Params, declare
from ecosim.world import Topics

declare(
    Param("run.weeks", 520, "weeks", "Recorded length of a run.", 1, 10_000, group="run"),
    Param("run.burn_in_weeks", 260, "weeks",
          "Unrecorded weeks before week 0 in which the community settles (no AI).", 0, 5000,
          group="run"),
    Param("run.seed", 42, "seed", "Seed of the run's random number generator.", 0,
          2**63 - 1, group="run"),
    Param("run.start_date", dt.date(2019, 1, 7), "date", "Calendar date of week 0.",
          group="run"),
)


class EcosystemModel(mesa.Model):
    """The content-ecosystem feedback loop.

    Args:
        scenario: A :class:`~ecosim.scenario.Scenario` (from :func:`ecosim.load_scenario`)
            or a mapping of dotted keys to override the defaults.
        seed: Overrides ``run.seed`` when given.

    Attributes:
        p: The resolved parameters.
        week: Current week (negative during burn-in; 0 is the first recorded week).
        topics: The world's topics.
        people: The population (numpy columns).
        qa: The Q&A platform agent.
        wiki: The encyclopedia agent.
        ai: The (commercial) AI substitute agent.
        public_ai: The public AI agent (launches only if ``public_ai.enabled``).
        flows: This week's per-topic flows (needs, look-ups, answers, ...).
        datacollector: Mesa's collector with one row per recorded week.
    """

    def __init__(self, scenario: Scenario | dict | None = None, *, seed: int | None = None):
        if not isinstance(scenario, Scenario):
            scenario = Scenario.from_overrides(scenario or {})
        if seed is not None:
            scenario = scenario.with_values({"run.seed": seed})
        p = scenario.params
        super().__init__(scenario=scenario)
        # One random stream per mechanism, a child of the model's seed keyed by the
        # mechanism's name: switching a mechanism off, or the AI, leaves the other
        # mechanisms' draws where they were (common random numbers for paired and ablation
        # runs), and adding a mechanism does not reshuffle the others' streams.
        self.streams = {key: _child_generator(self.rng, key) for key in mechanisms.WEEKLY_ORDER}
        self.scenario_source = scenario.source
        self.p: Params = p
        self.week = -p["run.burn_in_weeks"]
        self.topics = Topics(p, self.rng)
        self.people = People(p, self.topics, self.rng)
        self.community_share = np.maximum(self.people.people_per_topic, 1.0) / self.people.size
        self.qa = QAPlatform(self, self.topics.qa_drift)
        self.wiki = Encyclopedia(self, self.topics.wiki_drift)
        self.ai = AISubstitute(self, self.topics.count)
        self.public_ai = AISubstitute(self, self.topics.count, "public_ai")
        self.ais = (self.ai, self.public_ai)
        self.data_income_budget = 0.0   # platforms' unspent income from AI data deals
        self.data_income_spent = 0.0
        self.newcomer_support = 0.0     # share by which support softens gatekeeping
        self.flows = Flows(self.topics.count)
        self.order = tuple(k for k in mechanisms.WEEKLY_ORDER if p[f"mechanisms.{k}"])
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in Flows.COLUMNS}
        )
        self.record: dict[str, float] = {}
        self.running = True
        self._add_person_agents()
        self._seed_platforms()
        while self.week < 0:
            self.step()

    def step(self) -> None:
        """Advance one week: the AI's launch, the mechanisms in order, then the record."""
        self.flows.reset()
        for ai in self.ais:
            ai.step()
        for key in self.order:
            REGISTRY[key](self, self.p, self.streams[key])
        self._end_week()
        self.week += 1
        if self.week >= self.p["run.weeks"]:
            self.running = False

    def run(self) -> None:
        """Run until ``run.weeks`` recorded weeks exist."""
        while self.running:
            self.step()

    # -- helpers the mechanisms share ------------------------------------------------------

    @property
    def ai_available(self) -> bool:
        """True once any AI (commercial or public) has launched."""
        return self.ai.launched or self.public_ai.launched

    def need_rate_by_cell(self) -> np.ndarray:
        """Total expected needs per week by (topic, AI user), shape (topics, 2).

        Computed once a week, after adoption (which runs before the needs are drawn).
        """
        week = self.flows
        if week.need_rate_cell is None:
            people = self.people
            cell = people.topic * 2 + people.adopter
            k = self.topics.count
            week.need_rate_cell = np.bincount(cell, people.need_rate,
                                              minlength=2 * k).reshape(k, 2)
        return week.need_rate_cell

    def funnel_rates(self) -> tuple[np.ndarray, np.ndarray]:
        """Visits and answered questions per unit of need rate, by (topic, user, platform).

        Returns:
            Two arrays of shape (topics, 2, 2): index 1 is AI user or not, index 2 the
            platform (0 encyclopedia, 1 Q&A), so a person's expected visits to their home
            platform are ``need_rate * visits[topic, adopter, home_qa]``.
        """
        week = self.flows
        rate = self.need_rate_by_cell()[..., None]
        visits = week.lookups + week.clicks_by_cell()
        answered = np.zeros_like(visits, dtype=np.float64)
        answered[..., 1] = week.questions * self.qa.answered_share[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            return (np.where(rate > 0, visits / rate, 0.0),
                    np.where(rate > 0, answered / rate, 0.0))

    def group_of(self, who: np.ndarray, effort: np.ndarray) -> np.ndarray:
        """Provenance group of contributors: 0 core, 1 occasional, 2 newcomer."""
        p = self.p
        newcomer = self.people.tenure[who] < p["contributors.newcomer_weeks"]
        core = effort >= p["contributors.core_threshold"]
        return np.where(newcomer, 2, np.where(core, 0, 1))

    def refresh_coverage(self) -> None:
        """Recompute both platforms' coverage from their fresh content."""
        for platform in (self.qa, self.wiki):
            platform.refresh_coverage(self.p, self.community_share)

    # -- internals --------------------------------------------------------------------------

    def _add_person_agents(self) -> None:
        """The fast engine keeps people as columns only (see ecosim.reference for agents)."""

    def _seed_platforms(self) -> None:
        """Start the platforms with some content so the burn-in converges quickly."""
        for platform, key in ((self.qa, "platforms.qa_coverage_scale"),
                              (self.wiki, "platforms.wiki_coverage_scale")):
            platform.content[:, 1] = self.community_share * self.p[key] * 1.5
        self.refresh_coverage()

    def _end_week(self) -> None:
        people, week = self.people, self.flows
        kinds = week.lookups.sum(axis=1) + week.clicks.astype(np.float64)
        self.wiki.visits = kinds[:, 0]
        self.qa.visits = kinds[:, 1]
        members = self.people.people_per_topic
        self.qa.end_week(self.p, members)
        self.wiki.end_week(self.p, members)
        people.tenure += people.contributor
        if self.week >= 0:
            self.record = weekly_record(self)
            self.datacollector.collect(self)


def _child_generator(rng: np.random.Generator, key: str) -> np.random.Generator:
    """A generator derived from ``rng``'s seed sequence and a stable name."""
    seq = rng.bit_generator.seed_seq
    child = np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, zlib.crc32(key.encode())))
    return np.random.Generator(type(rng.bit_generator)(child))


def _reporter(name: str):
    def report(model: EcosystemModel) -> float:
        return model.record[name]

    report.__name__ = name
    return report

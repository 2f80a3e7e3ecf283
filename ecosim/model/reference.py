"""The reference engine: the same model written the classic Mesa way.

Every person is a :class:`Person` agent with its own methods, activated in random order with
``shuffle_do``, one phase after another, as a Mesa user would write it. The week is the same
schedule (:data:`ecosim.model.mechanisms.WEEK`) as the fast engine's:

- a mechanism that acts on the world as a whole (card ``scale="world"``: the AI's life,
  knowledge drift, attribution, ...) runs as it is, the very function the fast engine calls;
- a mechanism that acts on people (``scale="people"``) runs as its phase in
  :data:`PER_AGENT`: each person acts in turn through the same per-person rules (the
  ``@rule`` functions) and the same topic-level halves as the fast engine.

A person-level mechanism without a phase here stops the engine at construction, naming it,
so that a new mechanism cannot fall through silently. Only the iteration differs from the
fast engine:

- the fast engine draws one binomial per (topic, AI user) cell and updates people with
  vector operations, updating everyone from last week's state;
- the reference engine draws each person's needs, choices and transitions one by one, and
  later agents in a phase see the changes earlier agents made (asynchronous updating).

It exists for teaching (read :class:`Person`) and for docking: ``tests/test_docking.py``
checks that both engines agree in distribution. It is about 100 times slower at 10,000
people (measured: benchmarks/README.md). A person's state stays in the population's numpy
columns; an agent reads and writes its own row, so the platforms, the AI and the recorded
observables are shared with the fast engine.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from random import Random

import mesa
import numpy as np
from mesa.agentset import AgentSet

from ecosim.model import ENGINES as ENGINE_NAMES
from ecosim.model.mechanisms import WEEK
from ecosim.model.mechanisms.community import (
    churn_hazard,
    peer_hazard,
    reception_survival,
    recruitment_conditions,
)
from ecosim.model.mechanisms.contribution import settle_contributions
from ecosim.model.mechanisms.demand import (
    adoption_hazard,
    choice_probability,
    elsewhere_share,
    unmet_chance,
    record_need_rates,
    tally_questions,
    update_reputation,
)
from ecosim.model.difficulty import class_shares
from ecosim.model.model import EcosystemModel
from ecosim.model.people import effort
from ecosim.model.schedule import REGISTRY, Mechanism
from ecosim.model.world import QA, WIKI


class Person(mesa.Agent):
    """One person: reads, asks, maybe contributes, maybe leaves.

    Args:
        model: The reference model.
        row: The person's row in the population's columns.
    """

    def __init__(self, model: ReferenceEcosystemModel, row: int):
        super().__init__(model)
        self.row = row
        people = model.world.people
        self.topic = int(people.topic[row])
        self.need_rate = float(people.need_rate[row])
        self.motivation = float(people.motivation[row])
        self.home = QA if people.home_qa[row] else WIKI
        self.neighbours: list[Person] = []

    # state kept in the population's columns, so observables see it
    @property
    def adopter(self) -> bool:
        """Whether the person uses the AI."""
        return bool(self.model.world.people.adopter[self.row])

    @property
    def contributor(self) -> bool:
        """Whether the person is an active contributor."""
        return bool(self.model.world.people.contributor[self.row])

    def contributor_ties(self) -> int:
        """How many of the person's ties are contributors now."""
        return sum(n.contributor for n in self.neighbours)

    def consider_ai(self) -> None:
        """ai_adoption: adopt the AI on one's own or because one's ties use it."""
        m, people = self.model, self.model.world.people
        if self.adopter or people.adoption_rank[self.row] >= m.p.ai.adoption_ceiling:
            return
        if not self.neighbours:
            share = 0.0
        else:
            share = sum(n.adopter for n in self.neighbours) / len(self.neighbours)
        propensity = people.adoption_propensity[self.row]
        if m.streams["ai_adoption"].random() < adoption_hazard(m.p, share, propensity):
            people.add_adopters([self.row])
            m.world.flows.new_adopters += 1

    def get_needs(self) -> None:
        """information_needs: this week's questions, how-to (easy, medium or hard) or
        encyclopedic."""
        m, flows = self.model, self.model.world.flows
        rng = m.streams["information_needs"]
        needs = rng.poisson(self.need_rate)
        qa_needs = rng.binomial(needs, m.p.demand.qa_share)
        t, a = self.topic, int(self.adopter)
        for kind, n in ((QA, qa_needs), (WIKI, needs - qa_needs)):
            flows.needs[t, a, kind] += n
            flows.lookups[t, a, kind] += n
            m.lookups[self.row, kind] = n
        by_class = rng.multinomial(qa_needs, class_shares(m.p))
        flows.qa_lookups[t, a] += by_class
        m.qa_lookups[self.row] = by_class

    def look_elsewhere(self, share: float) -> None:
        """other_sources: some how-to needs are met outside the platforms."""
        m, flows = self.model, self.model.world.flows
        elsewhere = m.streams["other_sources"].binomial(m.qa_lookups[self.row], share)
        met = int(elsewhere.sum())
        if met:
            t, a = self.topic, int(self.adopter)
            m.qa_lookups[self.row] -= elsewhere
            m.lookups[self.row, QA] -= met
            flows.qa_lookups[t, a] -= elsewhere
            flows.lookups[t, a, QA] -= met

    def choose_source(self) -> None:
        """source_choice: an AI user takes each need to the AI or to the platform (the
        easy how-to needs more often, as the AI is believed better on them)."""
        if not self.adopter:
            return
        m, p, world = self.model, self.model.p, self.model.world
        flows, t = world.flows, self.topic
        rng = m.streams["source_choice"]
        prob = choice_probability(p, flows.ai_reputation[t], world.wiki.coverage[t],
                                  p.ai.encyclopedic_convenience)
        to_ai = rng.binomial(m.lookups[self.row, WIKI], prob)
        m.lookups[self.row, WIKI] -= to_ai
        flows.lookups[t, 1, WIKI] -= to_ai
        flows.ai_answers[t, WIKI] += to_ai
        if world.public_ai.launched:
            flows.public_answers[t, WIKI] += rng.binomial(to_ai, flows.public_pick[t])
        believed = flows.ai_reputation[t] * flows.ai_profile[t]
        prob = choice_probability(p, believed, world.qa.coverage[t], p.ai.lookup_convenience)
        to_ai = rng.binomial(m.qa_lookups[self.row], prob)
        served = int(to_ai.sum())
        m.qa_lookups[self.row] -= to_ai
        m.lookups[self.row, QA] -= served
        flows.qa_lookups[t, 1] -= to_ai
        flows.lookups[t, 1, QA] -= served
        flows.ai_answers[t, QA] += served
        if world.public_ai.launched:
            flows.public_answers[t, QA] += rng.binomial(served, flows.public_pick[t])

    def ask_questions(self) -> None:
        """question_asking: how-to needs the platform did not meet become questions (or
        go to the AI)."""
        m, world = self.model, self.model.world
        flows, t = world.flows, self.topic
        rng = m.streams["question_asking"]
        unmet = rng.binomial(m.qa_lookups[self.row], unmet_chance(m.p, world.qa.coverage[t]))
        if self.adopter and flows.ai_ask_prob[t].any():
            to_ai = rng.binomial(unmet, flows.ai_ask_prob[t])
            served = int(to_ai.sum())
            flows.ai_answers[t, QA] += served
            if world.public_ai.launched:
                flows.public_answers[t, QA] += rng.binomial(served, flows.public_pick[t])
            unmet = unmet - to_ai
        flows.questions[t, int(self.adopter)] += rng.binomial(unmet, m.p.demand.ask_propensity)

    def offer_effort(self) -> None:
        """answering: a contributor offers effort as motivated as their audience makes them."""
        if self.contributor:
            world = self.model.world
            factor = world.flows.effort_factor[self.topic, self.home]
            sensitivity = world.people.audience_sensitivity[self.row]
            self.model.offered.append((self.row, effort(self.motivation, factor, sensitivity)))

    def consider_joining(self) -> None:
        """reader_recruitment: a reader may start contributing."""
        m = self.model
        if self.contributor:
            return
        t, a, h = self.topic, int(self.adopter), self.home
        hazard = (self.motivation * self.need_rate * m.per_need[t, a, h]
                  + peer_hazard(m.p, self.motivation, self.contributor_ties()))
        if m.streams["reader_recruitment"].random() >= -math.expm1(-hazard):
            return
        people = m.world.people
        people.set_contributors([self.row], True)
        people.tenure[self.row] = 0
        people.mark_contributed([self.row])
        m.recruits.append(self.row)

    def face_gatekeepers(self) -> None:
        """gatekeeping: a recruit whose first contributions are reverted quits at once."""
        m = self.model
        support = m.world.data_income.newcomer_support
        if m.streams["gatekeeping"].random() >= reception_survival(m.p, m.week, support):
            m.world.people.set_contributors([self.row], False)
            m.world.flows.rejected += 1

    def consider_leaving(self) -> None:
        """contributor_churn: a contributor may leave."""
        m, world = self.model, self.model.world
        if not self.contributor:
            return
        platform = world.qa if self.home == QA else world.wiki
        newcomer = world.people.tenure[self.row] < m.p.contributors.newcomer_weeks
        hazard = churn_hazard(m.p, newcomer, platform.audience_ratio()[self.topic],
                              self.contributor_ties(), self.motivation,
                              world.people.audience_sensitivity[self.row],
                              world.flows.churn_factor[self.topic, self.home])
        if m.streams["contributor_churn"].random() < -math.expm1(-float(hazard)):
            world.people.set_contributors([self.row], False)
            world.flows.departures += 1

    def serve_a_week(self) -> None:
        """contributor_tenure: a contributor's tenure grows by a week."""
        if self.contributor:
            self.model.world.people.tenure[self.row] += 1


class ReferenceEcosystemModel(EcosystemModel):
    """The content-ecosystem model with one :class:`Person` agent per person.

    Same constructor and outputs as :class:`~ecosim.model.model.EcosystemModel`.

    Raises:
        NotImplementedError: If a mechanism that acts on people has no per-agent phase
            here (:data:`PER_AGENT`).
    """

    def __init__(self, *args, **kwargs):
        missing = [k for k in WEEK if REGISTRY[k].card.scale == "people" and k not in PER_AGENT]
        if missing:
            raise NotImplementedError(
                f"the reference engine has no per-agent phase for {', '.join(missing)}: "
                "add one to ecosim.model.reference.PER_AGENT")
        super().__init__(*args, **kwargs)

    def fork(self, scenario) -> ReferenceEcosystemModel:
        """Not available: every agent holds its model, so a copy cannot be made cheaply.

        Raises:
            NotImplementedError: Always; run each scenario on its own instead.
        """
        raise NotImplementedError("the reference engine cannot fork; run each arm alone")

    def _add_person_agents(self) -> None:
        """One Person agent per row of the population, with their ties as agent lists."""
        people = self.world.people
        self.persons = [Person(self, i) for i in range(people.size)]
        adj = people.adj
        for person in self.persons:
            ties = adj.indices[adj.indptr[person.row]:adj.indptr[person.row + 1]]
            person.neighbours = [self.persons[j] for j in ties]
        # activation order comes from the model's numpy generator, like every other draw
        self.order = Random(int(self.rng.integers(2**63)))
        self.person_set = AgentSet(self.persons, random=self.order)
        self.lookups = np.zeros((people.size, 2), dtype=np.int64)
        self.qa_lookups = np.zeros((people.size, 3), dtype=np.int64)

    def step(self) -> None:
        """One week, phase by phase; each person-level phase with every person in turn."""
        self.lookups[:] = 0
        self.qa_lookups[:] = 0
        super().step()

    def run_mechanism(self, mechanism: Mechanism) -> None:
        """Run a world-level mechanism as it is, a person-level one agent by agent."""
        if mechanism.card.scale == "world":
            super().run_mechanism(mechanism)
        else:
            PER_AGENT[mechanism.key](self)

    # -- the person-level phases ------------------------------------------------------------

    def adopt(self) -> None:
        """ai_adoption, one person at a time."""
        if self.world.ai_available:
            self.person_set.shuffle_do("consider_ai")

    def need(self) -> None:
        """information_needs, one person at a time."""
        record_need_rates(self.world)
        self.person_set.shuffle_do("get_needs")

    def elsewhere(self) -> None:
        """other_sources, one person at a time (nothing before week 1)."""
        share = elsewhere_share(self.p, self.week)
        if share > 0:
            self.person_set.shuffle_do("look_elsewhere", share)

    def choose(self) -> None:
        """source_choice: the topic-level half, then one person at a time."""
        if self.world.ai_available:
            update_reputation(self.world, self.p)
            self.person_set.shuffle_do("choose_source")

    def ask(self) -> None:
        """question_asking, one person at a time, then the questions are posted."""
        self.person_set.shuffle_do("ask_questions")
        tally_questions(self.world)

    def answer(self) -> None:
        """answering: each contributor offers effort, then the topic-level half settles it."""
        self.offered: list[tuple[int, float]] = []
        self.person_set.shuffle_do("offer_effort")
        self.offered.sort()  # the order people offered in does not matter
        who = np.array([r for r, _ in self.offered], dtype=np.int64)
        offered = np.array([e for _, e in self.offered], dtype=np.float32)
        settle_contributions(self.world, self.p, self.streams["answering"], who, offered)

    def recruit(self) -> None:
        """reader_recruitment: the topic-level half, then one reader at a time."""
        self.per_need = recruitment_conditions(self.world, self.p)
        self.recruits: list[int] = []
        self.person_set.shuffle_do("consider_joining")
        self.world.flows.recruits = np.array(self.recruits, dtype=np.int64)

    def gatekeep(self) -> None:
        """gatekeeping, one recruit at a time."""
        recruits = set(self.world.flows.recruits.tolist())
        self.person_set.select(lambda a: a.row in recruits).shuffle_do("face_gatekeepers")

    def churn(self) -> None:
        """contributor_churn, one contributor at a time."""
        self.person_set.shuffle_do("consider_leaving")

    def age(self) -> None:
        """contributor_tenure, one contributor at a time."""
        self.person_set.shuffle_do("serve_a_week")


PER_AGENT: dict[str, Callable[[ReferenceEcosystemModel], None]] = {
    "ai_adoption": ReferenceEcosystemModel.adopt,
    "information_needs": ReferenceEcosystemModel.need,
    "other_sources": ReferenceEcosystemModel.elsewhere,
    "source_choice": ReferenceEcosystemModel.choose,
    "question_asking": ReferenceEcosystemModel.ask,
    "answering": ReferenceEcosystemModel.answer,
    "reader_recruitment": ReferenceEcosystemModel.recruit,
    "gatekeeping": ReferenceEcosystemModel.gatekeep,
    "contributor_churn": ReferenceEcosystemModel.churn,
    "contributor_tenure": ReferenceEcosystemModel.age,
}
"""The phase that runs each person-level mechanism agent by agent, by mechanism key."""

ENGINES = dict(zip(ENGINE_NAMES, (EcosystemModel, ReferenceEcosystemModel), strict=True))
"""Model classes by engine name (``ecosim run --engine``)."""

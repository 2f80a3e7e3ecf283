"""The reference engine: the same model written the classic Mesa way.

Every person is a :class:`Person` agent with its own methods, activated in random order with
``shuffle_do``, one phase after another, as a Mesa user would write it. The per-person rules
(``@rule`` functions in the mechanism modules) and the topic-level halves of the mechanisms
are the very functions the fast engine calls; only the iteration differs:

- the fast engine draws one binomial per (topic, AI user) cell and updates people with
  vector operations, updating everyone from last week's state;
- the reference engine draws each person's needs, choices and transitions one by one, and
  later agents in a phase see the changes earlier agents made (asynchronous updating).

It exists for teaching (read :class:`Person`) and for docking: ``tests/test_docking.py``
checks that both engines agree in distribution. It is about 100 times slower at 10,000
people (measured: benchmarks/README.md).
A person's state stays in the population's numpy columns; an agent reads and writes its own
row, so the platforms, the AI and the recorded observables are shared with the fast engine.
"""

from __future__ import annotations

import math
from random import Random

import mesa
from mesa.agentset import AgentSet
import numpy as np

from ecosim.mechanisms import WEEKLY_ORDER
from ecosim.mechanisms.contribution import (
    churn_hazard,
    effort,
    reception_survival,
    recruitment_hazard,
    settle_contributions,
)
from ecosim.mechanisms.demand import (
    QA,
    WIKI,
    adoption_hazard,
    choice_probability,
    update_reputation,
)
from ecosim.model import EcosystemModel
from ecosim.registry import REGISTRY

# Mechanisms whose work is per topic or per platform: both engines call them as they are.
TOPIC_LEVEL = ("knowledge_drift", "data_leverage", "synthetic_content", "ai_retraining",
               "attribution", "audience_motivation", "licensing")


class Person(mesa.Agent):
    """One person: reads, asks, maybe contributes, maybe leaves.

    Args:
        model: The reference model.
        row: The person's row in the population's columns.
    """

    def __init__(self, model: ReferenceEcosystemModel, row: int):
        super().__init__(model)
        self.row = row
        people = model.people
        self.topic = int(people.topic[row])
        self.need_rate = float(people.need_rate[row])
        self.motivation = float(people.motivation[row])
        self.home = QA if people.home_qa[row] else WIKI
        self.neighbours: list[Person] = []

    # state kept in the population's columns, so observables see it
    @property
    def adopter(self) -> bool:
        """Whether the person uses the AI."""
        return bool(self.model.people.adopter[self.row])

    @property
    def contributor(self) -> bool:
        """Whether the person is an active contributor."""
        return bool(self.model.people.contributor[self.row])

    def consider_ai(self) -> None:
        """ai_adoption: adopt the AI on one's own or because one's ties use it."""
        m, people = self.model, self.model.people
        if self.adopter or people.adoption_rank[self.row] >= m.p["ai.adoption_ceiling"]:
            return
        if not self.neighbours:
            share = 0.0
        else:
            share = sum(n.adopter for n in self.neighbours) / len(self.neighbours)
        if m.streams["ai_adoption"].random() < adoption_hazard(m.p, share):
            people.add_adopters([self.row])

    def seek_answers(self) -> None:
        """information_needs, source_choice and question_asking for one person's week."""
        m, p, week = self.model, self.model.p, self.model.flows
        t, a = self.topic, int(self.adopter)
        rng = m.streams["information_needs"]
        needs = rng.poisson(self.need_rate)
        qa_needs = rng.binomial(needs, p["demand.qa_share"])
        lookups = {QA: qa_needs, WIKI: needs - qa_needs}
        for kind in (WIKI, QA):
            week.needs[t, a, kind] += lookups[kind]
        uses_ai = a and m.ai_available and m.on("source_choice")
        public = m.public_ai.launched
        if uses_ai:
            rng = m.streams["source_choice"]
            for kind, platform in ((WIKI, m.wiki), (QA, m.qa)):
                prob = choice_probability(p, week.ai_reputation[t], platform.coverage[t],
                                          "ai.lookup_convenience")
                to_ai = rng.binomial(lookups[kind], prob)
                lookups[kind] -= to_ai
                week.ai_answers[t, kind] += to_ai
                if public:
                    week.public_answers[t, kind] += rng.binomial(to_ai, week.public_pick[t])
        for kind in (WIKI, QA):
            week.lookups[t, a, kind] += lookups[kind]
        if not m.on("question_asking"):
            return
        rng = m.streams["question_asking"]
        unmet = rng.binomial(lookups[QA], 1.0 - m.qa.coverage[t])
        if uses_ai:
            to_ai = rng.binomial(unmet, week.ai_ask_prob[t])
            week.ai_answers[t, QA] += to_ai
            if public:
                week.public_answers[t, QA] += rng.binomial(to_ai, week.public_pick[t])
            unmet -= to_ai
        week.questions[t, a] += rng.binomial(unmet, p["demand.ask_propensity"])

    def offer_effort(self) -> None:
        """answering: a contributor offers effort as motivated as their audience makes them."""
        if self.contributor:
            factor = self.model.flows.effort_factor[self.topic, self.home]
            sensitivity = self.model.people.audience_sensitivity[self.row]
            self.model.offered.append((self.row, effort(self.motivation, factor, sensitivity)))

    def consider_joining(self) -> None:
        """reader_recruitment and gatekeeping: a reader may start contributing."""
        m = self.model
        if self.contributor:
            return
        visits, answered, activity = m.funnel
        t, a, h = self.topic, int(self.adopter), self.home
        ties = sum(n.contributor for n in self.neighbours)
        hazard = recruitment_hazard(m.p, self.motivation, self.need_rate, visits[t, a, h],
                                    answered[t, a, h], activity[t, h], ties)
        if m.streams["reader_recruitment"].random() >= -math.expm1(-hazard):
            return
        people = m.people
        people.ever_contributed[self.row] = True
        m.recruits.append(self.row)
        if m.on("gatekeeping") and (m.streams["gatekeeping"].random()
                                    >= reception_survival(m.p, m.week, m.newcomer_support)):
            m.flows.rejected += 1
            return
        people.set_contributors([self.row], True)
        people.tenure[self.row] = 0

    def consider_leaving(self) -> None:
        """contributor_churn: a contributor may leave."""
        m = self.model
        if not self.contributor:
            return
        platform = m.qa if self.home == QA else m.wiki
        ties = sum(n.contributor for n in self.neighbours)
        newcomer = m.people.tenure[self.row] < m.p["contributors.newcomer_weeks"]
        hazard = churn_hazard(m.p, newcomer, platform.audience_ratio()[self.topic], ties,
                              self.motivation, m.people.audience_sensitivity[self.row])
        if m.streams["contributor_churn"].random() < -math.expm1(-float(hazard)):
            m.people.set_contributors([self.row], False)
            m.flows.departures += 1


class ReferenceEcosystemModel(EcosystemModel):
    """The content-ecosystem model with one :class:`Person` agent per person.

    Same constructor and outputs as :class:`~ecosim.model.EcosystemModel`.
    """

    def _add_person_agents(self) -> None:
        """One Person agent per row of the population, with their ties as agent lists."""
        self.persons = [Person(self, i) for i in range(self.people.size)]
        adj = self.people.adj
        for person in self.persons:
            ties = adj.indices[adj.indptr[person.row]:adj.indptr[person.row + 1]]
            person.neighbours = [self.persons[j] for j in ties]
        # activation order comes from the model's numpy generator, like every other draw
        order = Random(int(self.rng.integers(2**63)))
        self.person_set = AgentSet(self.persons, random=order)

    def on(self, key: str) -> bool:
        """Whether a mechanism is switched on."""
        return bool(self.p[f"mechanisms.{key}"])

    def step(self) -> None:
        """One week, phase by phase, each person acting in turn."""
        self.flows.reset()
        for ai in self.ais:
            ai.step()
        for key in WEEKLY_ORDER:
            if not self.on(key):
                continue
            if key in TOPIC_LEVEL:
                REGISTRY[key](self, self.p, self.streams[key])
            elif key == "ai_adoption" and self.ai_available:
                self.person_set.shuffle_do("consider_ai")
            elif key == "information_needs":
                if self.ai_available and self.on("source_choice"):
                    update_reputation(self, self.p)
                self.person_set.shuffle_do("seek_answers")
                self.qa.questions = self.flows.questions.sum(axis=1).astype(np.float64)
            elif key == "answering":
                self.offered: list[tuple[int, float]] = []
                self.person_set.shuffle_do("offer_effort")
                self.offered.sort()  # the order people offered in does not matter
                who = np.array([r for r, _ in self.offered], dtype=np.int64)
                effort = np.array([e for _, e in self.offered], dtype=np.float32)
                settle_contributions(self, self.p, self.streams["answering"], who, effort)
            elif key == "reader_recruitment":
                visits, answered = self.funnel_rates()
                act = np.stack([self.wiki.activity_ratio(), self.qa.activity_ratio()], axis=1)
                act = np.minimum(act, 2.0) ** self.p["contributors.activity_elasticity"]
                self.funnel = (visits, answered, act)
                self.recruits: list[int] = []
                self.person_set.shuffle_do("consider_joining")
                self.flows.recruits = np.array(self.recruits, dtype=np.int64)
            elif key == "contributor_churn":
                self.person_set.shuffle_do("consider_leaving")
        self._end_week()
        self.week += 1
        if self.week >= self.p["run.weeks"]:
            self.running = False


ENGINES = {"fast": EcosystemModel, "reference": ReferenceEcosystemModel}
"""Model classes by engine name (``ecosim run --engine``)."""

"""People: a struct-of-arrays population, updated with vector operations.

Each person is one row across numpy columns: the topic they work in, how many questions
they have per week, how motivated they would be to contribute, whether they use the AI, and
whether they are a contributor (and for how long). Roles emerge: most people only read,
some contribute now and then, and a small core does most of the work, because motivation is
heavy-tailed (lognormal), as the 90-9-1 rule describes.

The social network is generated with vector operations (homophilous: most ties stay within
a topic community, and communities differ in how densely knit they are) and stored as a
sparse adjacency matrix so that a weekly diffusion step is one sparse product;
:meth:`People.social_network` returns it as a networkx graph for analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.params import Param, Params, declare
from ecosim.model.rules import rule
from ecosim.model.topics import Topics

if TYPE_CHECKING:
    import networkx as nx
    import scipy.sparse as sp

declare(
    Param("population.size", 10_000, "people", "Number of people in the simulated world.",
          10, 5_000_000, group="people"),
    Param("people.needs_per_week", 1.0, "questions per person per week",
          "Mean number of information needs (questions) a person has each week.", 0.01, 50.0,
          group="people"),
    Param("people.needs_spread", 0.5, "log-sd",
          "Spread of need rates across people (sd of the log).", 0.0, 2.0, group="people"),
    Param("people.motivation_median", 0.008, "contributions per week",
          "Median person's contribution rate if they were a contributor, at the usual audience.",
          0.0001, 10.0, group="people"),
    Param("people.motivation_sigma", 3.3, "log-sd",
          "Heavy tail of motivation (sd of the log); sets how unequal participation is.",
          0.0, 4.0, group="people"),
    Param("demand.qa_share", 0.5, "share 0..1",
          "Share of needs that are how-to questions (Q&A platform) rather than encyclopedic "
          "look-ups; also the share of contributors whose home is the Q&A platform.",
          0.0, 1.0, group="people"),
    Param("contributors.core_threshold", 2.0, "contributions per week",
          "Expected contributions per week from which a contributor counts as core.",
          0.01, 1000.0, group="people"),
    Param("contributors.newcomer_weeks", 26, "weeks",
          "How long a new contributor counts as a newcomer (and churns faster).", 1, 520,
          group="people"),
    Param("contributors.intrinsic_scale", 100.0, "contributions per week",
          "Motivation at which half of a contributor's drive is intrinsic: they feel "
          "audience changes in proportion scale / (scale + motivation) (E-motives).",
          0.01, 100_000.0, group="people"),
    Param("ai.adoption_heterogeneity", 1.5, "variance",
          "How much people differ in how quickly they take up a new tool: variance of a "
          "gamma multiplier of the adoption hazard (mean 1; 0: all alike). Early adopters "
          "go fast, laggards slowly (fitted to the two E-devsurvey points).", 0.0, 20.0,
          group="ai"),
    Param("social.mean_degree", 8.0, "ties per person", "Mean number of social ties.",
          0.0, 200.0, group="people"),
    Param("social.homophily", 0.7, "share 0..1",
          "Share of ties that stay within a person's topic community.", 0.0, 1.0,
          group="people"),
    Param("social.cohesion_spread", 2.0, "log-sd",
          "How much topic communities differ in how densely knit they are.", 0.0, 2.0,
          group="people"),
)


class People:
    """The population as numpy columns (one entry per person).

    Attributes:
        topic: Index of the topic the person works in (int32).
        need_rate: Expected information needs per week (float32).
        motivation: Contributions per week the person would make as a contributor at the
            usual audience (float32, lognormal).
        home_qa: True if the person contributes to the Q&A platform, False for the
            encyclopedia.
        adopter: True once the person uses the AI (change it with :meth:`add_adopters`).
        adoption_rank: Uniform rank; people ranked below ``ai.adoption_ceiling`` may adopt.
        adoption_propensity: How quick the person is to take up a new tool (gamma, mean 1,
            variance ``ai.adoption_heterogeneity``): early adopters and laggards.
        contributor: True while the person is an active contributor (change it with
            :meth:`set_contributors`, which keeps the tie counts).
        tenure: Weeks since the person (last) became a contributor; -1 if never.
        ever_contributed: True once the person has contributed at least once (change it
            with :meth:`mark_contributed`, which keeps the count).
        ever_count: How many people have ever contributed.
        adopter_count: How many people use the AI.
        effort: Expected contributions this week (0 for non-contributors).
        contributed: Each person's contributions so far (the sum of their weekly effort),
            to measure how unequal participation is over a period.
        adj: Symmetric sparse adjacency matrix of the social network (CSR, float32).
        contributor_ties: Number of each person's ties who are contributors.
        audience_sensitivity: How strongly the person would feel a change of audience as a
            contributor: s / (s + motivation) with s = ``contributors.intrinsic_scale``,
            near 1 for the many, near 0 for the intrinsically driven few.
        adopted_ties: Number of each person's ties who use the AI.
        cohesion: Per-topic multiplier of tie density (mean 1).
        cohesive_topics: True for the more densely knit half of the topics, matched on
            popularity: of each two topics next to each other in popularity, the denser.
        people_per_topic: Size of each topic's community.
        community_share: Each topic community's share of the population (counting at least
            one person), the unit in which platform content is measured.
    """

    def __init__(self, p: Params, topics: Topics, rng: np.random.Generator):
        n = p.population.size
        k = topics.count
        self.size = n
        self.topic = rng.choice(k, size=n, p=topics.popularity).astype(np.int32)
        sigma = p.people.needs_spread
        self.need_rate = (
            p.people.needs_per_week * rng.lognormal(-0.5 * sigma**2, sigma, size=n)
        ).astype(np.float32)
        self.motivation = (
            p.people.motivation_median
            * rng.lognormal(0.0, p.people.motivation_sigma, size=n)
        ).astype(np.float32)
        self.home_qa = rng.random(n) < p.demand.qa_share
        self.adopter = np.zeros(n, dtype=bool)
        # Who would ever adopt: the first ai.adoption_ceiling of people in this random order.
        self.adoption_rank = rng.random(n, dtype=np.float32)
        spread = p.ai.adoption_heterogeneity
        self.adoption_propensity = (
            rng.gamma(1.0 / spread, spread, size=n).astype(np.float32) if spread > 0
            else np.ones(n, dtype=np.float32))
        self.people_per_topic = np.bincount(self.topic, minlength=k).astype(np.float64)
        self.community_share = np.maximum(self.people_per_topic, 1.0) / n
        self.cohesion, self.adj = _homophilous_network(p, self.topic, k, rng)
        self.cohesive_topics = _denser_of_pairs(self.cohesion, topics.popularity)
        self.degree = np.asarray(self.adj.sum(axis=1)).ravel().astype(np.float32)
        self.degree_at_least_one = np.maximum(self.degree, 1.0)  # to divide by
        home_visits = self.need_rate * np.where(self.home_qa, p.demand.qa_share,
                                                1.0 - p.demand.qa_share)
        # Peers recruit peers, so each person's long-run chance depends on their ties'
        # chances: a few rounds of the fixed point settle it.
        chance = _steady_contributor_chance(p, self.motivation, home_visits, 0.0)
        for _ in range(4):
            ties = self.adj @ chance.astype(np.float32)
            chance = _steady_contributor_chance(p, self.motivation, home_visits, ties)
        self.contributor = rng.random(n) < chance
        self.tenure = np.where(self.contributor, 520, -1).astype(np.int32)
        self.ever_contributed = self.contributor.copy()
        self.ever_count = int(self.ever_contributed.sum())
        self.adopter_count = 0
        self.effort = np.zeros(n, dtype=np.float32)
        self.contributed = np.zeros(n)
        self.contributor_ties = self.neighbour_count(self.contributor)
        self.adopted_ties = np.zeros(n, dtype=np.float32)
        # Static parts of per-person weekly quantities, computed once.
        self.need_motivation = self.motivation * self.need_rate
        scale = p.contributors.intrinsic_scale
        self.audience_sensitivity = (scale / (scale + self.motivation)).astype(np.float32)
        self.home_cell = self.topic * 4 + self.home_qa.astype(np.int32)
        self.topic_cell = self.topic * 2  # the (topic, AI user) cell of a non-user
        self.need_weight = self.need_rate.astype(np.float64)  # as bincount weighs

    def need_rate_by_cell(self, topics: int) -> np.ndarray:
        """Total expected needs per week by (topic, AI user), shape (topics, 2)."""
        cell = self.topic_cell + self.adopter
        return np.bincount(cell, self.need_weight, minlength=2 * topics).reshape(topics, 2)

    def expected_effort(self, who: np.ndarray, effort_factor: np.ndarray) -> np.ndarray:
        """Contributions each of ``who`` would make this week, given the week's effort
        factor by (topic, platform) (see :func:`effort`)."""
        factor = effort_factor[self.topic[who], self.home_qa[who].astype(np.intp)]
        return effort(self.motivation[who], factor, self.audience_sensitivity[who])

    def group_of(self, who: np.ndarray, effort: np.ndarray, newcomer_weeks: int,
                 core_threshold: float) -> np.ndarray:
        """Role (and provenance group) of the contributors ``who`` making ``effort``
        contributions a week: 0 core, 1 occasional, 2 newcomer."""
        group = (effort < core_threshold).astype(np.int64)  # 0 core, 1 occasional
        group[self.tenure[who] < newcomer_weeks] = 2
        return group

    def neighbour_count(self, flags: np.ndarray) -> np.ndarray:
        """Number of each person's ties for which ``flags`` is true (one sparse product)."""
        return self.adj @ flags.astype(np.float32)

    def set_contributors(self, rows: np.ndarray, value: bool) -> None:
        """Make ``rows`` contributors (or not), keeping everyone's contributor-tie count."""
        rows = np.asarray(rows)
        changed = rows[self.contributor[rows] != value]
        self.contributor[changed] = value
        self._shift_ties(self.contributor_ties, changed, 1.0 if value else -1.0)

    def mark_contributed(self, rows: np.ndarray) -> None:
        """Note that ``rows`` have contributed (at least once), keeping the count."""
        rows = np.asarray(rows)
        first = rows[~self.ever_contributed[rows]]
        self.ever_contributed[first] = True
        self.ever_count += len(first)

    def add_adopters(self, rows: np.ndarray) -> None:
        """Make ``rows`` AI users, keeping everyone's count of ties who use the AI."""
        rows = np.asarray(rows)
        changed = rows[~self.adopter[rows]]
        self.adopter[changed] = True
        self.adopter_count += len(changed)
        self._shift_ties(self.adopted_ties, changed, 1.0)

    def _shift_ties(self, counts: np.ndarray, changed: np.ndarray, delta: float) -> None:
        # Only the neighbours of people who changed need updating: far cheaper than a
        # sparse product over the whole network every week.
        if len(changed) == 0:
            return
        # The rows' ties straight from the CSR arrays (a sparse row slice costs ~60 us).
        indptr, indices = self.adj.indptr, self.adj.indices
        if len(changed) <= 8:
            neighbours = np.concatenate([indices[indptr[r]:indptr[r + 1]] for r in changed])
        else:
            starts = indptr[changed]
            lengths = indptr[changed + 1] - starts
            first = np.cumsum(lengths) - lengths
            neighbours = indices[np.repeat(starts - first, lengths) + np.arange(lengths.sum())]
        if len(neighbours) > self.size // 8:
            counts += delta * np.bincount(neighbours, minlength=self.size).astype(np.float32)
        else:
            np.add.at(counts, neighbours, np.float32(delta))

    def social_network(self) -> nx.Graph:
        """The social network as a networkx graph (for analysis; slow beyond ~10^5 people)."""
        import networkx as nx

        graph = nx.from_scipy_sparse_array(self.adj)
        nx.set_node_attributes(graph, dict(enumerate(self.topic.tolist())), "topic")
        return graph


def _steady_contributor_chance(p: Params, motivation: np.ndarray, home_visits: np.ndarray,
                               contributor_ties: np.ndarray | float) -> np.ndarray:
    """Each person's long-run chance of being a contributor under the usual audience.

    A person alternates between reading (joining at the funnel's and their peers' rate) and
    contributing (a
    newcomer phase with faster churn, then the established rate); the chance of being in a
    contributing spell is join x spell / (1 + join x spell). Starting people there means the
    burn-in only settles the details (ties, gatekeeping, coverage).
    """
    gate = (1.0 - p.gatekeeping.revert_survival_cost * p.gatekeeping.harshness) ** (
        p.gatekeeping.first_contributions)
    join = (p.contributors.recruitment_rate * home_visits
            + p.contributors.peer_recruitment * contributor_ties) * motivation * gate
    leave = contributor_hazard(p, motivation)
    newcomer = leave * p.contributors.newcomer_churn_multiplier
    weeks = p.contributors.newcomer_weeks
    survive = np.exp(-newcomer * weeks)
    with np.errstate(divide="ignore", invalid="ignore"):  # no churn: handled below
        spell = (1.0 - survive) / newcomer + survive / leave
        chance = join * spell / (1.0 + join * spell)
    # Without any churn a spell never ends: whoever can join is a contributor for good.
    return np.where(leave > 0, chance, (join > 0).astype(float))


@rule
def effort(motivation, effort_factor, audience_sensitivity):
    """A contributor's expected contributions this week: motivation times the week's
    audience (and recognition) factor, felt in proportion to their audience sensitivity."""
    return motivation * effort_factor ** audience_sensitivity


@rule
def contributor_hazard(p: Params, motivation: np.ndarray) -> np.ndarray:
    """Weekly chance an established contributor leaves at the usual audience and no ties.

    The more motivated are more attached: base / sqrt(1 + motivation / core threshold).
    """
    return p.contributors.base_churn / np.sqrt(
        1.0 + motivation / p.contributors.core_threshold)


def _denser_of_pairs(cohesion: np.ndarray, popularity: np.ndarray) -> np.ndarray:
    """The more densely knit topic of each pair of topics adjacent in popularity.

    Comparing the two halves then compares communities of the same sizes, so that which
    half the few very popular topics fall in does not decide the comparison (a matched
    design, as one would compare real communities).
    """
    order = np.argsort(-popularity, kind="stable")
    denser = np.zeros(len(cohesion), dtype=bool)
    for a, b in zip(order[0::2], order[1::2], strict=False):
        denser[a if cohesion[a] >= cohesion[b] else b] = True
    return denser


def _homophilous_network(
    p: Params, topic: np.ndarray, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, sp.csr_matrix]:
    """Draw a homophilous random graph: most ties within a topic, denser in cohesive topics."""
    import scipy.sparse as sp  # only to build the matrix: importing it costs 0.4 s

    n = len(topic)
    cohesion = rng.lognormal(0.0, p.social.cohesion_spread, size=k)
    cohesion /= cohesion[topic].mean() if n else 1.0
    stubs = rng.poisson(0.5 * p.social.mean_degree * cohesion[topic])
    src = np.repeat(np.arange(n, dtype=np.int64), stubs)
    within = rng.random(len(src)) < p.social.homophily
    order = np.argsort(topic, kind="stable")
    counts = np.bincount(topic, minlength=k)
    start = np.concatenate(([0], np.cumsum(counts)[:-1]))
    t = topic[src]
    pick = (rng.random(len(src)) * counts[t]).astype(np.int64)
    dst = np.where(within, order[start[t] + pick], rng.integers(0, n, size=len(src)))
    keep = src != dst
    src, dst = src[keep], dst[keep]
    ones = np.ones(len(src), dtype=np.float32)
    adj = sp.coo_matrix((ones, (src, dst)), shape=(n, n)).tocsr()
    adj = adj + adj.T
    adj.data[:] = 1.0  # a repeated tie is still one tie
    adj = adj.tocsr()
    adj.indices = adj.indices.astype(np.int32)
    return cohesion, adj

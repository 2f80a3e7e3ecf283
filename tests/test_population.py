"""The population: roles from heterogeneous motivation, and the homophilous network."""

from __future__ import annotations

import networkx as nx
import numpy as np

from ecosim import EcosystemModel

from .conftest import small


def test_network_is_homophilous_with_the_declared_degree():
    model = EcosystemModel(small(population__size=3000, social__homophily=0.8,
                                 social__mean_degree=10.0), seed=1)
    graph = model.world.people.social_network()
    assert isinstance(graph, nx.Graph) and graph.number_of_nodes() == 3000
    assert nx.number_of_selfloops(graph) == 0
    mean_degree = 2 * graph.number_of_edges() / graph.number_of_nodes()
    assert 8.5 < mean_degree < 10.5  # repeated ties merge, so a little under 10
    topic = nx.get_node_attributes(graph, "topic")
    within = np.mean([topic[u] == topic[v] for u, v in graph.edges])
    assert 0.75 < within < 0.9  # 80% drawn within, plus random ties landing in-topic


def test_cohesive_topics_have_denser_ties():
    model = EcosystemModel(small(population__size=3000, social__cohesion_spread=1.0), seed=2)
    people = model.world.people
    per_topic = np.bincount(people.topic, weights=people.degree, minlength=model.world.topics.count)
    mean_degree = per_topic / np.maximum(people.people_per_topic, 1)
    dense = people.cohesion > np.median(people.cohesion)
    assert mean_degree[dense].mean() > mean_degree[~dense].mean()


def test_roles_emerge_90_9_1_like():
    model = EcosystemModel(small(population__size=5000), seed=3)
    model.run()
    ts = model.datacollector.get_model_vars_dataframe()
    share = ts.active_contributors.iloc[-1] / 5000
    core = ts.core_contributors.iloc[-1] / 5000
    ever = model.world.people.ever_count / 5000
    assert 0.01 < share < 0.2          # most people only read
    assert share < ever < 0.25         # fewer than a quarter ever contribute
    # the heavy contributors are a minority of everyone who ever contributed (most
    # newcomers leave within months, so of those active now the core is much of it)
    assert core < ever / 2

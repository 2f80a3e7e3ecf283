"""Unit tests of each mechanism's rule, on small worlds with known answers."""

from __future__ import annotations

import numpy as np

from ecosim import EcosystemModel, run_scenario
from ecosim.model.platforms import SYNTHETIC, Trend
from ecosim.model.schedule import REGISTRY

from .conftest import small


def _model(**changes) -> EcosystemModel:
    return EcosystemModel(small(**changes), seed=4)


def test_knowledge_drift_decays_content_at_the_topic_rate():
    model = _model(world__new_topic_rate=0.0)
    before = model.world.qa.content.copy()
    REGISTRY["knowledge_drift"](model.world, model.p, model.streams["knowledge_drift"])
    assert np.allclose(model.world.qa.content, before * (1 - model.world.qa.drift)[:, None])


def test_new_topics_start_empty_and_unknown_to_the_ai():
    model = _model(world__new_topic_rate=0.05)
    while model.world.ai.generation == 0:
        model.step()
    renewed = np.zeros(model.world.topics.count, dtype=bool)
    while not renewed.any():
        REGISTRY["knowledge_drift"](model.world, model.p, model.streams["knowledge_drift"])
        renewed = model.world.topics.born_week == model.week
    world = model.world
    assert world.qa.content[renewed].sum() == 0 and world.wiki.content[renewed].sum() == 0
    quality = model.world.ai.quality(model.week, model.world.topics)
    assert (quality[renewed] == 0).all() and quality[~renewed].any()


def test_no_ai_use_before_launch_and_none_in_the_counterfactual():
    ts = run_scenario(small(), seed=1).timeseries
    assert (ts.loc[ts.week < 52, ["ai_share", "ai_adopters", "ai_quality"]] == 0).all().all()
    assert (ts.loc[ts.week >= 60, "ai_share"] > 0).all()
    off = run_scenario(small(ai__enabled=False), seed=1).timeseries
    assert (off[["ai_share", "ai_adopters", "ai_generation"]] == 0).all().all()


def test_source_choice_follows_perceived_quality():
    cheap = run_scenario(small(ai__lookup_convenience=-6.0, ai__ask_convenience=-6.0),
                         seed=1).timeseries
    easy = run_scenario(small(ai__lookup_convenience=6.0, ai__ask_convenience=6.0),
                        seed=1).timeseries
    late = slice(-26, None)
    assert easy.ai_share.iloc[late].mean() > 0.5 > cheap.ai_share.iloc[late].mean()
    off = run_scenario(small(mechanisms__source_choice=False), seed=1).timeseries
    assert (off.ai_share == 0).all()


def test_adoption_never_exceeds_its_ceiling():
    ts = run_scenario(small(ai__adoption_ceiling=0.3, ai__imitation=2.0), seed=2).timeseries
    assert ts.ai_adopters.max() <= 0.3 + 0.03  # ranks are uniform draws over 1,500 people
    assert ts.ai_adopters.iloc[-1] > 0.2


def test_full_coverage_means_no_questions():
    model = _model()
    model.world.qa.coverage[:] = 1.0
    for key in ("information_needs", "question_asking"):
        REGISTRY[key](model.world, model.p, model.streams[key])
    assert model.world.flows.needs.sum() > 0 and model.world.qa.questions.sum() == 0


def test_audience_motivation_scales_effort_by_audience_ratio():
    model = _model(contributors__audience_elasticity=2.0)
    world = model.world
    halved = Trend(world.topics.count)  # an audience at half its usual level
    halved.usual = world.qa.audience.usual.copy()
    halved.recent = 0.5 * halved.usual
    world.qa.audience = halved
    REGISTRY["audience_motivation"](world, model.p, model.streams["audience_motivation"])
    assert np.allclose(world.flows.effort_factor[:, 1], 0.25)
    assert np.allclose(world.flows.effort_factor[:, 0], world.wiki.audience_ratio() ** 2)


def test_no_churn_without_base_hazard():
    ts = run_scenario(small(contributors__base_churn=0.0), seed=3).timeseries
    assert (ts.departures == 0).all()


def test_harsh_gatekeeping_rejects_every_newcomer():
    ts = run_scenario(small(gatekeeping__harshness=1.0, gatekeeping__revert_survival_cost=1.0),
                      seed=3).timeseries
    assert (ts.newcomers == 0).all() and ts.rejected_newcomers.sum() > 0


def test_retraining_makes_one_generation_per_interval():
    ts = run_scenario(small(ai__retrain_interval=13), seed=1).timeseries
    # launch at week 52 of 156: generations at 52, 65, ..., 143
    assert ts.ai_generation.iloc[-1] == 1 + (155 - 52) // 13
    assert ts.ai_retrained.sum() == ts.ai_generation.iloc[-1]
    frozen = run_scenario(small(mechanisms__ai_retraining=False, world__new_topic_rate=0.0),
                          seed=1).timeseries
    assert frozen.ai_generation.iloc[-1] == 1
    # never retrained, the first generation goes stale as the world drifts on
    q = frozen.ai_quality[frozen.week >= 52].to_numpy()
    assert (np.diff(q) < 0).all()


def test_stale_ai_quality_decays_between_trainings():
    ts = run_scenario(small(ai__retrain_interval=520, world__new_topic_rate=0.0),
                      seed=1).timeseries
    q = ts.ai_quality[ts.week >= 52].to_numpy()
    assert (np.diff(q) <= 1e-12).all() and q[-1] < q[0]


def test_replace_grows_collapse_error_without_bound_accumulate_stays_bounded():
    common = dict(synthetic__post_share=0.9, ai__retrain_interval=4, run__weeks=260)
    rep = run_scenario(small(synthetic__training="replace", **common), seed=1).timeseries
    acc = run_scenario(small(synthetic__training="accumulate", **common), seed=1).timeseries
    gens = rep.ai_generation.iloc[-1]
    assert gens > 40
    assert rep.collapse_error.iloc[-1] > 5 * acc.collapse_error.iloc[-1]
    # replace keeps growing: the second half adds about as much as the first
    mid = len(rep) // 2
    assert rep.collapse_error.iloc[-1] - rep.collapse_error.iloc[mid] > 0.3 * rep.collapse_error.iloc[mid]
    # accumulate stays under its bound, collapse_rate x sum(1/g^2) = 0.5 x pi^2/6
    bound = 0.5 * np.pi**2 / 6
    assert acc.collapse_error.max() <= bound < rep.collapse_error.iloc[-1]


def test_detection_removes_synthetic_content_from_training():
    model = _model(synthetic__detection=1.0, synthetic__post_share=0.5)
    model.run()
    assert model.world.ai.provenance[SYNTHETIC] == 0
    assert model.world.qa.content[:, SYNTHETIC].sum() > 0
    # A public AI launched later trains on filtered data from its first generation.
    late = _model(synthetic__detection=1.0, synthetic__post_share=0.5, public_ai__enabled=True,
                  public_ai__launch_week=100, ai__retrain_interval=1000)
    late.run()
    assert late.world.public_ai.generation == 1 and late.world.public_ai.provenance[SYNTHETIC] == 0


def test_strike_withholds_content_and_lowers_ai_quality():
    base = run_scenario(small(), seed=5).timeseries
    strike = run_scenario(small(leverage__a__group="all", leverage__a__fraction=0.99),
                          seed=5).timeseries
    after = strike.week >= 60
    assert strike.withheld_share[after].min() > 0.9
    assert strike.ai_quality[after].mean() < base.ai_quality[after].mean()


def test_attribution_sends_readers_back():
    plain = run_scenario(small(ai__lookup_convenience=3.0), seed=6).timeseries
    cited = run_scenario(small(ai__lookup_convenience=3.0, attribution__share=1.0,
                               attribution__click_rate=0.5), seed=6).timeseries
    late = plain.week >= 80
    assert cited.visits_qa[late].mean() > plain.visits_qa[late].mean()


def test_concentration_is_heavy_tailed():
    ts = run_scenario(small(population__size=5000), seed=7).timeseries
    assert ts.top1_share.mean() > 0.1           # 1% of contributors do >10x their share
    assert ts.ever_contributed_share.iloc[-1] < 0.5


def test_without_churn_everyone_who_can_join_starts_as_a_contributor():
    # With no churn a contributing spell never ends, so the steady state is "all who can
    # join"; the formula's 0/0 used to make that nobody.
    model = EcosystemModel(small(contributors__base_churn=0.0), seed=3)
    with_churn = EcosystemModel(small(), seed=3)
    assert model.world.people.contributor.mean() > with_churn.world.people.contributor.mean() > 0

"""Forked runs: a shared history run once gives exactly the runs made one by one."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from ecosim import EcosystemModel, run_scenario
from ecosim.experiments.run import run_family
from ecosim.model.forking import parting_week
from ecosim.model.mechanisms import WEEK
from ecosim.model.reference import ReferenceEcosystemModel
from ecosim.model.schedule import REGISTRY

from .conftest import small

RELEASED_LATE = dict(ai__launch_week=120, public_ai__enabled=True, public_ai__launch_week=130,
                     licensing__fee=1.0, attribution__share=0.5, synthetic__post_share=0.3)


def _state(world) -> bytes:
    return pickle.dumps(world)


@pytest.mark.parametrize("key", [k for k in WEEK if REGISTRY[k].card.from_release])
def test_a_mechanism_said_to_wait_for_the_release_changes_nothing_before_it(key):
    model = EcosystemModel(small(**RELEASED_LATE), seed=3)
    for _ in range(60):  # recorded weeks, well before the release in week 120
        model.step()
    model.world.flows.reset()
    for mechanism in model.schedule:  # the week so far, up to this mechanism
        if mechanism.key == key:
            break
        model.run_mechanism(mechanism)
    before, stream = _state(model.world), copy.deepcopy(model.streams[key])
    REGISTRY[key](model.world, model.p, model.streams[key])
    assert _state(model.world) == before, f"{key} changed the world before the release"
    assert model.streams[key].bit_generator.state == stream.bit_generator.state, (
        f"{key} drew random numbers before the release")


VARIANTS = {
    "no AI": {"ai.enabled": False},
    "replace": {"synthetic.post_share": 0.5, "synthetic.training": "replace",
                "ai.retrain_interval": 13},
    "source choice off": {"mechanisms.source_choice": False},
    "gatekeeping off": {"mechanisms.gatekeeping": False},
    "gatekeeping off, no AI": {"mechanisms.gatekeeping": False, "ai.enabled": False},
    "public AI": {"public_ai.enabled": True, "public_ai.launch_week": 70},
    "shorter": {"run.weeks": 100},
    "regime threshold": {"regime.collapse_below": 0.6},
    "other world": {"contributors.base_churn": 0.006},
}


def test_a_family_of_runs_gives_the_runs_made_one_by_one():
    base = small(**{"synthetic.detection": 0.2})
    scenarios = [base] + [base.with_values(v) for v in VARIANTS.values()]
    family = run_family(scenarios, seed=11)
    alone = [run_scenario(sc, seed=11) for sc in scenarios]
    for label, f, a in zip(["base", *VARIANTS], family, alone, strict=True):
        assert f.manifest["output_sha256"] == a.manifest["output_sha256"], label
        assert f.regime == a.regime, label
    forked = {label: f.manifest.get("forked_at_week") for label, f
              in zip(["base", *VARIANTS], family, strict=True)}
    assert forked["base"] is None and forked["other world"] is None
    assert forked["no AI"] == forked["replace"] == forked["source choice off"] == 52
    assert forked["gatekeeping off"] is None  # shares not a single week
    assert forked["gatekeeping off, no AI"] == 52  # forks from "gatekeeping off"
    assert forked["public AI"] == 52 and forked["shorter"] == 100
    assert forked["regime threshold"] == 156  # nothing differs while it runs


def test_parting_week_reads_what_each_key_touches():
    base = small()
    p = base.params

    def part(**changes):
        return parting_week(p, base.with_values(
            {k.replace("__", "."): v for k, v in changes.items()}).params)

    assert part(run__seed=1) is None and part(population__size=1000) is None
    assert part(ai__enabled=False) == 52 and part(ai__launch_week=80) == 52
    assert part(ai__launch_week=30) == 30  # the earlier release of the two
    assert part(demand__ask_propensity=0.5) == -52  # read from the first week
    assert part(meta__name="x") == part(run__start_date="2020-01-06") == 156
    assert part(run__weeks=120) == 120
    none = base.with_values({"ai.enabled": False})
    assert parting_week(none.params, none.with_values({"ai.capability": 0.1}).params) == 156


def test_the_same_scenario_object_can_be_given_twice():
    sc = small()
    twice = run_family([sc, sc])
    assert twice[0].manifest["output_sha256"] == twice[1].manifest["output_sha256"]
    assert twice[1].manifest["forked_at_week"] == 156


def test_fork_refuses_a_run_whose_history_already_differs():
    model = EcosystemModel(small(run__seed=1))
    for _ in range(60):
        model.step()
    with pytest.raises(ValueError, match="part ways in week 52"):
        model.fork(small(run__seed=1, ai__enabled=False))
    with pytest.raises(ValueError, match="differ from the start"):
        model.fork(small(run__seed=2))
    twin = model.fork(small(run__seed=1, regime__final_weeks=10))
    twin.step()
    assert twin.week == model.week + 1 and np.isfinite(twin.record["questions"])


def test_the_reference_engine_does_not_fork():
    model = ReferenceEcosystemModel(small(population__size=200, run__weeks=5), seed=1)
    with pytest.raises(NotImplementedError):
        model.fork(small(population__size=200, run__weeks=5, ai__enabled=False))

"""The STIE registry: every card complete, its citations real, and its claims true."""

from __future__ import annotations

import inspect
import re

import pytest

from ecosim import SCHEMA, EcosystemModel
from ecosim import mechanisms as mech_pkg
from ecosim.evidence import EVIDENCE
from ecosim.mechanisms import WEEKLY_ORDER
from ecosim.registry import REGISTRY, RULES
from ecosim.schema import Params

from .conftest import ROOT, small

CARDS = [m.card for m in REGISTRY.values()]
# Topic-level halves of mechanisms that both engines call (their mechanism's card covers them).
SHARED_STEPS = {"update_reputation", "settle_contributions"}
SHARED_EVIDENCE = ROOT.parent / "shared" / "EVIDENCE.md"
SHIPPED_EVIDENCE = ROOT / "docs" / "evidence.md"


def test_registry_and_weekly_order_agree():
    assert sorted(WEEKLY_ORDER) == sorted(REGISTRY)
    assert len(WEEKLY_ORDER) == len(set(WEEKLY_ORDER))


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.key)
def test_card_is_complete(card):
    assert card.summary.strip() and card.intent.strip()
    assert card.evidence, f"{card.key} cites no evidence"
    for cite in card.evidence:
        assert cite.key in EVIDENCE, cite.key
        assert cite.use.strip()
    for target in card.targets:
        assert target.startswith("T-") and target in EVIDENCE, target
    for key in card.parameters:
        assert key in SCHEMA, key
    assert f"mechanisms.{card.key}" in SCHEMA


def test_evidence_index_matches_the_shipped_evidence_file():
    text = SHIPPED_EVIDENCE.read_text()
    keys = set(re.findall(r"^\| ((?:T|E)-[\w-]+) \|", text, re.M))
    assert keys == set(EVIDENCE)
    for key, source in EVIDENCE.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| {key} |"))
        assert row.rstrip(" |").split("|")[-1].strip().startswith(source.tier), key


def test_shipped_evidence_file_is_the_shared_one():
    # docs/evidence.md is a copy of the workspace's shared/EVIDENCE.md, so that users of a
    # checkout can look up the keys the cards cite. Compared when the original is present.
    if not SHARED_EVIDENCE.exists():
        pytest.skip("shared/EVIDENCE.md is not beside this checkout (nothing to compare)")
    assert SHIPPED_EVIDENCE.read_text() == SHARED_EVIDENCE.read_text(), (
        "docs/evidence.md differs from shared/EVIDENCE.md: copy it again")


def test_every_public_function_in_a_family_module_is_a_mechanism_or_a_rule():
    for module in (mech_pkg.ai, mech_pkg.contribution, mech_pkg.demand, mech_pkg.knowledge,
                   mech_pkg.leverage):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                assert name in REGISTRY or name in RULES or name in SHARED_STEPS, (
                    f"{module.__name__}.{name} has no card")


class RecordingParams(Params):
    """Params that remember which keys were read."""

    def __init__(self, values):
        super().__init__(values)
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def _reads_per_mechanism() -> dict[str, set[str]]:
    scenario = small(synthetic__detection=0.2, attribution__share=0.5,
                     leverage__a__group="core", leverage__a__fraction=0.5,
                     leverage__a__topics="popular",
                     leverage__b__group="occasional", leverage__b__fraction=0.5,
                     leverage__b__action="redirect", licensing__fee=1.0,
                     public_ai__enabled=True, public_ai__launch_week=52,
                     ai__generation2_week=70, ai__generation3_week=80)
    model = EcosystemModel(scenario, seed=1)
    for _ in range(40):  # just before the launch (week 52)
        model.step()
    reads: dict[str, set[str]] = {key: set() for key in WEEKLY_ORDER}
    for _ in range(50):  # through the launch and a retraining
        model.flows.reset()
        for ai in model.ais:
            ai.step()
        for key in WEEKLY_ORDER:
            recording = RecordingParams(model.p)
            saved, model.p = model.p, recording
            REGISTRY[key](model, recording, model.streams[key])
            model.p = saved
            reads[key] |= recording.read
        model._end_week()
        model.week += 1
    return reads


READS = _reads_per_mechanism()


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.key)
def test_card_lists_exactly_the_parameters_the_mechanism_reads(card):
    assert READS[card.key] == set(card.parameters), card.key


@pytest.mark.parametrize("key", WEEKLY_ORDER)
def test_model_runs_with_each_mechanism_switched_off(key):
    model = EcosystemModel(small(**{f"mechanisms__{key}": False}), seed=2)
    model.run()
    ts = model.datacollector.get_model_vars_dataframe()
    assert len(ts) == 156 and ts.notna().all().all()
    assert key not in model.order

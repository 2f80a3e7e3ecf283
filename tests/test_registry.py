"""The STIE registry: every card complete, its citations real, and its claims true."""

from __future__ import annotations

import ast
import inspect
import re

import pytest

from ecosim import SCHEMA, EcosystemModel
from ecosim.model import mechanisms as mech_pkg
from ecosim.model import reference
from ecosim.model.mechanisms import WEEK
from ecosim.model.people import People
from ecosim.model.rules import RULES
from ecosim.model.schedule import REGISTRY, SCALES, parameters_read
from ecosim.model.topics import Topics
from ecosim.model.world import build_world
from ecosim.stie.evidence import EVIDENCE

from .conftest import ROOT, small

CARDS = [m.card for m in REGISTRY.values()]
# Topic-level halves of person-level mechanisms that both engines call (their mechanism's
# card covers them).
SHARED_STEPS = {"update_reputation", "record_need_rates", "tally_questions",
                "settle_contributions", "recruitment_conditions"}
SHARED_EVIDENCE = ROOT.parent / "shared" / "EVIDENCE.md"
SHIPPED_EVIDENCE = ROOT / "docs" / "evidence.md"
# Keys of the run itself and of the classification, read outside the mechanisms.
FRAMING = ("run.", "meta.", "regime.", "mechanisms.")


def test_registry_and_the_week_agree():
    assert sorted(WEEK) == sorted(REGISTRY)
    assert len(WEEK) == len(set(WEEK))


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.key)
def test_card_is_complete(card):
    assert card.summary.strip() and card.intent.strip()
    assert card.evidence, f"{card.key} cites no evidence"
    for cite in card.evidence:
        assert cite.key in EVIDENCE, cite.key
        assert cite.use.strip()
    for target in card.targets:
        assert target.startswith(("T-", "O-")) and target in EVIDENCE, target
    for key in card.parameters:
        assert key in SCHEMA, key
    assert f"mechanisms.{card.key}" in SCHEMA
    assert card.scale in SCALES
    assert card.family == card.fn.__module__.rsplit(".", 1)[-1]


def test_evidence_index_matches_the_shipped_evidence_file():
    text = SHIPPED_EVIDENCE.read_text()
    keys = set(re.findall(r"^\| ((?:T|E|O)-[\w-]+) \|", text, re.M))
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
    for module in (mech_pkg.ai, mech_pkg.blocks, mech_pkg.community, mech_pkg.contribution,
                   mech_pkg.demand,
                   mech_pkg.knowledge, mech_pkg.leverage):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                assert name in REGISTRY or name in RULES or name in SHARED_STEPS, (
                    f"{module.__name__}.{name} has no card")


class Recorder:
    """Stands in for the parameters and remembers which keys are read."""

    def __init__(self, params, prefix: str = "", read: set[str] | None = None):
        self._params, self._prefix = params, prefix
        self.read = set() if read is None else read

    def __getattr__(self, name: str):
        key = self._prefix + name
        if key in SCHEMA:
            self.read.add(key)
            return self._params[key]
        if any(k.startswith(key + ".") for k in SCHEMA):
            return Recorder(self._params, key + ".", self.read)
        raise AttributeError(key)

    def __getitem__(self, key: str):
        self.read.add(key)
        return self._params[key]


def _reads_per_mechanism() -> dict[str, set[str]]:
    scenario = small(synthetic__detection=0.2, attribution__share=0.5,
                     leverage__a__group="core", leverage__a__fraction=0.5,
                     leverage__a__topics="popular",
                     leverage__b__group="occasional", leverage__b__fraction=0.5,
                     leverage__b__action="redirect", licensing__fee=1.0,
                     public_ai__enabled=True, public_ai__launch_week=52,
                     ai__generation2_week=70, ai__generation3_week=80,
                     block__share=0.3, block__start_week=30, moderation__policy="ban",
                     moderation__start_week=60, demand__other_sources_growth=0.05)
    model = EcosystemModel(scenario, seed=1)
    for _ in range(40):  # just before the launch (week 52)
        model.step()
    reads: dict[str, set[str]] = {key: set() for key in WEEK}

    def recording(mechanism):
        recorder = Recorder(model.p)
        mechanism(model.world, recorder, model.streams[mechanism.key])
        reads[mechanism.key] |= recorder.read

    model.run_mechanism = recording  # the model's own schedule, each mechanism recorded
    for _ in range(50):  # through the launch, two capability steps and retrainings
        model.step()
    return reads


READS = _reads_per_mechanism()


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.key)
def test_card_lists_exactly_the_parameters_the_mechanism_reads(card):
    # The card's list is read off the code; a run must read exactly those keys.
    assert READS[card.key] == set(card.parameters), card.key


def test_every_model_key_is_read_by_a_mechanism_or_the_builders():
    read = {k for card in CARDS for k in card.parameters}
    read |= set(parameters_read(build_world)) | set(parameters_read(Topics.__init__))
    read |= set(parameters_read(People.__init__))
    unread = [k for k in SCHEMA if k not in read and not k.startswith(FRAMING)]
    assert not unread, f"keys nothing reads: {unread}"


def _parameter_chains(tree: ast.AST) -> list[tuple[int, str]]:
    """Every ``p.a.b...`` attribute chain in a module, with its line."""
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            parts, base = [], node
            while isinstance(base, ast.Attribute):
                parts.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id == "p" and len(parts) >= 2:
                found.append((node.lineno, ".".join(reversed(parts))))
    return found


def test_every_parameter_read_in_the_code_names_a_declared_key():
    # A misspelt key in a branch no run takes is caught here, not in a user's run.
    families = {k.split(".")[0] for k in SCHEMA}
    bad = []
    for path in sorted((ROOT / "ecosim").rglob("*.py")):
        for line, chain in _parameter_chains(ast.parse(path.read_text())):
            parts = chain.split(".")
            known = any(".".join(parts[:n]) in SCHEMA
                        or any(k.startswith(".".join(parts[:n]) + ".") for k in SCHEMA)
                        for n in range(2, len(parts) + 1))
            if parts[0] not in families or not known:
                bad.append(f"{path.relative_to(ROOT)}:{line}: p.{chain}")
    assert not bad, "unknown parameters: " + "; ".join(bad)


@pytest.mark.parametrize("key", WEEK)
def test_model_runs_with_each_mechanism_switched_off(key):
    model = EcosystemModel(small(**{f"mechanisms__{key}": False}), seed=2)
    model.run()
    ts = model.datacollector.get_model_vars_dataframe()
    assert len(ts) == 156 and ts.notna().all().all()
    assert key not in [m.key for m in model.schedule]


def test_reference_engine_has_a_phase_for_every_person_level_mechanism():
    people_level = {k for k in WEEK if REGISTRY[k].card.scale == "people"}
    assert set(reference.PER_AGENT) == people_level


def test_reference_engine_refuses_a_person_level_mechanism_it_cannot_run(monkeypatch):
    monkeypatch.delitem(reference.PER_AGENT, "contributor_churn")
    with pytest.raises(NotImplementedError, match="contributor_churn"):
        reference.ReferenceEcosystemModel(small(population__size=100), seed=1)

"""Every mechanism inside its evidence: the studies' settings re-run in the model.

Each study of :mod:`ecosim.experiments.studies` reproduces a published setting (an audience
block, a healthy platform's answered share, newcomer survival, the adoption survey, the
first AI's accuracy, participation inequality) and must land inside the figure: its 90%
interval over replicates inside the accepted range. The dated scenarios share one AI: what
differs between them is the platforms and their people.
"""

from __future__ import annotations

import pytest

from ecosim.experiments import studies
from ecosim.model.params import SCHEMA
from ecosim.model.scenario_files import read_params
from ecosim.stie.evidence import EVIDENCE

from .conftest import SCENARIOS


KNOWN_MISSES = {("T-concentration", "stackoverflow", "share of the year's")}
"""Studies the model does not yet pass, reported as failing in docs/ODD.md and on issue 12:
the Q&A scenario's top 1% make 0.77 of a year's answers (90% interval 0.73-0.81 over eight
seeds at 200,000 people), a little above the range the figures span (55% on Wikipedia,
74.7% in health communities). Each is checked to still miss, so that a change which fixes
it shows here and the entry is removed."""


def _miss(r) -> tuple[str, str, str]:
    return (r.key, r.setting.split()[0], r.measured[:len("share of the year's")])


@pytest.mark.parametrize("key", list(studies.STUDIES))
def test_the_model_lands_inside_the_published_figure(key):
    results = studies.STUDIES[key]()
    results = results if isinstance(results, list) else [results]
    for r in results:
        assert r.key in EVIDENCE and r.low < r.high and len(r.values) == studies.REPLICATES
        if _miss(r) in KNOWN_MISSES:
            assert not r.passed, f"{r.key} ({r.setting}) passes now: remove it from KNOWN_MISSES"
            continue
        assert r.passed, (f"{r.key} ({r.setting}): {r.value:+.3f}, 90% interval "
                          f"[{r.interval[0]:+.3f}, {r.interval[1]:+.3f}] not inside "
                          f"[{r.low}, {r.high}] ({r.figure})")


def test_a_study_fails_when_the_mechanism_is_outside_its_evidence():
    # Contributors who do not care about their audience: a block changes little.
    studies.EXTRA[:] = ["contributors.audience_elasticity=0.1"]
    try:
        half, most = studies.zhang_zhu(replicates=2)
    finally:
        studies.EXTRA.clear()
    assert half.passed and not most.passed  # -42.8% is out of reach


def test_the_dated_scenarios_share_one_ai():
    ai_keys = [k for k in SCHEMA if k.startswith("ai.")]
    so = read_params(SCENARIOS / "stackoverflow.toml")
    wiki = read_params(SCENARIOS / "wikipedia.toml")
    assert {k: so[k] for k in ai_keys} == {k: wiki[k] for k in ai_keys}
    differing = {k for k in SCHEMA if so[k] != wiki[k]}
    assert differing and not any(k.startswith(("ai.", "public_ai.")) for k in differing)

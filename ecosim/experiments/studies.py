"""The studies behind the mechanisms, re-run in the model: is each mechanism inside its
evidence?

Where a published figure exists for what a mechanism does, the study's setting is
reproduced in the model and the model's answer is compared with the figure:

- E-zhang-zhu: part of the encyclopedia's readers cut off (the 2005 block of Wikipedia in
  mainland China), contributions measured against the same world without the block;
- E-mamykina: the share of questions a healthy Q&A platform answers;
- E-retention: the share of new contributors still contributing 300 days after they
  started;
- E-devsurvey: the share of developers using AI tools half a year and a year and a half
  after the release;
- E-kabir: how often the first AI's answers to Q&A questions were right;
- T-concentration: how unequal participation is (a calibration check of the population,
  which the AI does not make: it moved here from the targets).

Each study is a :class:`Study`: what is run, what is measured, the figure and the accepted
range, over replicate seeds with a 90% interval. A study passes when the interval lies
inside the range. ``tests/test_evidence.py`` runs them on the shipped scenarios; ``ecosim
docs`` writes the table into docs/ODD.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ecosim.experiments.designs import replicate_seeds
from ecosim.experiments.ensemble import run_ensemble
from ecosim.experiments.validate import interval90
from ecosim.model.model import EcosystemModel
from ecosim.model.scenario import Scenario, load_scenario
from ecosim.stie.targets import inside

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
POPULATION = 5000
LARGE_POPULATION = 50_000
"""People in the audience-block and retention studies: at 5,000 people a handful of very
active contributors (who feel the audience least) make most of the edits, and what one of
them does moves the whole; at 50,000 they are many enough to average out, as in a
language edition of the encyclopedia."""
REPLICATES = 4
CONCENTRATION_POPULATION = 200_000
"""People in the participation-inequality study: the top 1% of a year's contributors are
then some 80 people. At 50,000 they are 20, and one extraordinarily motivated person moves
their share between 0.44 and 0.96 from seed to seed (measured over six seeds)."""
BLOCK_WEEK = 150
"""Week the audience block starts in the E-zhang-zhu study (before any AI)."""
SURVIVAL_WEEKS = 43
"""300 days, in weeks."""


@dataclass(frozen=True)
class StudyResult:
    """One study's answer in the model.

    Attributes:
        key: Evidence key.
        setting: What was run, in words.
        measured: What the values are.
        figure: The published figure, in words.
        low: Smallest accepted value.
        high: Largest accepted value.
        values: Per-replicate values.
        interval: 90% interval of the mean.
    """

    key: str
    setting: str
    measured: str
    figure: str
    low: float
    high: float
    values: tuple[float, ...]
    interval: tuple[float, float]

    @property
    def value(self) -> float:
        """The mean over replicates."""
        return float(np.mean(self.values))

    @property
    def passed(self) -> bool:
        """True when the 90% interval lies inside the accepted range."""
        return inside(self.interval, self.low, self.high)

    def record(self) -> dict:
        """A JSON-ready summary."""
        return {"key": self.key, "setting": self.setting, "measured": self.measured,
                "figure": self.figure, "range": [self.low, self.high],
                "value": self.value, "interval": list(self.interval),
                "values": list(self.values), "passed": self.passed}


def _scenario(name: str, sets: Sequence[str] = (), population: int = POPULATION
              ) -> Scenario:
    return load_scenario(SCENARIOS / f"{name}.toml",
                         [f"population.size={population}", *EXTRA, *sets])


EXTRA: list[str] = []
"""``--set`` overrides applied to every study (for exploring what a change does)."""


def _seeded(scenario: Scenario, seeds: Sequence[int]) -> list[Scenario]:
    return [scenario.with_values({"run.seed": s}) for s in seeds]


def _replicates(scenario: Scenario, replicates: int) -> list[pd.DataFrame]:
    """The scenario's time series at each of ``replicates`` seeds spawned from its own."""
    seeds = replicate_seeds(scenario.params.run.seed, replicates)
    return [ts for (ts,) in run_ensemble([[s] for s in _seeded(scenario, seeds)])]


def _result(key: str, setting: str, measured: str, figure: str, low: float, high: float,
            values: Sequence[float]) -> StudyResult:
    values = tuple(float(v) for v in values)
    return StudyResult(key, setting, measured, figure, low, high, values, interval90(values))


def audience_block(share: float, replicates: int = REPLICATES) -> list[float]:
    """Relative change of encyclopedia edits in the year after a block of ``share`` of its
    readers (weeks 13-52 after it starts), against the same seeds without the block."""
    base = _scenario("wikipedia", ["ai.enabled=false", f"run.weeks={BLOCK_WEEK + 52}"],
                     LARGE_POPULATION)
    blocked = base.with_values({"block.platform": "wiki", "block.share": share,
                                "block.start_week": BLOCK_WEEK})
    seeds = replicate_seeds(base.params.run.seed, replicates)
    families = [[a, b] for a, b in zip(_seeded(base, seeds), _seeded(blocked, seeds),
                                       strict=True)]
    changes = []
    for plain, cut in run_ensemble(families):
        weeks = (plain.week >= BLOCK_WEEK + 13) & (plain.week < BLOCK_WEEK + 52)
        changes.append(cut.edits[weeks].mean() / plain.edits[weeks].mean() - 1.0)
    return changes


def zhang_zhu(replicates: int = REPLICATES) -> list[StudyResult]:
    """E-zhang-zhu: the fall of contributions when a large part of the audience is cut off.

    The share of readers the 2005 block cut off is not in the evidence file, so the model
    is checked on both sides of it: with half the readers blocked contributions must fall
    less than 42.8%, with four fifths blocked more.
    """
    figure = "contributions of non-blocked contributors fell 42.8%"
    setting = ("encyclopedia scenario without AI; from week {w} {s} of its readers blocked; "
               "edits in weeks 13-52 of the block against the same seeds unblocked")
    half = audience_block(0.5, replicates)
    most = audience_block(0.8, replicates)
    return [
        _result("E-zhang-zhu", setting.format(w=BLOCK_WEEK, s="half"),
                "relative change of edits", figure + " (half blocked: less than that)",
                -0.428, 0.0, half),
        _result("E-zhang-zhu", setting.format(w=BLOCK_WEEK, s="four fifths"),
                "relative change of edits", figure + " (four fifths blocked: more)",
                -1.0, -0.428, most),
    ]


def mamykina(replicates: int = REPLICATES) -> StudyResult:
    """E-mamykina: a healthy Q&A platform answers 92% of its questions."""
    base = _scenario("stackoverflow", ["ai.enabled=false"])
    launch = base.params.ai.launch_week
    tables = _replicates(base.with_values({"run.weeks": launch}), replicates)
    values = [ts.answered_share[ts.week >= launch - 52].mean() for ts in tables]
    return _result("E-mamykina", "Q&A scenario without AI, the year before the launch date",
                   "share of questions answered", "92% of questions answered (2008-10)",
                   0.89, 0.95, values)


def newcomer_survival(name: str, seeds: Sequence[int]) -> list[float]:
    """Share of each replicate's new contributors of one year (weeks 0-51, whether or not
    the gatekeepers let them stay) who are still contributing, without a break, 300 days
    after they started (no AI)."""
    out = []
    base = _scenario(name, ["ai.enabled=false", "run.weeks=100"], LARGE_POPULATION)
    for scenario in _seeded(base, seeds):
        model = EcosystemModel(scenario)
        cohorts: list[np.ndarray] = []
        survived = started = 0
        while model.running:
            model.step()
            week = model.week - 1  # the week just recorded
            if week < 52:
                cohorts.append(model.world.flows.recruits.copy())
            due = week - SURVIVAL_WEEKS
            if 0 <= due < len(cohorts):
                cohort = cohorts[due]
                people = model.world.people
                still = people.contributor[cohort] & (people.tenure[cohort] >= SURVIVAL_WEEKS)
                survived += int(still.sum())
                started += len(cohort)
        out.append(survived / started if started else float("nan"))
    return out


def retention(replicates: int = REPLICATES) -> list[StudyResult]:
    """E-retention: 25.9% (2005) to 7.2% (2009) of new editors still edit after 300 days."""
    results = []
    for name in ("wikipedia", "stackoverflow"):
        seeds = replicate_seeds(_scenario(name).params.run.seed, replicates)
        results.append(_result(
            "E-retention", f"{name} scenario without AI: everyone who started contributing "
            "in the first recorded year", "share still contributing 300 days later",
            "25.9% (2005) to 7.2% (2009) of new editors still edit after 300 days",
            0.072, 0.259, newcomer_survival(name, seeds)))
    return results


def devsurvey(replicates: int = REPLICATES) -> list[StudyResult]:
    """E-devsurvey: 44% of developers used AI tools in 2023, 62% in 2024."""
    base = _scenario("stackoverflow")
    launch = base.params.ai.launch_week
    tables = _replicates(base.with_values({"run.weeks": launch + 79}), replicates)
    results = []
    for weeks, share, year in ((26, 0.44, 2023), (78, 0.62, 2024)):
        values = [ts.ai_adopters[ts.week == launch + weeks].iloc[0] for ts in tables]
        results.append(_result(
            "E-devsurvey", f"Q&A scenario, {weeks} weeks after the release (the {year} "
            "survey)", "share of people using the AI", f"{share:.0%} used AI tools in {year}",
            share - 0.05, share + 0.05, values))
    return results


def kabir(replicates: int = REPLICATES) -> StudyResult:
    """E-kabir: 52% of the first AI's answers to 517 Q&A questions had incorrect
    information, so its answer quality on how-to needs was about 0.48."""
    base = _scenario("stackoverflow")
    launch = base.params.ai.launch_week
    tables = _replicates(base.with_values({"run.weeks": launch + 13}), replicates)
    values = [ts.ai_quality_served[ts.week >= launch].mean() for ts in tables]
    return _result("E-kabir", "Q&A scenario, the first 13 weeks after the release (before "
                   "the next generation)", "AI answer quality weighted by demand",
                   "52% of answers to 517 questions had incorrect information (quality 0.48)",
                   0.36, 0.60, values)


def top_share(contributed: np.ndarray, top: float = 0.01) -> float:
    """Share of all contributions made by the top ``top`` of the people who contributed."""
    made = np.sort(contributed[contributed > 0])[::-1]
    if len(made) == 0:
        return float("nan")
    return float(made[: max(1, round(top * len(made)))].sum() / made.sum())


def concentration(replicates: int = REPLICATES) -> list[StudyResult]:
    """T-concentration, a calibration check of the population: the top 1% of contributors
    make most contributions, and fewer than a quarter of people ever contribute.

    Counted as the published figures count: everyone who contributed in a period (a year,
    no AI) and what each made over it, at 50,000 people (at a few thousand the top 1% are
    a handful of people, and their share is mostly luck).
    """
    results = []
    for name in ("stackoverflow", "wikipedia"):
        base = _scenario(name, ["ai.enabled=false", "run.weeks=52"],
                         CONCENTRATION_POPULATION)
        shares, ever = [], []
        for scenario in _seeded(base, replicate_seeds(base.params.run.seed, replicates)):
            model = EcosystemModel(scenario)
            start = model.world.people.contributed.copy()
            model.run()
            shares.append(top_share(model.world.people.contributed - start))
            ever.append(model.world.people.ever_count / model.world.people.size)
        results.append(_result(
            "T-concentration", f"{name} scenario without AI, one year",
            "share of the year's contributions made by the top 1% of those who contributed",
            "top 1% of Wikipedia editors make 55% of edits; 74.7% in health communities",
            0.50, 0.80, shares))
        results.append(_result(
            "T-concentration", f"{name} scenario without AI, one year",
            "share of people who ever contributed (after the burn-in and a year)",
            "fewer than 25% of users ever post", 0.0, 0.25, ever))
    return results


STUDIES: dict[str, Callable[..., StudyResult | list[StudyResult]]] = {
    "E-zhang-zhu": zhang_zhu,
    "E-mamykina": mamykina,
    "E-retention": retention,
    "E-devsurvey": devsurvey,
    "E-kabir": kabir,
    "T-concentration": concentration,
}
"""Every study by evidence key."""


def run_studies(replicates: int = REPLICATES) -> list[StudyResult]:
    """Every study, in order."""
    out: list[StudyResult] = []
    for study in STUDIES.values():
        result = study(replicates)
        out.extend(result if isinstance(result, list) else [result])
    return out

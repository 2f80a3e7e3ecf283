"""Targets: the observed patterns ecosim must reproduce, as executable checks.

A target turns model output into numbers and says whether they fall in an accepted range
taken from the evidence (docs/evidence.md, keys ``T-...``). Most targets compare two
*arms* of a paired experiment run with the same seed (common random numbers):

- ``ai``: the scenario as written;
- ``no_ai``: the same scenario with ``ai.enabled = false`` (the counterfactual world);
- ``replace`` / ``accumulate``: the scenario with a large share of AI-written posts and
  frequent retraining, training on replaced or on accumulated data (model collapse).

A target's ``measure`` is a pure function of one replicate's time series per arm (pandas
tables with the columns of :mod:`ecosim.model.observables`) and of the parameters; it returns a
dict of named quantities, among them ``"value"``. Over replicates each quantity gets its
mean and a 90% interval; the target passes only when the interval of the value lies inside
``[low, high]`` and the interval of every extra :class:`Check` inside its own range, so a
mean that passes by noise does not. Ranges are centred on the published point estimate
(``point``) with a stated tolerance, or, for a qualitative pattern, ask for its direction
by a margin. Because ``measure`` only reads tables, every target can be tested on made-up
series whose answer is known (``tests/test_targets.py``).

Every target names the null it must reject (:data:`NULLS`): the same world without the AI
(the pattern is the AI's doing), the same world with the loop frozen (the pattern needs the
loop, not only substitution), or, for model collapse, the same world without AI-written
posts. ``ecosim validate --null NAME`` runs the targets in a null world; a null is rejected
when the target fails there. T-wiki-modest's 2025 figure lies after the calibration window:
it is held out, never fitted. T-concentration is a calibration check of the population,
not a pattern the AI makes: it is checked with the studies behind the mechanisms
(:mod:`ecosim.experiments.studies`), at a population where the top 1% are many people.

T-tipping (Acemoglu, Kong & Ozdaglar) is tier C, a theory result in a working paper: it is
a plausibility check for sweeps, never a target, so it has no entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.params import Params
from ecosim.stie.evidence import EVIDENCE

if TYPE_CHECKING:
    import pandas as pd

Runs = Mapping[str, "pd.DataFrame"]
"""One replicate's time series by arm name."""

ARMS: dict[str, dict[str, object]] = {
    "ai": {},
    "no_ai": {"ai.enabled": False},
    "replace": {"synthetic.post_share": 0.99, "synthetic.training": "replace",
                "ai.retrain_interval": 13, "ai.adoption_ceiling": 1.0, "ai.innovation": 1.0,
                "moderation.policy": "allow", "ai.generation2_week": 100_000,
                "ai.generation3_week": 100_000},
    "accumulate": {"synthetic.post_share": 0.99, "synthetic.training": "accumulate",
                   "ai.retrain_interval": 13, "ai.adoption_ceiling": 1.0,
                   "ai.innovation": 1.0, "moderation.policy": "allow",
                   "ai.generation2_week": 100_000, "ai.generation3_week": 100_000},
}
"""Scenario overrides of each arm. The synthetic arms are the setting of the model-collapse
papers: almost everything new is AI-written (everyone uses the AI within weeks, 99% of new
posts are the AI's, and the platform keeps them), and the AI retrains every 13 weeks, one
generation like the next (no capability steps), so that a dated run (about three
years after the launch) holds a dozen model generations."""

ANY = "*"

NULLS: dict[str, str] = {
    "no_ai": "the same world without the AI in every arm (ai.enabled = false): the pattern "
             "must be the AI's doing",
    "substitution": "the same world with the loop frozen from the launch "
                    "(loop.frozen_week = ai.launch_week, every arm): people substitute, "
                    "but contributors, the funnel and the AI's training data do not respond",
    "no_synthetic": "the same world without AI-written posts (mechanisms.synthetic_content "
                    "= false, every arm)",
}
"""The null worlds a target can be asked to reject."""


def null_overrides(null: str, p: Params) -> dict[str, object]:
    """The scenario changes of a null world (applied to every arm)."""
    if null == "no_ai":
        return {"ai.enabled": False, "public_ai.enabled": False}
    if null == "substitution":
        return {"loop.frozen_week": p.ai.launch_week}
    if null == "no_synthetic":
        return {"mechanisms.synthetic_content": False}
    raise KeyError(null)


@dataclass(frozen=True)
class Check:
    """An extra condition on a named quantity of a target's measurement.

    Attributes:
        name: Key in the dict the target's ``measure`` returns.
        low: Smallest accepted mean.
        high: Largest accepted mean.
        meaning: One line on what the condition says.
    """

    name: str
    low: float
    high: float
    meaning: str

    def judge(self, interval: tuple[float, float]) -> bool:
        """True when the 90% interval of the quantity lies inside the range."""
        return inside(interval, self.low, self.high)


@dataclass(frozen=True)
class Target:
    """One observed pattern as an executable check.

    Attributes:
        key: Key in docs/evidence.md (``T-...``).
        pattern: The pattern, in words.
        measured: What ``value`` is, exactly (windows, arms, columns).
        low: Smallest accepted value.
        high: Largest accepted value.
        why: Why this range (which figure, what tolerance).
        measure: ``measure(runs, p) -> dict`` with at least ``"value"``.
        arms: Arms the measure reads.
        applies_to: Scenario names (``meta.name``) the target applies to; ``"*"`` for any.
        checks: Extra conditions on other quantities of the measurement.
        proxy: Set when the model has no direct variable and the value is a proxy.
        horizon: Weeks after the AI launch the measure reads (None: the whole run); runs
            for targets that all have a horizon stop there.
        point: The published point estimate the range is centred on (None for a
            qualitative pattern, whose range asks for a direction).
        null: The null world (:data:`NULLS`) the target must reject; empty when it cannot
            reject one (a target that says something does not change).
        null_why: Why that null (or why none).
        kind: "pattern" (a published pattern the AI makes), "observed" (a point of an
            observed series inside the calibration window), "calibration" (a property of
            the population that the AI does not make) or "held-out" (the value is a figure
            after the calibration window: reported, never fitted; its checks may be).
    """

    key: str
    pattern: str
    measured: str
    low: float
    high: float
    why: str
    measure: Callable[[Runs, Params], dict[str, float]] = field(repr=False)
    arms: tuple[str, ...] = ("ai", "no_ai")
    applies_to: tuple[str, ...] = (ANY,)
    checks: tuple[Check, ...] = ()
    proxy: str = ""
    horizon: int | None = None
    point: float | None = None
    null: str = "no_ai"
    null_why: str = ""
    kind: str = "pattern"

    @property
    def tier(self) -> str:
        """Reliability tier of the evidence (A, B)."""
        return EVIDENCE[self.key].tier

    @property
    def source(self) -> str:
        """Short citation of the evidence."""
        return EVIDENCE[self.key].source

    def applies(self, scenario_name: str) -> bool:
        """Whether the target applies to a scenario of this name."""
        return ANY in self.applies_to or scenario_name in self.applies_to

    def judge(self, intervals: Mapping[str, tuple[float, float]]) -> bool:
        """Pass/fail from the 90% intervals of the measured quantities over replicates:
        the value's interval and every check's lie inside their ranges."""
        nan = (float("nan"), float("nan"))
        ok = inside(intervals.get("value", nan), self.low, self.high)
        return ok and all(c.judge(intervals.get(c.name, nan)) for c in self.checks)


def inside(interval: tuple[float, float], low: float, high: float) -> bool:
    lo, hi = interval
    return bool(np.isfinite(lo) and np.isfinite(hi) and low <= lo and hi <= high)


# -- helpers on time series ---------------------------------------------------------------


def window_mean(ts: pd.DataFrame, column: str, start: int, stop: int) -> float:
    """Mean of ``column`` over weeks ``start <= week < stop`` (NaN if none)."""
    rows = ts[(ts["week"] >= start) & (ts["week"] < stop)]
    return float(rows[column].mean()) if len(rows) else float("nan")


def gap(runs: Runs, column: str, start: int, stop: int, arm: str = "ai",
        base: str = "no_ai") -> float:
    """Relative difference of a window mean between two arms: arm / base - 1."""
    a, b = window_mean(runs[arm], column, start, stop), window_mean(runs[base], column,
                                                                     start, stop)
    return a / b - 1.0 if b > 0 else float("nan")


def year_mean(ts: pd.DataFrame, column: str, year: int) -> float:
    """Mean of ``column`` over the weeks whose date falls in a calendar year."""
    rows = ts[ts["date"].astype(str).str.startswith(f"{year}-")]
    return float(rows[column].mean()) if len(rows) else float("nan")


def _ratio(a: float, b: float) -> float:
    return a / b if b and np.isfinite(b) and b != 0 else float("nan")


# -- measures ------------------------------------------------------------------------------


def so_gap(runs: Runs, p: Params) -> dict[str, float]:
    """New questions 20-30 weeks after launch against the counterfactual."""
    launch = p.ai.launch_week
    value = gap(runs, "questions", launch + 20, launch + 30)
    early = gap(runs, "questions", launch, launch + 8)
    return {"value": value, "early_gap": early, "growth": value - early}


def so_visits(runs: Runs, p: Params) -> dict[str, float]:
    """Q&A visits 13-21 weeks after launch (about late March 2023) against the counterfactual."""
    launch = p.ai.launch_week
    return {"value": gap(runs, "visits_qa", launch + 13, launch + 21),
            "questions_gap": gap(runs, "questions", launch + 13, launch + 21)}


def traffic_lt_posts(runs: Runs, p: Params) -> dict[str, float]:
    """First-year fall of visits as a share of the first-year fall of questions."""
    launch = p.ai.launch_week
    visits = gap(runs, "visits_qa", launch, launch + 52)
    questions = gap(runs, "questions", launch, launch + 52)
    return {"value": _ratio(visits, questions), "visits_gap": visits,
            "questions_gap": questions}


def popular_topics(runs: Runs, p: Params) -> dict[str, float]:
    """Gap of the popular tenth of topics minus the gap of the other topics (first year)."""
    launch = p.ai.launch_week
    tables = {}
    for arm in ("ai", "no_ai"):
        ts = runs[arm]
        tables[arm] = ts.assign(questions_rest=ts["questions"] - ts["questions_popular"])
    lo, hi = launch + 26, launch + 52
    popular = gap(tables, "questions_popular", lo, hi)
    rest = gap(tables, "questions_rest", lo, hi)
    return {"value": popular - rest, "popular_gap": popular, "rest_gap": rest}


def no_quality_drop(runs: Runs, p: Params) -> dict[str, float]:
    """Mean quality of the Q&A posts in the first year, AI world / counterfactual - 1;
    beside it the difficulty of the questions that remain."""
    launch = p.ai.launch_week
    return {"value": gap(runs, "post_quality", launch, launch + 52),
            "difficulty_gap": gap(runs, "question_difficulty", launch, launch + 52)}


def wiki_modest(runs: Runs, p: Params) -> dict[str, float]:
    """Encyclopedia: no fall in 2023; 2025 against 2024, both against the counterfactual."""
    out = {}
    for column in ("visits_wiki", "edits"):
        a, b = year_mean(runs["ai"], column, 2023), year_mean(runs["no_ai"], column, 2023)
        out[f"{column}_2023_gap"] = _ratio(a, b) - 1.0
    a24, a25 = (year_mean(runs["ai"], "visits_wiki", y) for y in (2024, 2025))
    b24, b25 = (year_mean(runs["no_ai"], "visits_wiki", y) for y in (2024, 2025))
    out["value"] = _ratio(_ratio(a25, a24), _ratio(b25, b24)) - 1.0
    return out


def social_fabric(runs: Runs, p: Params) -> dict[str, float]:
    """Contributor gap of sparsely knit topics minus that of densely knit ones (last year)."""
    end = int(runs["ai"]["week"].max()) + 1
    sparse = gap(runs, "contributors_sparse", end - 52, end)
    cohesive = gap(runs, "contributors_cohesive", end - 52, end)
    return {"value": sparse - cohesive, "sparse_gap": sparse, "cohesive_gap": cohesive}


def core_stable(runs: Runs, p: Params) -> dict[str, float]:
    """Very-active-contributor gap minus active-contributor gap in the last year."""
    end = int(runs["ai"]["week"].max()) + 1
    core = gap(runs, "very_active_contributors", end - 52, end)
    active = gap(runs, "active_contributors", end - 52, end)
    return {"value": core - active, "core_gap": core, "active_gap": active}


def replace_vs_accumulate(runs: Runs, p: Params) -> dict[str, float]:
    """Growth of the collapse error late in the AI's life: from the second quarter of the
    weeks after the launch to the last quarter (means over each quarter)."""
    launch = p.ai.launch_week
    out = {}
    for arm in ("replace", "accumulate"):
        ts = runs[arm]
        err = ts.loc[ts["week"] >= launch, "collapse_error"].to_numpy(dtype=float)
        n = len(err)
        if n < 8:
            out[f"{arm}_late_growth"] = out[f"{arm}_final"] = float("nan")
            continue
        second, last = err[n // 4: n // 2].mean(), err[3 * n // 4:].mean()
        out[f"{arm}_final"] = float(last)
        out[f"{arm}_late_growth"] = float(last - second)
    out["replace_late_share"] = _ratio(out["replace_late_growth"], out["replace_final"])
    out["value"] = _ratio(out["accumulate_late_growth"], out["replace_late_growth"])
    return out


def so_trend(runs: Runs, p: Params) -> dict[str, float]:
    """Yearly change of new questions in the world without the AI, 2019 to 2022."""
    ts = runs["no_ai"]
    first, last = year_mean(ts, "questions", 2019), year_mean(ts, "questions", 2022)
    return {"value": _ratio(last, first) ** (1.0 / 3.0) - 1.0 if first > 0 else float("nan")}


def so_questions_2023(runs: Runs, p: Params) -> dict[str, float]:
    """New questions in 2023 against 2022, in the world with the AI."""
    ts = runs["ai"]
    return {"value": _ratio(year_mean(ts, "questions", 2023),
                            year_mean(ts, "questions", 2022)) - 1.0}


QA = ("stackoverflow",)
WIKI = ("wikipedia",)

TARGETS: dict[str, Target] = {t.key: t for t in (
    Target(
        "T-SO-gap",
        "After the AI launch new Q&A posts fall against a world without the AI; the gap grows "
        "over the first months.",
        "new questions in weeks 20-30 after the launch, AI world / counterfactual - 1; "
        "check: the gap is larger than in weeks 0-8 (it grows)",
        -0.35, -0.15,
        "about -25% within six months (tier B), growing from the early -16% (tier A): "
        "-25% +- 10 points, the tolerance spanning the early estimate's distance from it.",
        so_gap, applies_to=QA, horizon=30, point=-0.25,
        checks=(Check("growth", -1.0, -0.01, "the gap in weeks 20-30 is larger than in "
                      "weeks 0-8 (by at least a point): it grows over the first months"),),
        null_why="without the AI there is no gap",
    ),
    Target(
        "O-SO-trend",
        "The Q&A platform was shrinking before any AI: the world without the AI shrinks "
        "too.",
        "yearly change of new questions in the counterfactual world, 2019 to 2022 "
        "(geometric mean of the three years)",
        -0.09, -0.01,
        "2018 240,740 to 2022 196,603 questions a month (O-SO-questions, tier B): -4.9% a "
        "year, a span that nets out the 2020 lockdown spike and its reversal; +- 4 points "
        "for the single years' spread (-1.4% to -14.3%, O-SO-trend).",
        so_trend, applies_to=QA, horizon=5, point=-0.05, null="", kind="observed",
        null_why="a trend before any AI: the world without the AI is where it must hold",
    ),
    Target(
        "O-SO-questions",
        "New questions fell by more than a third in the AI's first year (2023 against "
        "2022).",
        "new questions in 2023 / new questions in 2022 - 1, in the world with the AI",
        -0.452, -0.292,
        "196,603 (2022) to 123,436 (2023) questions a month (O-SO-questions, tier B): "
        "-37.2%, +- 8 points for a ten-thousand-person world's noise and the counts' "
        "source.",
        so_questions_2023, applies_to=QA, horizon=57, point=-0.372, kind="observed",
        null_why="without the AI questions follow the slow trend of the years before",
    ),
    Target(
        "T-SO-visits",
        "Visits to the Q&A platform fall, less than posts.",
        "Q&A visits in weeks 13-21 after the launch (late March 2023), AI / counterfactual - 1; "
        "check: new questions in the same weeks fall more than 10%",
        -0.18, -0.06,
        "about -12% average daily visits after four months (tier A): -12% +- 6 points (half "
        "the estimate), which covers the difference between panel-based visit counts and "
        "the company's -5% for the whole year (tier B). Questions fell more than 10% (same "
        "source).",
        so_visits, applies_to=QA, horizon=21, point=-0.12,
        checks=(Check("questions_gap", -1.0, -0.10, "new questions fall more than 10% in "
                      "the same weeks"),),
        null_why="without the AI visits do not fall",
    ),
    Target(
        "T-traffic-lt-posts",
        "In the first year traffic falls much less than contributions: most visits are "
        "readers of old answers.",
        "first-year (weeks 0-52 after launch) fall of Q&A visits divided by the first-year "
        "fall of new questions, both against the counterfactual; check: questions fall",
        0.05, 0.35,
        "the company reports about -5% traffic in 2023 (tier B) while posts fell by about "
        "a quarter (T-SO-gap): a ratio of 0.2, +- 0.15 for the two figures' uncertainty "
        "(a 10-point range on the -25%).",
        traffic_lt_posts, applies_to=QA, horizon=52, point=0.2,
        checks=(Check("questions_gap", -1.0, -0.05, "questions fall at least 5% in the "
                      "first year, so the ratio is meaningful"),),
        null_why="without the AI nothing falls, so there is no ratio",
    ),
    Target(
        "T-popular-topics",
        "The decline is larger for the most popular topics.",
        "gap in new questions on the most popular tenth of topics minus the gap on the "
        "other topics, weeks 26-52 after the launch (negative: popular topics fall more)",
        -1.0, -0.01,
        "qualitative (tier A): 'larger for the most widely used languages'; the popular "
        "topics must lose at least one percentage point more than the rest, so that noise "
        "alone does not pass.",
        popular_topics, applies_to=QA, horizon=52,
        null_why="without the AI no topic falls",
    ),
    Target(
        "T-no-quality-drop",
        "Posts that remain are not of lower quality.",
        "mean quality of the Q&A posts (answers and AI-written posts that stay) in the "
        "first year after the launch, AI world / counterfactual - 1; beside it, how much "
        "harder the remaining questions are (difficulty_gap)",
        -0.03, 0.03,
        "qualitative (tier A: votes similar): 0 +- 3% of the counterfactual's mean post "
        "quality. Post quality counts an established contributor's answer 1, a newcomer's "
        "contributors.newcomer_quality and an AI-written post synthetic.content_value.",
        no_quality_drop, applies_to=QA, horizon=52, point=0.0, null="",
        null_why="a pattern of no change cannot reject a world without the AI (where "
                 "nothing changes either); it rejects models in which the posts that remain "
                 "get worse, such as one that lets AI-written answers stay (moderation off)",
        proxy="post quality is graded by who wrote the post, not by readers' votes",
    ),
    Target(
        "T-wiki-modest",
        "The encyclopedia does not collapse at first: no fall through 2023, then human "
        "pageviews fall modestly.",
        "encyclopedia visits 2025 vs 2024 in the AI world, against the same change in the "
        "counterfactual; checks: visits and edits in 2023 within 5% of the counterfactual",
        -0.15, -0.01,
        "about -8% human pageviews 2025 vs 2024 (tier B): -8% +- 7 points; no fall in "
        "pageviews or edits through 2023 (tier A), read as a 2023 gap no larger than 5%. "
        "The 2025 figure lies after the calibration window (2023): it is held out, never "
        "fitted; only the 2023 checks are.",
        wiki_modest, applies_to=WIKI, point=-0.08, kind="held-out",
        checks=(Check("visits_wiki_2023_gap", -0.05, 1.0, "no fall in visits in 2023"),
                Check("edits_2023_gap", -0.05, 1.0, "no fall in edits in 2023")),
        null_why="without the AI pageviews follow the counterfactual",
    ),
    Target(
        "T-social-fabric",
        "Communities with more social ties are more resilient.",
        "contributor gap (AI / counterfactual - 1, last 52 weeks) in the less densely knit "
        "half of the topics minus that in the more densely knit half",
        -1.0, -0.01,
        "qualitative (tier A): 'communities lacking social fabric are suffering most'; the "
        "sparse half must lose at least one percentage point more. Measured on Q&A "
        "communities, where the AI causes a decline; in the encyclopedia scenario "
        "contributors do not fall (T-wiki-modest), so there is nothing to be resilient to.",
        social_fabric, applies_to=QA, null="substitution",
        null_why="ties buffer how contributors respond to a lost audience; with the loop "
                 "frozen nobody responds, so sparse and dense communities fare alike",
    ),
    Target(
        "T-core-stable",
        "The core is steadier than the periphery: active contributors fall while the very "
        "active core holds.",
        "gap of the very active (more than 100 contributions a month, as in the evidence) "
        "minus gap of all active contributors (AI / counterfactual - 1, last 52 weeks); "
        "check: active contributors fall",
        0.03, 0.27,
        "English Wikipedia active editors fell to about 55% of their peak while the very "
        "active kept about 69-72% (tier B): the core's relative fall is smaller by about "
        "0.15; +- 0.12 for the two series' uncertainty and their other era. Applied where "
        "the AI makes contributors fall (the Q&A scenario); the encyclopedia's contributors "
        "hold through 2025 (T-wiki-modest).",
        core_stable, applies_to=QA, point=0.15, null="substitution",
        checks=(Check("active_gap", -1.0, -0.01, "active contributors fall against the "
                      "counterfactual"),),
        null_why="with the loop frozen contributors do not leave, so there is no periphery "
                 "that falls",
    ),
    Target(
        "T-replace-vs-accumulate",
        "Retraining on model output: replacing real data makes the error grow without "
        "bound; accumulating it keeps the error bounded.",
        "growth of collapse_error from the second to the last quarter of the post-launch "
        "weeks (quarter means), accumulate arm / replace arm (99% of new posts AI-written, "
        "everyone using the AI, retraining every 13 weeks); check: in the replace arm at "
        "least 30% of the last quarter's error comes after the second quarter (it keeps "
        "growing)",
        -0.2, 0.2,
        "replace: error grows linearly with generations; accumulate: finite bound (tier A). "
        "Linear growth from zero puts 57% of the last quarter's error after the second "
        "quarter; a bounded series adds little: the accumulate arm grows 0 +- 0.2 times as "
        "fast late on.",
        replace_vs_accumulate, arms=("replace", "accumulate"), point=0.0,
        null="no_synthetic",
        checks=(Check("replace_late_share", 0.3, 1.0, "the replace arm keeps growing"),),
        null_why="without AI-written posts no error grows in either arm",
    ),
)}
"""Every executable target by key."""


def applicable(scenario_name: str) -> list[Target]:
    """Targets that apply to a scenario of this ``meta.name`` (in registry order)."""
    return [t for t in TARGETS.values() if t.applies(scenario_name)]

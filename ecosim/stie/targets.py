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
dict of named quantities, among them ``"value"``. Over replicates each quantity is averaged;
the target passes when the mean value lies in ``[low, high]`` and every extra
:class:`Check` holds on its own mean. Because ``measure`` only reads tables, every target
can be tested on made-up series whose answer is known (``tests/test_targets.py``).

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
    "replace": {"synthetic.post_share": 0.5, "synthetic.training": "replace",
                "ai.retrain_interval": 13},
    "accumulate": {"synthetic.post_share": 0.5, "synthetic.training": "accumulate",
                   "ai.retrain_interval": 13},
}
"""Scenario overrides of each arm. The synthetic arms retrain every 13 weeks so that a
dated run (about three years after the launch) holds a dozen model generations."""

ANY = "*"


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

    def judge(self, means: Mapping[str, float]) -> bool:
        """Pass/fail from the replicate means of the measured quantities."""
        ok = _within(means.get("value", np.nan), self.low, self.high)
        return ok and all(_within(means.get(c.name, np.nan), c.low, c.high)
                          for c in self.checks)


def _within(x: float, low: float, high: float) -> bool:
    return bool(np.isfinite(x) and low <= x <= high)


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
    """Answered share of remaining questions, AI minus counterfactual, first year."""
    launch = p.ai.launch_week
    a = window_mean(runs["ai"], "answered_share", launch, launch + 52)
    b = window_mean(runs["no_ai"], "answered_share", launch, launch + 52)
    return {"value": a - b}


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


def concentration(runs: Runs, p: Params) -> dict[str, float]:
    """Top-1% share of contributions and the share of people who ever contributed."""
    ts = runs["ai"]
    return {"value": float(ts["top1_share"].mean()),
            "ever_contributed": float(ts["ever_contributed_share"].iloc[-1])}


def core_stable(runs: Runs, p: Params) -> dict[str, float]:
    """Core-contributor gap minus active-contributor gap in the last year."""
    end = int(runs["ai"]["week"].max()) + 1
    core = gap(runs, "core_contributors", end - 52, end)
    active = gap(runs, "active_contributors", end - 52, end)
    return {"value": core - active, "core_gap": core, "active_gap": active}


def replace_vs_accumulate(runs: Runs, p: Params) -> dict[str, float]:
    """Growth of the inherited collapse error in the second half of the AI's life."""
    launch = p.ai.launch_week
    out = {}
    for arm in ("replace", "accumulate"):
        ts = runs[arm]
        after = ts[ts["week"] >= launch]
        err = after["collapse_error"].to_numpy(dtype=float)
        if len(err) < 2:
            out[f"{arm}_late_growth"] = float("nan")
            out[f"{arm}_final"] = float("nan")
            continue
        mid = err[len(err) // 2]
        out[f"{arm}_final"] = float(err[-1])
        out[f"{arm}_late_growth"] = float(err[-1] - mid)
    out["replace_late_share"] = _ratio(out["replace_late_growth"], out["replace_final"])
    out["value"] = _ratio(out["accumulate_late_growth"], out["replace_late_growth"])
    return out


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
        "-16% (tier A, early estimate) growing to about -25% within six months (tier B): "
        "-15% to -35% accepts the early figure as the lower bound of the six-month gap and "
        "the -25% point estimate with +-10 points for its uncertainty.",
        so_gap, applies_to=QA, horizon=30,
        checks=(Check("growth", -1.0, -0.01, "the gap in weeks 20-30 is larger than in "
                      "weeks 0-8 (by at least a point): it grows over the first months"),),
    ),
    Target(
        "T-SO-visits",
        "Visits to the Q&A platform fall, less than posts.",
        "Q&A visits in weeks 13-21 after the launch (late March 2023), AI / counterfactual - 1; "
        "check: new questions in the same weeks fall more than 10%",
        -0.18, -0.06,
        "about -12% average daily visits after four months (tier A); +-6 points (half the "
        "estimate) covers the difference between panel-based visit counts and the "
        "company's -5% for the whole year (tier B). Questions fell more than 10% (same "
        "source).",
        so_visits, applies_to=QA, horizon=21,
        checks=(Check("questions_gap", -1.0, -0.10, "new questions fall more than 10% in "
                      "the same weeks"),),
    ),
    Target(
        "T-traffic-lt-posts",
        "In the first year traffic falls much less than contributions: most visits are "
        "readers of old answers.",
        "first-year (weeks 0-52 after launch) fall of Q&A visits divided by the first-year "
        "fall of new questions, both against the counterfactual; check: questions fall",
        0.0, 0.5,
        "the company reports about -5% traffic in 2023 (tier B) while posts fell by about "
        "a quarter (T-SO-gap): a ratio near 0.2; 'much less' is read as less than half.",
        traffic_lt_posts, applies_to=QA, horizon=52,
        checks=(Check("questions_gap", -1.0, -0.05, "questions fall at least 5% in the "
                      "first year, so the ratio is meaningful"),),
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
    ),
    Target(
        "T-no-quality-drop",
        "Posts that remain are not of lower quality.",
        "answered share of questions in the first year after the launch, AI minus "
        "counterfactual (absolute difference of shares)",
        -0.03, 0.03,
        "qualitative (tier A: votes similar). The model has no post-quality variable; the "
        "share of remaining questions that get an answer is the proxy, and 'similar' is "
        "read as within 3 percentage points.",
        no_quality_drop, applies_to=QA, horizon=52,
        proxy="answered_share (share of questions answered) stands in for post quality",
    ),
    Target(
        "T-wiki-modest",
        "The encyclopedia does not collapse at first: no fall through 2023, then human "
        "pageviews fall modestly.",
        "encyclopedia visits 2025 vs 2024 in the AI world, against the same change in the "
        "counterfactual; checks: visits and edits in 2023 within 5% of the counterfactual",
        -0.15, -0.02,
        "about -8% human pageviews 2025 vs 2024 (tier B): -2% to -15%; no fall in "
        "pageviews or edits through 2023 (tier A), read as a 2023 gap no larger than 5%.",
        wiki_modest, applies_to=WIKI,
        checks=(Check("visits_wiki_2023_gap", -0.05, 1.0, "no fall in visits in 2023"),
                Check("edits_2023_gap", -0.05, 1.0, "no fall in edits in 2023")),
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
        social_fabric, applies_to=QA,
    ),
    Target(
        "T-concentration",
        "Participation is unequal: the top 1% of contributors produce most content; fewer "
        "than a quarter of people ever post.",
        "mean weekly share of contributions by the top 1% of active contributors (AI "
        "world); check: share of people who ever contributed at the end of the run",
        0.45, 0.80,
        "top 1% of Wikipedia editors make 55% of edits and 0.7% make 50% (tier B); top 1% "
        "produce 74.7% in health communities (tier A): 45% to 80%. Fewer than 25% ever post "
        "(tier A).",
        concentration, arms=("ai",),
        checks=(Check("ever_contributed", 0.0, 0.25, "fewer than a quarter ever "
                      "contributed"),),
    ),
    Target(
        "T-core-stable",
        "The core is steadier than the periphery: active contributors fall while the very "
        "active core holds.",
        "core-contributor gap minus active-contributor gap (AI / counterfactual - 1, last "
        "52 weeks); check: active contributors fall",
        0.0, 1.0,
        "English Wikipedia active editors fell to about 55% of their peak while the very "
        "active kept about 69-72% (tier B): the core's relative fall is smaller, a "
        "difference of about +0.15; accepted: any non-negative difference. Applied where "
        "the AI makes contributors fall (the Q&A scenario); the encyclopedia's contributors "
        "hold through 2025 (T-wiki-modest).",
        core_stable, applies_to=QA,
        checks=(Check("active_gap", -1.0, -0.01, "active contributors fall against the "
                      "counterfactual"),),
    ),
    Target(
        "T-replace-vs-accumulate",
        "Retraining on model output: replacing real data makes the error grow without "
        "bound; accumulating it keeps the error bounded.",
        "growth of collapse_error over the second half of the post-launch weeks, "
        "accumulate arm / replace arm (synthetic.post_share 0.5, retraining every 13 "
        "weeks); check: in the replace arm at least 30% of the final error comes in that "
        "second half (it keeps growing)",
        0.0, 0.2,
        "replace: error grows linearly with generations; accumulate: finite bound (tier A). "
        "Linear growth puts about half the error in the second half; a bounded series "
        "adds little, so the accumulate arm must grow at most a fifth as fast late on.",
        replace_vs_accumulate, arms=("replace", "accumulate"),
        checks=(Check("replace_late_share", 0.3, 1.0, "the replace arm keeps growing"),),
    ),
)}
"""Every executable target by key."""


def applicable(scenario_name: str) -> list[Target]:
    """Targets that apply to a scenario of this ``meta.name`` (in registry order)."""
    return [t for t in TARGETS.values() if t.applies(scenario_name)]

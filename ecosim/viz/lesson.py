"""The lesson: a guided tour of the feedback loop's five steps, as data.

Written in the spirit of NetLogo's Info tab (what is it, how it works, things to notice,
things to try), once, here. The dashboard's Lesson tab renders it with a button per "try
this" that loads the settings in one click; ``docs/teaching.md`` renders the same data as
text. Every setting is a dotted scenario key that :func:`check` validates against
:data:`ecosim.model.params.SCHEMA`, and every try's expectation is also a check
(:attr:`Try.holds`) that ``tests/test_lesson.py`` runs, so the lesson cannot drift from the
model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecosim.model.params import SCHEMA, ScenarioError, lookup
from ecosim.model.scenario import load_scenario
from ecosim.stie.regimes import classify
from ecosim.stie.targets import window_mean

Check = Callable[[pd.DataFrame, pd.DataFrame], bool]
"""``holds(run, baseline)``: a try's expectation as a test on its time series and the
baseline's (``scenarios/baseline.toml``, same seed)."""


@dataclass(frozen=True)
class Try:
    """One "things to try" experiment.

    Attributes:
        label: The button's text.
        settings: Dotted scenario keys and the values to set.
        expect: What to look for after running it.
        holds: The expectation as a check against the baseline with the same seed;
            ``tests/test_lesson.py`` runs every try at several seeds and requires it.
        scenario: Scenario file (relative to the repository) the experiment starts from.
    """

    label: str
    settings: dict[str, Any]
    expect: str
    holds: Check
    scenario: str = "scenarios/baseline.toml"


@dataclass(frozen=True)
class Notice:
    """A thing to notice in the baseline that the test suite checks.

    Attributes:
        text: What to look for.
        holds: ``holds(baseline, without_ai)`` on the baseline's time series and the same
            world without the AI (same seed); ``tests/test_lesson.py`` requires it at
            seeds 1, 2 and 3.
    """

    text: str
    holds: Check

    def __str__(self) -> str:
        return self.text


# -- what the checks read: windows of a run, relative to the baseline's AI launch -----------
# A run records weeks 0, 1, 2, ..., so the row of a week is its number.


def launch_week(baseline: pd.DataFrame) -> int:
    """The week the baseline's AI first answered."""
    launched = baseline["ai_generation"].to_numpy() > 0
    if not launched.any():
        raise ValueError("this run has no AI launch to measure from")
    return int(np.argmax(launched))


def before(ts: pd.DataFrame, col: str, launch: int) -> float:
    """Mean of ``col`` over the weeks before the launch."""
    return window_mean(ts, col, 0, launch)


def first_year(ts: pd.DataFrame, col: str, launch: int) -> float:
    """Mean of ``col`` over the year after the launch."""
    return window_mean(ts, col, launch, launch + 52)


def last_year(ts: pd.DataFrame, col: str) -> float:
    """Mean of ``col`` over the run's last 52 weeks."""
    end = int(ts["week"].iloc[-1]) + 1
    return window_mean(ts, col, end - 52, end)


def change(ts: pd.DataFrame, col: str, launch: int) -> float:
    """The last year's level of ``col`` over its level before the launch."""
    return last_year(ts, col) / before(ts, col, launch)


def by_generation(ts: pd.DataFrame, col: str) -> np.ndarray:
    """``col`` in the first week each AI generation served, oldest first."""
    served = ts[ts["ai_generation"] > 0]
    return served.groupby("ai_generation")[col].first().to_numpy()


def _contributor_gap(run: pd.DataFrame, base: pd.DataFrame) -> float:
    """How much further the run's contributors fell since the launch than the baseline's
    (as a share of their pre-launch level; negative if they fell less)."""
    t = launch_week(base)
    return change(base, "active_contributors", t) - change(run, "active_contributors", t)


def _contributors_fall_below_baseline(by: float) -> Check:
    def holds(run: pd.DataFrame, base: pd.DataFrame) -> bool:
        return _contributor_gap(run, base) > by
    return holds


def _no_ai_no_change(run: pd.DataFrame, base: pd.DataFrame) -> bool:
    t = launch_week(base)
    return (run["ai_share"].max() == 0 and abs(change(run, "visits_qa", t) - 1) < 0.03
            and change(run, "active_contributors", t) > 0.95)


def _faster_and_higher(run: pd.DataFrame, base: pd.DataFrame) -> bool:
    t = launch_week(base)
    return (first_year(run, "ai_share", t) > 1.5 * first_year(base, "ai_share", t)
            and last_year(run, "ai_share") > 1.5 * last_year(base, "ai_share"))


def _fewer_questions_more_ai(run: pd.DataFrame, base: pd.DataFrame) -> bool:
    t = launch_week(base)
    return (before(run, "questions", t) < 0.8 * before(base, "questions", t)
            and before(run, "answers", t) < 0.8 * before(base, "answers", t)
            and last_year(run, "ai_share") > last_year(base, "ai_share") + 0.01)


def _model_collapse(run: pd.DataFrame, base: pd.DataFrame) -> bool:
    # The error of what each generation learned, in the week it starts serving: it grows
    # as the share of the AI's own output in its training window does.
    error = by_generation(run, "collapse_error")
    return (len(error) > 3 and error[-1] > 2 * error[1] > 0
            and last_year(run, "ai_quality") < last_year(base, "ai_quality"))


def _filtered(run: pd.DataFrame, base: pd.DataFrame) -> bool:
    return (run["training_synthetic_share"].max() == 0
            and abs(last_year(run, "ai_quality") - last_year(base, "ai_quality")) < 0.02)


def _fresher(run: pd.DataFrame, base: pd.DataFrame) -> bool:
    generations = len(by_generation(run, "ai_quality"))
    return (generations >= 3.5 * len(by_generation(base, "ai_quality"))
            and last_year(run, "ai_quality") > last_year(base, "ai_quality") + 0.01)


COLLAPSE = "scenarios/collapse.toml"
_REPOSITORY = Path(__file__).resolve().parents[2]


def _collapse(run: pd.DataFrame, base: pd.DataFrame) -> bool:
    # What the dashboard's badge says of the loaded try: classified with the run's own
    # parameters, i.e. the scenario's (the try changes none).
    return classify(run, load_scenario(_REPOSITORY / COLLAPSE).params).name == "collapse"


def _collapse_averted(run: pd.DataFrame, base: pd.DataFrame) -> bool:
    # Classified with the collapse world's parameters: only the try's two keys differ,
    # and neither is read by the classification.
    held = change(run, "active_contributors", launch_week(run)) > 0.4
    return held and classify(run, load_scenario(_REPOSITORY / COLLAPSE).params).name != "collapse"


def _fast_then_level(base: pd.DataFrame, without_ai: pd.DataFrame) -> bool:
    # The quarterly growth of the share peaks within the first half year, and in the fifth
    # year it is a small fraction of that peak.
    t = launch_week(base)
    share = base["ai_share"].to_numpy()
    growth = np.diff([share[t + 13 * k: t + 13 * (k + 1)].mean() for k in range(20)])
    return (share[:t].max() == 0 and int(np.argmax(growth)) <= 1
            and np.abs(growth[-4:]).mean() < growth.max() / 4)


def _overlooked_errors(base: pd.DataFrame, without_ai: pd.DataFrame) -> bool:
    served = base.iloc[launch_week(base) + 4:]
    return bool((served["ai_reputation"] > served["ai_quality"]).mean() > 0.95)


def _below_counterfactual(base: pd.DataFrame, without_ai: pd.DataFrame) -> bool:
    return all(last_year(base, col) < 0.9 * last_year(without_ai, col)
               for col in ("visits_qa", "questions"))


def _questions_fall(base: pd.DataFrame, without_ai: pd.DataFrame) -> bool:
    return all(last_year(base, col) < 0.9 * last_year(without_ai, col)
               for col in ("questions", "answers"))


def _buffers_hold(base: pd.DataFrame, without_ai: pd.DataFrame) -> bool:
    t = launch_week(base)
    return (0.65 < change(base, "visits_qa", t) < 0.85
            and change(base, "active_contributors", t) > 0.9)


def _synthetic_band_grows(base: pd.DataFrame, without_ai: pd.DataFrame) -> bool:
    synthetic = by_generation(base, "provenance_synthetic")
    return len(synthetic) > 2 and synthetic[-1] > synthetic[0]


def _content_ages(base: pd.DataFrame, without_ai: pd.DataFrame) -> bool:
    return last_year(base, "content_age_qa") > last_year(without_ai, "content_age_qa")


STRIKE = (156, 312)


def _strike(run: pd.DataFrame, base: pd.DataFrame) -> bool:
    def during(ts: pd.DataFrame, col: str) -> float:
        return window_mean(ts, col, *STRIKE)

    return (during(run, "provenance_core") < during(base, "provenance_core") - 0.03
            and during(run, "ai_quality") < during(base, "ai_quality") - 0.01
            and during(run, "visits_qa") > during(base, "visits_qa")
            and abs(window_mean(run, "ai_quality", STRIKE[1] + 52, len(run))
                    - window_mean(base, "ai_quality", STRIKE[1] + 52, len(base))) < 0.01)


@dataclass(frozen=True)
class Step:
    """One step of the hypothesis.

    Attributes:
        key: Short identifier.
        title: Heading.
        text: How it works in the model (a paragraph).
        notice: Things to notice on the plots (a :class:`Notice` where it can be checked).
        tries: Things to try, each loadable in one click.
        mechanisms: Registry keys of the mechanisms behind the step.
    """

    key: str
    title: str
    text: str
    notice: tuple[str | Notice, ...]
    tries: tuple[Try, ...]
    mechanisms: tuple[str, ...] = field(default=())


WHAT_IS_IT = (
    "A world of people with questions, two volunteer knowledge communities (a Q&A site like "
    "Stack Overflow and an encyclopedia like Wikipedia) and, from the launch week on, an AI "
    "assistant trained on what those communities wrote. The question: as the AI answers "
    "people's questions instead of the communities, do the volunteers who write its training "
    "data dry up - and does the AI, retrained on staler content, then get worse?"
)

HOW_IT_WORKS = (
    "Each week every person has a few information needs and takes each one to the source "
    "they believe serves it best: the AI (once they use it) or a platform. Unmet how-to needs "
    "become new questions. Volunteers answer and edit as much as their audience motivates "
    "them; readers sometimes become contributors, and contributors leave. Knowledge drifts, "
    "so content goes stale unless someone renews it. The AI retrains every so often on what "
    "the platforms hold. The dashed lines show the same world, same seed, without the AI."
)

STEPS: tuple[Step, ...] = (
    Step(
        key="substitution",
        title="1. Substitution",
        text=(
            "After the launch (the red line), AI use spreads through the social network like a "
            "new product (Bass diffusion). A user compares the AI with the platforms and picks "
            "the one they believe is better, plus a bonus for convenience: no waiting for an "
            "answer."
        ),
        notice=(
            Notice("The AI's share of needs rises fastest in the first months after the launch, "
                   "then levels off: most who will use it start within a year or two.",
                   _fast_then_level),
            Notice("Perceived quality (what users believe) sits above true quality: users "
                   "overlook many wrong answers.", _overlooked_errors),
        ),
        tries=(
            Try("World without the AI", {"ai.enabled": False},
                "Nothing happens at the launch week: visits and contributors keep their "
                "level.", _no_ai_no_change),
            Try("A much more convenient AI",
                {"ai.lookup_convenience": 1.5, "ai.encyclopedic_convenience": 1.5,
                 "ai.ask_convenience": 2.0},
                "The AI's share climbs faster and ends about twice as high.",
                _faster_and_higher),
        ),
        mechanisms=("ai_adoption", "source_choice"),
    ),
    Step(
        key="fewer_visits",
        title="2. Fewer visits, fewer questions",
        text=(
            "Every need the AI serves is a visit the platforms do not get, and a how-to need "
            "the AI answers never becomes a posted question. The gap between the solid line "
            "and the dashed counterfactual is the AI's effect."
        ),
        notice=(
            Notice("Visits and new questions fall below their dashed counterfactual after the "
                   "launch.", _below_counterfactual),
            Notice("New questions fall too: a how-to need the AI answers is a question never "
                   "posted, and an answer never written.", _questions_fall),
        ),
        tries=(
            Try("The AI cites its sources", {"attribution.share": 1.0,
                                             "attribution.click_rate": 0.15},
                "Links send some readers back: the Q&A site ends with more visits than "
                "without attribution.",
                lambda run, base: last_year(run, "visits_qa")
                > 1.03 * last_year(base, "visits_qa")),
            Try("People rarely post questions", {"demand.ask_propensity": 0.05},
                "Fewer questions and answers from the start; with less fresh content on the "
                "site, a few more needs go to the AI (its share ends a little higher).",
                _fewer_questions_more_ai),
        ),
        mechanisms=("question_asking", "attribution"),
    ),
    Step(
        key="volunteer_energy",
        title="3. Volunteer energy dries up",
        text=(
            "Volunteers write for an audience. When readers leave, effort follows the audience "
            "(an elasticity), fewer readers become contributors and contributors leave "
            "sooner. Three things buffer them: they compare today's audience with the one "
            "they are used to, and get used to a smaller one within about two years "
            "(platforms.audience_memory_weeks); the most active contribute for their own "
            "reasons; and ties to other contributors hold people who are read less. In the "
            "baseline the buffers absorb most of the loss, as Stack Overflow's core "
            "contributors stayed (target T-core-stable)."
        ),
        notice=(
            Notice("Visits fall by about a quarter, contributors by a few percent at most.",
                   _buffers_hold),
            "The dashed lines show how many contributors the same world would have without "
            "the AI.",
        ),
        tries=(
            Try("Volunteers who never get used to a smaller audience",
                {"platforms.audience_memory_weeks": 2000},
                "They keep comparing with the audience they had before the AI: contributors "
                "end clearly lower than in the baseline (by about a tenth).",
                _contributors_fall_below_baseline(0.05)),
            Try("Audience-driven volunteers without buffers",
                {"contributors.audience_elasticity": 1.5,
                 "contributors.audience_churn_elasticity": 2.5,
                 "contributors.tie_buffer": 0.0, "contributors.intrinsic_scale": 100.0},
                "Everyone feels the lost audience fully and no peer holds them: contributors "
                "end lower than in the baseline.",
                _contributors_fall_below_baseline(0.04)),
            Try("Volunteers who do not care about audience, in the collapse world",
                {"contributors.audience_elasticity": 0.0,
                 "contributors.audience_churn_elasticity": 0.0},
                "The same strong AI, but volunteers shrug off a smaller audience: the "
                "communities no longer collapse. They decline, and keep over 40% of their "
                "contributors: the collapse runs through this link.",
                _collapse_averted, scenario=COLLAPSE),
        ),
        mechanisms=("audience_motivation", "reader_recruitment", "contributor_churn"),
    ),
    Step(
        key="ai_degrades",
        title="4. The AI gets worse on stale data",
        text=(
            "The AI retrains at each grey dotted line on what the platforms hold. If few people "
            "renew that content, it drifts out of date, and a growing share of it was written "
            "by the AI itself. Training only on the newest snapshot ('replace') lets errors "
            "compound; keeping all earlier data ('accumulate') bounds them."
        ),
        notice=(
            "AI quality steps at each retraining; watch whether the steps go down.",
            Notice("The provenance plot shows who wrote the AI's training data, generation by "
                   "generation: the synthetic band grows.", _synthetic_band_grows),
            Notice("Platform content ages as fewer people renew it (older than in the world "
                   "without the AI).", _content_ages),
        ),
        tries=(
            Try("Replace the data, lots of AI-written posts",
                {"synthetic.training": "replace", "synthetic.post_share": 0.9},
                "Each generation learns from data the last one partly wrote: the error of "
                "what it learned grows from one retraining to the next "
                "and quality ends below the baseline. Slowly here, with one retraining a "
                "year; the model-collapse scenarios retrain every quarter.", _model_collapse),
            Try("Replace the data, but filter out AI-written posts",
                {"synthetic.training": "replace", "synthetic.post_share": 0.5,
                 "synthetic.detection": 1.0},
                "The detector keeps the AI's own posts out of training: the synthetic band "
                "stays empty and quality holds at the baseline's level.", _filtered),
            Try("Retrain every quarter", {"ai.retrain_interval": 13},
                "Four times as many retrainings: the AI keeps closer to what the platforms "
                "hold and ends with a slightly higher quality.", _fresher),
        ),
        mechanisms=("ai_retraining", "synthetic_content", "knowledge_drift"),
    ),
    Step(
        key="outcome",
        title="5. Collapse, a new equilibrium, or cycles?",
        text=(
            "The loop can run down to nothing (collapse), settle at a lower level "
            "(decline) or hold (resilient). It could also swing - a worse AI sends people "
            "back to the platforms, which recover, which makes the AI better again - and the "
            "badge would say 'oscillation'; but no run of this model has cycled so far, "
            "neither in the shipped sweeps nor in 160 runs with much faster feedback "
            "(scenarios/sweeps/cycles.toml). The badge above the plots classifies the run "
            "and says why. The regime map shows which settings lead where."
        ),
        notice=(
            "The regime badge changes as the run goes on: it judges the run so far.",
            "Compare the end of the run with the dashed world without the AI.",
        ),
        tries=(
            Try("The collapse scenario", {}, "Contributors end below a quarter of their "
                "pre-launch level: collapse.", _collapse, scenario=COLLAPSE),
            Try("Half the core goes on a data strike",
                {"leverage.a.group": "core", "leverage.a.fraction": 0.5,
                 "leverage.a.action": "withhold", "leverage.a.start_week": STRIKE[0],
                 "leverage.a.end_week": STRIKE[1]},
                "While the strike lasts (weeks 156 to 312) the core's share of the AI's "
                "training data falls, the AI's quality drops a few points and a few more "
                "people stay with the platforms. The first retraining after the strike "
                "restores the AI.", _strike),
        ),
        mechanisms=("gatekeeping", "data_leverage"),
    ),
)


def check(steps: tuple[Step, ...] = STEPS, root: Path | None = None) -> None:
    """Raise :class:`~ecosim.model.params.ScenarioError` if a setting or scenario is not valid.

    Args:
        steps: The lesson steps.
        root: Repository root, to check that each scenario file exists (skipped if None).
    """
    for step in steps:
        for t in step.tries:
            for key, value in t.settings.items():
                lookup(key, f"lesson {step.key}").check(value, f"lesson {step.key}")
            if root is not None and not (root / t.scenario).is_file():
                raise ScenarioError(f"lesson {step.key}: scenario {t.scenario} not found")
        for key in step.mechanisms:
            if f"mechanisms.{key}" not in SCHEMA:
                raise ScenarioError(f"lesson {step.key}: unknown mechanism {key}")


@dataclass(frozen=True)
class Exercise:
    """A classroom exercise: what to run and what a student should see.

    Attributes:
        title: Short name.
        command: What to run (a command line or a dashboard action).
        task: What to do and compare.
        outcome: The outcome a student should see (each one is checked by the test suite
            or measured in the project's notes).
    """

    title: str
    command: str
    task: str
    outcome: str


INTERVENTIONS = (
    ("Data strikes and opt-outs (`leverage.a.*`, `leverage.b.*`)",
     "A collective of contributors withholds a share of its content from the commercial "
     "AI's training, or redirects it to a public AI. Two collectives can act at once.",
     "scenarios/data_strike.toml"),
    ("Licensing (`licensing.*`)",
     "The AI pays platforms per unit of training data; the platforms spend it on newcomer "
     "support and recognition. The evidence supports only modest effects of recognition.",
     "scenarios/licensing.toml"),
    ("Attribution (`attribution.*`)",
     "A share of AI answers cite their source; about 1% of readers follow the link "
     "(E-pew-clicks).", "scenarios/baseline.toml"),
    ("Public AI (`public_ai.*`)",
     "A transparent model beside the commercial one: it cites every answer, trains only on "
     "opted-in content and pays the platforms for it.", "scenarios/public_ai.toml"),
    ("Synthetic content (`synthetic.*`)",
     "AI-written posts flow back into the platforms and the training data; training can "
     "replace or accumulate data; detection can filter them out.",
     "scenarios/model_collapse_replace.toml"),
    ("Capability generations (`ai.generation2_week`, ...)",
     "A more capable model generation is released at a given week.",
     "scenarios/baseline.toml"),
)
"""Interventions: (title, what it does, the scenario that shows it)."""

QUESTIONS: tuple[str, ...] = (
    "Which STIE level does each of the model's claims reach? Run `ecosim mechanisms`: which "
    "mechanisms reach E, which stop at T or S, and why? Is a claim about a mechanism at "
    "level S worth citing?",
    "`ecosim validate scenarios/stackoverflow.toml` passes its targets. Does that show the "
    "decline hypothesis is true? What else could produce the same patterns (hint: "
    "gatekeeping, E-halfaker)?",
    "Which targets does switching off `source_choice` break (`ecosim ablate`)? Which "
    "mechanisms does no target depend on yet, and what observation would test them?",
    "The encyclopedia barely declines while the Q&A site loses a quarter of its questions. "
    "Which differences between the two (drift, asking, audience) explain it in the model?",
    "A data strike lowers the AI's quality. Who pays the cost of a strike, and who gains? "
    "What does the concave data-value curve (E-data-value) imply for small collectives?",
    "No run of the model cycles, even with fast retraining and fast-learning users "
    "(scenarios/sweeps/cycles.toml). What would a loop need to swing (delays, overshoot)? "
    "Which real process could provide it, and what evidence would show it?",
    "Several figures in the model are 'form only': the shape is supported but not the size. "
    "Which results would change most if those sizes were different (see the sensitivity "
    "analysis in data/sensitivity)?",
)

EXERCISES: tuple[Exercise, ...] = (
    Exercise("The counterfactual gap",
             "ecosim run scenarios/baseline.toml --out runs/ai; "
             "ecosim run scenarios/baseline.toml --set ai.enabled=false --out runs/no_ai",
             "Compare active contributors and new questions in the last year of both runs.",
             "With the AI, new questions and active contributors end below the world without "
             "it; without the AI the run is classified resilient."),
    Exercise("A world that collapses",
             "ecosim run scenarios/collapse.toml",
             "Read the summary: which parameters of collapse.toml differ from the baseline?",
             "regime: collapse - contributors end below a quarter of their pre-launch level."),
    Exercise("Model collapse: replace or accumulate",
             "ecosim run scenarios/model_collapse_replace.toml --out runs/rep; "
             "ecosim run scenarios/model_collapse_accumulate.toml --out runs/acc",
             "Plot collapse_error and ai_quality from both timeseries.parquet files.",
             "With 'replace' the error grows with every quarterly retraining and AI quality "
             "falls towards zero; with 'accumulate' the error stays below 0.5 x pi^2/6."),
    Exercise("Who wrote the AI?",
             "ecosim run scenarios/data_strike.toml --out runs/strike",
             "Plot provenance_core during and outside the strike (weeks 156 to 312).",
             "The core's share of the training data drops while the strike lasts, and the "
             "shares of all groups still add up to one."),
    Exercise("The leverage curve",
             "ecosim leverage scenarios/baseline.toml --group core --out runs/leverage",
             "Open runs/leverage/leverage.png: how does AI quality change as the core "
             "withholds more of its content?",
             "AI quality falls as the withheld share rises, gently at first (a concave "
             "data-value curve)."),
    Exercise("Which mechanism makes the gap?",
             "ecosim ablate scenarios/stackoverflow.toml",
             "Find the mechanisms without which T-SO-gap fails.",
             "Without source_choice (or without AI adoption) the AI takes no questions and "
             "T-SO-gap fails."),
)


def render_markdown() -> str:
    """The teaching guide (docs/teaching.md) from the same data the dashboard shows."""
    out: list[str] = []
    w = out.append
    w("# Teaching the Wikipedia / Stack Overflow decline hypothesis with ecosim")
    w("")
    w("*Generated from `ecosim/viz/lesson.py` by `ecosim docs`; the dashboard's Lesson tab shows "
      "the same steps. Start the dashboard with `make dashboard` (or `solara run app.py`) "
      "and open http://localhost:8765.*")
    w("")
    w("## What is it")
    w("")
    w(WHAT_IS_IT)
    w("")
    w("## How it works")
    w("")
    w(HOW_IT_WORKS)
    w("")
    w("## The five steps")
    w("")
    for step in STEPS:
        w(f"### {step.title}")
        w("")
        w(step.text)
        w("")
        w(f"Mechanisms: {', '.join(f'`{m}`' for m in step.mechanisms)} "
          "(their STIE cards: `ecosim mechanisms`).")
        w("")
        w("**Things to notice** (in the baseline; those marked (checked) are tested at "
          "three seeds by `tests/test_lesson.py`)")
        w("")
        for n in step.notice:
            w(f"- {n}{' (checked)' if isinstance(n, Notice) else ''}")
        w("")
        w("**Things to try** (each is one click in the Lesson tab; each expectation "
          "compares the run with `scenarios/baseline.toml` at the same seed, and "
          "`tests/test_lesson.py` checks it at seeds 1, 2 and 3)")
        w("")
        for t in step.tries:
            sets = " ".join(f"--set {k}={str(v).lower() if isinstance(v, bool) else v}"
                            for k, v in t.settings.items())
            w(f"- *{t.label}*: `ecosim run {t.scenario}{' ' + sets if sets else ''}` - "
              f"{t.expect}")
        w("")
    w("## Interventions")
    w("")
    for title, what, scenario in INTERVENTIONS:
        w(f"- **{title}.** {what} Scenario: `{scenario}`.")
    w("")
    w("## Discussion questions")
    w("")
    for i, q in enumerate(QUESTIONS, 1):
        w(f"{i}. {q}")
    w("")
    w("## Exercises")
    w("")
    for i, e in enumerate(EXERCISES, 1):
        w(f"### Exercise {i}: {e.title}")
        w("")
        w(f"- Run: `{e.command}`")
        w(f"- Task: {e.task}")
        w(f"- What you should see: {e.outcome}")
        w("")
    return "\n".join(out).rstrip() + "\n"

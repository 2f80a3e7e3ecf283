"""The lesson: a guided tour of the feedback loop's five steps, as data.

Written in the spirit of NetLogo's Info tab (what is it, how it works, things to notice,
things to try), once, here. The dashboard's Lesson tab renders it with a button per "try
this" that loads the settings in one click; a later ``docs/teaching.md`` can render the same
data as text. Every setting is a dotted scenario key that :func:`check` validates against
:data:`ecosim.schema.SCHEMA`, so the lesson cannot drift from the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecosim.schema import SCHEMA, ScenarioError, lookup


@dataclass(frozen=True)
class Try:
    """One "things to try" experiment.

    Attributes:
        label: The button's text.
        settings: Dotted scenario keys and the values to set.
        scenario: Scenario file (relative to the repository) the experiment starts from.
        expect: What to look for after running it.
    """

    label: str
    settings: dict[str, Any]
    expect: str
    scenario: str = "scenarios/baseline.toml"


@dataclass(frozen=True)
class Step:
    """One step of the hypothesis.

    Attributes:
        key: Short identifier.
        title: Heading.
        text: How it works in the model (a paragraph).
        notice: Things to notice on the plots.
        tries: Things to try, each loadable in one click.
        mechanisms: Registry keys of the mechanisms behind the step.
    """

    key: str
    title: str
    text: str
    notice: tuple[str, ...]
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
            "The AI's share of needs rises in an S-curve after the launch.",
            "Perceived quality (what users believe) sits above true quality: users overlook "
            "many wrong answers.",
        ),
        tries=(
            Try("World without the AI", {"ai.enabled": False},
                "Nothing happens at the launch week: the communities keep their level."),
            Try("A much more convenient AI",
                {"ai.lookup_convenience": 1.5, "ai.ask_convenience": 2.0},
                "The AI's share climbs higher and faster."),
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
            "Visits and new questions fall below their dashed counterfactual after the launch.",
            "Questions fall faster than visits on the Q&A site: asking is what the AI "
            "replaces best.",
        ),
        tries=(
            Try("The AI cites its sources", {"attribution.share": 1.0,
                                             "attribution.click_rate": 0.15},
                "Links send some readers back: visits fall less than without attribution."),
            Try("People rarely post questions", {"demand.ask_propensity": 0.05},
                "Fewer questions to begin with, so fewer answers and fewer askers turned "
                "contributors."),
        ),
        mechanisms=("question_asking", "attribution"),
    ),
    Step(
        key="volunteer_energy",
        title="3. Volunteer energy dries up",
        text=(
            "Volunteers write for an audience. When readers leave, effort follows the audience "
            "(an elasticity), fewer readers become contributors and contributors leave "
            "sooner. Newcomers go first; the tightly knit core holds on longest."
        ),
        notice=(
            "Newcomers shrink before the core does.",
            "The dashed lines show how many contributors the same world would have without "
            "the AI.",
        ),
        tries=(
            Try("Volunteers who do not care about audience",
                {"contributors.audience_elasticity": 0.0,
                 "contributors.audience_churn_elasticity": 0.0},
                "Contributors barely react to the AI: the loop is cut at this step."),
            Try("Audience-driven volunteers",
                {"contributors.audience_elasticity": 1.5,
                 "contributors.audience_churn_elasticity": 2.5},
                "Contributors fall much further than visits do."),
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
            "The provenance plot shows who wrote the AI's training data, generation by "
            "generation: the synthetic band grows.",
            "Platform content ages as fewer people renew it.",
        ),
        tries=(
            Try("Replace the data, lots of AI-written posts",
                {"synthetic.training": "replace", "synthetic.post_share": 0.5},
                "Quality falls generation after generation (model collapse)."),
            Try("Filter out AI-written posts", {"synthetic.post_share": 0.5,
                                                "synthetic.detection": 1.0},
                "The synthetic band stays empty and quality holds better."),
            Try("Retrain every quarter", {"ai.retrain_interval": 13},
                "More, smaller steps: the AI follows the platforms' decline more closely."),
        ),
        mechanisms=("ai_retraining", "synthetic_content", "knowledge_drift"),
    ),
    Step(
        key="outcome",
        title="5. Collapse, a new equilibrium, or cycles?",
        text=(
            "The loop can run down to nothing, settle at a lower level, or swing: a worse AI "
            "sends people back to the platforms, which recover, which makes the AI better "
            "again. The badge above the plots classifies the run and says why. The regime map "
            "shows which settings lead where."
        ),
        notice=(
            "The regime badge changes as the run goes on: it judges the run so far.",
            "Compare the end of the run with the dashed world without the AI.",
        ),
        tries=(
            Try("The collapse scenario", {}, "Contributors end far below a quarter of their "
                "pre-launch level: collapse.", scenario="scenarios/collapse.toml"),
            Try("Half the core goes on a data strike", {},
                "While the strike lasts (weeks 156 to 312) the AI's training data loses "
                "much of the core's content: its quality drops at the next retraining and "
                "people drift back to the platforms.", scenario="scenarios/data_strike.toml"),
        ),
        mechanisms=("gatekeeping", "data_leverage"),
    ),
)


def check(steps: tuple[Step, ...] = STEPS, root: Path | None = None) -> None:
    """Raise :class:`~ecosim.schema.ScenarioError` if a setting or scenario is not valid.

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
    w("*Generated from `ecosim/lesson.py` by `ecosim docs`; the dashboard's Lesson tab shows "
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
        w("**Things to notice**")
        w("")
        for n in step.notice:
            w(f"- {n}")
        w("")
        w("**Things to try** (each is one click in the Lesson tab)")
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

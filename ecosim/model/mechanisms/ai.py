"""The AI's life: release, the retraining schedule, training, and training on its own output.

Everything the loop's AI side does is here (the state it acts on is an
:class:`~ecosim.model.assistant.Assistant`; its weekly answer quality is the pure function
:meth:`~ecosim.model.assistant.Assistant.quality`):

1. ``ai_launch``: the developer releases the AI at its launch week, trained on the
   platforms as they are that week.
2. ``synthetic_content``: once people use it, part of the new posts on the platforms is
   AI-written, so the platforms (and the next training set) hold some of its output.
3. ``ai_retraining``: every ``ai.retrain_interval`` weeks, and when a more capable
   generation comes out, a new generation is trained on a snapshot of the platforms minus
   what contributors withheld. Training on AI-written posts adds an error the new generation
   inherits (model collapse). Between trainings the answers go stale as the world drifts
   past the knowledge cutoff.

A training run sets, per topic,

    quality at training = capability x breadth x depth x exp(-collapse error)

where breadth is the coverage of current knowledge in the training data (the platforms'
own :func:`~ecosim.model.platforms.coverage`), and depth is a concave curve of the volume
of data on the topic (E-data-value: 20% of the data gets 80% of the way).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.params import Param, Params, declare
from ecosim.model.platforms import GROUPS, SYNTHETIC, coverage
from ecosim.model.schedule import Cite, mechanism

if TYPE_CHECKING:
    from ecosim.model.assistant import Assistant
    from ecosim.model.world import World

declare(
    Param("ai.enabled", True, "switch",
          "Whether the AI exists; false gives the counterfactual world without it.",
          group="ai"),
    Param("ai.launch_week", 104, "week", "Week the AI is released (weeks after the start).",
          0, 100_000, group="ai"),
    Param("ai.capability", 0.8, "share 0..1",
          "Best answer quality the AI reaches on a topic with complete, plentiful data.",
          0.0, 1.0, group="ai"),
    Param("ai.generation2_week", 100_000, "week",
          "Week a more capable model generation is released (100000: never).", 0, 100_000,
          group="ai"),
    Param("ai.generation2_capability", 0.9, "share 0..1",
          "Capability of the second generation (E-capability-steps).", 0.0, 1.0, group="ai"),
    Param("ai.generation3_week", 100_000, "week",
          "Week a third generation is released (100000: never).", 0, 100_000, group="ai"),
    Param("ai.generation3_capability", 0.95, "share 0..1",
          "Capability of the third generation.", 0.0, 1.0, group="ai"),
    Param("ai.retrain_interval", 52, "weeks",
          "Weeks between training runs (each gives a new model generation).", 1, 5200,
          group="ai"),
    Param("ai.cutoff_lag_weeks", 26, "weeks",
          "How much older than its release a model's knowledge effectively is (E-cutoff).",
          0, 520, group="ai"),
    Param("ai.data_value_exponent", 0.139, "exponent",
          "Concavity of the data-value curve: quality ~ data^e; 0.139 means 20% of the data "
          "gives 80% of the quality (E-data-value).", 0.01, 1.0, group="ai"),
    Param("ai.best_case_data", 1.0, "contributions per capita",
          "Fresh content on a topic (per person in the world) at which more data stops "
          "helping.", 0.0001, 1000.0, group="ai"),
    Param("public_ai.enabled", False, "switch",
          "Whether a public AI exists beside the commercial one.", group="interventions"),
    Param("public_ai.launch_week", 104, "week", "Week the public AI is released.", 0,
          100_000, group="interventions"),
    Param("public_ai.capability", 0.75, "share 0..1",
          "Best answer quality the public AI reaches with complete, plentiful data.",
          0.0, 1.0, group="interventions"),
    Param("public_ai.opt_in", 0.3, "share 0..1",
          "Share of human content whose authors opted in to the public AI's training.",
          0.0, 1.0, group="interventions"),
    Param("synthetic.post_share", 0.1, "share 0..1",
          "Share of new posts that are AI-written when everyone uses the AI (scaled by the "
          "share of people who do).", 0.0, 0.99, group="interventions"),
    Param("synthetic.content_value", 0.5, "share 0..1",
          "How much an AI-written post adds to a platform's coverage, relative to a human "
          "one.", 0.0, 1.0, group="interventions"),
    Param("synthetic.training", "accumulate", "mode",
          "Whether each training run replaces the old data with the new snapshot's posts "
          "('replace') or adds them to all earlier data ('accumulate') (E-gerstgrasser).",
          choices=("replace", "accumulate"), group="interventions"),
    Param("synthetic.collapse_rate", 0.5, "error per generation",
          "Error a model generation inherits from training entirely on AI-written data.",
          0.0, 10.0, group="interventions"),
    Param("synthetic.detection", 0.0, "share 0..1",
          "Share of AI-written posts detected and filtered out before training.", 0.0, 1.0,
          group="interventions"),
)


@mechanism(
    key="ai_launch",
    summary="The developer releases the AI at its launch week (and the public AI at its "
            "own), trained on the platforms as they are that week.",
    intent="The release of a general-purpose AI assistant: from that week people can ask "
           "it instead of a platform.",
    evidence=[Cite("E-releases", "dated releases: ChatGPT on 30 November 2022 is week 203 "
                   "of the dated scenarios (ai.launch_week)")],
    targets=["T-SO-gap"],
    ablation="switching it off is the world without any AI, which every paired run already "
             "holds as its counterfactual arm (ai.enabled = false)",
    from_release=True,
)
def ai_launch(world: World, p: Params, rng: np.random.Generator) -> None:
    """Release each AI that exists in its launch week: its first training run."""
    releases = ((world.ai, p.ai.enabled, p.ai.launch_week),
                (world.public_ai, p.public_ai.enabled, p.public_ai.launch_week))
    for ai, exists, week in releases:
        if exists and not ai.launched and world.week >= week:
            ai.launched = True
            _train(ai, world, p, _training_data(ai, world, p))


@mechanism(
    key="synthetic_content",
    summary="Part of new posts is AI-written; they flow into the platforms and, from "
            "there, into the next training set.",
    intent="Model collapse: models trained on model output lose the tails of the "
           "distribution; whether real data is kept decides how far it goes.",
    evidence=[Cite("E-shumailov", "training on generated data degrades models over "
                   "generations; keeping original data mitigates"),
              Cite("T-replace-vs-accumulate", "the target pattern")],
    targets=["T-replace-vs-accumulate"],
    assumptions=["The share of AI-written posts grows with the share of people who use "
                 "the AI (synthetic.post_share when everyone does)."],
    from_release=True,
)
def synthetic_content(world: World, p: Params, rng: np.random.Generator) -> None:
    """Add this week's AI-written posts to both platforms, in proportion to last week's
    human contributions."""
    if not world.ai_available:
        return
    people = world.people
    adopters = people.adopter_count / people.size if people.size else 0.0
    s = p.synthetic.post_share * adopters
    for platform in (world.qa, world.wiki):
        posts = rng.poisson(platform.contributions * s / (1.0 - s))
        new = np.zeros_like(platform.content)
        new[:, SYNTHETIC] = posts / people.size
        platform.add_content(new)
        platform.synthetic_posts = posts.astype(np.float64)


@mechanism(
    key="ai_retraining",
    summary="The AI retrains every few weeks, and when a more capable generation is "
            "released, on a snapshot of the platforms; between trainings its answers go "
            "stale as the world drifts past its cutoff.",
    intent="Knowledge cutoff, loop step 4: a model knows what its training data knew; "
           "retrained on stale platforms (and on its own output), the next model is worse.",
    evidence=[Cite("E-data-value", "20% of the data gets 80% of the way to best-case "
                   "performance (the concave data-value curve, ai.data_value_exponent)"),
              Cite("E-cutoff", "effective cutoffs are earlier than stated (ai.cutoff_lag_weeks)",
                   form_only=True),
              Cite("E-lazaridou", "performance on the future decays with time since training",
                   form_only=True),
              Cite("E-capability-steps", "each new generation changes substitution",
                   form_only=True),
              Cite("E-gerstgrasser", "replace: error grows linearly with generations; "
                   "accumulate: error stays bounded (sum of 1/g^2)")],
    targets=["T-tipping", "T-SO-gap", "T-replace-vs-accumulate"],
    assumptions=["A topic's answers go stale at the demand-weighted mix of its Q&A and "
                 "encyclopedic drift rates.",
                 "A more capable generation (ai.generation2_week, ai.generation3_week) is a "
                 "new training run at the new capability.",
                 "The public AI retrains on the same schedule, on opted-in content only.",
                 "A generation's error grows by collapse_rate x (synthetic share of its "
                 "training data), divided by g^2 for accumulated data (Gerstgrasser's "
                 "linear-model result taken as the form); the error is inherited along the "
                 "chain of generations.",
                 "The first generation of an AI inherits no error: the release trains on the "
                 "platforms without the error step."],
    from_release=True,
)
def ai_retraining(world: World, p: Params, rng: np.random.Generator) -> None:
    """Train a new generation of each released AI that is due for one."""
    for ai in world.ais:
        if ai.launched and _retraining_due(ai, world.week, p):
            data = _training_data(ai, world, p)
            _inherit_collapse_error(ai, data, p)
            _train(ai, world, p, data)


def _retraining_due(ai: Assistant, week: int, p: Params) -> bool:
    """True when a new generation is due: ``ai.retrain_interval`` weeks after the last
    training, or when a more capable generation has been released since."""
    since = week - ai.trained_week
    return since >= p.ai.retrain_interval or _capability(ai, week, p) != ai.trained_capability


def _capability(ai: Assistant, week: int, p: Params) -> float:
    """Best quality the AI can reach in ``week``: that of the latest released generation."""
    if ai.public:
        return p.public_ai.capability
    best = p.ai.capability
    generations = ((p.ai.generation2_week, p.ai.generation2_capability),
                   (p.ai.generation3_week, p.ai.generation3_capability))
    for released, better in generations:
        if week >= released:
            best = better
    return best


def _training_data(ai: Assistant, world: World, p: Params) -> tuple[np.ndarray, np.ndarray]:
    """Content the AI may train on now, per topic and group: the Q&A and encyclopedia
    content minus what is withheld (for the public AI, only what authors opted in or
    redirected to it)."""
    keep = 1.0 - ai.withheld
    if ai.public:
        # Opting in and redirecting are independent choices, as collectives are.
        opted = 1.0 - (1.0 - p.public_ai.opt_in) * (1.0 - ai.redirected_in)
        keep[:, :SYNTHETIC] = opted[:, :SYNTHETIC]
    return world.qa.content * keep, world.wiki.content * keep


def _inherit_collapse_error(ai: Assistant, data: tuple[np.ndarray, np.ndarray],
                           p: Params) -> None:
    """Add the error that training on AI-written posts gives the next generation."""
    qa, wiki = data
    total = qa.sum() + wiki.sum()
    sigma = (qa[:, SYNTHETIC].sum() + wiki[:, SYNTHETIC].sum()) / total if total > 0 else 0.0
    g = ai.generation + 1
    step = p.synthetic.collapse_rate * sigma
    ai.collapse_error += step if p.synthetic.training == "replace" else step / g**2
    ai.training_synthetic_share = sigma


def _train(ai: Assistant, world: World, p: Params,
          data: tuple[np.ndarray, np.ndarray]) -> None:
    """Train a new generation on ``data`` (see the module docstring)."""
    qa, wiki = data
    share = world.people.community_share
    value = p.synthetic.content_value
    breadth = 1.0 - ((1.0 - coverage(qa, value, share, world.qa.coverage_scale))
                     * (1.0 - coverage(wiki, value, share, world.wiki.coverage_scale)))
    volume = qa.sum(axis=1) + wiki.sum(axis=1)
    depth = np.minimum(1.0, volume / p.ai.best_case_data) ** p.ai.data_value_exponent
    ai.trained_capability = _capability(ai, world.week, p)
    ai.quality_at_training = (
        ai.trained_capability * breadth * depth * np.exp(-ai.collapse_error)
    )
    qa_share = p.demand.qa_share
    ai.answer_drift = qa_share * world.qa.drift + (1.0 - qa_share) * world.wiki.drift
    ai.cutoff_lag = p.ai.cutoff_lag_weeks
    ai.trained_on = world.topics.born_week.copy()
    by_group = qa.sum(axis=0) + wiki.sum(axis=0)
    total = by_group.sum()
    ai.provenance = by_group / total if total > 0 else np.zeros(len(GROUPS))
    ai.training_volume = float(total)
    ai.generation += 1
    ai.trained_week = world.week

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

A training run sets, per topic and difficulty class of how-to needs,

    quality at training = capability x breadth x depth x handicap x exp(-error^2)

where breadth is the coverage of current knowledge in the platforms' fresh content (their
own :func:`~ecosim.model.platforms.coverage`), depth is a concave curve of the volume of
that content (E-data-value: 20% of the data gets 80% of the way), and handicap is the AI's
weakness on hard needs (:func:`~ecosim.model.difficulty.ai_class_factor`).

The error is what training on AI-written documents did (model collapse). The training
corpus holds human and AI-written documents per topic: with ``accumulate`` everything ever
posted, with ``replace`` only what was posted since the last training. Human documents are
the truth; an AI-written one carries the error of the generation that wrote it. The new
generation learns the corpus from a finite sample, so its error is the AI-written share of
the corpus times their mean error, plus a stray whose variance is that share times
``synthetic.sampling_noise``, larger for rare classes of needs and smaller for a corpus
that holds more weeks of posting. Nothing is assumed about
growth: when almost everything is AI-written and replaced, each generation adds its stray
to the last one's error (a random walk, growing without bound); when real data are kept
the mean error of the AI-written documents averages the strays out, and the error stays
bounded (E-gerstgrasser). Hard needs are rare, so they stray first (E-shumailov: the tails
go first; keeping some real data mitigates).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.model.difficulty import ai_class_factor, class_shares
from ecosim.model.loop import frozen
from ecosim.model.params import Param, Params, declare
from ecosim.model.platforms import GROUPS, SYNTHETIC, coverage
from ecosim.model.schedule import Cite, mechanism

SAMPLE_WEEKS = 13
"""The corpus size (in weeks of posting) at which ``synthetic.sampling_noise`` is stated."""
STRAY_CAP = 5.0
"""The largest spread (standard deviation) of one generation's stray on a class: a stray
of that size leaves exp(-25) of the AI's quality on it."""

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
          "Whether each training run replaces the old data with what was posted since the "
          "last one ('replace') or adds it to all earlier data ('accumulate') "
          "(E-gerstgrasser).", choices=("replace", "accumulate"), group="interventions"),
    Param("synthetic.sampling_noise", 0.1, "error^2 per generation",
          "How far a generation trained only on AI-written documents from a quarter's "
          "posting strays from the one that wrote them: the variance of its error on a "
          "class holding all needs (a class with share s strays by this / s; a corpus "
          "holding w weeks of posting by this x 13 / w). 0.1 makes nine generations of "
          "training on its own output cost most of the quality (E-shumailov: gibberish by "
          "generation 9).", 0.0, 100.0, group="interventions"),
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
            posted = _posted(world, p)
            ai.posted_at_training = posted
            ai.corpus_real = (posted * _kept(ai, p))[:, :SYNTHETIC].sum(axis=1)
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
              Cite("E-releases", "the dated releases of more capable generations "
                   "(ai.generation2_week, ai.generation3_week)"),
              Cite("E-gerstgrasser", "replace: error grows with generations; accumulate: it "
                   "stays bounded (emerges from the corpus, not written in)"),
              Cite("E-shumailov", "training on generated data loses the tails first; the "
                   "size of the stray is form only (synthetic.sampling_noise)",
                   form_only=True)],
    targets=["T-tipping", "T-SO-gap", "T-replace-vs-accumulate"],
    assumptions=["A topic's answers go stale at the demand-weighted mix of its Q&A and "
                 "encyclopedic drift rates.",
                 "A more capable generation (ai.generation2_week, ai.generation3_week) is a "
                 "new training run at the new capability.",
                 "The public AI retrains on the same schedule, on opted-in content only.",
                 "Human documents are unbiased; an AI-written one carries its writer's "
                 "error. A generation's stray is normal, with a variance that falls with "
                 "the corpus' size in weeks of posting at the current rate and with the "
                 "share of needs in the class.",
                 "The first generation of an AI inherits no error: no AI-written documents "
                 "exist before its release.",
                 "With the loop frozen (loop.frozen_week) the AIs retrain on the platforms "
                 "as they were at the first training from that week on."],
    from_release=True,
)
def ai_retraining(world: World, p: Params, rng: np.random.Generator) -> None:
    """Train a new generation of each released AI that is due for one."""
    for ai in world.ais:
        if ai.launched and _retraining_due(ai, world.week, p):
            _learn_corpus(ai, world, p, rng)
            _train(ai, world, p, _training_data(ai, world, p))


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


def _kept(ai: Assistant, p: Params) -> np.ndarray:
    """Share of each topic's content, by group, the AI may train on: what is not withheld
    (for the public AI, only what authors opted in or redirected to it)."""
    keep = 1.0 - ai.withheld
    if ai.public:
        # Opting in and redirecting are independent choices, as collectives are.
        opted = 1.0 - (1.0 - p.public_ai.opt_in) * (1.0 - ai.redirected_in)
        keep[:, :SYNTHETIC] = opted[:, :SYNTHETIC]
    return keep


def _training_data(ai: Assistant, world: World, p: Params) -> tuple[np.ndarray, np.ndarray]:
    """Fresh content the AI may train on now, per topic and group (Q&A, encyclopedia)."""
    keep = _kept(ai, p)
    qa, wiki, _ = _platforms_seen(world, p)
    return qa * keep, wiki * keep


def _posted(world: World, p: Params) -> np.ndarray:
    """Everything ever posted on both platforms, by topic and group (per capita)."""
    return _platforms_seen(world, p)[2]


def _platforms_seen(world: World, p: Params) -> tuple[np.ndarray, ...]:
    """The platforms' fresh content (Q&A, encyclopedia) and posts ever, as the AIs see
    them: as they are, or as they were when the loop froze (:mod:`ecosim.model.loop`)."""
    if frozen(p, world.week):
        if world.frozen_posts is None:
            world.frozen_posts = (world.qa.content.copy(), world.wiki.content.copy(),
                                  world.qa.posted + world.wiki.posted)
        return world.frozen_posts
    return world.qa.content, world.wiki.content, world.qa.posted + world.wiki.posted


def _learn_corpus(ai: Assistant, world: World, p: Params, rng: np.random.Generator) -> None:
    """Add what was posted since the last training to the corpus, and draw the error the
    next generation learns from its AI-written part (see the module docstring)."""
    posted = _posted(world, p)
    window = np.maximum(posted - ai.posted_at_training, 0.0) * _kept(ai, p)
    ai.posted_at_training = posted
    human, synthetic = window[:, :SYNTHETIC].sum(axis=1), window[:, SYNTHETIC]
    # What was posted since the last training was written by the current generation.
    if p.synthetic.training == "replace":
        real, written, mass = human, synthetic, synthetic[:, None] * ai.collapse_error
    else:
        ai.corpus_real += human
        ai.corpus_synthetic += synthetic
        ai.corpus_error_mass += synthetic[:, None] * ai.collapse_error
        real, written, mass = ai.corpus_real, ai.corpus_synthetic, ai.corpus_error_mass
    total = real + written
    share = np.zeros_like(total)
    np.divide(written, total, out=share, where=total > 0)
    inherited = np.zeros_like(mass)
    np.divide(mass, written[:, None], out=inherited, where=written[:, None] > 0)
    # A finite training sample of the AI-written documents strays from their writers'
    # picture: the less the corpus holds (in weeks of posting at today's rate) and the
    # rarer the class of needs, the larger the stray (the tails go first).
    weekly = (human + synthetic) / max(world.week - ai.trained_week, 1)
    span = np.full(len(total), np.inf)
    np.divide(total, weekly, out=span, where=weekly > 0)
    classes = class_shares(p)
    variance = np.zeros((len(total), len(classes)))
    # A class with almost no needs has almost no sample, so its stray has no bound. One
    # stray of STRAY_CAP already leaves the AI nothing of the class (exp(-error²) is nil);
    # held there, the error stays finite for the generations that inherit it.
    with np.errstate(over="ignore"):
        np.divide(p.synthetic.sampling_noise * share[:, None] * (SAMPLE_WEEKS / span)[:, None],
                  classes[None, :], out=variance, where=classes[None, :] > 0)
    stray = np.sqrt(np.minimum(variance, STRAY_CAP**2)) * rng.standard_normal(variance.shape)
    ai.collapse_error = share[:, None] * inherited + stray
    ai.training_synthetic_share = float(written.sum() / total.sum()) if total.sum() > 0 else 0.0


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
    by_class = np.minimum(
        1.0, ai.trained_capability * (breadth * depth)[:, None] * ai_class_factor(p)
        * np.exp(-ai.collapse_error**2))
    ai.quality_at_training = by_class @ class_shares(p)
    ai.class_profile = np.ones_like(by_class)
    np.divide(by_class, ai.quality_at_training[:, None], out=ai.class_profile,
              where=ai.quality_at_training[:, None] > 0)
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

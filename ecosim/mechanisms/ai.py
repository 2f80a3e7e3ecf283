"""The AI's side of the loop: retraining, synthetic content, attribution."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosim.platforms import SYNTHETIC
from ecosim.registry import Cite, mechanism
from ecosim.schema import Param, Params, declare

if TYPE_CHECKING:
    from ecosim.model import EcosystemModel

declare(
    Param("ai.retrain_interval", 52, "weeks",
          "Weeks between training runs (each gives a new model generation).", 1, 5200,
          group="ai"),
    Param("ai.cutoff_lag_weeks", 26, "weeks",
          "How much older than its release a model's knowledge effectively is (E-cutoff).",
          0, 520, group="ai"),
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
    Param("attribution.share", 0.0, "share 0..1",
          "Share of AI answers that cite their source platform with a link.", 0.0, 1.0,
          group="interventions"),
    Param("public_ai.attribution_share", 1.0, "share 0..1",
          "Share of the public AI's answers that cite their source with a link.", 0.0, 1.0,
          group="interventions"),
    Param("attribution.click_rate", 0.01, "share 0..1",
          "Chance a reader follows a cited link to the platform (E-pew-clicks: 1%).",
          0.0, 1.0, group="interventions"),
)


@mechanism(
    key="ai_retraining",
    summary="The AI retrains every few weeks on a snapshot of the platforms; between "
            "trainings its answers go stale as the world drifts past its cutoff.",
    intent="Knowledge cutoff, loop step 4: a model knows what its training data knew; "
           "retrained on stale platforms, the next model is worse.",
    evidence=[Cite("E-data-value", "20% of the data gets 80% of the way to best-case "
                   "performance (the concave data-value curve, ai.data_value_exponent)"),
              Cite("E-cutoff", "effective cutoffs are earlier than stated (ai.cutoff_lag_weeks)",
                   form_only=True),
              Cite("E-lazaridou", "performance on the future decays with time since training",
                   form_only=True),
              Cite("E-capability-steps", "each new generation changes substitution",
                   form_only=True)],
    targets=["T-tipping", "T-SO-gap"],
    parameters=["ai.retrain_interval", "ai.cutoff_lag_weeks", "ai.capability",
                "ai.data_value_exponent", "ai.best_case_data", "synthetic.content_value",
                "platforms.qa_coverage_scale", "platforms.wiki_coverage_scale",
                "demand.qa_share", "mechanisms.ai_retraining", "public_ai.capability",
                "public_ai.opt_in", "ai.generation2_week", "ai.generation2_capability", "ai.generation3_week",
                "ai.generation3_capability"],
    assumptions=["A topic's answers go stale at the demand-weighted mix of its Q&A and "
                 "encyclopedic drift rates.",
                 "A more capable generation (ai.generation2_week, ai.generation3_week) is a "
                 "new training run at the new capability.",
                 "The public AI retrains on the same schedule, on opted-in content only."],
)
def ai_retraining(model: EcosystemModel, p: Params, rng: np.random.Generator) -> None:
    """Train a new generation when due; otherwise let the current one go stale."""
    share = p["demand.qa_share"]
    drift = share * model.qa.drift + (1.0 - share) * model.wiki.drift
    for ai in model.ais:
        if not ai.launched:
            continue
        if ai.retrain_due(p):
            ai.train(p)
        age = model.week - ai.trained_week + p["ai.cutoff_lag_weeks"]
        ai.quality = ai.quality_at_training * np.exp(-drift * age)


@mechanism(
    key="synthetic_content",
    summary="Part of new posts is AI-written; training on it adds error to the next "
            "generation, without bound if new data replaces old, bounded if it accumulates.",
    intent="Model collapse: models trained on model output lose the tails of the "
           "distribution; whether real data is kept decides how far it goes.",
    evidence=[Cite("E-shumailov", "training on generated data degrades models over "
                   "generations; keeping original data mitigates"),
              Cite("E-gerstgrasser", "replace: error grows linearly with generations; "
                   "accumulate: error stays bounded (sum of 1/g^2)"),
              Cite("T-replace-vs-accumulate", "the target pattern")],
    targets=["T-replace-vs-accumulate"],
    parameters=["synthetic.post_share", "synthetic.training", "synthetic.collapse_rate",
                "synthetic.detection", "ai.retrain_interval", "mechanisms.ai_retraining",
                "ai.capability", "public_ai.capability", "public_ai.opt_in", "ai.generation2_week", "ai.generation2_capability", "ai.generation3_week",
                "ai.generation3_capability"],
    assumptions=["A generation's error grows by collapse_rate x (synthetic share of its "
                 "training data), divided by g^2 for accumulated data (Gerstgrasser's "
                 "linear-model result taken as the form).",
                 "The error is inherited along the chain of generations; fresh human data "
                 "dilutes it only through the synthetic share."],
)
def synthetic_content(model: EcosystemModel, p: Params, rng: np.random.Generator) -> None:
    """Add AI-written posts; before a retraining, add the collapse error of its data."""
    if not model.ai_available:
        return
    adopters = model.people.adopter.mean() if model.people.size else 0.0
    s = p["synthetic.post_share"] * adopters
    n = model.people.size
    for platform in (model.qa, model.wiki):
        posts = rng.poisson(platform.contributions * s / (1.0 - s))
        new = np.zeros_like(platform.content)
        new[:, SYNTHETIC] = posts / n
        platform.add_content(new)
        platform.synthetic_posts = posts.astype(np.float64)
    for ai in model.ais:
        # Every AI, launched or not: one that launches later trains on filtered data at once.
        ai.withheld[:, SYNTHETIC] = p["synthetic.detection"]
        if ai.retrain_due(p):
            qa, wiki = ai.training_data()
            total = qa.sum() + wiki.sum()
            sigma = ((qa[:, SYNTHETIC].sum() + wiki[:, SYNTHETIC].sum()) / total
                     if total > 0 else 0.0)
            g = ai.generation + 1
            step = p["synthetic.collapse_rate"] * sigma
            ai.collapse_error += step if p["synthetic.training"] == "replace" else step / g**2
            ai.training_synthetic_share = sigma


@mechanism(
    key="attribution",
    summary="A share of AI answers cite the source platform (all of the public AI's, by "
            "default); a few readers follow the link.",
    intent="Attribution and public AI: an AI that sends readers back restores part of the "
           "platforms' audience.",
    evidence=[Cite("E-pew-clicks", "readers follow a link inside an AI summary in 1% of "
                   "visits (attribution.click_rate)")],
    targets=["T-SO-visits"],
    parameters=["attribution.share", "attribution.click_rate", "public_ai.attribution_share"],
)
def attribution(model: EcosystemModel, p: Params, rng: np.random.Generator) -> None:
    """Send the clicks on cited links to the platforms as visits."""
    week = model.flows
    click = p["attribution.click_rate"]
    commercial = (week.ai_answers - week.public_answers).astype(np.int64)
    if model.ai.launched and p["attribution.share"] * click > 0:
        week.clicks += rng.binomial(commercial, p["attribution.share"] * click)
    if model.public_ai.launched and p["public_ai.attribution_share"] * click > 0:
        week.clicks += rng.binomial(week.public_answers, p["public_ai.attribution_share"] * click)

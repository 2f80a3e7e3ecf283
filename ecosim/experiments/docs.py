"""The ODD+STIE document (docs/ODD.md), generated from the code.

Every section comes from what the model itself declares: the mechanisms' STIE cards and
docstrings (:data:`ecosim.model.schedule.REGISTRY`), the order of a week
(:data:`ecosim.model.mechanisms.WEEK`), the scenario keys with their units and ranges
(:data:`ecosim.model.params.SCHEMA`), the recorded columns
(:data:`ecosim.model.observables.COLUMNS`), the targets (:data:`ecosim.stie.targets.TARGETS`)
and the entity classes' docstrings. Results that take minutes to compute (validation and
ablation of the dated scenarios) are read from the committed ``docs/results.json``, which
``ecosim docs --refresh`` regenerates. The file also pins what the model computes: the
output hash of every shipped scenario, and of the ablated scenario (small) with each
mechanism switched off. ``tests/test_docs.py`` runs those again, so the results are known
to describe the model as it is, whatever the source looks like: a comment changes nothing,
a change of output is caught. The document is deterministic: no clock, no machine details.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecosim.experiments.executors import INLINE, Execution
from ecosim.model.params import SCHEMA
from ecosim.model.rules import RULES
from ecosim.model.schedule import REGISTRY, parameters_read
from ecosim.stie.cards import level_counts, model_level, stie_level, tier
from ecosim.stie.evidence import EVIDENCE

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
RESULTS = DOCS / "results.json"
PLOT = DOCS / "ablation.png"
SCENARIOS = ("scenarios/stackoverflow.toml", "scenarios/wikipedia.toml")
ABLATED = "scenarios/stackoverflow.toml"
PIN_POPULATION = 1000
"""People in the pinned ablation runs (small: the pins check the code paths, not results)."""


def pinned_runs(root: Path = ROOT) -> dict[str, tuple[str, list[str]]]:
    """The runs whose outputs ``docs/results.json`` pins, by label: (scenario, --set items).

    Every shipped scenario as written, and the ablated scenario at
    :data:`PIN_POPULATION` people with each mechanism it has on switched off in turn.
    """
    from ecosim.model.mechanisms import WEEK
    from ecosim.model.scenario import load_scenario

    runs = {rel: (rel, []) for rel in sorted(f"scenarios/{f.name}"
                                             for f in (root / "scenarios").glob("*.toml"))}
    small = [f"population.size={PIN_POPULATION}"]
    runs[f"{ABLATED} small"] = (ABLATED, small)
    on = load_scenario(root / ABLATED).params
    for key in WEEK:
        if on[f"mechanisms.{key}"]:
            runs[f"{ABLATED} small, {key} off"] = (ABLATED, small + [f"mechanisms.{key}=false"])
    return runs


def pin_outputs(root: Path = ROOT,
                progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
    """Run every pinned run and return its seed, regime and output hash, by label."""
    from ecosim.experiments.run import run_scenario
    from ecosim.model.scenario import load_scenario

    runs = pinned_runs(root)
    out = {}
    for i, (label, (rel, sets)) in enumerate(runs.items()):
        result = run_scenario(load_scenario(root / rel, sets))
        out[label] = {"scenario": rel, "set": sets, "seed": result.manifest["seed"],
                      "regime": result.regime.name,
                      "output_sha256": result.manifest["output_sha256"]}
        if progress:
            progress("pinning outputs", i + 1, len(runs))
    return out


def refresh_results(replicates: int | None = None,
                    progress: Callable[[str, int, int], None] | None = None,
                    path: Path = RESULTS, execution: Execution = INLINE) -> dict[str, Any]:
    """Re-run validation of the dated scenarios, ablation of the Q&A one and the pinned
    runs; write the file."""
    from ecosim.experiments.ablate import ablate, plot
    from ecosim.experiments.outputs import atomic_write
    from ecosim.experiments.studies import run_studies
    from ecosim.experiments.validate import DEFAULT_REPLICATES, validate
    from ecosim.model.scenario import load_scenario

    results: dict[str, Any] = {"outputs": pin_outputs(progress=progress), "validation": {},
                               "substitution": {}}
    if progress:
        progress("studies", 0, 1)
    results["studies"] = [r.record() for r in run_studies()]
    from ecosim.experiments.interventions import measure_all
    from ecosim.experiments.tipping import tipping

    if progress:
        progress("tipping and interventions", 0, 1)
    results["tipping"] = [tipping(ROOT / rel).record() | {"scenario": rel}
                          for rel in TIPPING_SCENARIOS]
    results["interventions"] = [r.record() for r in measure_all()]
    results["sobol"] = read_sobol(SOBOL)
    for rel in SCENARIOS:
        sc = load_scenario(ROOT / rel)
        for null, into in ((None, "validation"), ("substitution", "substitution")):
            label = f"validate {rel}" + (f" ({null} null)" if null else "")
            tick = ((lambda d, t, label=label: progress(label, d, t)) if progress else None)
            v = validate(sc, replicates=replicates or DEFAULT_REPLICATES, progress=tick,
                         execution=execution, null=null, nulls=null is None)
            record = v.record()
            record["scenario"] = rel
            results[into][rel] = record
    sc = load_scenario(ROOT / ABLATED)
    ab = ablate(sc, replicates=ABLATION_REPLICATES, progress=progress, execution=execution)
    record = ab.record()
    record["scenario"] = ABLATED
    results["ablation"] = record
    plot(ab, PLOT)
    atomic_write(path, lambda f: f.write(json.dumps(results, indent=1, sort_keys=True)
                                         .encode() + b"\n"))
    return results


ABLATION_REPLICATES = 8
"""Replicates per ablation variant: at 3, the full model's 90% intervals were so wide that
six of the ten targets failed with every mechanism on, and the matrix said little."""
TIPPING_SCENARIOS = ("scenarios/stackoverflow.toml", "scenarios/baseline.toml",
                     "scenarios/collapse.toml")
SOBOL = ROOT / "data" / "form_only"
"""The shipped Sobol analysis of the Q&A scenario's form-only parameters
(scenarios/sweeps/form_only.toml)."""


def read_sobol(folder: Path) -> dict[str, Any] | None:
    """The Sobol table of a shipped sweep folder (its sensitivity_sobol.csv), or None."""
    import pandas as pd

    table = folder / "sensitivity_sobol.csv"
    if not table.exists():
        return None
    meta = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
    rows = pd.read_csv(table).to_dict(orient="records")
    runs = pd.read_parquet(folder / "runs.parquet", columns=["regime"])
    return {"folder": str(folder.relative_to(ROOT)), "sweep_file": meta.get("sweep_file"),
            "samples": meta.get("samples"), "runs": len(runs), "rows": rows,
            "regimes": {k: float(v) for k, v in
                        runs.regime.value_counts(normalize=True).items()}}


def load_results(path: Path = RESULTS) -> dict[str, Any] | None:
    """The committed results, or None when there are none."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


# -- rendering ------------------------------------------------------------------------------


def _doc(obj: Any) -> str:
    return inspect.getdoc(obj) or ""


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _num(x: Any) -> str:
    return "n/a" if x is None else f"{x:+.3f}"


def _param_rows(keys) -> list[str]:
    rows = ["| key | default | unit | allowed | meaning |", "|---|---|---|---|---|"]
    for key in keys:
        param = SCHEMA[key]
        default = param.default
        default = default.isoformat() if hasattr(default, "isoformat") else default
        rows.append(f"| `{key}` | {_cell(default)} | {_cell(param.unit)} | "
                    f"{_cell(param.allowed())} | {_cell(param.meaning)} |")
    return rows


def render(results: dict[str, Any] | None = None) -> str:
    """The whole document as Markdown (reads ``docs/results.json`` when not given)."""
    from ecosim.model import model as model_module
    from ecosim.model.assistant import Assistant
    from ecosim.model.flows import Flows
    from ecosim.model.mechanisms import WEEK
    from ecosim.model.observables import COLUMNS
    from ecosim.model.people import People
    from ecosim.model.platforms import DataIncome, Encyclopedia, QAPlatform
    from ecosim.model.topics import Topics
    from ecosim.model.world import World, build_world
    from ecosim.stie.targets import TARGETS

    if results is None:
        results = load_results()
    executable = tuple(TARGETS)
    levels = {k: stie_level(REGISTRY[k].card, executable) for k in WEEK}
    out: list[str] = []
    w = out.append
    w("# ecosim: ODD + STIE description")
    w("")
    w("<!-- Generated by `ecosim docs` from the code (registry, schema, targets) and "
      "docs/results.json. Do not edit by hand. -->")
    w("")
    w("This document follows the ODD protocol (Grimm et al. 2006, 2010, 2020) and adds, for "
      "each mechanism, its STIE card (Simulation, Target, Intent, Evidence). Every table is "
      "generated from the code, so it cannot drift from it.")
    w("")
    counts = level_counts(list(levels.values()))
    w(f"**Model STIE level:** {model_level(list(levels.values()))} (the lowest over "
      f"mechanisms); mechanisms per level: "
      + ", ".join(f"{lvl} {counts[lvl]}" for lvl in "STIE") + ".")
    w("")

    # 1. Purpose and patterns
    w("## 1. Purpose and patterns")
    w("")
    w(" ".join(p.replace("\n", " ") for p in _doc(model_module).split("\n\n")[:2]))
    w("")
    w("The model asks whether an AI assistant that substitutes for knowledge platforms "
      "starts a loop (fewer readers, fewer volunteers, staler content, a worse AI), and "
      "which regime follows: collapse, decline to a lower equilibrium, resilience, or "
      "oscillation. It is judged against observed patterns at several scales "
      "(pattern-oriented modelling, Grimm et al. 2005): the targets below, each an "
      "executable check on paired runs with and without the AI (same seeds).")
    w("")
    w("A target passes only when the 90% interval of its value over the replicates (and of "
      "each of its checks) lies inside its range. Ranges are centred on the published point "
      "estimate with a stated tolerance (a qualitative pattern asks for its direction by a "
      "margin). Each target names the null world it must reject (`ecosim.stie.targets."
      "NULLS`): without the AI, with the loop frozen (substitution only), or without "
      "AI-written posts.")
    w("")
    w("| target | kind | pattern | measured | point | accepted | null to reject | tier | "
      "source | applies to |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for t in TARGETS.values():
        point = "qualitative" if t.point is None else f"{t.point:g}"
        w(f"| {t.key} | {t.kind} | {_cell(t.pattern)} | {_cell(t.measured)} | {point} | "
          f"[{t.low:g}, {t.high:g}] | {t.null or 'none'} | {t.tier} | {_cell(t.source)} | "
          f"{', '.join(t.applies_to).replace('*', 'any')} |")
    w("")
    w("Why these ranges, and these nulls:")
    w("")
    for t in TARGETS.values():
        proxy = f" *Proxy:* {t.proxy}." if t.proxy else ""
        null = f" *Null:* {t.null or 'none'}: {t.null_why}."
        w(f"- **{t.key}**: {t.why}{proxy}{null}")
    w("")
    w("T-tipping (Acemoglu, Kong & Ozdaglar 2026) is tier C, a working paper: never a "
      "target, but an executed check (a capability sweep; its finding is below).")
    w("")
    _results_section(out, results)

    # 2. Entities
    w("## 2. Entities, state variables and scales")
    w("")
    w("Time step: one week. Runs start after `run.burn_in_weeks` unrecorded weeks without "
      "the AI; the dated scenarios cover January 2019 to December 2025. The state is one "
      "plain object, the world, that every mechanism acts on; people are many and live in "
      "its numpy columns, platforms and AIs are few. `EcosystemModel` (a `mesa.Model`) "
      "builds the world, runs the week's schedule and collects the record.")
    w("")
    built = parameters_read(build_world)
    for title, cls, reads in (("The world", World, built),
                              ("Topics", Topics, parameters_read(Topics.__init__)),
                              ("People", People, parameters_read(People.__init__)),
                              ("Q&A platform", QAPlatform, ()),
                              ("Encyclopedia", Encyclopedia, ()),
                              ("AI assistant", Assistant, ()),
                              ("Income from data deals", DataIncome, ()),
                              ("This week's flows", Flows, ())):
        w(f"### {title} (`{cls.__module__}.{cls.__name__}`)")
        w("")
        w(_doc(cls))
        w("")
        if reads:
            w("Built from: " + ", ".join(f"`{k}`" for k in reads) + ".")
            w("")
    groups: dict[str, list[str]] = {}
    for key, param in SCHEMA.items():
        if not key.startswith("mechanisms."):
            groups.setdefault(param.group, []).append(key)
    w("### Scenario keys (parameters)")
    w("")
    for group in sorted(groups):
        w(f"**{group}**")
        w("")
        out.extend(_param_rows(groups[group]))
        w("")

    # 3. Process overview
    w("## 3. Process overview and scheduling")
    w("")
    w("Each week the mechanisms run in this order (`ecosim.model.mechanisms.WEEK`, the "
      "one schedule both engines walk); a mechanism switched off is skipped. Then the week "
      "is recorded. A mechanism acts on the world as a whole (topics, platforms, AIs) or on "
      "each person; the reference engine runs the latter agent by agent.")
    w("")
    for i, key in enumerate(WEEK, 1):
        card = REGISTRY[key].card
        on = "" if card.default_on else " (off by default)"
        w(f"{i}. `{key}`{on} (acts on {'each person' if card.scale == 'people' else 'the world'})"
          f": {card.summary}")
    w("")

    # 4. Design concepts
    w("## 4. Design concepts")
    w("")
    w("- **Basic principles.** Substitution of an AI for platform visits; the reader-to-"
      "contributor funnel; contributors value their audience; training data goes stale "
      "(knowledge cutoff); model collapse from training on AI output.")
    w("- **Emergence.** Roles (lurker, occasional, core) from heterogeneous motivation; "
      "the regime (collapse, decline, resilient, oscillation; `ecosim.stie.regimes`) from the "
      "interplay of the mechanisms.")
    w("- **Adaptation and learning.** Communities learn the AI's quality from experience "
      "(`ai.reputation_learning`); contributors adapt to a new audience level over "
      "`platforms.audience_memory_weeks`.")
    w("- **Objectives and prediction.** People take each need to the source they believe "
      "better (a logit choice); there is no explicit optimisation or foresight.")
    w("- **Sensing.** People sense their topic community's perceived AI quality, the "
      "platforms' coverage and answered share, and their social ties' adoption.")
    w("- **Interaction.** Through the social network (adoption, contributor ties), through "
      "the platforms (questions and answers, shared content) and through the AI's training "
      "data.")
    w("- **Stochasticity.** All randomness comes from the model's numpy generator; each "
      "mechanism draws from its own spawned stream, so runs with and without the AI (or "
      "with a mechanism off) share every draw that does not involve the difference "
      "(common random numbers).")
    w("- **Collectives.** Topic communities; provenance groups of contributors (core, "
      "occasional, newcomer) and data-strike groups.")
    w("- **Observation.** One row per recorded week with these columns "
      "(`ecosim.model.observables.COLUMNS`):")
    w("")
    for name, meaning in COLUMNS.items():
        w(f"  - `{name}`: {meaning}")
    w("")

    # 5. Initialization
    w("## 5. Initialization")
    w("")
    paragraphs = _doc(model_module).split("\n\n")
    w(" ".join(p.replace("\n", " ") for p in paragraphs[2:]))
    w("")
    w("People are drawn with their topic (by popularity), need rate, motivation and home "
      "platform; each person starts as a contributor with their long-run chance of being "
      "one at the usual audience; the platforms are seeded with content; then "
      "`run.burn_in_weeks` weeks run without the AI and without recording, so that week 0 "
      "starts from the community's steady state.")
    w("")

    # 6. Input data
    w("## 6. Input data")
    w("")
    w("The model reads no external time series. Published figures set parameter defaults, "
      "calibration bounds and anchors, and target ranges; they are cited by key "
      "(docs/evidence.md, a copy of the project's shared evidence file):")
    w("")
    w("| key | tier | source | figure |")
    w("|---|---|---|---|")
    for key, s in EVIDENCE.items():
        w(f"| {key} | {s.tier} | {_cell(s.source)} | {_cell(s.figure)} |")
    w("")

    # 7. Submodels
    w("## 7. Submodels (one STIE card per mechanism)")
    w("")
    for key in WEEK:
        mech = REGISTRY[key]
        card = mech.card
        w(f"### `{key}` (STIE level {levels[key]})")
        w("")
        w(f"*{card.summary}*")
        w("")
        w(f"- **Intent:** {card.intent}")
        w(f"- **Family:** `ecosim.model.mechanisms.{card.family}`; switch `{card.switch}` "
          f"(default {'on' if card.default_on else 'off'}); acts on "
          f"{'each person' if card.scale == 'people' else 'the world'}.")
        if card.ablation:
            w(f"- **Not ablated:** {card.ablation}.")
        served = [f"{t}{'' if t in executable else ' (no executable check)'}"
                  for t in card.targets]
        w(f"- **Targets:** {', '.join(served) or 'none yet'}")
        doc = _doc(card.fn)
        if doc:
            w(f"- **How it works:** {doc.replace(chr(10), ' ')}")
        w("- **Evidence:**")
        for c in card.evidence:
            form = ", form only" if c.form_only else ""
            w(f"  - {c.key} (tier {tier(c)}{form}): {c.use}")
        if card.assumptions:
            w("- **Assumptions:**")
            for a in card.assumptions:
                w(f"  - {a}")
        w("")
        keys = [k for k in card.parameters if not k.startswith("mechanisms.")]
        if keys:
            w("Parameters it reads (read off its code):")
            w("")
            out.extend(_param_rows(keys))
            w("")

    # Verification: docking of the two engines
    from ecosim.model import reference

    w("## Verification: docking the fast engine with a classic-Mesa reference")
    w("")
    for paragraph in _doc(reference).split("\n\n"):
        w(paragraph.replace("\n", " "))
        w("")
    w("`tests/test_docking.py` runs both engines on the same small world (600 people, 12 "
      "topics, 156 recorded weeks) over 10 replicate seeds each and compares four outcomes "
      "(final active contributors, new questions, AI share of needs, AI quality): Welch's "
      "t-test must not reject equal means at p < 0.01/4 (Bonferroni), the means must differ "
      "by less than 15% of the fast engine's mean, and at least half of the reference runs "
      "must end in the fast engine's most common regime. The per-person rules both engines "
      "call are the `@rule` functions of `ecosim/model/` "
      f"({', '.join(f'`{name}`' for name in sorted(RULES))}).")
    w("")
    return "\n".join(out).rstrip() + "\n"


def _studies_section(out: list[str], studies: list[dict[str, Any]] | None) -> None:
    """The studies behind the mechanisms, re-run in the model."""
    if not studies:
        return
    w = out.append
    w("**Every mechanism inside its evidence** (`ecosim.experiments.studies`; "
      "`tests/test_evidence.py`): the published setting re-run in the model; a study "
      "passes when its 90% interval lies inside the accepted range.")
    w("")
    w("| evidence | setting | measured | figure | value | 90% interval | accepted | result |")
    w("|---|---|---|---|---|---|---|---|")
    for s in studies:
        lo, hi = s["interval"]
        w(f"| {s['key']} | {_cell(s['setting'])} | {_cell(s['measured'])} | "
          f"{_cell(s['figure'])} | {_num(s['value'])} | [{_num(lo)}, {_num(hi)}] | "
          f"[{s['range'][0]:g}, {s['range'][1]:g}] | {'pass' if s['passed'] else 'FAIL'} |")
    w("")


def _tipping_section(out: list[str], tipping: list[dict[str, Any]] | None) -> None:
    """T-tipping, executed: a capability sweep and what it finds."""
    if not tipping:
        return
    w = out.append
    w("**T-tipping, executed** (`ecosim.experiments.tipping`): every AI generation at one "
      "capability, swept from low to high, with replicate seeds; production's final level "
      "over its pre-launch level (mean over seeds) and the regime shares at each level.")
    w("")
    caps = [lv["capability"] for lv in tipping[0]["levels"]]
    w("| scenario | " + " | ".join(f"{c:g}" for c in caps) + " | finding |")
    w("|---|" + "---|" * len(caps) + "---|")
    for t in tipping:
        cells = []
        for lv in t["levels"]:
            top = max(lv["regimes"], key=lv["regimes"].get)
            cells.append(f"{lv['production']:.2f} ({top} {100 * lv['regimes'][top]:.0f}%)")
        w(f"| {t['scenario']} | " + " | ".join(cells) + f" | {_cell(t['finding'])} |")
    w("")
    if all(t["threshold"] is None for t in tipping):
        w("The model has no capability threshold: in none of these worlds does one step of "
          "capability tip the communities. Where they collapse, they collapse at every "
          "capability swept; the AI's convenience and the volunteers' response to their "
          "audience decide the regime (see the regime map, scenarios/sweeps/regime_map.toml).")
        w("")


def _interventions_section(out: list[str], results: list[dict[str, Any]] | None) -> None:
    """Each intervention against the same world without it."""
    if not results:
        return
    w = out.append
    r0 = results[0]
    w(f"**Interventions, measured** (`ecosim.experiments.interventions`): each intervention "
      f"scenario against itself with the intervention switched off, {r0['replicates']} "
      f"paired seeds of {r0['population']:,} people; mean effect and 90% interval while "
      "it runs and after it ends. Relative effects are intervention / control - 1; the AI's "
      "quality and the core's share of its training data are differences. `~`: within "
      "noise (the interval includes zero).")
    w("")
    w("| intervention | weeks | window | answers | edits | active contributors | "
      "AI quality | core share of training data |")
    w("|---|---|---|---|---|---|---|---|")
    for r in results:
        for window in ("during", "after"):
            effects = [e for e in r["effects"] if e["window"] == window]
            if not effects:
                continue
            cells = [f"{'~' if e['within_noise'] else ''}{e['value']:+.3f} "
                     f"[{e['interval'][0]:+.3f}, {e['interval'][1]:+.3f}]" for e in effects]
            w(f"| {r['name']} | {r['weeks'][0]}-{r['weeks'][1]} | {window} | "
              + " | ".join(cells) + " |")
    w("")


def _sobol_section(out: list[str], sobol: dict[str, Any] | None) -> None:
    """The Sobol indices of the Q&A scenario's form-only parameters."""
    if not sobol:
        return
    w = out.append
    w(f"**Which form-only parameters decide the outcome** (`{sobol['sweep_file']}`, Sobol "
      f"design, {sobol['samples']} samples, {sobol['runs']:,} runs; first-order S1 and "
      f"total ST indices with 95% confidence half-widths; plot: "
      f"`{sobol['folder']}/sensitivity_sobol.png`). Regimes over all runs: "
      + ", ".join(f"{k} {100 * v:.1f}%" for k, v in sobol["regimes"].items()) + ".")
    w("")
    w("| outcome | parameter | S1 | ST |")
    w("|---|---|---|---|")
    for row in sobol["rows"]:
        if row["outcome"] not in ("production_ratio", "final_ai_quality"):
            continue
        w(f"| {row['outcome']} | {row['key']} | {row['S1']:+.3f} +- {row['S1_conf']:.3f} "
          f"| {row['ST']:.3f} +- {row['ST_conf']:.3f} |")
    w("")
    prod = [r for r in sobol["rows"] if r["outcome"] == "production_ratio"]
    decisive = [r["key"] for r in prod if r["S1"] - r["S1_conf"] > 0]
    rest = [r["key"] for r in prod if r["key"] not in decisive]
    top = max(sobol["regimes"].values())
    w(f"- Deciding where production ends (first-order index clear of zero): "
      f"{', '.join(decisive) or 'none'}. The others' first-order indices are "
      f"indistinguishable from zero: they act only together with other parameters and "
      f"the seed ({', '.join(rest)}).")
    w(f"- The regime: {'one regime holds in ' + f'{100 * top:.1f}% of the runs' if top > 0.95 else 'it changes across the space'}"
      f"{': no form-only parameter, over its whole range, changes it' if top > 0.95 else ''}.")
    w("")


def _loop_section(out: list[str], results: dict[str, Any]) -> None:
    """Which targets need the loop: the full model against the substitution-only null."""
    null = results.get("substitution") or {}
    if not null:
        return
    w = out.append
    w("**The loop identified** (`ecosim validate --null substitution`): the same targets "
      "with the loop frozen from the launch (contributors, the reader funnel and the AI's "
      "training data do not respond; people still substitute). A target that passes in "
      "the full model and fails in the null needs the loop.")
    w("")
    w("| scenario | target | full model | substitution only | needs the loop |")
    w("|---|---|---|---|---|")
    needing = []
    for rel, v in null.items():
        full = {t["key"]: t for t in results["validation"][rel]["targets"]}
        for t in v["targets"]:
            f = full[t["key"]]
            needs = f["passed"] and not t["passed"]
            if needs:
                needing.append(t["key"])
            w(f"| {rel} | {t['key']} | {_num(f['value'])} ({'pass' if f['passed'] else 'FAIL'})"
              f" | {_num(t['value'])} ({'pass' if t['passed'] else 'FAIL'}) | "
              f"{'yes' if needs else 'no'} |")
    w("")
    needing = list(dict.fromkeys(needing))  # a target of two scenarios, once
    w("Published patterns that need the loop: " + (", ".join(needing) if needing else
      "none: substitution alone reproduces every pattern that the full model does") + ".")
    w("")


def _results_section(out: list[str], results: dict[str, Any] | None) -> None:
    w = out.append
    w("### Current results")
    w("")
    if not results:
        w("No results file yet: run `ecosim docs --refresh`.")
        w("")
        return
    pins = results.get("outputs", {})
    if pins:
        w(f"These results were computed from a model whose output the tests pin: the "
          f"{len(pins)} runs below give these output hashes, and `tests/test_docs.py` runs "
          "them again. A change of the model's output fails that test until `ecosim docs "
          "--refresh` recomputes everything here.")
        w("")
        w("| pinned run | seed | regime | output_sha256 (first 16) |")
        w("|---|---|---|---|")
        for label, pin in pins.items():
            w(f"| {_cell(label)} | {pin['seed']} | {pin['regime']} | "
              f"`{pin['output_sha256'][:16]}` |")
        w("")
    _studies_section(out, results.get("studies"))
    for rel, v in results.get("validation", {}).items():
        w(f"**{rel}** ({v['replicates']} paired replicates of {v['population']:,} people; "
          f"{'all targets pass' if v['passed'] else 'some targets fail'}):")
        w("")
        w("| target | value | 90% interval | accepted | result | checks | null rejected |")
        w("|---|---|---|---|---|---|---|")
        for t in v["targets"]:
            lo, hi = t["interval"]
            checks = "; ".join(f"{c['name']} {_num(c['value'])} in [{c['range'][0]:g}, "
                               f"{c['range'][1]:g}]: {'ok' if c['passed'] else 'no'}"
                               for c in t["checks"]) or "-"
            null = t.get("null") or {}
            rejected = ("-" if null.get("rejected") is None else
                        f"{null['name']}: {'yes' if null['rejected'] else 'NO'} "
                        f"({_num(null['value'])})")
            w(f"| {t['key']} | {_num(t['value'])} | [{_num(lo)}, {_num(hi)}] | "
              f"[{t['range'][0]:g}, {t['range'][1]:g}] | {'pass' if t['passed'] else 'FAIL'} "
              f"| {checks} | {rejected} |")
        w("")
        if v.get("regimes"):
            from ecosim.stie.regimes import describe_shares

            w(f"Regimes over the replicates: {describe_shares(v['regimes'])}.")
            w("")
    _loop_section(out, results)
    _tipping_section(out, results.get("tipping"))
    _interventions_section(out, results.get("interventions"))
    _sobol_section(out, results.get("sobol"))
    ab = results.get("ablation")
    if ab:
        w(f"**Ablation of {ab['scenario']}** ({ab['replicates']} paired replicates of "
          f"{ab['population']:,} people per variant): does each target still pass with the "
          "mechanism switched off? (`-`: the target fails with every mechanism on.)")
        w("")
        w("| switched off | " + " | ".join(ab["targets"]) + " |")
        w("|---|" + "---|" * len(ab["targets"]))
        w("| (none) | " + " | ".join("pass" if ab["full"][t] else "FAIL"
                                     for t in ab["targets"]) + " |")
        inactive = set(ab.get("inactive", ()))
        for m, row in ab["matrix"].items():
            if m in inactive:
                w(f"| {m} (inactive) | " + " | ".join("=" for _ in ab["targets"]) + " |")
                continue
            cells = ["-" if not ab["full"][t] else ("pass" if row[t] else "FAIL")
                     for t in ab["targets"]]
            w(f"| {m} | " + " | ".join(cells) + " |")
        w("")
        for t, ms in ab["needs"].items():
            w(f"- {t} needs: {', '.join(ms) or 'no single mechanism'}")
        w(f"- Active, but no target depends on them yet: "
          f"{', '.join(ab['no_target_depends_on']) or 'none'}.")
        if inactive:
            w(f"- Inactive in this scenario (switching them off changes no run; `=` in the "
              f"table): {', '.join(sorted(inactive))}.")
        w("")
        w("![ablation matrix](ablation.png)")
        w("")

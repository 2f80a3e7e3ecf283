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
    from ecosim.experiments.validate import DEFAULT_REPLICATES, validate
    from ecosim.model.scenario import load_scenario

    results: dict[str, Any] = {"outputs": pin_outputs(progress=progress), "validation": {}}
    for rel in SCENARIOS:
        sc = load_scenario(ROOT / rel)
        tick = (lambda d, t, rel=rel: progress(f"validate {rel}", d, t)) if progress else None
        v = validate(sc, replicates=replicates or DEFAULT_REPLICATES, progress=tick,
                     execution=execution)
        record = v.record()
        record["scenario"] = rel
        results["validation"][rel] = record
    sc = load_scenario(ROOT / ABLATED)
    ab = ablate(sc, progress=progress, execution=execution)
    record = ab.record()
    record["scenario"] = ABLATED
    results["ablation"] = record
    plot(ab, PLOT)
    atomic_write(path, lambda f: f.write(json.dumps(results, indent=1, sort_keys=True)
                                         .encode() + b"\n"))
    return results


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
    w("| target | pattern | measured | accepted | tier | source | applies to |")
    w("|---|---|---|---|---|---|---|")
    for t in TARGETS.values():
        w(f"| {t.key} | {_cell(t.pattern)} | {_cell(t.measured)} | [{t.low:g}, {t.high:g}] "
          f"| {t.tier} | {_cell(t.source)} | {', '.join(t.applies_to).replace('*', 'any')} |")
    w("")
    w("Why these ranges:")
    w("")
    for t in TARGETS.values():
        proxy = f" *Proxy:* {t.proxy}." if t.proxy else ""
        w(f"- **{t.key}**: {t.why}{proxy}")
    w("")
    w("T-tipping (Acemoglu, Kong & Ozdaglar 2026) is tier C, a working paper: a "
      "plausibility check for sweeps, never a target.")
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
    for rel, v in results.get("validation", {}).items():
        w(f"**{rel}** ({v['replicates']} paired replicates of {v['population']:,} people; "
          f"{'all targets pass' if v['passed'] else 'some targets fail'}):")
        w("")
        w("| target | value | 90% interval | accepted | result | checks |")
        w("|---|---|---|---|---|---|")
        for t in v["targets"]:
            lo, hi = t["interval"]
            checks = "; ".join(f"{c['name']} {_num(c['value'])} in [{c['range'][0]:g}, "
                               f"{c['range'][1]:g}]: {'ok' if c['passed'] else 'no'}"
                               for c in t["checks"]) or "-"
            w(f"| {t['key']} | {_num(t['value'])} | [{_num(lo)}, {_num(hi)}] | "
              f"[{t['range'][0]:g}, {t['range'][1]:g}] | {'pass' if t['passed'] else 'FAIL'} "
              f"| {checks} |")
        w("")
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
        for m, row in ab["matrix"].items():
            cells = ["-" if not ab["full"][t] else ("pass" if row[t] else "FAIL")
                     for t in ab["targets"]]
            w(f"| {m} | " + " | ".join(cells) + " |")
        w("")
        for t, ms in ab["needs"].items():
            w(f"- {t} needs: {', '.join(ms) or 'no single mechanism'}")
        w(f"- No target depends yet on: {', '.join(ab['no_target_depends_on']) or 'none'}.")
        w("")
        w("![ablation matrix](ablation.png)")
        w("")

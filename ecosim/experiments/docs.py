"""The ODD+STIE document (docs/ODD.md), generated from the code.

Every section comes from what the model itself declares: the mechanisms' STIE cards and
docstrings (:data:`ecosim.registry.REGISTRY`), the weekly order
(:data:`ecosim.mechanisms.WEEKLY_ORDER`), the scenario keys with their units and ranges
(:data:`ecosim.schema.SCHEMA`), the recorded columns (:data:`ecosim.observables.COLUMNS`),
the targets (:data:`ecosim.targets.TARGETS`) and the entity classes' docstrings. Results that
take minutes to compute (validation and ablation of the dated scenarios) are read from the
committed ``docs/results.json``, which ``ecosim docs --refresh`` regenerates; the file
records a fingerprint of the model's source, and the document says when the results were
computed from other code. The output is deterministic: no clock, no machine details.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecosim.evidence import EVIDENCE
from ecosim.registry import REGISTRY, RULES
from ecosim.schema import SCHEMA

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
RESULTS = DOCS / "results.json"
PLOT = DOCS / "ablation.png"
SCENARIOS = ("scenarios/stackoverflow.toml", "scenarios/wikipedia.toml")
ABLATED = "scenarios/stackoverflow.toml"

# Source files that decide model output and target results (the fingerprint's scope).
# Dashboard, CLI, sweep and documentation code, and the reference engine (validation runs
# the fast engine), are left out: changing them does not change a result.
_EXCLUDED = ("ecosim/viz/", "ecosim/cli.py", "ecosim/__main__.py", "ecosim/lesson.py",
             "ecosim/experiments/", "ecosim/reference.py")
_INCLUDED_EXPERIMENTS = ("ecosim/experiments/validate.py", "ecosim/experiments/ablate.py")


def fingerprint(root: Path = ROOT) -> str:
    """SHA-256 over the model's source files and the dated scenario files."""
    files = []
    for path in sorted((root / "ecosim").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel in _INCLUDED_EXPERIMENTS or not rel.startswith(_EXCLUDED):
            files.append(rel)
    files += list(SCENARIOS)
    h = hashlib.sha256()
    for rel in files:
        h.update(rel.encode() + b"\0")
        h.update((root / rel).read_bytes().replace(b"\r\n", b"\n"))
    return h.hexdigest()[:16]


def refresh_results(replicates: int | None = None,
                    progress: Callable[[str, int, int], None] | None = None,
                    path: Path = RESULTS) -> dict[str, Any]:
    """Re-run validation of the dated scenarios and ablation of the Q&A one; write the file."""
    from ecosim.experiments.ablate import ablate, plot
    from ecosim.experiments.validate import DEFAULT_REPLICATES, validate
    from ecosim.run import atomic_write
    from ecosim.scenario import load_scenario

    results: dict[str, Any] = {"fingerprint": fingerprint(), "validation": {}}
    for rel in SCENARIOS:
        sc = load_scenario(ROOT / rel)
        tick = (lambda d, t, rel=rel: progress(f"validate {rel}", d, t)) if progress else None
        v = validate(sc, replicates=replicates or DEFAULT_REPLICATES, progress=tick)
        record = v.record()
        record["scenario"] = rel
        results["validation"][rel] = record
    sc = load_scenario(ROOT / ABLATED)
    ab = ablate(sc, progress=progress)
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
        p = SCHEMA[key]
        default = p.default.isoformat() if hasattr(p.default, "isoformat") else p.default
        rows.append(f"| `{key}` | {_cell(default)} | {_cell(p.unit)} | {_cell(p.allowed())} "
                    f"| {_cell(p.meaning)} |")
    return rows


def render(results: dict[str, Any] | None = None) -> str:
    """The whole document as Markdown (reads ``docs/results.json`` when not given)."""
    from ecosim import model as model_module
    from ecosim.ai import AISubstitute
    from ecosim.mechanisms import WEEKLY_ORDER
    from ecosim.observables import COLUMNS
    from ecosim.platforms import Encyclopedia, QAPlatform
    from ecosim.population import People
    from ecosim.targets import TARGETS
    from ecosim.world import Topics

    if results is None:
        results = load_results()
    executable = tuple(TARGETS)
    levels = {k: REGISTRY[k].card.stie_level(executable) for k in WEEKLY_ORDER}
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
    counts = {lvl: sum(1 for v in levels.values() if v == lvl) for lvl in "STIE"}
    w(f"**Model STIE level:** {min(levels.values(), key='STIE'.index)} (the lowest over "
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
      "the AI; the dated scenarios cover January 2019 to December 2025. People are many and "
      "live in numpy columns; platforms and the AI are few and are Mesa agents.")
    w("")
    for title, cls in (("World: topics", Topics), ("People", People),
                       ("Q&A platform", QAPlatform), ("Encyclopedia", Encyclopedia),
                       ("AI substitute", AISubstitute)):
        w(f"### {title} (`{cls.__module__}.{cls.__name__}`)")
        w("")
        w(_doc(cls))
        w("")
    groups: dict[str, list[str]] = {}
    for key, p in SCHEMA.items():
        if not key.startswith("mechanisms."):
            groups.setdefault(p.group, []).append(key)
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
    w("Each week the AI launches if due, then the mechanisms run in this order "
      "(`ecosim.mechanisms.WEEKLY_ORDER`); a mechanism switched off is skipped. Then the "
      "week is recorded.")
    w("")
    for i, key in enumerate(WEEKLY_ORDER, 1):
        card = REGISTRY[key].card
        on = "" if card.default_on else " (off by default)"
        w(f"{i}. `{key}`{on}: {card.summary}")
    w("")

    # 4. Design concepts
    w("## 4. Design concepts")
    w("")
    w("- **Basic principles.** Substitution of an AI for platform visits; the reader-to-"
      "contributor funnel; contributors value their audience; training data goes stale "
      "(knowledge cutoff); model collapse from training on AI output.")
    w("- **Emergence.** Roles (lurker, occasional, core) from heterogeneous motivation; "
      "the regime (collapse, decline, resilient, oscillation; `ecosim.regimes`) from the "
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
      "(`ecosim.observables.COLUMNS`):")
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
    for key in WEEKLY_ORDER:
        mech = REGISTRY[key]
        card = mech.card
        w(f"### `{key}` (STIE level {levels[key]})")
        w("")
        w(f"*{card.summary}*")
        w("")
        w(f"- **Intent:** {card.intent}")
        w(f"- **Family:** `ecosim.mechanisms.{card.family}`; switch `{card.switch}` "
          f"(default {'on' if card.default_on else 'off'}).")
        served = [f"{t}{'' if t in executable else ' (no executable check)'}"
                  for t in card.targets]
        w(f"- **Targets:** {', '.join(served) or 'none yet'}")
        doc = _doc(mech.fn)
        if doc:
            w(f"- **How it works:** {doc.replace(chr(10), ' ')}")
        w("- **Evidence:**")
        for c in card.evidence:
            form = ", form only" if c.form_only else ""
            w(f"  - {c.key} (tier {c.tier}{form}): {c.use}")
        if card.assumptions:
            w("- **Assumptions:**")
            for a in card.assumptions:
                w(f"  - {a}")
        w("")
        keys = [k for k in card.parameters if not k.startswith("mechanisms.")]
        if keys:
            out.extend(_param_rows(keys))
            w("")

    # Verification: docking of the two engines
    from ecosim import reference

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
      "call are the `@rule` functions in `ecosim/mechanisms/` "
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
    if results.get("fingerprint") != fingerprint():
        w(f"**Stale:** these results were computed from other model code (fingerprint "
          f"{results.get('fingerprint')}, now {fingerprint()}); run `ecosim docs --refresh`.")
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

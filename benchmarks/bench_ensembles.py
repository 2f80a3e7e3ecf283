"""Ensembles: paired runs, validation, ablation, calibration, the weekly step, start-up.

Usage:
    python benchmarks/bench_ensembles.py --json benchmarks/ensembles.json
    python benchmarks/bench_ensembles.py --tiny          # a smoke run (the test suite's)

Each figure is measured side by side with the path ensembles took before runs were forked
(every arm of every replicate run from its first week, one after another):

- paired: one paired replicate of the Stack Overflow scenario at validation size (the AI
  world and the world without it), forked and unforked, against a single run;
- validate / ablate: ``ecosim validate|ablate scenarios/stackoverflow.toml`` as a user runs
  them (wall clock, 2 workers), and the same ensembles in-process, forked and unforked;
- calibrate: the shipped Stack Overflow calibration (its header's settings) on 2 workers:
  simulations and wall clock;
- step: person-steps per second at 10,000 and 1,000,000 people (AI launched at week 0);
- startup: ``ecosim --help``, ``ecosim mechanisms`` and a user error, wall clock.

Not a test: no thresholds. Figures go in benchmarks/README.md with the machine they came
from; the machine is shared and noisy, so ratios are quoted where they matter.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ECOSIM = [sys.executable, "-m", "ecosim"]
SO = "scenarios/stackoverflow.toml"


def wall(cmd: list[str], repeat: int = 1) -> float:
    """Median wall-clock seconds of a command (its output discarded)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def timed(fn, repeat: int = 1) -> float:
    """Median seconds of ``fn()``."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def unforked_arms(scenario, arms, seeds):
    """The arms of each replicate, each run alone from its first week (the old path)."""
    from ecosim.experiments.run import run_scenario
    from ecosim.experiments.validate import arm_scenarios

    return [{arm: run_scenario(sc).timeseries
             for arm, sc in zip(arms, arm_scenarios(scenario, arms, seed), strict=True)}
            for seed in seeds]


def bench_paired(scenario, repeat: int) -> dict:
    from ecosim.experiments.run import run_family, run_scenario
    from ecosim.experiments.validate import arm_scenarios

    arms = arm_scenarios(scenario, ["ai", "no_ai"], scenario.params.run.seed)
    single = timed(lambda: run_scenario(arms[0]), repeat)
    forked = timed(lambda: run_family(arms), repeat)
    unforked = timed(lambda: [run_scenario(a) for a in arms], repeat)
    return {"single_s": round(single, 3), "paired_forked_s": round(forked, 3),
            "paired_unforked_s": round(unforked, 3),
            "forked_per_single": round(forked / single, 3),
            "unforked_per_single": round(unforked / single, 3)}


def bench_validate(scenario, replicates: int, tiny: bool) -> dict:
    from ecosim.experiments.executors import Execution
    from ecosim.experiments.validate import (
        ARMS,
        applicable,
        replicate_seeds,
        run_arms,
        scenario_name,
        shorten,
        validation_scenario,
    )

    targets = applicable(scenario_name(scenario))
    sc = shorten(validation_scenario(scenario), targets)
    seeds = replicate_seeds(sc.params.run.seed, replicates)
    arms = [a for a in ARMS if any(a in t.arms for t in targets)]
    out = {"replicates": replicates, "arms": arms,
           "unforked_inline_s": round(timed(lambda: unforked_arms(sc, arms, seeds)), 3),
           "forked_inline_s": round(timed(lambda: run_arms(sc, arms, seeds)), 3),
           "forked_2_workers_s": round(timed(lambda: run_arms(
               sc, arms, seeds, execution=Execution("local", 2))), 3)}
    if not tiny:
        out["cli_wall_s"] = round(wall(ECOSIM + ["validate", SO, "--workers", "2"], 3), 3)
    return out


def bench_ablate(scenario, tiny: bool) -> dict:
    from ecosim.experiments.ablate import DEFAULT_ABLATION_REPLICATES, ablate, ablated
    from ecosim.experiments.executors import Execution
    from ecosim.experiments.validate import (
        ARMS,
        applicable,
        replicate_seeds,
        scenario_name,
        shorten,
        validation_scenario,
    )

    reps = 1 if tiny else DEFAULT_ABLATION_REPLICATES
    out = {"replicates": reps,
           "forked_inline_s": round(timed(lambda: ablate(scenario, replicates=reps)), 3),
           "forked_2_workers_s": round(timed(lambda: ablate(
               scenario, replicates=reps, execution=Execution("local", 2))), 3)}
    targets = applicable(scenario_name(scenario))
    arms = [a for a in ARMS if any(a in t.arms for t in targets)]
    variants = [scenario] + [scenario.with_values({f"mechanisms.{k}": False})
                             for k in ablated() if scenario.params[f"mechanisms.{k}"]]
    seeds = replicate_seeds(scenario.params.run.seed, reps)

    def unforked():
        for v in variants:
            unforked_arms(shorten(validation_scenario(v), targets), arms, seeds)

    out["unforked_inline_s"] = round(timed(unforked), 3)
    out["runs"] = len(variants) * len(arms) * reps
    if not tiny:
        out["cli_wall_s"] = round(wall(ECOSIM + ["ablate", SO, "--workers", "2"]), 3)
    return out


def bench_calibrate() -> dict:
    """The shipped Stack Overflow calibration's settings (its header), on 2 workers."""
    from ecosim.experiments.calibrate import calibrate
    from ecosim.experiments.executors import Execution
    from ecosim.experiments.validate import ARMS
    from ecosim.model.scenario import load_scenario
    from ecosim.stie.targets import TARGETS

    keys = ["ai.innovation", "ai.imitation"]
    fitted = ["T-SO-gap", "T-SO-visits", "T-traffic-lt-posts", "T-popular-topics",
              "T-no-quality-drop"]
    targets = [TARGETS[k] for k in fitted]
    arms = [a for a in ARMS if any(a in t.arms for t in targets)]
    t = time.perf_counter()
    result = calibrate(load_scenario(ROOT / SO), keys, targets=targets, replicates=3,
                       population=3000, maxiter=6, popsize=4, seed=2025,
                       execution=Execution("local", 2))
    seconds = time.perf_counter() - t
    simulations = (result.evaluations + 1) * 3 * len(arms)  # + the final check
    return {"keys": keys, "candidates": result.evaluations, "simulations": simulations,
            "wall_s": round(seconds, 1), "workers": 2, "misfit": result.misfit}


def bench_step(people: int, weeks: int) -> dict:
    code = ("import json, sys; sys.path.insert(0, 'benchmarks'); from bench_step import measure; "
            f"print(json.dumps(measure({people}, {weeks}, 0)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return {"people": people, "weeks": weeks, "ms_per_week": round(r["seconds_per_week"] * 1e3, 3),
            "person_steps_per_s": r["person_steps_per_s"]}


def bench_startup(repeat: int) -> dict:
    return {"help_s": round(wall(ECOSIM + ["--help"], repeat), 3),
            "mechanisms_s": round(wall(ECOSIM + ["mechanisms"], repeat), 3),
            "user_error_s": round(wall(ECOSIM + ["run", SO, "--set", "ai.bogus=1"], repeat), 3)}


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="write the figures to this JSON file")
    ap.add_argument("--tiny", action="store_true", help="a smoke run at tiny settings")
    ap.add_argument("--skip", default="", help="comma-separated parts to leave out "
                    "(paired, validate, ablate, calibrate, step, startup)")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    sys.path.insert(0, str(ROOT))
    from ecosim.model.scenario import load_scenario

    if args.tiny:
        scenario = load_scenario(ROOT / SO, ["population.size=300", "world.topics=10",
                                              "run.burn_in_weeks=20", "run.weeks=60",
                                              "ai.launch_week=20"])
        skip |= {"calibrate"}
    else:
        scenario = load_scenario(ROOT / SO, ["population.size=5000"])
    figures: dict = {"machine": f"{platform.machine()} python {platform.python_version()}",
                     "date": time.strftime("%Y-%m-%d")}
    parts = {
        "paired": lambda: bench_paired(scenario, 1 if args.tiny else 3),
        "validate": lambda: bench_validate(scenario, 2 if args.tiny else 8, args.tiny),
        "ablate": lambda: bench_ablate(scenario, args.tiny),
        "calibrate": bench_calibrate,
        "step": lambda: [bench_step(n, w) for n, w in (
            ((1000, 20), (10_000, 20)) if args.tiny else ((10_000, 1000), (1_000_000, 40)))],
        "startup": lambda: bench_startup(1 if args.tiny else 5),
    }
    for name, run in parts.items():
        if name in skip:
            continue
        figures[name] = run()
        print(name, json.dumps(figures[name]), flush=True)
    if "step" in figures and len(figures["step"]) == 2:
        small, large = figures["step"]
        figures["step_rate_small_over_large"] = round(
            small["person_steps_per_s"] / large["person_steps_per_s"], 3)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Speed and memory of the weekly step: person-steps per second and peak memory.

Usage:
    python benchmarks/bench_step.py --people 10000 --weeks 520
    python benchmarks/bench_step.py --people 1000000 --weeks 52 --json out.json

Construction (building people, network and platforms) and the unrecorded burn-in are timed
separately from the recorded weeks. Peak memory is the process's maximum resident set size.
Not a test: no thresholds; figures go in benchmarks/README.md with the machine they came from.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import time

from ecosim import Scenario
from ecosim.model.reference import ENGINES


def measure(people: int, weeks: int, burn_in: int, seed: int = 1, engine: str = "fast") -> dict:
    """Build, burn in and run a baseline world of ``people``; return timings and memory."""
    scenario = Scenario.from_overrides({"population.size": people, "run.weeks": weeks,
                                        "run.burn_in_weeks": 0, "ai.launch_week": 0})
    t0 = time.perf_counter()
    model = ENGINES[engine](scenario, seed=seed)
    built = time.perf_counter() - t0
    # The AI launches at week 0, so every timed week runs every mechanism (the costly case).
    t1 = time.perf_counter()
    for _ in range(burn_in):
        model.step()
    t2 = time.perf_counter()
    steps = 0
    while model.running:
        model.step()
        steps += 1
    elapsed = time.perf_counter() - t2
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "engine": engine,
        "people": people,
        "weeks": steps + burn_in,
        "construction_s": round(built, 3),
        "seconds_per_week": round((elapsed + (t2 - t1)) / max(steps + burn_in, 1), 5),
        "person_steps_per_s": round(people * (steps + burn_in) / (elapsed + (t2 - t1))),
        "total_s": round(time.perf_counter() - t0, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "machine": f"{platform.machine()} {platform.processor() or ''} python "
                   f"{platform.python_version()}".strip(),
    }


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--weeks", type=int, default=520)
    ap.add_argument("--burn-in", type=int, default=0)
    ap.add_argument("--engine", choices=sorted(ENGINES), default="fast")
    ap.add_argument("--json", help="also write the result to this JSON file")
    args = ap.parse_args()
    result = measure(args.people, args.weeks, args.burn_in, engine=args.engine)
    for k, v in result.items():
        print(f"{k:>20}: {v}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()

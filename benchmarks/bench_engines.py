"""Both engines side by side, and the fast engine at scale, in one run.

Usage:
    python benchmarks/bench_engines.py                 # the full table (a few minutes)
    python benchmarks/bench_engines.py --json out.json
    python benchmarks/bench_engines.py --tiny          # a smoke run (used by the tests)

Each configuration runs in its own process so that its peak memory is its own. Reports
person-steps per second, construction time and peak memory, as a table and as JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_step import measure  # noqa: E402

FULL = [("reference", 10_000, 10), ("fast", 10_000, 200), ("fast", 100_000, 100),
        ("fast", 1_000_000, 30)]
TINY = [("reference", 200, 3), ("fast", 200, 3)]


def _child(args, queue) -> None:
    engine, people, weeks = args
    queue.put(measure(people, weeks, burn_in=0, engine=engine))


def run(configs) -> list[dict]:
    """Measure each (engine, people, weeks) configuration in a fresh process."""
    ctx = mp.get_context("spawn")
    results = []
    for config in configs:
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(config, queue))
        proc.start()
        results.append(queue.get())
        proc.join()
    return results


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="write the results to this JSON file")
    ap.add_argument("--tiny", action="store_true", help="a smoke run at tiny size")
    args = ap.parse_args()
    results = run(TINY if args.tiny else FULL)
    print(f"{'engine':>10} {'people':>10} {'weeks':>6} {'build s':>8} {'s/week':>9} "
          f"{'person-steps/s':>15} {'peak MB':>8}")
    for r in results:
        print(f"{r['engine']:>10} {r['people']:>10,} {r['weeks']:>6} {r['construction_s']:>8} "
              f"{r['seconds_per_week']:>9} {r['person_steps_per_s']:>15,} {r['peak_rss_mb']:>8}")
    by = {(r["engine"], r["people"]): r for r in results}
    ref, fast = by.get(("reference", 10_000)), by.get(("fast", 10_000))
    summary = {"results": results}
    if ref and fast:
        summary["fast_over_reference_at_10k"] = round(
            fast["person_steps_per_s"] / ref["person_steps_per_s"], 1)
        print(f"fast / reference at 10,000 people: {summary['fast_over_reference_at_10k']}x")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()

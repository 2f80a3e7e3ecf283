"""Sweep throughput (runs per second) on one design: local pool with 1 and 2 workers, Dask.

Usage:
    python benchmarks/bench_sweep.py                       # 32 runs of a 1,000-person world
    python benchmarks/bench_sweep.py --runs 64 --people 2000 --weeks 520 --json out.json

Each configuration runs the same grid into a fresh folder through
:func:`ecosim.experiments.sweep.run_sweep`, timed end to end as a user sees it (starting the
pool or the LocalCluster included), and the output hashes are checked to be the same across
configurations. The machine's load average is printed before and after: other processes
share the cores, so re-measure when it is high. Not a test: no thresholds; figures go in
benchmarks/README.md with the machine they came from.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

from ecosim.experiments.designs import load_sweep
from ecosim.experiments.sweep import load_runs, run_sweep

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = (("local", 1), ("local", 2), ("dask", 2))


def design(folder: Path, runs: int, people: int, weeks: int) -> Path:
    """A grid sweep file of ``runs`` points (one replicate) over ai.capability."""
    path = folder / "bench.toml"
    path.write_text(
        f'[sweep]\nname = "bench"\nbase = "{(ROOT / "scenarios" / "baseline.toml").as_posix()}"'
        f'\ndesign = "grid"\nreplicates = 1\nseed = 3\n[set]\npopulation.size = {people}\n'
        f"run.weeks = {weeks}\n[factors]\n"
        f'"ai.capability" = {{ low = 0.2, high = 1.0, levels = {runs} }}\n')
    return path


def measure(backend: str, workers: int, sweep_file: Path, folder: Path) -> dict:
    """Run the design once with a back-end; return runs, seconds and runs per second."""
    sweep = load_sweep(sweep_file)
    out = folder / f"{backend}-{workers}"
    t0 = time.perf_counter()
    report = run_sweep(sweep, out, backend=backend, workers=workers)
    seconds = time.perf_counter() - t0
    hashes = dict(zip(*[load_runs(out)[c] for c in ("run_id", "output_sha256")], strict=True))
    return {"backend": backend, "workers": workers, "runs": report.ran, "failed": report.failed,
            "seconds": round(seconds, 2), "runs_per_second": round(report.ran / seconds, 3),
            "hashes": hashes}


def main() -> None:
    """Measure every configuration and print a table (optionally write JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=32)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--repeat", type=int, default=1, help="measure each config N times, "
                        "keep the best (least disturbed by other load)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    load_before = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sweep_file = design(folder, args.runs, args.people, args.weeks)
        for backend, workers in CONFIGS:
            best = None
            for i in range(args.repeat):
                r = measure(backend, workers, sweep_file, folder / f"rep{i}")
                if best is None or r["runs_per_second"] > best["runs_per_second"]:
                    best = r
            results.append(best)
    same = all(r["hashes"] == results[0]["hashes"] for r in results)
    one = results[0]["runs_per_second"]
    print(f"design: {args.runs} runs, {args.people} people, {args.weeks} weeks; "
          f"cores: {os.cpu_count()}; load average before {load_before[0]:.2f}, "
          f"after {os.getloadavg()[0]:.2f}")
    print(f"{'backend':8} {'workers':>7} {'runs':>5} {'seconds':>8} {'runs/s':>8} {'vs 1':>6}")
    for r in results:
        print(f"{r['backend']:8} {r['workers']:>7} {r['runs']:>5} {r['seconds']:>8.2f} "
              f"{r['runs_per_second']:>8.3f} {r['runs_per_second'] / one:>5.2f}x")
    print(f"identical output_sha256 across configurations: {same}")
    if args.json:
        for r in results:
            r.pop("hashes")
        args.json.write_text(json.dumps({"machine": platform.platform(), "args": vars(args)
                                         | {"json": str(args.json)}, "results": results,
                                         "identical_hashes": same}, indent=2))


if __name__ == "__main__":
    main()

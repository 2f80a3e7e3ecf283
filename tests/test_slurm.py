"""Beyond one machine: sweeps, validation and calibration on a real Slurm through
dask-jobqueue's SLURMCluster give the hashes and results of the local pool.

`.ci/run` starts a single-node Slurm (`.ci/slurm-up`) and sets ECOSIM_REQUIRE_SLURM=1, so
there a missing Slurm fails these tests instead of skipping them.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from ecosim.experiments.calibrate import calibrate
from ecosim.experiments.designs import load_sweep
from ecosim.experiments.executors import Execution
from ecosim.experiments.sweep import load_runs, run_sweep
from ecosim.experiments.validate import validate
from ecosim.stie.targets import TARGETS

from .conftest import small
from .test_sweep import GRID, write_sweep


def _slurm_answers() -> bool:
    if not shutil.which("sinfo"):
        return False
    try:
        out = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True,
                             timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and any(s in out.stdout for s in ("idle", "mixed", "alloc"))


if not _slurm_answers():
    if os.environ.get("ECOSIM_REQUIRE_SLURM"):
        raise RuntimeError("ECOSIM_REQUIRE_SLURM is set but no Slurm answers `sinfo`; "
                           "start one with .ci/slurm-up")
    pytest.skip("no Slurm here (start a single-node one with .ci/slurm-up)",
                allow_module_level=True)

pytestmark = pytest.mark.slurm
SLURM = Execution("slurm", workers=2)


def test_a_sweep_on_slurm_gives_the_local_pools_hashes(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path, "grid", GRID))
    hashes = {}
    for backend in ("local", "slurm"):
        report = run_sweep(sweep, tmp_path / backend, backend=backend, workers=2)
        assert report.failed == 0 and report.ran == 6
        runs = load_runs(tmp_path / backend)
        hashes[backend] = dict(zip(runs.run_id, runs.output_sha256, strict=True))
    assert hashes["slurm"] == hashes["local"]


@pytest.mark.slow
def test_validation_and_calibration_on_slurm_give_the_local_results():
    scenario = small(population__size=300, world__topics=10, run__burn_in_weeks=20,
                     run__weeks=60, ai__launch_week=20, meta__name="stackoverflow")
    targets = [TARGETS["T-SO-gap"], TARGETS["T-SO-visits"]]
    here = validate(scenario, replicates=3, targets=targets, population=None)
    there = validate(scenario, replicates=3, targets=targets, population=None,
                     execution=SLURM)
    assert there.record() == here.record()
    settings = dict(targets=targets, replicates=2, population=300, maxiter=1, popsize=2,
                    seed=3)
    local = calibrate(scenario, ["ai.lookup_convenience"], **settings)
    remote = calibrate(scenario, ["ai.lookup_convenience"], execution=SLURM, **settings)
    assert remote.best == local.best and remote.misfit == local.misfit
    assert remote.evaluations == local.evaluations > 2

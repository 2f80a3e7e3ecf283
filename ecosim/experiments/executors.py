"""Where sweep runs execute: every back-end is a ``concurrent.futures.Executor``.

The sweep submits batches of runs and reads finished futures; it does not care whether a
batch ran in this process, in a local process pool or on a Dask worker elsewhere. Each
back-end here is a context manager yielding the executor and how many batches it runs at
once (used to size the batches).

Dask workers started by hand or on a cluster need the same ecosim (and Python packages)
installed; see ``docs/sweeps.md``. With ``slurm`` the workers are Slurm jobs that run this
same Python, so they see the same installation.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ecosim.model.params import ScenarioError

BACKENDS = ("local", "dask", "slurm", "inline")
"""``local``: a process pool on this machine; ``dask``: dask.distributed (a LocalCluster,
or the scheduler given); ``slurm``: Dask workers as Slurm jobs (dask-jobqueue's
SLURMCluster); ``inline``: this process, one run after another (debugging, tests)."""


class InlineExecutor(Executor):
    """Runs each call at submit time in this process (no pickling, no parallelism)."""

    def submit(self, fn, /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` now and return its finished future."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:  # noqa: BLE001 - the future carries it, like a pool's
            if isinstance(err, KeyboardInterrupt):
                raise
            future.set_exception(err)
        return future


def _start_worker() -> None:
    """Set up a pool worker: it ignores Ctrl-C and dies with its parent."""
    # Ctrl-C reaches the whole process group; the parent alone decides to stop, saves what
    # finished and shuts the pool down, so workers must not die mid-write on their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def die_with_parent() -> None:
    """Make this process end when its parent ends, however the parent ends (SIGKILL
    included): Linux's parent-death signal. Elsewhere a no-op. (A worker of the fork
    server has the server as its parent, which itself ends with the main process.)"""
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def start_method() -> str:
    """How to start worker processes: fork, which is fastest (ecosim is already imported),
    when this process has no other thread; otherwise the fork server, which starts
    workers from a clean single-threaded process (forking a threaded process can
    deadlock the child)."""
    import threading

    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return "fork"
    if "forkserver" in methods:
        multiprocessing.set_forkserver_preload(PRELOAD)
        return "forkserver"
    return "spawn"


PRELOAD = ["ecosim.experiments.ensemble", "ecosim.experiments.sweep"]
"""What the fork server imports once, so that its workers start with ecosim loaded."""


def available_cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. under Slurm or taskset)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextmanager
def open_executor(backend: str = "local", workers: int | None = None,
                  scheduler: str | None = None, connect_timeout: str = "20s"
                  ) -> Iterator[tuple[Executor, int]]:
    """Start a back-end and yield ``(executor, slots)``; shut it down on exit.

    Args:
        backend: One of :data:`BACKENDS`.
        workers: Worker processes (local pool or LocalCluster) or Slurm jobs; None: all
            cores.
        scheduler: Address of a running Dask scheduler (``tcp://host:8786``); with it,
            ``workers`` is ignored and the scheduler's workers are used.
        connect_timeout: How long to try reaching ``scheduler`` (Dask duration string).

    Yields:
        The executor and the number of runs it executes at once.

    Raises:
        ScenarioError: ``scheduler`` is not an address or cannot be reached.
    """
    workers = workers or available_cores()
    if backend == "inline":
        yield InlineExecutor(), 1
    elif backend == "local":
        # fork starts workers in milliseconds with ecosim already imported (a spawned
        # worker spends ~0.6 s importing Mesa); results do not depend on the start method.
        pool = ProcessPoolExecutor(max_workers=workers,
                                   mp_context=multiprocessing.get_context(start_method()),
                                   initializer=_start_worker)
        try:
            yield pool, workers
        except KeyboardInterrupt:
            # Stop now rather than after the running batches: the sweep has saved what
            # finished, and whatever was running will simply run again on resume.
            processes = list((pool._processes or {}).values())  # no public terminate in 3.12
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    elif backend == "slurm":
        with _slurm_client(workers) as client:
            yield client.get_executor(pure=False), sum(client.nthreads().values()) or workers
    elif backend == "dask":
        from distributed import Client, LocalCluster

        cluster = None
        if scheduler:
            try:
                client = Client(scheduler, timeout=connect_timeout)
            except (OSError, TimeoutError) as err:  # refused, unknown host, timed out
                raise ScenarioError(f"--scheduler {scheduler}: cannot connect ({err}); is "
                                    "a Dask scheduler running there?") from None
            except ValueError as err:  # e.g. an unknown address scheme
                raise ScenarioError(f"--scheduler {scheduler}: not a scheduler address "
                                    f"({err}); expected tcp://host:8786") from None
        else:
            import dask

            # Dask's own threads run before it starts its workers, so they cannot be forked
            # from this process safely; the fork server imports ecosim once and forks
            # them from its single thread (spawned workers would each import Mesa and
            # pandas, seconds every time).
            methods = multiprocessing.get_all_start_methods()
            method = "forkserver" if "forkserver" in methods else "spawn"
            if method == "forkserver":
                multiprocessing.set_forkserver_preload(PRELOAD)
            # The workers' statistical profiler samples every thread's stack every 10 ms;
            # on runs made of many short numpy calls it costs a noticeable share of a core.
            with dask.config.set({"distributed.worker.multiprocessing-method": method,
                                  "distributed.worker.profile.enabled": False}):
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                       processes=True, dashboard_address=None,
                                       silence_logs=logging.ERROR)
            client = Client(cluster)
        try:
            slots = sum(client.nthreads().values()) or workers
            # pure=False: two batches with equal arguments are still two jobs
            yield client.get_executor(pure=False), slots
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    else:
        raise ValueError(f"unknown backend {backend!r}; expected one of {BACKENDS}")


SLURM_DEFAULTS = {"cores": 1, "processes": 1, "memory": "2GiB", "walltime": "04:00:00"}
"""Each Slurm job is one single-threaded Dask worker unless the Dask configuration
(``jobqueue.slurm`` in ``~/.config/dask/jobqueue.yaml``, or ``DASK_JOBQUEUE__SLURM__*``
variables) says otherwise: queue, account, memory, walltime, job directives."""


@contextmanager
def _slurm_client(jobs: int, timeout: float = 300.0):
    """A Dask client whose workers are ``jobs`` Slurm jobs, each running this Python."""
    import sys
    import tempfile

    import dask

    try:
        from dask_jobqueue import SLURMCluster
    except ImportError:
        raise ScenarioError("--backend slurm needs dask-jobqueue: pip install dask-jobqueue"
                            ) from None
    from distributed import Client

    configured = dask.config.get("jobqueue.slurm", {}) or {}
    options = {k: v for k, v in SLURM_DEFAULTS.items() if configured.get(k) is None}
    with tempfile.TemporaryDirectory(prefix="ecosim-slurm-") as scratch, \
            dask.config.set({"distributed.worker.profile.enabled": False}):
        try:
            cluster = SLURMCluster(python=sys.executable, local_directory=scratch,
                                   log_directory=scratch, silence_logs=logging.ERROR,
                                   worker_extra_args=["--nthreads", "1"], **options)
        except (OSError, RuntimeError, ValueError) as err:
            raise ScenarioError(f"--backend slurm: cannot start a SLURMCluster ({err})"
                                ) from None
        try:
            cluster.scale(jobs=jobs)
            client = Client(cluster)
            try:
                client.wait_for_workers(jobs, timeout=timeout)
            except TimeoutError:
                raise ScenarioError(f"--backend slurm: {jobs} worker job(s) did not start "
                                    f"within {timeout:.0f} s; see squeue") from None
            try:
                yield client
            finally:
                client.close()
        finally:
            cluster.close()


@dataclass(frozen=True)
class Execution:
    """Where an ensemble's runs execute.

    Attributes:
        backend: ``inline`` (this process, one tree after another), ``local`` (a process
            pool) or ``dask`` (a LocalCluster, or the scheduler given).
        workers: Worker processes (None: all cores).
        scheduler: Address of a running Dask scheduler (``dask`` only).
    """

    backend: str = "inline"
    workers: int | None = None
    scheduler: str | None = None

    @contextmanager
    def open(self) -> Iterator[Executor | None]:
        """The executor for a series of ensembles (None: run inline)."""
        if self.backend == "inline":
            yield None
            return
        with open_executor(self.backend, self.workers, self.scheduler) as (executor, _):
            yield executor


INLINE = Execution()

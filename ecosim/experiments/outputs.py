"""Writing results safely: check first, write atomically, refuse to clobber, lock, rescue.

Every command that writes calls these before it starts any work:

- :func:`check_file` and :func:`check_folder`: the place can be written (a real probe, so a
  read-only file system is caught even for root), is of the right kind (a file, a folder),
  is not one of the command's own inputs, and does not hold results of another kind or of
  another run (unless ``force``); a problem is one :class:`ScenarioError` line.
- :class:`FolderLock`: a folder in use by one process is locked (``filelock``: an OS lock
  that dies with its process, so a killed holder's lock is simply taken over); a second
  process gets one line naming the holder's pid.

and then writes with :func:`atomic_write` (a temporary file in the same folder, renamed
into place, readable as the umask allows). If a write fails anyway (a full disk),
:func:`rescue` keeps the results in a temporary folder and says where.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ecosim.model.params import ScenarioError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()
"""Mode of written files: what the umask allows (typically 0644)."""


def atomic_write(path: Path, write: Callable[[Any], None]) -> None:
    """Write a file through a temporary file in the same folder and rename it into place.

    The file gets the mode the umask allows (``mkstemp`` alone would give 0600, unreadable
    by colleagues sharing a results folder).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_figure(fig: Any, path: Path, dpi: int = 100) -> Path:
    """Save a matplotlib figure as PNG, atomically."""
    atomic_write(Path(path), lambda f: fig.savefig(f, format="png", dpi=dpi))
    return Path(path)


def _existing_ancestor(path: Path) -> Path:
    here = path
    while not here.exists():
        if here.parent == here:
            break
        here = here.parent
    return here


def probe(folder: Path, label: str) -> None:
    """Raise a one-line error unless a file can really be created in ``folder`` (or, if it
    does not exist yet, in its nearest existing parent)."""
    where = _existing_ancestor(Path(folder))
    if not where.is_dir():
        raise ScenarioError(f"{label}: {where} is not a folder")
    try:
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".ecosim-probe-")
    except OSError as err:
        raise ScenarioError(f"{label}: cannot write in {where} ({err.strerror or err})"
                            ) from None
    os.close(fd)
    os.unlink(tmp)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def check_file(path: Path, label: str, inputs: Iterable[Path] = ()) -> None:
    """Check, before any work, that ``path`` can be written as a file.

    Raises:
        ScenarioError: It is a folder, one of the command's ``inputs``, or cannot be
            written (the message names ``label``, the option as the user typed it).
    """
    path = Path(path)
    if path.is_dir():
        raise ScenarioError(f"{label} {path}: is a folder, expected a file name")
    for source in inputs:
        if _same(path, Path(source)):
            raise ScenarioError(f"{label} {path}: is one of this command's inputs; "
                                "write the result to another file")
    if not path.parent.is_dir():  # most likely a typo: say so rather than create it
        raise ScenarioError(f"{label} {path}: folder {path.parent} does not exist; "
                            "create it first")
    probe(path.parent, f"{label} {path}")


def describe(folder: Path) -> str | None:
    """What a folder holds, in words (None when it holds no ecosim results)."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    # (file that marks the kind, the kind, what to say of it from the file's contents)
    kinds = (
        ("sweep.json", "a leverage analysis" if (folder / "leverage.toml").exists()
         else "a sweep", lambda m: f"{m.get('name', '?')}: {m.get('method', '?')} design, "
                                   f"{m.get('runs', '?')} runs"),
        ("forecast.json", "a forecast",
         lambda m: f"{m.get('scenario', '?')} to {m.get('until', '?')}"),
        ("request.json", "a calibration",
         lambda m: f"{m.get('scenario', '?')}: {', '.join(m.get('keys', [])) or '?'}"),
        ("manifest.json", "a run",
         lambda m: f"{m.get('scenario', '?')}, seed {m.get('seed', '?')}"),
    )
    for name, kind, say in kinds:
        if (folder / name).exists():
            try:
                meta = json.loads((folder / name).read_text())
            except (OSError, ValueError):
                return f"{kind} (its {name} cannot be read)"
            return f"{kind} ({say(meta)})"
    if any(p.name != ".ecosim.lock" for p in folder.iterdir()):
        return "other files"
    return None


def check_folder(path: Path, label: str, kind: str, *, force: bool = False,
                 same: Callable[[Path], bool] | None = None) -> None:
    """Check, before any work, that results of ``kind`` can be written into ``path``.

    A folder that holds nothing, or the same results (``same(path)`` true: the same run,
    the same sweep design), is fine; one that holds results of another kind or of another
    run is refused unless ``force``.

    Raises:
        ScenarioError: One line naming ``label``, what is there and what to do.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ScenarioError(f"{label} {path}: exists and is not a folder")
    held = describe(path)
    if held is not None and not force:
        ours = held.startswith(f"a {kind}") and (same is None or same(path))
        if not ours:
            raise ScenarioError(f"{label} {path}: already holds {held}; choose another "
                                "folder, or add --force to write over it")
    probe(path, f"{label} {path}")


class FolderLock:
    """An exclusive lock on an output folder while one process writes into it.

    The lock is the operating system's (``filelock`` on ``.ecosim.lock``), so it ends with
    its holder, however that ends: a lock left by a killed process is taken over. The
    holder's pid is written into the lock file, for the message another process gets.

    Raises:
        ScenarioError: On entry, when another process holds the lock.
    """

    def __init__(self, folder: Path, label: str, lock_file: Path | None = None):
        from filelock import FileLock

        self.folder = Path(folder)
        self.label = label
        self.path = lock_file or self.folder / ".ecosim.lock"
        self._lock = FileLock(self.path, mode=FILE_MODE)

    @classmethod
    def for_file(cls, path: Path, label: str) -> FolderLock:
        """A lock on one output file (a hidden lock file beside it), for commands that
        write a file rather than a folder."""
        path = Path(path)
        lock = cls(path.parent, label, path.parent / f".{path.name}.lock")
        lock.shown = path
        return lock

    def __enter__(self) -> FolderLock:
        from filelock import Timeout

        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            holder = self._holder()
            shown = getattr(self, "shown", self.folder)
            raise ScenarioError(f"{self.label} {shown}: in use by another ecosim "
                                f"process (pid {holder}); wait for it to finish, or stop it"
                                ) from None
        with open(self.path, "w") as f:  # who holds it, for the message above
            f.write(f"{os.getpid()}\n")
        return self

    def _holder(self) -> str:
        try:
            return self.path.read_text().strip() or "unknown"
        except OSError:
            return "unknown"

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


class WriteFailed(Exception):
    """A write failed after the work was done; the message says where the results went."""


def rescue(write: Callable[[Path], None], what: str, err: OSError) -> str:
    """After a failed write, write the results into a new temporary folder instead.

    Returns:
        One line for the user: what failed and where the results are now (or that they
        could not be kept either).
    """
    reason = err.strerror or str(err)
    try:
        kept = Path(tempfile.mkdtemp(prefix="ecosim-rescued-"))
        write(kept)
    except OSError as again:
        return (f"could not write {what} ({reason}), nor keep the results in a temporary "
                f"folder ({again.strerror or again})")
    return f"could not write {what} ({reason}); the results are kept in {kept}"


def check_run_folder(out: str | Path, scenario: Any, engine: str = "fast", *,
                     force: bool = False, label: str = "--out") -> None:
    """Check, before running, that a run's outputs can go into ``out``: it is writable and
    holds nothing, or this same run (same seed, parameters and engine), unless ``force``.

    Raises:
        ScenarioError: One line naming ``label`` and what is in the folder.
    """
    def same_run(folder: Path) -> bool:
        try:
            old = json.loads((folder / "manifest.json").read_text())
        except (OSError, ValueError):
            return False
        return (old.get("seed") == scenario.params.run.seed
                and old.get("parameters") == json.loads(json.dumps(scenario.params.nested()))
                and old.get("engine", "fast") == engine)

    check_folder(Path(out), label, "run", force=force, same=same_run)

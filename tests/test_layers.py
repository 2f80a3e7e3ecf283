"""The package's layers: model, then STIE, then experiments, then the faces.

Each import of an ecosim module (at the top of a file, inside a function, or for type
annotations) is an edge; the tests check that edges only run down the layers, that nothing
below the mechanisms knows the Mesa model, and that the code has no import cycles.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import networkx as nx
import pytest

from .conftest import ROOT

PACKAGE = ROOT / "ecosim"
LAYERS = ("ecosim.model", "ecosim.stie", "ecosim.experiments", "ecosim.faces")
FACES = ("ecosim.cli", "ecosim.viz", "ecosim.__main__")
# The model's own floors: the world state and what it is made of, the registry and the
# mechanisms that act on the state, then the Mesa model that schedules them.
BELOW_THE_MODEL = ("ecosim.model.params", "ecosim.model.topics", "ecosim.model.people",
                   "ecosim.model.platforms", "ecosim.model.assistant", "ecosim.model.flows",
                   "ecosim.model.world", "ecosim.model.rules", "ecosim.model.schedule",
                   "ecosim.model.mechanisms",
                   "ecosim.model.observables", "ecosim.model.scenario")
THE_MODEL = ("ecosim.model.model", "ecosim.model.reference")


def _module_name(path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path) -> dict[str, bool]:
    """The ecosim modules a file imports (anywhere in it), each with whether the import is
    for type annotations only (under ``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text())
    typing_only = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            typing_only |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    out: dict[str, bool] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for n in names:
            if n in MODULES:
                out[n] = out.get(n, True) and id(node) in typing_only
    return out


GRAPH = nx.DiGraph()
for name, path in MODULES.items():
    GRAPH.add_node(name)
    for target, typing_only in _imports(path).items():
        # a module's parent packages are loaded anyway; an import of one is no dependency
        if target != name and not name.startswith(target + "."):
            GRAPH.add_edge(name, target, typing_only=typing_only)
RUNTIME = GRAPH.edge_subgraph([(a, b) for a, b, t in GRAPH.edges(data="typing_only") if not t])


def _layer(name: str) -> int:
    if name.startswith(FACES):
        return LAYERS.index("ecosim.faces")
    for i, layer in enumerate(LAYERS):
        if name == layer or name.startswith(layer + "."):
            return i
    return len(LAYERS)  # the package's own __init__: the API above everything


def test_imports_only_run_down_the_layers():
    upward = [f"{a} -> {b}" for a, b in GRAPH.edges if _layer(b) > _layer(a)]
    assert not upward, "imports that run up the layers: " + "; ".join(sorted(upward))


def test_nothing_below_the_mechanisms_knows_the_mesa_model():
    bad = [f"{a} -> {b}" for a, b in GRAPH.edges
           if a.startswith(BELOW_THE_MODEL) and b.startswith(THE_MODEL)]
    assert not bad, "; ".join(bad)


def test_there_are_no_import_cycles():
    # Annotations may name a type from a module that imports this one; code may not.
    cycles = list(nx.simple_cycles(RUNTIME))
    assert not cycles, f"import cycles: {cycles}"


def test_experiments_do_not_use_typer():
    for name, path in MODULES.items():
        if name.startswith("ecosim.experiments"):
            assert "typer" not in path.read_text(), f"{name} imports the command line's library"


@pytest.mark.parametrize("entry", ["ecosim.model.params", "ecosim.model.mechanisms.ai",
                                   "ecosim.experiments.sweep", "ecosim.cli", "ecosim.stie"])
def test_the_schema_holds_every_key_however_ecosim_is_imported(entry):
    # A fresh interpreter imports one module and counts the declared keys.
    code = (f"import {entry}\nfrom ecosim.model.params import SCHEMA\n"
            "from ecosim.model.mechanisms import WEEK\nprint(len(SCHEMA), len(WEEK))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    from ecosim.model.params import SCHEMA

    assert int(out[0]) == len(SCHEMA) > 100


@pytest.mark.parametrize("args", [["--help"], ["run", "missing.toml"],
                                  ["validate", "scenarios/baseline.toml", "--set", "ai.x=1"]])
def test_help_and_user_errors_load_no_heavy_library(args, tmp_path):
    # They answer at once: the numerical and plotting libraries load only where used.
    code = ("import sys\nfrom ecosim.cli import app\n"
            f"try:\n    app({args!r}, standalone_mode=False)\nexcept BaseException:\n    pass\n"
            "heavy = [m for m in ('pandas', 'pyarrow', 'matplotlib', 'mesa', 'dask', "
            "'solara', 'scipy') if m in sys.modules]\nprint('heavy:', ','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT).stdout.strip().splitlines()
    assert out[-1] == "heavy:", f"ecosim {' '.join(args)} loaded {out[-1]}"

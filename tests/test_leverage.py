"""The data leverage analysis: one command from a group to a curve."""

from __future__ import annotations

import tempfile

import pandas as pd
import pytest
from typer.testing import CliRunner

from ecosim.cli import app
from ecosim.experiments.designs import load_sweep
from ecosim.experiments.leverage import write_preset

from .conftest import ecosim_cli


@pytest.mark.slow
def test_leverage_command_sweeps_the_withheld_share(tiny_toml, tmp_path):
    out = tmp_path / "lev"
    args = ["leverage", str(tiny_toml), "--out", str(out), "--group", "core", "--levels", "2",
            "--replicates", "1", "--workers", "1", "--quiet"]
    proc = ecosim_cli(*args)
    assert proc.returncode == 0, proc.stderr
    runs = pd.read_parquet(out / "runs.parquet")
    assert sorted(runs["leverage.a.fraction"]) == [0.0, 1.0]
    assert (runs.status == "ok").all()
    assert (out / "leverage.png").stat().st_size > 0
    assert 'group" = "core"' in (out / "leverage.toml").read_text()
    again = ecosim_cli(*args)  # resumes: nothing left to run, same table
    assert again.returncode == 0 and len(pd.read_parquet(out / "runs.parquet")) == 2


def test_leverage_bad_group_is_a_user_error(tiny_toml, tmp_path):
    proc = ecosim_cli("leverage", str(tiny_toml), "--out", str(tmp_path / "x"),
                      "--group", "lurkers")
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error:") and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(("option", "needle"), [
    (["--backend", "foo"], "--backend"),
    (["--set", "bogus"], "key=value"),
    (["--set", "ai.warp=1"], "ai.warp"),
    (["--topics", "some"], "--topics"),
    (["--replicates", "0"], "--replicates"),
])
def test_leverage_bad_options_are_user_errors_and_leave_nothing(tiny_toml, tmp_path,
                                                                 monkeypatch, option, needle):
    scratch = tmp_path / "tmp"  # the command's temporary sweep file goes here
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    result = CliRunner().invoke(app, ["leverage", str(tiny_toml), "--out", str(tmp_path / "x"),
                                      *option])
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0], lines
    assert not (tmp_path / "x").exists()
    assert not list(scratch.iterdir())  # no leftover ecosim-leverage-* folder


def test_leverage_set_reaches_the_base_scenario(tiny_toml, tmp_path):
    preset = write_preset(tiny_toml, tmp_path, group="newcomer", topics="niche",
                          action="redirect", levels=3, replicates=1, seed=5)
    sweep = load_sweep(preset, ["meta.name=strike", "population.size=300"])
    assert sweep.base["meta.name"] == "strike"
    assert sweep.base["population.size"] == 300
    assert sweep.base["leverage.a.group"] == "newcomer"
    assert [p["leverage.a.fraction"] for p in sweep.points()] == [0.0, 0.5, 1.0]

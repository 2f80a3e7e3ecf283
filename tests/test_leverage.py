"""The data leverage analysis: one command from a group to a curve."""

from __future__ import annotations

import pandas as pd

from .conftest import ecosim_cli


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

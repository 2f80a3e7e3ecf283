"""The command line: outputs, and one clear line with exit status 2 for every user error."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ecosim.model.observables import COLUMNS

from .conftest import ecosim_cli

CONTRACT_COLUMNS = ["week", "questions", "visits_qa", "visits_wiki", "contributions",
                    "active_contributors", "newcomers", "ai_share", "ai_quality",
                    "coverage_qa", "coverage_wiki"]


def test_run_writes_timeseries_and_manifest(tiny_toml, tmp_path):
    out = tmp_path / "out"
    proc = ecosim_cli("run", str(tiny_toml), "--seed", "7", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "regime: " in proc.stdout
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert len(ts) == 40 and list(ts.week) == list(range(40))
    for col in CONTRACT_COLUMNS + list(COLUMNS):
        assert col in ts.columns
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7
    assert manifest["parameters"]["population"]["size"] == 400
    assert manifest["parameters"]["run"]["seed"] == 7
    assert manifest["regime"] in ("collapse", "decline", "resilient", "oscillation")
    assert manifest["regime"] in proc.stdout
    assert len(manifest["output_sha256"]) == 64
    assert {"mesa", "numpy", "pandas"} <= set(manifest["versions"])
    assert manifest["ecosim_version"]


def test_steps_is_run_weeks(tiny_toml, tmp_path):
    proc = ecosim_cli("run", str(tiny_toml), "--steps", "12", "--out", str(tmp_path / "o"))
    assert proc.returncode == 0, proc.stderr
    assert len(pd.read_parquet(tmp_path / "o" / "timeseries.parquet")) == 12


def _bad_inputs(tmp_path, tiny_toml):
    def file(text):
        path = tmp_path / f"bad{abs(hash(text))}.toml"
        path.write_text(text)
        return str(path)

    return [
        (["run", str(tmp_path / "missing.toml")], "missing.toml"),
        (["run", file("[ai\n")], "malformed TOML"),
        (["run", file("[ai]\nspeed = 3\n")], "ai.speed"),
        (["run", file("[ai]\nretrain_interval = 'weekly'\n")], "ai.retrain_interval"),
        (["run", file("[ai]\ncapability = 7\n")], "ai.capability"),
        (["run", file("[population]\nsize = -10\n")], "population.size"),
        (["run", file("[population]\nsize = 0\n")], "population.size"),
        (["run", file("[mechanisms]\nwarp_drive = true\n")], "mechanisms.warp_drive"),
        (["run", str(tiny_toml), "--set", "ai.retrain_interval"], "key=value"),
        (["run", str(tiny_toml), "--set", "ai.nothing=3"], "ai.nothing"),
        (["run", str(tiny_toml), "--set", "population.size=-1"], "population.size"),
        (["run", str(tiny_toml), "--engine", "turbo"], "--engine"),
    ]


def test_every_bad_input_exits_2_with_one_line(tmp_path, tiny_toml):
    out = tmp_path / "never"
    for args, needle in _bad_inputs(tmp_path, tiny_toml):
        proc = ecosim_cli(*args, "--out", str(out))
        assert proc.returncode == 2, (args, proc.stderr)
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, (args, proc.stderr)
        assert needle in lines[0] and lines[0].startswith("error:"), lines[0]
        assert "Traceback" not in proc.stderr + proc.stdout
        assert not out.exists(), args


def test_bad_input_leaves_existing_output_untouched(tmp_path, tiny_toml):
    out = tmp_path / "out"
    assert ecosim_cli("run", str(tiny_toml), "--out", str(out)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = ecosim_cli("run", str(tiny_toml), "--set", "ai.capability=2", "--out", str(out))
    assert proc.returncode == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_mechanisms_json_shape():
    proc = ecosim_cli("mechanisms", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    cards = json.loads(proc.stdout)
    keys = [c["key"] for c in cards]
    assert "contributor_churn" in keys and len(keys) == len(set(keys))
    for c in cards:
        assert {"key", "summary", "intent", "evidence", "targets", "parameters", "enabled",
                "stie_level"} <= set(c)
        assert c["stie_level"] in ("S", "T", "I", "E")
        assert isinstance(c["enabled"], bool)


@pytest.mark.parametrize("fmt", ["table"])
def test_mechanisms_table(fmt):
    proc = ecosim_cli("mechanisms", "--format", fmt)
    assert proc.returncode == 0 and "contributor_churn" in proc.stdout


def test_mechanisms_bad_format():
    proc = ecosim_cli("mechanisms", "--format", "yaml")
    assert proc.returncode == 2 and proc.stderr.startswith("error:")


def test_python_dash_m_and_help():
    proc = ecosim_cli("--help")
    assert proc.returncode == 0 and "run" in proc.stdout

"""validate, ablate and calibrate: exit status, JSON shapes, ablation, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecosim import load_scenario
from ecosim.cli import app
from ecosim.experiments.ablate import ablate
from ecosim.experiments.calibrate import range_misfit, search_bounds
from ecosim.model.params import ScenarioError
from ecosim.stie.targets import TARGETS

from .conftest import SCENARIOS, ecosim_cli

SYNTH = "T-replace-vs-accumulate"


@pytest.fixture
def small_toml(tmp_path: Path) -> Path:
    """A small world (the AI launches in week 20; 8 recorded model generations)."""
    path = tmp_path / "small.toml"
    path.write_text(
        "[meta]\nname = 'small'\n[population]\nsize = 600\n[world]\ntopics = 10\n"
        "[run]\nweeks = 130\nburn_in_weeks = 20\n[ai]\nlaunch_week = 20\n"
    )
    return path


def test_validate_exit_status_and_json(small_toml):
    ok = ecosim_cli("validate", str(small_toml), "--targets", SYNTH, "--replicates", "4",
                    "--format", "json")
    assert ok.returncode == 0, ok.stderr
    record = json.loads(ok.stdout)
    assert record["passed"] is True and record["scenario"] == str(small_toml)
    (t,) = record["targets"]
    assert t["key"] == SYNTH and t["passed"] is True
    assert len(t["range"]) == 2 and t["range"][0] <= t["value"] <= t["range"][1]
    assert t["source"] and t["tier"] == "A" and len(t["interval"]) == 2
    # Without the synthetic-content mechanism the error never grows: the target fails.
    bad = ecosim_cli("validate", str(small_toml), "--targets", SYNTH, "--replicates", "4",
                     "--set", "mechanisms.synthetic_content=false")
    assert bad.returncode == 1, bad.stderr
    assert "FAIL" in bad.stdout and SYNTH in bad.stdout


def test_each_target_rejects_its_null_and_a_null_world_can_be_run(small_toml):
    proc = ecosim_cli("validate", str(small_toml), "--targets", SYNTH, "--replicates", "4",
                      "--nulls", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    (t,) = json.loads(proc.stdout)["targets"]
    assert t["null"]["name"] == "no_synthetic" and t["null"]["rejected"] is True
    # The same target in its null world fails: without AI-written posts nothing grows.
    proc = ecosim_cli("validate", str(small_toml), "--targets", SYNTH, "--replicates", "4",
                      "--null", "no_synthetic", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    record = json.loads(proc.stdout)
    assert record["null"] == "no_synthetic" and record["targets"][0]["passed"] is False
    bad = ecosim_cli("validate", str(small_toml), "--null", "nothing")
    assert bad.returncode == 2 and "--null 'nothing'" in bad.stderr + bad.stdout


def test_ablation_on_a_small_scenario(small_toml, tmp_path):
    result = ablate(load_scenario(small_toml),
                    mechanisms=["synthetic_content", "gatekeeping", "audience_block"],
                    targets=[TARGETS[SYNTH]], replicates=1)
    assert result.matrix == {"synthetic_content": {SYNTH: False}, "gatekeeping": {SYNTH: True},
                             "audience_block": {SYNTH: True}}
    assert result.needs() == {SYNTH: ["synthetic_content"]}
    # No block in this scenario: switching it off changes no run. It is inactive, not idle.
    assert result.inactive == ["audience_block"]
    assert result.idle() == ["gatekeeping"]
    assert result.record()["inactive"] == ["audience_block"]
    png = tmp_path / "m.png"
    proc = ecosim_cli("ablate", str(small_toml), "--targets", SYNTH, "--mechanisms",
                      "synthetic_content,ai_retraining", "--replicates", "1",
                      "--format", "json", "--plot", str(png))
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["mechanisms"] == ["synthetic_content", "ai_retraining"]
    assert record["targets"] == [SYNTH]
    assert record["matrix"]["ai_retraining"][SYNTH] is False
    assert png.stat().st_size > 1000


@pytest.mark.slow
def test_switching_off_source_choice_fails_the_question_fall():
    sc = load_scenario(SCENARIOS / "stackoverflow.toml")
    result = ablate(sc, mechanisms=["source_choice"], targets=[TARGETS["O-SO-questions"]],
                    replicates=4, population=10_000)
    assert result.full.results[0].passed
    assert result.matrix == {"source_choice": {"O-SO-questions": False}}


def test_calibration_bounds_and_misfit():
    assert search_bounds(["ai.imitation"]) == [(0.01, 0.5)]
    assert search_bounds(["ai.capability"]) == [(0.0, 1.0)]
    with pytest.raises(ScenarioError, match="ai.imitaton"):
        search_bounds(["ai.imitaton"])
    with pytest.raises(ScenarioError, match="not a number"):
        search_bounds(["synthetic.training"])
    assert range_misfit(-0.25, -0.35, -0.15) == 0.0
    assert range_misfit(-0.02, -0.35, -0.15) > range_misfit(-0.14, -0.35, -0.15) > 0
    assert range_misfit(float("nan"), 0, 1) > 1
    # an interval counts by its ends: inside only when both are
    assert range_misfit((-0.3, -0.2), -0.35, -0.15) == 0.0
    assert range_misfit((-0.3, -0.1), -0.35, -0.15) > 0


@pytest.mark.slow
def test_calibrate_writes_a_scenario_recording_the_fit(small_toml, tmp_path):
    out = tmp_path / "fitted.toml"
    proc = ecosim_cli("calibrate", str(small_toml), "--params", "synthetic.sampling_noise",
                      "--targets", SYNTH, "--out", str(out), "--replicates", "1",
                      "--population", "600", "--maxiter", "1", "--popsize", "3")
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert "differential_evolution" in text and "misfit" in text and SYNTH in text
    fitted = load_scenario(out)
    low, high = search_bounds(["synthetic.sampling_noise"])[0]
    assert low <= fitted.params["synthetic.sampling_noise"] <= high
    assert fitted.params["population.size"] == 600


def _bad(tmp_path, small_toml):
    missing = str(tmp_path / "missing.toml")
    return [
        (["validate", missing], "missing.toml"),
        (["validate", str(small_toml), "--set", "ai.warp=1"], "ai.warp"),
        (["validate", str(small_toml), "--format", "yaml"], "--format"),
        (["validate", str(small_toml), "--targets", "T-nope"], "T-nope"),
        (["validate", str(small_toml), "--replicates", "0"], "--replicates"),
        (["ablate", missing], "missing.toml"),
        (["ablate", str(small_toml), "--set", "mechanisms.warp_drive=false"], "warp_drive"),
        (["ablate", str(small_toml), "--format", "xml"], "--format"),
        (["ablate", str(small_toml), "--mechanisms", "warp_drive"], "warp_drive"),
        (["ablate", str(small_toml), "--plot", str(tmp_path / "m.txt")], ".png"),
        (["calibrate", missing, "--params", "ai.imitation", "--out", str(tmp_path / "o.toml")],
         "missing.toml"),
        (["calibrate", str(small_toml), "--params", "ai.imitaton", "--out",
          str(tmp_path / "o.toml")], "ai.imitaton"),
        (["calibrate", str(small_toml), "--params", "synthetic.training", "--out",
          str(tmp_path / "o.toml")], "synthetic.training"),
        (["calibrate", str(small_toml), "--params", "ai.imitation", "--out",
          str(tmp_path / "o.toml"), "--set", "ai.warp=2"], "ai.warp"),
        (["docs", "--out", str(tmp_path)], "folder"),
        (["ablate", str(small_toml), "--population", "-1"], "--population"),
        (["ablate", str(small_toml), "--replicates", "0"], "--replicates"),
        (["calibrate", str(small_toml), "--params", "ai.imitation", "--out",
          str(tmp_path / "o.toml"), "--maxiter", "0"], "--maxiter"),
        (["calibrate", str(small_toml), "--params", "ai.imitation", "--out",
          str(tmp_path / "nowhere" / "o.toml")], "nowhere"),
    ]


@pytest.mark.slow
def test_bad_input_exits_2_with_one_line(tmp_path, small_toml):
    # In-process (Typer's runner): each case fails before any run starts.
    runner = CliRunner()
    for args, needle in _bad(tmp_path, small_toml):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert not isinstance(result.exception, Exception), (args, result.exception)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and needle in lines[0], (args, result.stderr)
    assert not (tmp_path / "o.toml").exists()
    assert not (tmp_path / "nowhere").exists()


def test_bad_input_in_a_subprocess_has_no_traceback(tmp_path, small_toml):
    proc = ecosim_cli("validate", str(small_toml), "--set", "ai.warp=1")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "ai.warp" in proc.stderr

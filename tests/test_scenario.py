"""Scenario files: validation on load, overrides, and every shipped scenario."""

from __future__ import annotations

import datetime as dt

import pytest

from ecosim import SCHEMA, ScenarioError, load_scenario
from ecosim.model.scenario_files import parse_set

from .conftest import SCENARIOS


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.name)
def test_shipped_scenarios_load(path):
    sc = load_scenario(path)
    assert sc.params["population.size"] > 0
    assert sc.source == str(path)


def test_every_key_has_unit_meaning_and_range():
    for key, param in SCHEMA.items():
        assert param.unit and param.meaning, key
        if param.kind in (int, float):
            assert param.low <= param.default <= param.high, key


def test_defaults_fill_missing_keys(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("[ai]\nretrain_interval = 26\n")
    sc = load_scenario(path)
    assert sc.params["ai.retrain_interval"] == 26
    assert sc.params["population.size"] == SCHEMA["population.size"].default


def test_set_overrides_file_and_parses_types(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("[ai]\nretrain_interval = 26\n")
    sc = load_scenario(path, ["ai.retrain_interval=13", "ai.enabled=false",
                              "synthetic.training=replace", "run.start_date=2020-01-06"])
    assert sc.params["ai.retrain_interval"] == 13
    assert sc.params["ai.enabled"] is False
    assert sc.params["synthetic.training"] == "replace"
    assert sc.params["run.start_date"] == dt.date(2020, 1, 6)


def test_stackoverflow_launch_is_30_november_2022():
    for name in ("stackoverflow", "wikipedia"):
        p = load_scenario(SCENARIOS / f"{name}.toml").params
        start = p["run.start_date"]
        launch = start + dt.timedelta(weeks=p["ai.launch_week"])
        assert launch <= dt.date(2022, 11, 30) < launch + dt.timedelta(weeks=1)
        assert start <= dt.date(2019, 1, 7)
        end = start + dt.timedelta(weeks=p["run.weeks"] - 1)
        assert dt.date(2025, 12, 24) <= end <= dt.date(2025, 12, 31)


BAD = [
    ("[population]\nsize = 0\n", "population.size"),
    ("[population]\nsize = -5\n", "population.size"),
    ("[population]\nsize = 'many'\n", "population.size"),
    ("[population]\nsize = 10.5\n", "population.size"),
    ("[ai]\nretrain_interval = 0\n", "ai.retrain_interval"),
    ("[ai]\nenabled = 1\n", "ai.enabled"),
    ("[ai]\ncapability = 1.5\n", "ai.capability"),
    ("[ai]\ncapabilty = 0.5\n", "ai.capabilty"),
    ("[mechanisms]\nteleportation = false\n", "mechanisms.teleportation"),
    ("[mechanisms]\nsource_choice = 'off'\n", "mechanisms.source_choice"),
    ("[synthetic]\ntraining = 'sometimes'\n", "synthetic.training"),
    ("population = 5\n", "population"),
    ("[ai.enabled]\nx = 1\n", "ai.enabled"),
    ("[ai]\nlaunch_week = nan\n", "ai.launch_week"),
]


@pytest.mark.parametrize("text,key", BAD)
def test_bad_values_name_file_and_key(tmp_path, text, key):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert str(path) in message and f"'{key}'" in message
    assert "\n" not in message


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "nope.toml")
    bad = tmp_path / "broken.toml"
    bad.write_text("[ai\nenabled = true\n")
    with pytest.raises(ScenarioError, match="malformed TOML"):
        load_scenario(bad)


@pytest.mark.parametrize("item", ["ai.retrain_interval", "=3", "ai.retrain_interval=",
                                  "nokey=3"])
def test_bad_set_syntax(item):
    with pytest.raises(ScenarioError) as err:
        parse_set(item)
    assert "--set" in str(err.value)

"""The generated ODD document: complete, deterministic, and its results pinned to outputs."""

from __future__ import annotations

from ecosim.experiments import docs
from ecosim.model.mechanisms import WEEK
from ecosim.model.schedule import REGISTRY
from ecosim.stie.targets import TARGETS

from .conftest import ROOT

ODD = ROOT / "docs" / "ODD.md"
ELEMENTS = ("Purpose and patterns", "Entities, state variables and scales",
            "Process overview and scheduling", "Design concepts", "Initialization",
            "Input data", "Submodels")


def test_committed_document_is_up_to_date_with_the_code():
    text = docs.render()
    assert ODD.exists(), "run `ecosim docs`"
    assert ODD.read_text(encoding="utf-8") == text, (
        "docs/ODD.md is out of date with the code: run `ecosim docs` and commit it")
    assert docs.render() == text  # deterministic


def test_committed_results_describe_the_model_as_it_computes_now():
    # The results are pinned to what the model outputs, not to its source: a comment or a
    # move of code changes nothing, a change of any pinned run's output fails here.
    results = docs.load_results()
    assert results is not None, "run `ecosim docs --refresh`"
    pinned = results.get("outputs", {})
    assert set(pinned) == set(docs.pinned_runs()), (
        "docs/results.json pins other runs than ecosim.experiments.docs.pinned_runs(): "
        "run `ecosim docs --refresh`")
    now = docs.pin_outputs()
    changed = [label for label in now
               if now[label]["output_sha256"] != pinned[label]["output_sha256"]]
    assert not changed, (
        f"the model's output changed for {', '.join(changed)}: if that is meant, run "
        "`ecosim docs --refresh` (results and pins) and say why in the commit")


def test_pins_cover_every_shipped_scenario_and_every_ablated_mechanism():
    runs = docs.pinned_runs()
    shipped = {f"scenarios/{f.name}" for f in (ROOT / "scenarios").glob("*.toml")}
    assert shipped <= set(runs)
    switched_off = {sets[-1] for _, sets in runs.values() if sets and "=false" in sets[-1]}
    assert {f"mechanisms.{k}=false" for k in WEEK} == switched_off


def test_document_has_the_seven_elements_every_card_and_target():
    text = docs.render()
    positions = [text.index(f"## {i}. {title}") for i, title in enumerate(ELEMENTS, 1)]
    assert positions == sorted(positions)
    for key in WEEK:
        assert f"### `{key}` (STIE level" in text
        for param in REGISTRY[key].card.parameters:
            assert f"| `{param}` |" in text
    for key in TARGETS:
        assert f"| {key} |" in text
    order = [text.index(f". `{key}`") for key in WEEK]
    assert order == sorted(order)  # the process overview is the week's schedule


def test_document_without_results_says_how_to_make_them():
    assert "No results file yet" in docs.render({})
    results = docs.load_results()
    assert results and "pinned run" in docs.render(results)


def test_teaching_guide_is_generated_from_the_lesson():
    from ecosim.viz import lesson

    guide = ROOT / "docs" / "teaching.md"
    text = lesson.render_markdown()
    assert guide.read_text(encoding="utf-8") == text, (
        "docs/teaching.md is out of date with ecosim/viz/lesson.py: run `ecosim docs`")
    for step in lesson.STEPS:
        assert step.title in text
    assert "STIE level" in text and text.count("What you should see:") == len(lesson.EXERCISES)


def test_forecast_page_is_generated_from_the_shipped_calibration_and_forecast():
    import hashlib
    import json

    from ecosim.experiments import forecast as fc

    calibration, made = fc.CALIBRATIONS / "stackoverflow", fc.FORECASTS / "stackoverflow"
    page = ROOT / "docs" / "forecast.md"
    assert page.read_text(encoding="utf-8") == fc.render_markdown(calibration, made), (
        "docs/forecast.md is out of date with data/calibration or data/forecast: run "
        "`ecosim docs`")
    record = json.loads((made / "forecast.json").read_text())
    # the shipped forecast was made from the shipped posterior, and is the file it hashes
    assert record["posterior_sha256"] == hashlib.sha256(
        (calibration / "posterior.csv").read_bytes()).hexdigest()
    assert record["forecast_sha256"] == hashlib.sha256(
        (made / "forecast.csv").read_bytes()).hexdigest()
    calibrated = json.loads((calibration / "calibration.json").read_text())
    assert calibrated["posterior_sha256"] == record["posterior_sha256"]
    text = page.read_text()
    assert "were not looked up, not fitted and not tuned to" in text
    for year in (2024, 2025, 2026):
        assert f"| so_questions | {year} |" in text

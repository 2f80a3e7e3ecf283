"""The generated ODD document: complete, deterministic and up to date with the code."""

from __future__ import annotations

from ecosim.experiments import docs
from ecosim.mechanisms import WEEKLY_ORDER
from ecosim.registry import REGISTRY
from ecosim.targets import TARGETS

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


def test_committed_results_were_computed_from_this_code():
    results = docs.load_results()
    assert results is not None, "run `ecosim docs --refresh`"
    assert results["fingerprint"] == docs.fingerprint(), (
        "docs/results.json was computed from other model code: run `ecosim docs --refresh`")


def test_document_has_the_seven_elements_every_card_and_target():
    text = docs.render()
    positions = [text.index(f"## {i}. {title}") for i, title in enumerate(ELEMENTS, 1)]
    assert positions == sorted(positions)
    for key in WEEKLY_ORDER:
        assert f"### `{key}` (STIE level" in text
        for param in REGISTRY[key].card.parameters:
            if not param.startswith("mechanisms."):
                assert f"| `{param}` |" in text
    for key in TARGETS:
        assert f"| {key} |" in text
    order = [text.index(f"`{key}`: ") for key in WEEKLY_ORDER]
    assert order == sorted(order)  # the schedule is WEEKLY_ORDER


def test_stale_results_are_flagged():
    results = dict(docs.load_results() or {"validation": {}})
    results["fingerprint"] = "0" * 16
    assert "**Stale:**" in docs.render(results)
    assert "No results file yet" in docs.render({})


def test_teaching_guide_is_generated_from_the_lesson():
    from ecosim import lesson

    guide = ROOT / "docs" / "teaching.md"
    text = lesson.render_markdown()
    assert guide.read_text(encoding="utf-8") == text, (
        "docs/teaching.md is out of date with ecosim/lesson.py: run `ecosim docs`")
    for step in lesson.STEPS:
        assert step.title in text
    assert "STIE level" in text and text.count("What you should see:") == len(lesson.EXERCISES)

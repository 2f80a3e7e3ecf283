"""The Lesson tab: the five steps of the hypothesis, rendered from :mod:`ecosim.viz.lesson`."""

from __future__ import annotations

from collections.abc import Callable

import solara

from ecosim.viz import lesson
from ecosim.viz.lesson import Try


def _fmt_settings(t: Try) -> str:
    parts = [f"{k} = {str(v).lower() if isinstance(v, bool) else v}"
             for k, v in t.settings.items()]
    if t.scenario != "scenarios/baseline.toml" or not parts:
        parts.insert(0, t.scenario)
    return ", ".join(parts)


@solara.component
def Lesson(on_try: Callable[[Try], None]):
    """NetLogo-style Info: what is it, how it works, and per step things to notice and try.

    Args:
        on_try: Called with a :class:`~ecosim.viz.lesson.Try` when its button is clicked; the
            page loads its scenario and settings and resets the model.
    """
    step = solara.use_reactive(0)
    with solara.Card("What is it?"):
        solara.Markdown(lesson.WHAT_IS_IT)
    with solara.Card("How it works"):
        solara.Markdown(lesson.HOW_IT_WORKS)
    with solara.Row(style={"flex-wrap": "wrap"}):
        for i, s in enumerate(lesson.STEPS):
            solara.Button(s.title, on_click=lambda i=i: step.set(i),
                          color="primary" if i == step.value else None,
                          outlined=i != step.value, small=True,
                          classes=[f"ecosim-lesson-step-{i + 1}"])
    s = lesson.STEPS[step.value]
    with solara.Card(s.title, classes=["ecosim-lesson"]):
        solara.Markdown(s.text)
        solara.Markdown("**Things to notice**\n\n" + "\n".join(f"- {n}" for n in s.notice))
        solara.Markdown("**Things to try** (one click loads the settings and resets the "
                        "model; then press Play). Each expectation compares the run with the "
                        "baseline preset at the same seed; the test suite checks every one "
                        "at three seeds.")
        for t in s.tries:
            with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                solara.Button(t.label, on_click=lambda t=t: on_try(t), color="secondary",
                              small=True, classes=["ecosim-try"])
                solara.Text(f"{_fmt_settings(t)} - {t.expect}",
                            style={"font-size": "0.85em"})
        if s.mechanisms:
            solara.Markdown("Mechanisms behind this step (see the STIE tab): " +
                            ", ".join(f"`{m}`" for m in s.mechanisms))
        with solara.Row():
            solara.Button("Previous", disabled=step.value == 0, text=True,
                          on_click=lambda: step.set(step.value - 1))
            solara.Button("Next", disabled=step.value == len(lesson.STEPS) - 1, text=True,
                          on_click=lambda: step.set(step.value + 1))

"""The README's Python API example runs as written."""

from __future__ import annotations

import re

from .conftest import ROOT


def test_python_api_example_runs(monkeypatch):
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Python API\n\n```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.chdir(ROOT)
    names: dict = {}
    exec(compile(block, "README.md", "exec"), names)  # noqa: S102
    assert names["model"].week == 52 and len(names["df"]) == 52
    assert names["result"].regime.name == "collapse"

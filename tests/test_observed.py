"""The observed series in data/observed: they say what docs/evidence.md says, nothing later
than the calibration window, and a malformed row is refused in one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecosim.model.params import ScenarioError
from ecosim.stie.observed import (
    COLUMNS,
    OBSERVED,
    WINDOW_END,
    index,
    load_observed,
    parse_period,
    read_observed,
    yearly_change,
)

EVIDENCE_MD = Path(__file__).resolve().parents[1] / "docs" / "evidence.md"
HEADER = ",".join(COLUMNS)
GOOD = "so_questions,2022,196603,,,questions per month,O-SO-questions,B,outcome,"


def _evidence_row(key: str) -> str:
    for line in EVIDENCE_MD.read_text().splitlines():
        if line.startswith(f"| {key} |"):
            return line
    raise AssertionError(f"{key} is not in docs/evidence.md")


def test_the_shipped_series_load_and_cover_what_the_forecast_needs():
    series = load_observed()
    assert {"so_questions", "so_trend", "so_adoption", "wiki_active_editors",
            "wiki_very_active_editors"} <= set(series)
    assert [r.year for r in series["so_questions"]] == list(range(2015, 2024))
    outcomes = [r for rows in series.values() for r in rows if r.kind == "outcome"]
    assert outcomes and all(r.end <= WINDOW_END for r in outcomes)


def test_question_counts_are_the_figures_of_the_evidence_document():
    row = _evidence_row("O-SO-questions")
    published = {int(y): int(v.replace(",", ""))
                 for y, v in re.findall(r"(20\d\d) (\d{3},\d{3})", row)}
    shipped = {r.year: r.value for r in load_observed()["so_questions"]}
    assert published and shipped == published


def test_the_trend_is_derived_from_the_counts_and_agrees_with_the_evidence():
    series = load_observed()
    derived = yearly_change(series["so_questions"])
    shipped = {r.year: r.value for r in series["so_trend"]}
    assert shipped == {year: round(change, 4) for year, change in derived.items()}
    # O-SO-trend states the yearly changes to a tenth of a percent
    row = _evidence_row("O-SO-trend")
    stated = [float(x.replace("−", "-")) for x in re.findall(r"(−\d+\.\d)%", row)]
    years = [2017, 2018, 2019, 2021, 2022]
    assert stated == [round(100 * derived[y], 1) for y in years]


def test_index_is_100_in_the_base_year():
    idx = index(load_observed()["so_questions"])
    assert idx["2022"] == 100.0
    assert idx["2023"] == pytest.approx(100 * 123436 / 196603)
    with pytest.raises(ScenarioError, match="no value for 2030"):
        index(load_observed()["so_questions"], base_year=2030)


@pytest.mark.parametrize("period, start, end", [
    ("2022", "2022-01-01", "2022-12-31"),
    ("2023-05", "2023-05-01", "2023-05-31"),
    ("2023-12", "2023-12-01", "2023-12-31"),
    ("2013/2015", "2013-01-01", "2015-12-31"),
])
def test_periods(period, start, end):
    first, last = parse_period(period)
    assert (first.isoformat(), last.isoformat()) == (start, end)


@pytest.mark.parametrize("row, words", [
    ("so_questions,22,196603,,,q,O-SO-questions,B,outcome,", "period '22' is not"),
    ("so_questions,2022-13,196603,,,q,O-SO-questions,B,outcome,", "period '2022-13'"),
    ("so_questions,2015/2013,1,,,q,O-SO-questions,B,outcome,", "ends before it starts"),
    ("so_questions,2022,many,,,q,O-SO-questions,B,outcome,", "value 'many' is not a number"),
    ("so_questions,2022,nan,,,q,O-SO-questions,B,outcome,", "not a finite number"),
    ("so_questions,2022,,,,q,O-SO-questions,B,outcome,", "no value, and no range"),
    ("so_questions,2022,,5,,q,O-SO-questions,B,outcome,", "both low and high"),
    ("so_questions,2022,,9,5,q,O-SO-questions,B,outcome,", "low 9 is above high 5"),
    ("so_questions,2022,12,1,5,q,O-SO-questions,B,outcome,", "outside its range"),
    ("so_questions,2022,1,,,q,O-bogus,B,outcome,", "'O-bogus' is not a key"),
    ("so_questions,2022,1,,,q,O-SO-questions,D,outcome,", "tier 'D'"),
    ("so_questions,2022,1,,,q,O-SO-questions,B,guess,", "kind 'guess'"),
    ("so_questions,2022,1,,,,O-SO-questions,B,outcome,", "empty unit"),
    ("so_questions,2022,1,,,q,O-SO-questions,B", "expected 10 fields"),
    ("so_questions,2022,1,,,q,O-SO-questions,B,outcome,,extra", "expected 10 fields"),
    ("so_questions,2024,1,,,q,O-SO-questions,B,outcome,", "after the calibration window"),
    ("so_questions,2024-01,1,,,q,O-SO-questions,B,outcome,", "after the calibration window"),
    (GOOD, "appears twice"),
])
def test_a_bad_row_is_refused_naming_the_file_and_row(tmp_path, row, words):
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n{row}\n")
    with pytest.raises(ScenarioError) as err:
        read_observed(path)
    message = str(err.value)
    assert words in message and f"{path}, row 3:" in message and "\n" not in message


def test_a_later_input_is_allowed(tmp_path):
    path = tmp_path / "inputs.csv"
    path.write_text(f"{HEADER}\nso_adoption,2024-05,0.62,,,share,O-SO-adoption,B,input,\n")
    assert read_observed(path)[0].value == 0.62


@pytest.mark.parametrize("text, words", [
    ("", "the header must be"),
    ("series,period,value\nx,2022,1\n", "the header must be"),
    (f"{HEADER}\n", "no rows"),
    (b"\xff\xfe\x00bad", "cannot read"),
])
def test_a_bad_file_is_refused(tmp_path, text, words):
    path = tmp_path / "bad.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    with pytest.raises(ScenarioError, match=words):
        read_observed(path)


def test_a_series_lives_in_one_file(tmp_path):
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text(f"{HEADER}\n{GOOD}\n")
    with pytest.raises(ScenarioError, match="also in"):
        load_observed(tmp_path)
    with pytest.raises(ScenarioError, match="no observed series"):
        load_observed(tmp_path / "empty")


def test_the_shipped_folder_is_the_default():
    assert OBSERVED.is_dir() and load_observed(OBSERVED) == load_observed()

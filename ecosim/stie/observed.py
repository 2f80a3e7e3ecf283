"""The observed series the model is calibrated on and its forecasts are scored against.

``data/observed/*.csv`` holds the dated figures of docs/evidence.md as tidy tables, one row
per series and period:

======  ==============================================================================
column  meaning
======  ==============================================================================
series  the series' name (``so_questions``); several series may share a file
period  ``YYYY`` (a calendar year), ``YYYY-MM`` (a month) or ``YYYY/YYYY`` (a span of
        years)
value   the figure; empty when only a range is published
low     lower end of a published range (empty for a point figure)
high    upper end of a published range
unit    what the value counts ("questions per month (yearly mean)")
source  the evidence key it comes from (docs/evidence.md)
tier    A, B or C, as the evidence index grades the source
kind    ``outcome`` (what the model must reproduce or forecast) or ``input`` (a dated
        figure a forecaster conditions on: a release, an adoption survey)
note    free text
======  ==============================================================================

The calibration window ends on :data:`WINDOW_END`. An outcome dated after it is refused on
loading: what happened after 2023 is what a forecast is judged on, so it is neither stored
nor fitted here. Inputs (the adoption survey of 2024, say) may be later.

Derived series are computed, not typed in: :func:`yearly_change` gives O-SO-trend from
O-SO-questions, and ``so_trend.csv`` is its shipped output (a test checks they agree).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ecosim.model.params import ScenarioError
from ecosim.stie.evidence import EVIDENCE

OBSERVED = Path(__file__).resolve().parents[2] / "data" / "observed"
"""The shipped observed series."""

WINDOW_END = dt.date(2023, 12, 31)
"""Last day of the calibration window: no outcome after it is used."""

COLUMNS = ("series", "period", "value", "low", "high", "unit", "source", "tier", "kind",
           "note")
KINDS = ("outcome", "input")
TIERS = ("A", "B", "C")

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_SPAN = re.compile(r"^(\d{4})/(\d{4})$")


@dataclass(frozen=True)
class Observation:
    """One row of an observed series.

    Attributes:
        series: The series' name.
        period: As written (``2022``, ``2023-05``, ``2013/2015``).
        start: First day of the period.
        end: Last day of the period.
        value: The figure, or None when only a range is published.
        low: Lower end of a published range, or None.
        high: Upper end of a published range, or None.
        unit: What the value counts.
        source: Evidence key.
        tier: Reliability tier (A, B, C).
        kind: ``outcome`` or ``input``.
        note: Free text.
    """

    series: str
    period: str
    start: dt.date
    end: dt.date
    value: float | None
    low: float | None
    high: float | None
    unit: str
    source: str
    tier: str
    kind: str
    note: str

    @property
    def year(self) -> int:
        """The calendar year the period starts in."""
        return self.start.year


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``YYYY``, ``YYYY-MM`` or ``YYYY/YYYY``.

    Raises:
        ValueError: Any other form.
    """
    if m := _YEAR.match(text):
        year = int(m.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if m := _MONTH.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return dt.date(year, month, 1), following - dt.timedelta(days=1)
    if m := _SPAN.match(text):
        first, last = int(m.group(1)), int(m.group(2))
        if last < first:
            raise ValueError(f"span {text!r} ends before it starts")
        return dt.date(first, 1, 1), dt.date(last, 12, 31)
    raise ValueError(f"period {text!r} is not YYYY, YYYY-MM or YYYY/YYYY")


def _number(text: str, column: str) -> float | None:
    if text.strip() == "":
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{column} {text!r} is not a finite number")
    return value


def _row(raw: dict[str, str]) -> Observation:
    missing = [c for c in ("series", "period", "unit", "source", "tier", "kind")
               if not (raw.get(c) or "").strip()]
    if missing:
        raise ValueError(f"empty {', '.join(missing)}")
    start, end = parse_period(raw["period"].strip())
    value, low, high = (_number(raw.get(c) or "", c) for c in ("value", "low", "high"))
    if (low is None) != (high is None):
        raise ValueError("a range needs both low and high")
    if value is None and low is None:
        raise ValueError("no value, and no range (low and high)")
    if low is not None and high is not None and low > high:
        raise ValueError(f"low {low:g} is above high {high:g}")
    if value is not None and low is not None and not low <= value <= high:
        raise ValueError(f"value {value:g} is outside its range [{low:g}, {high:g}]")
    source, tier, kind = raw["source"].strip(), raw["tier"].strip(), raw["kind"].strip()
    if source not in EVIDENCE:
        raise ValueError(f"source {source!r} is not a key of docs/evidence.md")
    if tier not in TIERS:
        raise ValueError(f"tier {tier!r} is not one of {', '.join(TIERS)}")
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if kind == "outcome" and end > WINDOW_END:
        raise ValueError(f"an outcome dated {raw['period'].strip()} is after the "
                         f"calibration window (which ends {WINDOW_END.isoformat()}): later "
                         "outcomes are what a forecast is judged on, not data")
    return Observation(raw["series"].strip(), raw["period"].strip(), start, end, value, low,
                       high, raw["unit"].strip(), source, tier, kind,
                       (raw.get("note") or "").strip())


def read_observed(path: str | Path) -> list[Observation]:
    """The rows of one observed-series file, checked.

    Raises:
        ScenarioError: One line naming the file, the row (as a spreadsheet numbers it, the
            header being row 1) and what is wrong.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(f"{path}: cannot read ({err})") from None
    reader = csv.DictReader(text.splitlines())
    header = tuple(reader.fieldnames or ())
    if header != COLUMNS:
        raise ScenarioError(f"{path}: the header must be {','.join(COLUMNS)}; found "
                            f"{','.join(header) or 'nothing'}")
    rows, seen = [], set()
    for number, raw in enumerate(reader, start=2):
        if None in raw or any(v is None for v in raw.values()):
            raise ScenarioError(f"{path}, row {number}: expected {len(COLUMNS)} fields")
        try:
            row = _row(raw)
        except ValueError as err:
            raise ScenarioError(f"{path}, row {number}: {err}") from None
        if (row.series, row.period) in seen:
            raise ScenarioError(f"{path}, row {number}: {row.series} {row.period} appears "
                                "twice")
        seen.add((row.series, row.period))
        rows.append(row)
    if not rows:
        raise ScenarioError(f"{path}: no rows")
    return rows


def load_observed(folder: str | Path = OBSERVED) -> dict[str, list[Observation]]:
    """Every series in a folder of observed-series files, by name, in period order.

    Raises:
        ScenarioError: A file is malformed (see :func:`read_observed`), a series is split
            across files, or the folder holds none.
    """
    folder = Path(folder)
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise ScenarioError(f"{folder}: no observed series (*.csv) there")
    series: dict[str, list[Observation]] = {}
    where: dict[str, Path] = {}
    for path in files:
        for row in read_observed(path):
            if where.setdefault(row.series, path) != path:
                raise ScenarioError(f"{path}: series {row.series} is also in "
                                    f"{where[row.series]}; keep a series in one file")
            series.setdefault(row.series, []).append(row)
    return {name: sorted(rows, key=lambda r: r.start) for name, rows in series.items()}


def yearly_change(rows: list[Observation]) -> dict[int, float]:
    """Relative change of a yearly series from each year to the next: ``{year: v/v_prev - 1}``
    (how O-SO-trend is derived from O-SO-questions)."""
    values = {r.year: r.value for r in rows if r.value is not None and _YEAR.match(r.period)}
    return {year: values[year] / values[year - 1] - 1.0
            for year in sorted(values) if year - 1 in values and values[year - 1] > 0}


def index(rows: list[Observation], base_year: int = 2022) -> dict[str, float]:
    """A yearly series as an index, the base year = 100: scale-free, so a world of 10,000
    people can be set beside the platform's millions.

    Raises:
        ScenarioError: The series has no value for the base year.
    """
    base = [r.value for r in rows if r.period == str(base_year) and r.value]
    if not base:
        raise ScenarioError(f"series {rows[0].series if rows else '?'} has no value for "
                            f"{base_year}, the index's base year")
    return {r.period: 100.0 * r.value / base[0] for r in rows if r.value is not None}

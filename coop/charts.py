"""Charts on pages: the numbers of one chart, drawn in the browser and always shown as a table too.

A selector builds a `Chart`; the page includes `templates/partials/_chart.html` with it (and
`partials/_chart_scripts.html` in its head). The partial writes the numbers into the page with
`json_script` and draws nothing itself: `static/js/charts.js` (with the vendored Chart.js) finds each
`<canvas data-chart=...>` and draws it, so the page has no inline script (the CSP forbids them).
Under every chart the same numbers stand in a table, for screen readers and for anyone without
JavaScript; without JavaScript the canvas stays hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Number = Decimal | int | float
# How the table shows a value and the chart labels its axis: money in euros, a figure with two
# decimals (a Gini coefficient), or a whole count.
Unit = Literal["EUR", "figure", "count"]
# Colours come from the coop's theme (CSS custom properties --wijkwerk-<tone>), so a chart looks like its coop.
Tone = Literal["line", "muted", "primary"]


@dataclass(frozen=True)
class ChartSeries:
    label: str
    values: Sequence[Number]
    tone: Tone = "primary"
    drawn: bool = True  # False: a column of the table only (for example a difference)


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page; the element ids derive from it
    title: str  # the table's caption and the chart's accessible name
    row_header: str  # the heading of the table's first column
    labels: list[str]
    series: list[ChartSeries]
    unit: Unit = "count"
    horizontal: bool = False  # bars across: long labels stay readable on a phone
    max_value: Number | None = None  # a fixed end of the value axis (1 for a Gini coefficient)
    rows: list[tuple[str, list[Number]]] = field(init=False)

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.labels):
                raise ValueError(f"chart {self.key}: series {series.label!r} has {len(series.values)} values")
        rows = [(label, [series.values[i] for series in self.series]) for i, label in enumerate(self.labels)]
        object.__setattr__(self, "rows", rows)

    @property
    def canvas_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def data_id(self) -> str:
        return f"chart-{self.key}-data"

    @property
    def payload(self) -> dict[str, Any]:
        """What charts.js reads (through json_script): labels and the drawn series, as plain numbers."""
        return {
            "labels": self.labels,
            "unit": self.unit,
            "horizontal": self.horizontal,
            "max": float(self.max_value) if self.max_value is not None else None,
            "series": [
                {"label": s.label, "tone": s.tone, "values": [float(v) for v in s.values]}
                for s in self.series
                if s.drawn
            ],
        }

"""Chart specs for the report pages (issue 17): one object gives both the ECharts picture and the
table under it.

A view builds a :class:`Chart` from rows it already aggregated in the database; the template
``includes/chart.html`` writes the spec as JSON (``json_script``) for ``static/js/charts.js`` and
renders the same numbers as a table. Without JavaScript (or when the chart library fails to load)
the table is what people see; with it the table stays one click away for exact figures and for
screen readers.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

BAR = "bar"
LINE = "line"


@dataclass(frozen=True)
class Series:
    """One line or set of bars. ``percent`` series use the 0-100 axis on the right when the chart
    mixes them with counts; ``stack`` puts bars with the same stack name on top of each other."""

    name: str
    values: Sequence[float | int | None]
    kind: str = BAR
    percent: bool = False
    stack: str = ""


@dataclass(frozen=True)
class Chart:
    """A category chart: ``categories`` along the x axis, one value per category in every series.

    ``target`` draws a dashed line at that percentage on the percent axis (CB-5's satisfaction
    target, for instance)."""

    id: str
    title: str
    categories: Sequence[str]
    series: Sequence[Series] = field(default_factory=tuple)
    target: float | None = None
    target_label: str = ""

    def __post_init__(self) -> None:
        for line in self.series:
            if len(line.values) != len(self.categories):
                raise ValueError(f"series {line.name!r} has {len(line.values)} values for {len(self.categories)} categories")

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    @property
    def is_empty(self) -> bool:
        return not any(value for line in self.series for value in line.values)

    @property
    def rows(self) -> list[tuple[str, list[tuple[float | int | None, bool]]]]:
        """The table: per category the (value, is percent) of every series."""
        return [
            (category, [(line.values[i], line.percent) for line in self.series])
            for i, category in enumerate(self.categories)
        ]

    def spec(self) -> dict:
        """JSON-safe description read by charts.js (not an ECharts option: the script owns styling)."""
        return {
            "title": self.title,
            "categories": list(self.categories),
            "series": [
                {
                    "name": line.name,
                    "values": [None if value is None else float(value) for value in line.values],
                    "kind": line.kind,
                    "percent": line.percent,
                    "stack": line.stack,
                }
                for line in self.series
            ],
            "target": None if self.target is None else float(self.target),
            "targetLabel": self.target_label,
        }

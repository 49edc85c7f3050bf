"""Charts of the ticket reports (issue 17): the KPI trend and the GN-6 month, built from rows that
``tickets.statistics`` already aggregated in the database."""

from django.utils.translation import gettext as _

from servicedesk.core.charts import LINE, Chart, Series

from .models.tickets import Channel
from .statistics import MonthlyStatistics, TrendMonth


def kpi_charts(*, trend: list[TrendMonth], target: float) -> list[Chart]:
    """Satisfaction against its target (CB-5), SLA deadlines met (GN-6) and new tickets per channel
    (GN-1), one point or bar per month."""
    months = [line.month.strftime("%Y-%m") for line in trend]
    return [
        Chart(
            id="kpi-satisfaction",
            title=_("Satisfaction per month"),
            categories=months,
            series=[Series(_("Satisfied"), [line.satisfaction_percent for line in trend], kind=LINE, percent=True),
                    Series(_("Callback answers"), [line.surveys for line in trend])],  # fmt: skip
            target=target,
            target_label=_("Target"),
        ),
        Chart(
            id="kpi-sla",
            title=_("SLA deadlines met per month"),
            categories=months,
            series=[
                Series(_("Met"), [line.sla_percent for line in trend], kind=LINE, percent=True),
                Series(_("On time"), [line.clocks_on_time for line in trend], stack="clocks"),
                Series(_("Breached"), [line.clocks_breached for line in trend], stack="clocks"),
            ],
        ),
        Chart(
            id="kpi-volume",
            title=_("New tickets per channel"),
            categories=months,
            series=[
                Series(str(label), [line.channels.get(value, 0) for line in trend], stack="channel")
                for value, label in Channel.choices
            ],
        ),
    ]


def channel_chart(*, stats: MonthlyStatistics) -> Chart:
    """GN-6: the month's new tickets per channel."""
    return Chart(
        id="stat-channels",
        title=_("Volume by channel"),
        categories=[str(label) for label, _count in stats.channels],
        series=[Series(_("Tickets opened"), [count for _label, count in stats.channels])],
    )

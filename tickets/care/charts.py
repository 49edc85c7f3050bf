"""Charts of the CB-5 satisfaction page (issue 17), from the rows its selectors aggregated."""

from django.utils.translation import gettext as _

from servicedesk.core.charts import LINE, Chart, Series

from .selectors import SatisfactionRow


def _satisfaction_chart(*, id: str, title: str, rows: list[SatisfactionRow], target: float, kind: str) -> Chart:
    return Chart(
        id=id,
        title=title,
        categories=[str(row.label) for row in rows],
        series=[
            Series(_("Satisfied"), [row.percent for row in rows], kind=kind, percent=True),
            Series(_("Answers"), [row.total for row in rows]),
        ],
        target=target,
        target_label=_("Target"),
    )


def satisfaction_charts(*, by_channel: list[SatisfactionRow], by_month: list[SatisfactionRow], target: float) -> dict:
    """CB-5 per callback channel (bars) and per month (a line), each against the target."""
    return {
        "channel": _satisfaction_chart(
            id="satisfaction-channel", title=_("Satisfaction per channel"), rows=by_channel, target=target, kind="bar"
        ),
        "month": _satisfaction_chart(
            id="satisfaction-month", title=_("Satisfaction per month"), rows=by_month, target=target, kind=LINE
        ),
    }

"""Charts of the hotline statistics page (issue 17; HL-5), from ``selectors.call_stats`` rows."""

from django.utils.translation import gettext as _

from servicedesk.core.charts import LINE, Chart, Series


def _calls_chart(*, id: str, title: str, categories: list[str], rows: list[dict], threshold: int) -> Chart:
    return Chart(
        id=id,
        title=title,
        categories=categories,
        series=[
            Series(_("Calls"), [row["calls"] for row in rows]),
            Series(_("With ring time"), [row["timed"] for row in rows]),
            Series(_("In time"), [row["in_time"] for row in rows]),
            Series(_("Answered within %(seconds)s s") % {"seconds": threshold}, [row["share"] for row in rows],
                   kind=LINE, percent=True),  # fmt: skip
        ],
    )


def call_charts(*, stats: dict, threshold: int) -> dict:
    """Calls and the share answered in time (HL-5) per day and per hour of the day."""
    return {
        "days": _calls_chart(
            id="calls-per-day",
            title=_("Per day"),
            categories=[row["day"].strftime("%m-%d") for row in stats["days"]],
            rows=stats["days"],
            threshold=threshold,
        ),
        "hours": _calls_chart(
            id="calls-per-hour",
            title=_("Per hour of the day"),
            categories=[f"{row['hour']:02d}:00" for row in stats["hours"]],
            rows=stats["hours"],
            threshold=threshold,
        ),
    }

"""Issue 17 (GN-6, CB-5, GN-1): the 12-month KPI dashboard and the chart specs behind it."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from servicedesk.core.charts import Chart, Series
from staff.roles import Role
from tickets.care import services as care_services
from tickets.care.tests import factories as care
from tickets.sla import services as sla
from tickets.statistics import monthly_trend

pytestmark = pytest.mark.django_db

SHANGHAI = care.SHANGHAI


def _answered(*, overall, now):
    callback = care.callback(now=now)
    care_services.survey_answer_record(
        callback=callback, answers=care.answers(callback, overall=overall), via="phone", now=now + datetime.timedelta(hours=2)
    )


def test_gn6_trend_lists_twelve_months_oldest_first_with_empty_months():
    trend = monthly_trend(last_month=datetime.date(2026, 3, 1), now=care.NOW)
    assert [line.month for line in trend][0] == datetime.date(2025, 4, 1)
    assert [line.month for line in trend][-1] == datetime.date(2026, 3, 1)
    assert len(trend) == 12
    assert all(line.opened == 0 and line.sla_percent is None and line.satisfaction_percent is None for line in trend)


def test_gn1_trend_counts_new_tickets_per_channel_in_their_local_month():
    # 1 March 00:30 in Shanghai is still February in UTC: it counts for March.
    care.ticket(channel="hotline", now=datetime.datetime(2026, 3, 1, 0, 30, tzinfo=SHANGHAI))
    care.ticket(channel="web", now=datetime.datetime(2026, 3, 20, 9, tzinfo=SHANGHAI))
    care.ticket(channel="hotline", now=datetime.datetime(2026, 2, 28, 23, 30, tzinfo=SHANGHAI))
    care.ticket(channel="hotline", now=datetime.datetime(2025, 3, 31, 12, tzinfo=SHANGHAI))  # 13 months back: left out
    trend = {line.month: line for line in monthly_trend(last_month=datetime.date(2026, 3, 1), now=care.NOW)}
    assert trend[datetime.date(2026, 3, 1)].channels["hotline"] == 1
    assert trend[datetime.date(2026, 3, 1)].channels["web"] == 1
    assert trend[datetime.date(2026, 2, 1)].opened == 1
    assert sum(line.opened for line in trend.values()) == 3


def test_gn6_cb5_trend_sla_met_share_and_satisfaction_per_month():
    february = datetime.datetime(2026, 2, 10, 10, tzinfo=SHANGHAI)
    _answered(overall=5, now=february)
    _answered(overall=2, now=february)  # not satisfied
    _answered(overall=5, now=care.NOW)
    care.ticket(assignee=care.user(Role.ENGINEER), now=care.NOW)  # stays open: its resolve clock breaches in March
    sla.sla_sweep(now=care.NOW + datetime.timedelta(days=10))
    trend = {line.month: line for line in monthly_trend(last_month=datetime.date(2026, 3, 1), now=care.NOW)}
    feb, march = trend[datetime.date(2026, 2, 1)], trend[datetime.date(2026, 3, 1)]
    assert (feb.surveys, feb.satisfied, feb.satisfaction_percent) == (2, 1, 50.0)
    assert (march.surveys, march.satisfaction_percent) == (1, 100.0)
    assert march.clocks_breached == 1 and march.clocks_on_time > 0
    assert march.sla_percent == round(100 * march.clocks_on_time / (march.clocks_on_time + 1), 1)


@pytest.mark.parametrize("months_with_data", [1, 6])
def test_gn6_kpi_page_query_count_does_not_grow(client, django_assert_num_queries, months_with_data):
    for n in range(months_with_data):
        _answered(overall=5, now=care.NOW - datetime.timedelta(days=31 * n))
    client.force_login(care.manager())
    url = reverse("tickets:kpi")
    with time_machine.travel(care.NOW, tick=False):
        client.get(reverse("home"))  # the session's first request
        # session, user, roles, unread badge; closed months (cold cache): tickets per month and
        # channel, clocks per month, answers per month; the same three for the running month
        with django_assert_num_queries(10):
            cold = client.get(url)
        with django_assert_num_queries(7):  # closed months from the cache
            warm = client.get(url)
    assert cold.context["current"].surveys == 1
    assert [chart.spec() for chart in cold.context["charts"]] == [chart.spec() for chart in warm.context["charts"]]
    assert sum(cold.context["charts"][0].series[1].values) == months_with_data


def test_gn6_kpi_running_month_is_live_closed_months_are_cached():
    _answered(overall=5, now=datetime.datetime(2026, 2, 10, 10, tzinfo=SHANGHAI))
    march = datetime.date(2026, 3, 1)
    first = {line.month: line for line in monthly_trend(last_month=march, now=care.NOW)}
    assert first[datetime.date(2026, 2, 1)].surveys == 1 and first[march].opened == 0
    care.ticket(now=care.NOW)  # the running month: shows at once
    care.ticket(now=datetime.datetime(2026, 2, 20, 10, tzinfo=SHANGHAI))  # a closed month: after the cache expires
    again = {line.month: line for line in monthly_trend(last_month=march, now=care.NOW)}
    assert again[march].opened == 1
    assert again[datetime.date(2026, 2, 1)].opened == first[datetime.date(2026, 2, 1)].opened
    from django.core.cache import cache

    cache.clear()
    expired = {line.month: line for line in monthly_trend(last_month=march, now=care.NOW)}
    assert expired[datetime.date(2026, 2, 1)].opened == first[datetime.date(2026, 2, 1)].opened + 1


def test_gn6_kpi_page_writes_the_chart_data_and_the_table(client):
    _answered(overall=5, now=care.NOW)
    _answered(overall=1, now=care.NOW)
    client.force_login(care.manager())
    with time_machine.travel(care.NOW, tick=False):
        response = client.get(reverse("tickets:kpi"))
    html = response.content.decode()
    spec = json.loads(html.split('<script id="kpi-satisfaction-data" type="application/json">')[1].split("</script>")[0])
    assert spec["categories"][-1] == "2026-03" and len(spec["categories"]) == 12
    assert spec["series"][0]["values"][-1] == 50.0 and spec["target"] == 85.0
    assert spec["series"][0]["percent"] is True and spec["series"][1]["values"][-1] == 2.0
    # The table fallback holds the same figures, open until the chart script folds it.
    assert '<details class="chart-table" open>' in html and "<td class=\"num\">50.0 %</td>" in html
    for chart in ("kpi-sla-data", "kpi-volume-data"):
        assert f'id="{chart}"' in html
    assert response.context["current"].month == datetime.date(2026, 3, 1)


def test_gn6_kpi_page_for_managers_only(client):
    url = reverse("tickets:kpi")
    for role, expected in ((Role.SERVICE_MANAGER, 200), (Role.DUTY_MANAGER, 200), (Role.AGENT, 403), (Role.ENGINEER, 403)):
        client.force_login(care.user(role))
        assert client.get(url).status_code == expected, role
    client.force_login(care.manager())
    assert client.get(url, {"month": "13/2026"}).status_code == 200  # a bad month shows the current one


def test_chart_refuses_series_that_do_not_match_the_categories():
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        Chart(id="c", title="t", categories=["a", "b", "c"], series=[Series("s", [1, 2])])
    chart = Chart(id="c", title="t", categories=["a"], series=[Series("s", [None], percent=True)])
    assert chart.is_empty and chart.rows == [("a", [(None, True)])]
    assert chart.spec()["series"][0]["values"] == [None]

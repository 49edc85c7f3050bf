"""Real browser (issue 17): the manager lands on the 12-month KPI dashboard drawn by the vendored
Apache ECharts; without JavaScript the same numbers show as tables (GN-6, CB-5, GN-1)."""

import datetime

import pytest
from django.utils import timezone

from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory
from tickets.care import services as care_services
from tickets.care.tests import factories as care

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

CHARTS = ("#kpi-satisfaction", "#kpi-sla", "#kpi-volume")


def _answered(*, overall, now):
    callback = care.callback(now=now)
    care_services.survey_answer_record(callback=callback, answers=care.answers(callback, overall=overall), via="phone", now=now)


def test_gn6_cb5_manager_lands_on_kpi_trend_charts(live_server, page):
    now = timezone.now()
    _answered(overall=5, now=now - datetime.timedelta(hours=2))
    _answered(overall=1, now=now - datetime.timedelta(hours=1))
    UserFactory(username="chenjing", full_name="陈静", roles=[Role.SERVICE_MANAGER])
    login(page, live_server, "chenjing", TEST_PASSWORD)
    assert page.url == f"{live_server.url}/tickets/kpi/"
    for chart in CHARTS:
        page.locator(f"{chart} .chart-canvas svg").wait_for()
        # The chart is drawn, so the table folds away (one click to the exact figures).
        assert page.locator(f"{chart} .chart-canvas").is_visible()
        assert page.locator(f"{chart} details.chart-table").get_attribute("open") is None
    # The target line of CB-5 is drawn on the satisfaction chart.
    assert "85 %" in page.locator("#kpi-satisfaction .chart-canvas").inner_text()
    page.locator("#kpi-satisfaction summary").click()
    last = page.locator("#kpi-satisfaction tbody tr").last
    assert timezone.localdate().strftime("%Y-%m") in last.inner_text() and "50.0 %" in last.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_gn6_kpi_charts_fall_back_to_tables_without_javascript(live_server, browser):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(username="chenjing", full_name="陈静", roles=[Role.SERVICE_MANAGER]))
    context = browser.new_context(viewport={"width": 375, "height": 812}, java_script_enabled=False, locale="en-US")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/tickets/kpi/")
        for chart in CHARTS:
            assert not page.locator(f"{chart} .chart-canvas").is_visible()
            assert page.locator(f"{chart} table").is_visible()
        assert page.locator("#kpi-volume thead th", has_text="Web form").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/tickets/statistics/", "/hotline/stats/", "/care/satisfaction/"])
def test_report_pages_draw_their_charts(live_server, page, path):
    UserFactory(username="boss", roles=[Role.SERVICE_MANAGER, Role.DUTY_MANAGER])
    login(page, live_server, "boss", TEST_PASSWORD)
    page.goto(f"{live_server.url}{path}")
    figures = page.locator("figure[data-chart]")
    assert figures.count() >= 1
    for index in range(figures.count()):
        figures.nth(index).locator(".chart-canvas svg").wait_for()

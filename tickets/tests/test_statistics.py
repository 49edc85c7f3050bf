"""GN-6: monthly statistics of service volume, SLA performance and satisfaction per engineer and team."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from staff.models import Team
from staff.roles import Role
from tickets import services as ticket_services
from tickets.care import services as care_services
from tickets.care.models import Callback
from tickets.care.tests import factories as care
from tickets.sla import services as sla
from tickets.statistics import monthly_statistics

pytestmark = pytest.mark.django_db

MARCH = (
    datetime.datetime(2026, 3, 1, tzinfo=care.SHANGHAI),
    datetime.datetime(2026, 4, 1, tzinfo=care.SHANGHAI),
)


def _answered(engineer, *, overall, now=care.NOW):
    callback = care.callback(engineer=engineer, now=now)
    care_services.survey_answer_record(
        callback=callback, answers=care.answers(callback, overall=overall), via="phone", now=now + datetime.timedelta(days=1)
    )
    return callback


def _month(stats, label):
    return next(row for row in stats.engineers if row.label == label)


def test_gn6_volume_sla_and_satisfaction_per_engineer_and_team():
    north = Team.objects.create(name="North field team")
    li = care.user(Role.ENGINEER, full_name="李工", team=north)
    zhao = care.user(Role.ENGINEER, full_name="赵工")
    _answered(li, overall=5)
    _answered(li, overall=2)  # not satisfied
    _answered(zhao, overall=5)
    # One of Li's tickets stays open: its 48 h resolve clock breaches in March. One more opens in April.
    care.ticket(assignee=li)
    sla.sla_sweep(now=care.NOW + datetime.timedelta(days=10))
    care.ticket(assignee=li, now=datetime.datetime(2026, 4, 2, 10, tzinfo=care.SHANGHAI))

    care.user(Role.ENGINEER, full_name="钱工", team=north)  # nothing this month: not listed
    stats = monthly_statistics(start=MARCH[0], end=MARCH[1])

    assert "钱工" not in [row.label for row in stats.engineers]
    li_row = _month(stats, "李工")
    assert (li_row.opened, li_row.resolved) == (3, 2)
    # On time: respond x3 (assigned at once), resolve x2, callback x2 (answered the next day).
    assert (li_row.clocks_on_time, li_row.clocks_breached, li_row.sla_percent) == (7, 1, 87.5)
    assert (li_row.surveys, li_row.satisfied, li_row.satisfaction_percent) == (2, 1, 50.0)
    zhao_row = _month(stats, "赵工")
    assert (zhao_row.opened, zhao_row.surveys, zhao_row.satisfaction_percent) == (1, 1, 100.0)
    team = next(row for row in stats.teams if row.label == "North field team")
    assert (team.opened, team.surveys, team.satisfied, team.clocks_breached) == (3, 2, 1, 1)
    assert stats.total.opened == 4 and stats.total.surveys == 3
    assert dict(stats.channels)["Hotline"] == 4


def test_gn6_a_deadline_met_on_time_counts_for_the_engineer_in_the_month_it_fell_due():
    li = care.user(Role.ENGINEER, full_name="李工")
    ticket = care.ticket(assignee=li)
    ticket_services.ticket_transition(
        ticket=ticket, action="resolve", actor=li, resolution="fixed", now=care.NOW + datetime.timedelta(hours=1)
    )
    row = _month(monthly_statistics(start=MARCH[0], end=MARCH[1]), "李工")
    # respond (met at assignment) and resolve; the callback clock just started is not due yet.
    assert (row.clocks_on_time, row.clocks_breached, row.sla_percent) == (2, 0, 100.0)


@pytest.mark.parametrize("engineers", [1, 6])
def test_gn6_statistics_page_query_count_does_not_grow(client, django_assert_num_queries, engineers):
    manager = care.manager()
    for n in range(engineers):
        _answered(care.user(Role.ENGINEER, full_name=f"工程师{n}"), overall=5)
    client.force_login(manager)
    url = reverse("tickets:statistics") + "?month=2026-03"
    client.get(url)  # warm the per-request caches of the session
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["stats"].engineers) == engineers


def test_gn6_statistics_page_for_managers_only(client):
    url = reverse("tickets:statistics")
    for role, expected in ((Role.SERVICE_MANAGER, 200), (Role.DUTY_MANAGER, 200), (Role.AGENT, 403), (Role.ENGINEER, 403)):
        client.force_login(care.user(role))
        assert client.get(url).status_code == expected, role
    client.force_login(care.manager())
    assert client.get(url + "?month=bad").status_code == 200  # a bad month shows the current one
    shown = timezone.localdate().strftime("%Y-%m")
    assert f'value="{shown}"' in client.get(url).content.decode()  # the month picker shows the month
    assert Callback.objects.count() == 0

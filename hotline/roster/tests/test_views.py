import datetime

import pytest
import time_machine
from django.urls import reverse

from hotline.roster import services
from hotline.roster.models import RosterPublication, Shift, ShiftAssignment
from hotline.roster.tests.factories import ShiftFactory, ShiftTemplateFactory, at
from staff.roles import Role

pytestmark = pytest.mark.django_db

WEEK = reverse("roster:week") + "?week=2026-12-07"


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("roles", "week", "mine"),
    [
        ([Role.DUTY_MANAGER], 200, 200),
        ([Role.SERVICE_MANAGER], 200, 200),
        ([Role.ADMIN], 200, 200),
        ([Role.AGENT], 403, 200),
        ([Role.ENGINEER], 403, 200),
        ([Role.HR], 403, 403),
        ([Role.CALLBACK_SPECIALIST], 403, 403),
    ],
)
def test_permissions_per_role(client, make_user, shift, roles, week, mine):
    login(client, make_user(*roles))
    assert client.get(WEEK).status_code == week
    assert client.get(reverse("roster:shift", args=[shift.pk])).status_code == week
    assert client.get(reverse("roster:holidays")).status_code == week
    assert client.post(reverse("roster:shifts_create"), {"first_day": "2026-12-07", "last_day": "2026-12-13"}).status_code in (
        (302,) if week == 200 else (403,)
    )
    assert client.get(reverse("roster:mine")).status_code == mine


def test_only_duty_managers_and_admins_publish(client, make_user, shift):
    login(client, make_user(Role.SERVICE_MANAGER))
    response = client.post(reverse("roster:publish"), {"first_day": "2026-12-07", "last_day": "2026-12-13"})
    assert response.status_code == 403
    assert not RosterPublication.objects.exists()


def test_agent_cannot_assign_or_sign_in_for_someone_else(client, make_user, shift, seats, duty, early):
    agent, other = make_user(Role.AGENT), make_user(Role.AGENT)
    assignment = services.shift_assign(shift=shift, engineer=other, seat=seats[0], by=duty, now=early)
    login(client, agent)
    assert client.post(reverse("roster:assign", args=[shift.pk]), {"engineer": agent.pk, "seat": seats[1].pk}).status_code == 403
    assert client.post(reverse("roster:sign_in", args=[assignment.pk])).status_code == 404


def test_week_page_shows_staffed_required_and_published_state(client, shift, seats, make_user, duty, early):
    from tickets.tests.factories import ServiceContractFactory

    ServiceContractFactory(active_users=1200)
    agent = make_user(Role.AGENT, full_name="Wang Fang")
    services.shift_assign(shift=shift, engineer=agent, seat=seats[0], by=duty, now=early)
    login(client, duty)
    response = client.get(WEEK)
    body = response.content.decode()
    assert "Wang Fang" in body and "8001" in body
    assert "1 / 3 seats" in body and "Understaffed" in body
    assert "Draft" in body
    assert response.context["understaffed"] == 1


def test_week_page_query_count_does_not_grow_with_assignments(client, duty, seats, make_user, early, django_assert_num_queries):
    login(client, duty)
    shift = ShiftFactory(duty_manager=duty)
    client.get(WEEK)  # warm up session and caches

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(WEEK).status_code == 200
        return len(queries)

    baseline = count()
    for seat in seats:
        services.shift_assign(shift=shift, engineer=make_user(Role.AGENT), seat=seat, by=duty, now=early)
    evening = ShiftTemplateFactory(code="evening", name="Evening", start=datetime.time(17, 30), end=datetime.time(22))
    for offset in range(1, 7):
        ShiftFactory(date=datetime.date(2026, 12, 7) + datetime.timedelta(days=offset), duty_manager=duty)
        ShiftFactory(date=datetime.date(2026, 12, 7) + datetime.timedelta(days=offset), template=evening)
    assert count() == baseline
    with django_assert_num_queries(baseline):
        client.get(WEEK)


def test_create_shifts_and_assign_through_the_pages(client, duty, seats, make_user):
    ShiftTemplateFactory(code="day", days="every")
    agent = make_user(Role.AGENT)
    login(client, duty)
    response = client.post(reverse("roster:shifts_create"), {"first_day": "2026-12-07", "last_day": "2026-12-13"})
    assert response.status_code == 302 and Shift.objects.count() == 7
    shift = Shift.objects.get(date=datetime.date(2026, 12, 7))
    response = client.post(
        reverse("roster:assign", args=[shift.pk]), {"engineer": agent.pk, "seat": seats[0].pk}
    )
    assert response.status_code == 302
    assert ShiftAssignment.objects.get().engineer == agent
    # The same seat again: refused by the form with a clear message, nothing saved.
    response = client.post(reverse("roster:assign", args=[shift.pk]), {"engineer": make_user(Role.AGENT).pk, "seat": seats[0].pk})
    assert response.status_code == 400
    assert "already staffed" in response.content.decode()
    assert ShiftAssignment.objects.count() == 1
    response = client.post(reverse("roster:manager", args=[shift.pk]), {"duty_manager": duty.pk})
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.duty_manager == duty


def test_assign_engineer_on_leave_shows_the_reason(client, shift, seats, make_user, duty):
    from hotline.roster.tests.test_services import leave

    agent = make_user(Role.AGENT, full_name="Zhao On Leave")
    leave(agent, shift.date, shift.date)
    login(client, duty)
    response = client.post(reverse("roster:assign", args=[shift.pk]), {"engineer": agent.pk, "seat": seats[0].pk})
    assert response.status_code == 400
    assert "is on approved leave during this shift" in response.content.decode()
    assert not ShiftAssignment.objects.exists()


def test_hl3_late_publish_refused_with_message_then_published_with_reason(client, shift, duty):
    login(client, duty)
    with time_machine.travel(at("2026-12-07 06:00"), tick=False):
        response = client.post(reverse("roster:publish"), {"first_day": "2026-12-07", "last_day": "2026-12-13"})
        assert response.status_code == 400
        assert "at least 12 hours before a shift starts" in response.content.decode()
        assert not RosterPublication.objects.exists()
        response = client.post(
            reverse("roster:publish"),
            {"first_day": "2026-12-07", "last_day": "2026-12-13", "override_reason": "Roster tool was down"},
        )
        assert response.status_code == 302
    publication = RosterPublication.objects.get()
    assert (publication.published_by, publication.override_reason, publication.late_shifts) == (duty, "Roster tool was down", 1)


def test_published_shift_removal_needs_reason(client, shift, seats, make_user, duty, early):
    assignment = services.shift_assign(shift=shift, engineer=make_user(Role.AGENT), seat=seats[0], by=duty, now=early)
    services.roster_publish(first_day=shift.date, last_day=shift.date, by=duty, now=early)
    login(client, duty)
    client.post(reverse("roster:unassign", args=[assignment.pk]))
    assert ShiftAssignment.objects.filter(pk=assignment.pk).exists()
    client.post(reverse("roster:unassign", args=[assignment.pk]), {"reason": "Sick today"})
    assert not ShiftAssignment.objects.filter(pk=assignment.pk).exists()
    assert shift.changes.get().reason == "Sick today"


def test_my_duty_page_and_sign_in_at_the_rostered_seat(client, shift, seats, make_user, duty, early):
    from hotline.roster.selectors import seat_holder

    agent = make_user(Role.AGENT)
    assignment = services.shift_assign(shift=shift, engineer=agent, seat=seats[2], by=duty, now=early)
    services.roster_publish(first_day=shift.date, last_day=shift.date, by=duty, now=early)
    login(client, agent)
    with time_machine.travel(at("2026-12-07 08:25"), tick=False):
        response = client.get(reverse("roster:mine"))
        assert "Sign in at seat 8003" in response.content.decode()
        client.post(reverse("roster:sign_in", args=[assignment.pk]))
        assert seat_holder(seat="8003", at=at("2026-12-07 08:25")) == agent
        response = client.get(reverse("roster:mine"))
        assert "You are signed in at seat 8003." in response.content.decode()
        client.post(reverse("roster:sign_out"))
        assert seat_holder(seat="8003", at=at("2026-12-07 08:26")) is None


def test_my_duty_shows_forwarded_mobile_on_holiday(client, seats, make_user, duty):
    holiday = ShiftFactory(date=datetime.date(2026, 12, 8), is_holiday=True, duty_manager=duty)
    agent = make_user(Role.AGENT, phone="13912345678")
    services.shift_assign(shift=holiday, engineer=agent, seat=seats[0], by=duty, now=at("2026-12-01 10:00"))
    services.roster_publish(first_day=holiday.date, last_day=holiday.date, by=duty, now=at("2026-12-01 10:00"))
    with time_machine.travel(at("2026-12-08 09:00"), tick=False):  # log in that day: sessions last 12 h
        login(client, agent)
        body = client.get(reverse("roster:mine")).content.decode()
    assert "the hotline is forwarded to your mobile 13912345678" in body
    with time_machine.travel(at("2026-12-01 10:00"), tick=False):
        login(client, duty)
        body = client.get(reverse("roster:holidays")).content.decode()
    assert "13912345678" in body and agent.full_name in body

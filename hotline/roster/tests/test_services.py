import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hotline.roster import services
from hotline.roster.models import RosterPublication, Shift, ShiftAssignment, ShiftChange, ShiftTemplate
from hotline.roster.tests.factories import ShiftFactory, ShiftTemplateFactory, at
from servicedesk.core.models import Notification
from staff.models import CalendarDay, LeaveRequest, LeaveStatus, WorkCalendar
from staff.roles import Role

pytestmark = pytest.mark.django_db


def leave(user, first, last, status=LeaveStatus.APPROVED):
    return LeaveRequest.objects.create(
        employee=user,
        kind="annual",
        start_date=first,
        end_date=last,
        days=(last - first).days + 1,
        reason="family",
        status=status,
        submitted_at=at("2026-11-01 09:00"),
        approved_at=at("2026-11-02 09:00") if status == LeaveStatus.APPROVED else None,
    )


# --- Shifts from templates ---------------------------------------------------------------------------


def test_shifts_created_from_templates_by_calendar_with_holidays_and_midnight(db):
    ShiftTemplateFactory(code="day", name="Day", days=ShiftTemplate.Days.WORKING)
    ShiftTemplateFactory(
        code="night", name="Night", start=datetime.time(22), end=datetime.time(6), days=ShiftTemplate.Days.EVERY
    )
    ShiftTemplateFactory(code="weekend", name="Weekend", start=datetime.time(9), end=datetime.time(18), days="non_working")
    calendar = WorkCalendar.objects.get(is_default=True)
    CalendarDay.objects.create(calendar=calendar, date=datetime.date(2026, 12, 8), kind=CalendarDay.Kind.HOLIDAY)

    shifts = services.roster_shifts_create(first_day=datetime.date(2026, 12, 7), last_day=datetime.date(2026, 12, 13))

    by_day = {}
    for shift in shifts:
        by_day.setdefault(shift.date, []).append(shift.template.code)
    assert by_day[datetime.date(2026, 12, 7)] == ["day", "night"]  # Monday
    assert sorted(by_day[datetime.date(2026, 12, 8)]) == ["night", "weekend"]  # the holiday Tuesday
    assert sorted(by_day[datetime.date(2026, 12, 12)]) == ["night", "weekend"]  # Saturday
    holiday = Shift.objects.filter(date=datetime.date(2026, 12, 8))
    assert all(s.is_holiday for s in holiday)
    assert not Shift.objects.filter(date=datetime.date(2026, 12, 12), is_holiday=True).exists()
    night = Shift.objects.get(date=datetime.date(2026, 12, 7), template__code="night")
    assert (night.starts_at, night.ends_at) == (at("2026-12-07 22:00"), at("2026-12-08 06:00"))
    # Idempotent.
    again = services.roster_shifts_create(first_day=datetime.date(2026, 12, 7), last_day=datetime.date(2026, 12, 13))
    assert len(again) == len(shifts) == Shift.objects.count() == 14  # 7 nights, 4 days, 3 weekend/holiday


# --- Assignments -------------------------------------------------------------------------------------


def test_assign_engineer_to_seat(shift, seats, make_user, duty, early):
    agent = make_user(Role.AGENT)
    assignment = services.shift_assign(shift=shift, engineer=agent, seat=seats[0], by=duty, now=early)
    assert (assignment.starts_at, assignment.ends_at) == (shift.starts_at, shift.ends_at)
    assert assignment.assigned_by == duty and assignment.assigned_at == early
    assert not ShiftChange.objects.exists()  # a draft changes freely


def test_assign_refuses_engineer_on_approved_leave(shift, seats, make_user, duty, early):
    agent = make_user(Role.AGENT, full_name="On Leave")
    leave(agent, datetime.date(2026, 12, 7), datetime.date(2026, 12, 9))
    with pytest.raises(ValidationError) as exc:
        services.shift_assign(shift=shift, engineer=agent, seat=seats[0], by=duty, now=early)
    assert "approved leave" in str(exc.value.message_dict["engineer"])
    assert not ShiftAssignment.objects.exists()


def test_assign_allows_pending_or_other_days_leave(shift, seats, make_user, duty, early):
    agent = make_user(Role.AGENT)
    leave(agent, datetime.date(2026, 12, 7), datetime.date(2026, 12, 7), status=LeaveStatus.SUBMITTED)
    leave(agent, datetime.date(2026, 12, 8), datetime.date(2026, 12, 9))
    services.shift_assign(shift=shift, engineer=agent, seat=seats[0], by=duty, now=early)


def test_assign_refuses_same_person_in_overlapping_shift(shift, seats, make_user, duty, early):
    agent = make_user(Role.AGENT)
    late = ShiftFactory(
        template=ShiftTemplateFactory(code="late", name="Late", start=datetime.time(12), end=datetime.time(21)),
        duty_manager=duty,
    )
    evening = ShiftFactory(
        template=ShiftTemplateFactory(code="evening", name="Evening", start=datetime.time(17, 30), end=datetime.time(22)),
    )
    services.shift_assign(shift=shift, engineer=agent, seat=seats[0], by=duty, now=early)
    with pytest.raises(ValidationError) as exc:
        services.shift_assign(shift=late, engineer=agent, seat=seats[1], by=duty, now=early)
    assert "overlapping" in str(exc.value.message_dict["engineer"])
    # Back to back is fine.
    services.shift_assign(shift=evening, engineer=agent, seat=seats[0], by=duty, now=early)


def test_assign_refuses_seat_twice_and_person_twice_in_one_shift(shift, seats, make_user, duty, early):
    one, two = make_user(Role.AGENT), make_user(Role.AGENT)
    services.shift_assign(shift=shift, engineer=one, seat=seats[0], by=duty, now=early)
    with pytest.raises(ValidationError) as exc:
        services.shift_assign(shift=shift, engineer=two, seat=seats[0], by=duty, now=early)
    assert "seat" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.shift_assign(shift=shift, engineer=one, seat=seats[1], by=duty, now=early)


def test_db_constraints_refuse_seat_twice_and_person_twice_in_one_shift(shift, seats, make_user, early):
    one, two = make_user(Role.AGENT), make_user(Role.AGENT)
    row = {"shift": shift, "starts_at": shift.starts_at, "ends_at": shift.ends_at, "assigned_at": early}
    ShiftAssignment.objects.create(engineer=one, seat=seats[0], **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShiftAssignment.objects.create(engineer=two, seat=seats[0], **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShiftAssignment.objects.create(engineer=one, seat=seats[1], **row)


def test_assign_refuses_non_agent_and_inactive_seat(shift, seats, make_user, duty, early):
    with pytest.raises(ValidationError):
        services.shift_assign(shift=shift, engineer=make_user(Role.ENGINEER), seat=seats[0], by=duty, now=early)
    seats[1].is_active = False
    seats[1].save()
    with pytest.raises(ValidationError):
        services.shift_assign(shift=shift, engineer=make_user(Role.AGENT), seat=seats[1], by=duty, now=early)


def test_duty_manager_must_be_duty_manager_and_not_on_leave(shift, make_user, duty, early):
    with pytest.raises(ValidationError):
        services.shift_duty_manager_set(shift=shift, duty_manager=make_user(Role.AGENT), by=duty, now=early)
    other = make_user(Role.DUTY_MANAGER)
    leave(other, datetime.date(2026, 12, 7), datetime.date(2026, 12, 7))
    with pytest.raises(ValidationError):
        services.shift_duty_manager_set(shift=shift, duty_manager=other, by=duty, now=early)
    third = make_user(Role.DUTY_MANAGER)
    assert services.shift_duty_manager_set(shift=shift, duty_manager=third, by=duty, now=early).duty_manager == third


# --- Publication (HL-3) -----------------------------------------------------------------------------


def test_hl3_publish_in_time_notifies_everyone_once(shift, seats, make_user, duty):
    agent = make_user(Role.AGENT)
    services.shift_assign(shift=shift, engineer=agent, seat=seats[0], by=duty, now=at("2026-12-01 10:00"))
    # 12 hours exactly before the 08:30 start is still in time.
    publication = services.roster_publish(
        first_day=datetime.date(2026, 12, 7), last_day=datetime.date(2026, 12, 13), by=duty, now=at("2026-12-06 20:30")
    )
    shift.refresh_from_db()
    assert shift.published_at == at("2026-12-06 20:30") and shift.publication == publication
    assert publication.late_shifts == 0 and publication.override_reason == ""
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {agent.username, duty.username}
    assert shift.history.filter(history_change_reason="published").count() == 1
    with pytest.raises(ValidationError, match="nothing to publish"):
        services.roster_publish(
            first_day=datetime.date(2026, 12, 7), last_day=datetime.date(2026, 12, 13), by=duty, now=at("2026-12-06 20:31")
        )


def test_hl3_late_publication_refused_without_reason(shift, duty):
    with pytest.raises(ValidationError) as exc:
        services.roster_publish(
            first_day=datetime.date(2026, 12, 7), last_day=datetime.date(2026, 12, 7), by=duty, now=at("2026-12-06 20:30:01")
        )
    assert "at least 12 hours" in str(exc.value.message_dict["override_reason"])
    shift.refresh_from_db()
    assert shift.published_at is None and not RosterPublication.objects.exists()


def test_hl3_late_publication_with_override_reason_is_recorded(shift, duty):
    publication = services.roster_publish(
        first_day=datetime.date(2026, 12, 7),
        last_day=datetime.date(2026, 12, 7),
        by=duty,
        now=at("2026-12-07 07:00"),
        override_reason="Agent fell ill overnight",
    )
    assert publication.late_shifts == 1
    assert publication.override_reason == "Agent fell ill overnight"
    assert publication.published_by == duty and publication.published_at == at("2026-12-07 07:00")
    assert publication.history.count() == 1


def test_hl3_publish_refuses_shift_without_duty_manager(db, duty, early):
    ShiftFactory(duty_manager=None)
    with pytest.raises(ValidationError, match="no duty manager"):
        services.roster_publish(first_day=datetime.date(2026, 12, 7), last_day=datetime.date(2026, 12, 7), by=duty, now=early)


def test_hl3_published_shift_changes_need_a_reason_which_is_recorded(shift, seats, make_user, duty, early):
    agent, other = make_user(Role.AGENT), make_user(Role.AGENT)
    assignment = services.shift_assign(shift=shift, engineer=agent, seat=seats[0], by=duty, now=early)
    services.roster_publish(first_day=shift.date, last_day=shift.date, by=duty, now=early)
    shift.refresh_from_db()
    later = at("2026-12-06 09:00")
    with pytest.raises(ValidationError) as exc:
        services.shift_assign(shift=shift, engineer=other, seat=seats[1], by=duty, now=later)
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.shift_unassign(assignment=assignment, by=duty, now=later)

    services.shift_assign(shift=shift, engineer=other, seat=seats[1], by=duty, now=later, reason="More calls expected")
    services.shift_unassign(assignment=assignment, by=duty, now=later, reason="Sick")
    changes = list(ShiftChange.objects.order_by("pk").values_list("action", "reason", "changed_by", "changed_at"))
    assert changes == [
        (ShiftChange.Action.ASSIGNED, "More calls expected", duty.pk, later),
        (ShiftChange.Action.UNASSIGNED, "Sick", duty.pk, later),
    ]
    assert Notification.objects.filter(recipient=other, key__startswith="roster:change:").count() == 1
    assert Notification.objects.filter(recipient=agent, key__startswith="roster:change:").count() == 1
    assert list(shift.assignments.values_list("engineer", flat=True)) == [other.pk]


# --- Holiday duty (ST-16) --------------------------------------------------------------------------


@pytest.fixture
def holiday_shift(duty):
    return ShiftFactory(date=datetime.date(2026, 12, 8), is_holiday=True, duty_manager=duty)


def test_st16_first_engineer_on_holiday_shift_gets_the_forwarded_hotline(holiday_shift, seats, make_user, duty, early):
    one, two = make_user(Role.AGENT, phone="13900000001"), make_user(Role.AGENT, phone="13900000002")
    first = services.shift_assign(shift=holiday_shift, engineer=one, seat=seats[0], by=duty, now=early)
    second = services.shift_assign(shift=holiday_shift, engineer=two, seat=seats[1], by=duty, now=early)
    assert first.forwards_hotline and not second.forwards_hotline
    services.shift_forwarding_set(assignment=second, by=duty, now=early)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.forwards_hotline and not first.forwards_hotline
    services.shift_unassign(assignment=second, by=duty, now=early)
    first.refresh_from_db()
    assert first.forwards_hotline  # the hotline never goes nowhere


def test_st16_forwarding_only_on_holidays(shift, seats, make_user, duty, early):
    with pytest.raises(ValidationError):
        services.shift_assign(
            shift=shift, engineer=make_user(Role.AGENT), seat=seats[0], by=duty, now=early, forwards_hotline=True
        )


def test_st16_publish_refuses_holiday_shift_without_a_mobile_to_forward_to(holiday_shift, seats, make_user, duty, early):
    agent = make_user(Role.AGENT, phone="")
    services.shift_assign(shift=holiday_shift, engineer=agent, seat=seats[0], by=duty, now=early)
    with pytest.raises(ValidationError, match="mobile number"):
        services.roster_publish(first_day=holiday_shift.date, last_day=holiday_shift.date, by=duty, now=early)
    agent.phone = "13900000003"
    agent.save()
    services.roster_publish(first_day=holiday_shift.date, last_day=holiday_shift.date, by=duty, now=early)

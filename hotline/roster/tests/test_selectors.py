import datetime

import pytest

from hotline.roster import selectors, services
from hotline.roster.tests.factories import ShiftFactory, ShiftTemplateFactory, at
from hotline.selectors import duty_managers_on_shift
from staff.roles import Role
from tickets.tests.factories import ServiceContractFactory

pytestmark = pytest.mark.django_db


def test_hl2_active_users_sum_contracts_in_force_each_day(db):
    ServiceContractFactory(active_users=300, start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 7))
    ServiceContractFactory(active_users=201, start_date=datetime.date(2026, 12, 7), end_date=datetime.date(2027, 12, 6))
    ServiceContractFactory(active_users=999, start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2025, 12, 31))
    days = [datetime.date(2026, 12, 6), datetime.date(2026, 12, 7), datetime.date(2026, 12, 8)]
    assert selectors.active_users_by_day(days=days) == dict(zip(days, [300, 501, 201], strict=True))


def test_hl2_roster_week_shows_staffed_vs_required_and_flags_understaffed(shift, seats, make_user, duty, early):
    ServiceContractFactory(active_users=501, start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31))
    services.shift_assign(shift=shift, engineer=make_user(Role.AGENT), seat=seats[0], by=duty, now=early)
    week = selectors.roster_week(first_day=datetime.date(2026, 12, 7))
    row = week[0]["shifts"][0]
    assert (row["staffed"], row["required"], row["understaffed"]) == (1, 2, True)
    services.shift_assign(shift=shift, engineer=make_user(Role.AGENT), seat=seats[1], by=duty, now=early)
    row = selectors.roster_week(first_day=datetime.date(2026, 12, 7))[0]["shifts"][0]
    assert (row["staffed"], row["required"], row["understaffed"]) == (2, 2, False)
    assert [day["date"] for day in week] == [datetime.date(2026, 12, 7) + datetime.timedelta(days=n) for n in range(7)]


def test_hl2_roster_week_query_count_is_constant(shift, seats, make_user, duty, early, django_assert_num_queries):
    with django_assert_num_queries(3):
        selectors.roster_week(first_day=datetime.date(2026, 12, 7))
    for seat in seats:
        services.shift_assign(shift=shift, engineer=make_user(Role.AGENT), seat=seat, by=duty, now=early)
    ShiftFactory(date=datetime.date(2026, 12, 8), duty_manager=duty)
    with django_assert_num_queries(3):
        selectors.roster_week(first_day=datetime.date(2026, 12, 7))


# --- hotline.selectors.duty_managers_on_shift -------------------------------------------------------


def test_duty_managers_on_shift_narrows_to_the_published_shift_covering_the_moment(shift, make_user, duty, early):
    other = make_user(Role.DUTY_MANAGER)
    night_manager = make_user(Role.DUTY_MANAGER)
    night = ShiftFactory(
        template=ShiftTemplateFactory(code="night", name="Night", start=datetime.time(22), end=datetime.time(6)),
        duty_manager=night_manager,
    )
    services.roster_publish(first_day=shift.date, last_day=shift.date, by=duty, now=early)  # both shifts
    assert list(duty_managers_on_shift(at=at("2026-12-07 08:30"))) == [duty]
    assert list(duty_managers_on_shift(at=at("2026-12-07 17:29:59"))) == [duty]
    # The night shift crosses midnight and covers 02:00 the next day.
    assert list(duty_managers_on_shift(at=at("2026-12-08 02:00"))) == [night_manager]
    night.refresh_from_db()
    assert night.is_published
    assert other not in duty_managers_on_shift(at=at("2026-12-07 12:00"))


def test_duty_managers_on_shift_falls_back_to_all_when_no_published_shift_covers(shift, make_user, duty, early):
    other = make_user(Role.DUTY_MANAGER)
    # Draft shift: not binding yet, so everyone.
    assert list(duty_managers_on_shift(at=at("2026-12-07 12:00"))) == [duty, other]
    services.roster_publish(first_day=shift.date, last_day=shift.date, by=duty, now=early)
    # After the shift ends (17:30, half-open) and before it starts: everyone.
    assert list(duty_managers_on_shift(at=at("2026-12-07 17:30"))) == [duty, other]
    assert list(duty_managers_on_shift(at=at("2026-12-07 08:29"))) == [duty, other]
    # A rostered manager who left the company: the escalation still reaches someone.
    duty.is_active = False
    duty.save()
    assert list(duty_managers_on_shift(at=at("2026-12-07 12:00"))) == [other]

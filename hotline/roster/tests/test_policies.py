import datetime
from decimal import Decimal

import pytest

from hotline.roster import policies
from hotline.roster.tests.factories import TZ, at


@pytest.mark.parametrize(
    ("active_users", "seats"),
    [(0, 0), (1, 1), (499, 1), (500, 1), (501, 2), (1000, 2), (1001, 3), (2500, 5)],
)
def test_hl2_required_seats_is_ceil_of_two_per_mille(active_users, seats):
    assert policies.required_seats(active_users=active_users, per_mille=Decimal("2")) == seats


def test_hl2_required_seats_documented_minimum_applies_to_zero_users():
    assert policies.required_seats(active_users=0, per_mille=2, minimum=1) == 1
    assert policies.required_seats(active_users=1001, per_mille=2, minimum=1) == 3


def test_hl2_required_seats_other_factor_and_negative_refused():
    assert policies.required_seats(active_users=1000, per_mille=Decimal("2.5")) == 3
    with pytest.raises(ValueError):
        policies.required_seats(active_users=-1, per_mille=2)


def test_shift_span_same_day_and_crossing_midnight():
    day = datetime.date(2026, 12, 7)
    assert policies.shift_span(day=day, start=datetime.time(8, 30), end=datetime.time(17, 30), tz=TZ) == (
        at("2026-12-07 08:30"),
        at("2026-12-07 17:30"),
    )
    assert policies.shift_span(day=day, start=datetime.time(22, 0), end=datetime.time(6, 0), tz=TZ) == (
        at("2026-12-07 22:00"),
        at("2026-12-08 06:00"),
    )
    # A 24-hour shift (end == start) also ends the next day.
    assert policies.shift_span(day=day, start=datetime.time(8, 0), end=datetime.time(8, 0), tz=TZ)[1] == at("2026-12-08 08:00")


def test_template_runs_on_working_and_non_working_days():
    assert policies.template_runs_on(days="working", working_day=True)
    assert not policies.template_runs_on(days="working", working_day=False)
    assert policies.template_runs_on(days="non_working", working_day=False)
    assert policies.template_runs_on(days="every", working_day=False)


def test_hl3_publication_late_boundary_is_exactly_12_hours():
    start = at("2026-12-07 08:30")
    assert not policies.publication_is_late(starts_at=start, now=at("2026-12-06 20:30"), lead_hours=12)
    assert policies.publication_is_late(starts_at=start, now=at("2026-12-06 20:30:01"), lead_hours=12)


def test_hl4_seat_ready_deadline_from_start_or_late_assignment():
    start = at("2026-12-07 09:00")
    assert policies.seat_ready_deadline(starts_at=start, assigned_at=at("2026-12-01 10:00"), ready_minutes=10) == at(
        "2026-12-07 09:10"
    )
    assert policies.seat_ready_deadline(starts_at=start, assigned_at=at("2026-12-07 09:30"), ready_minutes=10) == at(
        "2026-12-07 09:40"
    )


def test_spans_overlap_is_half_open():
    a = (at("2026-12-07 08:30"), at("2026-12-07 17:30"))
    assert not policies.spans_overlap(a, (at("2026-12-07 17:30"), at("2026-12-07 22:00")))
    assert policies.spans_overlap(a, (at("2026-12-07 17:00"), at("2026-12-07 22:00")))


def test_hl4_seat_sign_in_opens_early_and_closes_at_the_end_of_the_shift():
    starts = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=TZ)
    ends = datetime.datetime(2026, 11, 24, 17, 30, tzinfo=TZ)
    before, minute = datetime.timedelta(minutes=60), datetime.timedelta(minutes=1)
    open_at = lambda now: policies.sign_in_open(starts_at=starts, ends_at=ends, now=now, early_minutes=60)  # noqa: E731
    assert not open_at(starts - before - minute)
    assert open_at(starts - before)
    assert open_at(ends - datetime.timedelta(seconds=1))
    assert not open_at(ends)

"""Demo duty roster: seats 8001-8004, shift templates, and a published roster for this week and
next with the demo users ``agent``, ``agent2`` and ``duty`` (from staff/demo.py). A holiday in the
default work calendar within those two weeks becomes holiday duty (ST-16) with the hotline forwarded
to the engineer's mobile. Safe to run again: existing rows are kept."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from staff.models import User

from . import services
from .models import Seat, ShiftTemplate

SEATS = [("8001", "Front row 1"), ("8002", "Front row 2"), ("8003", "Back row 1"), ("8004", "Back row 2")]

TEMPLATES = [
    # code, name, start, end, days, position
    ("day", "Day", datetime.time(8, 30), datetime.time(17, 30), ShiftTemplate.Days.WORKING, 10),
    ("evening", "Evening", datetime.time(17, 30), datetime.time(22, 0), ShiftTemplate.Days.EVERY, 20),
    ("weekend", "Weekend/holiday", datetime.time(9, 0), datetime.time(18, 0), ShiftTemplate.Days.NON_WORKING, 30),
]

# template code -> (username, seat) in the order they are assigned
STAFFING = {
    "day": [("agent", "8001"), ("agent2", "8002")],
    "evening": [("duty", "8003")],
    "weekend": [("agent", "8001")],
}
DEMO_PHONES = {"agent": "13800138001", "agent2": "13800138002", "duty": "13800138009"}


def seed_demo(*, now, log) -> None:
    seats = {number: Seat.objects.get_or_create(number=number, defaults={"label": label})[0] for number, label in SEATS}
    for code, name, start, end, days, position in TEMPLATES:
        ShiftTemplate.objects.get_or_create(
            code=code, defaults={"name": name, "start": start, "end": end, "days": days, "position": position}
        )
    users = {u.username: u for u in User.objects.filter(username__in=["agent", "agent2", "duty"])}
    if len(users) < 3:
        log("roster: demo users missing (run the staff demo first); roster skipped")
        return
    for username, phone in DEMO_PHONES.items():  # holiday duty forwards the hotline to this mobile
        if not users[username].phone:
            users[username].phone = phone
            users[username].save(update_fields=["phone"])
    today = timezone.localdate(now)
    monday = today - datetime.timedelta(days=today.weekday())
    shifts = services.roster_shifts_create(first_day=monday, last_day=monday + datetime.timedelta(days=13))
    assigned = 0
    for shift in shifts:
        if shift.is_published:
            continue
        if shift.duty_manager_id is None:
            services.shift_duty_manager_set(shift=shift, duty_manager=users["duty"], by=users["duty"], now=now)
        if shift.assignments.exists():
            continue
        staffing = STAFFING.get(shift.template.code, [])
        if shift.template.code == "weekend" and shift.date.weekday() == 6:
            staffing = [("agent2", "8001")]
        for username, seat in staffing:
            try:
                services.shift_assign(shift=shift, engineer=users[username], seat=seats[seat], by=users["duty"], now=now)
                assigned += 1
            except ValidationError as exc:  # e.g. on leave in the staff demo
                log(f"roster: {shift} {username}: {' '.join(exc.messages)}")
    for first_day in (monday, monday + datetime.timedelta(days=7)):
        try:
            services.roster_publish(
                first_day=first_day,
                last_day=first_day + datetime.timedelta(days=6),
                by=users["duty"],
                now=now,
                override_reason="Demo data loaded after the shifts were due to be published.",
            )
        except ValidationError as exc:
            log(f"roster: week of {first_day}: {' '.join(exc.messages)}")
    holidays = sum(1 for s in shifts if s.is_holiday)
    log(f"roster: {len(shifts)} shifts ({holidays} holiday duty), {assigned} new assignments")

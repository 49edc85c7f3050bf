"""Issue 17: ``manage.py seed_demo`` shows a healthy service centre on a normal day, relative to the
moment it runs, and a second run adds nothing."""

import datetime
import io

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from onsite.models import ServiceOrder
from servicedesk.core.models import Notification
from staff.models import User
from tickets.care.models import Callback, CallbackStatus, SurveyResponse
from tickets.models import Ticket
from tickets.models.tickets import OPEN_STATUSES
from tickets.sla.models import SLAClock

pytestmark = pytest.mark.django_db

# A Wednesday morning and a Monday afternoon in Beijing (the demo is relative to "now").
WEDNESDAY_MORNING = datetime.datetime(2026, 12, 9, 1, 30, tzinfo=datetime.UTC)  # 09:30 +08:00
MONDAY_AFTERNOON = datetime.datetime(2026, 12, 7, 7, 0, tzinfo=datetime.UTC)  # 15:00 +08:00


def _seed(now) -> str:
    out = io.StringIO()
    with time_machine.travel(now, tick=False):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.mark.parametrize("now", [WEDNESDAY_MORNING, MONDAY_AFTERNOON], ids=["wednesday-morning", "monday-afternoon"])
def test_demo_shows_a_healthy_centre_on_a_normal_day(now):
    _seed(now)
    today = timezone.localdate(now)

    # CB-1: the callback specialist keeps up - nothing overdue untried, a few to make today.
    open_callbacks = Callback.objects.filter(status=CallbackStatus.OPEN)
    overdue = open_callbacks.filter(due_date__lt=today)
    assert overdue.filter(attempts=0).count() <= 1
    assert overdue.count() <= 1
    assert 2 <= open_callbacks.filter(due_date=today).count() <= 4
    done = Callback.objects.filter(status=CallbackStatus.DONE)
    assert done.count() > 4 * open_callbacks.count()
    assert not done.filter(attempts=0, response__via="phone").exists()

    # CB-5, HL-9, OS-10: satisfaction around 90 %, above the 85 % target.
    rated = SurveyResponse.objects.exclude(satisfied=None)
    share = 100 * rated.filter(satisfied=True).count() / rated.count()
    assert 85 < share <= 96

    # A handful of unread notifications per person, not a pile.
    for user in User.objects.all():
        assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() <= 10, user.username
    assert Notification.objects.filter(recipient__username="duty", read_at__isnull=True).count() <= 10

    # Most open tickets have someone on them (a dispatched engineer is the assignee).
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES)
    assert open_tickets.filter(assignee__isnull=False).count() >= 0.8 * open_tickets.count()
    assert not open_tickets.filter(assignee__isnull=True, created_at__lt=now - datetime.timedelta(hours=1)).exists()

    # OS-8: most clocks met, some running with time left, one or two breached.
    clocks = SLAClock.objects.filter(cancelled_at__isnull=True)
    breached = clocks.filter(breached_at__isnull=False).count()
    running = clocks.filter(met_at__isnull=True, breached_at__isnull=True, due_at__gt=now).count()
    met = clocks.filter(met_at__isnull=False, breached_at__isnull=True).count()
    assert 1 <= breached <= 2
    assert running >= 3
    assert met > 0.7 * clocks.count()

    # On-site visits spread over yesterday, today and tomorrow; each field engineer has 1-3 today.
    days = {timezone.localdate(start) for start in ServiceOrder.objects.exclude(agreed_start=None).values_list("agreed_start", flat=True)}
    assert {today - datetime.timedelta(days=1), today, today + datetime.timedelta(days=1)} <= days
    for username in ("engineer", "engineer2"):
        visits_today = [
            start for start in ServiceOrder.objects.filter(engineer__username=username).values_list("agreed_start", flat=True)
            if start and timezone.localdate(start) == today
        ]  # fmt: skip
        assert 1 <= len(visits_today) <= 3, username


def test_demo_second_run_adds_nothing():
    _seed(WEDNESDAY_MORNING)
    before = _row_counts()
    unread = Notification.objects.filter(read_at__isnull=True).count()
    _seed(WEDNESDAY_MORNING + datetime.timedelta(minutes=5))
    after = _row_counts()
    assert {label: (before[label], after[label]) for label in before if before[label] != after[label]} == {}
    assert Notification.objects.filter(read_at__isnull=True).count() == unread

"""CT-3: the daily overdue-payment check, with frozen time around the 3-day boundary in Asia/Shanghai."""

import datetime
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from servicedesk.core.models import Notification
from tickets.contracts import services
from tickets.contracts.models import ContractEvent, ContractEventKind, Renewal, RenewalStatus
from tickets.contracts.tasks import payment_overdue_notify

from .factories import local, manager, renewal_at

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def boss():
    return manager(username="boss")


@pytest.fixture
def signed(boss):
    """Signed on Wednesday 2 December 2026: payment due by Saturday 5 December (local date)."""
    return renewal_at(RenewalStatus.SIGNED, actor=boss, now=local(2026, 12, 2, 10), signed_on=D(2026, 12, 2))


def overdue_notes(boss):
    return Notification.objects.filter(recipient=boss, kind="renewal_payment_overdue")


def test_ct3_not_overdue_until_the_due_day_is_over_in_local_time(boss, signed):
    assert signed.payment_due_on == D(2026, 12, 5)
    # 23:59 on the due day in Shanghai is 15:59 UTC: still on time.
    with time_machine.travel(datetime.datetime(2026, 12, 5, 15, 59, tzinfo=datetime.UTC), tick=False):
        assert payment_overdue_notify.delay().get() == 0
    assert not overdue_notes(boss).exists()
    # Midnight in Shanghai (16:00 UTC on the 5th): the 6th has begun, the payment is overdue.
    with time_machine.travel(datetime.datetime(2026, 12, 5, 16, 0, tzinfo=datetime.UTC), tick=False):
        assert payment_overdue_notify.delay().get() == 1
    (note,) = overdue_notes(boss)
    assert signed.contract.number in note.title and "1 days overdue" in note.title
    assert note.url == signed.get_absolute_url() and note.key == f"renewal-overdue:{signed.pk}"
    signed.refresh_from_db()
    assert signed.overdue_notified_at == datetime.datetime(2026, 12, 5, 16, 0, tzinfo=datetime.UTC)
    assert ContractEvent.objects.filter(renewal=signed, kind=ContractEventKind.PAYMENT_OVERDUE).count() == 1


def test_ct3_overdue_notice_is_sent_once_however_often_the_task_runs(boss, signed):
    for moment in (local(2026, 12, 6, 9), local(2026, 12, 6, 9), local(2026, 12, 7, 9), local(2026, 12, 20, 9)):
        with time_machine.travel(moment, tick=False):
            payment_overdue_notify.delay()
    assert overdue_notes(boss).count() == 1
    assert ContractEvent.objects.filter(kind=ContractEventKind.PAYMENT_OVERDUE).count() == 1


def test_ct3_a_late_run_catches_up_and_skips_paid_and_not_yet_due_renewals(boss, signed):
    paid = renewal_at(RenewalStatus.PAID, actor=boss, now=local(2026, 12, 2, 10), signed_on=D(2026, 12, 2))
    fresh = renewal_at(RenewalStatus.SIGNED, actor=boss, now=local(2026, 12, 9, 10), signed_on=D(2026, 12, 9))
    # The worker was down for days: the run on the 10th tells about the renewal due on the 5th only.
    notified = services.renewals_overdue_notify(now=local(2026, 12, 10, 9))
    assert notified == [signed]
    assert "5 days overdue" in overdue_notes(boss).get().title
    assert Renewal.objects.get(pk=paid.pk).overdue_notified_at is None
    assert Renewal.objects.get(pk=fresh.pk).overdue_notified_at is None


def test_ct3_task_takes_the_moment_as_an_iso_string(boss, signed):
    assert payment_overdue_notify.delay(now=local(2026, 12, 4, 9).isoformat()).get() == 0
    assert payment_overdue_notify.delay(now=local(2026, 12, 6, 9).isoformat()).get() == 1


def test_ct3_daily_schedule_row_is_seeded_once():
    seed = import_module("tickets.contracts.migrations.0002_payment_overdue_schedule").seed
    seed(apps, None)
    seed(apps, None)
    (task,) = PeriodicTask.objects.filter(task="contracts.payment_overdue_notify")
    assert task.enabled and task.crontab.hour == "9" and str(task.crontab.timezone) == "Asia/Shanghai"

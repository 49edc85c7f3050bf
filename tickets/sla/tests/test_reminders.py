"""CT-2 / CT-3: contract-expiry reminders, the notice letter, done and lost."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from servicedesk.core import outbox
from servicedesk.core.models import Notification, OutboxMessage
from servicedesk.notify.models import CustomerMessage, MessageKind
from servicedesk.notify.services import DELIVER_TOPIC
from staff.roles import Role
from tickets.models.customers import RenewalStatus
from tickets.sla import services
from tickets.sla.models import ContractReminder, ContractReminderStep
from tickets.sla.tasks import sla_contract_notice_send, sla_contract_reminders
from tickets.tests.factories import ContactFactory, CustomerFactory, InstallationFactory, ServiceContractFactory

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def day(m, d, y=2026):
    return datetime.datetime(y, m, d, 8, 0, tzinfo=SH)


@pytest.fixture
def specialist(make_user):
    return make_user(Role.CALLBACK_SPECIALIST, username="sunli")


@pytest.fixture
def contract():
    customer = CustomerFactory(name="北京华联商贸有限公司")
    ContactFactory(customer=customer, name="李明", email="liming@hualian.example")
    ContactFactory(customer=customer, name="赵强", email="", mobile="", phone="010-6552 9901")  # office phone only
    installation = InstallationFactory(customer=customer, serial_number="INV-2025-0001")
    contract = ServiceContractFactory(customer=customer, number="SC-0001", end_date=datetime.date(2026, 12, 31))
    contract.installations.add(installation)
    return contract


def letters(number):
    """Expiry notice letters sent (they carry an HTML part; staff notifications do not)."""
    return [m for m in mail.outbox if m.alternatives and number in m.subject]


def notices(reminder):
    return CustomerMessage.objects.filter(kind=MessageKind.CONTRACT_EXPIRING, key__startswith=f"contract_expiring:{reminder.pk}:")


def run(now, capture):
    with time_machine.travel(now, tick=False), capture(execute=True):
        return services.contract_reminders_create(now=now)


def test_ct2_one_month_before_the_end_a_reminder_and_a_notice_letter(
    contract, specialist, django_capture_on_commit_callbacks
):
    assert run(day(11, 30), django_capture_on_commit_callbacks) == []
    created = run(day(12, 1), django_capture_on_commit_callbacks)
    reminder = ContractReminder.objects.get()
    assert created == [reminder]
    assert (reminder.period_end, reminder.days_before, reminder.due_on) == (
        datetime.date(2026, 12, 31),
        30,
        datetime.date(2026, 12, 1),
    )
    assert reminder.assignee == specialist and reminder.language == "zh-hans"
    assert Notification.objects.filter(recipient=specialist, key=f"contract-reminder:{reminder.pk}").exists()
    sent = letters("SC-0001")
    assert len(sent) == 1 and sent[0].to == ["liming@hualian.example"]
    html = sent[0].alternatives[0][0]
    assert 'lang="zh-hans"' in html and "INV-2025-0001" in html and "北京华联商贸有限公司" in html
    assert "服务期" in html  # the letter is in Chinese
    reminder.refresh_from_db()
    assert reminder.notice_sent_at == day(12, 1) and reminder.notice_recipients == "liming@hualian.example"
    (message,) = notices(reminder)  # 赵强 has only an office phone: no message
    assert (message.channel, message.status, message.body_html) == ("email", "sent", html)
    assert message.subject == sent[0].subject and "SC-0001" in message.subject
    assert OutboxMessage.objects.filter(topic=DELIVER_TOPIC, key=f"notify:{message.key}", status="sent").exists()


def test_ct2_never_twice_for_the_same_period_and_step(contract, specialist, django_capture_on_commit_callbacks):
    for now in (day(12, 1), day(12, 1), day(12, 2), day(12, 16)):
        run(now, django_capture_on_commit_callbacks)
    assert list(ContractReminder.objects.values_list("days_before", flat=True)) == [30]
    assert services.contract_notice_send(reminder_id=ContractReminder.objects.get().pk, now=day(12, 2)) is False
    assert len(letters("SC-0001")) == 1


def test_ct2_reminders_repeat_at_each_step_until_renewed(contract, specialist, django_capture_on_commit_callbacks):
    for now in (day(12, 1), day(12, 17), day(12, 24), day(12, 31), day(1, 1, 2027)):
        run(now, django_capture_on_commit_callbacks)
    assert sorted(ContractReminder.objects.values_list("days_before", flat=True)) == [7, 14, 30]
    assert len(letters("SC-0001")) == 3


def test_ct2_a_contract_first_seen_late_gets_only_the_latest_step(
    contract, specialist, django_capture_on_commit_callbacks
):
    run(day(12, 20), django_capture_on_commit_callbacks)
    assert list(ContractReminder.objects.values_list("days_before", flat=True)) == [14]


def test_ct2_steps_are_configurable(contract, specialist, django_capture_on_commit_callbacks):
    ContractReminderStep.objects.update(is_active=False)
    ContractReminderStep.objects.create(days_before=60)
    run(day(11, 1), django_capture_on_commit_callbacks)
    assert list(ContractReminder.objects.values_list("days_before", flat=True)) == [60]


def test_ct2_renewed_or_lost_contracts_are_not_reminded_and_their_open_reminders_close(
    contract, specialist, django_capture_on_commit_callbacks
):
    run(day(12, 1), django_capture_on_commit_callbacks)
    contract.renewal_status = RenewalStatus.RENEWED
    contract.save()
    run(day(12, 17), django_capture_on_commit_callbacks)
    reminder = ContractReminder.objects.get()
    assert reminder.status == ContractReminder.Status.RENEWED and reminder.closed_at == day(12, 17)


def test_ct3_a_renewal_that_moves_the_end_date_starts_a_new_reminder_series(
    contract, specialist, django_capture_on_commit_callbacks
):
    run(day(12, 1), django_capture_on_commit_callbacks)
    # Renewal signed and paid (CT-3): the period is extended, the new period is open for renewal again.
    contract.end_date = datetime.date(2027, 12, 31)
    contract.renewal_status = RenewalStatus.OPEN
    contract.save()
    run(day(12, 17), django_capture_on_commit_callbacks)
    old = ContractReminder.objects.get(period_end=datetime.date(2026, 12, 31))
    assert old.status == ContractReminder.Status.RENEWED
    assert ContractReminder.objects.count() == 1
    run(day(12, 1, 2027), django_capture_on_commit_callbacks)
    new = ContractReminder.objects.get(period_end=datetime.date(2027, 12, 31))
    assert new.days_before == 30 and new.is_open and new.notice_sent_at == day(12, 1, 2027)


def test_ct2_the_least_busy_callback_specialist_gets_the_next_reminder(make_user, django_capture_on_commit_callbacks):
    first = make_user(Role.CALLBACK_SPECIALIST, username="a")
    second = make_user(Role.CALLBACK_SPECIALIST, username="b")
    for number in range(4):
        ServiceContractFactory(number=f"SC-L{number}", end_date=datetime.date(2026, 12, 31))
    run(day(12, 1), django_capture_on_commit_callbacks)
    counts = {user: ContractReminder.objects.filter(assignee=user).count() for user in (first, second)}
    assert counts == {first: 2, second: 2}


def test_ct2_english_letter_for_an_english_customer_and_none_without_an_e_mail_address(
    specialist, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(name="Shanghai Golden Lotus Hotel")
    ContactFactory(customer=customer, email="", mobile="", phone="021-6255 8888")
    ServiceContractFactory(customer=customer, number="SC-EN", end_date=datetime.date(2026, 12, 31))
    run(day(12, 1), django_capture_on_commit_callbacks)
    reminder = ContractReminder.objects.get()
    assert reminder.language == "en" and reminder.notice_sent_at is None
    assert not letters("SC-EN")
    ContactFactory(customer=customer, email="grace@goldenlotus.example")
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_contract_notice_send.delay(reminder.pk, now=day(12, 2).isoformat()).get()
    (letter,) = letters("SC-EN")
    assert "Notice of service period expiry" in letter.alternatives[0][0] and "SC-EN" in letter.body


def test_ct2_daily_task_returns_how_many_reminders_it_created(contract, specialist, django_capture_on_commit_callbacks):
    with time_machine.travel(day(12, 1), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert sla_contract_reminders.delay().get() == 1
        assert sla_contract_reminders.delay().get() == 0


def test_ct2_reminder_done_closes_it_once(contract, specialist, django_capture_on_commit_callbacks):
    run(day(12, 1), django_capture_on_commit_callbacks)
    reminder = ContractReminder.objects.get()
    services.contract_reminder_done(reminder=reminder, actor=specialist, note="Will renew in January", now=day(12, 2))
    reminder.refresh_from_db()
    assert (reminder.status, reminder.closed_by, reminder.note) == ("done", specialist, "Will renew in January")
    assert reminder.history.filter(status="done", closed_by=specialist).exists()
    with pytest.raises(ValidationError):
        services.contract_reminder_done(reminder=reminder, actor=specialist, now=day(12, 3))
    # Done is not renewed: the next step still comes.
    run(day(12, 17), django_capture_on_commit_callbacks)
    assert ContractReminder.objects.filter(days_before=14, status="open").exists()


def test_ct2_contract_marked_lost_stops_the_reminders(contract, specialist, django_capture_on_commit_callbacks):
    run(day(12, 1), django_capture_on_commit_callbacks)
    reminder = ContractReminder.objects.get()
    with pytest.raises(ValidationError):
        services.contract_mark_lost(reminder=reminder, actor=specialist, note=" ", now=day(12, 2))
    services.contract_mark_lost(reminder=reminder, actor=specialist, note="Moved to a competitor", now=day(12, 2))
    contract.refresh_from_db()
    reminder.refresh_from_db()
    assert contract.renewal_status == RenewalStatus.LOST and contract.history.filter(renewal_status="lost").exists()
    assert reminder.status == "lost" and reminder.note == "Moved to a competitor"
    run(day(12, 17), django_capture_on_commit_callbacks)
    assert ContractReminder.objects.count() == 1


def _notice_for(customer, *, now=None):
    """A reminder created without delivering anything yet (the outbox rows stay pending)."""
    ServiceContractFactory(customer=customer, number="SC-CH", end_date=datetime.date(2026, 12, 31))
    with time_machine.travel(now or day(12, 1), tick=False):
        services.contract_reminders_create(now=now or day(12, 1))
    return ContractReminder.objects.get(contract__number="SC-CH")


def test_ct2_a_contact_with_only_a_mobile_gets_the_notice_by_sms(settings, specialist):
    settings.NOTIFY_SMS_BACKEND = "servicedesk.notify.backends.console.ConsoleBackend"
    customer = CustomerFactory(name="北京华联商贸有限公司")
    ContactFactory(customer=customer, name="钱芳", email="", mobile="139 1111 2222")
    reminder = _notice_for(customer)
    assert services.contract_notice_send(reminder_id=reminder.pk, now=day(12, 2)) is True
    (message,) = notices(reminder)
    assert (message.channel, message.recipient, message.body_html) == ("sms", "139 1111 2222", "")
    assert message.params == {"contract_number": "SC-CH", "end_date": "2026-12-31"}  # no letter in the SMS
    assert "SC-CH" in message.body and "2026-12-31" in message.body
    reminder.refresh_from_db()
    assert reminder.notice_sent_at == day(12, 2) and reminder.notice_recipients == "139 1111 2222 (SMS)"
    outbox.relay(now=day(12, 2))
    message.refresh_from_db()
    assert message.status == "sent" and not letters("SC-CH")


def test_ct2_a_wechat_preferring_contact_falls_back_to_email_then_sms_without_a_wechat_account(settings, specialist):
    settings.NOTIFY_WECHAT_APP_ID = ""  # the official account is not configured: WeChat is not a channel
    customer = CustomerFactory(name="北京华联商贸有限公司")
    by_mail = ContactFactory(customer=customer, name="孙丽", email="sunli@hualian.example", preferred_channel="wechat", wechat_openid="o-1")
    by_sms = ContactFactory(customer=customer, name="周杰", email="", mobile="139 3333 4444", preferred_channel="wechat", wechat_openid="o-2")
    reminder = _notice_for(customer)
    assert services.contract_notice_send(reminder_id=reminder.pk, now=day(12, 2)) is True
    channels = {m.contact_id: m.channel for m in notices(reminder)}
    assert channels == {by_mail.pk: "email", by_sms.pk: "sms"}
    reminder.refresh_from_db()
    assert reminder.notice_recipients == "sunli@hualian.example, 139 3333 4444 (SMS)"
    outbox.relay(now=day(12, 2))
    (letter,) = letters("SC-CH")
    assert letter.to == ["sunli@hualian.example"] and "SC-CH" in letter.body


def test_ct2_a_wechat_preferring_contact_gets_wechat_when_the_account_is_configured(settings, specialist):
    settings.NOTIFY_WECHAT_APP_ID, settings.NOTIFY_WECHAT_APP_SECRET = "wx-test-app", "wx-test-secret"
    settings.NOTIFY_WECHAT_BACKEND = "servicedesk.notify.backends.console.ConsoleBackend"
    customer = CustomerFactory(name="北京华联商贸有限公司")
    ContactFactory(customer=customer, name="孙丽", email="sunli@hualian.example", preferred_channel="wechat", wechat_openid="o-1")
    reminder = _notice_for(customer)
    assert services.contract_notice_send(reminder_id=reminder.pk, now=day(12, 2)) is True
    (message,) = notices(reminder)
    assert (message.channel, message.recipient) == ("wechat", "o-1")
    reminder.refresh_from_db()
    assert reminder.notice_recipients == "孙丽 (WeChat)"  # the name, not the OpenID
    outbox.relay(now=day(12, 2))
    message.refresh_from_db()
    assert message.status == "sent" and not letters("SC-CH")


def test_ct2_sending_the_notice_twice_writes_one_message_per_contact(specialist):
    customer = CustomerFactory(name="北京华联商贸有限公司")
    ContactFactory(customer=customer, name="李明", email="liming@hualian.example")
    reminder = _notice_for(customer)
    assert services.contract_notice_send(reminder_id=reminder.pk, now=day(12, 2)) is True
    assert services.contract_notice_send(reminder_id=reminder.pk, now=day(12, 2)) is False  # stamped
    # A crash after the messages were written but before the stamp: the handler runs again.
    ContractReminder.objects.filter(pk=reminder.pk).update(notice_sent_at=None)
    assert services.contract_notice_send(reminder_id=reminder.pk, now=day(12, 3)) is True
    (message,) = notices(reminder)
    assert OutboxMessage.objects.filter(key=f"notify:{message.key}").count() == 1
    outbox.relay(now=day(12, 3))
    assert len(letters("SC-CH")) == 1

"""Every write of contract renewals (CT-1, CT-3) and the monthly sales targets (CT-4).

Each renewal step goes through the status table (``policies.TRANSITIONS``), locks the renewal row,
validates, and writes a line in the contract's own audit trail (``ContractEvent``; no ticket).

Public entry points: :func:`renewal_offer`, :func:`renewal_sign`, :func:`renewal_payment_record`,
:func:`renewal_apply`, :func:`renewal_decline`, :func:`renewal_cancel`,
:func:`renewals_overdue_notify` (daily task) and :func:`sales_target_set`.

Working with the CT-2 reminders of ``tickets.sla``: applying a renewal moves the contract's end date
and leaves ``renewal_status`` *open*, so the new period gets its own reminder series from the daily
reminder task; the open reminders of the old period are closed as *renewed* at once. Declining a
renewal marks the contract lost through ``tickets.sla.services.contract_mark_lost``.
"""

import datetime
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.core.dates import month_start
from servicedesk.core.services import notification_send
from staff.models import User
from staff.roles import Role
from tickets.models import Installation, ServiceContract
from tickets.models.customers import RenewalStatus as ContractRenewalStatus
from tickets.sla import services as sla
from tickets.sla.models import ContractReminder

from . import policies
from .models import (
    OPEN_STATUSES,
    ContractEvent,
    ContractEventKind,
    Renewal,
    RenewalSerial,
    RenewalStatus,
    SalesTarget,
)

logger = logging.getLogger(__name__)

# --- Helpers -------------------------------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _event(contract, kind: str, *, actor, at, renewal=None, body: str = "", **data) -> ContractEvent:
    event = ContractEvent(
        contract=contract, renewal=renewal, kind=kind, actor=actor, at=at, body=body, data=_jsonable(data)
    )
    event.full_clean()
    event.save()
    return event


def _jsonable(data: dict) -> dict:
    return {
        k: v.isoformat() if isinstance(v, datetime.date) else str(v) if isinstance(v, Decimal) else v
        for k, v in data.items()
    }


def _begin(renewal: Renewal, action: str, actor) -> Renewal:
    """Lock the renewal and check that ``actor`` may take ``action`` from its current status."""
    renewal = Renewal.objects.select_for_update(of=("self",)).select_related("contract__customer").get(pk=renewal.pk)
    problem = policies.refusal(status=renewal.status, action=action, roles=actor.role_names)
    if problem:
        raise ValidationError(problem)
    return renewal


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def _require_text(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _serials_store(renewal: Renewal, serials: dict[int, str] | None) -> None:
    """CT-1: record the new serial/licence numbers the renewal brings (installation id -> number).
    An empty number drops a number given earlier. Only installations the contract covers."""
    if not serials:
        return
    covered = {inst.pk: inst for inst in renewal.contract.installations.all()}
    errors = {}
    seen: dict[str, int] = {}
    for installation_id, number in serials.items():
        number = (number or "").strip()
        installation = covered.get(int(installation_id))
        if installation is None:
            raise ValidationError(_("That installation is not covered by this contract."))
        field = f"serial_{installation.pk}"
        if not number:
            RenewalSerial.objects.filter(renewal=renewal, installation=installation).delete()
            continue
        if number == installation.serial_number:
            errors[field] = _("This is already the installation's number; leave the field empty to keep it.")
        elif number in seen:
            errors[field] = _("The same number is given for two installations.")
        elif Installation.objects.filter(serial_number=number).exclude(pk=installation.pk).exists():
            errors[field] = _("Serial / licence number %(number)s belongs to another installation.") % {
                "number": number
            }
        seen[number] = installation.pk
        if field in errors:
            continue
        row = RenewalSerial.objects.filter(renewal=renewal, installation=installation).first() or RenewalSerial(
            renewal=renewal, installation=installation
        )
        row.new_serial_number = number
        _save(row)
    if errors:
        raise ValidationError(errors)


def _service_managers():
    managers = list(User.objects.filter(is_active=True, groups__name=Role.SERVICE_MANAGER).distinct().order_by("pk"))
    return managers or list(User.objects.filter(is_active=True, groups__name=Role.ADMIN).distinct().order_by("pk"))


# --- Offer ---------------------------------------------------------------------------------------------


@transaction.atomic
def renewal_offer(
    *,
    contract: ServiceContract,
    offered_by,
    new_start: datetime.date,
    new_end: datetime.date,
    level: str,
    price: Decimal,
    note: str = "",
    serials: dict[int, str] | None = None,
    reminder: ContractReminder | None = None,
    now: datetime.datetime | None = None,
) -> Renewal:
    """CT-3: offer the customer a renewal for a new period at ``price``.

    The new period starts after the current one ends (the day after, or later after a lapse); one
    open renewal per contract (``ValidationError`` otherwise; a database constraint backs it).
    ``serials`` maps covered installation ids to the new serial/licence numbers the renewal brings
    (CT-1). Offered from an open CT-2 ``reminder`` of the contract, that reminder is closed as done.
    """
    now = _now(now)
    if not policies.may_offer(roles=offered_by.role_names):
        raise ValidationError(_("Only service managers and callback specialists offer renewals."))
    contract = ServiceContract.objects.select_for_update().get(pk=contract.pk)
    if contract.renewals.filter(status__in=OPEN_STATUSES).exists():
        raise ValidationError(_("This contract already has an open renewal: finish or cancel it first."))
    problems = policies.new_period_problem(current_end=contract.end_date, new_start=new_start, new_end=new_end)
    if problems:
        raise ValidationError(problems)
    if reminder is not None and (reminder.contract_id != contract.pk or not reminder.is_open):
        raise ValidationError(_("That reminder is closed or belongs to another contract."))
    renewal = Renewal(
        contract=contract,
        reminder=reminder,
        new_start=new_start,
        new_end=new_end,
        level=level,
        price=price,
        note=note.strip(),
        offered_by=offered_by,
        offered_at=now,
    )
    _save(renewal)
    _serials_store(renewal, serials)
    _event(
        contract,
        ContractEventKind.RENEWAL_OFFERED,
        renewal=renewal,
        actor=offered_by,
        at=now,
        body=note.strip(),
        new_start=new_start,
        new_end=new_end,
        level=level,
        price=price,
    )
    if reminder is not None:
        sla.contract_reminder_done(
            reminder=reminder,
            actor=offered_by,
            note=_("Renewal offered until %(date)s.") % {"date": new_end.isoformat()},
            now=now,
        )
    return renewal


# --- Signing and payment (CT-3) -------------------------------------------------------------------------


@transaction.atomic
def renewal_sign(*, renewal: Renewal, actor, signed_on: datetime.date, now: datetime.datetime | None = None) -> Renewal:
    """CT-3: the customer signed the renewal on ``signed_on``; payment is due within
    ``CONTRACT_PAYMENT_DAYS`` (3) calendar days."""
    now = _now(now)
    renewal = _begin(renewal, "sign", actor)
    problem = policies.signed_on_problem(
        signed_on=signed_on, offered_on=timezone.localdate(renewal.offered_at), today=timezone.localdate(now)
    )
    if problem:
        raise ValidationError({"signed_on": problem})
    renewal.status = RenewalStatus.SIGNED
    renewal.signed_on = signed_on
    renewal.signed_recorded_by = actor
    renewal.payment_due_on = policies.payment_due_on(
        signed_on=signed_on, days=settings.SERVICEDESK["CONTRACT_PAYMENT_DAYS"]
    )
    _save(renewal)
    _event(
        renewal.contract,
        ContractEventKind.RENEWAL_SIGNED,
        renewal=renewal,
        actor=actor,
        at=now,
        signed_on=signed_on,
        payment_due_on=renewal.payment_due_on,
    )
    return renewal


@transaction.atomic
def renewal_payment_record(
    *,
    renewal: Renewal,
    actor,
    paid_on: datetime.date,
    amount: Decimal,
    apply: bool = True,
    serials: dict[int, str] | None = None,
    now: datetime.datetime | None = None,
) -> Renewal:
    """CT-3: the customer paid ``amount`` (at least the price) on ``paid_on``. With ``apply`` (the
    default) the renewal is applied at once: the contract's period is extended and the new serial
    numbers are written (:func:`renewal_apply`); without it, it waits as *paid* (for example for the
    new licence numbers)."""
    now = _now(now)
    renewal = _begin(renewal, "pay", actor)
    problems = policies.payment_problem(
        paid_on=paid_on, amount=amount, price=renewal.price, signed_on=renewal.signed_on, today=timezone.localdate(now)
    )
    if problems:
        raise ValidationError(problems)
    renewal.status = RenewalStatus.PAID
    renewal.paid_on, renewal.paid_amount, renewal.payment_recorded_by = paid_on, amount, actor
    _save(renewal)
    _event(
        renewal.contract,
        ContractEventKind.PAYMENT_RECEIVED,
        renewal=renewal,
        actor=actor,
        at=now,
        paid_on=paid_on,
        amount=amount,
        late=paid_on > renewal.payment_due_on,
    )
    if apply:
        return renewal_apply(renewal=renewal, actor=actor, serials=serials, now=now)
    _serials_store(renewal, serials)
    return renewal


@transaction.atomic
def renewal_apply(
    *, renewal: Renewal, actor, serials: dict[int, str] | None = None, now: datetime.datetime | None = None
) -> Renewal:
    """CT-3, after payment: extend the contract's service period (end date; the start too when the
    new period starts after a lapse), take the renewal's level, and give the covered installations
    their new serial/licence numbers (CT-1; ``serials`` adds to or corrects those of the offer).

    The contract stays *open* for renewal so the new period gets its own CT-2 reminders; open
    reminders of the old period are closed as *renewed*. Every change is in the contract's audit
    trail and in the history of the contract and the installations.
    """
    now = _now(now)
    renewal = _begin(renewal, "apply", actor)
    contract = ServiceContract.objects.select_for_update().get(pk=renewal.contract_id)
    problems = policies.new_period_problem(
        current_end=contract.end_date, new_start=renewal.new_start, new_end=renewal.new_end
    )
    if problems:
        raise ValidationError(
            _(
                "The contract's period has changed since the offer (it now ends on %(end)s): cancel this renewal and offer a new one."
            )
            % {"end": contract.end_date.isoformat()}
        )
    _serials_store(renewal, serials)

    renewal.previous_start, renewal.previous_end = contract.start_date, contract.end_date
    contract.start_date, contract.end_date = policies.period_after_renewal(
        start=contract.start_date, end=contract.end_date, new_start=renewal.new_start, new_end=renewal.new_end
    )
    contract.level = renewal.level
    contract.renewal_status = ContractRenewalStatus.OPEN
    _save(contract)
    _event(
        contract,
        ContractEventKind.PERIOD_EXTENDED,
        renewal=renewal,
        actor=actor,
        at=now,
        previous_start=renewal.previous_start,
        previous_end=renewal.previous_end,
        start=contract.start_date,
        end=contract.end_date,
        level=contract.level,
    )

    for row in renewal.serials.select_related("installation"):
        installation = Installation.objects.select_for_update().get(pk=row.installation_id)
        if Installation.objects.filter(serial_number=row.new_serial_number).exclude(pk=installation.pk).exists():
            raise ValidationError(
                _("Serial / licence number %(number)s belongs to another installation.")
                % {"number": row.new_serial_number}
            )
        row.old_serial_number = installation.serial_number
        installation.serial_number = row.new_serial_number
        _save(installation)
        _save(row)
        _event(
            contract,
            ContractEventKind.SERIAL_CHANGED,
            renewal=renewal,
            actor=actor,
            at=now,
            body=f"{installation.product}: {row.old_serial_number} → {row.new_serial_number}",
            installation=installation.pk,
            old=row.old_serial_number,
            new=row.new_serial_number,
        )

    # CT-3 with CT-2: the old period's reminders have done their job.
    for reminder in (
        ContractReminder.objects.select_for_update()
        .filter(contract=contract, status=ContractReminder.Status.OPEN)
        .exclude(period_end=contract.end_date)
    ):
        reminder.status, reminder.closed_at, reminder.closed_by = ContractReminder.Status.RENEWED, now, actor
        _save(reminder)

    renewal.status = RenewalStatus.APPLIED
    renewal.applied_at, renewal.applied_by = now, actor
    return _save(renewal)


# --- Declined, cancelled --------------------------------------------------------------------------------


@transaction.atomic
def renewal_decline(*, renewal: Renewal, actor, reason: str, now: datetime.datetime | None = None) -> Renewal:
    """The customer will not renew: the renewal is closed and the contract marked lost (no more
    CT-2 reminders), through ``contract_mark_lost`` when the contract has an open reminder."""
    now = _now(now)
    reason = _require_text(reason, field="reason", message=_("Say why the customer does not renew."))
    renewal = _begin(renewal, "decline", actor)
    _close(renewal, RenewalStatus.DECLINED, actor=actor, reason=reason, now=now)
    reminder = (
        ContractReminder.objects.filter(contract_id=renewal.contract_id, status=ContractReminder.Status.OPEN)
        .order_by("-due_on", "-pk")
        .first()
    )
    if reminder is not None:
        sla.contract_mark_lost(reminder=reminder, actor=actor, note=reason, now=now)
    else:  # the same outcome as contract_mark_lost, for a contract without an open reminder
        contract = ServiceContract.objects.select_for_update().get(pk=renewal.contract_id)
        contract.renewal_status = ContractRenewalStatus.LOST
        _save(contract)
    renewal.contract.refresh_from_db()
    _event(renewal.contract, ContractEventKind.RENEWAL_DECLINED, renewal=renewal, actor=actor, at=now, body=reason)
    return renewal


@transaction.atomic
def renewal_cancel(*, renewal: Renewal, actor, reason: str, now: datetime.datetime | None = None) -> Renewal:
    """Withdraw an unpaid offer (wrong price, wrong period...): the contract is unchanged and may get
    a new offer."""
    now = _now(now)
    reason = _require_text(reason, field="reason", message=_("Say why the offer is cancelled."))
    renewal = _begin(renewal, "cancel", actor)
    _close(renewal, RenewalStatus.CANCELLED, actor=actor, reason=reason, now=now)
    _event(renewal.contract, ContractEventKind.RENEWAL_CANCELLED, renewal=renewal, actor=actor, at=now, body=reason)
    return renewal


def _close(renewal: Renewal, status: str, *, actor, reason: str, now) -> Renewal:
    renewal.status, renewal.closed_at, renewal.closed_by, renewal.close_reason = status, now, actor, reason
    return _save(renewal)


# --- Overdue payments (daily task) ----------------------------------------------------------------------


def renewals_overdue_notify(*, now: datetime.datetime) -> list[Renewal]:
    """CT-3, daily: tell the service managers once per renewal that a signed renewal is unpaid after
    its due date (local date). Safe to run twice or late: a conditional update claims each renewal
    (``overdue_notified_at IS NULL``) and the notification is keyed per renewal."""
    today = timezone.localdate(now)
    due = list(
        Renewal.objects.filter(
            status=RenewalStatus.SIGNED, payment_due_on__lt=today, overdue_notified_at__isnull=True
        ).select_related("contract__customer")
    )
    managers = _service_managers()
    if not managers:
        logger.warning("Overdue renewal payments but no active service manager or administrator to tell.")
        return []
    notified = []
    for renewal in due:
        with transaction.atomic():
            claimed = Renewal.objects.filter(
                pk=renewal.pk, status=RenewalStatus.SIGNED, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=now)
            if not claimed:
                continue
            days = policies.days_overdue(due_on=renewal.payment_due_on, today=today)
            notification_send(
                recipients=managers,
                title=_("Renewal of %(number)s (%(customer)s): payment %(days)s days overdue")
                % {"number": renewal.contract.number, "customer": renewal.contract.customer.name, "days": days},
                body=_("Signed on %(signed)s, payment was due by %(due)s; %(price)s not received.")
                % {
                    "signed": renewal.signed_on.isoformat(),
                    "due": renewal.payment_due_on.isoformat(),
                    "price": renewal.price,
                },
                url=renewal.get_absolute_url(),
                kind="renewal_payment_overdue",
                key=f"renewal-overdue:{renewal.pk}",
                now=now,
            )
            _event(
                renewal.contract,
                ContractEventKind.PAYMENT_OVERDUE,
                renewal=renewal,
                actor=None,
                at=now,
                payment_due_on=renewal.payment_due_on,
                notified=[user.pk for user in managers],
            )
        notified.append(renewal)
    return notified


# --- Sales targets (CT-4) -------------------------------------------------------------------------------


@transaction.atomic
def sales_target_set(
    *,
    month: datetime.date,
    amount: Decimal,
    actor,
    count: int | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> SalesTarget:
    """CT-4: set (or change) the service-contract sales target of ``month`` (any day of it)."""
    if not actor.has_role(*policies.MANAGERS):
        raise ValidationError(_("Only a service manager sets the sales targets."))
    month = month_start(month)
    target = SalesTarget.objects.select_for_update().filter(month=month).first() or SalesTarget(month=month)
    target.amount, target.count, target.note, target.updated_by = amount, count, note.strip(), actor
    return _save(target)

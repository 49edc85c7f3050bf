"""Every write of remote maintenance: stored documents (RM-7), typed service records (RM-1..RM-4,
ST-11), change requests (RM-5) and bugs (RM-6), knowledge-base entries (GN-5)."""

import hashlib
import mimetypes
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.core.services import notification_send
from staff.roles import Role
from staff.services import penalty_propose
from tickets.models import Contact, Product, Ticket
from tickets.models.tickets import Status
from tickets.services import ticket_event_record

from .models import (
    Attachment,
    AttachmentKind,
    Bug,
    ChangeOrigin,
    ChangeRequest,
    ChangeStatus,
    FaqEntry,
    RecordKind,
    RemoteEventKind,
    RemoteRecord,
)
from .policies import (
    CHANGE_STEPS,
    change_is_overdue,
    check_change_step,
    check_records_complete,
    delay_announced_in_time,
    record_is_late,
)
from .policies import attachment_problems as _attachment_problems
from .selectors import CHANGE_REVIEW_ROLES, ticket_recorded_kinds

# --- Stored documents (RM-7) -----------------------------------------------------------------------


def attachment_max_bytes() -> int:
    return settings.SERVICEDESK["ATTACHMENT_MAX_MB"] * 1024 * 1024


def attachment_problems(upload) -> list[str]:
    """Why ``upload`` cannot be stored (size limit from settings); empty when it can."""
    return _attachment_problems(name=upload.name, size=upload.size, max_bytes=attachment_max_bytes())


@transaction.atomic
def attachment_store(*, upload, kind: str, uploaded_by, customer=None, now: datetime | None = None) -> Attachment:
    """Store an uploaded file with its SHA-256 checksum (RM-7)."""
    problems = attachment_problems(upload)
    if problems:
        raise ValidationError({"file": problems})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = upload.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
    attachment = Attachment(
        customer=customer,
        kind=kind,
        original_name=name,
        content_type=(getattr(upload, "content_type", "") or mimetypes.guess_type(name)[0] or "")[:100],
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=uploaded_by,
        uploaded_at=now or timezone.now(),
    )
    attachment.file = upload
    attachment.full_clean(exclude=["file"])
    attachment.save()
    return attachment


def attachment_checksum_matches(*, attachment: Attachment) -> bool:
    """Recompute the stored file's checksum; False when the file is missing or changed."""
    digest = hashlib.sha256()
    try:
        with attachment.file.open("rb") as handle:
            for chunk in handle.chunks():
                digest.update(chunk)
    except FileNotFoundError:
        return False
    return digest.hexdigest() == attachment.sha256


@transaction.atomic
def attachment_delete(*, attachment: Attachment, actor) -> None:
    """RM-7: only an administrator may delete a stored document, and only one nothing refers to."""
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("Only an administrator may delete a stored document."))  # RM-7
    file_name = attachment.file.name
    try:
        attachment.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("This document belongs to a record and cannot be deleted.")  # RM-7
        ) from exc
    storage = attachment.file.storage
    transaction.on_commit(lambda: storage.delete(file_name))


def _discard_files(attachments) -> None:
    """A write failed after its uploads were stored: remove the files (their rows roll back)."""
    for attachment in attachments:
        attachment.file.delete(save=False)


# --- Typed service records (RM-1..RM-4, ST-11) -------------------------------------------------------

RECORD_TEXT_FIELDS = ("department", "actions", "tools", "sql_used", "report_name", "question", "analysis", "solution")
RECORD_UPLOADS = {
    "scope_form": AttachmentKind.CLEANUP_SCOPE,
    "application_form": AttachmentKind.PASSWORD_APPLICATION,
}
RECORD_UPLOAD_KINDS = {
    RecordKind.DATA_CLEANUP: "scope_form",
    RecordKind.PASSWORD_RESET: "application_form",
}


def ticket_records_check(*, ticket: Ticket) -> None:
    """Guard called by ``tickets.services.ticket_transition`` before resolving or closing: a remote
    ticket, a data clean-up or a password reset needs its mandatory record (RM-1..RM-4)."""
    check_records_complete(
        channel=ticket.channel, ticket_type=ticket.type, recorded_kinds=ticket_recorded_kinds(ticket=ticket)
    )


@transaction.atomic
def remote_record_create(
    *,
    ticket: Ticket,
    kind: str,
    engineer,
    contact: Contact,
    served_at: datetime | None = None,
    form_upload=None,
    told_contact: Contact | None = None,
    now: datetime | None = None,
    **texts: str,
) -> RemoteRecord:
    """Write a typed service record on ``ticket`` (RM-1..RM-4).

    ``form_upload`` is the customer's document the kind needs (RM-2 written scope, RM-4 formal
    application); it is archived with its checksum (RM-7). A record written after the local day of
    the service ended proposes an ST-11 penalty for the engineer.
    """
    unknown = set(texts) - set(RECORD_TEXT_FIELDS)
    if unknown:
        raise ValueError(f"unknown record fields: {sorted(unknown)}")
    now = now or timezone.now()
    record = RemoteRecord(
        ticket=ticket,
        kind=kind,
        engineer=engineer,
        contact=contact,
        told_contact=told_contact,
        served_at=served_at or now,
        recorded_at=now,
        **{field: (value or "").strip() for field, value in texts.items()},
    )
    record.department = record.department or contact.department  # RM-1: the contact's by default
    stored = []
    try:
        upload_field = RECORD_UPLOAD_KINDS.get(kind)
        if upload_field and form_upload is not None:
            attachment = attachment_store(
                upload=form_upload, kind=RECORD_UPLOADS[upload_field], uploaded_by=engineer,
                customer=ticket.customer, now=now,
            )  # fmt: skip
            stored.append(attachment)
            setattr(record, upload_field, attachment)
        record.full_clean()
    except ValidationError:
        _discard_files(stored)
        raise
    record.save()
    late = record_is_late(served_at=record.served_at, recorded_at=now)
    ticket_event_record(
        ticket=ticket,
        kind=RemoteEventKind.RECORD,
        actor=engineer,
        at=now,
        body=record.actions or record.solution or record.get_kind_display(),
        data={"record": record.pk, "kind": kind, "kind_label": str(record.get_kind_display()), "late": late},
    )
    if late:
        penalty_propose(
            rule_code="st11-remote-record-missing",
            employee=engineer,
            source=record,
            occurred_at=now,
            details=_("%(kind)s record for %(ticket)s written on %(written)s for a service on %(served)s.")
            % {
                "kind": record.get_kind_display(),
                "ticket": ticket.number,
                "written": timezone.localdate(now).isoformat(),
                "served": timezone.localdate(record.served_at).isoformat(),
            },
        )
    return record


# --- Change requests (RM-5) and bugs (RM-6) --------------------------------------------------------


def _change_event(change: ChangeRequest, *, action: str, actor, at: datetime, body: str = "", **data) -> None:
    ticket_event_record(
        ticket=change.ticket,
        kind=RemoteEventKind.CHANGE,
        actor=actor,
        at=at,
        body=body,
        data={
            "change_request": change.pk,
            "action": action,
            "step": str(CHANGE_STEPS[action].label) if action in CHANGE_STEPS else action,
            "status": change.status,
            **data,
        },
    )


def _ensure_no_change_request(ticket: Ticket) -> None:
    if ChangeRequest.objects.filter(ticket=ticket).exists():
        raise ValidationError(_("Ticket %(number)s already has a change request.") % {"number": ticket.number})


@transaction.atomic
def change_request_create(
    *, ticket: Ticket, title: str, requirement: str, form_upload, requested_by, now: datetime | None = None
) -> ChangeRequest:
    """RM-5: the customer's requirement, on their stamped form (archived, RM-7)."""
    now = now or timezone.now()
    _ensure_no_change_request(ticket)
    change = ChangeRequest(
        ticket=ticket,
        origin=ChangeOrigin.CUSTOMER,
        title=title.strip(),
        requirement=requirement.strip(),
        requested_by=requested_by,
        requested_at=now,
    )
    change.full_clean(exclude=["requirement_form"])
    if form_upload is None:
        raise ValidationError({"requirement_form": _("Attach the customer's stamped requirement form.")})  # RM-5
    change.requirement_form = attachment_store(
        upload=form_upload, kind=AttachmentKind.CHANGE_REQUEST_FORM, uploaded_by=requested_by,
        customer=ticket.customer, now=now,
    )  # fmt: skip
    change.save()
    _change_event(change, action="create", actor=requested_by, at=now, body=change.title)
    return change


@transaction.atomic
def bug_report(
    *,
    ticket: Ticket,
    title: str,
    reproduction_steps: str,
    error_message: str,
    reported_by,
    product: Product | None = None,
    version: str = "",
    now: datetime | None = None,
) -> Bug:
    """RM-6: a bug with its reproduction steps and error message becomes a confirmed change request;
    the manager's review then gives the customer an expected completion date."""
    now = now or timezone.now()
    _ensure_no_change_request(ticket)
    change = ChangeRequest(
        ticket=ticket,
        origin=ChangeOrigin.BUG,
        status=ChangeStatus.CONFIRMED,
        title=title.strip(),
        requirement=reproduction_steps.strip(),
        requested_by=reported_by,
        requested_at=now,
        confirmed_by=reported_by,
        confirmed_at=now,
    )
    bug = Bug(
        product=product or (ticket.installation.product if ticket.installation_id else None),
        version=version.strip(),
        reproduction_steps=reproduction_steps.strip(),
        error_message=error_message.strip(),
        reported_by=reported_by,
        reported_at=now,
    )
    bug.full_clean(exclude=["change_request"])
    change.full_clean()
    change.save()
    bug.change_request = change
    bug.save()
    ticket_event_record(
        ticket=ticket,
        kind=RemoteEventKind.BUG,
        actor=reported_by,
        at=now,
        body=bug.error_message,
        data={"change_request": change.pk, "bug": bug.pk},
    )
    return bug


def _apply_step(
    change: ChangeRequest, *, action: str, actor, now: datetime, body: str = "", target: str = "", event=None, **fields
) -> ChangeRequest:
    """Lock the row, check the step table, set ``fields`` and the status (the step's target unless
    ``target`` says otherwise), validate, and record the step on the ticket's timeline."""
    locked = ChangeRequest.objects.select_for_update().select_related("ticket").get(pk=change.pk)
    step = check_change_step(status=locked.status, action=action)
    for field, value in fields.items():
        setattr(locked, field, value)
    locked.status = target or step.target or locked.status
    locked.full_clean()
    locked.save()
    _change_event(locked, action=action, actor=actor, at=now, body=body, **(event or {}))
    return locked


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message)
    return value


@transaction.atomic
def change_request_confirm(*, change: ChangeRequest, actor, note: str, now: datetime | None = None) -> ChangeRequest:
    """The engineer confirmed the requirement with the customer."""
    now = now or timezone.now()
    note = _required(note, _("Write down the requirement as confirmed with the customer."))
    return _apply_step(
        change, action="confirm", actor=actor, now=now, body=note,
        confirmed_by=actor, confirmed_at=now, confirmation_note=note,
    )  # fmt: skip


@transaction.atomic
def change_request_review(
    *, change: ChangeRequest, actor, approve: bool, opinion: str, expected_on=None, now: datetime | None = None
) -> ChangeRequest:
    """RM-5: the service manager's opinion and, when approved, the expected completion date."""
    now = now or timezone.now()
    if not actor.has_role(*CHANGE_REVIEW_ROLES):
        raise PermissionDenied(_("Only a service manager reviews change requests."))  # RM-5
    opinion = _required(opinion, _("Write the review opinion."))
    if not approve:
        return _apply_step(
            change, action="reject", actor=actor, now=now, body=opinion,
            reviewed_by=actor, reviewed_at=now, review_opinion=opinion,
        )  # fmt: skip
    if expected_on is None:
        raise ValidationError(_("Give the expected completion date."))
    if expected_on < timezone.localdate(now):
        raise ValidationError(_("The expected completion date cannot be in the past."))
    return _apply_step(
        change, action="approve", actor=actor, now=now, body=opinion,
        reviewed_by=actor, reviewed_at=now, review_opinion=opinion,
        expected_on=expected_on, original_expected_on=expected_on,
    )  # fmt: skip


def _customer_contact(change: ChangeRequest, contact: Contact) -> Contact:
    if contact.customer_id != change.ticket.customer_id:
        raise ValidationError(_("This contact belongs to another customer."))
    return contact


@transaction.atomic
def change_request_tell_customer(
    *, change: ChangeRequest, actor, contact: Contact, now: datetime | None = None
) -> ChangeRequest:
    """RM-5: the customer was told the expected completion date (and by whom, to whom)."""
    now = now or timezone.now()
    _customer_contact(change, contact)
    return _apply_step(
        change, action="tell", actor=actor, now=now,
        body=_("%(contact)s told: expected on %(date)s.") % {"contact": contact.name, "date": change.expected_on},
        customer_told_at=now, told_contact=contact,
    )  # fmt: skip


@transaction.atomic
def change_request_announce_delay(
    *, change: ChangeRequest, actor, new_expected_on, reason: str, now: datetime | None = None
) -> ChangeRequest:
    """RM-5: a delay is announced to the customer before the expected date passes.

    Announced after the date, the delay is still recorded (the customer must hear it), but the
    request stays flagged as overdue for the date that passed unannounced.
    """
    now = now or timezone.now()
    reason = _required(reason, _("Give the reason for the delay."))
    current = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if current.expected_on is not None and new_expected_on <= current.expected_on:
        raise ValidationError(_("A delay moves the completion date later than %(date)s.") % {"date": current.expected_on})
    today = timezone.localdate(now)
    in_time = current.expected_on is None or delay_announced_in_time(expected_on=current.expected_on, today=today)
    if not in_time:
        _flag_overdue(current, now=now)
    return _apply_step(
        current, action="delay", actor=actor, now=now,
        body=_("New date %(date)s: %(reason)s") % {"date": new_expected_on, "reason": reason}
        + ("" if in_time else "\n" + _("Announced after the date had passed.")),
        expected_on=new_expected_on, delay_reason=reason, delay_announced_at=now,
        delay_count=current.delay_count + 1,
    )  # fmt: skip


@transaction.atomic
def change_request_mark_developed(
    *, change: ChangeRequest, actor, note: str = "", now: datetime | None = None
) -> ChangeRequest:
    now = now or timezone.now()
    return _apply_step(
        change, action="develop", actor=actor, now=now, body=note.strip(),
        developed_by=actor, developed_at=now, development_note=note.strip(),
    )  # fmt: skip


@transaction.atomic
def change_request_record_test(
    *, change: ChangeRequest, actor, passed: bool, note: str, now: datetime | None = None
) -> ChangeRequest:
    """RM-5: the requester tests the change. A failed test sends it back to development."""
    now = now or timezone.now()
    if actor.pk != change.requested_by_id:
        raise PermissionDenied(
            _("The requester (%(name)s) tests the change.") % {"name": change.requested_by.display_name}  # RM-5
        )
    note = _required(note, _("Describe what was tested and the result."))
    if passed:
        return _apply_step(change, action="test", actor=actor, now=now, body=note, tested_at=now, test_note=note)
    return _apply_step(
        change, action="test", actor=actor, now=now, body=note, target=ChangeStatus.SCHEDULED,
        event={"passed": False}, test_note=note,
    )  # fmt: skip


@transaction.atomic
def change_request_mark_customer_updated(
    *, change: ChangeRequest, actor, note: str = "", now: datetime | None = None
) -> ChangeRequest:
    now = now or timezone.now()
    return _apply_step(change, action="update", actor=actor, now=now, body=note.strip(), customer_updated_at=now)


@transaction.atomic
def change_request_record_opinion(
    *, change: ChangeRequest, actor, opinion: str, now: datetime | None = None
) -> ChangeRequest:
    """RM-5: the customer's opinion of the change closes the request."""
    now = now or timezone.now()
    opinion = _required(opinion, _("Write down the customer's opinion."))
    return _apply_step(
        change, action="opinion", actor=actor, now=now, body=opinion, customer_opinion=opinion, closed_at=now
    )


def _flag_overdue(change: ChangeRequest, *, now: datetime) -> bool:
    """Mark ``change`` overdue for its current expected date, once; notify the requester and reviewer."""
    flagged = (
        ChangeRequest.objects.filter(pk=change.pk, expected_on=change.expected_on)
        .exclude(overdue_flagged_for=F("expected_on"))
        .update(overdue_flagged_for=F("expected_on"), overdue_flagged_at=now)
    )
    if not flagged:
        return False
    ticket_event_record(
        ticket=change.ticket,
        kind=RemoteEventKind.CHANGE_OVERDUE,
        at=now,
        body=_("Expected on %(date)s; no delay was announced to the customer before the date.")  # RM-5
        % {"date": change.expected_on},
        data={"change_request": change.pk, "expected_on": change.expected_on.isoformat()},
    )
    notification_send(
        recipients=[change.requested_by, change.reviewed_by],
        title=_("Change request overdue: %(title)s") % {"title": change.title},
        body=_("%(number)s was expected on %(date)s and no delay was announced.")  # RM-5
        % {"number": change.ticket.number, "date": change.expected_on},
        url=change.get_absolute_url(),
        kind="change_overdue",
        key=f"change-overdue:{change.pk}:{change.expected_on.isoformat()}",
        now=now,
    )
    return True


@transaction.atomic
def change_request_flag_overdue(*, change_id: int, now: datetime | None = None) -> bool:
    """RM-5 daily check for one request: flag it when its date passed without an announced delay.
    Safe to run twice or late: returns False when there is nothing (more) to flag."""
    now = now or timezone.now()
    change = (
        ChangeRequest.objects.select_related("ticket", "requested_by", "reviewed_by").filter(pk=change_id).first()
    )
    if change is None or not change_is_overdue(
        status=change.status, expected_on=change.expected_on, today=timezone.localdate(now)
    ):
        return False
    return _flag_overdue(change, now=now)


# --- Knowledge base (GN-5) ------------------------------------------------------------------------


@transaction.atomic
def faq_promote(
    *,
    ticket: Ticket,
    problem: str,
    cause: str,
    solution: str,
    actor,
    product: Product | None = None,
    now: datetime | None = None,
) -> FaqEntry:
    """GN-5: turn a resolved ticket into a knowledge-base entry (one per ticket)."""
    now = now or timezone.now()
    ticket = Ticket.objects.get(pk=ticket.pk)  # the status as stored, not as a caller last saw it
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError(_("Only a resolved or closed ticket can go into the knowledge base."))
    if FaqEntry.objects.filter(source_ticket=ticket).exists():
        raise ValidationError(_("Ticket %(number)s is already in the knowledge base.") % {"number": ticket.number})
    entry = FaqEntry(
        problem=problem.strip(),
        cause=cause.strip(),
        solution=solution.strip(),
        product=product,
        source_ticket=ticket,
        created_by=actor,
        created_at=now,
    )
    entry.full_clean()
    entry.save()
    ticket_event_record(
        ticket=ticket, kind=RemoteEventKind.FAQ, actor=actor, at=now, body=entry.problem, data={"faq": entry.pk}
    )
    return entry

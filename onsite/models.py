"""On-site service orders (OS-1..OS-11, HL-6 on-site side, ST-8, ST-10, GN-3).

A ``ServiceOrder`` is the on-site service request form (上门服务申请单) of one ticket: the problem,
the customer site and contact, the offered and agreed visit window, and the visit itself (departure,
check-in, check-out with time and position). Its status moves only through the transition table in
``policies.TRANSITIONS``, applied by the service functions in ``services.py``.

Around it: the pre-visit call attempts (``CallAttempt``, OS-3), the work report with the on-site
checklist (``WorkReport``, OS-4) and the parts used (``PartUsed``, OS-11), the customer's sign-off
with the signature drawn on the phone and the rating (``SignOff``, OS-4, OS-10) and the reschedules
with their cause (``Reschedule``, OS-9) and the photos taken on the visit (``OrderPhoto``, issue 16).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OrderStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    ASSIGNED = "assigned", _("Assigned")
    PRECALL_DONE = "precall_done", _("Pre-visit call done")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    WORK_DONE = "work_done", _("Work done")
    SIGNED = "signed", _("Customer signed")
    HANDED_IN = "handed_in", _("Report handed in")
    CLOSED = "closed", _("Closed")
    ESCALATED = "escalated", _("Escalated")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    CANCELLED = "cancelled", _("Cancelled")


# Finished orders; every other status is open (one open order per ticket).
FINISHED_STATUSES = (OrderStatus.CLOSED, OrderStatus.CANCELLED)
# OS-1: from here on the order has been approved by a service manager.
APPROVED_STATUSES = tuple(s for s in OrderStatus.values if s not in (OrderStatus.REQUESTED, OrderStatus.CANCELLED))
# An engineer is on the order in these statuses.
ENGINEER_STATUSES = (
    OrderStatus.ASSIGNED,
    OrderStatus.PRECALL_DONE,
    OrderStatus.EN_ROUTE,
    OrderStatus.ON_SITE,
    OrderStatus.WORK_DONE,
    OrderStatus.SIGNED,
    OrderStatus.HANDED_IN,
    OrderStatus.CLOSED,
    OrderStatus.ESCALATED,
)
# GN-3 load: orders an engineer still has to visit or finish on site.
LOAD_STATUSES = (
    OrderStatus.ASSIGNED,
    OrderStatus.PRECALL_DONE,
    OrderStatus.EN_ROUTE,
    OrderStatus.ON_SITE,
    OrderStatus.WORK_DONE,
    OrderStatus.ESCALATED,
    OrderStatus.RESCHEDULED,
)


# OS-3: what a pre-visit call that reached the customer went through; OS-4: the steps on site.
PRECALL_CHECK_FIELDS = ("fault_details", "tools_and_parts", "contract_valid", "backup_requested", "route_confirmed")
ONSITE_CHECK_FIELDS = (
    "badge_shown",
    "contact_verified",
    "problem_verified",
    "data_backed_up",
    "fixed",
    "trial_run",
    "cause_explained",
)


def _all_ticked(fields) -> Q:
    return Q(**dict.fromkeys(fields, True))


class OnsiteEventKind(models.TextChoices):
    """Lines the on-site service writes on the ticket's timeline (registered in ``OnsiteConfig.ready``)."""

    REQUESTED = "onsite_requested", _("On-site visit requested")
    APPROVED = "onsite_approved", _("On-site visit approved")
    ASSIGNED = "onsite_assigned", _("Engineer dispatched")
    CALL = "onsite_call", _("Pre-visit call")
    DEPARTED = "onsite_departed", _("Engineer en route")
    CHECKED_IN = "onsite_checked_in", _("Engineer on site")
    WORK_DONE = "onsite_work_done", _("On-site work report")
    SIGNED = "onsite_signed", _("Customer signed the service form")
    CHECKED_OUT = "onsite_checked_out", _("Engineer left the site")
    HANDED_IN = "onsite_handed_in", _("Service form handed in")
    TRIP_RECORDED = "onsite_trip_recorded", _("Field trip recorded")
    ESCALATED = "onsite_escalated", _("On-site escalation")
    RESUMED = "onsite_resumed", _("On-site work resumed")
    RESCHEDULED = "onsite_rescheduled", _("Visit rescheduled")
    CANCELLED = "onsite_cancelled", _("On-site visit cancelled")
    CLOSED = "onsite_closed", _("On-site order closed")
    PART_RETURNED = "onsite_part_returned", _("Factory repair returned")
    PHOTO_ADDED = "onsite_photo", _("Visit photo added")


class MissCause(models.TextChoices):
    """OS-9: who caused a late arrival or a missed appointment."""

    COMPANY = "company", _("Our side")
    CUSTOMER = "customer", _("The customer")


def _user_fk(verbose_name, *, related_name="+", null=True):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def _coordinate(verbose_name):
    return models.DecimalField(verbose_name, max_digits=9, decimal_places=6, null=True, blank=True)


class ServiceOrder(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="service_orders"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.REQUESTED, editable=False
    )
    problem = models.TextField(_("problem"))
    contact = models.ForeignKey(
        "tickets.Contact",
        verbose_name=_("contact on site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_orders",
    )
    site_address = models.CharField(_("site address"), max_length=300)
    # HL-6: the agent offers a visit within three days of the call; the customer may agree a window.
    offered_by = models.DateField(_("visit offered by"), null=True, blank=True)
    agreed_start = models.DateTimeField(_("agreed visit from"), null=True, blank=True)
    agreed_end = models.DateTimeField(_("agreed visit until"), null=True, blank=True)

    requested_by = _user_fk(_("requested by"), null=False)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    approved_by = _user_fk(_("approved by"))
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    engineer = _user_fk(_("engineer"), related_name="service_orders")
    assigned_by = _user_fk(_("dispatched by"))
    assigned_at = models.DateTimeField(_("dispatched"), null=True, blank=True)

    # OS-3: the pre-visit call; an unreachable customer must be tried again by this time.
    precall_done_at = models.DateTimeField(_("pre-visit call done"), null=True, blank=True)
    call_retry_due_at = models.DateTimeField(_("call the customer again by"), null=True, blank=True)

    # The visit: departure, check-in and check-out with the position when the phone gave it.
    departed_at = models.DateTimeField(_("left for the customer"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checkin_latitude = _coordinate(_("check-in latitude"))
    checkin_longitude = _coordinate(_("check-in longitude"))
    checkin_accuracy = models.PositiveIntegerField(_("check-in accuracy (m)"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    checkout_latitude = _coordinate(_("check-out latitude"))
    checkout_longitude = _coordinate(_("check-out longitude"))
    checkout_accuracy = models.PositiveIntegerField(_("check-out accuracy (m)"), null=True, blank=True)

    # OS-6 / ST-8: the signed service feedback form is handed in by the end of the next working day.
    form_due_at = models.DateTimeField(_("service form due"), null=True, blank=True)
    form_handed_in_at = models.DateTimeField(_("service form handed in"), null=True, blank=True)
    form_handed_in_by = _user_fk(_("handed in by"))
    form_late_reported_at = models.DateTimeField(null=True, blank=True, editable=False)
    # OS-7 / ST-10: the trip is written into the service record by the same deadline.
    trip_due_at = models.DateTimeField(_("trip record due"), null=True, blank=True)
    trip_record = models.TextField(_("service record of the trip"), blank=True)
    trip_recorded_at = models.DateTimeField(_("trip recorded"), null=True, blank=True)
    trip_late_reported_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The customer's e-mail with the agreed window: which window was sent, and when.
    window_emailed_for = models.DateTimeField(null=True, blank=True, editable=False)
    window_emailed_at = models.DateTimeField(_("visit window e-mailed"), null=True, blank=True, editable=False)

    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = _user_fk(_("closed by"))
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("on-site service order")
        verbose_name_plural = _("on-site service orders")
        indexes = [
            models.Index(fields=["status", "-requested_at"], name="onsite_order_status_idx"),
            models.Index(fields=["engineer", "status", "agreed_start"], name="onsite_order_engineer_idx"),
            models.Index(fields=["agreed_start"], name="onsite_order_window_idx"),
            models.Index(
                fields=["form_due_at"], condition=Q(form_late_reported_at__isnull=True), name="onsite_order_form_due_idx"
            ),
            models.Index(
                fields=["trip_due_at"], condition=Q(trip_late_reported_at__isnull=True), name="onsite_order_trip_due_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values), name="onsite_order_status_valid"),
            models.CheckConstraint(condition=~Q(problem=""), name="onsite_order_problem_not_blank"),
            models.CheckConstraint(condition=~Q(site_address=""), name="onsite_order_address_not_blank"),
            models.UniqueConstraint(
                fields=["ticket"],
                condition=~Q(status__in=FINISHED_STATUSES),
                name="onsite_order_one_open_per_ticket",
                violation_error_message=_("This ticket already has an open on-site order."),
            ),
            models.CheckConstraint(
                condition=(Q(agreed_start__isnull=True) & Q(agreed_end__isnull=True))
                | Q(agreed_end__gt=F("agreed_start")),
                name="onsite_order_window_ordered",
                violation_error_message=_("The visit window must end after it starts."),
            ),
            # OS-1: nothing moves past "requested" without a service manager's approval and a window.
            models.CheckConstraint(
                condition=~Q(status__in=APPROVED_STATUSES)
                | Q(approved_at__isnull=False, approved_by__isnull=False, agreed_start__isnull=False),
                name="onsite_order_approved_before_dispatch",
            ),
            # OS-1: the approver never goes on the visit they approved.
            models.CheckConstraint(
                condition=~Q(engineer=F("approved_by")),
                name="onsite_order_approver_not_engineer",
                violation_error_message=_("The service manager who approved the visit cannot be its engineer."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=ENGINEER_STATUSES) | Q(engineer__isnull=False),
                name="onsite_order_dispatched_has_engineer",
            ),
            models.CheckConstraint(
                condition=~Q(status=OrderStatus.CLOSED) | Q(closed_at__isnull=False),
                name="onsite_order_closed_has_closed_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=OrderStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="onsite_order_cancelled_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.ticket.number}"

    @property
    def code(self) -> str:
        return f"SO-{self.pk or 0:06d}"

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED_STATUSES

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("onsite:detail", args=[self.pk])


class CallAttempt(models.Model):
    """One pre-visit call (OS-3). A call that reached the customer went through the whole checklist;
    one that did not is logged as unreachable and sets when the next try is due. Append-only."""

    order = models.ForeignKey(ServiceOrder, verbose_name=_("order"), on_delete=models.CASCADE, related_name="calls")
    called_at = models.DateTimeField(_("called"), default=timezone.now)
    called_by = _user_fk(_("called by"), null=False)
    reached = models.BooleanField(_("customer reached"))
    fault_details = models.BooleanField(_("fault details understood"), default=False)
    tools_and_parts = models.BooleanField(_("tools and parts prepared"), default=False)
    contract_valid = models.BooleanField(_("service contract checked"), default=False)
    backup_requested = models.BooleanField(_("customer asked to back up data"), default=False)
    route_confirmed = models.BooleanField(_("address, time and route confirmed"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["called_at", "id"]
        verbose_name = _("pre-visit call")
        verbose_name_plural = _("pre-visit calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(reached=False) | _all_ticked(PRECALL_CHECK_FIELDS),
                name="onsite_call_reached_checklist_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order.code} {self.called_at:%Y-%m-%d %H:%M}"


class WorkReport(models.Model):
    """What the engineer did on site: the OS-4 checklist, cause, actions and prevention advice."""

    order = models.OneToOneField(
        ServiceOrder, verbose_name=_("order"), on_delete=models.CASCADE, related_name="work_report"
    )
    badge_shown = models.BooleanField(_("badge shown"), default=False)
    contact_verified = models.BooleanField(_("contact person verified"), default=False)
    problem_verified = models.BooleanField(_("problem verified on site"), default=False)
    data_backed_up = models.BooleanField(_("customer data backed up before any change"), default=False)
    fixed = models.BooleanField(_("problem fixed"), default=False)
    trial_run = models.BooleanField(_("customer trial run done"), default=False)
    cause_explained = models.BooleanField(_("cause and prevention explained"), default=False)
    cause = models.TextField(_("cause"))
    actions = models.TextField(_("actions taken"))
    prevention = models.TextField(_("prevention advice"), blank=True)
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    reported_by = _user_fk(_("reported by"), null=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        constraints = [
            models.CheckConstraint(condition=~Q(cause="") & ~Q(actions=""), name="onsite_report_cause_and_actions"),
            # OS-4: a report is handed over only with every on-site step done.
            models.CheckConstraint(
                condition=_all_ticked(ONSITE_CHECK_FIELDS),
                name="onsite_report_checklist_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order.code}: {self.cause[:40]}"


class PartUsed(models.Model):
    """OS-11: a part used or replaced on the visit, with its quantity and time. A part that goes back
    to the factory for repair is due back within 5 working days."""

    report = models.ForeignKey(WorkReport, verbose_name=_("work report"), on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(_("part"), max_length=150)
    part_number = models.CharField(_("part number"), max_length=60, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    used_at = models.DateTimeField(_("replaced"), default=timezone.now)
    return_to_factory = models.BooleanField(_("sent back to the factory for repair"), default=False)
    factory_due_on = models.DateField(_("factory repair due"), null=True, blank=True)
    factory_returned_on = models.DateField(_("back from the factory"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        indexes = [
            models.Index(
                fields=["factory_due_on"],
                condition=Q(return_to_factory=True, factory_returned_on__isnull=True),
                name="onsite_part_factory_open_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="onsite_part_name_not_blank"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="onsite_part_quantity_positive"),
            models.CheckConstraint(
                condition=Q(return_to_factory=False) | Q(factory_due_on__isnull=False),
                name="onsite_part_factory_has_due_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} x {self.quantity}"


def signature_upload_to(instance, filename: str) -> str:
    return f"onsite/signatures/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.png"


class SignOff(models.Model):
    """The customer's sign-off of the service feedback form (服务反馈表, OS-4, OS-6): the signature
    drawn on the engineer's phone (a PNG file), the signer's name, the rating and a comment.
    ``rating`` feeds on-site satisfaction (OS-10): 4 or 5 counts as satisfied."""

    order = models.OneToOneField(ServiceOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="sign_off")
    signature = models.FileField(_("signature"), upload_to=signature_upload_to, max_length=200)
    signature_sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    customer_name = models.CharField(_("signed by (customer)"), max_length=100)
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("customer comment"), blank=True)
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    recorded_by = _user_fk(_("recorded by"), null=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("customer sign-off")
        verbose_name_plural = _("customer sign-offs")
        indexes = [models.Index(fields=["signed_at", "rating"], name="onsite_signoff_rating_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="onsite_signoff_rating_1_5"),
            models.CheckConstraint(condition=~Q(customer_name=""), name="onsite_signoff_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.order.code} {self.customer_name} ({self.rating}/5)"

    @property
    def satisfied(self) -> bool:
        from .policies import rating_satisfied

        return rating_satisfied(self.rating)


class Reschedule(models.Model):
    """OS-9: a visit moved to a new window, why, and who caused it. Append-only."""

    order = models.ForeignKey(
        ServiceOrder, verbose_name=_("order"), on_delete=models.CASCADE, related_name="reschedules"
    )
    caused_by = models.CharField(_("caused by"), max_length=10, choices=MissCause.choices)
    reason = models.TextField(_("reason"))
    old_start = models.DateTimeField(_("old window from"), null=True, blank=True)
    old_end = models.DateTimeField(_("old window until"), null=True, blank=True)
    new_start = models.DateTimeField(_("new window from"))
    new_end = models.DateTimeField(_("new window until"))
    engineer = _user_fk(_("engineer"))
    recorded_by = _user_fk(_("recorded by"), null=False)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("reschedule")
        verbose_name_plural = _("reschedules")
        indexes = [models.Index(fields=["recorded_at", "caused_by"], name="onsite_reschedule_month_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(caused_by__in=MissCause.values), name="onsite_reschedule_cause_valid"),
            models.CheckConstraint(condition=~Q(reason=""), name="onsite_reschedule_reason_not_blank"),
            models.CheckConstraint(
                condition=Q(new_end__gt=F("new_start")), name="onsite_reschedule_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order.code} {self.get_caused_by_display()}"


def photo_thumbnail_upload_to(instance, filename: str) -> str:
    return f"onsite/photos/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}-thumb.jpg"


class OrderPhoto(models.Model):
    """A photo taken on the visit (issue 16). The picture itself is a ticket attachment (so it is in
    the ticket's files, served only through the permission-checked views); this row links it to the
    order with its caption and the small JPEG thumbnail made by Pillow. Append-only.

    ``key`` is the idempotency key of the upload form (one photo per key and file, even when the
    phone sends the form twice); ``location_kept`` says whether the stored file still carries the
    GPS position (``PHOTO_KEEP_LOCATION``)."""

    order = models.ForeignKey(ServiceOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="photos")
    attachment = models.OneToOneField(
        "tickets.TicketAttachment", verbose_name=_("file"), on_delete=models.PROTECT, related_name="order_photo"
    )
    thumbnail = models.FileField(_("thumbnail"), upload_to=photo_thumbnail_upload_to, max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))
    location_kept = models.BooleanField(_("GPS position kept in the file"), default=False)
    key = models.CharField(max_length=80, blank=True, editable=False)
    added_by = _user_fk(_("added by"), null=False)
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        indexes = [models.Index(fields=["order", "added_at"], name="onsite_photo_order_idx")]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="onsite_photo_key_unique"),
            models.CheckConstraint(condition=Q(width__gt=0, height__gt=0), name="onsite_photo_has_size"),
        ]

    def __str__(self) -> str:
        return f"{self.order.code} {self.caption or self.attachment.name}"

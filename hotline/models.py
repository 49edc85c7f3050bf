"""Hotline calls (HL-1, HL-5), the promises made on them (HL-11), what goes to the duty manager
(HL-7, HL-8), per-product diagnostic checklists (HL-12) and the script's forbidden phrases (HL-14)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tickets.phones import normalize_phone, validate_phone


class Outcome(models.TextChoices):
    SOLVED = "solved", _("Solved on the phone")
    CALLBACK = "callback", _("Promised call-back")  # HL-11
    ONSITE = "onsite", _("On-site visit needed")  # HL-6
    URGENT_VISIT = "urgent_visit", _("Same-day/next-day visit demanded")  # HL-7
    REJECTED_TIME = "rejected_time", _("Customer rejects the offered time")  # HL-8
    COMPLAINT = "complaint", _("Complaint")  # HL-10


class HotlineEventKind(models.TextChoices):
    """Timeline lines the hotline writes on tickets."""

    CALL_LOGGED = "call_logged", _("Hotline call logged")
    CALLBACK_PROMISED = "callback_promised", _("Call-back promised")
    CALLBACK_DONE = "callback_done", _("Promised call-back made")
    DUTY_REQUEST = "duty_request", _("Passed to the duty manager")
    DUTY_CALLED = "duty_called", _("Duty manager called the customer")


class CallLog(models.Model):
    """One telephone call (HL-1). Created by the agent on the call screen or by the PBX (CTI
    webhook, keyed by ``pbx_call_id``), completed when the agent records the outcome."""

    pbx_call_id = models.CharField(
        _("PBX call id"), max_length=64, unique=True, null=True, blank=True, help_text=_("Set when the PBX reported it.")
    )
    started_at = models.DateTimeField(_("started"), db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # HL-5: seconds of ringing before it was answered, when the PBX (or the answer time) tells.
    ring_seconds = models.PositiveIntegerField(_("ring seconds"), null=True, blank=True)
    seat = models.CharField(_("seat"), max_length=16, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_calls",
    )
    caller_phone = models.CharField(_("caller phone"), max_length=40, blank=True, validators=[validate_phone])
    caller_phone_normalized = models.CharField(max_length=20, blank=True, editable=False, db_index=True)
    customer = models.ForeignKey(
        "tickets.Customer", verbose_name=_("customer"), null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    organisation = models.CharField(_("organisation (full name)"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact = models.ForeignKey(
        "tickets.Contact", verbose_name=_("contact"), null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    region = models.ForeignKey(
        "tickets.Region", verbose_name=_("region / branch"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    installation = models.ForeignKey(
        "tickets.Installation",
        verbose_name=_("installation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
    )
    problem = models.TextField(_("problem"), blank=True)
    checklist = models.ForeignKey(
        "hotline.DiagnosticChecklist",
        verbose_name=_("diagnostic checklist"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # HL-12: [{"question": ..., "answer": ...}] as asked, so later checklist edits do not change it.
    checklist_answers = models.JSONField(_("checklist answers"), default=list, blank=True)
    handling = models.TextField(_("handling"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    # HL-13: the contract state and end date the agent saw.
    contract_state = models.CharField(_("contract status"), max_length=20, blank=True)
    contract_end_date = models.DateField(_("contract end date"), null=True, blank=True)
    # HL-14: forbidden phrases found in the notes that the agent confirmed anyway.
    flagged_phrases = models.JSONField(_("flagged phrases"), default=list, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    logged_at = models.DateTimeField(_("logged"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        indexes = [
            # The call list's order (newest first), so deep pages need no sort.
            models.Index(fields=["-started_at", "-id"], name="hotline_call_list_idx"),
            models.Index(fields=["agent", "-started_at"], name="hotline_call_agent_idx"),
            models.Index(fields=["seat", "-started_at"], name="hotline_call_seat_idx"),
            models.Index(fields=["customer", "-started_at"], name="hotline_call_customer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values), name="hotline_call_outcome_valid"
            ),
            # HL-1: a logged call names the organisation and has its ticket.
            models.CheckConstraint(
                condition=Q(outcome="") | (~Q(organisation="") & Q(ticket__isnull=False) & Q(logged_at__isnull=False)),
                name="hotline_call_logged_complete",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=F("started_at")),
                name="hotline_call_answered_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="hotline_call_ended_after_start",
            ),
            models.CheckConstraint(condition=~Q(pbx_call_id=""), name="hotline_call_pbx_id_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.organisation or self.caller_phone}".strip()

    def save(self, *args, **kwargs):
        self.caller_phone_normalized = normalize_phone(self.caller_phone)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("hotline:call_detail", args=[self.pk])

    @property
    def is_logged(self) -> bool:
        return bool(self.outcome)


class CallbackPromise(models.Model):
    """HL-11: someone reproduces the fault and calls the customer back by ``due_at``."""

    call = models.OneToOneField(CallLog, verbose_name=_("call"), on_delete=models.PROTECT, related_name="promise")
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="callback_promises"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="callback_promises"
    )
    due_at = models.DateTimeField(_("call back by"))
    note = models.TextField(_("what to reproduce or find out"))
    created_at = models.DateTimeField(_("promised"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.TextField(_("result"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("promised call-back")
        verbose_name_plural = _("promised call-backs")
        indexes = [models.Index(fields=["owner", "done_at", "due_at"], name="hotline_promise_queue_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="hotline_promise_note_not_blank"),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | ~Q(result=""), name="hotline_promise_done_has_result"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.due_at:%Y-%m-%d %H:%M}"

    def is_overdue(self, now) -> bool:
        return self.done_at is None and self.due_at < now


class DutyRequestKind(models.TextChoices):
    URGENT_VISIT = "urgent_visit", _("Same-day/next-day visit (1-hour call-back)")  # HL-7
    REJECTED_TIME = "rejected_time", _("Offered time rejected")  # HL-8


class DutyRequest(models.Model):
    """What a call hands to the duty manager on shift (HL-7, HL-8); done when they have phoned the customer."""

    kind = models.CharField(_("kind"), max_length=20, choices=DutyRequestKind.choices)
    call = models.OneToOneField(CallLog, verbose_name=_("call"), on_delete=models.PROTECT, related_name="duty_request")
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="duty_requests"
    )
    demands = models.TextField(_("customer's demands"))
    due_at = models.DateTimeField(_("call back by"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.TextField(_("arranged / call notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "created_at", "id"]
        verbose_name = _("duty-manager request")
        verbose_name_plural = _("duty-manager requests")
        indexes = [models.Index(fields=["done_at", "due_at"], name="hotline_duty_queue_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DutyRequestKind.values), name="hotline_duty_kind_valid"),
            models.CheckConstraint(condition=~Q(demands=""), name="hotline_duty_demands_not_blank"),
            models.CheckConstraint(condition=Q(done_at__isnull=True) | ~Q(result=""), name="hotline_duty_done_has_result"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.ticket_id}"


class DiagnosticChecklist(models.Model):
    """HL-12: the questions to ask about a product's fault, in order (edited in admin)."""

    product = models.OneToOneField(
        "tickets.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="diagnostic_checklist"
    )
    name = models.CharField(_("name"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["product__name"]
        verbose_name = _("diagnostic checklist")
        verbose_name_plural = _("diagnostic checklists")

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(
        DiagnosticChecklist, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    question = models.CharField(_("question"), max_length=200)
    hint = models.CharField(_("hint"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["checklist", "position", "id"]
        verbose_name = _("checklist question")
        verbose_name_plural = _("checklist questions")
        constraints = [models.CheckConstraint(condition=~Q(question=""), name="hotline_item_question_not_blank")]

    def __str__(self) -> str:
        return self.question


class ForbiddenPhrase(models.Model):
    """HL-14 / HL-11: words agents never say or write (不知道, 随便, ...), with what to say instead."""

    phrase = models.CharField(_("phrase"), max_length=60, unique=True)
    instead = models.CharField(_("say instead"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["phrase"]
        verbose_name = _("forbidden phrase")
        verbose_name_plural = _("forbidden phrases")
        constraints = [models.CheckConstraint(condition=~Q(phrase=""), name="hotline_phrase_not_blank")]

    def __str__(self) -> str:
        return self.phrase

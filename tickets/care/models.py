"""Callbacks, surveys and complaints.

Surveys are data (CB-1, TR-4): a :class:`SurveyTemplate` holds its :class:`Question` rows; which
answer counts as "satisfied" (CB-5) and which question asks "was the problem solved?" (CB-3) are
flags on the questions, editable in admin. A :class:`Callback` is one to-do of the callback queue,
created once per source (ticket, on-site order, training plan, complaint) — a database unique
constraint makes "once" true. A :class:`SurveyResponse` is the one answer a callback gets, by phone
or through the public link (one answer per token, DB-enforced by the one-to-one).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CareEventKind(models.TextChoices):
    CALLBACK_ATTEMPT = "callback_attempt", _("Callback attempt")
    SURVEY_ANSWERED = "survey_answered", _("Survey answered")
    CALLBACK_ESCALATED = "callback_escalated", _("Unresolved after callback: escalated")
    COMPLAINT_RECEIVED = "complaint_received", _("Complaint registered")
    COMPLAINT_VERIFIED = "complaint_verified", _("Complaint verified")
    COMPLAINT_DECIDED = "complaint_decided", _("Complaint decided")
    COMPLAINT_ANSWERED = "complaint_answered", _("Complaint answered")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Scale 1-5")
    YES_NO = "yes_no", _("Yes / no")
    TEXT = "text", _("Free text")


class SurveyTemplate(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    template = models.ForeignKey(SurveyTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SCALE)
    required = models.BooleanField(_("required"), default=True)
    is_overall = models.BooleanField(
        _("overall satisfaction"),
        default=False,
        help_text=_("This question decides whether the answer counts as satisfied (one per template)."),  # CB-5
    )
    satisfied_min = models.PositiveSmallIntegerField(
        _("satisfied from"),
        null=True,
        blank=True,
        help_text=_("Scale questions: a rating at or above this counts as satisfied. Yes/no: yes is satisfied."),
    )
    is_resolution = models.BooleanField(
        _("asks whether the problem is solved"),
        default=False,
        help_text=_("A 'no' escalates to the service manager (one per template, yes/no questions)."),  # CB-3
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "position", "id"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="care_question_kind_valid"),
            models.UniqueConstraint(fields=["template"], condition=Q(is_overall=True), name="care_question_one_overall"),
            models.UniqueConstraint(fields=["template"], condition=Q(is_resolution=True), name="care_question_one_resolution"),
            models.CheckConstraint(
                condition=Q(satisfied_min__isnull=True) | Q(satisfied_min__gte=1, satisfied_min__lte=5),
                name="care_question_satisfied_min_range",
            ),
            models.CheckConstraint(condition=~Q(is_resolution=True) | Q(kind="yes_no"), name="care_question_resolution_yes_no"),
            models.CheckConstraint(condition=~Q(is_overall=True) | ~Q(kind="text"), name="care_question_overall_not_text"),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.is_overall and self.kind == QuestionKind.SCALE and self.satisfied_min is None:
            raise ValidationError({"satisfied_min": _("Say from which rating the answer counts as satisfied.")})
        if self.is_resolution and self.kind != QuestionKind.YES_NO:
            raise ValidationError({"kind": _("The 'problem solved?' question is a yes/no question.")})
        if self.is_overall and self.kind == QuestionKind.TEXT:
            raise ValidationError({"kind": _("The overall satisfaction question cannot be free text.")})


class CallbackChannel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    ONSITE = "onsite", _("On-site")
    REMOTE = "remote", _("Remote")
    TRAINING = "training", _("Training")
    COMPLAINT = "complaint", _("Complaint")


class CallbackSource(models.TextChoices):
    TICKET = "ticket", _("Resolved ticket")
    SERVICE_ORDER = "service_order", _("Signed on-site order")
    TRAINING_PLAN = "training_plan", _("Training quality check")
    COMPLAINT = "complaint", _("Complaint answered")


class CallbackStatus(models.TextChoices):
    OPEN = "open", _("To call")
    DONE = "done", _("Done")


class Callback(models.Model):
    """CB-1: call the customer the working day after the service feedback form arrived."""

    source = models.CharField(_("source"), max_length=20, choices=CallbackSource.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=CallbackChannel.choices)
    status = models.CharField(_("status"), max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.OPEN)
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    service_order = models.ForeignKey(
        "onsite.ServiceOrder", verbose_name=_("on-site order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    training_plan = models.ForeignKey(
        "training.TrainingPlan", verbose_name=_("training plan"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    complaint = models.ForeignKey(
        "care.Complaint", verbose_name=_("complaint"), null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    customer = models.ForeignKey("tickets.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        "tickets.Contact", verbose_name=_("contact"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("engineer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    template = models.ForeignKey(SurveyTemplate, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="+")
    arrived_at = models.DateTimeField(_("feedback arrived"))
    due_date = models.DateField(_("call on"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    link_sent_at = models.DateTimeField(_("survey link sent"), null=True, blank=True)
    escalation_ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("escalation ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_from_callback",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        indexes = [models.Index(fields=["status", "due_date"], name="care_callback_queue_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=CallbackChannel.values), name="care_callback_channel_valid"),
            models.CheckConstraint(condition=Q(source__in=CallbackSource.values), name="care_callback_source_valid"),
            models.CheckConstraint(condition=Q(status__in=CallbackStatus.values), name="care_callback_status_valid"),
            models.CheckConstraint(condition=~Q(status="done") | Q(done_at__isnull=False), name="care_callback_done_has_time"),
            # One callback per source (CB-1, CB-2): the hooks may run twice, the database says no.
            models.UniqueConstraint(fields=["ticket"], condition=Q(source="ticket"), name="care_callback_one_per_ticket"),
            models.UniqueConstraint(fields=["service_order"], condition=Q(source="service_order"), name="care_callback_one_per_order"),
            models.UniqueConstraint(fields=["training_plan"], condition=Q(source="training_plan"), name="care_callback_one_per_plan"),
            models.UniqueConstraint(fields=["complaint"], condition=Q(source="complaint"), name="care_callback_one_per_complaint"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer} ({self.get_channel_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("care:callback_detail", args=[self.pk])

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == CallbackStatus.OPEN and self.due_date < today


class AttemptOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    UNREACHABLE = "unreachable", _("Unreachable")


class CallbackAttempt(models.Model):
    callback = models.ForeignKey(Callback, verbose_name=_("callback"), on_delete=models.CASCADE, related_name="attempt_rows")
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=AttemptOutcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        constraints = [models.CheckConstraint(condition=Q(outcome__in=AttemptOutcome.values), name="care_attempt_outcome_valid")]


class ResponseVia(models.TextChoices):
    PHONE = "phone", _("By phone")
    ONLINE = "online", _("Online survey link")


class SurveyResponse(models.Model):
    """The answer to a callback's survey: exactly one per callback (and so per survey token)."""

    callback = models.OneToOneField(Callback, verbose_name=_("callback"), on_delete=models.PROTECT, related_name="response")
    via = models.CharField(_("answered"), max_length=10, choices=ResponseVia.choices)
    answered_at = models.DateTimeField(_("answered at"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised at answer time for aggregation in the database (CB-5): None = no overall question.
    satisfied = models.BooleanField(_("satisfied"), null=True)
    resolved = models.BooleanField(_("problem solved"), null=True)
    channel = models.CharField(_("channel"), max_length=20, choices=CallbackChannel.choices)
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("engineer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-answered_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["answered_at", "channel"], name="care_response_month_idx")]
        constraints = [models.CheckConstraint(condition=Q(via__in=ResponseVia.values), name="care_response_via_valid")]

    def __str__(self) -> str:
        return f"{self.callback_id} {self.answered_at:%Y-%m-%d}"


class Answer(models.Model):
    response = models.ForeignKey(SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    yes = models.BooleanField(_("yes"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["question__position", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="care_answer_once_per_question"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="care_answer_rating_range"),
        ]

    @property
    def display(self) -> str:
        if self.rating is not None:
            return f"{self.rating}/5"
        if self.yes is not None:
            return str(_("Yes") if self.yes else _("No"))
        return self.text


# --- Complaints (HL-10, CB-6, CB-2, ST-6, ST-7) -----------------------------------------------------


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Verified")
    DECIDED = "decided", _("Decided")
    ANSWERED = "answered", _("Answered, callback pending")
    CLOSED = "closed", _("Closed")


class ComplaintRoute(models.TextChoices):
    PARTNER = "partner", _("Service partner")
    PRODUCT = "product", _("Product (vendor)")
    EMPLOYEE = "employee", _("Employee")
    OTHER = "other", _("Other")


class ComplaintDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")


class Complaint(models.Model):
    ticket = models.OneToOneField("tickets.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="complaint")
    status = models.CharField(_("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED)
    received_at = models.DateTimeField(_("received"))
    due_date = models.DateField(_("answer due"), help_text=_("Answer and plan within N working days."))  # CB-6
    route = models.CharField(_("about"), max_length=10, choices=ComplaintRoute.choices, blank=True)
    partner_name = models.CharField(_("service partner"), max_length=200, blank=True)
    vendor_reference = models.CharField(_("vendor reference"), max_length=100, blank=True)
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    about_attitude = models.BooleanField(_("about attitude"), default=False)
    verification = models.TextField(_("verification result"), blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=15, choices=ComplaintDecision.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("answer to the customer"), blank=True)
    plan = models.TextField(_("plan"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["status", "due_date"], name="care_complaint_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ComplaintStatus.values), name="care_complaint_status_valid"),
            models.CheckConstraint(condition=Q(route="") | Q(route__in=ComplaintRoute.values), name="care_complaint_route_valid"),
            models.CheckConstraint(
                condition=Q(decision="") | (Q(decision__in=ComplaintDecision.values) & ~Q(reasons="")),
                name="care_complaint_decision_has_reasons",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | (~Q(answer="") & ~Q(plan="")),
                name="care_complaint_answer_has_plan",
            ),
        ]

    def __str__(self) -> str:
        return str(self.ticket.number) if self.ticket_id else f"#{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("care:complaint_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != ComplaintStatus.CLOSED

    def is_overdue(self, today=None) -> bool:
        """CB-6: no answer yet and the due day has passed."""
        today = today or timezone.localdate()
        return self.answered_at is None and self.due_date < today

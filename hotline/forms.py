"""Forms of the call screen and the queues. Outcome-specific fields are validated against the
chosen outcome (``policies.OUTCOME_REQUIRED``); nothing typed is lost on a refused submit."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.core.parsing import date_in_range
from staff.models import User
from staff.roles import Role
from tickets.models import Contact, Customer, Installation, Region, Ticket
from tickets.phones import validate_phone

from . import policies
from .models import CallLog, DiagnosticChecklist, Outcome
from servicedesk.core.idempotency import IdempotentFormMixin

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


class CallForm(IdempotentFormMixin, forms.Form):
    # Hidden bookkeeping: the PBX call being logged, when the agent picked up, the matched customer.
    call = forms.ModelChoiceField(queryset=CallLog.objects.filter(outcome=""), required=False, widget=forms.HiddenInput)
    started_at = forms.DateTimeField(widget=forms.HiddenInput)
    customer = forms.ModelChoiceField(queryset=Customer.objects.all(), required=False, widget=forms.HiddenInput)
    checklist = forms.ModelChoiceField(
        queryset=DiagnosticChecklist.objects.all(), required=False, widget=forms.HiddenInput
    )
    # HL-12 order: organisation, phone, region/branch, then the symptoms.
    organisation = forms.CharField(label=_("Organisation (full name)"), max_length=200, required=False)
    caller_phone = forms.CharField(label=_("Phone"), max_length=40, validators=[validate_phone])
    contact = forms.ModelChoiceField(label=_("Contact"), queryset=Contact.objects.all(), required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=100, required=False)
    region = forms.ModelChoiceField(label=_("Region / branch"), queryset=Region.objects.all(), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    installation = forms.ModelChoiceField(
        label=_("Product / installation"), queryset=Installation.objects.all(), required=False
    )
    problem = forms.CharField(label=_("Fault symptoms"), widget=forms.Textarea(attrs={"rows": 3}))
    handling = forms.CharField(label=_("Handling on the call"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    link_ticket = forms.ModelChoiceField(
        label=_("Same problem as open ticket"), queryset=Ticket.objects.open(), required=False, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    # Solved on the phone
    resolution = forms.CharField(label=_("How it was solved"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    # HL-11 promised call-back
    callback_owner = forms.ModelChoiceField(label=_("Who calls back"), queryset=User.objects.none(), required=False)
    callback_due_at = forms.DateTimeField(label=_("Call back by"), widget=_datetime_input(), required=False)
    callback_note = forms.CharField(
        label=_("What to reproduce / find out"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    # HL-6 on-site: one window, offered to and agreed with the customer; the offered date is its start's day.
    agreed_start = forms.DateTimeField(label=_("Visit window from"), widget=_datetime_input(), required=False)
    agreed_end = forms.DateTimeField(label=_("until"), widget=_datetime_input(), required=False)
    site_address = forms.CharField(label=_("Site address (if not the customer's)"), max_length=300, required=False)
    # HL-7 / HL-8
    demands = forms.CharField(label=_("Customer's demands"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    # HL-10
    complaint_about = forms.CharField(label=_("Complaint about (person, partner or product)"), max_length=200, required=False)
    complaint_text = forms.CharField(label=_("Complaint"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    # HL-14: the agent saw the forbidden-phrase warning and saves anyway.
    confirm_phrases = forms.BooleanField(label=_("Save anyway"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.fields["callback_owner"].queryset = (
            User.objects.filter(is_active=True, groups__name__in=[Role.AGENT, Role.DUTY_MANAGER, Role.ENGINEER])
            .distinct()
            .order_by("full_name", "username")
        )
        self.checklist_answers: list[dict] = []

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organisation", "").strip() and not cleaned.get("customer"):
            self.add_error("organisation", _("Ask for the organisation's full name first."))  # HL-12
        outcome = cleaned.get("outcome")
        if outcome:
            for name in policies.outcome_missing(outcome=outcome, values=cleaned):
                if name not in self.errors:
                    self.add_error(name, _("Needed for this outcome."))
        if outcome == Outcome.ONSITE and not {"agreed_start", "agreed_end"} & self.errors.keys():
            self._check_visit_window(cleaned)
        checklist = cleaned.get("checklist")
        if checklist is not None:
            self.checklist_answers = [
                {"question": item.question, "answer": (self.data.get(f"check_{item.pk}") or "").strip()[:500]}
                for item in checklist.items.all()
            ]
        return cleaned

    def _check_visit_window(self, cleaned: dict) -> None:
        """HL-6: the agreed window ends after it starts and starts within three days of the call."""
        call = cleaned.get("call")
        called_at = call.started_at if call else cleaned.get("started_at")
        if called_at is None:
            return
        problems = policies.visit_window_problems(
            start=cleaned.get("agreed_start"),
            end=cleaned.get("agreed_end"),
            called_at=called_at,
            max_days=settings.SERVICEDESK["ONSITE_OFFER_DAYS"],
        )
        for name, message in problems.items():
            self.add_error(name, message)

    def intake(self) -> dict:
        data = self.cleaned_data
        return {
            "call": data["call"],
            "started_at": data["call"].started_at if data["call"] else data["started_at"],
            "caller_phone": data["caller_phone"],
            "organisation": data["organisation"],
            "customer": data["customer"],
            "contact": data["contact"],
            "contact_name": data["contact_name"],
            "region": data["region"],
            "address": data["address"],
            "installation": data["installation"],
            "problem": data["problem"],
            "handling": data["handling"],
            "checklist": data["checklist"],
            "checklist_answers": self.checklist_answers,
        }

    def details(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in policies_fields()}

    def notes(self) -> list[str]:
        data = self.cleaned_data
        texts = [data.get(name) or "" for name in ("problem", "handling", "resolution", "callback_note", "demands")]
        return texts + [row["answer"] for row in self.checklist_answers]


def policies_fields() -> tuple[str, ...]:
    return (
        "resolution",
        "callback_owner",
        "callback_due_at",
        "callback_note",
        "agreed_start",
        "agreed_end",
        "site_address",
        "demands",
        "complaint_about",
        "complaint_text",
    )


def callback_due_default(now: datetime.datetime) -> str:
    due = timezone.localtime(now) + datetime.timedelta(hours=settings.SERVICEDESK["HOTLINE_CALLBACK_HOURS"])
    return due.strftime(DATETIME_LOCAL)


class ResultForm(forms.Form):
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}))


class CallFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("Any"))] + Outcome.choices, required=False)
    unlogged = forms.BooleanField(label=_("Not logged yet"), required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}), validators=[date_in_range]
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}), validators=[date_in_range])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end date is before the start date."))
        return cleaned


class StatsForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}), validators=[date_in_range])
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}), validators=[date_in_range])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end"):
            if cleaned["end"] < cleaned["start"]:
                self.add_error("end", _("The end date is before the start date."))
            elif (cleaned["end"] - cleaned["start"]).days > 366:
                self.add_error("end", _("Choose at most one year."))
        return cleaned

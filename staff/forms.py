"""Forms of the staff pages. Validation messages say what to fix; rules stay in the services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Assessment, EmployeeSkill, IncidentKind, LeaveRequest, Skill, TravelRequest, User
from servicedesk.core.idempotency import IdempotentFormMixin
from servicedesk.core.uploads import validate_certificate

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": 0}


class SiteNoticeForm(forms.Form):
    place = forms.CharField(label=_("Customer or site"), max_length=200)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LeaveRequestForm(IdempotentFormMixin, forms.ModelForm):
    class Meta:
        model = LeaveRequest
        fields = ["kind", "start_date", "end_date", "reason", "handover", "certificate"]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "reason": forms.Textarea(attrs={"rows": 3}),
            "handover": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"certificate": _("Sick leave: the hospital certificate (now or before you report back).")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Size limit and content sniffed from the bytes, like every upload (servicedesk/core/uploads.py).
        self.fields["certificate"].validators.append(validate_certificate)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return cleaned


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class CertificateForm(forms.Form):
    certificate = forms.FileField(label=_("Medical certificate"), validators=[validate_certificate])


class ReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("Back at work on"), widget=DATE)


class TravelRequestForm(IdempotentFormMixin, forms.ModelForm):
    class Meta:
        model = TravelRequest
        fields = ["destination", "purpose", "itinerary", "transport", "departs_at", "returns_at", "estimated_cost"]
        widgets = {
            "departs_at": DATETIME,
            "returns_at": DATETIME,
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "itinerary": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        departs, returns = cleaned.get("departs_at"), cleaned.get("returns_at")
        if departs and returns and returns <= departs:
            self.add_error("returns_at", _("The return must be after the departure."))
        return cleaned


class ExpenseClaimForm(IdempotentFormMixin, forms.Form):
    departed_at = forms.DateTimeField(
        label=_("Departed at"), widget=DATETIME, help_text=_("When the train, plane or bus left.")
    )
    returned_at = forms.DateTimeField(label=_("Returned at"), widget=DATETIME, help_text=_("When it arrived back."))
    lodging_invoiced = forms.DecimalField(label=_("Lodging invoices"), **MONEY)
    transport_amount = forms.DecimalField(label=_("Tickets (train, plane, bus)"), **MONEY)
    local_transport_amount = forms.DecimalField(label=_("Local transport"), initial=0, **MONEY)
    other_amount = forms.DecimalField(label=_("Other costs"), initial=0, **MONEY)
    late_reason = forms.CharField(
        label=_("Reason for the late claim"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only needed after the deadline."),
    )

    def clean(self):
        cleaned = super().clean()
        departed, returned = cleaned.get("departed_at"), cleaned.get("returned_at")
        if departed and returned and returned <= departed:
            self.add_error("returned_at", _("The return must be after the departure."))
        return cleaned


class PenaltyConfirmForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PenaltyWaiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason for waiving"), widget=forms.Textarea(attrs={"rows": 2}))


class StatementForm(forms.Form):
    statement = forms.CharField(label=_("Your statement"), widget=forms.Textarea(attrs={"rows": 4}))


class EmployeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class IncidentForm(IdempotentFormMixin, forms.Form):
    employee = EmployeeChoiceField(label=_("Employee"), queryset=User.objects.none())
    kind = forms.ChoiceField(
        label=_("What happened"), choices=[c for c in IncidentKind.choices if c[0] != IncidentKind.SEAT_NOT_READY]
    )
    occurred_at = forms.DateTimeField(label=_("When"), widget=DATETIME)
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees


class AssessmentForm(forms.Form):
    employee = EmployeeChoiceField(label=_("Employee"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Assessment.Kind.choices)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    score = forms.DecimalField(label=_("Score"), max_digits=5, decimal_places=1, min_value=0, max_value=100)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Assessment.Outcome.choices)
    skill = forms.ModelChoiceField(label=_("Skill"), queryset=Skill.objects.all(), required=False)
    skill_level = forms.TypedChoiceField(
        label=_("Proficiency reached"),
        choices=[("", "—"), *EmployeeSkill.Proficiency.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    salary_after = forms.DecimalField(
        label=_("New base salary"), required=False, help_text=_("Empty = unchanged."), **MONEY  # ST-14
    )
    probation_ends_on = forms.DateField(
        label=_("New probation end"), required=False, widget=DATE, help_text=_("Only when probation is extended.")
    )
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Assessment.Kind.SKILL and not (cleaned.get("skill") and cleaned.get("skill_level")):
            self.add_error("skill", _("A skill assessment names the skill and the proficiency reached."))
        if cleaned.get("outcome") == Assessment.Outcome.PROBATION_EXTENDED and not cleaned.get("probation_ends_on"):
            self.add_error("probation_ends_on", _("Give the new end of probation."))
        return cleaned


class MonthField(forms.DateField):
    """An ``<input type="month">`` value (YYYY-MM) as the first day of that month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]


class PrepareRunForm(forms.Form):
    month = MonthField(label=_("Payroll month"))


class FundSpendForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    booked_on = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(label=_("What for"), max_length=200)

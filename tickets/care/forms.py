"""Forms of callbacks, surveys and complaints: they parse input; the rules are in the services."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.models import User

from .models import CallbackChannel, ComplaintDecision, ComplaintRoute, ComplaintStatus, QuestionKind
from servicedesk.core.idempotency import IdempotentFormMixin

RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


class QueueFilterForm(forms.Form):
    DUE_CHOICES = [("", _("All")), ("today", _("Due today")), ("overdue", _("Overdue")), ("due", _("Due now"))]
    STATUS_CHOICES = [("open", _("To call")), ("done", _("Done"))]

    due = forms.ChoiceField(label=_("Due"), choices=DUE_CHOICES, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All")), *CallbackChannel.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    search = forms.CharField(label=_("Search"), required=False, max_length=100)


class AttemptForm(IdempotentFormMixin, forms.Form):
    reached = forms.ChoiceField(
        label=_("Outcome"), choices=[("unreachable", _("Unreachable")), ("reached", _("Reached"))], widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class SurveyForm(IdempotentFormMixin, forms.Form):
    """The questions of a survey template as fields ``q_<id>`` (scale: radio 1-5, yes/no, text)."""

    def __init__(self, *args, template, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(template.questions.all())
        for question in self.questions:
            name = f"q_{question.pk}"
            if question.kind == QuestionKind.SCALE:
                field = forms.ChoiceField(choices=RATING_CHOICES, widget=forms.RadioSelect(attrs={"class": "scale"}))
            elif question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect)
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
            field.label, field.required = question.text, question.required
            self.fields[name] = field

    def answers(self) -> dict:
        return {question.pk: self.cleaned_data.get(f"q_{question.pk}") for question in self.questions}


class ComplaintFilterForm(forms.Form):
    STATUS_CHOICES = [("open", _("Open")), ("overdue", _("Overdue")), *ComplaintStatus.choices, ("all", _("All"))]

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    route = forms.ChoiceField(label=_("About"), choices=[("", _("All")), *ComplaintRoute.choices], required=False)
    search = forms.CharField(label=_("Search"), required=False, max_length=100)


class VerifyForm(forms.Form):
    route = forms.ChoiceField(label=_("About"), choices=ComplaintRoute.choices)
    partner_name = forms.CharField(label=_("Service partner"), required=False, max_length=200)
    vendor_reference = forms.CharField(label=_("Vendor reference"), required=False, max_length=100)
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=User.objects.none(), required=False)
    about_attitude = forms.BooleanField(label=_("About the employee's attitude"), required=False)
    verification = forms.CharField(label=_("Verification result"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = User.objects.filter(is_active=True).order_by("full_name", "username")


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ComplaintDecision.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer to the customer"), widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.CharField(label=_("Plan"), widget=forms.Textarea(attrs={"rows": 3}))


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"}), max_length=7
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All")), *CallbackChannel.choices], required=False)

    def clean_month(self) -> datetime.date:
        raw = self.cleaned_data.get("month") or ""
        if not raw:
            return timezone.localdate().replace(day=1)
        try:
            return datetime.datetime.strptime(raw, "%Y-%m").date()
        except ValueError as exc:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from exc

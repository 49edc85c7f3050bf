"""Forms of the duty roster: they parse and validate input; the rules are in services."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.core.parsing import date_in_range

from . import selectors
from .models import Seat


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s week."""
    return day - datetime.timedelta(days=day.weekday())


class WeekForm(forms.Form):
    week = forms.DateField(
        label=_("Week of"), required=False, widget=forms.DateInput(attrs={"type": "date"}), validators=[date_in_range]
    )


class PeriodForm(forms.Form):
    first_day = forms.DateField(widget=forms.HiddenInput, validators=[date_in_range])
    last_day = forms.DateField(widget=forms.HiddenInput, validators=[date_in_range])

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and (last < first or (last - first).days > 62):
            raise forms.ValidationError(_("Choose a period of at most two months."))
        return data


class PublishForm(PeriodForm):
    override_reason = forms.CharField(
        label=_("Reason for publishing late"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only needed when a shift starts in less than 12 hours."),  # HL-3
    )


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        help_text=_("Required once the shift is published."),  # HL-3
    )


class AssignForm(ReasonMixin):
    engineer = forms.ModelChoiceField(label=_("Duty engineer"), queryset=selectors.duty_engineers())
    seat = forms.ModelChoiceField(label=_("Seat"), queryset=Seat.objects.filter(is_active=True))
    forwards_hotline = forms.BooleanField(
        label=_("Forward the hotline to this engineer's mobile (holiday duty)"), required=False  # ST-16
    )
    field_order = ["engineer", "seat", "forwards_hotline", "reason"]

    def __init__(self, *args, shift, **kwargs):
        super().__init__(*args, **kwargs)
        self.shift = shift
        if not shift.is_holiday:
            del self.fields["forwards_hotline"]

    def clean(self):
        data = super().clean()
        seat, engineer = data.get("seat"), data.get("engineer")
        taken = {a.seat_id: a for a in self.shift.assignments.all()}
        if seat is not None and seat.pk in taken:
            self.add_error("seat", _("Seat %(seat)s is already staffed in this shift.") % {"seat": seat.number})
        if engineer is not None and any(a.engineer_id == engineer.pk for a in taken.values()):
            self.add_error("engineer", _("%(name)s is already on duty in this shift.") % {"name": engineer})
        return data


class DutyManagerForm(ReasonMixin):
    duty_manager = forms.ModelChoiceField(label=_("Duty manager"), queryset=selectors.duty_manager_candidates())
    field_order = ["duty_manager", "reason"]


class ChangeReasonForm(ReasonMixin):
    pass

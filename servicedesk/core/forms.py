"""Form pieces shared by the report pages."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dates import month_start


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


def month_chosen(data) -> tuple[MonthForm, datetime.date]:
    """The month picked on a report page (first day), the current month when none or a bad one is
    given; the form shows the month in use."""
    month = month_start(timezone.localdate())
    form = MonthForm(data or None, initial={"month": month})
    if form.is_valid() and form.cleaned_data["month"]:
        month = month_start(form.cleaned_data["month"])
    return form, month

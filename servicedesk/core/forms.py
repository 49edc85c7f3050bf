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


# Longer search input is refused (400): no name, number or phone is that long.
SEARCH_MAX_LENGTH = 100


class SearchForm(forms.Form):
    """The top bar's search box (issue 17). NUL characters and over-long input make it invalid."""

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)


class PkModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses a value no primary key can have (a huge number
    overflows SQLite's INTEGER in the lookup query: a field error, never a 500)."""

    def _check_values(self, value):
        from .parsing import pk_or_none

        for pk in value if isinstance(value, (list, tuple)) else [value]:
            if pk_or_none(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)

from django import forms
from django.utils.translation import gettext_lazy as _

from staff.models import Team

from .models import ClockKind


class BoardFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.order_by("name"), required=False, empty_label=_("All teams")
    )
    kind = forms.ChoiceField(
        label=_("Clock"), choices=[("", _("All clocks"))] + list(ClockKind.choices), required=False
    )


class ReminderDoneForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": _("What did the customer say?")}),
    )


class ReminderLostForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the contract lost?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why the contract is lost.")},
    )

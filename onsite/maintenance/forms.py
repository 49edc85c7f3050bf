from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from servicedesk.core.forms import PkModelMultipleChoiceField
from servicedesk.core.idempotency import IdempotentFormMixin
from servicedesk.core.parsing import pk_or_none
from tickets.models import Installation
from tickets.remote.forms import DateInput

from .models import MaintenancePlan


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PlanFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    contract = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class PlanForm(IdempotentFormMixin, forms.ModelForm):
    """A preventive maintenance plan: every N months or a recurrence rule, the window, installations."""

    class Meta:
        model = MaintenancePlan
        fields = [
            "contract", "name", "interval_months", "rrule", "first_visit_on", "window_start", "window_end",
            "duration_minutes", "installations", "is_active",
        ]  # fmt: skip
        field_classes = {"installations": PkModelMultipleChoiceField}
        widgets = {
            "first_visit_on": DateInput(), "window_start": TimeInput(), "window_end": TimeInput(),
            "installations": forms.CheckboxSelectMultiple,
        }  # fmt: skip

    def __init__(self, *args, contracts=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Bounds in the form too: a huge number is a field error, not a database overflow.
        self.fields["interval_months"].max_value = 120
        self.fields["interval_months"].validators.append(MaxValueValidator(120))
        self.fields["duration_minutes"].validators.append(MaxValueValidator(24 * 60))
        self.fields["duration_minutes"].widget.attrs["max"] = 24 * 60
        self.fields["interval_months"].widget.attrs["max"] = 120
        if self.instance.pk:
            del self.fields["contract"]
            contract = self.instance.contract
            self.fields["installations"].queryset = contract.installations.select_related("product")
        else:
            self.fields["contract"].queryset = contracts
            contract_id = pk_or_none(self.data.get("contract") or self.initial.get("contract"))
            installations = Installation.objects.none()
            if contract_id:
                found = contracts.filter(pk=contract_id).first()
                if found is not None:
                    installations = found.installations.select_related("product")
            self.fields["installations"].queryset = installations
            self.fields["installations"].help_text = _(
                "Leave empty for all installations of the contract (choose after picking a contract)."
            )

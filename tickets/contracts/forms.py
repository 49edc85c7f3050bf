import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.models.customers import ContractLevel

from .models import RenewalStatus, SalesTarget
from servicedesk.core.idempotency import IdempotentFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0.01}


class SerialFieldsMixin:
    """One optional field per installation the contract covers: its new serial/licence number (CT-1)."""

    def add_serial_fields(self, installations, initial: dict[int, str] | None = None) -> None:
        self.installations = list(installations)
        for installation in self.installations:
            self.fields[f"serial_{installation.pk}"] = forms.CharField(
                label=_("New number for %(product)s (now %(serial)s)")
                % {"product": installation.product, "serial": installation.serial_number},
                max_length=64,
                required=False,
                initial=(initial or {}).get(installation.pk, ""),
            )

    def serial_fields(self):
        return [self[f"serial_{installation.pk}"] for installation in self.installations]

    def serials(self) -> dict[int, str]:
        return {inst.pk: self.cleaned_data.get(f"serial_{inst.pk}", "") for inst in self.installations}


class RenewalOfferForm(IdempotentFormMixin, SerialFieldsMixin, forms.Form):
    new_start = forms.DateField(label=_("New period starts"), widget=DATE)
    new_end = forms.DateField(label=_("New period ends"), widget=DATE)
    level = forms.ChoiceField(label=_("Service level"), choices=ContractLevel.choices)
    price = forms.DecimalField(label=_("Price (CNY)"), **MONEY)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, installations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_serial_fields(installations)

    def clean(self):
        data = super().clean()
        if data.get("new_start") and data.get("new_end") and data["new_end"] <= data["new_start"]:
            self.add_error("new_end", _("The new period must end after it starts."))
        return data


class SignForm(IdempotentFormMixin, forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)


class PaymentForm(IdempotentFormMixin, SerialFieldsMixin, forms.Form):
    paid_on = forms.DateField(label=_("Payment received on"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount received (CNY)"), **MONEY)
    apply = forms.BooleanField(
        label=_("Extend the contract now (period and serial numbers)"),
        required=False,
        initial=True,
        help_text=_("Leave unticked to extend it later, for example when the new licence numbers arrive."),
    )

    def __init__(self, *args, installations=(), serial_initial=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_serial_fields(installations, serial_initial)


class ApplyForm(IdempotentFormMixin, SerialFieldsMixin, forms.Form):
    def __init__(self, *args, installations=(), serial_initial=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_serial_fields(installations, serial_initial)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RenewalFilterForm(forms.Form):
    q = forms.CharField(label=_("Customer or contract"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses"))] + list(RenewalStatus.choices), required=False
    )
    month = forms.DateField(
        label=_("Signed in month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    overdue = forms.BooleanField(label=_("Payment overdue"), required=False)


class ContractSearchForm(forms.Form):
    q = forms.CharField(label=_("Customer or contract"), required=False, max_length=100)


class SalesTargetForm(forms.ModelForm):
    class Meta:
        model = SalesTarget
        fields = ["amount", "count", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        labels = {"amount": _("Target amount (CNY)")}

    def __init__(self, *args, month: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.month = month

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.core.idempotency import IdempotentFormMixin

from .models import Part, StockLocation


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class TransferForm(IdempotentFormMixin, forms.Form):
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.filter(active=True))
    from_location = forms.ModelChoiceField(
        label=_("From"), queryset=StockLocation.objects.filter(active=True).select_related("engineer")
    )
    to_location = forms.ModelChoiceField(
        label=_("To"), queryset=StockLocation.objects.filter(active=True).select_related("engineer")
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000, initial=1)
    serial_number = forms.CharField(label=_("Serial number"), required=False, max_length=64)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if data.get("from_location") and data.get("from_location") == data.get("to_location"):
            self.add_error("to_location", _("Choose a location other than the one the stock leaves."))
        return data

from django import forms
from django.utils.translation import gettext_lazy as _

from onsite.forms import van_part_choices
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


class UsePartForm(IdempotentFormMixin, forms.Form):
    """OS-11: "Use a part" on the order page after the work report: a part from the engineer's van,
    added to the report's parts and taken off the van in one step."""

    part = forms.TypedChoiceField(label=_("Part from my van"), coerce=int)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=9999, initial=1)
    serial_out = forms.CharField(label=_("Serial number taken out"), max_length=64, required=False)
    serial_in = forms.CharField(label=_("Serial number put in"), max_length=64, required=False)

    def __init__(self, *args, van_levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.van_parts = {level.part_id: level.part for level in van_levels}
        self.fields["part"].choices = van_part_choices(van_levels)[1:]

    def clean_part(self):
        return self.van_parts[self.cleaned_data["part"]]


class ReceiveForm(IdempotentFormMixin, forms.Form):
    """Parts received from a supplier into the warehouse (or a van)."""

    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.filter(active=True))
    location = forms.ModelChoiceField(
        label=_("Into"), queryset=StockLocation.objects.filter(active=True).select_related("engineer")
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000, initial=1)
    serial_number = forms.CharField(label=_("Serial number"), required=False, max_length=64)
    note = forms.CharField(label=_("Delivery note / supplier"), required=False, max_length=300)


class CountForm(IdempotentFormMixin, forms.Form):
    """A stocktake: what was counted becomes the balance through a correction move."""

    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.filter(active=True))
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=StockLocation.objects.filter(active=True).select_related("engineer")
    )
    counted = forms.IntegerField(label=_("Counted"), min_value=0, max_value=100000)
    note = forms.CharField(label=_("Reason"), max_length=300, help_text=_("Why the count differs (stocktake, damage, …)."))


class FactorySendForm(IdempotentFormMixin, forms.Form):
    """OS-11: a faulty part sent to the factory for repair, out of a location's stock."""

    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.filter(active=True))
    from_location = forms.ModelChoiceField(
        label=_("From"), queryset=StockLocation.objects.filter(active=True).select_related("engineer")
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000, initial=1)
    serial_number = forms.CharField(label=_("Serial number"), required=False, max_length=64)
    note = forms.CharField(label=_("Fault"), required=False, max_length=300)


class FactoryReturnedForm(IdempotentFormMixin, forms.Form):
    to_location = forms.ModelChoiceField(
        label=_("Back into"), queryset=StockLocation.objects.filter(active=True).select_related("engineer")
    )

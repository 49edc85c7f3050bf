from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InboundEmail, InboundStatus


class AssignForm(forms.Form):
    """Name the customer of an unknown sender (an existing customer's exact name, or a new one)."""

    inbound = forms.ModelChoiceField(
        queryset=InboundEmail.objects.filter(status=InboundStatus.UNKNOWN_CONTACT),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This e-mail has already been handled.")},
    )
    customer_name = forms.CharField(
        label=_("Customer"), max_length=200, help_text=_("An existing customer's exact name, or a new customer.")
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=100, required=False)

    def __init__(self, *args, inbound: InboundEmail | None = None, **kwargs):
        if inbound is not None:
            kwargs.setdefault("initial", {"inbound": inbound.pk, "contact_name": inbound.from_name})
            kwargs.setdefault("prefix", None)
        super().__init__(*args, **kwargs)

    @property
    def inbound_id(self) -> int | None:
        value = self.data.get("inbound") if self.is_bound else self.initial.get("inbound")
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Contact, Customer, Installation, Ticket
from .selectors import staff_assignable
from servicedesk.core.idempotency import IdempotentFormMixin
from servicedesk.core.parsing import text_or_empty


class CustomerNameField(forms.ModelChoiceField):
    """Customers are picked by their (unique) full name from a type-ahead list."""

    default_error_messages = {
        "invalid_choice": _("No customer is registered under that full name. Pick one from the list."),
    }


class TicketForm(forms.ModelForm):
    """Create and edit form. Contact and installation choices follow the chosen customer."""

    customer = CustomerNameField(
        label=_("Customer"),
        queryset=Customer.objects.filter(is_active=True),
        to_field_name="name",
        widget=forms.TextInput(attrs={"list": "customer-options", "autocomplete": "off"}),
    )

    class Meta:
        model = Ticket
        fields = [
            "customer",
            "contact",
            "installation",
            "channel",
            "type",
            "priority",
            "subject",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, customer: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.none()
        self.fields["installation"].queryset = Installation.objects.none()
        chosen = customer or self._chosen_customer()
        self.customer_chosen = chosen is not None
        if chosen is not None:
            self.fields["contact"].queryset = Contact.objects.filter(customer=chosen, is_active=True)
            self.fields["installation"].queryset = Installation.objects.filter(customer=chosen).select_related(
                "product"
            )
            if not self.is_bound and customer is not None:
                self.initial["customer"] = customer.name

    def _chosen_customer(self) -> Customer | None:
        if self.is_bound:
            name = text_or_empty(self.data.get(self.add_prefix("customer")))  # raw POST: no NUL into SQL
            return Customer.objects.filter(name=name).first() if name else None
        if self.instance.pk:
            return self.instance.customer
        return None


class TicketCreateForm(IdempotentFormMixin, TicketForm):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=staff_assignable(), required=False, empty_label=_("Nobody yet")
    )

    class Meta(TicketForm.Meta):
        fields = TicketForm.Meta.fields + ["assignee"]


class TicketEditForm(TicketForm):
    class Meta(TicketForm.Meta):
        fields = [f for f in TicketForm.Meta.fields if f != "customer"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("customer", kwargs["instance"].customer)
        super().__init__(*args, **kwargs)
        del self.fields["customer"]


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(IdempotentFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Add a note to the timeline")})
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=staff_assignable(), required=False, empty_label=_("Unassigned")
    )

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from servicedesk.core.widgets import FastSelect

from .models import Region, Ticket
from .models.tickets import Channel, Priority, Status, TicketType
from .selectors import staff_assignable, ticket_search_filter

STATUS_CHOICES = [("open", _("All open"))] + list(Status.choices)
# Issue 17: the list's order; "due" puts the earliest running SLA deadline first.
ORDER_CHOICES = [("due", _("Due soonest first"))]


class TicketFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Number, customer, phone or words"), "type": "search", "autofocus": True}
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status", widget=FastSelect
    )
    type = django_filters.ChoiceFilter(label=_("Type"), choices=TicketType.choices, widget=FastSelect)
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices, widget=FastSelect)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices, widget=FastSelect)
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assignee"),
        queryset=staff_assignable(),
        null_label=_("Unassigned"),
        empty_label=_("Anyone"),
        widget=FastSelect,
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), field_name="customer__region", queryset=Region.objects.all(), widget=FastSelect
    )
    order = django_filters.ChoiceFilter(
        label=_("Order"), choices=ORDER_CHOICES, empty_label=_("Newest first"), method="filter_order", widget=FastSelect
    )

    class Meta:
        model = Ticket
        fields = ["q", "status", "type", "priority", "channel", "assignee", "region", "order"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(ticket_search_filter(value)) if value.strip() else queryset

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.open()
        return queryset.filter(status=value)

    def filter_order(self, queryset, name, value):
        """``due``: by ``next_due_at`` (annotated by ``selectors.ticket_list``), tickets without a running
        clock last, newest first among equals."""
        if value == "due":
            return queryset.order_by(F("next_due_at").asc(nulls_last=True), "-created_at", "-id")
        return queryset

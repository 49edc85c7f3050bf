"""API: SLA clocks (read, OS-8). Only clocks of tickets the caller may see."""

import django_filters
from rest_framework import viewsets

from servicedesk.api.filters import InstantFilter
from tickets.api import SLAClockSerializer
from tickets.selectors import TICKET_ROLES, ticket_visible_queryset

from .models import ClockKind, SLAClock


class ClockFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ClockKind.choices)
    ticket = django_filters.CharFilter(field_name="ticket__number")
    running = django_filters.BooleanFilter(method="filter_running", label="Running (not met, cancelled or paused)")
    breached = django_filters.BooleanFilter(field_name="breached_at", lookup_expr="isnull", exclude=True)
    due_before = InstantFilter(field_name="due_at", lookup_expr="lt")

    class Meta:
        model = SLAClock
        fields = ["kind", "ticket", "running", "breached", "due_before"]

    def filter_running(self, queryset, name, value):
        running = {"met_at__isnull": True, "cancelled_at__isnull": True, "paused_at__isnull": True}
        return queryset.filter(**running) if value else queryset.exclude(**running)


class SLAClockViewSet(viewsets.ReadOnlyModelViewSet):
    required_roles = TICKET_ROLES
    queryset = SLAClock.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = SLAClockSerializer
    filterset_class = ClockFilter

    def get_queryset(self):
        return SLAClock.objects.filter(ticket__in=ticket_visible_queryset(user=self.request.user)).select_related(
            "ticket"
        )


ROUTES = [("sla-clocks", SLAClockViewSet, "sla-clock")]

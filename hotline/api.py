"""API: the hotline call log (HL-1, HL-5), read-only, for the roles of the web call list.

Rows come from the same selectors as the call list and a call's page; the filters are the list's
(search, outcome, not logged yet, from / to) plus the agent."""

import django_filters
from rest_framework import serializers, viewsets

from servicedesk.api.filters import InstantFilter
from servicedesk.api.pagination import Cursor

from . import selectors
from .apps import CALL_LIST_ROLES
from .models import CallLog, Outcome


class NewestCallFirst(Cursor):
    ordering = ("-started_at", "-id")


class CallSerializer(serializers.ModelSerializer):
    agent_name = serializers.CharField(source="agent.display_name", read_only=True, default="")
    customer_name = serializers.CharField(source="customer.name", read_only=True, default="")
    ticket = serializers.CharField(source="ticket.number", read_only=True, default=None, allow_null=True)
    summary = serializers.CharField(source="problem", read_only=True, help_text="The problem as the agent wrote it.")

    class Meta:
        model = CallLog
        fields = ["id", "started_at", "answered_at", "ended_at", "ring_seconds", "seat", "agent", "agent_name",
                  "caller_phone", "organisation", "customer", "customer_name", "contact", "contact_name", "outcome",
                  "ticket", "summary", "handling", "logged_at"]
        read_only_fields = fields


class CallFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Organisation, problem, ticket number or phone", method="filter_q")
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    unlogged = django_filters.BooleanFilter(label="Not logged yet", method="filter_unlogged")
    agent = django_filters.NumberFilter(field_name="agent_id")
    started_after = InstantFilter(field_name="started_at", lookup_expr="gte")
    started_before = InstantFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = CallLog
        fields = ["q", "outcome", "unlogged", "agent", "started_after", "started_before"]

    def filter_q(self, queryset, name, value):
        return queryset & selectors.call_list(search=value.strip()) if value.strip() else queryset

    def filter_unlogged(self, queryset, name, value):
        return queryset & selectors.call_list(unlogged=True) if value else queryset


class CallViewSet(viewsets.ReadOnlyModelViewSet):
    """Hotline calls, newest first (the call list's roles)."""

    required_roles = tuple(CALL_LIST_ROLES)
    queryset = CallLog.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = CallSerializer
    filterset_class = CallFilter
    pagination_class = NewestCallFirst

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.call_detail_queryset()
        return selectors.call_list()


ROUTES = [("calls", CallViewSet, "call")]

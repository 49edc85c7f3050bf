"""API: service contracts (read), with the HL-13 state for today (valid / expiring / expired)."""

import django_filters
from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from rest_framework import serializers, viewsets

from tickets.models import Installation, ServiceContract
from tickets.policies import contract_state

from . import selectors
from .apps import VIEWER_ROLES


class ContractSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    installations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    state = serializers.SerializerMethodField(help_text="HL-13 for today: valid, expiring or expired.")

    class Meta:
        model = ServiceContract
        fields = ["id", "number", "customer", "customer_name", "level", "signed_on", "start_date", "end_date",
                  "installations", "active_users", "renewal_status", "notes", "created_at", "updated_at", "state"]

    def get_state(self, contract) -> str:
        return contract_state(
            start_date=contract.start_date,
            end_date=contract.end_date,
            today=self.context["today"],
            warning_days=settings.SERVICEDESK["CONTRACT_EXPIRY_WARNING_DAYS"],
        )


class ContractFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Number or customer", method="filter_q")
    ends_after = django_filters.DateFilter(field_name="end_date", lookup_expr="gte")
    ends_before = django_filters.DateFilter(field_name="end_date", lookup_expr="lte")

    class Meta:
        model = ServiceContract
        fields = ["q", "customer", "level", "renewal_status", "ends_after", "ends_before"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset & selectors.contract_list(search=value) if value else queryset


class ContractViewSet(viewsets.ReadOnlyModelViewSet):
    required_roles = tuple(VIEWER_ROLES)
    serializer_class = ContractSerializer
    filterset_class = ContractFilter

    def get_queryset(self):
        return selectors.contract_list().prefetch_related(Prefetch("installations", queryset=Installation.objects.only("pk")))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


ROUTES = [("contracts", ContractViewSet, "contract")]

"""API: the knowledge base (GN-5), read-only: published entries only, for the roles that work
tickets (``FAQ_ROLES``); the same search and product filter as the web page."""

import django_filters
from rest_framework import serializers, viewsets

from servicedesk.api.pagination import Cursor
from tickets.models import Product

from . import selectors
from .models import FaqEntry
from .selectors import FAQ_ROLES


class RecentlyUpdatedFirst(Cursor):
    ordering = ("-updated_at", "-id")


class FaqEntrySerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True, default="")
    source_ticket = serializers.CharField(source="source_ticket.number", read_only=True, default=None, allow_null=True)

    class Meta:
        model = FaqEntry
        fields = ["id", "problem", "cause", "solution", "product", "product_name", "source_ticket", "created_at",
                  "updated_at"]
        read_only_fields = fields


class FaqFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Words of the problem, cause or solution", method="filter_q")
    product = django_filters.ModelChoiceFilter(
        queryset=Product.objects.filter(is_active=True), method="filter_product",
        label="The product's entries and the general ones (no product)",
    )  # fmt: skip

    class Meta:
        model = FaqEntry
        fields = ["q", "product"]

    def filter_q(self, queryset, name, value):
        return queryset & selectors.faq_list(text=value) if value.strip() else queryset

    def filter_product(self, queryset, name, value):
        return queryset & selectors.faq_list(product=value) if value is not None else queryset


class FaqEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """Published knowledge-base entries, most recently updated first."""

    required_roles = FAQ_ROLES
    queryset = FaqEntry.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = FaqEntrySerializer
    filterset_class = FaqFilter
    pagination_class = RecentlyUpdatedFirst

    def get_queryset(self):
        return selectors.faq_list()


ROUTES = [("faq", FaqEntryViewSet, "faq")]

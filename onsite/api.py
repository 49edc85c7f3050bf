"""API: on-site service orders (OS-1..OS-8), read, plus approval and dispatch through the services.

Managers and the desk read every order, an engineer only their own (``order_visible_queryset``):
another engineer's order is a 404. Approve (OS-1) and dispatch (GN-3, OS-8) call
``service_order_approve`` / ``service_order_assign``, which check the transition table, the
per-role and per-hour settings (``ONSITE_APPROVER_ROLES``, ``ONSITE_DISPATCHER_ROLES``) and
record the timeline line; their refusals are answered 403 (not allowed now), 409 (not from this
status) or 400 (the input), never 500."""

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from servicedesk.api.pagination import Cursor
from staff.models import User
from staff.roles import Role
from tickets.policies import TransitionNotAllowed

from . import policies, selectors, services
from .models import OrderStatus, ServiceOrder
from .selectors import ORDER_MANAGER_ROLES, ORDER_ROLES

STATUS_CHOICES = [("open", "Open (not closed or cancelled)")] + list(OrderStatus.choices)


def _engineers():
    return User.objects.filter(is_active=True, groups__name=Role.ENGINEER).distinct()


class NewestOrderFirst(Cursor):
    ordering = ("-requested_at", "-id")


class WorkReportSummarySerializer(serializers.Serializer):
    cause = serializers.CharField()
    actions = serializers.CharField()
    prevention = serializers.CharField()
    reported_at = serializers.DateTimeField()


class ServiceOrderSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text="SO-000123")
    ticket = serializers.CharField(source="ticket.number", read_only=True)
    customer_name = serializers.CharField(source="ticket.customer.name", read_only=True)
    engineer_name = serializers.CharField(source="engineer.display_name", read_only=True, default="")
    work_report = WorkReportSummarySerializer(read_only=True, allow_null=True, help_text="OS-4: once reported.")

    class Meta:
        model = ServiceOrder
        fields = ["id", "code", "ticket", "customer_name", "status", "problem", "site_address", "contact",
                  "offered_by", "agreed_start", "agreed_end", "requested_by", "requested_at", "approved_by",
                  "approved_at", "engineer", "engineer_name", "assigned_at", "precall_done_at", "departed_at",
                  "checked_in_at", "checked_out_at", "form_due_at", "form_handed_in_at", "trip_recorded_at",
                  "closed_at", "cancel_reason", "work_report"]
        read_only_fields = fields


class ServiceOrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status")
    engineer = django_filters.NumberFilter(field_name="engineer_id")
    ticket = django_filters.CharFilter(field_name="ticket__number", lookup_expr="iexact")
    q = django_filters.CharFilter(label="Order code, ticket number, customer or address", method="filter_q")

    class Meta:
        model = ServiceOrder
        fields = ["status", "engineer", "ticket", "q"]

    def _user(self):
        return self.request.user

    def filter_status(self, queryset, name, value):
        return queryset & selectors.order_list(user=self._user(), status=value)

    def filter_q(self, queryset, name, value):
        return queryset & selectors.order_list(user=self._user(), search=value.strip()) if value.strip() else queryset


class ApproveSerializer(serializers.Serializer):
    agreed_start = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                             help_text="Empty: the window agreed at the request.")
    agreed_end = serializers.DateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class DispatchSerializer(serializers.Serializer):
    engineer = serializers.PrimaryKeyRelatedField(queryset=_engineers(), help_text="An active engineer's user id.")


@extend_schema_view(
    approve=extend_schema(request=ApproveSerializer, responses={200: ServiceOrderSerializer}),
    dispatch_engineer=extend_schema(request=DispatchSerializer, responses={200: ServiceOrderSerializer}),
)
class ServiceOrderViewSet(viewsets.ReadOnlyModelViewSet):
    """On-site orders, newest request first: every order for managers and the desk, an engineer's own."""

    required_roles = ORDER_ROLES
    # The web order page's approve and dispatch buttons; which of them may act now is the service's rule.
    action_roles = {"approve": ORDER_MANAGER_ROLES, "dispatch_engineer": ORDER_MANAGER_ROLES}
    queryset = ServiceOrder.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = ServiceOrderSerializer
    filterset_class = ServiceOrderFilter
    pagination_class = NewestOrderFirst

    def get_queryset(self):
        if self.action == "list":
            return selectors.order_list(user=self.request.user).select_related("work_report")
        return selectors.order_detail_queryset(user=self.request.user)

    def _answer(self, order: ServiceOrder) -> Response:
        fresh = selectors.order_detail_queryset(user=self.request.user).get(pk=order.pk)
        return Response(self.get_serializer(fresh).data)

    def _check(self, order: ServiceOrder, name: str, refusal_for) -> None:
        """The answers the web page gives by hiding the button, as status codes: 409 when the order's
        status does not allow ``name``, 403 when the caller may not do it now (per-role, per-hour)."""
        if order.status not in policies.TRANSITIONS[name].sources:
            raise TransitionNotAllowed(
                policies.refusal(status=order.status, action=name, roles=self.request.user.role_names,
                                 is_order_engineer=order.engineer_id == self.request.user.pk)
            )
        refused = refusal_for(user=self.request.user, now=timezone.now())
        if refused:
            raise exceptions.PermissionDenied(refused)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """OS-1: approve the visit with the window agreed with the customer."""
        order = self.get_object()
        serializer = ApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self._check(order, "approve", services.approve_refusal_for)
        order = services.service_order_approve(order=order, approver=request.user, **serializer.validated_data)
        return self._answer(order)

    # Not named "dispatch": that is the view's own request entry point.
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_engineer(self, request, pk=None):
        """GN-3, OS-8: dispatch an engineer (meets the dispatch clock, assigns the ticket)."""
        order = self.get_object()
        serializer = DispatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self._check(order, "assign", services.dispatch_refusal_for)
        order = services.service_order_assign(order=order, engineer=serializer.validated_data["engineer"], actor=request.user)
        return self._answer(order)


ROUTES = [("orders", ServiceOrderViewSet, "order")]

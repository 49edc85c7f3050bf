"""API resources for customers, their contacts and installations, and tickets (issue 15).

Reads go through the same user-scoped selectors as the web pages; writes through the same
services (``ticket_create``, ``ticket_transition``, ...), so GN-1 numbering, HL-13 contract
lookup and the OS-8 SLA clocks apply exactly as they do for the desk."""

import django_filters
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from servicedesk.api import errors
from servicedesk.api.pagination import Cursor
from servicedesk.api.views import IDEMPOTENCY_PARAMETER, create_once, url_kwargs
from staff.roles import Role

from . import selectors, services
from .filters import TicketFilter
from .models import Contact, Customer, Installation, Region, Ticket, TicketEvent
from .models.tickets import Channel, Priority, TicketType
from .policies import TRANSITIONS, TransitionNotAllowed
from .selectors import TICKET_DESK_ROLES, TICKET_EDIT_ROLES, TICKET_ROLES
from .sla.models import SLAClock

# A refused status change is a conflict with the ticket's current state, not bad syntax.
errors.register(TransitionNotAllowed, http_status=status.HTTP_409_CONFLICT, code="transition_not_allowed")

CUSTOMER_EDIT_ROLES = (Role.AGENT, Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN)


# A ticket's own sub-resources: not filtered or paged like the ticket list.
NOT_A_LIST = {"filter_backends": [], "pagination_class": None}


class ByName(Cursor):
    ordering = "name"


class NewestFirst(Cursor):
    ordering = ("-created_at", "-id")


# --- Customers, contacts, installations ---------------------------------------------------------


class CustomerSerializer(serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), allow_null=True, required=False)
    region_name = serializers.CharField(source="region.name", read_only=True, default="")
    open_tickets = serializers.IntegerField(read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "name", "region", "region_name", "address", "phone", "notes", "is_active", "open_tickets",
                  "created_at", "updated_at"]
        read_only_fields = ["is_active", "created_at", "updated_at"]
        # Uniqueness is the service's full_clean (one message, the same as in the web form).
        extra_kwargs = {"name": {"validators": []}}


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or phone", method="filter_q")
    region = django_filters.NumberFilter(field_name="region_id")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Customer
        fields = ["q", "region", "is_active"]

    def filter_q(self, queryset, name, value):
        return queryset & selectors.customer_list(search=value.strip()) if value.strip() else queryset


@extend_schema_view(create=extend_schema(parameters=[IDEMPOTENCY_PARAMETER]))
class CustomerViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Customers (GN-7: the desk roles only)."""

    required_roles = TICKET_DESK_ROLES
    action_roles = {"create": CUSTOMER_EDIT_ROLES}
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    pagination_class = ByName

    def get_queryset(self):
        return selectors.customer_list()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer, created = create_once(
            request,
            scope="customers.create",
            create=lambda: services.customer_create(**serializer.validated_data),
            url_of=lambda customer: reverse("api:customer-detail", args=[customer.pk]),
            replay=lambda url: self.get_queryset().get(pk=url_kwargs(url)["pk"]),
        )
        customer = self.get_queryset().get(pk=customer.pk)  # with its open ticket count
        return Response(self.get_serializer(customer).data, status=status.HTTP_201_CREATED if created else 200)


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "customer", "name", "phone", "mobile", "email", "department", "title", "is_active",
                  "created_at", "updated_at"]


class InstallationSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = Installation
        fields = ["id", "customer", "product", "product_name", "serial_number", "installed_on", "site_address",
                  "notes"]


class ContactViewSet(viewsets.ReadOnlyModelViewSet):
    required_roles = TICKET_DESK_ROLES
    serializer_class = ContactSerializer
    filterset_fields = ["customer", "is_active"]

    def get_queryset(self):
        return Contact.objects.all()


class InstallationViewSet(viewsets.ReadOnlyModelViewSet):
    required_roles = TICKET_DESK_ROLES
    serializer_class = InstallationSerializer
    filterset_fields = ["customer", "product", "serial_number"]

    def get_queryset(self):
        return Installation.objects.select_related("product")


# --- Tickets --------------------------------------------------------------------------------------


class TicketSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    assignee_name = serializers.CharField(source="assignee.display_name", read_only=True, default="")
    next_due_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="Earliest running SLA deadline.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["number", "url", "channel", "type", "priority", "status", "subject", "description", "resolution",
                  "customer", "customer_name", "contact", "installation", "contract", "assignee", "assignee_name",
                  "created_by", "created_at", "updated_at", "resolved_at", "closed_at", "reopen_count", "next_due_at"]
        read_only_fields = fields

    def get_url(self, ticket) -> str:
        return self.context["request"].build_absolute_uri(ticket.get_absolute_url())


class TicketCreateSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.filter(is_active=True))
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.filter(is_active=True), required=False, allow_null=True
    )
    installation = serializers.PrimaryKeyRelatedField(
        queryset=Installation.objects.all(), required=False, allow_null=True
    )
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField()
    type = serializers.ChoiceField(choices=TicketType.choices, default=TicketType.FAULT)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.HOTLINE)
    assignee = serializers.PrimaryKeyRelatedField(queryset=selectors.staff_assignable(), required=False, allow_null=True)


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(name, t.label) for name, t in TRANSITIONS.items()])
    note = serializers.CharField(required=False, allow_blank=True, default="")
    resolution = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=selectors.staff_assignable(), allow_null=True)


class CommentSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10000)


class TicketEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", read_only=True, default="")

    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "actor", "actor_name", "created_at", "from_status", "to_status", "body"]


class SLAClockSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.number", read_only=True)
    is_running = serializers.SerializerMethodField()

    class Meta:
        model = SLAClock
        fields = ["id", "ticket", "kind", "started_at", "due_at", "warn_at", "paused_at", "warned_at", "breached_at",
                  "met_at", "cancelled_at", "cancel_reason", "is_running"]

    def get_is_running(self, clock) -> bool:
        return clock.met_at is None and clock.cancelled_at is None and clock.paused_at is None


class TicketApiFilter(TicketFilter):
    """The web list's filters; the order is the cursor's (newest first)."""

    order = None

    class Meta(TicketFilter.Meta):
        fields = [name for name in TicketFilter.Meta.fields if name != "order"]


@extend_schema_view(
    create=extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer}, parameters=[IDEMPOTENCY_PARAMETER]),
    comment=extend_schema(request=CommentSerializer, responses={201: TicketEventSerializer}, parameters=[IDEMPOTENCY_PARAMETER]),
    transition=extend_schema(request=TransitionSerializer, responses={200: TicketSerializer}),
    assign=extend_schema(request=AssignSerializer, responses={200: TicketSerializer}),
    events=extend_schema(responses={200: TicketEventSerializer(many=True)}),
    clocks=extend_schema(responses={200: SLAClockSerializer(many=True)}),
)
class TicketViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Tickets: the desk roles see all of them, an engineer only the ones assigned to them."""

    required_roles = TICKET_ROLES
    queryset = Ticket.objects.none()  # the model, for the schema; rows come from get_queryset
    action_roles = {"create": TICKET_EDIT_ROLES, "transition": TICKET_EDIT_ROLES, "assign": TICKET_EDIT_ROLES}
    serializer_class = TicketSerializer
    filterset_class = TicketApiFilter
    pagination_class = NewestFirst
    lookup_field = "number"
    lookup_value_regex = r"[A-Za-z]{1,6}-\d{4}-\d{1,9}"

    def get_queryset(self):
        return selectors.ticket_list(user=self.request.user)

    def _answer(self, ticket: Ticket, code=status.HTTP_200_OK) -> Response:
        """The ticket as the caller sees it now (with its next deadline). A ticket an engineer
        opened for someone else is answered once, as created, and is not visible afterwards."""
        fresh = self.get_queryset().filter(number=ticket.number).first() or ticket
        return Response(TicketSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = TicketCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket, created = create_once(
            request,
            scope="tickets.create",
            create=lambda: services.ticket_create(created_by=request.user, **serializer.validated_data),
            url_of=lambda ticket: reverse("api:ticket-detail", args=[ticket.number]),
            replay=lambda url: get_object_or_404(self.get_queryset(), number=url_kwargs(url)["number"]),
        )
        return self._answer(ticket, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @action(detail=True, methods=["post"], **NOT_A_LIST)
    def transition(self, request, number=None):
        ticket = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = services.ticket_transition(ticket=ticket, actor=request.user, **serializer.validated_data)
        return self._answer(ticket)

    @action(detail=True, methods=["post"], **NOT_A_LIST)
    def assign(self, request, number=None):
        ticket = self.get_object()
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = services.ticket_assign(ticket=ticket, assignee=serializer.validated_data["assignee"], actor=request.user)
        return self._answer(ticket)

    @action(detail=True, methods=["get", "post"], url_path="comments", url_name="comments", **NOT_A_LIST)
    def comment(self, request, number=None):
        """GET: the ticket's comments; POST: add one (counts as a response, OS-8)."""
        ticket = self.get_object()
        if request.method == "GET":
            comments = selectors.ticket_timeline(ticket=ticket).filter(kind="comment")
            return Response(TicketEventSerializer(comments, many=True).data)
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event, created = create_once(
            request,
            scope="tickets.comment",
            create=lambda: services.ticket_comment(ticket=ticket, author=request.user, body=serializer.validated_data["body"]),
            url_of=lambda event: reverse("api:ticket-comments", args=[ticket.number]) + f"?event={event.pk}",
            replay=lambda url: selectors.ticket_timeline(ticket=ticket).get(pk=url_kwargs(url)["event"]),
        )
        return Response(TicketEventSerializer(event).data, status=status.HTTP_201_CREATED if created else 200)

    @action(detail=True, methods=["get"], **NOT_A_LIST)
    def events(self, request, number=None):
        """The ticket's timeline, oldest first."""
        ticket = self.get_object()
        return Response(TicketEventSerializer(selectors.ticket_timeline(ticket=ticket), many=True).data)

    @action(detail=True, methods=["get"], **NOT_A_LIST)
    def clocks(self, request, number=None):
        """The ticket's SLA clocks (OS-8), open ones first."""
        ticket = self.get_object()
        return Response(SLAClockSerializer(selectors.ticket_sla_clocks(ticket=ticket), many=True).data)


ROUTES = [
    ("customers", CustomerViewSet, "customer"),
    ("contacts", ContactViewSet, "contact"),
    ("installations", InstallationViewSet, "installation"),
    ("tickets", TicketViewSet, "ticket"),
]

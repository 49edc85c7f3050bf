"""API: callbacks with their survey answers (CB-1..CB-5), survey answers for the satisfaction
report's roles, and complaints (HL-10, CB-6); all read-only, from the care selectors.

Who reads what mirrors the web: the callback queue's roles read callbacks (and every answer,
free text included); the satisfaction report's roles read the answers' scores; the complaint
list's roles read complaints. Survey links (signed tokens) are never part of an answer."""

import django_filters
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from servicedesk.api.filters import InstantFilter
from servicedesk.api.pagination import Cursor

from . import selectors
from .apps import CALLBACK_ROLES, COMPLAINT_READER_ROLES, REPORT_ROLES
from .models import (
    Answer,
    Callback,
    CallbackChannel,
    CallbackStatus,
    Complaint,
    ComplaintRoute,
    ComplaintStatus,
    QuestionKind,
    SurveyResponse,
)


class SoonestDueFirst(Cursor):
    ordering = ("due_date", "id")


class NewestAnswerFirst(Cursor):
    ordering = ("-answered_at", "-id")


class CallbackChannelField(serializers.ChoiceField):
    """A callback's channel; in the schema the named enum ``CallbackChannelEnum`` (a ticket's
    ``channel`` is another choice set under the same field name)."""

    def __init__(self, **kwargs):
        super().__init__(choices=CallbackChannel.choices, read_only=True, **kwargs)


class CallbackChannelFieldScheme(OpenApiSerializerFieldExtension):
    target_class = CallbackChannelField

    def map_serializer_field(self, auto_schema, direction):
        component = ResolvedComponent(
            name="CallbackChannelEnum",
            type=ResolvedComponent.SCHEMA,
            object="CallbackChannelEnum",
            schema={
                "enum": CallbackChannel.values,
                "type": "string",
                "description": build_choice_description_list(CallbackChannel.choices),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


# --- Survey answers ---------------------------------------------------------------------------------


class AnswerSerializer(serializers.ModelSerializer):
    question_text = serializers.CharField(source="question.text", read_only=True)
    kind = serializers.CharField(source="question.kind", read_only=True)

    class Meta:
        model = Answer
        fields = ["question", "question_text", "kind", "rating", "yes", "text"]


class ScoreSerializer(serializers.ModelSerializer):
    """A rated or yes/no answer (free text left out)."""

    question_text = serializers.CharField(source="question.text", read_only=True)
    kind = serializers.CharField(source="question.kind", read_only=True)

    class Meta:
        model = Answer
        fields = ["question", "question_text", "kind", "rating", "yes"]


class CallbackResponseSerializer(serializers.ModelSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = SurveyResponse
        fields = ["id", "via", "answered_at", "satisfied", "resolved", "answers"]


class SurveyResponseSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="callback.ticket.number", read_only=True, default=None, allow_null=True)
    channel = CallbackChannelField()
    engineer_name = serializers.CharField(source="engineer.display_name", read_only=True, default="")
    scores = serializers.SerializerMethodField()

    class Meta:
        model = SurveyResponse
        fields = ["id", "callback", "ticket", "channel", "engineer", "engineer_name", "via", "answered_at",
                  "satisfied", "resolved", "scores"]

    @extend_schema_field(ScoreSerializer(many=True))
    def get_scores(self, response) -> list:
        scored = [answer for answer in response.answers.all() if answer.question.kind != QuestionKind.TEXT]
        return ScoreSerializer(scored, many=True).data


class SurveyResponseFilter(django_filters.FilterSet):
    channel = django_filters.ChoiceFilter(choices=CallbackChannel.choices)
    engineer = django_filters.NumberFilter(field_name="engineer_id")
    satisfied = django_filters.BooleanFilter()
    answered_after = InstantFilter(field_name="answered_at", lookup_expr="gte")
    answered_before = InstantFilter(field_name="answered_at", lookup_expr="lt")

    class Meta:
        model = SurveyResponse
        fields = ["channel", "engineer", "satisfied", "answered_after", "answered_before"]


class SurveyResponseViewSet(viewsets.ReadOnlyModelViewSet):
    """Survey answers, newest first (CB-5: the satisfaction report's rows)."""

    required_roles = tuple(REPORT_ROLES)
    queryset = SurveyResponse.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = SurveyResponseSerializer
    filterset_class = SurveyResponseFilter
    pagination_class = NewestAnswerFirst

    def get_queryset(self):
        return selectors.survey_response_list()


# --- Callbacks --------------------------------------------------------------------------------------


class CallbackSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.number", read_only=True, default=None, allow_null=True)
    channel = CallbackChannelField()
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    engineer_name = serializers.CharField(source="engineer.display_name", read_only=True, default="")
    escalation_ticket = serializers.CharField(
        source="escalation_ticket.number", read_only=True, default=None, allow_null=True,
        help_text="CB-3: the ticket an unresolved answer opened.",
    )  # fmt: skip
    overdue = serializers.SerializerMethodField()
    response = CallbackResponseSerializer(read_only=True, allow_null=True, help_text="The survey answer, once given.")

    class Meta:
        model = Callback
        fields = ["id", "source", "channel", "status", "ticket", "customer", "customer_name", "contact", "engineer",
                  "engineer_name", "arrived_at", "due_date", "overdue", "attempts", "last_attempt_at", "done_at",
                  "link_sent_at", "escalation_ticket", "response"]
        read_only_fields = fields

    def get_overdue(self, callback) -> bool:
        return callback.is_overdue()


class CallbackFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CallbackStatus.choices)
    channel = django_filters.ChoiceFilter(choices=CallbackChannel.choices)
    due = django_filters.ChoiceFilter(
        choices=[("today", "Due today"), ("overdue", "Overdue"), ("due", "Due today or earlier")], method="filter_due"
    )
    ticket = django_filters.CharFilter(field_name="ticket__number", lookup_expr="iexact")
    q = django_filters.CharFilter(label="Customer, contact, phone or ticket number", method="filter_q")

    class Meta:
        model = Callback
        fields = ["status", "channel", "due", "ticket", "q"]

    def filter_due(self, queryset, name, value):
        return queryset & selectors.callback_queue(filters={"status": "all", "due": value})

    def filter_q(self, queryset, name, value):
        return queryset & selectors.callback_queue(filters={"status": "all", "search": value}) if value.strip() else queryset


class CallbackViewSet(viewsets.ReadOnlyModelViewSet):
    """Callbacks, soonest due first, open and done (``status`` filters), with the survey answer."""

    required_roles = tuple(CALLBACK_ROLES)
    queryset = Callback.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = CallbackSerializer
    filterset_class = CallbackFilter
    pagination_class = SoonestDueFirst

    def get_queryset(self):
        base = (
            selectors.callback_detail_queryset()
            if self.action == "retrieve"
            else selectors.callback_queue(filters={"status": "all"})
        )
        return base.select_related("response", "escalation_ticket").prefetch_related(selectors.callback_answers_prefetch())


# --- Complaints -------------------------------------------------------------------------------------


class ComplaintSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.number", read_only=True)
    customer_name = serializers.CharField(source="ticket.customer.name", read_only=True)
    employee_name = serializers.CharField(source="employee.display_name", read_only=True, default="")
    overdue = serializers.SerializerMethodField(help_text="CB-6: no answer yet and the due day has passed.")

    class Meta:
        model = Complaint
        fields = ["id", "ticket", "customer_name", "status", "received_at", "due_date", "overdue", "route",
                  "partner_name", "vendor_reference", "employee", "employee_name", "about_attitude", "verification",
                  "verified_at", "decision", "reasons", "decided_at", "answer", "plan", "answered_at", "closed_at"]
        read_only_fields = fields

    def get_overdue(self, complaint) -> bool:
        return complaint.is_overdue()


class ComplaintFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[("open", "Open (not closed)"), ("overdue", "Answer overdue")] + list(ComplaintStatus.choices),
        method="filter_status",
    )
    route = django_filters.ChoiceFilter(choices=ComplaintRoute.choices)
    q = django_filters.CharFilter(label="Ticket number or customer", method="filter_q")

    class Meta:
        model = Complaint
        fields = ["status", "route", "q"]

    def filter_status(self, queryset, name, value):
        return queryset & selectors.complaint_list(filters={"status": value})

    def filter_q(self, queryset, name, value):
        return queryset & selectors.complaint_list(filters={"status": "all", "search": value}) if value.strip() else queryset


class ComplaintViewSet(viewsets.ReadOnlyModelViewSet):
    """Complaints, soonest answer due first, all statuses unless ``status`` says otherwise."""

    required_roles = tuple(COMPLAINT_READER_ROLES)
    queryset = Complaint.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    pagination_class = SoonestDueFirst

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.complaint_detail_queryset()
        return selectors.complaint_list(filters={"status": "all"})


ROUTES = [
    ("callbacks", CallbackViewSet, "callback"),
    ("survey-responses", SurveyResponseViewSet, "survey-response"),
    ("complaints", ComplaintViewSet, "complaint"),
]

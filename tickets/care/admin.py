from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Answer, Callback, CallbackAttempt, Complaint, Question, SurveyResponse, SurveyTemplate


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1
    fields = ("position", "text", "kind", "required", "is_overall", "satisfied_min", "is_resolution")


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(SimpleHistoryAdmin):
    """Surveys are data (CB-1, TR-4): questions and the satisfied threshold (CB-5) are edited here."""

    list_display = ("name", "code", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "code")
    inlines = [QuestionInline]


class AttemptInline(admin.TabularInline):
    model = CallbackAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("at", "by", "outcome", "note")
    fields = readonly_fields


@admin.register(Callback)
class CallbackAdmin(SimpleHistoryAdmin):
    """Callbacks are created by the hooks and closed by the survey; admin shows and corrects details."""

    list_display = ("id", "customer", "channel", "status", "due_date", "engineer", "attempts")
    list_filter = ("status", "channel", "source")
    search_fields = ("customer__name", "contact__name", "ticket__number")
    list_select_related = ("customer", "engineer")
    raw_id_fields = ("ticket", "service_order", "training_plan", "complaint", "customer", "contact", "escalation_ticket")
    autocomplete_fields = ("engineer",)
    readonly_fields = ("source", "status", "done_at", "attempts", "last_attempt_at")
    date_hierarchy = "due_date"
    inlines = [AttemptInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    readonly_fields = ("question", "rating", "yes", "text")
    fields = readonly_fields


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    """Answers are the customer's words: read-only."""

    list_display = ("callback", "channel", "engineer", "via", "satisfied", "resolved", "answered_at")
    list_filter = ("channel", "via", "satisfied", "resolved")
    list_select_related = ("callback__customer", "engineer")
    readonly_fields = ("callback", "via", "answered_at", "answered_by", "satisfied", "resolved", "channel", "engineer")
    date_hierarchy = "answered_at"
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
    list_display = ("ticket", "status", "route", "decision", "due_date", "answered_at")
    list_filter = ("status", "route", "decision")
    search_fields = ("ticket__number", "ticket__customer__name", "partner_name", "vendor_reference")
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket",)
    autocomplete_fields = ("employee", "verified_by", "decided_by", "answered_by")
    readonly_fields = ("status", "received_at")
    date_hierarchy = "received_at"

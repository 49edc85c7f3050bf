from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attendance, ChecklistItem, ImplementationProject, Trainee, TrainingPlan, TrainingSession


class ChecklistInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ("text", "done_at", "done_by")
    autocomplete_fields = ("done_by",)


class TraineeInline(admin.TabularInline):
    model = Trainee
    extra = 0
    fields = ("contact", "score", "mastery", "passed", "exam_attempts", "signed_at")
    readonly_fields = ("score", "mastery", "passed", "exam_attempts", "signed_at")
    autocomplete_fields = ("contact",)


@admin.register(TrainingPlan)
class TrainingPlanAdmin(SimpleHistoryAdmin):
    list_display = ("course", "customer", "instructor", "starts_on", "ends_on", "status")
    list_filter = ("status",)
    search_fields = ("course", "customer__name", "place", "summary")
    list_select_related = ("customer", "instructor")
    autocomplete_fields = ("customer", "instructor", "person_in_charge")
    raw_id_fields = ("project", "documents")
    readonly_fields = (
        "status", "started_at", "started_by", "customer_signed_at", "customer_sign_recorded_by",
        "quality_checked_at", "quality_checked_by", "closed_at", "closed_by", "created_by", "created_at",
    )  # fmt: skip
    date_hierarchy = "starts_on"
    inlines = [ChecklistInline, TraineeInline]


@admin.register(Trainee)
class TraineeAdmin(SimpleHistoryAdmin):
    list_display = ("contact", "plan", "score", "mastery", "passed", "signed_at")
    list_filter = ("passed",)
    search_fields = ("contact__name", "plan__course", "plan__customer__name")
    list_select_related = ("contact", "plan__customer")
    raw_id_fields = ("plan",)
    autocomplete_fields = ("contact",)
    readonly_fields = ("mastery", "passed", "exam_attempts", "exam_recorded_at", "signed_at")


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ("trainee",)


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ("topic", "plan", "starts_at", "ends_at")
    search_fields = ("topic", "plan__course", "plan__customer__name")
    list_select_related = ("plan__customer",)
    list_filter = ("plan__status",)
    raw_id_fields = ("plan",)
    date_hierarchy = "starts_at"
    inlines = [AttendanceInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(SimpleHistoryAdmin):
    list_display = ("text", "plan", "done_at", "done_by")
    list_filter = ("done_at",)
    search_fields = ("text", "plan__course")
    list_select_related = ("plan", "done_by")
    raw_id_fields = ("plan",)


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ("trainee", "session", "present")
    list_filter = ("present",)
    search_fields = ("trainee__contact__name", "session__topic")
    list_select_related = ("trainee__contact", "session")
    raw_id_fields = ("trainee", "session")


@admin.register(ImplementationProject)
class ImplementationProjectAdmin(SimpleHistoryAdmin):
    list_display = ("title", "customer", "engineer", "status", "go_live_on", "completed_at", "form_collected_at")
    list_filter = ("status",)
    search_fields = ("title", "customer__name", "notes")
    list_select_related = ("customer", "engineer")
    autocomplete_fields = ("customer", "installation", "engineer")
    raw_id_fields = ("implementation_form",)
    readonly_fields = (
        "status", "completed_at", "completed_by", "form_collected_at", "form_overdue_reported_at", "created_by",
        "created_at",
    )  # fmt: skip
    date_hierarchy = "started_on"

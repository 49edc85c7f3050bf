from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from staff.roles import Role

from .models import Attachment, Bug, ChangeRequest, FaqEntry, RemoteRecord


@admin.register(Attachment)
class AttachmentAdmin(SimpleHistoryAdmin):
    """Documents are uploaded in the app (checksum computed there); here they are read-only, and
    only administrators may delete one (RM-7)."""

    list_display = ("original_name", "kind", "customer", "size", "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("original_name", "sha256", "customer__name")
    list_select_related = ("customer", "uploaded_by")
    readonly_fields = ("file", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    autocomplete_fields = ("customer",)
    date_hierarchy = "uploaded_at"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_role(Role.ADMIN)


@admin.register(RemoteRecord)
class RemoteRecordAdmin(SimpleHistoryAdmin):
    list_display = ("ticket", "kind", "engineer", "contact", "served_at", "recorded_at")
    list_filter = ("kind",)
    search_fields = ("ticket__number", "contact__name", "report_name", "actions", "tools")
    list_select_related = ("ticket", "engineer", "contact")
    raw_id_fields = ("ticket", "scope_form", "application_form")
    autocomplete_fields = ("engineer", "contact", "told_contact")
    date_hierarchy = "served_at"


class BugInline(admin.StackedInline):
    model = Bug
    extra = 0
    can_delete = False
    autocomplete_fields = ("product", "reported_by")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(SimpleHistoryAdmin):
    list_display = ("ticket", "title", "origin", "status", "expected_on", "requested_by", "overdue_flagged_for")
    list_filter = ("status", "origin")
    search_fields = ("ticket__number", "title", "requirement", "ticket__customer__name")
    list_select_related = ("ticket", "requested_by")
    raw_id_fields = ("ticket", "requirement_form")
    autocomplete_fields = ("requested_by", "confirmed_by", "reviewed_by", "developed_by", "told_contact")
    readonly_fields = ("status", "delay_count", "overdue_flagged_for", "overdue_flagged_at")
    date_hierarchy = "requested_at"
    inlines = [BugInline]


@admin.register(Bug)
class BugAdmin(SimpleHistoryAdmin):
    list_display = ("change_request", "product", "version", "reported_by", "reported_at")
    list_filter = ("product",)
    search_fields = ("change_request__title", "error_message", "reproduction_steps")
    list_select_related = ("change_request__ticket", "product", "reported_by")
    raw_id_fields = ("change_request",)
    autocomplete_fields = ("product", "reported_by")


@admin.register(FaqEntry)
class FaqEntryAdmin(SimpleHistoryAdmin):
    list_display = ("problem", "product", "is_published", "source_ticket", "updated_at")
    list_filter = ("is_published", "product")
    search_fields = ("problem", "cause", "solution")
    list_select_related = ("product", "source_ticket")
    raw_id_fields = ("source_ticket",)
    autocomplete_fields = ("product", "created_by")

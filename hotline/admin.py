from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CallbackPromise,
    CallLog,
    ChecklistItem,
    DiagnosticChecklist,
    DutyRequest,
    ForbiddenPhrase,
)


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 3
    fields = ("position", "question", "hint")


@admin.register(DiagnosticChecklist)
class DiagnosticChecklistAdmin(SimpleHistoryAdmin):
    """HL-12: per-product diagnostic questions, edited with their items inline."""

    list_display = ("name", "product", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "product__name", "product__code")
    list_select_related = ("product",)
    inlines = [ChecklistItemInline]


@admin.register(ForbiddenPhrase)
class ForbiddenPhraseAdmin(SimpleHistoryAdmin):
    """HL-14: the words agents never say; notes containing one are flagged on the call screen."""

    list_display = ("phrase", "instead", "is_active")
    list_filter = ("is_active",)
    search_fields = ("phrase", "instead")


@admin.register(CallLog)
class CallLogAdmin(SimpleHistoryAdmin):
    list_display = ("started_at", "organisation", "caller_phone", "agent", "seat", "outcome", "ticket", "ring_seconds")
    list_filter = ("outcome",)
    search_fields = ("organisation", "caller_phone", "pbx_call_id", "ticket__number")
    list_select_related = ("agent", "ticket")
    date_hierarchy = "started_at"
    raw_id_fields = ("customer", "contact", "installation", "ticket", "agent", "logged_by")


@admin.register(CallbackPromise)
class CallbackPromiseAdmin(SimpleHistoryAdmin):
    list_display = ("ticket", "owner", "due_at", "done_at")
    list_filter = ("done_at",)
    list_select_related = ("ticket", "owner")
    raw_id_fields = ("call", "ticket", "owner", "done_by")


@admin.register(DutyRequest)
class DutyRequestAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "ticket", "due_at", "created_at", "done_at")
    list_filter = ("kind",)
    list_select_related = ("ticket",)
    raw_id_fields = ("call", "ticket", "done_by")

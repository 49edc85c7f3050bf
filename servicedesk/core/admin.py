from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox
from .models import ExportAudit, Heartbeat, IdempotencyKey, Notification, OutboxMessage


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "title", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username", "key")
    list_select_related = ("recipient",)
    readonly_fields = ("recipient", "kind", "key", "title", "body", "url", "created_at", "read_at", "emailed_at")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Pending and failed messages, with their last error; "Retry now" makes them due again."""

    list_display = ("topic", "key", "status", "attempts", "created_at", "available_at", "sent_at", "short_error")
    list_filter = ("status", "topic")
    search_fields = ("key", "topic", "last_error")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    show_full_result_count = False  # the table keeps 30 days of sent rows: no COUNT(*) of all of them

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:120]

    @admin.action(description=_("Retry the selected messages now"), permissions=["change"])
    def retry_now(self, request, queryset):
        count = outbox.retry(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d message is due again.", "%(count)d messages are due again.", count) % {"count": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ("scope", "key", "user", "result_url", "created_at")
    list_filter = ("scope",)
    search_fields = ("key", "user__username", "result_url")
    list_select_related = ("user",)
    readonly_fields = ("user", "scope", "key", "result_url", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "at", "detail")
    readonly_fields = ("name", "at", "detail")

    def has_add_permission(self, request):
        return False


@admin.register(ExportAudit)
class ExportAuditAdmin(admin.ModelAdmin):
    """GN-7: who exported what; read-only, nobody edits or deletes an audit row."""

    list_display = ("created_at", "user", "what", "rows", "query")
    list_filter = ("what",)
    search_fields = ("user__username", "user__full_name", "what", "query")
    list_select_related = ("user",)
    readonly_fields = ("user", "what", "query", "rows", "created_at")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

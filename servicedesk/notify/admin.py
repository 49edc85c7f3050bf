"""Message templates (with history) and the read-only log of customer messages (issue 14)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import CustomerMessage, MessageTemplate


@admin.register(MessageTemplate)
class MessageTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "channel", "language", "subject", "provider_template_code", "wechat_template_id", "is_active", "updated_at")
    list_filter = ("kind", "channel", "language", "is_active")
    search_fields = ("subject", "body", "provider_template_code", "wechat_template_id")
    fieldsets = (
        (None, {"fields": ("kind", "channel", "language", "is_active")}),
        (_("Text"), {"fields": ("subject", "body")}),
        (_("Provider"), {"fields": ("provider_template_code", "wechat_template_id")}),
    )


@admin.register(CustomerMessage)
class CustomerMessageAdmin(admin.ModelAdmin):
    """What each customer was sent, when, by which channel, and why not. Read-only: a message is
    what it was; failed ones can be retried."""

    list_display = ("created_at", "kind", "channel", "contact", "ticket", "recipient", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "kind", "language")
    list_select_related = ("contact", "ticket")
    search_fields = ("recipient", "ticket__number", "contact__name", "key")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in CustomerMessage._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Retry the failed messages"), permissions=["view"])
    def retry(self, request, queryset):
        count = services.customer_message_retry(messages=list(queryset))
        self.message_user(
            request,
            ngettext("%(count)d message will be sent again.", "%(count)d messages will be sent again.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

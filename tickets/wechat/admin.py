from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import WeChatBinding, WeChatMessage


@admin.register(WeChatMessage)
class WeChatMessageAdmin(admin.ModelAdmin):
    """What arrived over WeChat, read-only: the record of what the customer sent and we answered."""

    list_display = ("created_at", "openid", "kind", "event", "ticket", "msg_id")
    list_filter = ("kind",)
    search_fields = ("openid", "msg_id", "content", "ticket__number")
    date_hierarchy = "created_at"
    raw_id_fields = ("ticket", "attachment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WeChatBinding)
class WeChatBindingAdmin(SimpleHistoryAdmin):
    """Pending and finished phone verifications; clear ``blocked_until`` to lift a block."""

    list_display = ("openid", "phone", "contact", "attempts", "codes_sent", "blocked_until", "bound_at")
    search_fields = ("openid", "phone", "contact__name")
    raw_id_fields = ("contact",)
    readonly_fields = ("openid", "phone", "contact", "expires_at", "codes_sent", "bound_at", "created_at")
    fields = ("openid", "phone", "contact", "expires_at", "attempts", "codes_sent", "blocked_until", "bound_at", "created_at")

    def has_add_permission(self, request):
        return False

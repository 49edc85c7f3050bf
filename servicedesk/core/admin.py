from django.contrib import admin

from .models import Notification


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

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import ServiceRequest, StatusLink


@admin.register(StatusLink)
class StatusLinkAdmin(SimpleHistoryAdmin):
    """Status links are made by ``status_link_url``; admin lists them and revokes (issue 14)."""

    list_display = ("ticket", "created_at", "revoked_at", "revoked_by")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("ticket__number", "ticket__customer__name")
    list_select_related = ("ticket", "revoked_by")
    readonly_fields = ("ticket", "created_at", "revoked_at", "revoked_by")
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected status links"))
    def revoke(self, request, queryset):
        now = timezone.now()
        count = 0
        for link in queryset.filter(revoked_at__isnull=True).select_related("ticket"):
            services.status_link_revoke(ticket=link.ticket, actor=request.user, now=now)
            count += 1
        self.message_user(
            request, ngettext("%(n)d link revoked.", "%(n)d links revoked.", count) % {"n": count}, messages.SUCCESS
        )


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    """What customers typed into the public form, beside the ticket it opened (read-only)."""

    list_display = ("created_at", "ticket", "organisation", "contact_name", "phone", "serial_number", "client_ip")
    search_fields = ("ticket__number", "organisation", "contact_name", "phone_normalized", "serial_number", "client_ip")
    list_select_related = ("ticket",)
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

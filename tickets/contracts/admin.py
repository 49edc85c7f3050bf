from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ContractEvent, Renewal, RenewalSerial, SalesTarget


class RenewalSerialInline(admin.TabularInline):
    model = RenewalSerial
    extra = 0
    raw_id_fields = ("installation",)
    readonly_fields = ("old_serial_number",)


@admin.register(Renewal)
class RenewalAdmin(SimpleHistoryAdmin):
    """Renewals change status only through the services (renewal pages); admin shows and corrects details."""

    list_display = ("contract", "status", "new_start", "new_end", "price", "signed_on", "payment_due_on", "paid_on")
    list_filter = ("status", "level")
    search_fields = ("contract__number", "contract__customer__name")
    list_select_related = ("contract__customer",)
    raw_id_fields = ("contract", "reminder")
    autocomplete_fields = ("offered_by", "signed_recorded_by", "payment_recorded_by", "applied_by", "closed_by")
    readonly_fields = ("status", "overdue_notified_at", "applied_at", "previous_start", "previous_end", "closed_at")
    date_hierarchy = "offered_at"
    inlines = [RenewalSerialInline]


@admin.register(ContractEvent)
class ContractEventAdmin(admin.ModelAdmin):
    """The contracts' audit trail: read only."""

    list_display = ("at", "contract", "kind", "actor", "body")
    list_filter = ("kind",)
    search_fields = ("contract__number", "contract__customer__name", "body")
    list_select_related = ("contract", "actor")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SalesTarget)
class SalesTargetAdmin(SimpleHistoryAdmin):
    """CT-4: the monthly targets, also editable on the Sales targets page."""

    list_display = ("month", "amount", "count", "updated_by", "updated_at")
    date_hierarchy = "month"
    autocomplete_fields = ("updated_by",)
    readonly_fields = ("updated_at",)

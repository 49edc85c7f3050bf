from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import MaintenancePlan, MaintenanceVisit


class VisitInline(admin.TabularInline):
    model = MaintenanceVisit
    extra = 0
    fields = ("planned_on", "visit_on", "status", "order", "touched")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(MaintenancePlan)
class MaintenancePlanAdmin(SimpleHistoryAdmin):
    list_display = ("name", "contract", "interval_months", "rrule", "first_visit_on", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "contract__number", "contract__customer__name")
    autocomplete_fields = ("contract",)
    filter_horizontal = ("installations",)
    readonly_fields = ("created_at", "updated_at")
    list_select_related = ("contract",)
    inlines = [VisitInline]


@admin.register(MaintenanceVisit)
class MaintenanceVisitAdmin(SimpleHistoryAdmin):
    list_display = ("plan", "planned_on", "visit_on", "status", "order", "touched")
    list_filter = ("status", "touched")
    search_fields = ("plan__name", "plan__contract__number")
    raw_id_fields = ("plan", "order")
    list_select_related = ("plan__contract", "order")

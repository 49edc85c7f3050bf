from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Part, StockLevel, StockLocation, StockMove


@admin.register(Part)
class PartAdmin(SimpleHistoryAdmin):
    list_display = ("number", "name", "unit", "unit_price", "serial_tracked", "low_stock_threshold", "active")
    list_filter = ("active", "serial_tracked")
    search_fields = ("number", "name")


@admin.register(StockLocation)
class StockLocationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "engineer", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "engineer__username", "engineer__full_name")
    list_select_related = ("engineer",)
    autocomplete_fields = ("engineer",)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by ``onsite.parts.services``: admin shows, never adds, edits or deletes."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockMove)
class StockMoveAdmin(_ReadOnlyAdmin):
    list_display = ("at", "reason", "part", "quantity", "from_location", "to_location", "order", "serial_number", "actor")
    list_filter = ("reason",)
    search_fields = ("part__number", "part__name", "serial_number", "key")
    list_select_related = ("part", "from_location__engineer", "to_location__engineer", "order__ticket", "actor")
    date_hierarchy = "at"


@admin.register(StockLevel)
class StockLevelAdmin(_ReadOnlyAdmin):
    list_display = ("part", "location", "quantity")
    list_filter = ("location",)
    search_fields = ("part__number", "part__name")
    list_select_related = ("part", "location__engineer")

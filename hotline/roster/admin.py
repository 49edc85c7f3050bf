from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import RosterPublication, Seat, SeatSignIn, Shift, ShiftAssignment, ShiftChange, ShiftTemplate


@admin.register(Seat)
class SeatAdmin(SimpleHistoryAdmin):
    list_display = ("number", "label", "is_active")
    list_filter = ("is_active",)
    search_fields = ("number", "label")


@admin.register(SeatSignIn)
class SeatSignInAdmin(admin.ModelAdmin):
    list_display = ("seat", "user", "signed_in_at", "signed_out_at")
    list_filter = ("seat",)
    search_fields = ("seat__number", "user__username", "user__full_name")
    list_select_related = ("seat", "user")
    date_hierarchy = "signed_in_at"


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "start", "end", "days", "position", "is_active")
    list_filter = ("days", "is_active")
    search_fields = ("name", "code")


class ShiftAssignmentInline(admin.TabularInline):
    model = ShiftAssignment
    fields = ("seat", "engineer", "forwards_hotline", "assigned_at", "seat_checked_at", "seat_ready")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Shift)
class ShiftAdmin(SimpleHistoryAdmin):
    """Edit assignments on the roster pages (they check leave, overlaps and HL-3); admin shows them."""

    list_display = ("date", "template", "duty_manager", "is_holiday", "published_at")
    list_filter = ("template", "is_holiday", ("published_at", admin.EmptyFieldListFilter))
    search_fields = ("duty_manager__username", "duty_manager__full_name")
    date_hierarchy = "date"
    list_select_related = ("template", "duty_manager")
    readonly_fields = ("starts_at", "ends_at", "published_at", "publication")
    inlines = [ShiftAssignmentInline]


@admin.register(ShiftAssignment)
class ShiftAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("shift", "seat", "engineer", "forwards_hotline", "seat_checked_at", "seat_ready")
    list_filter = ("seat_ready", "forwards_hotline", "seat")
    search_fields = ("engineer__username", "engineer__full_name", "seat__number")
    list_select_related = ("shift__template", "seat", "engineer")
    readonly_fields = ("starts_at", "ends_at", "assigned_at", "assigned_by", "seat_checked_at", "seat_ready")


@admin.register(RosterPublication)
class RosterPublicationAdmin(SimpleHistoryAdmin):
    list_display = ("first_day", "last_day", "published_at", "published_by", "late_shifts")
    list_filter = ("late_shifts",)
    search_fields = ("override_reason", "published_by__username")
    list_select_related = ("published_by",)


@admin.register(ShiftChange)
class ShiftChangeAdmin(admin.ModelAdmin):
    list_display = ("shift", "action", "details", "changed_by", "changed_at")
    list_filter = ("action",)
    search_fields = ("details", "reason")
    list_select_related = ("shift__template", "changed_by")
    date_hierarchy = "changed_at"

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarDay, PenaltyProposal, PenaltyRule, Team, User, WorkCalendar, WorkingHours


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "full_name", "email", "team", "manager", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "groups", "team")
    search_fields = ("username", "full_name", "first_name", "last_name", "email", "phone")
    list_select_related = ("team", "manager")
    autocomplete_fields = ("team", "manager")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Service centre"), {"fields": ("full_name", "phone", "team", "manager")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Service centre"), {"fields": ("full_name", "email", "phone", "team", "groups")}),
    )


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "lead")
    search_fields = ("name",)
    autocomplete_fields = ("lead",)


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


@admin.register(WorkCalendar)
class WorkCalendarAdmin(SimpleHistoryAdmin):
    list_display = ("name", "time_zone", "is_default")
    inlines = [WorkingHoursInline, CalendarDayInline]


@admin.register(PenaltyRule)
class PenaltyRuleAdmin(SimpleHistoryAdmin):
    list_display = ("rule_id", "code", "title", "amount_min", "amount_max", "consequence", "is_active")
    list_filter = ("rule_id", "is_active")
    search_fields = ("code", "title", "rule_id")


@admin.register(PenaltyProposal)
class PenaltyProposalAdmin(SimpleHistoryAdmin):
    list_display = ("rule", "employee", "occurred_at", "status", "amount", "decided_by")
    list_filter = ("status", "rule__rule_id")
    search_fields = ("employee__username", "employee__full_name", "details")
    list_select_related = ("rule", "employee", "decided_by")
    readonly_fields = ("source_type", "source_id", "created_at")
    date_hierarchy = "occurred_at"

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from tickets.models.tickets import TicketType

from .models import (
    Assessment,
    AttendanceDay,
    AttendanceIncident,
    CalendarDay,
    ConfirmedComplaint,
    DeductionLine,
    DeductionRun,
    EmployeeProfile,
    EmployeeSkill,
    ExpenseClaim,
    FundEntry,
    LeaveRequest,
    PenaltyProposal,
    PenaltyRule,
    SignIn,
    SiteVisitNotice,
    Skill,
    Team,
    TravelAllowanceRate,
    TravelRequest,
    User,
    WorkCalendar,
    WorkingHours,
)


class EmployeeProfileInline(admin.StackedInline):
    model = EmployeeProfile
    fk_name = "user"
    can_delete = False
    extra = 0
    autocomplete_fields = ("region",)


class EmployeeSkillInline(admin.TabularInline):
    model = EmployeeSkill
    fk_name = "employee"
    extra = 0
    autocomplete_fields = ("skill",)


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "full_name", "email", "team", "manager", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "groups", "team")
    search_fields = ("username", "full_name", "first_name", "last_name", "email", "phone", "profile__employee_number")
    list_select_related = ("team", "manager")
    autocomplete_fields = ("team", "manager")
    inlines = [EmployeeProfileInline, EmployeeSkillInline]
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
    search_fields = ("name",)
    list_filter = ("is_default",)
    inlines = [WorkingHoursInline, CalendarDayInline]


@admin.register(EmployeeProfile)
class EmployeeProfileAdmin(SimpleHistoryAdmin):
    list_display = ("employee_number", "user", "level", "track", "region", "probation_ends_on", "base_salary")
    list_filter = ("level", "track", "region")
    search_fields = ("employee_number", "user__username", "user__full_name")
    list_select_related = ("user", "region")
    autocomplete_fields = ("user", "region")


class SkillForm(forms.ModelForm):
    ticket_type = forms.ChoiceField(
        label=_("request type"), choices=[("", _("Any")), *TicketType.choices], required=False
    )

    class Meta:
        model = Skill
        fields = "__all__"


@admin.register(Skill)
class SkillAdmin(SimpleHistoryAdmin):
    form = SkillForm
    list_display = ("name", "product", "ticket_type")
    list_filter = ("ticket_type", "product")
    search_fields = ("name", "product__name")
    autocomplete_fields = ("product",)


@admin.register(EmployeeSkill)
class EmployeeSkillAdmin(SimpleHistoryAdmin):
    list_display = ("employee", "skill", "level")
    list_filter = ("level", "skill")
    search_fields = ("employee__username", "employee__full_name", "skill__name")
    list_select_related = ("employee", "skill")
    autocomplete_fields = ("employee", "skill")


@admin.register(PenaltyRule)
class PenaltyRuleAdmin(SimpleHistoryAdmin):
    list_display = ("rule_id", "code", "title", "amount_min", "amount_max", "consequence", "is_active")
    list_filter = ("rule_id", "is_active")
    search_fields = ("code", "title", "rule_id")


@admin.register(PenaltyProposal)
class PenaltyProposalAdmin(SimpleHistoryAdmin):
    list_display = ("rule", "employee", "occurred_at", "status", "amount", "decided_by", "deduction_run")
    list_filter = ("status", "rule__rule_id", "deduction_run")
    search_fields = ("employee__username", "employee__full_name", "details")
    list_select_related = ("rule", "employee", "decided_by", "deduction_run")
    readonly_fields = ("source_type", "source_id", "created_at", "deduction_run")
    date_hierarchy = "occurred_at"


@admin.register(ConfirmedComplaint)
class ConfirmedComplaintAdmin(SimpleHistoryAdmin):
    list_display = ("employee", "confirmed_at", "about_attitude", "source_type", "source_id")
    list_filter = ("about_attitude",)
    search_fields = ("employee__username", "employee__full_name")
    list_select_related = ("employee", "source_type")
    readonly_fields = ("source_type", "source_id", "created_at")
    date_hierarchy = "confirmed_at"


@admin.register(SignIn)
class SignInAdmin(SimpleHistoryAdmin):
    list_display = ("employee", "day", "signed_in_at", "channel")
    list_filter = ("channel", "day")
    search_fields = ("employee__username", "employee__full_name")
    list_select_related = ("employee",)
    date_hierarchy = "day"


@admin.register(SiteVisitNotice)
class SiteVisitNoticeAdmin(SimpleHistoryAdmin):
    list_display = ("employee", "day", "given_at", "place")
    list_filter = ("day",)
    search_fields = ("employee__username", "employee__full_name", "place")
    list_select_related = ("employee",)
    date_hierarchy = "day"


@admin.register(AttendanceIncident)
class AttendanceIncidentAdmin(SimpleHistoryAdmin):
    list_display = ("employee", "kind", "occurred_at", "recorded_by")
    list_filter = ("kind", "day")
    search_fields = ("employee__username", "employee__full_name", "details")
    list_select_related = ("employee", "recorded_by")
    readonly_fields = ("source_type", "source_id", "created_at")
    date_hierarchy = "day"


@admin.register(AttendanceDay)
class AttendanceDayAdmin(admin.ModelAdmin):
    """Derived by the nightly classification (ST-1); correct the facts instead and re-run it."""

    list_display = ("employee", "day", "status", "reason", "signed_in_at", "classified_at")
    list_filter = ("status", "reason", "day")
    search_fields = ("employee__username", "employee__full_name")
    list_select_related = ("employee",)
    date_hierarchy = "day"

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LeaveRequest)
class LeaveRequestAdmin(SimpleHistoryAdmin):
    list_display = ("employee", "kind", "start_date", "end_date", "days", "status", "approved_at")
    list_filter = ("status", "kind", "needs_hr")
    search_fields = ("employee__username", "employee__full_name", "reason")
    list_select_related = ("employee",)
    date_hierarchy = "start_date"


@admin.register(TravelAllowanceRate)
class TravelAllowanceRateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "lodging_per_day", "meals_per_day", "claim_within_days", "is_default")
    list_filter = ("is_default",)
    search_fields = ("name",)


@admin.register(TravelRequest)
class TravelRequestAdmin(SimpleHistoryAdmin):
    list_display = ("employee", "destination", "departs_at", "returns_at", "status")
    list_filter = ("status",)
    search_fields = ("employee__username", "employee__full_name", "destination", "purpose")
    list_select_related = ("employee",)
    date_hierarchy = "departs_at"


@admin.register(ExpenseClaim)
class ExpenseClaimAdmin(SimpleHistoryAdmin):
    list_display = ("travel", "days", "total", "due_on", "is_late", "status")
    list_filter = ("status", "is_late")
    search_fields = ("travel__employee__username", "travel__employee__full_name", "travel__destination")
    list_select_related = ("travel__employee",)


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ("employee", "kind", "assessed_on", "score", "outcome", "salary_before", "salary_after")
    list_filter = ("kind", "outcome")
    search_fields = ("employee__username", "employee__full_name", "comments")
    list_select_related = ("employee",)
    date_hierarchy = "assessed_on"


class DeductionLineInline(admin.TabularInline):
    model = DeductionLine
    extra = 0
    can_delete = False
    readonly_fields = ("employee", "fines", "amount")


@admin.register(DeductionLine)
class DeductionLineAdmin(admin.ModelAdmin):
    """Derived by preparing a deduction run (ST-13); read only."""

    list_display = ("run", "employee", "fines", "amount")
    list_filter = ("run",)
    search_fields = ("employee__username", "employee__full_name")
    list_select_related = ("run", "employee")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DeductionRun)
class DeductionRunAdmin(SimpleHistoryAdmin):
    list_display = ("month", "status", "prepared_by", "exported_at")
    list_filter = ("status",)
    search_fields = ("month",)
    readonly_fields = ("status", "exported_by", "exported_at")
    inlines = [DeductionLineInline]


@admin.register(FundEntry)
class FundEntryAdmin(SimpleHistoryAdmin):
    list_display = ("booked_on", "kind", "amount", "description", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("description",)
    list_select_related = ("recorded_by",)
    readonly_fields = ("deduction_run",)
    date_hierarchy = "booked_on"

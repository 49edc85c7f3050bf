from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from tickets.models.tickets import OPEN_STATUSES, Status

from . import services
from .models import ContractReminder, ContractReminderStep, SLABreach, SLAClock, SLAPolicy, SLATarget


class SLAPolicyForm(forms.ModelForm):
    pause_statuses = forms.TypedMultipleChoiceField(
        label=_("Statuses that pause the clocks"),
        choices=[(status.value, status.label) for status in Status if status in OPEN_STATUSES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Respond, dispatch, arrangement, arrival and resolve clocks stop while the ticket is in one of these."
        ),
    )

    class Meta:
        model = SLAPolicy
        fields = "__all__"


class SLATargetInline(admin.TabularInline):
    model = SLATarget
    extra = 0
    fields = ("kind", "minutes", "off_hours_minutes", "working_days")


@admin.register(SLAPolicy)
class SLAPolicyAdmin(SimpleHistoryAdmin):
    form = SLAPolicyForm
    list_display = ("name", "contract_level", "priority", "work_calendar", "warn_percent", "is_active")
    list_filter = ("is_active", "contract_level", "priority", "work_calendar")
    search_fields = ("name", "notes")
    list_select_related = ("work_calendar",)
    inlines = [SLATargetInline]
    actions = ["recompute_clocks"]

    def save_related(self, request, form, formsets, change):
        # After the targets are saved: the open clocks of matching tickets take the new numbers.
        super().save_related(request, form, formsets, change)
        self._recompute(request, [form.instance])

    @admin.action(description=_("Recompute the open clocks (after a calendar or holiday change)"))
    def recompute_clocks(self, request, queryset):
        self._recompute(request, queryset)

    def _recompute(self, request, policies):
        for policy in policies:
            services.policy_clocks_recompute_later(policy=policy)
        self.message_user(request, _("The open clocks are being recomputed in the background."), messages.INFO)


@admin.register(SLATarget)
class SLATargetAdmin(SimpleHistoryAdmin):
    list_display = ("policy", "kind", "minutes", "off_hours_minutes", "working_days")
    list_filter = ("kind", "policy")
    search_fields = ("policy__name",)
    list_select_related = ("policy",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Clocks and breaches are written by the SLA services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SLAClock)
class SLAClockAdmin(ReadOnlyAdmin):
    list_display = (
        "ticket",
        "kind",
        "started_at",
        "due_at",
        "paused_at",
        "warned_at",
        "breached_at",
        "met_at",
        "cancelled_at",
    )
    list_filter = (
        "kind",
        ("breached_at", admin.EmptyFieldListFilter),
        ("met_at", admin.EmptyFieldListFilter),
        "policy",
    )
    search_fields = ("ticket__number", "ticket__customer__name")
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket", "owner")
    date_hierarchy = "started_at"
    show_full_result_count = False


@admin.register(SLABreach)
class SLABreachAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "kind", "due_at", "detected_at", "responsible", "escalated_at")
    list_filter = ("kind", ("escalated_at", admin.EmptyFieldListFilter))
    search_fields = ("ticket__number", "ticket__customer__name", "responsible__username", "responsible__full_name")
    list_select_related = ("ticket", "responsible")
    raw_id_fields = ("clock", "ticket", "responsible")
    date_hierarchy = "due_at"


@admin.register(ContractReminderStep)
class ContractReminderStepAdmin(SimpleHistoryAdmin):
    list_display = ("days_before", "is_active")
    list_filter = ("is_active",)
    search_fields = ("days_before",)


@admin.register(ContractReminder)
class ContractReminderAdmin(SimpleHistoryAdmin):
    list_display = ("contract", "period_end", "days_before", "assignee", "status", "language", "notice_sent_at")
    list_filter = ("status", "language", "days_before")
    search_fields = ("contract__number", "contract__customer__name", "assignee__username", "assignee__full_name")
    list_select_related = ("contract__customer", "assignee")
    autocomplete_fields = ("contract",)
    raw_id_fields = ("assignee", "closed_by")
    readonly_fields = ("notice_sent_at", "notice_recipients", "created_at", "closed_at", "closed_by")
    date_hierarchy = "period_end"

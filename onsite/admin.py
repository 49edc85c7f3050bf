from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CallAttempt, OrderPhoto, PartUsed, Reschedule, ServiceOrder, SignOff, WorkReport


class CallAttemptInline(admin.TabularInline):
    model = CallAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("called_at", "called_by", "reached", "note")
    fields = readonly_fields


class RescheduleInline(admin.TabularInline):
    model = Reschedule
    extra = 0
    can_delete = False
    readonly_fields = ("recorded_at", "caused_by", "reason", "old_start", "new_start", "engineer", "recorded_by")
    fields = readonly_fields


@admin.register(ServiceOrder)
class ServiceOrderAdmin(SimpleHistoryAdmin):
    """Orders change status only through the services (the visit flow); admin shows and corrects details."""

    list_display = ("id", "ticket", "status", "engineer", "agreed_start", "requested_at")
    list_filter = ("status",)
    search_fields = ("ticket__number", "ticket__customer__name", "site_address", "problem")
    list_select_related = ("ticket__customer", "engineer")
    raw_id_fields = ("ticket", "contact")
    autocomplete_fields = ("requested_by", "approved_by", "engineer", "assigned_by", "form_handed_in_by", "closed_by")
    readonly_fields = ("status", "form_late_reported_at", "trip_late_reported_at", "window_emailed_at")
    date_hierarchy = "requested_at"
    inlines = [CallAttemptInline, RescheduleInline]


class PartInline(admin.TabularInline):
    model = PartUsed
    extra = 0


@admin.register(WorkReport)
class WorkReportAdmin(SimpleHistoryAdmin):
    list_display = ("order", "reported_by", "reported_at")
    search_fields = ("order__ticket__number", "cause", "actions")
    list_select_related = ("order__ticket", "reported_by")
    raw_id_fields = ("order",)
    autocomplete_fields = ("reported_by",)
    inlines = [PartInline]


@admin.register(PartUsed)
class PartUsedAdmin(SimpleHistoryAdmin):
    list_display = ("name", "part_number", "quantity", "return_to_factory", "factory_due_on", "factory_returned_on")
    list_filter = ("return_to_factory",)
    search_fields = ("name", "part_number", "report__order__ticket__number")
    raw_id_fields = ("report",)


@admin.register(SignOff)
class SignOffAdmin(SimpleHistoryAdmin):
    list_display = ("order", "customer_name", "rating", "signed_at")
    list_filter = ("rating",)
    search_fields = ("customer_name", "order__ticket__number", "order__ticket__customer__name")
    list_select_related = ("order__ticket",)
    raw_id_fields = ("order",)
    autocomplete_fields = ("recorded_by",)
    readonly_fields = ("signature", "signature_sha256")
    date_hierarchy = "signed_at"


@admin.register(CallAttempt)
class CallAttemptAdmin(admin.ModelAdmin):
    list_display = ("order", "called_at", "called_by", "reached")
    list_filter = ("reached",)
    search_fields = ("order__ticket__number", "note")
    raw_id_fields = ("order",)
    autocomplete_fields = ("called_by",)


@admin.register(Reschedule)
class RescheduleAdmin(admin.ModelAdmin):
    list_display = ("order", "caused_by", "engineer", "new_start", "recorded_at")
    list_filter = ("caused_by",)
    search_fields = ("order__ticket__number", "reason")
    raw_id_fields = ("order",)
    autocomplete_fields = ("engineer", "recorded_by")


@admin.register(OrderPhoto)
class OrderPhotoAdmin(admin.ModelAdmin):
    """Visit photos (issue 16): added on the order page only; admin shows them."""

    list_display = ("id", "order", "caption", "added_by", "added_at", "location_kept")
    list_select_related = ("order__ticket", "added_by")
    search_fields = ("order__ticket__number", "caption")
    raw_id_fields = ("order", "attachment")
    readonly_fields = ("order", "attachment", "thumbnail", "width", "height", "location_kept", "added_by", "added_at")
    date_hierarchy = "added_at"

"""Webhook subscriptions (with history) and the delivery log per subscription (docs/webhooks.md)."""

import uuid

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import EVENT_TYPES, WebhookDelivery, WebhookSubscription


class WebhookSubscriptionForm(forms.ModelForm):
    # The model validates the scheme (http or https); a URL typed without one is taken as https.
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The endpoint that receives the POST requests (http or https)."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("event types"),
        choices=EVENT_TYPES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The events POSTed to this URL."),
    )

    class Meta:
        model = WebhookSubscription
        fields = ("name", "url", "secret", "event_types", "is_active")

    def clean_event_types(self) -> list[str]:
        return list(self.cleaned_data["event_types"])


class DeliveryInline(admin.TabularInline):
    """The latest deliveries; the full, filterable log is one link away."""

    model = WebhookDelivery
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ("created_at", "event_type", "status", "attempts", "last_status_code", "response_ms", "last_error")
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    verbose_name_plural = _("latest deliveries")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # An inline's queryset cannot be sliced: the 50 latest by id instead.
        latest = list(queryset.order_by("-created_at", "-id").values_list("pk", flat=True)[:50])
        return queryset.filter(pk__in=latest)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(SimpleHistoryAdmin):
    form = WebhookSubscriptionForm
    list_display = ("name", "url", "events", "is_active", "consecutive_failures", "disabled_at", "delivery_log")
    list_filter = ("is_active",)
    search_fields = ("name", "url")
    readonly_fields = ("consecutive_failures", "disabled_at", "disabled_reason", "created_at", "delivery_log")
    fieldsets = (
        (None, {"fields": ("name", "url", "secret", "event_types", "is_active")}),
        (_("Health"), {"fields": ("consecutive_failures", "disabled_at", "disabled_reason", "created_at", "delivery_log")}),
    )
    inlines = [DeliveryInline]
    actions = ["send_ping", "enable"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _failed=Count("deliveries", filter=Q(deliveries__status__in=["failed", "given_up"]))
        )

    @admin.display(description=_("events"))
    def events(self, obj):
        return ", ".join(obj.event_types or []) or "—"

    @admin.display(description=_("delivery log"))
    def delivery_log(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:webhooks_webhookdelivery_changelist") + f"?subscription__id__exact={obj.pk}"
        failed = getattr(obj, "_failed", None)
        label = _("Deliveries") if not failed else _("Deliveries (%(count)d failed)") % {"count": failed}
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.action(description=_("Send a test ping"), permissions=["change"])
    def send_ping(self, request, queryset):
        count = 0
        for subscription in queryset:
            services.webhook_ping_send(subscription=subscription)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d ping queued.", "%(count)d pings queued.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Re-enable the selected subscriptions"), permissions=["change"])
    def enable(self, request, queryset):
        count = 0
        for subscription in queryset:
            services.webhook_subscription_enable(subscription=subscription)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d subscription re-enabled.", "%(count)d subscriptions re-enabled.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: read-only; "Redeliver" sends a delivery again through the outbox."""

    list_display = (
        "created_at",
        "subscription",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "response_ms",
        "last_attempt_at",
        "delivered_at",
        "delivery_id",
    )
    list_filter = ("status", "event_type", "subscription")
    search_fields = ("delivery_id", "event_key")
    list_select_related = ("subscription",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    date_hierarchy = "created_at"
    actions = ["redeliver"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # A delivery id is a UUID: a search term that is not one looks at the event key only.
        term = search_term.strip()
        try:
            return queryset.filter(delivery_id=uuid.UUID(term)), False
        except ValueError:
            return queryset.filter(event_key__icontains=term) if term else queryset, False

    @admin.action(description=_("Redeliver the selected deliveries"), permissions=["change"])
    def redeliver(self, request, queryset):
        count = 0
        for delivery in queryset:
            services.webhook_delivery_redeliver(delivery=delivery)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

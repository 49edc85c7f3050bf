from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Seat, SeatSignIn


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

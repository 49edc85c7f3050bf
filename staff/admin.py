from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Team, User


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

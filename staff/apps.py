from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import roles

        # Permissions only exist after migrate has run, so the admin group is topped up then.
        post_migrate.connect(roles.grant_admin_group_permissions, sender=self)

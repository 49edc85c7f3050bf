from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """The customers' own door (GN-1, issue 14): the public service-request form and the status page
    reached by a signed, revocable link."""

    name = "tickets.intake"
    label = "intake"
    verbose_name = _("Customer requests")

    def ready(self) -> None:
        from tickets.models.tickets import register_event_kinds

        from .models import IntakeEventKind

        register_event_kinds(IntakeEventKind)

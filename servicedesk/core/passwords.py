"""Production refuses the demo password (``staff.demo.DEMO_PASSWORD``) for every account."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def demo_passwords() -> frozenset[str]:
    from staff.demo import DEMO_PASSWORD  # staff.demo imports models: not at settings-load time

    return frozenset({DEMO_PASSWORD})


class DemoPasswordValidator:
    """AUTH_PASSWORD_VALIDATORS entry (production settings): the published demo password is refused,
    whatever its case or surrounding spaces."""

    def validate(self, password, user=None):
        if password.strip().casefold() in {p.casefold() for p in demo_passwords()}:
            raise ValidationError(
                _("This is the published demo password; choose another one."), code="password_demo"
            )

    def get_help_text(self):
        return _("Your password can't be the published demo password.")

"""System checks. ``core.E001``: under settings that refuse the demo password (production), no active
demo user (``staff.demo.DEMO_USERS``) may still sign in with it.

The check reads the database, so like Django's own database checks it runs only when the command
names a database: ``migrate`` (every deploy) and ``manage.py check --database default``. It looks
at the handful of demo usernames only, so its cost is a single query unless demo users exist.
"""

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core import checks
from django.db import DatabaseError

VALIDATOR = "servicedesk.core.passwords.DemoPasswordValidator"


def demo_password_refused() -> bool:
    return any(entry.get("NAME") == VALIDATOR for entry in settings.AUTH_PASSWORD_VALIDATORS)


@checks.register(checks.Tags.security, checks.Tags.database)
def check_demo_users_have_no_demo_password(app_configs=None, databases=None, **kwargs):
    if not databases or not demo_password_refused():
        return []
    from django.contrib.auth import get_user_model

    from staff.demo import DEMO_USERS

    from .passwords import demo_passwords

    names = [username for username, *_ in DEMO_USERS]
    errors = []
    for alias in databases:
        try:
            users = list(get_user_model()._default_manager.using(alias).filter(username__in=names, is_active=True))
        except DatabaseError:  # a fresh database before its first migrate: nothing to check yet
            continue
        # hashers.check_password, not user.check_password: a check never re-hashes (writes) a password.
        exposed = sorted(
            user.username for user in users if any(check_password(p, user.password) for p in demo_passwords())
        )
        if exposed:
            errors.append(
                checks.Error(
                    f"Demo users still sign in with the demo password: {', '.join(exposed)} (database {alias!r}).",
                    hint="Give them real passwords (manage.py changepassword <username>) or deactivate them.",
                    id="core.E001",
                )
            )
    return errors

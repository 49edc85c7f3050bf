"""The service centre's own account: the author of what the customer channels write (issue 14)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from ._once import record_once

CHANNELS_USERNAME = "servicedesk-channels"


def channel_user_get():
    """The inactive user that public requests, e-mail and WeChat tickets are "created by".

    It cannot log in (unusable password, inactive) and gets no notifications. A concurrent twin is
    settled by the unique username (``record_once``)."""
    user, _created = record_once(
        get_user_model(),
        key={"username": CHANNELS_USERNAME},
        defaults={"full_name": "Customer channels", "is_active": False, "password": make_password(None)},
    )
    return user

"""The service centre's own account: the author of what the customer channels write (issue 14)."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

CHANNELS_USERNAME = "servicedesk-channels"


def channel_user_get():
    """The inactive user that public requests, e-mail and WeChat tickets are "created by".

    It cannot log in (unusable password, inactive) and gets no notifications. Survives a concurrent
    twin: the unique username decides, the loser reads the winner's row."""
    User = get_user_model()
    user = User.objects.filter(username=CHANNELS_USERNAME).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = User(username=CHANNELS_USERNAME, full_name="Customer channels", is_active=False)
            user.set_unusable_password()
            user.save()
            return user
    except IntegrityError:
        return User.objects.get(username=CHANNELS_USERNAME)

from django.conf import settings

from .navigation import nav_items_for
from .selectors import notification_unread_count


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    # "brand_name", not "site_name": auth views put the request host into "site_name" (issue 17).
    context = {"brand_name": settings.SERVICEDESK["SITE_NAME"], "site_name": settings.SERVICEDESK["SITE_NAME"]}
    if user is not None and user.is_authenticated:
        context["nav_items"] = nav_items_for(user, request.path)
        context["unread_notifications"] = notification_unread_count(user=user)
    return context

"""Navigation by role. Each app lists its entries as ``nav_items`` on its AppConfig; the base
layout shows a user the entries whose roles they hold (an empty ``roles`` means all staff)."""

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100
    # URL prefix that marks the entry as current; defaults to the entry's own URL.
    section: str = ""


def nav_items_for(user, path: str = "") -> list[dict]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        items.extend(getattr(config, "nav_items", ()))
    visible = []
    for item in sorted(items, key=lambda i: (i.order, str(i.label))):
        if item.roles and not user.has_role(*item.roles):
            continue
        url = reverse(item.url_name)
        section = item.section or url
        visible.append({"label": item.label, "url": url, "active": path.startswith(section)})
    return visible

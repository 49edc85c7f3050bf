"""Navigation by role. Each app lists its entries as ``nav_items`` on its AppConfig; the base
layout shows a user the entries whose roles they hold (an empty ``roles`` means all staff).

Entries are gathered into groups (a drop-down on wide screens, a fold-out section on phones);
a group with a single visible entry is shown as a plain link.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# group key -> (label, position in the bar)
NAV_GROUPS = {
    "desk": (_("Service desk"), 10),
    "hotline": (_("Hotline"), 20),
    "onsite": (_("On-site"), 30),
    "care": (_("Customer care"), 40),
    "knowledge": (_("Remote service"), 50),  # RM: change requests, knowledge base, documents
    "training": (_("Training"), 60),
    "staff": (_("Staff"), 70),
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100
    # URL prefix that marks the entry as current; defaults to the entry's own URL.
    section: str = ""
    # Key of NAV_GROUPS; an entry without a group stands on its own in the bar.
    group: str = ""


def nav_items_for(user, path: str = "") -> list[dict]:
    """The bar for ``user``: a list of links ({label, url, active}) and groups ({label, children, active})."""
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        items.extend(getattr(config, "nav_items", ()))
    entries: dict[str, dict] = {}
    for item in sorted(items, key=lambda i: (i.order, str(i.label))):
        if item.roles and not user.has_role(*item.roles):
            continue
        url = reverse(item.url_name)
        link = {"label": item.label, "url": url, "active": path.startswith(item.section or url)}
        if item.group in NAV_GROUPS:
            label, position = NAV_GROUPS[item.group]
            group = entries.setdefault(
                item.group, {"label": label, "children": [], "active": False, "position": position}
            )
            group["children"].append(link)
            group["active"] = group["active"] or link["active"]
        else:
            entries[url] = {**link, "position": item.order}
    bar = []
    for entry in sorted(entries.values(), key=lambda e: e["position"]):
        if "children" in entry and len(entry["children"]) == 1:
            entry = entry["children"][0]
        bar.append(entry)
    return bar

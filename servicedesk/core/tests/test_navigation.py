import pytest

from servicedesk.core.navigation import nav_items_for
from staff.roles import Role

pytestmark = pytest.mark.django_db


def _labels(bar):
    return [(str(e["label"]), [str(c["label"]) for c in e.get("children", [])]) for e in bar]


def test_agent_sees_grouped_entries_of_their_role_only(make_user):
    bar = _labels(nav_items_for(make_user(Role.AGENT), "/tickets/"))
    assert ("Service desk", ["Tickets", "Customers"]) in bar
    assert not any(label == "Training" for label, _ in bar)
    assert all("Payroll" not in children for _, children in bar)


def test_a_group_with_one_visible_entry_is_a_plain_link(make_user):
    bar = nav_items_for(make_user(Role.ENGINEER), "/")  # of the service desk group, only Tickets
    tickets = [e for e in bar if str(e["label"]) == "Tickets"]
    assert tickets and "children" not in tickets[0] and tickets[0]["url"] == "/tickets/"


def test_the_current_section_is_marked(make_user):
    bar = nav_items_for(make_user(Role.AGENT), "/tickets/SD-2026-000001/")
    desk = next(e for e in bar if str(e["label"]) == "Service desk")
    assert desk["active"] and desk["children"][0]["active"]
